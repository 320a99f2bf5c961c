"""Every staging line is list price x quantity, checked against the snapshot CSV itself."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from functools import cache

from conftest import SNAPSHOT_DIR

from planner.catalog import load_catalog
from planner.costing.engine import price_topology
from planner.money import HOURS_PER_MONTH, cents
from planner.scenario import load_scenario


@cache
def csv_rows(service: str) -> tuple[dict[str, str], ...]:
    manifest = json.loads((SNAPSHOT_DIR / "manifest.json").read_text())
    path = SNAPSHOT_DIR / manifest["services"][service]["file"]
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def list_price(price_ref: str) -> Decimal:
    """Re-read the one on-demand row a ``price_ref`` (service/region/product) names."""
    assert "[" not in price_ref, f"staging should price on-demand rows only: {price_ref}"
    service, region, product = price_ref.split("/", 2)
    found = [
        r
        for r in csv_rows(service)
        if r["region"] == region and r["product"] == product and r["term"] == "OnDemand"
    ]
    assert len(found) == 1, f"{price_ref}: {len(found)} rows in the snapshot CSV"
    return Decimal(found[0]["usd"])


def test_every_staging_line_is_list_price_times_quantity() -> None:
    scenario = load_scenario("staging")
    report = price_topology(scenario.topology, load_catalog())
    assert scenario.topology.eks is not None
    groups = scenario.topology.eks.node_groups
    spot = {g.name: g for g in groups if g.capacity_type == "SPOT"}
    stale = " days older than the scenario's as_of "  # the price-age warning (issue 8)
    assert report.lines and not report.missing
    assert not [w for w in report.warnings if stale not in w]
    expected_total = Decimal(0)
    for line in report.lines:
        assert line.price_ref, line
        unit_price = list_price(line.price_ref)
        group = spot.get(line.resource.removeprefix("eks-node-group/"))
        if group is not None and line.unit == "Hrs":
            # spot: the on-demand list price less the scenario's stated discount
            assert group.spot_discount_pct is not None
            unit_price = unit_price * (100 - group.spot_discount_pct.value) / 100
        assert line.unit_price_usd == unit_price, line
        assert line.monthly_usd is not None
        assert cents(line.monthly_usd) == cents(line.quantity * unit_price), line
        expected_total += line.quantity * unit_price
    assert cents(report.total_monthly_usd) == cents(expected_total)


def test_staging_quantities_follow_the_scenario() -> None:
    topology = load_scenario("staging").topology
    report = price_topology(topology, load_catalog())
    by_component = {(ln.resource, ln.component.split(" (")[0]): ln for ln in report.lines}
    assert topology.eks is not None
    for group in topology.eks.node_groups:
        line = by_component[(f"eks-node-group/{group.name}", "Instance usage")]
        assert line.quantity == HOURS_PER_MONTH * group.desired_size
    assert topology.nat_gateways is not None
    nat = by_component[("nat-gateways", "NAT gateway hours")]
    assert nat.quantity == HOURS_PER_MONTH * topology.nat_gateways.count
