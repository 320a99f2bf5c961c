"""One option's whole record in `planner commitments --format json` (a contract), its CSV row
and its table line, for a hand-made option whose figures are easy to follow:

- 100 up front, 10 a month recurring, a 12-month term: amortised 100 / 12 + 10 = 18.33;
- on-demand 20 a month (what it reverts to after the term); today the scenario pays 21;
- cumulative cash, reverting: month m <= 12 pays 100 + 10 m, then 20 a month: 220 by month 12,
  220 + 24 x 20 = 700 by month 36; renewed: the fee again in months 13 and 25, 300 + 360 = 660
  by month 36.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from planner.commitments.model import Commitments, Missing, Option, SavingsPlanSizing
from planner.commitments.report import (
    CSV_COLUMNS,
    commitments_csv,
    commitments_json,
    commitments_table,
    option_json,
)

D = Decimal
REVERT = [D(100 + 10 * m) if m <= 12 else D(220 + 20 * (m - 12)) for m in range(1, 37)]
RENEW = [D(100 * ((m - 1) // 12 + 1) + 10 * m) for m in range(1, 37)]


def _option(**update: object) -> Option:
    option = Option(
        name="general: reserved 1yr standard All Upfront x 1",
        resource="eks-node-group/general",
        purchase={"type": "reserved", "term": "1yr"},
        upfront_usd=D(100),
        monthly_usd=D("18.33"),
        recurring_monthly_usd=D(10),
        on_demand_monthly_usd=D(20),
        break_even_month=11,
        risk="medium",
        monthly_usd_at_min=D("18.33"),
        unused_commitment_monthly_usd_at_min=D("4.005"),
        cash_flow_usd=REVERT,
        source="test fixture",
        current=False,
        effective_hourly_usd=D("0.02876712328767"),
        current_monthly_usd=D(21),
        term_months=12,
        cash_flow_renewed_usd=RENEW,
    )
    for key, value in update.items():
        setattr(option, key, value)
    return option


def test_the_hand_made_flows() -> None:
    assert REVERT[0] == 110 and REVERT[11] == 220 and REVERT[12] == 240 and REVERT[35] == 700
    assert RENEW[11] == 220 and RENEW[12] == 330 and RENEW[24] == 550 and RENEW[35] == 660


def test_every_field_of_the_json_record() -> None:
    assert option_json(_option()) == {
        "name": "general: reserved 1yr standard All Upfront x 1",
        "resource": "eks-node-group/general",
        "purchase": {"type": "reserved", "term": "1yr"},
        "upfront_usd": 100,  # whole dollars are integers
        "monthly_usd": 18.33,
        "recurring_monthly_usd": 10,
        "break_even_month": 11,
        "savings_monthly_usd": 2.67,  # 21 - 18.33, against today's purchase
        "savings_pct": 12.7,  # 2.67 / 21 = 12.71%
        "savings_against": "current purchase",
        "current_monthly_usd": 21,
        "savings_vs_on_demand_monthly_usd": 1.67,  # 20 - 18.33
        "term_months": 12,
        "risk": "medium",
        "current": False,
        "effective_hourly_usd": 0.028767,  # 100 / 8,760 h, to 6 decimals
        "on_demand_monthly_usd": 20,
        "monthly_usd_at_min": 18.33,
        "unused_commitment_monthly_usd_at_min": 4.01,  # 4.005 half up to the cent
        "cash_12_months_usd": 220,
        "cash_36_months_usd": 700,
        "cash_flow_usd": [int(v) for v in REVERT],
        "at_expiry": "revert to on-demand",
        "cash_36_months_renewed_usd": 660,
        "cash_flow_renewed_usd": [int(v) for v in RENEW],
        "source": "test fixture",
    }


def test_a_record_without_today_or_flows() -> None:
    """On-demand with nothing known about today: savings against on-demand, no term, no
    flows, no cumulative figures; an unknown upfront split shows as null."""
    row = option_json(
        _option(
            current_monthly_usd=None,
            cash_flow_usd=[],
            cash_flow_renewed_usd=[],
            term_months=None,
            effective_hourly_usd=None,
            upfront_usd=None,
            recurring_monthly_usd=None,
            current=True,
        )
    )
    assert row["current_monthly_usd"] == 20  # the baseline is on-demand
    assert row["savings_monthly_usd"] == 1.67
    assert row["savings_pct"] == 8.4  # 1.67 / 20 = 8.35% -> 8.4 (a tie: to the even tenth)
    assert row["current"] is True
    for key in (
        "cash_12_months_usd",
        "cash_36_months_usd",
        "cash_36_months_renewed_usd",
        "at_expiry",
        "term_months",
        "effective_hourly_usd",
        "upfront_usd",
        "recurring_monthly_usd",
    ):
        assert row[key] is None, key
    assert row["cash_flow_usd"] == [] and row["cash_flow_renewed_usd"] == []


def test_a_flow_shorter_than_a_year_has_no_cumulative_figures() -> None:
    row = option_json(_option(cash_flow_usd=REVERT[:11], cash_flow_renewed_usd=RENEW[:35]))
    assert row["cash_12_months_usd"] is None and row["cash_36_months_usd"] is None
    assert row["cash_36_months_renewed_usd"] is None
    row = option_json(_option(cash_flow_usd=REVERT[:12]))
    assert row["cash_12_months_usd"] == 220 and row["cash_36_months_usd"] is None


def test_a_zero_baseline_has_no_percentage() -> None:
    row = option_json(_option(current_monthly_usd=D(0), monthly_usd=D(0)))
    assert row["savings_pct"] == 0.0 and row["savings_monthly_usd"] == 0


def test_the_csv_row_is_the_json_record() -> None:
    c = Commitments("staging", "us-east-1", [_option(break_even_month=None)], [], None)
    rows = list(csv.reader(io.StringIO(commitments_csv(c))))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 2
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values == {
        "name": "general: reserved 1yr standard All Upfront x 1",
        "resource": "eks-node-group/general",
        "risk": "medium",
        "upfront_usd": "100",
        "monthly_usd": "18.33",
        "recurring_monthly_usd": "10",
        "break_even_month": "",  # never: an empty cell
        "savings_monthly_usd": "2.67",
        "on_demand_monthly_usd": "20",
        "monthly_usd_at_min": "18.33",
        "unused_commitment_monthly_usd_at_min": "4.01",
        "cash_12_months_usd": "220",
        "cash_36_months_usd": "700",
        "cash_36_months_renewed_usd": "660",
        "current_monthly_usd": "21",
    }


def test_the_json_document() -> None:
    gap = Missing("rds/postgres", "postgres: reserved 1yr No Upfront x 1", "no rate")
    c = Commitments("staging", "us-east-1", [_option()], [gap], None)
    data = commitments_json(c)
    assert (data["scenario"], data["region"], data["currency"]) == ("staging", "us-east-1", "USD")
    assert data["risk_rule"] == c.risk_rule
    assert data["options"] == [option_json(_option())]
    assert data["missing_rates"] == [
        {
            "resource": "rds/postgres",
            "purchase": "postgres: reserved 1yr No Upfront x 1",
            "detail": "no rate",
            "command": "planner prices refresh",
        }
    ]
    assert data["savings_plan_sizing"] is None
    assert data["views"] == (
        "monthly_usd is amortised (upfront / term months + recurring); upfront_usd is cash on "
        "day one; cash_flow_usd is cumulative cash by month, a commitment reverting to "
        "on-demand at the end of its term (cash_flow_renewed_usd: renewed instead); savings "
        "are against the current purchase"
    )


def test_the_table_line_and_sizing() -> None:
    sizing = SavingsPlanSizing(
        "the rule", D("0.1664"), 504, ["t3.large", "t3.medium"], D("0.12"), "the note"
    )
    c = Commitments("staging", "us-east-1", [_option(current=True)], [], sizing)
    lines = commitments_table(c).splitlines()
    assert lines[0] == (
        "Purchase options for staging (us-east-1): cheapest first within each risk level"
    )
    assert lines[1] == (
        "monthly = amortised (upfront / term months + recurring); upfront = cash on day one; "
        "the two are never added"
    )
    assert lines[2] == f"risk: {c.risk_rule}"
    assert lines[3] == (
        "* = what the scenario buys today; savings are against it (not against on-demand); "
        "cash over 36 months reverts a 1-year term to on-demand at expiry"
    )
    row = next(ln for ln in lines if "All Upfront x 1" in ln)
    assert row.startswith("* general: reserved 1yr standard All Upfront x 1")  # today's
    assert row.split()[-7:] == ["medium", "$100.00", "$18.33", "$10.00", "$2.67", "m11", "$4.01"]
    i = lines.index("Savings Plan sizing: $0.17/h of on-demand EC2 spend (t3.large, t3.medium)"
                    " -> commit 0.1200 $/h")  # fmt: skip
    assert lines[i + 1 :] == ["  rule: the rule", "  the note"]
    assert "Missing rates" not in "\n".join(lines)


def test_an_unknown_upfront_is_shown_as_unknown() -> None:
    sizing = SavingsPlanSizing("r", D("0.0832"), 168, ["t3.medium"], None, "n")
    c = Commitments("s", "us-east-1", [_option(upfront_usd=None, recurring_monthly_usd=None)], [],
                    sizing)  # fmt: skip
    lines = commitments_table(c).splitlines()
    row = next(ln for ln in lines if "All Upfront x 1" in ln)
    assert row.startswith("  general")  # not today's
    assert row.split()[-6:-3] == ["unknown", "$18.33", "unknown"]
    # no commitment: the sizing line stops at the spend
    assert "Savings Plan sizing: $0.08/h of on-demand EC2 spend (t3.medium)" in lines
