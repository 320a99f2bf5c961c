"""Load growth on node groups (a forecast month): node counts grow with the load, but a node
group never runs more than its ``max_size`` nor (when it was at least at it) fewer than its
``min_size``; reservations stay at the counts as written.

Node group g: t3.medium (0.0416 $/h in the bundled snapshot), min 2, desired 4, max 6,
no root volume. Each priced node is 730 h a month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from planner.catalog import default_catalog
from planner.costing.engine import price_topology
from planner.topology import Topology

D = Decimal
T3 = D("0.0416")


def _topology(purchase: dict[str, object] | None = None, itype: str = "t3.medium") -> Topology:
    group: dict[str, object] = {
        "name": "g",
        "instance_type": itype,
        "min_size": 2,
        "desired_size": 4,
        "max_size": 6,
        "disk_gb": 0,
    }
    if purchase:
        group["purchase"] = purchase
    return Topology.model_validate(
        {
            "name": "t",
            "region": "us-east-1",
            "as_of": dt.date(2025, 11, 11),
            "eks": {
                "cluster_name": "c",
                "kubernetes_version": "1.31",
                "support": "standard",
                "node_groups": [group],
            },
        }
    )


@pytest.mark.parametrize(
    ("growth", "nodes", "how"),
    [
        ("1.5", "6", "desired_size grown x 1.5"),  # 4 x 1.5 = 6: exactly max_size
        ("1.75", "6", "desired_size grown x 1.75, capped at max_size"),  # 7 > 6
        ("0.5", "2", "desired_size grown x 0.5"),  # 4 x 0.5 = 2: exactly min_size
        ("0.25", "2", "desired_size grown x 0.25, held at min_size"),  # 1 < 2
        ("1.1", "4.4", "desired_size grown x 1.1"),  # a share of a node: the average month
    ],
)
def test_growth_stops_at_max_size_and_min_size(growth: str, nodes: str, how: str) -> None:
    report = price_topology(_topology(), default_catalog(), growth=D(growth))
    (line,) = [ln for ln in report.lines if "Instance usage" in ln.component]
    # nodes x 730 h x 0.0416
    assert line.quantity == D(nodes) * 730
    assert line.monthly_usd == D(nodes) * 730 * T3
    assert line.quantity_note == f"{nodes} nodes ({how}) x 730 h"
    capped = [w for w in report.warnings if "would grow" in w]
    if "capped" in how:
        assert capped == [
            "node group g would grow to 7.0 nodes: priced at its max_size 6 "
            "(pods beyond it would not run)"
        ]
    else:
        assert capped == []


def test_a_count_already_below_min_size_is_not_raised_by_shrinking() -> None:
    # the capacity model's 1 node (below min_size 2) x 0.5 = 0.5: the min_size hold applies
    # only to a count that was at least min_size
    report = price_topology(_topology(), default_catalog(), node_counts={"g": 1}, growth=D("0.5"))
    (line,) = [ln for ln in report.lines if "Instance usage" in ln.component]
    assert line.quantity == D("0.5") * 730


def test_reservations_stay_at_the_counts_as_written_when_the_load_grows() -> None:
    # m5.large 1yr No Upfront 0.06 $/h reserved, on-demand 0.096 $/h (the snapshot).
    # 4 nodes reserved at the written count; at growth 1.25 the group runs 5: the fifth is
    # on-demand, 730 x 0.096 = 70.08; the reservation 4 x 730 x 0.06 = 175.20.
    t = _topology({"type": "reserved"}, itype="m5.large")
    report = price_topology(t, default_catalog(), growth=D("1.25"))
    by = {
        ln.purchase_option: ln
        for ln in report.lines
        if ln.resource == "eks-node-group/g" and "EBS" not in ln.component
    }
    reserved = by["Reserved 1yr standard No Upfront"]
    assert (reserved.quantity, reserved.monthly_usd) == (D(2920), D("175.20"))
    on_demand = by["OnDemand"]
    assert (on_demand.quantity, on_demand.monthly_usd) == (D(730), D("70.080"))
