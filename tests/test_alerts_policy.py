"""Billing-alert thresholds, each worked by hand from the priced scenarios.

Staging at list prices, each line rounded to the cent (tests/test_staging_prices.py):
  EKS 730 h x $0.60 = 438.00; EC2 2 x 730 h x $0.0416 = 60.74 + EBS 40 GB x $0.08 = 3.20
  + t3.large spot 730 h x $0.02496 = 18.22 + EBS 1.60 + NAT 1460 h x $0.045 = 65.70
  + NAT data 100 GB x $0.045 = 4.50 -> EC2 153.96; RDS 64.06; ElastiCache 12.41;
  MSK 1460 h x $0.0456 = 66.58 + 200 GB x $0.10 = 20 -> 86.58; ELB 17.03; CloudWatch 26.50;
  S3 0.23; KMS 3; ECR 5; data transfer 9 -> total 815.77 at expected (= min) replicas.
At HPA maximum the capacity model runs general 4 x t3.medium and compute 2 x t3.large:
  general 4 x 730 x 0.0416 = 121.47 + EBS 6.40; compute 2 x 730 x 0.02496 = 36.44 + EBS 3.20
  -> 899.52 (EC2 237.71).
A budget covers the longest month (31 days): hourly lines at 744 h instead of 730.
  Expected: EKS 446.40; general 61.90; compute 18.57; RDS 53.57; Redis 12.65; MSK 67.85;
  NAT hours 66.96; NLB 16.74; LCU 0.137 x 744 x 0.006 = 0.61 -> 745.25 hourly, + the monthly
  lines 84.53 (EBS 3.20 + 1.60, RDS storage 11.50, MSK storage 20.00, NAT GB 4.50, egress 9,
  logs 26.50, S3 0.23, KMS 3, ECR 5) = 829.78.
  HPA maximum: general 4 x 744 x 0.0416 = 123.80, EBS 6.40, compute 2 x 744 x 0.02496 = 37.14,
  EBS 3.20 instead of 61.90 + 3.20 + 18.57 + 1.60: 829.78 - 85.27 + 170.54 = 915.05.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import SCENARIOS_DIR
from hypothesis import given
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
    assert p.expected_usd == Decimal("815.77")  # the plan, as `planner price` shows it
    assert p.max_usd == Decimal("899.52")
    total = p.total
    assert total.limit_usd == Decimal("829.78")  # the longest month at expected replicas
    assert total.planned_usd == Decimal("815.77")
    assert total.max_usd == Decimal("915.05")
    assert total.tag_filter == (("Environment", "staging"),)
    warning, critical, forecast = total.thresholds
    assert (warning.percent, warning.monthly_usd, warning.source) == (
        Decimal(100),
        Decimal("829.78"),
        "planned cost",
    )
    # critical: HPA max 915.05 x 1.05 = 960.8025 > 110% x 829.78 = 912.758, so the HPA range
    # decides; 960.8025 / 829.78 = 115.790028..% rounded up to 115.80%;
    # 829.78 x 1.158 = 960.88524 -> $960.89 (never below 915.05)
    assert (critical.percent, critical.monthly_usd, critical.source) == (
        Decimal("115.80"),
        Decimal("960.89"),
        "HPA range",
    )
    assert critical.monthly_usd >= total.max_usd
    assert (forecast.notification_type, forecast.percent) == ("FORECASTED", Decimal(100))
    # per service, longest month: EKS 446.40 (fixed): 110% = 491.04 > 446.40 x 1.05 = 468.72
    # EC2 61.90 + 3.20 + 18.57 + 1.60 + 66.96 + 4.50 = 156.73; at HPA max 123.80 + 6.40 +
    #   37.14 + 3.20 + 66.96 + 4.50 = 242.00: 242.00 x 1.05 = 254.10 / 156.73 = 162.1259% ->
    #   162.13%, 156.73 x 1.6213 = 254.106349 -> 254.11
    # MSK 67.85 + 20.00 = 87.85 x 1.10 = 96.635 -> 96.64
    got = {
        b.scope: (b.limit_usd, b.threshold("critical").percent, b.threshold("critical").monthly_usd)
        for b in p.budgets[1:]
    }
    assert got == {
        "AmazonEKS": (Decimal("446.40"), Decimal(110), Decimal("491.04")),
        "AmazonEC2": (Decimal("156.73"), Decimal("162.13"), Decimal("254.11")),
        "AmazonMSK": (Decimal("87.85"), Decimal(110), Decimal("96.64")),
    }
    assert [b.name for b in p.budgets] == [
        "planner-staging-total",
        "planner-staging-AmazonEKS",
        "planner-staging-AmazonEC2",
        "planner-staging-AmazonMSK",
    ]
    # anomaly: one EKS day of the plan, 438.00 x 24 / 730 = 14.40
    assert p.anomaly.impact_usd == Decimal("14.40")
    assert p.anomaly.monitor_type == "CUSTOM"


def test_production_thresholds_by_hand() -> None:
    # production at list prices is $1,932.58 (lines rounded first); its workloads have no HPA
    # headroom, so min = expected = max. The longest month: hourly lines at 744 h: EKS 74.40,
    # general 3 x 744 x 0.096 = 214.27, compute spot 3 x 744 x 0.0576 = 128.56, NAT 3 x 744 x
    # 0.045 = 100.44, RDS 744 x 0.356 = 264.86, Redis 2 x 744 x 0.149 = 221.71, MSK 3 x 744 x
    # 0.21 = 468.72, NLB 16.74, LCU 1.37 x 744 x 0.006 = 6.12 -> 1,495.82; the monthly lines
    # 464.90 (EBS 9.60, NAT GB 22.50, RDS storage 46, MSK storage 150, logs 132.50, S3 2.30,
    # KMS 3, ECR 5, data transfer 94) -> 1,960.72
    p = _policy("production")
    assert p.expected_usd == p.max_usd == Decimal("1932.58")
    assert p.total.limit_usd == Decimal("1960.72")
    warning, critical, _ = p.total.thresholds
    assert warning.monthly_usd == Decimal("1960.72")
    # 110% x 1960.72 = 2156.792 -> 2156.80 beats 1960.72 x 1.05 = 2058.756
    assert (critical.percent, critical.monthly_usd, critical.source) == (
        Decimal(110),
        Decimal("2156.80"),
        "percentage",
    )
    # top three by the plan: MSK 609.90, EC2 467.03, RDS 305.88; their longest months:
    # MSK 468.72 + 150 = 618.72 (x 1.1 = 680.592 -> 680.60), EC2 214.27 + 4.80 + 128.56 +
    # 4.80 + 100.44 + 22.50 = 475.37 (522.907 -> 522.91), RDS 264.86 + 46 = 310.86
    # (341.946 -> 341.95); a critical level is never rounded below its basis
    got = {b.scope: (b.limit_usd, b.threshold("critical").monthly_usd) for b in p.budgets[1:]}
    assert got == {
        "AmazonMSK": (Decimal("618.72"), Decimal("680.60")),
        "AmazonEC2": (Decimal("475.37"), Decimal("522.91")),
        "AmazonRDS": (Decimal("310.86"), Decimal("341.95")),
    }
    # anomaly: one MSK day, 609.90 x 24 / 730 = 20.0515 -> 20.05
    assert p.anomaly.impact_usd == Decimal("20.05")
    assert p.anomaly.largest_service == "AmazonMSK"


def test_seed_levels_compared_with_the_plan() -> None:
    from planner.alerts.compare import level_checks

    checks = {c.label: c for c in level_checks(_policy("staging"))}
    # $750 < $815.77 expected: the seed's warning fires in every normal month
    assert checks["seed §9.4 warning"].fires_at == ("min", "expected", "max")
    # $1,000 > $899.52: never fires within the plan, (1000 - 899.52) / 899.52 = 11.2%
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
        ("alerts:\n  warning_usd: 970\n", "alerts.warning_usd", "above critical"),
        ("alerts:\n  currency: EUR\n", "alerts.currency", "unknown currency"),
        ("alerts:\n  critical_usd: 850\n", "alerts.critical_usd", "HPA maximum $915.05"),
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
    # against the longest month's 829.78: 850 / 829.78 = 102.4368..% -> 102.44%;
    # 829.78 x 1.0244 = 850.026632 -> 850.03 (cents, half up)
    assert total["thresholds"][0]["percent"] == "102.44"
    assert total["thresholds"][0]["monthly_usd"] == "850.03"
    # 1000 / 829.78 = 120.51387..% rounded up -> 120.52%;
    # 829.78 x 1.2052 = 1000.050856, rounded up -> 1000.06
    assert total["thresholds"][1]["monthly_usd"] == "1000.06"
    assert total["thresholds"][1]["source"] == "scenario"
    assert len(data["budgets"]) == 2 and total["tag_filter"] == []
    assert data["anomaly"]["impact_usd"] == "28.80"  # 14.40 x 2
    assert data["anomaly"]["monitor_type"] == "DIMENSIONAL"  # no tag filter -> by SERVICE


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
    # the plan as `planner price` shows it (the sum of its rounded lines)
    assert Decimal(data["expected_usd"]) == Decimal(str(priced["total_monthly_usd"]))


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


def test_a_tag_monitor_without_tags_names_the_scenario_file_and_field() -> None:
    from planner.alert_settings import AlertsConfig
    from planner.alerts.costs import plan_costs
    from planner.alerts.policy import build_policy
    from planner.errors import ScenarioError
    from planner.scenario import load_scenario

    # a cost-allocation-tag monitor needs the tags: staging's Environment tag left out here
    scenario = load_scenario("staging")
    config = AlertsConfig(anomaly_monitor="tag")
    with pytest.raises(ScenarioError) as caught:
        build_policy("staging", config, plan_costs(scenario), {}, where=str(scenario.path))
    assert str(caught.value) == (
        f"{scenario.path}: alerts.anomaly_monitor: 'tag' needs cost_allocation_tags in the "
        "scenario (e.g. {Environment: staging})"
    )
