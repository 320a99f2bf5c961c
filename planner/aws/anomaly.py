"""Cost Explorer anomaly monitors and subscriptions (reads are paginated)."""

from __future__ import annotations

from typing import Any

from planner.aws.failures import aws_failures


def get_monitors(client: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    with aws_failures("ce:GetAnomalyMonitors"):
        for page in client.get_paginator("get_anomaly_monitors").paginate():
            out.extend(page.get("AnomalyMonitors", []))
    return out


def get_subscriptions(client: Any, monitor_arn: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    with aws_failures("ce:GetAnomalySubscriptions"):
        paginator = client.get_paginator("get_anomaly_subscriptions")
        for page in paginator.paginate(MonitorArn=monitor_arn):
            out.extend(page.get("AnomalySubscriptions", []))
    return out


def create_monitor(client: Any, request: dict[str, Any]) -> str:
    with aws_failures(f"ce:CreateAnomalyMonitor {request['AnomalyMonitor']['MonitorName']}"):
        return str(client.create_anomaly_monitor(**request)["MonitorArn"])


def create_subscription(
    client: Any, subscription: dict[str, Any], tags: list[dict[str, str]]
) -> str:
    with aws_failures(f"ce:CreateAnomalySubscription {subscription['SubscriptionName']}"):
        response = client.create_anomaly_subscription(
            AnomalySubscription=subscription, ResourceTags=tags
        )
        return str(response["SubscriptionArn"])


def update_subscription(client: Any, arn: str, subscription: dict[str, Any]) -> None:
    with aws_failures(f"ce:UpdateAnomalySubscription {subscription['SubscriptionName']}"):
        client.update_anomaly_subscription(
            SubscriptionArn=arn,
            Frequency=subscription["Frequency"],
            MonitorArnList=subscription["MonitorArnList"],
            Subscribers=subscription["Subscribers"],
            ThresholdExpression=subscription["ThresholdExpression"],
        )


def list_tags(client: Any, arn: str, name: str) -> dict[str, str]:
    """A monitor's or subscription's tags (``ce:ListTagsForResource``)."""
    from planner.aws.budgets import tags_of

    with aws_failures(f"ce:ListTagsForResource {name}"):
        reply = client.list_tags_for_resource(ResourceArn=arn)
    return tags_of(reply.get("ResourceTags"), f"ce:ListTagsForResource {name}")
