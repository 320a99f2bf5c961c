"""What the options table, its JSON and the Savings Plan sizing show, for hand-made options:
each figure an option carries reaches the output under its own name."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from planner.commitments.model import Commitments, Option, SavingsPlanSizing, resources
from planner.commitments.options import _purchase_dict
from planner.commitments.report import commitments_csv, commitments_table, option_json
from planner.commitments.sp_options import _ordinal
from planner.topology import Purchase

D = Decimal


def _option(**update: object) -> Option:
    # m5.large x 2, 1yr Standard Partial Upfront (252 + 0.029/h each): 504 up front, 42.34
    # recurring + 42.00 amortised = 84.34 a month; on-demand 2 x 730 x 0.096 = 140.16;
    # break-even month 6 (tests/test_commitments_pricing.py); a third, idle reservation at
    # HPA min would be 730 h x 0.0577671 = 42.17 a month unused
    option = Option(
        name="general: reserved 1yr standard Partial Upfront x 2",
        resource="eks-node-group/general",
        purchase={"type": "reserved"},
        upfront_usd=D(504),
        monthly_usd=D("84.34"),
        recurring_monthly_usd=D("42.34"),
        on_demand_monthly_usd=D("140.16"),
        break_even_month=6,
        risk="medium",
        monthly_usd_at_min=D("84.34"),
        unused_commitment_monthly_usd_at_min=D("42.17"),
        current_monthly_usd=D("140.16"),
        term_months=12,
    )
    for key, value in update.items():
        setattr(option, key, value)
    return option


def test_option_json_carries_each_figure() -> None:
    row = option_json(_option())
    assert row["upfront_usd"] == 504
    assert row["monthly_usd"] == 84.34
    assert row["recurring_monthly_usd"] == 42.34
    assert row["unused_commitment_monthly_usd_at_min"] == 42.17
    assert row["monthly_usd_at_min"] == 84.34
    assert row["break_even_month"] == 6
    # 140.16 - 84.34 = 55.82 a month; 55.82 / 140.16 = 39.83% -> 39.8
    assert row["savings_monthly_usd"] == 55.82
    assert row["savings_pct"] == 39.8
    assert row["at_expiry"] == "revert to on-demand"
    # on-demand has no term: nothing expires
    assert option_json(_option(term_months=None))["at_expiry"] is None


def test_the_table_shows_break_even_and_unused() -> None:
    table = commitments_table(Commitments("staging", "us-east-1", [_option()], [], None))
    line = next(ln for ln in table.splitlines() if "Partial Upfront x 2" in ln)
    cells = line.split()
    # upfront, monthly, recurring, saves/mo, break-even, unused@min
    assert cells[-6:] == ["$504.00", "$84.34", "$42.34", "$55.82", "m6", "$42.17"]
    never = commitments_table(
        Commitments("staging", "us-east-1", [_option(break_even_month=None)], [], None)
    )
    line = next(ln for ln in never.splitlines() if "Partial Upfront x 2" in ln)
    assert line.split()[-2] == "-"  # never cheaper within the 36 months


def test_csv_has_the_unused_commitment() -> None:
    text = commitments_csv(Commitments("staging", "us-east-1", [_option()], [], None))
    header, row = text.splitlines()[:2]
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert values["unused_commitment_monthly_usd_at_min"] == "42.17"
    assert values["break_even_month"] == "6"


@pytest.mark.parametrize(
    ("coverage", "shown"),
    [(D(50), "50"), (D("50.0"), "50"), (D("12.5"), "12.5")],
)
def test_a_purchases_coverage_is_a_whole_number_when_it_is_one(
    coverage: Decimal, shown: str
) -> None:
    data = _purchase_dict(
        Purchase(type="reserved", term="1yr", payment="no_upfront", coverage_pct=coverage)
    )
    # JSON shows 50, not 50.0, for a whole percentage; 12.5 stays 12.5
    assert json.dumps(data["coverage_pct"]) == shown
    assert data["term"] == "1yr" and data["payment"] == "no_upfront"
    assert data["offering_class"] == "standard"


@pytest.mark.parametrize(
    ("n", "suffix"),
    [
        *[(1, "st"), (2, "nd"), (3, "rd"), (4, "th"), (11, "th"), (12, "th"), (13, "th")],
        *[(21, "st"), (22, "nd"), (23, "rd"), (50, "th"), (101, "st"), (111, "th")],
    ],
)
def test_ordinals(n: int, suffix: str) -> None:
    assert _ordinal(n) == suffix


def test_a_sizing_rule_names_its_percentile() -> None:
    from planner.catalog import default_catalog
    from planner.commitments.sp_options import size_savings_plan
    from planner.scenario import load_scenario

    staging = load_scenario("staging").topology
    profile = [D(i) for i in range(1, 102)]  # 101 hours: 1 .. 101 $/h
    # the 2nd percentile of 101 ordered hours is index 0.02 x 100 = 2: the third, 3 $/h
    sizing: SavingsPlanSizing = size_savings_plan(staging, default_catalog(), profile, D("0.02"))
    assert "the 2nd percentile" in sizing.quantile_rule
    assert sizing.on_demand_equivalent_usd_per_hour == 3
    assert sizing.profile_hours == 101
    sizing = size_savings_plan(staging, default_catalog(), profile, D("0.23"))
    assert "the 23rd percentile" in sizing.quantile_rule
    assert sizing.on_demand_equivalent_usd_per_hour == 24  # index 23


def test_resources_of_staging() -> None:
    from planner.scenario import load_scenario

    found = resources(load_scenario("staging").topology, {"general": 3})
    assert [(r.kind, r.resource, r.product, r.min_instances) for r in found] == [
        ("node_group", "eks-node-group/general", "instance/t3.medium", 3),  # the given minimum
        ("node_group", "eks-node-group/compute", "instance/t3.large", 1),  # its min_size
        ("rds", "rds/postgres", "db/db.t3.medium/PostgreSQL/Single-AZ", 1),
        ("elasticache", "elasticache/redis", "node/cache.t3.micro/Redis", 1),
    ]
    assert [r.instance_type for r in found] == [
        "t3.medium",
        "t3.large",
        "db.t3.medium",
        "cache.t3.micro",
    ]


def test_the_forecast_table_names_its_columns_and_adds_its_months() -> None:
    import datetime as dt

    from planner.commitments.forecast import ForecastMonth, forecast_table

    reserved = ["eks-node-group/general reserved 1yr"]
    months = [
        # m5 month 1: 839.37 amortised, cash 839.37 - 42.00 + 504 = 1,301.37
        ForecastMonth(
            1, dt.date(2025, 11, 1), "staging-m5", D("839.37"), D("1301.37"), D("84.34"),
            D("755.03"), D(504), True, reserved,
        ),
        ForecastMonth(
            2, dt.date(2025, 12, 1), "staging-m5", D("839.37"), D("797.37"), D("84.34"),
            D("755.03"), D(0), False, [],
        ),
    ]  # fmt: skip
    lines = forecast_table(months).splitlines()
    header = ["month", "scenario", "amortised", "cash", "committed", "upfront", "commitments"]
    assert lines[1].split() == header
    first = ["2025-11", "staging-m5", "$839.37", "$1,301.37", "$84.34", "$504.00"]
    assert lines[2].split()[:6] == first
    assert lines[3].endswith("- (cash excludes an unknown upfront)")
    # totals: 2 x 839.37 = 1,678.74 amortised; 1,301.37 + 797.37 = 2,098.74 cash
    assert lines[4].split() == ["total,", "2", "months", "$1,678.74", "$2,098.74"]
    text = forecast_table(months)
    assert text.endswith("a 31-day month costs more (planner alerts budgets for it)\n")


def test_missing_rates_in_the_json_name_resource_purchase_and_command() -> None:
    from planner.commitments.model import Missing
    from planner.commitments.report import commitments_json

    gap = Missing(
        "rds/postgres",
        "postgres: reserved 1yr No Upfront x 1",
        "no AmazonRDS db/db.t3.medium/PostgreSQL/Single-AZ Reserved 1yr No Upfront rate",
    )
    data = commitments_json(Commitments("staging", "us-east-1", [], [gap], None))
    assert data["missing_rates"] == [
        {
            "resource": "rds/postgres",
            "purchase": "postgres: reserved 1yr No Upfront x 1",
            "detail": gap.detail,
            "command": gap.command,
        }
    ]
    assert "planner prices refresh" in gap.command


def test_the_table_groups_missing_rates_by_resource() -> None:
    from planner.commitments.model import Missing

    gaps = [
        Missing("rds/postgres", "postgres: reserved 1yr No Upfront x 1", "no rate"),
        Missing("rds/postgres", "postgres: reserved 3yr All Upfront x 1", "no rate"),
        Missing("eks-node-group/general", "general: compute Savings Plan 3yr No Upfront", "x"),
    ]
    table = commitments_table(Commitments("staging", "us-east-1", [_option()], gaps, None))
    lines = table.splitlines()
    header = next(ln for ln in lines if ln.startswith("option"))
    columns = ["option", "risk", "upfront", "monthly", "recurring", "saves/mo", "b-even"]
    assert header.split() == [*columns, "unused@min"]
    assert "Missing rates (3 options not priced" in table
    # each resource once, its missing purchases after it (the count " x 1" dropped)
    assert "  rds/postgres: reserved 1yr No Upfront; reserved 3yr All Upfront" in lines
    assert "  eks-node-group/general: compute Savings Plan 3yr No Upfront" in lines
    assert table.endswith("\n") and not table.endswith("\n\n")
