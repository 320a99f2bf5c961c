"""The sweep's reserved variants by hand: an All Upfront fee spread over its own term, the
upfront cash each variant shows, and the reservation sized to the nodes at HPA minimum (the
nodes above it, at expected replicas, on-demand) in both the vector sweep and the scalar
engine it is checked against.

Rates (bundled snapshot, us-east-1): m5.large on-demand 0.096/h, 1yr Standard All Upfront 494
per instance, 3yr 949 (AWS GetProducts record 2021-02-05, tests/test_commitments_pricing.py);
t3.large on-demand 0.0832/h; root volumes 20 GB gp3 at 0.08 = 1.60 a node-month. Staging
without its two node groups is 815.77 - 60.74 - 3.20 - 18.22 - 1.60 = 732.01
(tests/test_one_money.py). Staging's pods fit 2 general and 1 compute node at min and at
expected replicas on these types, as on staging's own (the m5.large has the t3.medium's
2 vCPU and more memory).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from planner.catalog import default_catalog
from planner.commitments.grid import Grid, load_grid
from planner.commitments.sweep import SweepResult, run_grid, scalar_cost
from planner.scenario import Scenario, load_scenario

D = Decimal
REST = D("732.01")
COMPUTE_OD = D("60.74") + D("1.60")  # 730 x 0.0832 = 60.736 -> 60.74, and its root volume
GRID = (
    "node_groups:\n  general: {instance_types: [m5.large]}\n"
    "  compute: {instance_types: [t3.large]}\n"
    "purchases: [on_demand, 'reserved:1yr:all_upfront:standard',"
    " 'reserved:3yr:all_upfront:standard']\n"
)


@pytest.fixture  # per test: mutmut selects a test only if it calls the code itself
def grid(tmp_path: Path) -> Grid:
    path = tmp_path / "g.yaml"
    path.write_text(GRID)
    return load_grid(path)


@pytest.fixture(scope="module")
def staging() -> Scenario:
    return load_scenario("staging")


@pytest.fixture  # per test: mutmut selects a test only if it calls the code itself
def swept(staging: Scenario, grid: Grid) -> SweepResult:
    return run_grid(staging, grid, default_catalog())


def _flat(result: SweepResult, general: int, compute: int) -> int:
    return int(np.ravel_multi_index((0, general, compute, 0), result.shape))


@pytest.mark.parametrize(
    ("general", "monthly", "upfront"),
    [
        # on-demand: 2 x 730 x 0.096 = 140.16, volumes 3.20: 732.01 + 143.36 + 62.34
        (0, D("937.71"), 0.0),
        # 1yr All Upfront: 2 x 494 = 988 up front, 988 / 12 = 82.333 -> 82.33 a month, no
        # hourly charge: 732.01 + 82.33 + 3.20 + 62.34
        (1, D("879.88"), 988.0),
        # 3yr All Upfront: 2 x 949 = 1,898 up front over 36 months, 52.722 -> 52.72:
        # 732.01 + 52.72 + 3.20 + 62.34 (over 12 months it would be 158.17 a month)
        (2, D("850.27"), 1898.0),
    ],
)
def test_all_upfront_is_spread_over_its_own_term(
    staging: Scenario,
    grid: Grid,
    swept: SweepResult,
    general: int,
    monthly: Decimal,
    upfront: float,
) -> None:
    flat = _flat(swept, general, 0)
    assert monthly == REST + {0: D("143.36"), 1: D("85.53"), 2: D("55.92")}[general] + COMPUTE_OD
    assert swept.monthly_cents(flat) == int(monthly * 100)
    described = swept.describe(flat)
    assert described["monthly_usd"] == float(monthly)
    assert described["upfront_usd"] == upfront
    assert described["groups"]["general"]["purchase"] == grid.purchases[general]
    assert scalar_cost(staging, grid, swept, flat, default_catalog()) == monthly


@pytest.fixture(scope="module")
def busier(staging: Scenario) -> Scenario:
    """Staging with every workload at 4 replicas expected (HPA minimum still 2)."""
    topology = staging.topology
    assert topology.eks is not None
    workloads = tuple(w.model_copy(update={"replicas_expected": 4}) for w in topology.eks.workloads)
    eks = topology.eks.model_copy(update={"workloads": workloads})
    return type(staging)(
        topology=topology.model_copy(update={"eks": eks}), path=staging.path, chain=staging.chain
    )


def test_the_reservation_covers_the_minimum_and_the_rest_runs_on_demand(
    busier: Scenario, grid: Grid
) -> None:
    from planner.capacity.plan import plan_capacity

    swept = run_grid(busier, grid, default_catalog())
    flat = _flat(swept, 1, 0)  # general 1yr All Upfront, compute on-demand
    # 4 replicas of each anti-affine workload need 4 distinct nodes at expected: the capacity
    # model runs 3 general + 1 compute (the 2 general nodes at HPA minimum, as before)
    probe = busier.topology.model_copy(
        update={
            "eks": busier.topology.eks.model_copy(  # type: ignore[union-attr]
                update={
                    "node_groups": tuple(
                        g.model_copy(update={"instance_type": "m5.large"})
                        if g.name == "general"
                        else g
                        for g in busier.topology.eks.node_groups  # type: ignore[union-attr]
                    )
                }
            )
        }
    )
    cap = plan_capacity(probe, base_dir=busier.path.parent)
    assert cap.nodes("min")["general"] == 2 and cap.nodes("expected")["general"] == 3
    # the 2 nodes at minimum reserved: 988 up front, 82.33 a month; the third node on-demand
    # 730 x 0.096 = 70.08; 3 root volumes 4.80: 732.01 + 82.33 + 70.08 + 4.80 + 62.34 = 951.56
    # (3 reserved would be 3 x 494 / 12 = 123.50 with no on-demand node: 992.65)
    expected = REST + D("82.33") + D("70.08") + D("4.80") + COMPUTE_OD
    assert expected == D("951.56")
    assert swept.monthly_cents(flat) == 95156
    assert swept.describe(flat)["upfront_usd"] == 988.0
    assert scalar_cost(busier, grid, swept, flat, default_catalog()) == expected


def test_an_unpublished_upfront_split_leaves_the_upfront_unknown(
    staging: Scenario, tmp_path: Path
) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(
        "node_groups:\n  general: {instance_types: [m5.large]}\n"
        "  compute: {instance_types: [t3.large]}\n"
        "purchases: [on_demand, 'reserved:1yr:partial_upfront:standard']\n"
    )
    result = run_grid(staging, load_grid(path), default_catalog())
    # m5.large Partial Upfront publishes its split (252 up front each): 2 x 252 = 504
    assert result.describe(_flat(result, 1, 0))["upfront_usd"] == 504.0
    # t3.large Partial Upfront has only an effective rate in the snapshot: with compute's
    # 1 node at HPA minimum reserved, its upfront cash is unknown (not 0)
    assert result.describe(_flat(result, 0, 1))["upfront_usd"] is None
    assert not result.upfront_known[_flat(result, 1, 1)]
    # its month is exact all the same: the effective rate holds the upfront amortised,
    # 730 x 0.049686 = 36.27078 -> 36.27 for the 1 reserved t3.large, and no fee is booked
    # as cash (the upfront units stay 0: a fee the source does not give is not guessed).
    # 732.01 + general on-demand 140.16 + 3.20 + 36.27 + compute's volume 1.60 = 913.24
    flat = _flat(result, 0, 1)
    assert result.monthly_cents(flat) == 91324
    assert result.upfront_units[flat] == 0
    assert result.upfront_units[_flat(result, 1, 1)] == result.upfront_units[_flat(result, 1, 0)]
    # nothing reserved, nothing up front: known, 0
    assert result.describe(_flat(result, 0, 0))["upfront_usd"] == 0.0
