"""Which node groups a Savings Plan would cover (``sp_eligible``): the ones billed at
on-demand rates, including those the scenario already covers with a Savings Plan (AWS
applies a plan to eligible on-demand usage), never spot or reserved (reservations apply
first; spot is not eligible).
"""

from __future__ import annotations

from planner.commitments.sp_options import sp_eligible
from planner.scenario import load_scenario
from planner.topology import Purchase, Topology


def _with_general(purchase: Purchase) -> Topology:
    topology = load_scenario("staging").topology
    assert topology.eks is not None
    groups = tuple(
        g.model_copy(update={"purchase": purchase}) if g.name == "general" else g
        for g in topology.eks.node_groups
    )
    eks = topology.eks.model_copy(update={"node_groups": groups})
    return topology.model_copy(update={"eks": eks})


def _names(topology: Topology) -> list[str]:
    return [g.name for g in sp_eligible(topology)]


def test_on_demand_and_savings_plan_groups_are_eligible_spot_and_reserved_are_not() -> None:
    staging = load_scenario("staging").topology
    # staging's general group is on demand, its compute group spot (seed report §2.3)
    assert _names(staging) == ["general"]
    assert _names(_with_general(Purchase(type="savings_plan"))) == ["general"]
    reserved = Purchase(type="reserved", term="1yr", payment="no_upfront")
    assert _names(_with_general(reserved)) == []
