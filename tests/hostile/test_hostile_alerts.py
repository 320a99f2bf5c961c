"""`alerts apply` against moto over real HTTP: ownership is a tag, never a name.

A budget or alarm with planner's name but without the ``managed-by=planner`` tag is a person's:
a conflict, reported and left alone (limit, filters, notifications and thresholds as they
were). Before, `--apply` rewrote a same-named budget and repurposed a person's 50% ACTUAL
notification, and PutMetricAlarm overwrote a same-named alarm.
"""

from __future__ import annotations

from typing import Any

import pytest

from planner.cli import main

pytestmark = pytest.mark.aws
ACCOUNT = "123456789012"
EMAIL = "finops@example.com"


def _apply(capsys: pytest.CaptureFixture[str], only: str, email: str = EMAIL) -> str:
    """`alerts apply staging --apply` for one part; its table."""
    capsys.readouterr()
    argv = ["alerts", "apply", "staging", "--apply", "--account-id", ACCOUNT]
    assert main([*argv, "--email", email, "--only", only]) == 0
    return capsys.readouterr().out


def _client(service: str, url: str) -> Any:
    import boto3

    make: Any = boto3.client
    return make(service, region_name="us-east-1", endpoint_url=url)


def _persons_budget(url: str) -> Any:
    budgets = _client("budgets", url)
    budgets.create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": "planner-staging-total",
            "BudgetLimit": {"Amount": "5000", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
        NotificationsWithSubscribers=[
            {
                "Notification": {
                    "NotificationType": "ACTUAL",
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": 50,
                    "ThresholdType": "PERCENTAGE",
                },
                "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "me@example.com"}],
            }
        ],
    )
    return budgets


def test_a_same_named_budget_without_the_tag_is_a_conflict_left_alone(
    moto_aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    budgets = _persons_budget(moto_aws)
    out = _apply(capsys, "budgets")
    assert "conflict   budget                planner-staging-total" in out
    budget = budgets.describe_budget(AccountId=ACCOUNT, BudgetName="planner-staging-total")
    assert budget["Budget"]["BudgetLimit"]["Amount"] in ("5000", "5000.0")
    notes = budgets.describe_notifications_for_budget(
        AccountId=ACCOUNT, BudgetName="planner-staging-total"
    )["Notifications"]
    assert [(n["NotificationType"], n["Threshold"]) for n in notes] == [("ACTUAL", 50.0)]
    # the other planned budgets (per service) do not exist: created, tagged
    assert out.count("create     budget") == 3


def test_the_dry_run_reports_the_conflict_too(
    moto_aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _persons_budget(moto_aws)
    capsys.readouterr()
    assert main(["alerts", "apply", "staging", "--account-id", ACCOUNT, "--only", "budgets"]) == 0
    assert "conflict" in capsys.readouterr().out


def test_planners_own_budget_is_recognised_by_its_tag_and_stays_unchanged(
    moto_aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _apply(capsys, "budgets")
    out = _apply(capsys, "budgets")
    assert "conflict" not in out and "create" not in out
    assert "unchanged  budget                planner-staging-total" in out


def test_a_notification_with_other_subscribers_is_not_taken_over(
    moto_aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _apply(capsys, "budgets")
    out = _apply(capsys, "budgets", email="someone-else@example.com")
    assert "conflict   notification" in out and "other subscribers (finops@example.com)" in out


def test_a_same_named_alarm_without_the_tag_is_left_alone(
    moto_aws: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cloudwatch = _client("cloudwatch", moto_aws)
    cloudwatch.put_metric_alarm(
        AlarmName="planner-staging-billing-total-warning",
        MetricName="EstimatedCharges",
        Namespace="AWS/Billing",
        Statistic="Maximum",
        Period=21600,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
        Dimensions=[{"Name": "Currency", "Value": "USD"}],
    )
    out = _apply(capsys, "alarms")
    assert "conflict   alarm                 planner-staging-billing-total-warning" in out
    alarm = cloudwatch.describe_alarms(AlarmNames=["planner-staging-billing-total-warning"])
    assert alarm["MetricAlarms"][0]["Threshold"] == 1.0
