"""CloudWatch billing alarms: read by name prefix, write with PutMetricAlarm (create or update)."""

from __future__ import annotations

from typing import Any

from planner.aws.failures import aws_failures


def describe_alarms(client: Any, prefix: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    with aws_failures("cloudwatch:DescribeAlarms"):
        paginator = client.get_paginator("describe_alarms")
        for page in paginator.paginate(AlarmNamePrefix=prefix, AlarmTypes=["MetricAlarm"]):
            for alarm in page.get("MetricAlarms", []):
                out[alarm["AlarmName"]] = alarm
    return out


def put_alarm(client: Any, request: dict[str, Any]) -> None:
    with aws_failures(f"cloudwatch:PutMetricAlarm {request['AlarmName']}"):
        client.put_metric_alarm(**request)


def list_tags(client: Any, arn: str, name: str) -> dict[str, str]:
    """The alarm's tags (``cloudwatch:ListTagsForResource``)."""
    from planner.aws.budgets import tags_of

    with aws_failures(f"cloudwatch:ListTagsForResource {name}"):
        reply = client.list_tags_for_resource(ResourceARN=arn)
    return tags_of(reply.get("Tags"), f"cloudwatch:ListTagsForResource {name}")
