"""The AWS request bodies and the table built from the hand-made plan of tests/alerts_helpers.py.

Levels used below (worked in tests/test_alerts_thresholds.py): total budget 1,017.00 with
warning 100% = 1,017.00, critical 136.49% = 1,388.11, forecast 100%; EC2 budget 610.00 with
critical 157.50% = 960.75; the anomaly threshold one day of EC2, 600 x 24 / 730 = 19.73.
Request shapes: AWS Budgets CreateBudget, CloudWatch PutMetricAlarm, Cost Explorer
CreateAnomalyMonitor / CreateAnomalySubscription (API references).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from alerts_helpers import policy as _policy

D = Decimal
ARN = "arn:aws:sns:us-east-1:123456789012:billing"


def _subs(emails: tuple[str, ...] = ("a@example.com",), sns: str | None = ARN) -> Any:
    from planner.alerts.subscribers import Subscribers

    return Subscribers(emails=emails, sns_topic_arn=sns)


def test_budget_body_flat_limit_and_filters() -> None:
    from planner.alerts.budgets import COST_TYPES, budget_body

    p = _policy(top_services=1)
    total, ec2 = p.budgets
    assert budget_body(total, "USD") == {
        "BudgetName": "planner-demo-total",
        "BudgetType": "COST",
        "TimeUnit": "MONTHLY",
        "BudgetLimit": {"Amount": "1017.00", "Unit": "USD"},
        # Budgets' tag filter syntax for a user-defined cost allocation tag: user:<key>$<value>
        "CostFilters": {"TagKeyValue": ["user:Environment$demo"]},
        "CostTypes": COST_TYPES,
    }
    assert budget_body(ec2, "USD")["CostFilters"] == {
        "Service": ["Amazon Elastic Compute Cloud - Compute", "EC2 - Other"],
        "TagKeyValue": ["user:Environment$demo"],
    }
    # without tags and services nothing is filtered: no CostFilters at all
    bare = _policy(tag_filter=False, top_services=0).total
    assert "CostFilters" not in budget_body(bare, "USD")


def test_cost_types_are_the_plans_basis() -> None:
    from planner.alerts.budgets import COST_TYPES

    # amortised list cost without tax, credits, refunds, upfront fees or support
    assert COST_TYPES == {
        "IncludeTax": False,
        "IncludeSubscription": True,
        "UseBlended": False,
        "IncludeRefund": False,
        "IncludeCredit": False,
        "IncludeUpfront": False,
        "IncludeRecurring": True,
        "IncludeOtherSubscription": True,
        "IncludeSupport": False,
        "IncludeDiscount": True,
        "UseAmortized": True,
    }


def test_amounts_and_month_keys() -> None:
    import datetime as dt

    from planner.alerts.budgets import amount, month_epoch

    assert amount(D("609.9")) == "609.90"
    assert amount(D("0.125")) == "0.13"  # half up to the cent
    assert amount(12) == "12.00"
    # 2026-01-01T00:00Z: 56 years of which 14 leap (1972..2024) = 20,454 days x 86,400 s
    assert month_epoch(dt.date(2026, 1, 1)) == "1767225600"
    # 2026-02-01: 31 days later, 1,767,225,600 + 2,678,400
    assert month_epoch(dt.date(2026, 2, 15)) == "1769904000"


def test_notifications_and_the_create_budget_request() -> None:
    from planner.alerts.budgets import create_budget_request, notifications

    p = _policy(top_services=0)
    expected = [
        ("ACTUAL", 100.0),
        ("ACTUAL", 136.49),
        ("FORECASTED", 100.0),
    ]
    assert [(n["NotificationType"], n["Threshold"]) for n in notifications(p.total)] == expected
    for n in notifications(p.total):
        assert (n["ComparisonOperator"], n["ThresholdType"]) == ("GREATER_THAN", "PERCENTAGE")
    request = create_budget_request(p, p.total, "123456789012", _subs())
    assert request["AccountId"] == "123456789012"
    assert request["Budget"]["BudgetLimit"] == {"Amount": "1017.00", "Unit": "USD"}
    assert [n["Notification"]["Threshold"] for n in request["NotificationsWithSubscribers"]] == [
        100.0,
        136.49,
        100.0,
    ]
    for n in request["NotificationsWithSubscribers"]:
        assert n["Subscribers"] == [
            {"SubscriptionType": "EMAIL", "Address": "a@example.com"},
            {"SubscriptionType": "SNS", "Address": ARN},
        ]
    assert request["ResourceTags"] == [
        {"Key": "managed-by", "Value": "planner"},
        {"Key": "planner-scenario", "Value": "demo"},
    ]
    # nobody to notify: the budget alone (AWS refuses a notification without a subscriber)
    alone = create_budget_request(p, p.total, "123456789012", _subs((), None))
    assert "NotificationsWithSubscribers" not in alone


def test_alarm_requests() -> None:
    from planner.alerts.alarms import alarm_request

    p = _policy(top_services=1)
    total_warning, _, _, ec2_critical = p.alarms
    r = alarm_request(p, ec2_critical, ARN)
    assert r["AlarmName"] == "planner-demo-billing-AmazonEC2-critical"
    assert r["Dimensions"] == [
        {"Name": "Currency", "Value": "USD"},
        {"Name": "ServiceName", "Value": "AmazonEC2"},
    ]
    assert r["Threshold"] == 960.75
    # EstimatedCharges: month-to-date, published a few times a day: Maximum over 6 hours
    assert (r["Namespace"], r["MetricName"]) == ("AWS/Billing", "EstimatedCharges")
    assert (r["Statistic"], r["Period"], r["EvaluationPeriods"]) == ("Maximum", 21600, 1)
    assert r["ComparisonOperator"] == "GreaterThanThreshold"
    assert r["TreatMissingData"] == "notBreaching"
    assert r["ActionsEnabled"] is True
    assert r["AlarmActions"] == [ARN]
    assert (
        "critical when month-to-date charges for AmazonEC2 exceed 960.75 USD"
        in (r["AlarmDescription"])
    )
    t = alarm_request(p, total_warning, None)
    assert t["Dimensions"] == [{"Name": "Currency", "Value": "USD"}]  # the whole account
    assert t["Threshold"] == 1017.0
    assert t["AlarmActions"] == []
    assert "for the whole account exceed 1017.00 USD" in t["AlarmDescription"]


def test_anomaly_monitor_and_subscriptions() -> None:
    from planner.alerts.anomaly import monitor_request, monitor_spec, subscription_specs

    one = _policy()
    assert monitor_spec(one) == {
        "MonitorName": "planner-demo",
        "MonitorType": "CUSTOM",
        "MonitorSpecification": {
            "Tags": {"Key": "Environment", "Values": ["demo"], "MatchOptions": ["EQUALS"]}
        },
    }
    two = _policy(tags={"Team": "data", "Environment": "demo"})
    assert monitor_spec(two)["MonitorSpecification"] == {
        "And": [
            {"Tags": {"Key": "Environment", "Values": ["demo"], "MatchOptions": ["EQUALS"]}},
            {"Tags": {"Key": "Team", "Values": ["data"], "MatchOptions": ["EQUALS"]}},
        ]
    }
    by_service = _policy(tags={})
    assert monitor_spec(by_service) == {
        "MonitorName": "planner-demo",
        "MonitorType": "DIMENSIONAL",
        "MonitorDimension": "SERVICE",
    }
    assert monitor_request(by_service)["ResourceTags"][1] == {
        "Key": "planner-scenario",
        "Value": "demo",
    }
    # AWS allows e-mail only DAILY or WEEKLY and SNS only IMMEDIATE
    email, sns = subscription_specs(one, "arn:monitor", _subs())
    threshold = {
        "Dimensions": {
            "Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
            "Values": ["19.73"],
            "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
        }
    }
    assert email == {
        "SubscriptionName": "planner-demo-email",
        "MonitorArnList": ["arn:monitor"],
        "Subscribers": [{"Type": "EMAIL", "Address": "a@example.com"}],
        "Frequency": "DAILY",
        "ThresholdExpression": threshold,
    }
    assert sns == {
        "SubscriptionName": "planner-demo-sns",
        "MonitorArnList": ["arn:monitor"],
        "Subscribers": [{"Type": "SNS", "Address": ARN}],
        "Frequency": "IMMEDIATE",
        "ThresholdExpression": threshold,
    }
    assert subscription_specs(one, "arn:monitor", _subs((), None)) == []
    (only,) = subscription_specs(one, "arn:monitor", _subs((), ARN))
    assert only["Frequency"] == "IMMEDIATE"


def test_terraform_attrs_align_and_accept_nothing() -> None:
    from planner.alerts.terraform import attrs

    assert attrs([]) == ""
    # terraform fmt: each "=" one space after the longest key of the run
    assert attrs([("a", "1"), ("long", "2")], "  ") == "  a    = 1\n  long = 2\n"


def _row(table: str, label: str) -> list[str]:
    (line,) = [ln for ln in table.splitlines() if ln.startswith(label)]
    return line.split()


@pytest.mark.parametrize(
    ("warning_pct", "fires"),
    [
        # warning 80% of 1,017 = 813.60: below min 900, expected 1,000 and max 1,300
        (80, ["YES", "YES", "YES"]),
        # warning 90% = 915.30: above min 900, below expected 1,000
        (90, ["no", "YES", "YES"]),
        # warning 100% = 1,017.00: only the HPA maximum 1,300 is above it
        (100, ["no", "no", "YES"]),
    ],
)
def test_table_says_at_which_state_each_level_fires(warning_pct: int, fires: list[str]) -> None:
    from planner.alerts.render import alerts_table

    table = alerts_table(_policy(warning_pct=warning_pct, top_services=0))
    # "planner warning  ACTUAL  $xxx.xx  min exp max  verdict"
    assert _row(table, "planner warning")[4:7] == fires
    # critical 1,388.11 is above every state
    assert _row(table, "planner critical")[4:7] == ["no", "no", "no"]


def test_table_names_the_monitor_and_its_scope() -> None:
    from planner.alerts.render import alerts_table

    assert "monitor planner-demo (DIMENSIONAL, by SERVICE)" in alerts_table(_policy(tags={}))
    tagged = alerts_table(_policy(tags={"Environment": "demo", "Team": "data"}))
    assert "monitor planner-demo (CUSTOM, tags Environment=demo, Team=data)" in tagged
    assert ">= $19.73" in tagged


def test_terraform_strings_stay_literal() -> None:
    from planner.alerts.terraform import _q, _snake, label

    # HCL interpolates ${...} and %{...} in strings: a scenario name must not run as code
    assert _q('x${var.a}%{ if b }"\n') == '"x$${var.a}%%{ if b }\\"\\n"'
    # resource labels: letters, digits and underscores only
    assert label("planner-demo.total 1") == "planner_demo_total_1"
    # the provider spells CostTypes in snake case
    assert _snake("IncludeOtherSubscription") == "include_other_subscription"
    assert _snake("UseAmortized") == "use_amortized"


def test_terraform_budget_alarm_and_anomaly_blocks() -> None:
    from planner.alerts.terraform import alerts_terraform

    tf = alerts_terraform(_policy(top_services=1))
    lines = {" ".join(ln.split()) for ln in tf.splitlines()}  # alignment aside
    assert 'resource "aws_budgets_budget" "planner_demo_total" {' in lines
    assert 'limit_amount = "1017.00"' in lines
    assert 'limit_amount = "610.00"' in lines
    assert "threshold = 136.49" in lines and "threshold = 157.5" in lines
    assert 'resource "aws_cloudwatch_metric_alarm" "planner_demo_billing_AmazonEC2_critical" {' in (
        lines
    )
    assert "threshold = 960.75" in lines and "threshold = 1388.11" in lines
    assert "period = 21600" in lines and "evaluation_periods = 1" in lines
    assert 'ServiceName = "AmazonEC2"' in lines
    assert 'values = ["19.73"]' in lines
    assert 'frequency = "DAILY"' in lines and 'frequency = "IMMEDIATE"' in lines


def test_json_outputs_and_files() -> None:
    import json

    from planner.alerts.budgets import COST_TYPES, COST_TYPES_REASON
    from planner.alerts.render import alerts_json, cli_json_files, requests_preview

    p = _policy(top_services=1)
    data = alerts_json(p)
    assert data["budgets"][0]["limit_usd"] == "1017.00"
    assert [lv["label"] for lv in data["levels"]] == [
        "planner warning",
        "planner critical",
        "planner forecast",
    ]
    assert (data["cost_types"], data["cost_types_reason"]) == (COST_TYPES, COST_TYPES_REASON)
    assert len(data["prerequisites"]) == 2  # billing alerts, the Environment tag
    files = cli_json_files(p, "123456789012", _subs())
    assert list(files) == ["planner-demo-total.json", "planner-demo-AmazonEC2.json"]
    body = json.loads(files["planner-demo-AmazonEC2.json"])
    assert body["Budget"]["BudgetLimit"] == {"Amount": "610.00", "Unit": "USD"}
    assert files["planner-demo-total.json"].endswith("}\n")
    preview = requests_preview(p, _subs((), ARN))
    assert [a["AlarmName"] for a in preview["alarms"]] == [a.name for a in p.alarms]
    assert preview["alarms"][0]["AlarmActions"] == [ARN]
    assert preview["anomaly_monitor"]["MonitorType"] == "CUSTOM"
    assert preview["anomaly_threshold"]["Dimensions"]["Values"] == ["19.73"]


def test_table_lists_budgets_alarms_and_planned_months() -> None:
    import datetime as dt

    from planner.alerts.render import alerts_table

    series = [(dt.date(2026, 1, 1), D(1000)), (dt.date(2026, 2, 1), D(1100))]
    table = alerts_table(_policy(top_services=1, forecast=series))
    assert "Modelled cost: min replicas $900.00, expected replicas $1,000.00, HPA maximum" in table
    assert "planner-demo-total: limit $1,017.00 [forecast, month by month]" in table
    assert "    planned 2026-01: $1,000.00" in table and "    planned 2026-02: $1,100.00" in table
    assert "    filter: TagKeyValue=user:Environment$demo" in table
    assert (
        "    range: min replicas $917.00, expected replicas $1,017.00, HPA maximum $1,322.00"
        in (table)
    )
    assert "planner-demo-billing-AmazonEC2-critical" in table
    assert "Forecast months in which each level would fire" in table
    assert "  - billing alerts enabled" in table  # prerequisites, unchecked
