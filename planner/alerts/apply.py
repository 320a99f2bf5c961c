"""Plan and apply billing alerts idempotently: create, update or leave unchanged.

Ownership is proven by the ``managed-by=planner`` tag on the resource, never by its name: a
budget, alarm, anomaly monitor or subscription that has planner's name but not its tag is a
**conflict**, reported and left alone (nothing of it is read further or written). Nothing is
ever deleted. A budget notification is matched exactly (type, comparison, threshold,
threshold type and, when subscribers are given, its subscribers); one that is not in the plan
is left alone, never repurposed, and a planned one that does not exist is created.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from planner.alerts.alarms import alarm_request
from planner.alerts.anomaly import monitor_spec, subscription_specs
from planner.alerts.budgets import (
    MANAGED_BY,
    budget_body,
    create_budget_request,
    notifications,
    ownership_tags,
)
from planner.alerts.policy import PREFIX, AlertPolicy
from planner.alerts.subscribers import Subscribers
from planner.errors import InputError

Action = Literal["create", "update", "unchanged", "left alone", "conflict"]
PENDING_ARN = "(created on apply)"
PARTS = frozenset({"budgets", "alarms", "anomaly"})


@dataclass(frozen=True)
class Change:
    kind: str
    name: str
    action: Action
    detail: str = ""


@dataclass(frozen=True)
class Clients:
    budgets: Any
    cloudwatch: Any
    ce: Any


def _dec(value: Any) -> Decimal:
    return Decimal(str(value)).normalize()


def _budget_key(body: dict[str, Any]) -> dict[str, Any]:
    """The comparable part of a budget, as planner writes it (AWS adds defaults)."""
    limit = body.get("BudgetLimit")
    planned = body.get("PlannedBudgetLimits") or {}
    return {
        "type": body.get("BudgetType"),
        "unit": body.get("TimeUnit"),
        "limit": (_dec(limit["Amount"]), limit["Unit"]) if limit and not planned else None,
        "planned": {k: (_dec(v["Amount"]), v["Unit"]) for k, v in planned.items()},
        "filters": {k: sorted(v) for k, v in (body.get("CostFilters") or {}).items() if v},
        # planner always writes every cost type; a budget without them has AWS's defaults
        "cost_types": {k: bool(v) for k, v in (body.get("CostTypes") or {}).items()},
    }


def _notification_key(n: dict[str, Any]) -> tuple[str, str, Decimal, str]:
    return (
        n["NotificationType"],
        n["ComparisonOperator"],
        _dec(n["Threshold"]),
        n.get("ThresholdType", "PERCENTAGE"),
    )


def _alarm_key(a: dict[str, Any]) -> dict[str, Any]:
    return {
        "namespace": a.get("Namespace"),
        "metric": a.get("MetricName"),
        "dimensions": sorted((d["Name"], d["Value"]) for d in a.get("Dimensions", [])),
        "statistic": a.get("Statistic"),
        "period": int(a.get("Period", 0)),
        "evaluations": int(a.get("EvaluationPeriods", 0)),
        "threshold": _dec(a.get("Threshold", 0)),
        "operator": a.get("ComparisonOperator"),
        "missing": a.get("TreatMissingData"),
        "actions": sorted(a.get("AlarmActions", [])),
        "description": a.get("AlarmDescription", ""),
    }


def _subscription_key(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "frequency": s.get("Frequency"),
        "subscribers": sorted((x["Type"], x["Address"]) for x in s.get("Subscribers", [])),
        "threshold": s.get("ThresholdExpression"),
        "monitors": sorted(s.get("MonitorArnList", [])),
    }


def owned(tags: dict[str, str]) -> bool:
    """True when the tags prove planner made the resource (``managed-by=planner``)."""
    return tags.get(MANAGED_BY[0]) == MANAGED_BY[1]


CONFLICT = (
    "has planner's name but not the managed-by=planner tag: not planner's, left alone "
    "(rename it, or tag it managed-by=planner to hand it over)"
)


def _limit_text(body: dict[str, Any]) -> str:
    limit = body.get("BudgetLimit")
    if limit:
        return f"limit {limit['Amount']} {limit['Unit']}"
    return f"{len(body.get('PlannedBudgetLimits', {}))} planned monthly limits"


def plan_alerts(
    policy: AlertPolicy,
    clients: Clients,
    account_id: str,
    subscribers: Subscribers,
    *,
    apply: bool,
    only: frozenset[str] = PARTS,
) -> list[Change]:
    """What would change (``apply=False``, read-only calls) or what changed (``apply=True``)."""
    if apply and subscribers.empty:
        raise InputError(
            "planner alerts apply --apply needs a subscriber: --email or --sns-topic "
            "(or PLANNER_ALERT_EMAILS / PLANNER_ALERT_SNS_TOPIC)"
        )
    changes: list[Change] = []

    def do(
        kind: str, name: str, action: Action, detail: str, call: Callable[..., Any], *args: Any
    ) -> Any:
        changes.append(Change(kind, name, action, detail))
        return call(*args) if apply and action in ("create", "update") else None

    if "budgets" in only:
        _budgets(policy, clients, account_id, subscribers, changes, do)
    if "alarms" in only:
        _alarms(policy, clients, subscribers, changes, do)
    if "anomaly" in only:
        _anomaly(policy, clients, subscribers, changes, do)
    return changes


Do = Callable[..., Any]


def _budgets(
    policy: AlertPolicy,
    clients: Clients,
    account_id: str,
    subscribers: Subscribers,
    changes: list[Change],
    do: Do,
) -> None:
    from planner.aws import budgets

    existing = budgets.describe_budgets(clients.budgets, account_id)
    for b in policy.budgets:
        body = budget_body(b, policy.currency)
        current = existing.get(b.name)
        if current is None:
            request = create_budget_request(policy, b, account_id, subscribers)
            do(
                "budget",
                b.name,
                "create",
                _limit_text(body),
                budgets.create_budget,
                clients.budgets,
                request,
            )
            continue
        if not owned(budgets.list_tags(clients.budgets, account_id, b.name)):
            changes.append(Change("budget", b.name, "conflict", CONFLICT))
            continue
        if _budget_key(current) != _budget_key(body):
            do(
                "budget",
                b.name,
                "update",
                _limit_text(body),
                budgets.update_budget,
                clients.budgets,
                account_id,
                body,
            )
        else:
            changes.append(Change("budget", b.name, "unchanged"))
        _notifications(b.name, notifications(b), clients, account_id, subscribers, changes, do)


def _notifications(
    name: str,
    want: list[dict[str, Any]],
    clients: Clients,
    account_id: str,
    subscribers: Subscribers,
    changes: list[Change],
    do: Do,
) -> None:
    """Exact matching: a planned notification present with the same subscribers is
    unchanged, a missing one is created, anything else is left alone (never repurposed)."""
    from planner.aws import budgets

    have = budgets.describe_notifications(clients.budgets, account_id, name)
    have_keys = {_notification_key(n): n for n in have}
    want_keys = {_notification_key(n) for n in want}
    wanted_subs = {(s["SubscriptionType"], s["Address"]) for s in subscribers.budget_subscribers()}
    for n in want:
        label = f"{name} {n['NotificationType']} {n['Threshold']}%"
        current = have_keys.get(_notification_key(n))
        if current is None:
            do(
                "notification",
                label,
                "create",
                "",
                budgets.create_notification,
                clients.budgets,
                account_id,
                name,
                n,
                subscribers.budget_subscribers(),
            )
            continue
        if wanted_subs:
            subs = budgets.describe_subscribers(clients.budgets, account_id, name, current)
            if subs != wanted_subs:
                shown = ", ".join(sorted(a for _, a in subs)) or "none"
                changes.append(
                    Change(
                        "notification",
                        label,
                        "conflict",
                        f"same threshold, other subscribers ({shown}); left alone",
                    )
                )
                continue
        changes.append(Change("notification", label, "unchanged"))
    for key, n in sorted(have_keys.items()):
        if key not in want_keys:
            label = f"{name} {n['NotificationType']} {n['Threshold']}%"
            changes.append(Change("notification", label, "left alone", "not in the plan"))


def _alarms(
    policy: AlertPolicy,
    clients: Clients,
    subscribers: Subscribers,
    changes: list[Change],
    do: Do,
) -> None:
    from planner.aws import billing_alarms

    alarms = billing_alarms.describe_alarms(clients.cloudwatch, f"{PREFIX}-{policy.scenario}-")
    for a in policy.alarms:
        request = alarm_request(policy, a, subscribers.sns_topic_arn)
        current = alarms.get(a.name)
        if current is not None and not owned(
            billing_alarms.list_tags(clients.cloudwatch, str(current.get("AlarmArn", "")), a.name)
        ):
            changes.append(Change("alarm", a.name, "conflict", CONFLICT))
            continue
        if current is None:
            action: Action = "create"
        elif _alarm_key(current) != _alarm_key(request):
            action = "update"
        else:
            action = "unchanged"
        do(
            "alarm",
            a.name,
            action,
            f"threshold {a.threshold_usd}",
            billing_alarms.put_alarm,
            clients.cloudwatch,
            request,
        )


def _anomaly(
    policy: AlertPolicy,
    clients: Clients,
    subscribers: Subscribers,
    changes: list[Change],
    do: Do,
) -> None:
    from planner.aws import anomaly as ce_api

    spec = monitor_spec(policy)
    monitors = [
        m for m in ce_api.get_monitors(clients.ce) if m["MonitorName"] == spec["MonitorName"]
    ]
    if not monitors:
        arn = do(
            "anomaly monitor",
            spec["MonitorName"],
            "create",
            spec["MonitorType"],
            ce_api.create_monitor,
            clients.ce,
            {"AnomalyMonitor": spec, "ResourceTags": ownership_tags(policy.scenario)},
        )
        arn = arn or PENDING_ARN
        current_subs: dict[str, dict[str, Any]] = {}
    else:
        monitor = monitors[0]
        arn = monitor["MonitorArn"]
        if not owned(ce_api.list_tags(clients.ce, arn, spec["MonitorName"])):
            changes.append(Change("anomaly monitor", spec["MonitorName"], "conflict", CONFLICT))
            return
        same = all(monitor.get(k) == v for k, v in spec.items())
        changes.append(
            Change(
                "anomaly monitor",
                spec["MonitorName"],
                "unchanged" if same else "left alone",
                ""
                if same
                else "specification differs; AWS cannot update it (delete it to regenerate)",
            )
        )
        current_subs = {s["SubscriptionName"]: s for s in ce_api.get_subscriptions(clients.ce, arn)}
    for sub in subscription_specs(policy, arn, subscribers):
        name = sub["SubscriptionName"]
        current = current_subs.get(name)
        if current is None:
            do(
                "anomaly subscription",
                name,
                "create",
                sub["Frequency"],
                ce_api.create_subscription,
                clients.ce,
                sub,
                ownership_tags(policy.scenario),
            )
        elif not owned(ce_api.list_tags(clients.ce, current["SubscriptionArn"], name)):
            changes.append(Change("anomaly subscription", name, "conflict", CONFLICT))
        elif _subscription_key(current) != _subscription_key(sub):
            do(
                "anomaly subscription",
                name,
                "update",
                sub["Frequency"],
                ce_api.update_subscription,
                clients.ce,
                current["SubscriptionArn"],
                sub,
            )
        else:
            changes.append(Change("anomaly subscription", name, "unchanged"))
    if subscribers.empty:
        changes.append(
            Change(
                "anomaly subscription",
                f"{policy.anomaly.subscription_name}-*",
                "left alone",
                "no subscriber given (--email / --sns-topic)",
            )
        )


def changes_table(changes: list[Change], *, applied: bool) -> str:
    head = "Applied" if applied else "Dry run (nothing written; --apply to apply)"
    lines = [head]
    for c in changes:
        detail = f"  ({c.detail})" if c.detail else ""
        lines.append(f"  {c.action:<10} {c.kind:<21} {c.name}{detail}")
    counts: dict[str, int] = {}
    for c in changes:
        counts[c.action] = counts.get(c.action, 0) + 1
    lines.append("  " + ", ".join(f"{n} {a}" for a, n in counts.items()))
    return "\n".join(lines) + "\n"
