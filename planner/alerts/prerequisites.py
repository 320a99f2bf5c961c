"""What must hold in the AWS account before the generated alerts can see any cost.

1. **Billing alerts enabled** (Billing console, Billing preferences, "Receive CloudWatch
   billing alerts", in the payer account): until then the AWS/Billing ``EstimatedCharges``
   metric does not exist and every billing alarm stays in INSUFFICIENT_DATA. Checked by
   ``cloudwatch:ListMetrics`` (namespace AWS/Billing, us-east-1).
2. **Cost allocation tags activated** (Billing console, Cost allocation tags) for every tag
   the budgets filter on: a tag that is not active is not in the cost data, so a
   tag-filtered budget and a tag anomaly monitor see $0. Activation takes up to 24 hours and
   is not retroactive. Checked by ``ce:ListCostAllocationTags``.

``planner alerts`` lists them; ``planner alerts apply`` also says whether each holds (a
check that is denied or fails is "not checked", never "holds").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from planner.alerts.policy import AlertPolicy

Status = Literal["holds", "does not hold", "not checked"]
BILLING_ALERTS = (
    "billing alerts enabled (Billing preferences: 'Receive CloudWatch billing alerts', in the "
    "payer account): without them AWS/Billing EstimatedCharges does not exist and the billing "
    "alarms never fire"
)


def tag_prerequisite(key: str) -> str:
    return (
        f"cost allocation tag '{key}' activated (Billing console: Cost allocation tags; up to "
        "24 h, not retroactive): until then tag-filtered budgets and the tag anomaly monitor "
        "see $0"
    )


@dataclass(frozen=True)
class Prerequisite:
    what: str
    status: Status = "not checked"
    detail: str = ""


def tag_keys(policy: AlertPolicy) -> list[str]:
    keys = {k for b in policy.budgets for k, _v in b.tag_filter}
    keys |= {k for k, _v in policy.anomaly.monitor_tags}
    return sorted(keys)


def prerequisites(policy: AlertPolicy) -> list[Prerequisite]:
    """The prerequisites of a policy, unchecked."""
    return [Prerequisite(BILLING_ALERTS)] + [
        Prerequisite(tag_prerequisite(k)) for k in tag_keys(policy)
    ]


def check(policy: AlertPolicy, cloudwatch: Any, ce: Any) -> list[Prerequisite]:
    """Each prerequisite with what the account says (read-only calls)."""
    out = [_billing_metric(cloudwatch)]
    keys = tag_keys(policy)
    if keys:
        out += _tags(ce, keys)
    return out


def _failure(exc: Exception) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return f"{err.get('Code', 'error')}: {err.get('Message', '')}".strip()
    if isinstance(exc, BotoCoreError):
        return str(exc)
    raise exc


def _billing_metric(cloudwatch: Any) -> Prerequisite:
    if cloudwatch is None:
        return Prerequisite(BILLING_ALERTS, "not checked", "no CloudWatch client")
    try:
        reply = cloudwatch.list_metrics(Namespace="AWS/Billing", MetricName="EstimatedCharges")
    except Exception as exc:
        return Prerequisite(BILLING_ALERTS, "not checked", _failure(exc))
    metrics = reply.get("Metrics")
    if not isinstance(metrics, list):
        return Prerequisite(BILLING_ALERTS, "not checked", "ListMetrics reply has no Metrics list")
    if metrics:
        return Prerequisite(BILLING_ALERTS, "holds", "AWS/Billing EstimatedCharges exists")
    return Prerequisite(
        BILLING_ALERTS, "does not hold", "no AWS/Billing EstimatedCharges metric in us-east-1"
    )


def _tags(ce: Any, keys: list[str]) -> list[Prerequisite]:
    if ce is None:
        return [
            Prerequisite(tag_prerequisite(k), "not checked", "no Cost Explorer client")
            for k in keys
        ]
    try:
        reply = ce.list_cost_allocation_tags(TagKeys=keys, Type="UserDefined")
    except Exception as exc:
        why = _failure(exc)
        return [Prerequisite(tag_prerequisite(k), "not checked", why) for k in keys]
    found = reply.get("CostAllocationTags")
    if not isinstance(found, list):
        why = "ListCostAllocationTags reply has no CostAllocationTags list"
        return [Prerequisite(tag_prerequisite(k), "not checked", why) for k in keys]
    status = {t.get("TagKey"): t.get("Status") for t in found if isinstance(t, dict)}
    out = []
    for k in keys:
        if status.get(k) == "Active":
            out.append(Prerequisite(tag_prerequisite(k), "holds", "Active"))
        elif k in status:
            out.append(Prerequisite(tag_prerequisite(k), "does not hold", str(status[k])))
        else:
            out.append(
                Prerequisite(
                    tag_prerequisite(k),
                    "does not hold",
                    "not a cost allocation tag yet (no resource tagged, or not seen by billing)",
                )
            )
    return out


def prerequisites_text(items: list[Prerequisite], *, checked: bool) -> str:
    head = "Prerequisites (in the AWS account, before these alerts see any cost):"
    lines = [head]
    for p in items:
        state = f"[{p.status}{': ' + p.detail if p.detail else ''}] " if checked else "- "
        lines.append(f"  {state}{p.what}")
    return "\n".join(lines) + "\n"
