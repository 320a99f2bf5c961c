"""Billing-alert thresholds, each worked by hand from the priced scenarios.

Staging at list prices (tests/golden/price-staging.txt, line by line):
  EKS 730 h x $0.60 = 438.00; EC2 2 x 730 h x $0.0416 = 60.736 + EBS 40 GB x $0.08 = 3.20
  + t3.large spot 730 h x $0.02496 = 18.2208 + EBS 1.60 + NAT 1460 h x $0.045 = 65.70
  + NAT data 100 GB x $0.045 = 4.50 -> EC2 153.9568; RDS 64.06; ElastiCache 12.41;
  MSK 1460 h x $0.0456 = 66.576 + 200 GB x $0.10 = 20 -> 86.576; ELB 17.02506; CloudWatch 26.50;
  S3 0.23; KMS 3; ECR 5; data transfer 9 -> total 815.75786 at expected (= min) replicas.
At HPA maximum the capacity model runs general 4 x t3.medium and compute 2 x t3.large:
  + 2 x 730 x 0.0416 = 60.736 + 2 x 20 GB x 0.08 = 3.20 + 730 x 0.02496 = 18.2208 + 1.60
  = +83.7568 -> 899.51466 (EC2 237.7136).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import SCENARIOS_DIR
from hypothesis import given, settings
from hypothesis import strategies as st


def _policy(name: str, forecast: Any = None, **alerts: Any) -> Any:
    from planner.alert_settings import AlertsConfig
    from planner.alerts.costs import plan_costs
    from planner.alerts.policy import build_policy, seed_levels_for
    from planner.scenario import load_scenario

    scenario = load_scenario(name)
    return build_policy(
        scenario.name,
        AlertsConfig(**alerts),
        plan_costs(scenario),
        dict(scenario.topology.cost_allocation_tags),
        where=str(scenario.path),
        forecast=forecast,
        seed_levels=seed_levels_for(scenario.topology.seed_figures),
    )


def test_staging_thresholds_by_hand() -> None:
    p = _policy("staging")
    assert p.expected_usd == Decimal("815.75786")
    assert p.max_usd == Decimal("899.51466")
    total = p.total
    assert total.limit_usd == Decimal("815.76")  # planned cost at expected replicas, in cents
    assert total.tag_filter == (("Environment", "staging"),)
    warning, critical, forecast = total.thresholds
    assert (warning.percent, warning.monthly_usd, warning.source) == (
        Decimal(100),
        Decimal("815.76"),
        "planned cost",
    )
    # critical: HPA max 899.51466 x 1.05 = 944.490393 > 110% x 815.76 = 897.336, so the HPA
    # range decides; 944.490393 / 815.76 = 115.7804..% rounded up to 115.79%;
    # 815.76 x 1.1579 = 944.568504 -> $944.57 (never below 899.51466)
    assert (critical.percent, critical.monthly_usd, critical.source) == (
        Decimal("115.79"),
        Decimal("944.57"),
        "HPA range",
    )
    assert critical.monthly_usd >= p.max_usd
    assert (forecast.notification_type, forecast.percent) == ("FORECASTED", Decimal(100))
    # per service: EKS 438.00 (fixed): 110% = 481.80 > 438 x 1.05 = 459.90
    # EC2 153.96: HPA 237.7136 x 1.05 = 249.59928 / 153.96 = 162.1196% -> 162.12%,
    #   153.96 x 1.6212 = 249.599952 -> 249.60; MSK 86.58 x 1.10 = 95.238 -> 95.24
    got = {
        b.scope: (b.limit_usd, b.threshold("critical").percent, b.threshold("critical").monthly_usd)
        for b in p.budgets[1:]
    }
    assert got == {
        "AmazonEKS": (Decimal("438.00"), Decimal(110), Decimal("481.80")),
        "AmazonEC2": (Decimal("153.96"), Decimal("162.12"), Decimal("249.60")),
        "AmazonMSK": (Decimal("86.58"), Decimal(110), Decimal("95.24")),
    }
    assert [b.name for b in p.budgets] == [
        "planner-staging-total",
        "planner-staging-AmazonEKS",
        "planner-staging-AmazonEC2",
        "planner-staging-AmazonMSK",
    ]
    # anomaly: one EKS day, 438.00 x 24 / 730 = 14.40
    assert p.anomaly.impact_usd == Decimal("14.40")
    assert p.anomaly.monitor_type == "CUSTOM"


def test_production_thresholds_by_hand() -> None:
    # production at list prices is $1,932.5796 (tests/golden/price-production.txt); its
    # workloads have no HPA headroom, so min = expected = max.
    p = _policy("production")
    assert p.expected_usd == p.max_usd == Decimal("1932.5796")
    warning, critical, _ = p.total.thresholds
    assert warning.monthly_usd == Decimal("1932.58")
    # 110% x 1932.58 = 2125.838 -> 2125.84 beats 1932.5796 x 1.05 = 2029.20858
    assert (critical.percent, critical.monthly_usd, critical.source) == (
        Decimal(110),
        Decimal("2125.84"),
        "percentage",
    )
    # top three: MSK 609.90, EC2 467.034, RDS 305.88; critical 110% of each, in cents
    # rounded up (a critical level is never rounded below its basis): 609.90 x 1.1 = 670.89,
    # 467.03 x 1.1 = 513.733 -> 513.74, 305.88 x 1.1 = 336.468 -> 336.47
    got = {b.scope: (b.limit_usd, b.threshold("critical").monthly_usd) for b in p.budgets[1:]}
    assert got == {
        "AmazonMSK": (Decimal("609.90"), Decimal("670.89")),
        "AmazonEC2": (Decimal("467.03"), Decimal("513.74")),
        "AmazonRDS": (Decimal("305.88"), Decimal("336.47")),
    }
    # anomaly: one MSK day, 609.90 x 24 / 730 = 20.0515 -> 20.05
    assert p.anomaly.impact_usd == Decimal("20.05")
    assert p.anomaly.largest_service == "AmazonMSK"


def test_seed_levels_compared_with_the_plan() -> None:
    from planner.alerts.compare import level_checks

    checks = {c.label: c for c in level_checks(_policy("staging"))}
    # $750 < $815.76 expected: the seed's warning fires in every normal month
    assert checks["seed §9.4 warning"].fires_at == ("min", "expected", "max")
    # $1,000 > $899.51: never fires within the plan, (1000 - 899.51466) / 899.51466 = 11.2%
    assert checks["seed §9.4 critical"].fires_at == ()
    assert "11.2%" in checks["seed §9.4 critical"].verdict
    assert checks["planner warning"].fires_at == ("max",)
    assert checks["planner critical"].fires_at == ()


SERIES = [(dt.date(2026, m, 1), Decimal("815.76")) for m in range(1, 7)] + [
    (dt.date(2026, m, 1), Decimal(1200)) for m in range(7, 13)
]  # a hand-made forecast: production traffic moves onto the platform in July


def test_budget_follows_a_forecast_series() -> None:
    from planner.alerts.budgets import budget_body
    from planner.alerts.compare import level_checks

    p = _policy("staging", forecast=SERIES)
    body = budget_body(p.total, "USD")
    assert "BudgetLimit" not in body
    limits = body["PlannedBudgetLimits"]
    # 2026-01-01T00:00Z = 1767225600 s; 2026-07-01T00:00Z = 1782864000 s
    assert limits["1767225600"] == {"Amount": "815.76", "Unit": "USD"}
    assert limits["1782864000"] == {"Amount": "1200.00", "Unit": "USD"}
    assert len(limits) == 12
    assert body["TimePeriod"] == {"Start": "2026-01-01T00:00:00Z"}
    assert p.total.threshold("warning").source == "forecast"
    checks = {c.label: c for c in level_checks(p)}
    # the planned July step is no alert: generated levels are % of each month's budget
    assert checks["planner critical"].fires_in_months == ()
    assert checks["planner warning"].fires_in_months == ()
    # at HPA max (x 899.51466 / 815.75786 = 1.1027) the warning fires, the critical (115.79%) not
    assert len(checks["planner warning"].fires_in_months_at_max) == 12
    assert checks["planner critical"].fires_in_months_at_max == ()
    # the seed's flat $1,000 fires from July on; $750 every month
    assert checks["seed §9.4 critical"].fires_in_months == tuple(s[0] for s in SERIES[6:])
    assert len(checks["seed §9.4 warning"].fires_in_months) == 12
    # service budgets stay flat on the model
    assert all(not b.planned_limits for b in p.budgets[1:])


@pytest.mark.parametrize(
    "series, message",
    [
        ([(dt.date(2026, 1, 2), Decimal(1))], "first of a month"),
        ([(dt.date(2026, 1, 1), Decimal(1)), (dt.date(2026, 3, 1), Decimal(1))], "follow"),
        ([(dt.date(2026, 1, 1), Decimal(0))], "positive"),
    ],
)
def test_bad_forecast_series(series: Any, message: str) -> None:
    from planner.errors import InputError

    with pytest.raises(InputError, match=message):
        _policy("staging", forecast=series)


def test_forecast_csv_on_the_cli(run_cli: Any, tmp_path: Path) -> None:
    csv = tmp_path / "forecast.csv"
    csv.write_text("month,monthly_usd\n" + "".join(f"{m:%Y-%m},{v}\n" for m, v in SERIES))
    result = run_cli(["alerts", "staging", "--forecast", str(csv), "--format", "json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert [m["limit_usd"] for m in data["budgets"][0]["planned_limits"]][5:7] == [
        "815.76",
        "1200.00",
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("month,monthly_usd\n2026-13,5\n")
    result = run_cli(["alerts", "staging", "--forecast", str(bad)])
    assert result.code == 2 and "line 2" in result.err and result.out == ""


def _scenario(tmp_path: Path, body: str) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {SCENARIOS_DIR / 'staging.yaml'}\n{body}")
    return str(path)


@pytest.mark.parametrize(
    "body, field, words",
    [
        ("alerts:\n  warning_pct: -5\n", "alerts.warning_pct", "negative"),
        ("alerts:\n  critical_usd: -1\n", "alerts.critical_usd", "negative"),
        (
            "alerts:\n  warning_usd: 900\n  critical_usd: 950\n  forecast_pct: -1\n",
            "alerts.forecast_pct",
            "negative",
        ),
        ("alerts:\n  warning_usd: 990\n  critical_usd: 950\n", "alerts", "above critical_usd"),
        ("alerts:\n  warning_pct: 120\n  critical_pct: 110\n", "alerts", "above critical_pct"),
        ("alerts:\n  warning_usd: 950\n", "alerts.warning_usd", "above critical"),
        ("alerts:\n  currency: EUR\n", "alerts.currency", "unknown currency"),
        ("alerts:\n  critical_usd: 850\n", "alerts.critical_usd", "HPA maximum $899.51"),
        ("alerts:\n  bogus: 1\n", "alerts.bogus", "unknown field"),
        ("cost_allocation_tags:\n  aws:createdBy: x\n", "cost_allocation_tags", "tag key"),
        ("cost_allocation_tags:\n  Env$x: y\n", "cost_allocation_tags", "tag key"),
        ('cost_allocation_tags:\n  Env: "a\\nb"\n', "cost_allocation_tags", "tag value"),
    ],
)
def test_bad_alerts_input_is_one_line_exit_2(
    run_cli: Any, tmp_path: Path, body: str, field: str, words: str
) -> None:
    out = tmp_path / "out"
    result = run_cli(
        ["alerts", _scenario(tmp_path, body), "--format", "terraform", "--out", str(out)]
    )
    assert result.code == 2
    assert result.err.count("\n") == 1, result.err
    assert field in result.err and words in result.err, result.err
    assert "s.yaml" in result.err
    assert not out.exists()  # nothing half-written


def test_overrides_and_options_change_the_policy(tmp_path: Path, run_cli: Any) -> None:
    result = run_cli(
        [
            "alerts",
            _scenario(
                tmp_path,
                "alerts:\n  warning_usd: 850\n  critical_usd: 1000\n  top_services: 1\n"
                "  anomaly_factor: 2\n  tag_filter: false\n",
            ),
            "--format",
            "json",
        ]
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    total = data["budgets"][0]
    # 850 / 815.76 = 104.197..% -> 104.20%; 815.76 x 1.042 = 850.02 (cents)
    assert total["thresholds"][0]["percent"] == "104.20"
    assert total["thresholds"][0]["monthly_usd"] == "850.02"
    # 1000 / 815.76 = 122.5851..% rounded up -> 122.59%;
    # 815.76 x 1.2259 = 1000.040184, rounded up -> 1000.05
    assert total["thresholds"][1]["monthly_usd"] == "1000.05"
    assert total["thresholds"][1]["source"] == "scenario"
    assert len(data["budgets"]) == 2 and total["tag_filter"] == []
    assert data["anomaly"]["impact_usd"] == "28.80"  # 14.40 x 2
    assert data["anomaly"]["monitor_type"] == "DIMENSIONAL"  # no tag filter -> by SERVICE


@settings(max_examples=60, deadline=None)
@given(
    expected=st.decimals(min_value=1, max_value=100_000, places=2),
    headroom=st.decimals(min_value=0, max_value=3, places=3),
    warning=st.decimals(min_value=0, max_value=105, places=1),
    margin=st.decimals(min_value=0, max_value=50, places=1),
)
def test_critical_never_below_hpa_max_and_warning_never_above_critical(
    expected: Decimal, headroom: Decimal, warning: Decimal, margin: Decimal
) -> None:
    from planner.alert_settings import AlertsConfig
    from planner.alerts.costs import PlanCosts
    from planner.alerts.policy import build_policy

    high = expected * (1 + headroom)
    costs = PlanCosts(
        total_usd={"min": expected, "expected": expected, "max": high},
        by_service_usd={
            s: {"AmazonEKS": v}
            for s, v in (("min", expected), ("expected", expected), ("max", high))
        },
        from_capacity=True,
    )
    config = AlertsConfig(warning_pct=warning, critical_hpa_margin_pct=margin)
    p = build_policy("x", config, costs, {})
    for b in p.budgets:
        critical = b.threshold("critical").monthly_usd
        assert critical >= b.max_usd * (100 + margin) / 100 - Decimal("0.005")
        assert critical >= b.max_usd
        assert b.threshold("warning").monthly_usd <= critical


def test_without_workloads_every_state_is_the_priced_scenario(run_cli: Any, tmp_path: Path) -> None:
    path = _scenario(tmp_path, "eks:\n  workloads: []\n")
    priced = json.loads(run_cli(["price", path, "--format", "json"]).out)
    result = run_cli(["alerts", path, "--format", "json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["from_capacity"] is False
    assert data["min_usd"] == data["expected_usd"] == data["max_usd"]
    assert Decimal(data["expected_usd"]) == Decimal(priced["total_monthly_usd_exact"])


@settings(max_examples=40, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)),
    values=st.lists(st.decimals(min_value=1, max_value=10**6, places=2), min_size=1, max_size=24),
)
def test_planned_limits_keys_are_month_starts_in_utc(start: dt.date, values: list[Decimal]) -> None:
    import calendar

    from planner.alert_settings import AlertsConfig
    from planner.alerts.budgets import budget_body
    from planner.alerts.costs import PlanCosts
    from planner.alerts.policy import build_policy

    months = []
    y, m = start.year, start.month
    for _ in values:
        months.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    costs = PlanCosts(
        total_usd=dict.fromkeys(("min", "expected", "max"), Decimal(100)),
        by_service_usd={s: {"AmazonEKS": Decimal(100)} for s in ("min", "expected", "max")},
        from_capacity=False,
    )
    policy = build_policy(
        "x", AlertsConfig(), costs, {}, forecast=list(zip(months, values, strict=True))
    )
    limits = budget_body(policy.total, "USD")["PlannedBudgetLimits"]
    assert list(limits) == [str(calendar.timegm(mo.timetuple())) for mo in months]
    assert [Decimal(v["Amount"]) for v in limits.values()] == values
