"""The sweep's JSON, table and CSV for a hand-made result of six variants: one node group
("general"), three instance types, two purchases, one schedule. Variant = type x 2 + purchase.

| variant | type      | purchase        | monthly | upfront        | headroom | feasible, priced |
|---------|-----------|-----------------|---------|----------------|----------|------------------|
| 0       | t3.medium | on_demand       | 63.94   | 0              | 20.04    | yes, yes         |
| 1       | t3.medium | reserved        | 55.00   | 300            | 20.04    | yes, yes         |
| 2       | m5.large  | on_demand       | 143.36  | 0              | 55.0     | yes, yes         |
| 3       | m5.large  | reserved        | 85.53   | unknown split  | 55.0     | yes, yes         |
| 4       | t3.small  | on_demand       | 30.00   | 0              | 0        | no, yes          |
| 5       | t3.small  | reserved        | 25.00   | 0              | 0        | no, no (missing) |

Cheapest feasible and priced first: 1, 0, 3, 2. Frontier cost vs headroom (cheapest first,
kept when the headroom beats every cheaper one): 1 (20.04), 3 (55.0). Frontier cost vs
upfront (variants with a known upfront only, kept when the upfront is below every cheaper
one): 1 (300), 0 (0).
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from planner.commitments.sweep import UNITS_PER_CENT, UNITS_PER_USD, SweepResult, frontiers
from planner.commitments.sweep_report import sweep_csv, sweep_json, sweep_table

RESERVED = "reserved:1yr:all_upfront:standard"
WHY = "2 api-gateway pods unplaced at expected"


@pytest.fixture
def result() -> SweepResult:
    cents = [6394, 5500, 14336, 8553, 3000, 2500]
    return SweepResult(
        scenario="staging",
        groups=["general"],
        types=[["t3.medium", "m5.large", "t3.small"]],
        purchases=["on_demand", RESERVED],
        schedules=["always"],
        shape=(3, 2, 1),
        combos=[("t3.medium",), ("m5.large",), ("t3.small",)],
        monthly_units=np.array([c * UNITS_PER_CENT for c in cents], dtype=np.int64),
        upfront_units=np.array([0, 300 * UNITS_PER_USD, 0, 0, 0, 0], dtype=np.int64),
        feasible=np.array([True, True, True, True, False, False]),
        priced=np.array([True, True, True, True, True, False]),
        upfront_known=np.array([True, True, True, False, True, True]),
        headroom_pct=np.array([20.04, 20.04, 55.0, 55.0, 0.0, 0.0]),
        reasons={2: WHY},
    )


def test_describe_a_variant(result: SweepResult) -> None:
    assert result.count == 6
    assert result.describe(1) == {
        "variant": 1,
        "schedule": "always",
        "groups": {"general": {"instance_type": "t3.medium", "purchase": RESERVED}},
        "monthly_usd": 55.0,
        "upfront_usd": 300.0,
        "headroom_pct": 20.0,  # to one decimal
        "feasible": True,
        "priced": True,
    }
    assert result.describe(3)["upfront_usd"] is None  # the split is not published
    assert result.describe(3)["groups"]["general"]["instance_type"] == "m5.large"
    assert result.describe(5) == {
        "variant": 5,
        "schedule": "always",
        "groups": {"general": {"instance_type": "t3.small", "purchase": RESERVED}},
        "monthly_usd": 25.0,
        "upfront_usd": 0.0,
        "headroom_pct": 0.0,
        "feasible": False,
        "priced": False,
        "infeasible_reason": WHY,
    }


def test_monthly_cents_round_half_up(result: SweepResult) -> None:
    # half a cent in units rounds up; just under half rounds down
    result.monthly_units[0] = 6394 * UNITS_PER_CENT + UNITS_PER_CENT // 2
    result.monthly_units[1] = 5500 * UNITS_PER_CENT + UNITS_PER_CENT // 2 - 1
    assert result.monthly_cents(0) == 6395
    assert result.monthly_cents(1) == 5500


def test_frontiers(result: SweepResult) -> None:
    assert frontiers(result) == {"cost_vs_headroom": [1, 3], "cost_vs_upfront": [1, 0]}


def test_the_json(result: SweepResult) -> None:
    data = sweep_json(result, 3)
    assert (data["scenario"], data["variants"], data["feasible"], data["priced"]) == (
        "staging",
        6,
        4,
        5,
    )
    assert data["infeasible_combinations"] == {"t3.small": WHY}
    assert [d["variant"] for d in data["cheapest"]] == [1, 0, 3]
    assert [d["variant"] for d in data["pareto_cost_vs_headroom"]] == [1, 3]
    assert [d["variant"] for d in data["pareto_cost_vs_upfront"]] == [1, 0]
    assert data["cheapest"][0] == result.describe(1)


def test_the_table(result: SweepResult) -> None:
    lines = sweep_table(result, 3).splitlines()
    assert lines[0] == (
        "Sweep of staging: 6 variants, 4 feasible, 5 priced (the rest have a missing rate); "
        "monthly = amortised"
    )
    assert lines[1].split() == ["monthly", "upfront", "headroom", "schedule", "node", "groups"]
    i = lines.index("Pareto frontier, monthly cost vs headroom at expected replicas:")
    v1 = ["$55.00", "$300.00", "20.0%", "always", "general", "t3.medium", RESERVED]
    v3 = ["$85.53", "unknown", "55.0%", "always", "general", "m5.large", RESERVED]
    v0 = ["$63.94", "$0.00", "20.0%", "always", "general", "t3.medium", "on_demand"]
    assert [ln.split() for ln in lines[i + 1 : i + 3]] == [v1, v3]
    assert lines[i + 3] == "Pareto frontier, monthly cost vs upfront cash:"
    assert [ln.split() for ln in lines[i + 4 : i + 6]] == [v1, v0]
    assert lines[i + 6] == "Cheapest 3 feasible variants:"
    assert [ln.split() for ln in lines[i + 7 : i + 10]] == [v1, v0, v3]
    assert lines[i + 10] == "Infeasible instance type combinations (marked, not dropped):"
    assert lines[i + 11] == f"  t3.small: {WHY}"
    assert len(lines) == i + 12


def test_the_table_without_infeasible_combinations(result: SweepResult) -> None:
    result.reasons = {}
    text = sweep_table(result, 1)
    assert "Infeasible" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "Cheapest 1 feasible variants:" in text


def test_the_csv_has_every_variant(result: SweepResult) -> None:
    rows = list(csv.reader(io.StringIO(sweep_csv(result))))
    assert rows[0] == [
        "variant",
        "schedule",
        "general_type",
        "general_purchase",
        "monthly_usd",
        "upfront_usd",
        "headroom_pct",
        "feasible",
        "priced",
    ]
    assert len(rows) == 7
    assert rows[2] == [
        "1",
        "always",
        "t3.medium",
        RESERVED,
        "55.00",
        "300.00",
        "20.0",
        "True",
        "True",
    ]
    assert rows[4][5] == ""  # variant 3: upfront unknown
    assert rows[6] == [
        "5",
        "always",
        "t3.small",
        RESERVED,
        "25.00",
        "0.00",
        "0.0",
        "False",
        "False",
    ]
