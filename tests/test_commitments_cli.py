"""planner commitments / forecast / sweep on the command line: contract, errors, overlays."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from planner.catalog import default_catalog
from planner.commitments.forecast import add_months, forecast_scenario
from planner.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]
M5 = str(REPO / "scenarios" / "commitments" / "staging-m5-reserved.yaml")
OFF = str(REPO / "scenarios" / "commitments" / "staging-offhours.yaml")

Run = Callable[[Sequence[str]], Any]

CONTRACT = {
    "name", "resource", "purchase", "upfront_usd", "monthly_usd", "recurring_monthly_usd",
    "break_even_month", "savings_monthly_usd", "risk",
}  # fmt: skip


def test_commitments_json_contract(run_cli: Run) -> None:
    result = run_cli(["commitments", M5, "--format", "json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["options"] and data["missing_rates"]
    for option in data["options"]:
        assert set(option) >= CONTRACT
    for missing in data["missing_rates"]:
        assert missing["command"] == "planner prices refresh"
    risks = ["none", "low", "medium", "high"]
    order = [(risks.index(o["risk"]), o["monthly_usd"]) for o in data["options"]]
    assert order == sorted(order)  # cheapest per risk level first
    partial = next(
        o
        for o in data["options"]
        if o["name"] == "general: reserved 1yr standard Partial Upfront x 2"
    )
    # m5.large: 2 x 252 up front; recurring 2 x 0.029 x 730 = 42.34 + EBS 3.20 = 45.54;
    # amortised 45.54 + 504/12 = 87.54; on-demand 2 x 70.08 + 3.20 = 143.36: 55.82 less than
    # on-demand; it is what the scenario buys today, so it saves 0 against the current purchase
    # break-even is against what the scenario pays today: none for today's own purchase
    assert partial["upfront_usd"] == 504
    assert partial["recurring_monthly_usd"] == 45.54
    assert partial["monthly_usd"] == 87.54
    assert partial["current"] and partial["current_monthly_usd"] == 87.54
    assert partial["savings_monthly_usd"] == 0
    assert partial["savings_vs_on_demand_monthly_usd"] == 55.82
    on_demand = next(o for o in data["options"] if o["name"] == "general: on-demand")
    # going back to on-demand costs 143.36 - 87.54 = 55.82 more than today: a negative saving
    assert on_demand["savings_monthly_usd"] == -55.82
    assert partial["break_even_month"] is None
    assert partial["cash_12_months_usd"] == 504 + 12 * 45.54
    # 252 / 8760 + 0.029 = 0.057767
    assert partial["effective_hourly_usd"] == 0.057767
    allup = next(
        o for o in data["options"] if o["name"] == "general: reserved 1yr standard All Upfront x 2"
    )
    # Infracost shows All Upfront as $0.00; here: 2 x 494 = 988 up front, and the amortised
    # month 988 / 12 = 82.33 + EBS 3.20 = 85.53, recurring cash only the EBS 3.20;
    # break-even against today's 87.54: 988 + 3.20 m <= 87.54 m  <=>  m >= 11.71 -> month 12
    assert (allup["upfront_usd"], allup["monthly_usd"], allup["recurring_monthly_usd"]) == (
        988,
        85.53,
        3.2,
    )
    assert allup["break_even_month"] == 12
    assert data["savings_plan_sizing"]["commitment_usd_per_hour"] is None  # no SP rate


def test_commitments_table_names_missing_rates(run_cli: Run) -> None:
    result = run_cli(["commitments", "staging"])
    assert result.code == 0, result.err
    assert "Missing rates" in result.out and "planner prices refresh" in result.out
    assert "Savings Plan" in result.out and "reserved" in result.out


def test_commitments_with_overlay(run_cli: Run) -> None:
    result = run_cli(["commitments", "staging", OFF, "--format", "csv"])
    assert result.code == 0, result.err
    assert result.out.startswith("name,resource,risk,upfront_usd")


def test_price_shows_upfront_apart(run_cli: Run) -> None:
    result = run_cli(["price", M5, "--format", "json"])
    data = json.loads(result.out)
    assert data["upfront_usd"] == 504
    # the monthly total has the amortised share (42.00), not the 504
    amortised = [ln for ln in data["lines"] if "upfront / 12 months" in ln["component"]]
    assert [ln["monthly_usd"] for ln in amortised] == [42]
    table = run_cli(["price", M5]).out
    assert "Upfront, cash paid once (NOT in the monthly total" in table


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["commitments", "staging", "--sp-quantile", "2"], "--sp-quantile"),
        (["forecast", "staging", "--months", "0"], "--months"),
        (["forecast", "staging", "--change", "x:production"], "--change"),
        (["forecast", "staging", "--start", "2026-13"], "--start"),
        (["sweep", "staging", "--grid", "/nonexistent.yaml"], "nonexistent.yaml: cannot read"),
    ],
)
def test_bad_input_is_one_line_exit_2(run_cli: Run, argv: list[str], needle: str) -> None:
    result = run_cli(argv)
    assert result.code == 2
    assert needle in result.err and result.err.count("\n") == 1 and not result.out


def test_forecast_commitment_window_and_cash() -> None:
    scenario = load_scenario(M5)
    series = forecast_scenario(scenario, default_catalog(), months=14)
    # the 1yr reservation starts with the scenario (2025-11) and ends after 12 months
    assert series[0].upfront_paid_usd == 504
    assert series[0].cash_usd - series[1].cash_usd == 504
    assert series[11].active_commitments and not series[12].active_commitments
    # months 1-12 amortised = 839.37 (the priced total, lines rounded first); from month 13
    # the general group is on-demand again: 839.37 - 84.34 (reserved: 42.34 recurring +
    # 42.00 upfront / 12) + 140.16 (2 x 730 x 0.096 on-demand) = 895.19
    assert series[0].amortised_usd == Decimal("839.37")
    assert series[12].amortised_usd == Decimal("895.19")
    assert sum((f.cash_usd for f in series[:12]), Decimal(0)) == sum(
        (f.amortised_usd for f in series[:12]), Decimal(0)
    )  # over the whole term, cash and amortised agree


def test_forecast_growth_and_added_environment() -> None:
    staging = load_scenario("staging")
    series = forecast_scenario(
        staging,
        default_catalog(),
        months=4,
        growth_pct_per_month=Decimal(10),
        additions=[(3, load_scenario("production"))],
    )
    # month 2 grows the load lines by 10%, not the fixed fees (EKS 438.00, NAT hours 65.70,
    # NLB hours 16.43, KMS keys 3.00 = 523.13): 523.13 + 1.1 x (815.77 - 523.13) = 845.03
    # give or take the rounding of each grown line (845.02, tests/test_one_money.py works it)
    assert abs(series[1].amortised_usd - Decimal("845.03")) <= Decimal("0.05")
    assert series[1].amortised_usd < series[0].amortised_usd * Decimal("1.1")
    assert series[2].scenario == "staging + production"
    assert series[2].amortised_usd > series[1].amortised_usd * 2
    assert series[3].month == add_months(series[0].month, 3)


def test_sweep_cli(run_cli: Run) -> None:
    grid = str(REPO / "scenarios" / "grids" / "staging.yaml")
    result = run_cli(["sweep", "staging", "--grid", grid, "--top", "3", "--format", "json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert len(data["cheapest"]) == 3
    assert data["pareto_cost_vs_headroom"] and data["pareto_cost_vs_upfront"]
    costs = [v["monthly_usd"] for v in data["pareto_cost_vs_headroom"]]
    rooms = [v["headroom_pct"] for v in data["pareto_cost_vs_headroom"]]
    assert costs == sorted(costs) and rooms == sorted(rooms)


def test_growth_leaves_commitments_fixed() -> None:
    series = forecast_scenario(
        load_scenario(M5), default_catalog(), months=3, growth_pct_per_month=Decimal(10)
    )
    # the reservation is a fixed 2 x (0.029 x 730) + 2 x 252 / 12 = 42.34 + 42.00 = 84.34 a
    # month; growth beyond it bills on-demand (tests/test_one_money.py works month 3)
    assert [f.committed_usd for f in series] == [Decimal("84.34")] * 3
    assert series[0].usage_usd == Decimal("839.37") - Decimal("84.34")
    assert series[2].usage_usd > series[1].usage_usd > series[0].usage_usd


def test_a_forecast_starting_before_the_plan_says_so(run_cli) -> None:
    """Staging's as_of is 2025-11-11: a forecast from 2020-01 is a back-cast at today's
    prices, and says so on stderr; from as_of's month on, nothing is said."""
    early = run_cli(["forecast", "staging", "--start", "2020-01", "--months", "1"])
    assert early.code == 0
    assert "warning: --start 2020-01 is before staging.yaml's as_of 2025-11-11" in early.err
    assert early.out.startswith("Forecast")
    on_time = run_cli(["forecast", "staging", "--start", "2025-11", "--months", "1"])
    assert on_time.code == 0 and "warning" not in on_time.err


def test_the_cash_flow_chart_draws_the_headline_option_and_its_upfront() -> None:
    """The reviewer found the chart drawing only No Upfront lines (every break-even star at
    month 1) while the page's headline recommends general's 3yr All Upfront ($823.98 up front,
    break-even month 14). The chart draws the largest savings, one per resource and payment:
    general 3yr All Upfront 37.85 and No Upfront 34.46, redis 3yr All Upfront 6.80 and No
    Upfront 5.84 (compute is spot today: no reservation is cheaper). Break-even by hand: general
    pays 823.98 + 3.20 (EBS) a month against 63.94 on-demand: 60.74 m >= 823.98 from m = 14;
    redis 202 against 12.41 a month: from m = 17; No Upfront saves from month 1."""
    from decimal import Decimal

    from planner.catalog import default_catalog
    from planner.commitments.cli import compute_commitments
    from planner.commitments.notebook import CommitmentsData, cash_flow_options
    from planner.scenario import load_scenario

    options = compute_commitments(load_scenario("staging"), default_catalog(), Decimal(0))
    data = CommitmentsData("staging", Decimal("815.77"), options, [], None, None, [])
    drawn = [(o.name, o.savings_monthly_usd, o.break_even_month) for o in cash_flow_options(data)]
    assert drawn == [
        ("general: reserved 3yr standard All Upfront x 2", Decimal("37.85"), 14),
        ("general: reserved 3yr standard No Upfront x 2", Decimal("34.46"), 1),
        ("redis: reserved 3yr All Upfront x 1", Decimal("6.80"), 17),
        ("redis: reserved 3yr No Upfront x 1", Decimal("5.84"), 1),
    ]


def test_growth_bounds_are_inclusive() -> None:
    """--growth-pct takes -100 to 1000 inclusive (the documented range): 1000 is a valid
    month-1 forecast (growth applies from month 2); just above it is refused."""
    from decimal import Decimal

    import pytest

    from planner.catalog import default_catalog
    from planner.commitments.forecast import forecast_scenario
    from planner.errors import InputError
    from planner.scenario import load_scenario

    staging, catalog = load_scenario("staging"), default_catalog()
    for edge in (Decimal(1000), Decimal(-100)):
        (month,) = forecast_scenario(staging, catalog, months=1, growth_pct_per_month=edge)
        assert month.amortised_usd == Decimal("815.77")
    with pytest.raises(InputError, match="give -100 to 1000"):
        forecast_scenario(staging, catalog, months=1, growth_pct_per_month=Decimal("1000.01"))
