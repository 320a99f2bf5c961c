"""The sweep reads its inputs where the scenario says: Kubernetes manifests named by a
``workloads_from`` relative to the scenario's own folder (not the bundled scenarios folder),
and catalog rates the exact integer arithmetic can hold (at most 8 decimals), naming the one
it cannot.

staging's own types on-demand, always on, cost 858.29 a month (tests/test_commitments_sweep.py:
815.77 - 18.22 for the spot t3.large line + 60.74 on-demand); staging's manifests
(scenarios/manifests/staging) hold the same workloads as its scenario
(tests/test_capacity_plan.py::test_manifests_agree_with_the_scenario).
"""

from __future__ import annotations

import dataclasses
import shutil
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from planner.catalog import ON_DEMAND, PriceCatalog, PriceRow, Term, default_catalog
from planner.commitments.grid import Grid
from planner.commitments.sweep import run_grid, scalar_cost
from planner.errors import InputError
from planner.scenario import Scenario, load_scenario

REPO = Path(__file__).resolve().parents[1]
GRID = Grid.model_validate(
    {
        "node_groups": {
            "general": {"instance_types": ["t3.medium"]},
            "compute": {"instance_types": ["t3.large"]},
        },
        "purchases": ["on_demand"],
    }
)


def _elsewhere(tmp_path: Path) -> Scenario:
    """staging, its workloads read from manifests in a folder beside a scenario file that is
    not in the bundled scenarios folder (``workloads_from: my-manifests``)."""
    shutil.copytree(REPO / "scenarios" / "manifests" / "staging", tmp_path / "my-manifests")
    staging = load_scenario("staging")
    topology = staging.topology
    assert topology.eks is not None
    eks = topology.eks.model_copy(update={"workloads": (), "workloads_from": "my-manifests"})
    return type(staging)(
        topology=topology.model_copy(update={"eks": eks}),
        path=tmp_path / "staging.yaml",
        chain=staging.chain,
    )


def test_manifests_beside_the_scenario_are_read(tmp_path: Path) -> None:
    scenario = _elsewhere(tmp_path)
    result = run_grid(scenario, GRID, default_catalog())
    assert result.reasons == {}  # the capacity model found the manifests
    assert bool(result.feasible[0])
    assert result.monthly_cents(0) == 85829
    assert scalar_cost(scenario, GRID, result, 0, default_catalog()) == Decimal("858.29")


@pytest.fixture(scope="module")
def staging() -> Scenario:
    return load_scenario("staging")


class NineDecimalFee(PriceCatalog):
    """The bundled snapshot, m5.large's 1yr Standard Partial Upfront fee given to 9 decimals
    (252.000000001): a TEST FIXTURE."""

    def __init__(self) -> None:
        super().__init__(default_catalog().directory)

    def find(
        self, service: str, region: str, product: str, term: Term = ON_DEMAND
    ) -> PriceRow | None:
        row = super().find(service, region, product, term)
        if row is not None and product == "instance/m5.large/upfront":
            return dataclasses.replace(row, usd=Decimal("252.000000001"))
        return row


def test_a_fee_with_more_than_eight_decimals_is_named(staging: Scenario) -> None:
    grid = Grid.model_validate(
        {
            "node_groups": {"general": {"instance_types": ["m5.large"]}},
            "purchases": ["reserved:1yr:partial_upfront:standard"],
        }
    )
    with pytest.raises(InputError) as caught:
        run_grid(staging, grid, NineDecimalFee())
    assert "m5.large upfront 252.000000001 has more than 8 decimals" in str(caught.value)


def test_the_sums_are_held_in_integer_units(staging: Scenario) -> None:
    """The module's rule: every amount is a whole number of units (1 / (10^8 x 168 x 36)
    dollar), so sums of many lines stay exact; a float array would round above 2^53 units
    (about 14,900 dollars)."""
    grid = Grid.model_validate(
        {
            "node_groups": {
                "general": {"instance_types": ["t3.medium", "m5.large"]},
                "compute": {"instance_types": ["t3.large"]},
            },
            "purchases": ["on_demand", "spot", "reserved:1yr:partial_upfront:standard"],
            "schedules": [{"name": "always"}, {"name": "office", "hours_per_day": 12}],
        }
    )
    result = run_grid(staging, grid, default_catalog())
    assert result.monthly_units.dtype == np.int64
    assert result.upfront_units.dtype == np.int64
    assert result.count == 2 * 3 * 3 * 2  # 2 type combinations x 3^2 purchases x 2 schedules


def test_a_variant_topology(staging: Scenario) -> None:
    from planner.commitments.sweep import variant_topology
    from planner.topology import CapacityType, Purchase, Schedule

    t = staging.topology
    assert t.eks is not None
    spot = Purchase(type="spot")
    office = Schedule(name="office", hours_per_day=12, days_per_week=5)
    v = variant_topology(t, ("m5.large",), (spot,), Schedule(name="always"), ["general"])
    assert v.eks is not None
    general, compute = v.eks.node_groups
    # the swept group takes the type and purchase, as on-demand capacity (a purchase says
    # how it is bought); the other group is as the scenario has it
    assert (general.instance_type, general.purchase) == ("m5.large", spot)
    assert general.capacity_type is CapacityType.ON_DEMAND
    assert compute == t.eks.node_groups[1]
    assert v.schedule is None  # always on: no schedule
    v = variant_topology(t, ("t3.large",), (Purchase(),), office, ["compute"])
    assert v.schedule == office
    assert v.eks is not None
    assert v.eks.node_groups[0] == t.eks.node_groups[0]
    assert v.eks.node_groups[1].capacity_type is CapacityType.ON_DEMAND  # SPOT in staging
