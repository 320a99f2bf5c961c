"""The §9.2 levers the best combination tries, as purchase blocks: each reservation is the
1-year Standard No Upfront block a user would write into the scenario, sized to what it
reserves (the database's one instance, each on-demand node group's desired nodes), and a
spot group is not reserved (a reservation would replace spot, not add to it).
"""

from __future__ import annotations

import pytest

from planner.commitments.claims import OFF_HOURS, levers
from planner.scenario import load_scenario
from planner.topology import Purchase, Topology

RESERVE = {"type": "reserved", "term": "1yr", "payment": "no_upfront"}


@pytest.fixture(scope="module")
def staging() -> Topology:
    return load_scenario("staging").topology


def test_the_levers_of_staging(staging: Topology) -> None:
    # off-hours, the RDS instance, the general group; compute is SPOT: no lever for it
    assert [name for name, _apply in levers(staging)] == [
        "off-hours",
        "reserved RDS postgres",
        "reserved nodes general",
    ]


def test_each_lever_changes_only_its_own_block(staging: Topology) -> None:
    assert staging.eks is not None
    found = dict(levers(staging))
    off = found["off-hours"](staging)
    assert off.schedule == OFF_HOURS
    assert off.rds == staging.rds and off.eks == staging.eks

    db = found["reserved RDS postgres"](staging)
    # one database instance: 1 reservation
    assert db.rds[0].purchase == Purchase.model_validate({**RESERVE, "count": 1})
    assert db.eks == staging.eks and db.schedule == staging.schedule

    nodes = found["reserved nodes general"](staging)
    assert nodes.eks is not None
    general, compute = nodes.eks.node_groups
    # staging's general group: desired 2 nodes, 2 reservations
    assert general.purchase == Purchase.model_validate({**RESERVE, "count": 2})
    assert compute == staging.eks.node_groups[1]
    assert nodes.rds == staging.rds


def test_a_group_of_three_desired_nodes_reserves_three(staging: Topology) -> None:
    assert staging.eks is not None
    groups = tuple(
        g.model_copy(update={"desired_size": 3}) if g.name == "general" else g
        for g in staging.eks.node_groups
    )
    t = staging.model_copy(update={"eks": staging.eks.model_copy(update={"node_groups": groups})})
    applied = dict(levers(t))["reserved nodes general"](t)
    assert applied.eks is not None
    assert applied.eks.node_groups[0].purchase.count == 3


def test_without_a_database_or_eks_only_off_hours_is_left(staging: Topology) -> None:
    bare = staging.model_copy(update={"rds": (), "eks": None})
    assert [name for name, _apply in levers(bare)] == ["off-hours"]
