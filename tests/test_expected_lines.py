"""Hand-worked cost lines (tests/data/expected_lines.yaml) against the pricing engine.

Each case builds a minimal topology, prices it with the bundled snapshot, and checks one
line: its dollars to the cent, its quantity, the product it was priced from (``price_ref``),
and that its unit price is AWS's public price, written by hand in the case.

Deliberate breakages tried (applied by hand, suite run, reverted with
``git checkout -- planner/``); the tests that caught each are listed.
MUTATION-TABLE
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from snapshot_csv import on_demand_row

from planner.catalog import PriceCatalog, load_catalog
from planner.costing.engine import price_topology
from planner.costing.lines import CostLine
from planner.costing.registry import MODULES
from planner.money import cents
from planner.topology import Topology

DATA = Path(__file__).resolve().parent / "data" / "expected_lines.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(DATA.read_text(encoding="utf-8"))["cases"]
DEFAULT_AS_OF = dt.date(2025, 11, 11)


@pytest.fixture(scope="module")
def catalog() -> PriceCatalog:
    return load_catalog()


def case_topology(case: dict[str, Any]) -> Topology:
    document = {
        "name": case["id"],
        "region": "us-east-1",
        "as_of": case.get("as_of", DEFAULT_AS_OF),
        **case["topology"],
    }
    return Topology.model_validate(document)


def the_line(lines: tuple[CostLine, ...], resource: str, component: str) -> CostLine:
    found = [ln for ln in lines if ln.resource == resource and ln.component.startswith(component)]
    assert len(found) == 1, (
        f"{len(found)} lines for {resource} / {component!r}: "
        f"{[(ln.resource, ln.component) for ln in lines]}"
    )
    return found[0]


def test_cases_are_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    required = {
        "id", "module", "topology", "line", "price_ref", "list_price_usd", "public_source",
        "snapshot_source", "quantity", "arithmetic", "expected_usd",
    }  # fmt: skip
    for case in CASES:
        assert required <= case.keys(), (case["id"], required - case.keys())
        # to the cent, as finance reads it
        assert Decimal(case["expected_usd"]).as_tuple().exponent == -2, case["id"]
        assert "https://aws.amazon.com/" in " ".join(case["public_source"]), case["id"]


def test_every_service_module_has_a_case() -> None:
    assert {c["module"] for c in CASES} == {m.name for m in MODULES}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_expected_line(case: dict[str, Any], catalog: PriceCatalog) -> None:
    report = price_topology(case_topology(case), catalog)
    assert not report.warnings
    line = the_line(report.lines, case["line"]["resource"], case["line"]["component"])
    assert not line.missing

    # the product, named by hand
    assert line.price_ref == case["price_ref"]
    # the snapshot row of that product (read from the CSV, not through the catalog) holds
    # AWS's public price and names its source
    row = on_demand_row(case["price_ref"])
    list_price = Decimal(case["list_price_usd"])
    assert Decimal(row["usd"]) == list_price, f"snapshot {row['usd']} != public {list_price}"
    assert row["source"] == case["snapshot_source"]
    assert row["source"] in line.price_source

    # the line's unit price: the public price (or the hand-derived one, e.g. spot)
    unit_price = Decimal(case.get("unit_price_usd", case["list_price_usd"]))
    assert line.unit_price_usd == unit_price
    assert line.quantity == Decimal(case["quantity"])
    assert line.monthly_usd is not None
    assert cents(line.monthly_usd) == Decimal(case["expected_usd"]), case["arithmetic"]


def test_spot_lines_are_marked_as_assumptions(catalog: PriceCatalog) -> None:
    case = next(c for c in CASES if c["id"] == "ec2-spot-t3.large-70pct")
    report = price_topology(case_topology(case), catalog)
    line = the_line(report.lines, "eks-node-group/compute", "Instance usage")
    assert line.purchase_option == "Spot"
    assert line.price_basis == "assumption"
    assert "70% off on-demand" in line.price_source
