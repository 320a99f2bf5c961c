"""Budget, alarm and anomaly levels from a hand-made plan: every number worked by hand.

The plan below is not priced from a scenario: it is a ``PlanCosts`` written out, so each
threshold rule (planner/alerts/policy.py's docstring) can be checked on round numbers.

The plan's 730-hour month (what ``planner price`` shows), per state:
    expected: AmazonEC2 600, AmazonRDS 300, AmazonEKS 100 = 1,000
    min:      AmazonEC2 500, AmazonRDS 300, AmazonEKS 100 =   900
    max:      AmazonEC2 900, AmazonRDS 300, AmazonEKS 100 = 1,300
The longest month (744 h), what a flat budget must cover:
    expected: AmazonEC2 610, AmazonRDS 305, AmazonEKS 102 = 1,017
    min:      AmazonEC2 510, AmazonRDS 305, AmazonEKS 102 =   917
    max:      AmazonEC2 915, AmazonRDS 305, AmazonEKS 102 = 1,322
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from alerts_helpers import STATES
from alerts_helpers import plan_costs as _costs
from alerts_helpers import policy as _policy
from hypothesis import given
from hypothesis import strategies as st

D = Decimal


def _levels(budget: Any) -> list[tuple[str, str, Decimal, Decimal, str]]:
    return [
        (t.level, t.notification_type, t.percent, t.monthly_usd, t.source)
        for t in budget.thresholds
    ]


def test_total_budget_by_hand() -> None:
    p = _policy()
    assert (p.min_usd, p.expected_usd, p.max_usd) == (D(900), D(1000), D(1300))
    assert p.from_capacity is True
    total = p.total
    assert total.name == "planner-demo-total"
    assert (total.scope, total.cost_explorer_services) == ("total", ())
    # the limit is the longest month at expected replicas; the plan's month beside it
    assert (total.limit_usd, total.planned_usd) == (D("1017.00"), D(1000))
    assert (total.min_usd, total.expected_usd, total.max_usd) == (D(917), D(1017), D(1322))
    assert total.tag_filter == (("Environment", "demo"),)
    assert total.planned_limits == ()
    assert "$1,017.00" in total.limit_source and "$1,000.00" in total.limit_source
    # warning 100% of 1,017 = 1,017.00 (the month cost more than planned)
    # critical: 110% x 1,017 = 1,118.70 < HPA max 1,322 x 1.05 = 1,388.10, so the HPA range
    #   decides: 1,388.10 / 1,017 = 136.4897% -> 136.49% (AWS keeps 2 decimals, rounded up);
    #   1,017 x 1.3649 = 1,388.1033 -> rounded up to the cent: 1,388.11 (never below 1,388.10)
    # forecast 100% = 1,017.00
    assert _levels(total) == [
        ("warning", "ACTUAL", D(100), D("1017.00"), "planned cost"),
        ("critical", "ACTUAL", D("136.49"), D("1388.11"), "HPA range"),
        ("forecast", "FORECASTED", D(100), D("1017.00"), "planned cost"),
    ]
    critical = total.threshold("critical")
    assert "$1,322.00" in critical.reason and "$1,388.10" in critical.reason
    assert "136.49%" in critical.reason


def test_service_budgets_by_hand() -> None:
    p = _policy()
    # the three largest services at expected replicas (730 h): EC2 600, RDS 300, EKS 100
    assert [b.scope for b in p.budgets] == ["total", "AmazonEC2", "AmazonRDS", "AmazonEKS"]
    ec2, rds, eks = p.budgets[1:]
    assert ec2.name == "planner-demo-AmazonEC2"
    # Cost Explorer splits EC2 into instance hours and "EC2 - Other" (services.py)
    assert ec2.cost_explorer_services == (
        "Amazon Elastic Compute Cloud - Compute",
        "EC2 - Other",
    )
    assert (ec2.limit_usd, ec2.planned_usd) == (D("610.00"), D(600))
    assert (ec2.min_usd, ec2.expected_usd, ec2.max_usd) == (D(510), D(610), D(915))
    # EC2 critical: 915 x 1.05 = 960.75 > 110% x 610 = 671; 960.75 / 610 = 157.5% exactly
    assert _levels(ec2) == [
        ("warning", "ACTUAL", D(100), D("610.00"), "planned cost"),
        ("critical", "ACTUAL", D("157.50"), D("960.75"), "HPA range"),
        ("forecast", "FORECASTED", D(100), D("610.00"), "planned cost"),
    ]
    # RDS does not scale: HPA max 305 x 1.05 = 320.25 < 110% x 305 = 335.50: the percentage
    assert _levels(rds)[1] == ("critical", "ACTUAL", D(110), D("335.50"), "percentage")
    assert rds.planned_usd == D(300)
    # EKS: 102 x 1.05 = 107.10 < 112.20
    assert _levels(eks)[1] == ("critical", "ACTUAL", D(110), D("112.20"), "percentage")
    assert all(b.tag_filter == (("Environment", "demo"),) for b in p.budgets)


@pytest.mark.parametrize(
    ("top", "scopes"),
    [
        (0, ["total"]),
        (1, ["total", "AmazonEC2"]),
        (2, ["total", "AmazonEC2", "AmazonRDS"]),
        (20, ["total", "AmazonEC2", "AmazonRDS", "AmazonEKS"]),  # only three are priced
    ],
)
def test_top_services_cuts_the_ranking(top: int, scopes: list[str]) -> None:
    assert [b.scope for b in _policy(top_services=top).budgets] == scopes


def test_ties_rank_by_code_and_free_services_get_no_budget() -> None:
    # AmazonMSK ties RDS at 300 (the code decides: AmazonMSK < AmazonRDS); AmazonS3 costs
    # $0 at expected replicas: nothing to budget, so no service budget
    services = {s: {"AmazonMSK": D(300), "AmazonS3": D(0)} for s in STATES}
    p = _policy(_costs(services=services), top_services=20)
    assert [b.scope for b in p.budgets] == [
        "total",
        "AmazonEC2",
        "AmazonMSK",
        "AmazonRDS",
        "AmazonEKS",
    ]


def test_critical_at_the_hpa_tie_is_the_percentage() -> None:
    # limit 1,050, HPA max 1,100: 1,100 x 1.05 = 1,155 = 110% x 1,050: the HPA range is not
    # above the percentage, so the percentage (110%) is the level
    tie = _policy(_costs("1100", "1050"), top_services=0).total
    assert _levels(tie)[1] == ("critical", "ACTUAL", D(110), D("1155.00"), "percentage")
    # a cent more at HPA max: 1,100.01 x 1.05 = 1,155.0105 > 1,155; 1,155.0105 / 1,050 =
    # 110.000952% -> 110.01% rounded up; 1,050 x 1.1001 = 1,155.105 -> 1,155.11
    above = _policy(_costs("1100.01", "1050"), top_services=0).total
    assert _levels(above)[1] == ("critical", "ACTUAL", D("110.01"), D("1155.11"), "HPA range")


def test_critical_percent_is_rounded_up() -> None:
    # HPA max 1,320 x 1.05 = 1,386; 1,386 / 1,017 = 136.2832% -> 136.29% (up, not 136.28%);
    # 1,017 x 1.3629 = 1,386.0693 -> 1,386.07
    total = _policy(_costs("1320"), top_services=0).total
    assert _levels(total)[1] == ("critical", "ACTUAL", D("136.29"), D("1386.07"), "HPA range")


def test_percentages_from_the_scenario() -> None:
    # warning 90% of 1,017 = 915.30; forecast 95% = 966.15; critical 150% = 1,525.50 beats
    # HPA max 1,322 x 1.05 = 1,388.10; with margin 20%: 1,322 x 1.2 = 1,586.40 beats 150%:
    # 1,586.40 / 1,017 = 155.9882% -> 155.99%; 1,017 x 1.5599 = 1,586.4183 -> 1,586.42
    p = _policy(warning_pct=90, critical_pct=150, forecast_pct=95, top_services=0)
    assert _levels(p.total) == [
        ("warning", "ACTUAL", D(90), D("915.30"), "percentage"),
        ("critical", "ACTUAL", D(150), D("1525.50"), "percentage"),
        ("forecast", "FORECASTED", D(95), D("966.15"), "percentage"),
    ]
    margin = _policy(critical_pct=150, critical_hpa_margin_pct=20, top_services=0).total
    assert _levels(margin)[1] == ("critical", "ACTUAL", D("155.99"), D("1586.42"), "HPA range")


def test_warning_usd_is_a_percent_rounded_half_up_on_the_total_only() -> None:
    # 800 / 1,017 = 78.6627% -> 78.66%; 1,017 x 0.7866 = 799.9722 -> 799.97 (half up)
    p = _policy(warning_usd=800, top_services=1)
    warning = p.total.threshold("warning")
    assert (warning.percent, warning.monthly_usd, warning.source) == (
        D("78.66"),
        D("799.97"),
        "scenario",
    )
    assert "$800.00" in warning.reason and "78.66%" in warning.reason
    # a service budget keeps its percentage: the absolute amount is the whole account's
    assert p.budgets[1].threshold("warning").percent == D(100)


def test_critical_usd_is_a_percent_rounded_up_and_not_below_hpa_max() -> None:
    from planner.errors import ScenarioError

    # 1,350 / 1,017 = 132.7434% -> 132.75% (up); 1,017 x 1.3275 = 1,350.0675 -> 1,350.07
    p = _policy(critical_usd=1350, top_services=1)
    critical = p.total.threshold("critical")
    assert (critical.percent, critical.monthly_usd, critical.source) == (
        D("132.75"),
        D("1350.07"),
        "scenario",
    )
    assert "$1,350.00" in critical.reason and "132.75%" in critical.reason
    # the service budget keeps the plan's rule (EC2 157.50%, as above)
    assert p.budgets[1].threshold("critical").percent == D("157.50")
    # at HPA maximum exactly (1,322) it is allowed: 129.9902% -> 130.00%, 1,322.10
    at_max = _policy(critical_usd=1322, top_services=0).total.threshold("critical")
    assert (at_max.percent, at_max.monthly_usd) == (D("130.00"), D("1322.10"))
    # a cent below the cost at HPA maximum would fire in a month the plan allows
    with pytest.raises(ScenarioError) as err:
        _policy(critical_usd=D("1321.99"), top_services=0)
    assert err.value.field == "alerts.critical_usd"
    assert "1321.99" in err.value.detail and "$1,322.00" in err.value.detail


def test_warning_above_critical_is_refused_naming_the_field() -> None:
    from planner.errors import ScenarioError

    # warning_usd 1,400: 137.66% -> 1,400.00 (1,017 x 1.3766 = 1,400.0022) > critical 1,388.11
    with pytest.raises(ScenarioError) as err:
        _policy(warning_usd=1400, top_services=0)
    assert err.value.field == "alerts.warning_usd"
    assert "$1,400.00" in err.value.detail and "$1,388.11" in err.value.detail
    assert "planner-demo-total" in err.value.detail
    # critical_usd 1,322 = 1,322.10 (above); warning 130% = 1,322.10: equal is allowed ...
    ok = _policy(critical_usd=1322, warning_pct=130, top_services=0).total
    assert ok.threshold("warning").monthly_usd == ok.threshold("critical").monthly_usd
    # ... 131% = 1,332.27 is above it
    with pytest.raises(ScenarioError) as err:
        _policy(critical_usd=1322, warning_pct=131, top_services=0)
    assert err.value.field == "alerts.warning_pct"


def test_a_zero_budget_is_refused() -> None:
    from planner.errors import ScenarioError

    # $0.004 rounds to $0.00: nothing to budget; $0.005 rounds half up to $0.01
    with pytest.raises(ScenarioError, match=r"the planned cost is \$0") as err:
        _policy(_costs("0.004", "0.004"), top_services=0)
    assert (err.value.path, err.value.field) == ("demo.yaml", "alerts")
    assert _policy(_costs("0.005", "0.005"), top_services=0).total.limit_usd == D("0.01")


def test_tag_filter_off_leaves_budgets_unfiltered() -> None:
    p = _policy(tag_filter=False)
    assert all(b.tag_filter == () for b in p.budgets)
    # and the monitor watches the account by SERVICE
    assert (p.anomaly.monitor_type, p.anomaly.monitor_tags) == ("DIMENSIONAL", ())


def test_alarms_repeat_the_budget_levels() -> None:
    p = _policy(top_services=1)
    assert [(a.name, a.level, a.service_code, a.threshold_usd) for a in p.alarms] == [
        ("planner-demo-billing-total-warning", "warning", None, D("1017.00")),
        ("planner-demo-billing-total-critical", "critical", None, D("1388.11")),
        ("planner-demo-billing-AmazonEC2-warning", "warning", "AmazonEC2", D("610.00")),
        ("planner-demo-billing-AmazonEC2-critical", "critical", "AmazonEC2", D("960.75")),
    ]
    assert p.alarms[1].source == "same level as budget planner-demo-total (HPA range)"


def test_anomaly_threshold_is_one_day_of_the_largest_service() -> None:
    # EC2 is the largest at expected replicas: 600 x 24 h / 730 h = 19.7260/day -> 19.73;
    # factor 2.5: 49.3151 -> 49.32
    a = _policy(anomaly_factor=D("2.5")).anomaly
    assert (a.largest_service, a.largest_daily_usd, a.impact_usd) == (
        "AmazonEC2",
        D("19.73"),
        D("49.32"),
    )
    assert (a.monitor_name, a.subscription_name) == ("planner-demo", "planner-demo")
    assert "$600.00" in a.source and "$19.73" in a.source and "730 h" in a.source
    assert _policy().anomaly.impact_usd == D("19.73")  # factor 1


@pytest.mark.parametrize(
    ("kind", "tags", "tag_filter", "monitor"),
    [
        ("auto", {"Environment": "demo"}, True, "CUSTOM"),  # tags, filtered: that environment
        ("auto", {"Environment": "demo"}, False, "DIMENSIONAL"),
        ("auto", {}, True, "DIMENSIONAL"),  # no tags: the account by SERVICE
        ("service", {"Environment": "demo"}, True, "DIMENSIONAL"),
        ("tag", {"Environment": "demo"}, False, "CUSTOM"),  # asked for, even unfiltered
    ],
)
def test_anomaly_monitor_kind(
    kind: str, tags: dict[str, str], tag_filter: bool, monitor: str
) -> None:
    a = _policy(tags=tags, anomaly_monitor=kind, tag_filter=tag_filter).anomaly
    assert a.monitor_type == monitor
    assert a.monitor_tags == (tuple(sorted(tags.items())) if monitor == "CUSTOM" else ())


def test_tag_monitor_needs_tags_and_a_policy_needs_a_priced_service() -> None:
    from planner.alerts.costs import PlanCosts
    from planner.errors import ScenarioError

    with pytest.raises(ScenarioError) as err:
        _policy(tags={}, anomaly_monitor="tag")
    assert err.value.field == "alerts.anomaly_monitor"
    free = PlanCosts(
        total_usd=dict.fromkeys(STATES, D(10)),
        by_service_usd={s: {"AmazonS3": D(0)} for s in STATES},
        from_capacity=False,
    )
    with pytest.raises(ScenarioError, match="no priced service") as err:
        _policy(free)
    assert err.value.field == "alerts"


def test_forecast_months_roll_over_the_year_and_must_follow() -> None:
    from planner.errors import InputError

    series = [(dt.date(2026, 11, 1), D("900.004")), (dt.date(2026, 12, 1), D("950")),
              (dt.date(2027, 1, 1), D("0.01"))]  # fmt: skip
    p = _policy(forecast=series, top_services=1)
    assert [(m.month, m.limit_usd) for m in p.total.planned_limits] == [
        (dt.date(2026, 11, 1), D("900.00")),  # cents
        (dt.date(2026, 12, 1), D("950.00")),
        (dt.date(2027, 1, 1), D("0.01")),  # the smallest positive amount is allowed
    ]
    assert p.forecast == p.total.planned_limits
    assert p.total.limit_source == "forecast, month by month"
    assert p.total.threshold("warning").source == "forecast"
    assert p.total.threshold("forecast").source == "forecast"
    assert p.budgets[1].planned_limits == ()  # service budgets stay flat on the model
    assert p.budgets[1].threshold("warning").source == "planned cost"
    with pytest.raises(InputError, match="2027-02-01 does not follow 2026-12-01"):
        _policy(forecast=[(dt.date(2026, 12, 1), D(1)), (dt.date(2027, 2, 1), D(1))])
    with pytest.raises(InputError, match="2026-12-01 does not follow 2026-12-01"):
        _policy(forecast=[(dt.date(2026, 12, 1), D(1)), (dt.date(2026, 12, 1), D(1))])
    with pytest.raises(InputError, match="2026-12-31 is not the first"):
        _policy(forecast=[(dt.date(2026, 12, 31), D(1))])
    with pytest.raises(InputError, match=r"-0\.01 is not a positive"):
        _policy(forecast=[(dt.date(2026, 12, 1), D("-0.01"))])
    assert _policy(forecast=[]).forecast == ()


@given(
    month=st.integers(min_value=1, max_value=12), year=st.integers(min_value=2000, max_value=2090)
)
def test_any_month_is_followed_by_the_next(month: int, year: int) -> None:
    start = dt.date(year, month, 1)
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    p = _policy(forecast=[(start, D(5)), (following, D(6))], top_services=0)
    assert [m.month for m in p.forecast] == [start, following]


def test_seed_levels_only_for_a_scenario_modelled_on_them() -> None:
    from planner.alerts.policy import SEED_LEVELS, seed_levels_for

    assert seed_levels_for(["§9.4", "§3"]) == SEED_LEVELS
    assert seed_levels_for(["§9.3"]) == ()
    # the report's §9.4: warning at $750 a month, critical at $1,000
    assert [(s.level, s.monthly_usd) for s in SEED_LEVELS] == [
        ("warning", D(750)),
        ("critical", D(1000)),
    ]


def test_hpa_maximum_is_never_below_the_plan(tmp_path: Any) -> None:
    from conftest import SCENARIOS_DIR

    from planner.alerts.costs import plan_costs
    from planner.scenario import load_scenario

    # desired sizes at the node groups' maxima (general 4, compute 3) run more nodes than the
    # capacity model needs at HPA maximum (general 4, compute 2: tests/test_alerts_policy.py),
    # so the "max" state is the plan itself, never the cheaper model
    path = tmp_path / "big.yaml"
    path.write_text(
        f"extends: {SCENARIOS_DIR / 'staging.yaml'}\nname: big\neks:\n  node_groups:\n"
        "    - name: general\n      desired_size: 4\n    - name: compute\n      desired_size: 3\n"
    )
    costs = plan_costs(load_scenario(str(path)))
    assert costs.total_usd["max"] == costs.total_usd["expected"]
    assert costs.longest["max"] == costs.longest["expected"]
    assert costs.total_usd["min"] < costs.total_usd["expected"]  # the model's minimum is lower


def test_a_service_the_plan_does_not_price_costs_nothing() -> None:
    # PlanCosts.service and longest_service: a code with no line is $0, in every state
    costs = _costs()
    assert costs.service("expected", "AmazonS3") == D(0)
    assert costs.longest_service("max", "AmazonS3") == D(0)
    assert costs.service("max", "AmazonEC2") == D(900)
    assert costs.longest_service("max", "AmazonEC2") == D(915)
