"""Cost Anomaly Detection requests: one monitor and its subscriptions.

A CUSTOM monitor on the scenario's cost allocation tag watches only this environment; without
tags, a DIMENSIONAL monitor by SERVICE watches the account. E-mail subscriptions are sent
DAILY; SNS subscriptions IMMEDIATE (AWS allows SNS only for IMMEDIATE and e-mail only for
DAILY or WEEKLY).
"""

from __future__ import annotations

from typing import Any

from planner.alerts.budgets import ownership_tags
from planner.alerts.policy import AlertPolicy
from planner.alerts.subscribers import Subscribers
from planner.money import cents


def monitor_spec(policy: AlertPolicy) -> dict[str, Any]:
    a = policy.anomaly
    monitor: dict[str, Any] = {"MonitorName": a.monitor_name, "MonitorType": a.monitor_type}
    if a.monitor_type == "DIMENSIONAL":
        monitor["MonitorDimension"] = "SERVICE"
    else:
        exprs = [
            {"Tags": {"Key": k, "Values": [v], "MatchOptions": ["EQUALS"]}}
            for k, v in a.monitor_tags
        ]
        monitor["MonitorSpecification"] = exprs[0] if len(exprs) == 1 else {"And": exprs}
    return monitor


def monitor_request(policy: AlertPolicy) -> dict[str, Any]:
    return {"AnomalyMonitor": monitor_spec(policy), "ResourceTags": ownership_tags(policy.scenario)}


def threshold_expression(policy: AlertPolicy) -> dict[str, Any]:
    return {
        "Dimensions": {
            "Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
            "Values": [str(cents(policy.anomaly.impact_usd))],
            "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
        }
    }


def subscription_specs(
    policy: AlertPolicy, monitor_arn: str, subscribers: Subscribers
) -> list[dict[str, Any]]:
    """The AnomalySubscription structures: one for e-mail (DAILY), one for SNS (IMMEDIATE)."""
    base = policy.anomaly.subscription_name
    out: list[dict[str, Any]] = []
    if subscribers.emails:
        out.append(
            {
                "SubscriptionName": f"{base}-email",
                "MonitorArnList": [monitor_arn],
                "Subscribers": [{"Type": "EMAIL", "Address": e} for e in subscribers.emails],
                "Frequency": "DAILY",
                "ThresholdExpression": threshold_expression(policy),
            }
        )
    if subscribers.sns_topic_arn:
        out.append(
            {
                "SubscriptionName": f"{base}-sns",
                "MonitorArnList": [monitor_arn],
                "Subscribers": [{"Type": "SNS", "Address": subscribers.sns_topic_arn}],
                "Frequency": "IMMEDIATE",
                "ThresholdExpression": threshold_expression(policy),
            }
        )
    return out
