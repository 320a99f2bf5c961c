"""The vectorised sweep equals the scalar Decimal engine to the cent; frontiers; the grid."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.catalog import default_catalog
from planner.commitments.grid import Grid, load_grid
from planner.commitments.sweep import SweepResult, pareto, run_grid, scalar_cost
from planner.errors import InputError
from planner.money import cents
from planner.scenario import Scenario, load_scenario

REPO = Path(__file__).resolve().parents[1]
GRID = REPO / "scenarios" / "grids" / "staging.yaml"


@pytest.fixture(scope="module")
def swept() -> tuple[Scenario, Grid, SweepResult]:
    scenario = load_scenario("staging")
    grid = load_grid(GRID)
    return scenario, grid, run_grid(scenario, grid, default_catalog())


@given(st.data())
def test_sweep_equals_scalar_engine_to_the_cent(
    swept: tuple[Scenario, Grid, SweepResult], data: st.DataObject
) -> None:
    scenario, grid, result = swept
    # half the draws among priced variants, so that reserved and spot paths are exercised
    priced = np.flatnonzero(result.priced)
    if data.draw(st.booleans()):
        flat = int(priced[data.draw(st.integers(0, priced.size - 1))])
    else:
        flat = data.draw(st.integers(0, result.count - 1))
    scalar = scalar_cost(scenario, grid, result, flat, default_catalog())
    if scalar is None:
        assert not result.priced[flat]
    else:
        assert result.priced[flat]
        assert result.monthly_cents(flat) == int(cents(scalar) * 100)


def test_sweep_on_demand_always_on_is_the_priced_scenario(
    swept: tuple[Scenario, Grid, SweepResult],
) -> None:
    # staging's own types on-demand, always on: the plain `planner price` of staging with
    # the compute group on-demand, lines rounded first: 815.77 - 18.22 (spot line, 18.2208)
    # + 60.74 (on-demand line, 0.0832 x 730 = 60.736) = 858.29
    _scenario, _grid, result = swept
    combo = result.combos.index(("t3.medium", "t3.large"))
    flat = int(np.ravel_multi_index((combo, 0, 0, 0), result.shape))
    assert result.monthly_cents(flat) == 85829


def test_every_variant_is_kept_and_marked(swept: tuple[Scenario, Grid, SweepResult]) -> None:
    _s, grid, result = swept
    n_types = [len(g.instance_types) for g in grid.node_groups.values()]
    expected = n_types[0] * n_types[1] * len(grid.purchases) ** 2 * len(grid.schedules)
    assert result.count == expected
    assert 0 < int(result.priced.sum()) < result.count  # missing rates marked, not dropped


def test_pareto_hand_case() -> None:
    cost = np.array([10, 12, 11, 15, 9])
    head = np.array([5.0, 30.0, 5.0, 40.0, 1.0])
    mask = np.array([True, True, True, True, False])
    # 9 is masked out; 10 (5%) -> 12 (30%) -> 15 (40%); 11 (5%) is dominated by 10
    assert pareto(cost, head, mask, maximise=True).tolist() == [0, 1, 3]
    upfront = np.array([100, 0, 50, 0, 0])
    # 10 ($100 up front) -> 11 ($50) -> 12 ($0); 15 ($0) is dominated by 12
    assert pareto(cost, upfront, mask, maximise=False).tolist() == [0, 2, 1]


def test_infeasible_combination_marked(tmp_path: Path) -> None:
    grid = tmp_path / "g.yaml"
    grid.write_text(
        "node_groups:\n  general:\n    instance_types: [t3.micro, t3.medium]\n"
        "  compute:\n    instance_types: [t3.micro]\n"
    )
    result = run_grid(load_scenario("staging"), load_grid(grid), default_catalog())
    assert result.count == 2
    assert not result.feasible.all()  # t3.micro everywhere cannot hold the pods
    assert result.reasons


def test_bad_grid_is_one_line(tmp_path: Path) -> None:
    grid = tmp_path / "g.yaml"
    grid.write_text(
        "node_groups:\n  general:\n    instance_types: [t3.medium]\npurchases: [reserved:2yr:x]\n"
    )
    with pytest.raises(InputError, match=r"purchases\.0"):
        load_grid(grid)


def test_sweep_fixed_part_exactness_guard() -> None:
    from planner.commitments.sweep import to_units

    assert to_units(Decimal("0.0416"), "x") == 4_160_000
    with pytest.raises(InputError, match="8 decimals"):
        to_units(Decimal("2.312050228310502"), "x")


def test_frontiers_use_only_what_is_known(swept: tuple[Scenario, Grid, SweepResult]) -> None:
    from planner.commitments.sweep import frontiers

    _s, _g, result = swept
    fronts = frontiers(result)
    # a variant whose upfront cash is unknown (Partial Upfront, split not published) cannot be
    # on the cost-against-upfront frontier; every frontier variant is feasible and priced
    assert fronts["cost_vs_upfront"]
    for flat in fronts["cost_vs_upfront"]:
        assert result.upfront_known[flat] and result.feasible[flat] and result.priced[flat]
    for flat in fronts["cost_vs_headroom"]:
        assert result.feasible[flat] and result.priced[flat]
    # headroom is the spare share of the allocatable CPU or memory: between 0 and 100%
    feasible = result.headroom_pct[result.feasible]
    assert feasible.size and (feasible >= 0).all() and (feasible <= 100).all()


def test_the_pages_frontier_table_lists_only_undominated_variants() -> None:
    """The finance reviewer found the "Pareto frontier" table listing the ten cheapest
    variants, all at one headroom and each beaten by the first. The table lists the frontier:
    no feasible, priced variant is both cheaper and roomier than a listed one."""
    from planner.commitments.notebook import frontier_rows
    from planner.scenario import load_scenario

    scenario = load_scenario("staging")
    grid = load_grid(GRID)
    sweep = run_grid(scenario, grid, default_catalog())
    rows = frontier_rows(sweep, 10)
    ok = np.flatnonzero(sweep.feasible & sweep.priced)
    cost, room = sweep.monthly_units[ok], sweep.headroom_pct[ok]
    for i in rows:
        beaten = (cost < sweep.monthly_units[i]) & (room > sweep.headroom_pct[i])
        assert not beaten.any(), i
    assert len(rows) > 1 and len({float(sweep.headroom_pct[i]) for i in rows}) == len(rows)
    costs = [int(sweep.monthly_units[i]) for i in rows]
    assert costs == sorted(costs)  # cheapest first, headroom rising with the cost
