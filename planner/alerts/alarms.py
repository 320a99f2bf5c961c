"""CloudWatch billing alarms (PutMetricAlarm shape): AWS/Billing EstimatedCharges, us-east-1.

EstimatedCharges is the month-to-date bill, published a few times a day: statistic Maximum
over 6 hours. It is account-wide and has no tag dimension.
"""

from __future__ import annotations

from typing import Any

from planner.alerts.budgets import ownership_tags
from planner.alerts.policy import Alarm, AlertPolicy

BILLING_REGION = "us-east-1"  # billing metrics exist only in us-east-1
PERIOD_SECONDS = 21600  # 6 hours


def alarm_request(policy: AlertPolicy, alarm: Alarm, sns_topic_arn: str | None) -> dict[str, Any]:
    dimensions = [{"Name": "Currency", "Value": policy.currency}]
    if alarm.service_code:
        dimensions.append({"Name": "ServiceName", "Value": alarm.service_code})
    scope = alarm.service_code or "the whole account"
    request: dict[str, Any] = {
        "AlarmName": alarm.name,
        "AlarmDescription": (
            f"planner {policy.scenario}: {alarm.level} when month-to-date charges for {scope} "
            f"exceed {alarm.threshold_usd} {policy.currency} ({alarm.source})"
        ),
        "Namespace": "AWS/Billing",
        "MetricName": "EstimatedCharges",
        "Dimensions": dimensions,
        "Statistic": "Maximum",
        "Period": PERIOD_SECONDS,
        "EvaluationPeriods": 1,
        "Threshold": float(alarm.threshold_usd),
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "ActionsEnabled": True,
        "AlarmActions": [sns_topic_arn] if sns_topic_arn else [],
        "Tags": ownership_tags(policy.scenario),
    }
    return request
