"""planner alerts apply: idempotent against moto over real HTTP; Stubber where moto lacks calls.

moto implements CreateBudget, DescribeBudgets, CreateNotification and
DescribeNotificationsForBudget and CloudWatch alarms, but neither UpdateBudget,
UpdateNotification nor any Cost Anomaly Detection call: those paths use botocore's Stubber
with responses shaped like the real API's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from conftest import CliResult

pytestmark = pytest.mark.aws

WRITE_PREFIXES = ("Create", "Update", "Put", "Delete", "Tag", "Untag")
EMAIL = "finops@example.com"
SNS = "arn:aws:sns:us-east-1:123456789012:billing-alerts"
ACCOUNT = "123456789012"


def _count_calls(client: Any, calls: list[str]) -> Any:
    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    client.meta.events.register("before-call", record)
    return client


def _clients(calls: list[str]) -> Any:
    from planner.alerts.apply import Clients
    from planner.aws.session import client

    return Clients(
        budgets=_count_calls(client("budgets", "us-east-1"), calls),
        cloudwatch=_count_calls(client("cloudwatch", "us-east-1"), calls),
        ce=None,
    )


def _policy(name: str = "staging", **alerts: Any) -> Any:
    from planner.alert_settings import AlertsConfig
    from planner.alerts.costs import plan_costs
    from planner.alerts.policy import build_policy, seed_levels_for
    from planner.scenario import load_scenario

    scenario = load_scenario(name)
    config = AlertsConfig(**alerts) if alerts else scenario.topology.alerts
    return build_policy(
        scenario.name,
        config,
        plan_costs(scenario),
        dict(scenario.topology.cost_allocation_tags),
        where=str(scenario.path),
        seed_levels=seed_levels_for(scenario.topology.seed_figures),
    )


def _writes(calls: list[str]) -> list[str]:
    return [c for c in calls if c.startswith(WRITE_PREFIXES)]


def _actions(changes: list[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in changes:
        out[c.action] = out.get(c.action, 0) + 1
    return out


def test_apply_twice_creates_once_and_never_duplicates(moto_aws: str) -> None:
    from planner.alerts.apply import plan_alerts
    from planner.alerts.subscribers import Subscribers

    policy = _policy()
    subs = Subscribers(emails=(EMAIL,))
    only = frozenset({"budgets", "alarms"})
    calls: list[str] = []
    clients = _clients(calls)

    first = plan_alerts(policy, clients, ACCOUNT, subs, apply=True, only=only)
    # 4 budgets (total + EKS, EC2, MSK) and 8 alarms (warning + critical for each)
    assert _actions(first) == {"create": 12}
    assert _writes(calls).count("CreateBudget") == 4
    assert _writes(calls).count("PutMetricAlarm") == 8

    calls.clear()
    second = plan_alerts(policy, clients, ACCOUNT, subs, apply=True, only=only)
    assert _writes(calls) == []
    # each budget unchanged, its 3 notifications unchanged, each alarm unchanged
    assert _actions(second) == {"unchanged": 4 + 4 * 3 + 8}

    budgets = clients.budgets.describe_budgets(AccountId=ACCOUNT)["Budgets"]
    names = sorted(b["BudgetName"] for b in budgets)
    assert names == [
        "planner-staging-AmazonEC2",
        "planner-staging-AmazonEKS",
        "planner-staging-AmazonMSK",
        "planner-staging-total",
    ]
    total = next(b for b in budgets if b["BudgetName"] == "planner-staging-total")
    assert Decimal(total["BudgetLimit"]["Amount"]) == Decimal(
        "829.78"
    )  # the longest month (test_alerts_policy.py)
    assert total["CostFilters"] == {"TagKeyValue": ["user:Environment$staging"]}
    notes = clients.budgets.describe_notifications_for_budget(
        AccountId=ACCOUNT, BudgetName="planner-staging-total"
    )["Notifications"]
    assert sorted((n["NotificationType"], n["Threshold"]) for n in notes) == [
        ("ACTUAL", 100.0),
        ("ACTUAL", 115.8),
        ("FORECASTED", 100.0),
    ]
    alarms = clients.cloudwatch.describe_alarms(AlarmNamePrefix="planner-staging-")
    by_name = {a["AlarmName"]: a for a in alarms["MetricAlarms"]}
    assert len(by_name) == 8
    critical = by_name["planner-staging-billing-total-critical"]
    assert critical["Threshold"] == 960.89
    assert critical["Namespace"] == "AWS/Billing"
    assert critical["MetricName"] == "EstimatedCharges"
    assert critical["Statistic"] == "Maximum"
    assert critical["Period"] == 21600
    assert critical["Dimensions"] == [{"Name": "Currency", "Value": "USD"}]
    eks = by_name["planner-staging-billing-AmazonEKS-warning"]
    assert {"Name": "ServiceName", "Value": "AmazonEKS"} in eks["Dimensions"]


def test_dry_run_makes_no_write_call(moto_aws: str) -> None:
    from planner.alerts.apply import plan_alerts
    from planner.alerts.subscribers import Subscribers

    calls: list[str] = []
    clients = _clients(calls)
    changes = plan_alerts(
        _policy(),
        clients,
        ACCOUNT,
        Subscribers(emails=(EMAIL,)),
        apply=False,
        only=frozenset({"budgets", "alarms"}),
    )
    assert _actions(changes) == {"create": 12}
    assert calls, "the dry run reads the account"
    assert _writes(calls) == []
    assert clients.budgets.describe_budgets(AccountId=ACCOUNT).get("Budgets", []) == []


def test_other_budgets_and_alarms_are_left_alone(moto_aws: str) -> None:
    from planner.alerts.apply import plan_alerts
    from planner.alerts.subscribers import Subscribers

    calls: list[str] = []
    clients = _clients(calls)
    clients.budgets.create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": "team-budget",
            "BudgetLimit": {"Amount": "5", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
    )
    clients.cloudwatch.put_metric_alarm(
        AlarmName="someone-elses-billing-alarm",
        Namespace="AWS/Billing",
        MetricName="EstimatedCharges",
        Statistic="Maximum",
        Period=21600,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    calls.clear()
    plan_alerts(
        _policy(),
        clients,
        ACCOUNT,
        Subscribers(emails=(EMAIL,)),
        apply=True,
        only=frozenset({"budgets", "alarms"}),
    )
    assert not [c for c in calls if c.startswith("Delete")]
    names = {
        b["BudgetName"] for b in clients.budgets.describe_budgets(AccountId=ACCOUNT)["Budgets"]
    }
    assert "team-budget" in names and len(names) == 5
    alarms = clients.cloudwatch.describe_alarms()["MetricAlarms"]
    assert "someone-elses-billing-alarm" in {a["AlarmName"] for a in alarms}


def test_cli_apply_is_idempotent_against_moto(moto_aws: str, run_cli: Any) -> None:
    argv = [
        "alerts",
        "apply",
        "staging",
        "--only",
        "budgets",
        "--only",
        "alarms",
        "--account-id",
        ACCOUNT,
        "--email",
        EMAIL,
    ]
    dry: CliResult = run_cli(argv)
    assert dry.code == 0, dry.err
    assert dry.out.startswith("Dry run")
    assert "12 create" in dry.out
    first = run_cli([*argv, "--apply"])
    assert first.code == 0, first.err
    assert "12 create" in first.out
    second = run_cli([*argv, "--apply"])
    assert second.code == 0, second.err
    assert "create" not in second.out and "update" not in second.out
    assert "24 unchanged" in second.out


def test_cli_apply_needs_a_subscriber(moto_aws: str, run_cli: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("PLANNER_ALERT_EMAILS", raising=False)
    monkeypatch.delenv("PLANNER_ALERT_SNS_TOPIC", raising=False)
    result = run_cli(
        ["alerts", "apply", "staging", "--only", "budgets", "--apply", "--account-id", ACCOUNT]
    )
    assert result.code == 2
    assert result.err.count("\n") == 1 and "--email" in result.err


def test_subscribers_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.alerts.subscribers import subscribers_from

    monkeypatch.setenv("PLANNER_ALERT_EMAILS", "a@example.com, b@example.com")
    monkeypatch.setenv("PLANNER_ALERT_SNS_TOPIC", SNS)
    subs = subscribers_from(None, None)
    assert subs.emails == ("a@example.com", "b@example.com")
    assert subs.sns_topic_arn == SNS
    assert subscribers_from(["c@example.com"], None).emails == ("c@example.com",)


# --- Stubber: paths moto does not implement -------------------------------------------------


def _stubbed(service: str) -> tuple[Any, Any]:
    import botocore.session
    from botocore.stub import Stubber

    client = botocore.session.get_session().create_client(
        service,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return client, Stubber(client)


def test_changed_plan_updates_budget_and_adds_notification_with_stubber() -> None:
    from planner.alerts.apply import Clients, plan_alerts
    from planner.alerts.budgets import budget_body
    from planner.alerts.subscribers import Subscribers

    policy = _policy(top_services=0)  # the total budget only
    client, stub = _stubbed("budgets")
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    old_critical = {
        "NotificationType": "ACTUAL",
        "ComparisonOperator": "GREATER_THAN",
        "Threshold": 110.0,
        "ThresholdType": "PERCENTAGE",
        "NotificationState": "OK",
    }
    stub.add_response(
        "describe_budgets",
        {
            "Budgets": [
                {
                    "BudgetName": "planner-staging-total",
                    "BudgetLimit": {"Amount": "700.0", "Unit": "USD"},  # the old plan
                    "CostFilters": {"TagKeyValue": ["user:Environment$staging"]},
                    "CostTypes": {"IncludeTax": True},
                    "TimeUnit": "MONTHLY",
                    "TimePeriod": {"Start": now, "End": dt.datetime(2087, 6, 15, tzinfo=dt.UTC)},
                    "BudgetType": "COST",
                    "LastUpdatedTime": now,
                }
            ]
        },
        {"AccountId": ACCOUNT},
    )
    stub.add_response(
        "list_tags_for_resource",
        {"ResourceTags": [{"Key": "managed-by", "Value": "planner"}]},
        {"ResourceARN": f"arn:aws:budgets::{ACCOUNT}:budget/planner-staging-total"},
    )
    stub.add_response(
        "update_budget",
        {},
        {"AccountId": ACCOUNT, "NewBudget": budget_body(policy.total, "USD")},
    )
    stub.add_response(
        "describe_notifications_for_budget",
        {
            "Notifications": [
                {
                    "NotificationType": "ACTUAL",
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": 100.0,
                    "ThresholdType": "PERCENTAGE",
                },
                old_critical,
                {
                    "NotificationType": "FORECASTED",
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": 100.0,
                    "ThresholdType": "PERCENTAGE",
                },
            ]
        },
        {"AccountId": ACCOUNT, "BudgetName": "planner-staging-total"},
    )
    warning = {
        "NotificationType": "ACTUAL",
        "ComparisonOperator": "GREATER_THAN",
        "Threshold": 100.0,
        "ThresholdType": "PERCENTAGE",
    }
    email = [{"SubscriptionType": "EMAIL", "Address": EMAIL}]
    stub.add_response(
        "describe_subscribers_for_notification",
        {"Subscribers": email},
        {"AccountId": ACCOUNT, "BudgetName": "planner-staging-total", "Notification": warning},
    )
    # the old 110% critical is never repurposed: the planned 115.79% is created beside it
    stub.add_response(
        "create_notification",
        {},
        {
            "AccountId": ACCOUNT,
            "BudgetName": "planner-staging-total",
            "Notification": {
                "NotificationType": "ACTUAL",
                "ComparisonOperator": "GREATER_THAN",
                "Threshold": 115.8,
                "ThresholdType": "PERCENTAGE",
            },
            "Subscribers": email,
        },
    )
    stub.add_response(
        "describe_subscribers_for_notification",
        {"Subscribers": email},
        {
            "AccountId": ACCOUNT,
            "BudgetName": "planner-staging-total",
            "Notification": {**warning, "NotificationType": "FORECASTED"},
        },
    )
    with stub:
        changes = plan_alerts(
            policy,
            Clients(budgets=client, cloudwatch=None, ce=None),
            ACCOUNT,
            Subscribers(emails=(EMAIL,)),
            apply=True,
            only=frozenset({"budgets"}),
        )
        stub.assert_no_pending_responses()
    assert [(c.kind, c.action) for c in changes] == [
        ("budget", "update"),
        ("notification", "unchanged"),
        ("notification", "create"),
        ("notification", "unchanged"),
        ("notification", "left alone"),  # the 110% one: not in the plan, not repurposed
    ]


OWNED = {"ResourceTags": [{"Key": "managed-by", "Value": "planner"}]}


def _ce_tags(stub: Any, arn: str, tags: dict[str, Any] = OWNED) -> None:
    """The ce:ListTagsForResource reply planner reads to prove ownership."""
    stub.add_response("list_tags_for_resource", tags, {"ResourceArn": arn})


def _monitor(policy: Any, arn: str, **override: Any) -> dict[str, Any]:
    from planner.alerts.anomaly import monitor_spec

    return {**monitor_spec(policy), "MonitorArn": arn, "CreationDate": "2026-01-01", **override}


def test_anomaly_monitor_and_subscriptions_created_then_unchanged_with_stubber() -> None:
    from planner.alerts.anomaly import monitor_spec, subscription_specs
    from planner.alerts.apply import Clients, plan_alerts
    from planner.alerts.budgets import ownership_tags
    from planner.alerts.subscribers import Subscribers

    policy = _policy()
    subs = Subscribers(emails=(EMAIL,), sns_topic_arn=SNS)
    arn = "arn:aws:ce::123456789012:anomalymonitor/0b4c-planner"
    client, stub = _stubbed("ce")
    clients = Clients(budgets=None, cloudwatch=None, ce=client)
    stub.add_response("get_anomaly_monitors", {"AnomalyMonitors": []}, {})
    stub.add_response(
        "create_anomaly_monitor",
        {"MonitorArn": arn},
        {"AnomalyMonitor": monitor_spec(policy), "ResourceTags": ownership_tags("staging")},
    )
    specs = subscription_specs(policy, arn, subs)
    for i, spec in enumerate(specs):
        stub.add_response(
            "create_anomaly_subscription",
            {"SubscriptionArn": f"{arn}/sub{i}"},
            {"AnomalySubscription": spec, "ResourceTags": ownership_tags("staging")},
        )
    with stub:
        first = plan_alerts(policy, clients, ACCOUNT, subs, apply=True, only=frozenset({"anomaly"}))
        stub.assert_no_pending_responses()
    assert [(c.name, c.action) for c in first] == [
        ("planner-staging", "create"),
        ("planner-staging-email", "create"),
        ("planner-staging-sns", "create"),
    ]
    # the monitor watches the Environment=staging tag; impact >= one EKS day, $14.40
    assert monitor_spec(policy)["MonitorSpecification"] == {
        "Tags": {"Key": "Environment", "Values": ["staging"], "MatchOptions": ["EQUALS"]}
    }
    assert specs[0]["Frequency"] == "DAILY" and specs[1]["Frequency"] == "IMMEDIATE"
    assert specs[0]["ThresholdExpression"]["Dimensions"]["Values"] == ["14.40"]

    # second run: everything exists as planned -> only reads, no write queued
    client2, stub2 = _stubbed("ce")
    stub2.add_response("get_anomaly_monitors", {"AnomalyMonitors": [_monitor(policy, arn)]}, {})
    _ce_tags(stub2, arn)
    existing = [
        {**s, "SubscriptionArn": f"{arn}/sub{i}", "AccountId": ACCOUNT} for i, s in enumerate(specs)
    ]
    stub2.add_response(
        "get_anomaly_subscriptions", {"AnomalySubscriptions": existing}, {"MonitorArn": arn}
    )
    for i in range(len(specs)):
        _ce_tags(stub2, f"{arn}/sub{i}")
    with stub2:
        second = plan_alerts(
            policy,
            Clients(None, None, client2),
            ACCOUNT,
            subs,
            apply=True,
            only=frozenset({"anomaly"}),
        )
        stub2.assert_no_pending_responses()
    assert {c.action for c in second} == {"unchanged"}


def test_anomaly_subscription_update_and_foreign_spec_left_alone_with_stubber() -> None:
    from planner.alerts.anomaly import subscription_specs
    from planner.alerts.apply import Clients, plan_alerts
    from planner.alerts.subscribers import Subscribers

    policy = _policy()
    subs = Subscribers(emails=(EMAIL,))
    arn = "arn:aws:ce::123456789012:anomalymonitor/0b4c-planner"
    spec = subscription_specs(policy, arn, subs)[0]
    stale = {
        **spec,
        "SubscriptionArn": f"{arn}/sub0",
        "AccountId": ACCOUNT,
        "ThresholdExpression": {
            "Dimensions": {
                "Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                "Values": ["100"],
                "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
            }
        },
    }
    client, stub = _stubbed("ce")
    # someone changed the monitor to a SERVICE monitor: planner cannot update it, says so
    stub.add_response(
        "get_anomaly_monitors",
        {
            "AnomalyMonitors": [
                _monitor(policy, arn, MonitorType="DIMENSIONAL", MonitorDimension="SERVICE")
            ]
        },
        {},
    )
    _ce_tags(stub, arn)
    stub.add_response(
        "get_anomaly_subscriptions", {"AnomalySubscriptions": [stale]}, {"MonitorArn": arn}
    )
    _ce_tags(stub, f"{arn}/sub0")
    stub.add_response(
        "update_anomaly_subscription",
        {"SubscriptionArn": f"{arn}/sub0"},
        {
            "SubscriptionArn": f"{arn}/sub0",
            "Frequency": "DAILY",
            "MonitorArnList": [arn],
            "Subscribers": spec["Subscribers"],
            "ThresholdExpression": spec["ThresholdExpression"],
        },
    )
    with stub:
        changes = plan_alerts(
            policy,
            Clients(None, None, client),
            ACCOUNT,
            subs,
            apply=True,
            only=frozenset({"anomaly"}),
        )
        stub.assert_no_pending_responses()
    assert [(c.kind, c.action) for c in changes] == [
        ("anomaly monitor", "left alone"),
        ("anomaly subscription", "update"),
    ]


def test_account_id_comes_from_sts_when_not_given(
    moto_aws: str, run_cli: Any, monkeypatch: Any
) -> None:
    monkeypatch.delenv("PLANNER_ACCOUNT_ID", raising=False)
    result = run_cli(["alerts", "apply", "staging", "--only", "budgets"])
    assert result.code == 0, result.err
    assert "4 create" in result.out


def test_aws_failure_is_one_line() -> None:
    from planner.alerts.apply import Clients, plan_alerts
    from planner.alerts.subscribers import Subscribers
    from planner.aws.failures import AwsCallError

    client, stub = _stubbed("budgets")
    stub.add_client_error(
        "describe_budgets",
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/x is not authorized to perform: budgets:ViewBudget",
        http_status_code=403,
    )
    with stub, pytest.raises(AwsCallError) as err:
        plan_alerts(
            _policy(),
            Clients(client, None, None),
            ACCOUNT,
            Subscribers(),
            apply=False,
            only=frozenset({"budgets"}),
        )
    text = str(err.value)
    assert text.startswith("budgets:DescribeBudgets: AccessDeniedException: ")
    assert "budgets:ViewBudget" in text and "\n" not in text
