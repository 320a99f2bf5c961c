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


def test_spot_from_the_catalog_from_a_stated_discount_or_not_priced(staging: Scenario) -> None:
    grid = Grid.model_validate(
        {
            "node_groups": {
                "general": {"instance_types": ["t3.medium", "m5.large"]},
                "compute": {"instance_types": ["t3.large"]},
            },
            "purchases": ["on_demand", "spot"],
        }
    )
    result = run_grid(staging, grid, default_catalog())

    def flat(combo: int, general: int, compute: int) -> int:
        return int(np.ravel_multi_index((combo, general, compute, 0), result.shape))

    # compute on spot: t3.large has no spot median in the snapshot, so the group's stated
    # 70% discount prices it, 0.0832 x 0.30 = 0.02496 $/h, 730 h = 18.2208 -> 18.22: staging
    # as priced, 815.77 (general on-demand)
    assert result.monthly_cents(flat(0, 0, 1)) == 81577
    # general on spot: m5.large has a spot median of 0.0409 $/h (250 prices, 5 AZs):
    # 2 x 730 x 0.0409 = 59.714 -> 59.71 + volumes 3.20, with staging's rest 732.01 and
    # compute on-demand 60.74 + 1.60: 857.26
    assert result.monthly_cents(flat(1, 1, 0)) == 85726
    # t3.medium has neither a spot price nor a stated discount: not priced, never guessed
    assert not result.priced[flat(0, 1, 0)]
    assert result.priced[flat(1, 1, 0)] and result.priced[flat(0, 0, 1)]


def test_a_grid_group_the_scenario_lacks_is_named(staging: Scenario) -> None:
    grid = Grid.model_validate({"node_groups": {"gpu": {"instance_types": ["g4dn.xlarge"]}}})
    with pytest.raises(InputError) as caught:
        run_grid(staging, grid, default_catalog())
    assert str(caught.value) == ("grid node_groups.gpu: no such node group (have general, compute)")


def test_a_scenario_without_eks_cannot_be_swept(staging: Scenario) -> None:
    bare = type(staging)(
        topology=staging.topology.model_copy(update={"eks": None}),
        path=staging.path,
        chain=staging.chain,
    )
    with pytest.raises(InputError) as caught:
        run_grid(bare, GRID, default_catalog())
    assert str(caught.value) == f"{staging.path}: the sweep needs an eks block with node groups"


def test_a_type_without_an_on_demand_price_is_named(staging: Scenario) -> None:
    from planner.errors import PriceNotFoundError

    grid = Grid.model_validate({"node_groups": {"general": {"instance_types": ["x9.nothing"]}}})
    with pytest.raises(PriceNotFoundError, match=r"x9\.nothing"):
        run_grid(staging, grid, default_catalog())


def test_a_line_is_rounded_to_the_cent_half_up_exactly_at_any_size() -> None:
    """A line of 100,000 dollars a month (10,000,000 cents; 6.048 x 10^16 units, beyond the
    2^53 a float holds exactly): one unit below half a cent rounds down, half a cent up."""
    from planner.commitments.sweep import UNITS_PER_CENT, line_cents

    k = 10_000_000
    half = UNITS_PER_CENT // 2
    units = np.array([k * UNITS_PER_CENT + half - 1, k * UNITS_PER_CENT + half], dtype=np.int64)
    out = line_cents(units)
    assert out.dtype == np.int64
    assert out.tolist() == [k * UNITS_PER_CENT, (k + 1) * UNITS_PER_CENT]


class NineDecimalSpot(PriceCatalog):
    """The bundled snapshot with a t3.large spot median of 0.025000001 $/h (9 decimals): a
    TEST FIXTURE."""

    def __init__(self) -> None:
        super().__init__(default_catalog().directory)

    def find(
        self, service: str, region: str, product: str, term: Term = ON_DEMAND
    ) -> PriceRow | None:
        if product == "instance/t3.large" and term == Term("Spot"):
            base = super().find(service, region, "instance/m5.large", term)
            assert base is not None  # the snapshot's m5.large spot row, re-priced
            return dataclasses.replace(base, product=product, usd=Decimal("0.025000001"))
        return super().find(service, region, product, term)


def test_a_spot_rate_with_more_than_eight_decimals_is_named(staging: Scenario) -> None:
    grid = Grid.model_validate(
        {"node_groups": {"compute": {"instance_types": ["t3.large"]}}, "purchases": ["spot"]}
    )
    with pytest.raises(InputError) as caught:
        run_grid(staging, grid, NineDecimalSpot())
    assert "t3.large spot 0.025000001 has more than 8 decimals" in str(caught.value)


def test_a_variant_s_month_is_rounded_to_the_cent_half_up_exactly_at_any_size() -> None:
    """The month of a variant read back in cents, as the line above: 100,000 dollars a month
    and one unit below half a cent rounds down (a float division would round it up)."""
    from types import SimpleNamespace

    from planner.commitments.sweep import UNITS_PER_CENT, SweepResult

    k = 10_000_000
    half = UNITS_PER_CENT // 2
    units = np.array([k * UNITS_PER_CENT + half - 1, k * UNITS_PER_CENT + half], dtype=np.int64)
    result = SimpleNamespace(monthly_units=units)
    assert SweepResult.monthly_cents(result, 0) == k  # type: ignore[arg-type]
    assert SweepResult.monthly_cents(result, 1) == k + 1  # type: ignore[arg-type]
