"""Spot purchases of a node group: how many nodes run on spot, and at what price.

m5.large in us-east-1 (the bundled snapshot): on-demand 0.096 $/h; the only spot row, a
median of 250 spot prices over 5 AZs (2021-01-08..2021-02-09), 0.0409 $/h (price kind
``spot median``, a derived price). A node is 730 h a month.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from topologies import one_group

from planner.catalog import default_catalog
from planner.costing.engine import price_topology
from planner.costing.purchase import reserved_count
from planner.topology import Purchase, Topology

D = Decimal
SPOT, OD = D("0.0409"), D("0.096")


def _topology(
    nodes: int,
    purchase: dict[str, object],
    schedule: dict[str, object] | None = None,
    **extra: object,
) -> Topology:
    group: dict[str, object] = {
        "instance_type": "m5.large",
        "desired_size": nodes,
        "max_size": nodes * 2,
        "disk_gb": 0,
        "purchase": purchase,
    }
    group.update(extra)
    return one_group(group, schedule=schedule)


def _hours(t: Topology) -> dict[str, Decimal]:
    """Instance-hours per purchase option of the node group."""
    report = price_topology(t, default_catalog())
    out: dict[str, Decimal] = {}
    for ln in report.lines:
        if ln.resource == "eks-node-group/g" and "Instance usage" in ln.component:
            out[ln.purchase_option] = out.get(ln.purchase_option, D(0)) + ln.quantity
    return out


@pytest.mark.parametrize(
    ("purchase", "spot_nodes", "od_nodes"),
    [
        ({"type": "spot"}, "3", None),  # no size given: the whole group
        ({"type": "spot", "count": 1}, "1", "2"),
        ({"type": "spot", "count": 3}, "3", None),  # exactly the group
        ({"type": "spot", "count": 5}, "3", None),  # more than runs: only the 3 that run
        ({"type": "spot", "coverage_pct": 50}, "1.5", "1.5"),  # an average share of 3
        ({"type": "spot", "coverage_pct": 100}, "3", None),
    ],
)
def test_spot_nodes_of_a_group_of_three(
    purchase: dict[str, object], spot_nodes: str, od_nodes: str | None
) -> None:
    hours = _hours(_topology(3, purchase))
    expected = {"Spot": D(spot_nodes) * 730}
    if od_nodes is not None:
        expected["OnDemand"] = D(od_nodes) * 730
    assert hours == expected


def test_capacity_type_spot_runs_every_node_on_spot_at_the_spot_median() -> None:
    # the catalog's spot median is used where it has one, before the stated discount
    discount = {"value": 70, "basis": "assumption", "note": "seed 70%"}
    t = _topology(2, {"type": "on_demand"}, capacity_type="SPOT", spot_discount_pct=discount)
    report = price_topology(t, default_catalog())
    (line,) = [ln for ln in report.lines if "Instance usage" in ln.component]
    # 2 x 730 h = 1460 h x 0.0409 = 59.714
    assert (line.quantity, line.monthly_usd) == (D(1460), D("59.7140"))
    assert line.price_basis == "derived" and line.purchase_option == "Spot"
    assert line.component == "Instance usage (Linux, m5.large, spot)"
    assert line.price_source.startswith("spot median (market price, varies) ")


def test_spot_count_in_each_schedule_segment() -> None:
    # office hours (60 of 168 h a week) at 3 nodes, min_size 1 off-hours; 2 bought on spot:
    # on-hours 2 spot + 1 on-demand, off-hours min(2, 1) = 1 spot and nothing on-demand
    office: dict[str, object] = {"hours_per_day": 12, "days_per_week": 5}
    t = _topology(3, {"type": "spot", "count": 2}, office)
    on, off = D(60) * 730 / 168, D(108) * 730 / 168
    hours = _hours(t)
    assert abs(hours["Spot"] - (2 * on + 1 * off)) < D("1e-20")
    assert abs(hours["OnDemand"] - on) < D("1e-20")


# --- reserved counts: a reservation is a whole instance, rounded down ----------------------


@pytest.mark.parametrize(
    ("purchase", "peak", "expected"),
    [
        ({}, 3, 3),  # no size: the peak
        ({"count": 2}, 3, 2),  # a count is bought as written
        ({"count": 5}, 3, 5),  # even above the peak (idle reservations still bill)
        ({"coverage_pct": 100}, 3, 3),
        ({"coverage_pct": 50}, 3, 1),  # 1.5 -> 1
        ({"coverage_pct": "66.67"}, 3, 2),  # 2.0001 -> 2
        ({"coverage_pct": 66}, 3, 1),  # 1.98 -> 1: rounded down, never up
        ({"coverage_pct": 0}, 3, 0),
    ],
)
def test_reserved_count(purchase: dict[str, object], peak: int, expected: int) -> None:
    assert reserved_count(Purchase(type="reserved", **purchase), peak) == expected
