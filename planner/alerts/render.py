"""What finance reads (table) and what machines read (JSON, one CreateBudget file per budget)."""

from __future__ import annotations

import json
from typing import Any

from planner.alerts.alarms import BILLING_REGION, alarm_request
from planner.alerts.anomaly import monitor_spec, threshold_expression
from planner.alerts.budgets import (
    COST_TYPES,
    COST_TYPES_REASON,
    cost_filters,
    create_budget_request,
)
from planner.alerts.compare import STATE_LABELS, level_checks
from planner.alerts.policy import AlertPolicy
from planner.alerts.prerequisites import prerequisites, prerequisites_text
from planner.alerts.subscribers import Subscribers
from planner.money import usd


def _yes(states: tuple[str, ...], state: str) -> str:
    return "YES" if state in states else "no"


def _months(months: tuple[Any, ...]) -> str:
    return ", ".join(m.strftime("%Y-%m") for m in months) if months else "none"


def alerts_table(policy: AlertPolicy) -> str:
    lines = [
        f"Billing alerts for {policy.scenario} ({policy.currency} per month, list prices)",
        f"Modelled cost: min replicas {usd(policy.min_usd)}, expected replicas "
        f"{usd(policy.expected_usd)}, HPA maximum {usd(policy.max_usd)}",
        "",
        "Levels against the plan (fires = the month's cost is above the level)",
        f"{'Level':<22}{'Type':<12}{'Monthly':>12}  {'min':<5}{'exp':<5}{'max':<5} Verdict",
    ]
    checks = level_checks(policy)
    for c in checks:
        lines.append(
            f"{c.label:<22}{c.notification_type:<12}{usd(c.monthly_usd):>12}  "
            f"{_yes(c.fires_at, 'min'):<5}{_yes(c.fires_at, 'expected'):<5}"
            f"{_yes(c.fires_at, 'max'):<5} {c.verdict}"
        )
    if policy.seed_levels:
        lines.append(f"Seed levels: {policy.seed_levels[0].source} (set for staging).")
    if policy.forecast:
        lines += ["", "Forecast months in which each level would fire (expected / HPA maximum)"]
        for c in checks:
            lines.append(
                f"  {c.label:<20} {_months(c.fires_in_months)} / "
                f"{_months(c.fires_in_months_at_max)}"
            )
    lines += [
        "",
        "AWS Budgets (monthly, cost; notifications are % of the budget)",
        f"  cost types: {COST_TYPES_REASON}",
    ]
    for b in policy.budgets:
        filters = cost_filters(b)
        shown = "; ".join(f"{k}={','.join(v)}" for k, v in filters.items()) or "whole account"
        lines.append(f"{b.name}: limit {usd(b.limit_usd)} [{b.limit_source}]")
        lines.append(f"    filter: {shown}")
        lines.append(
            f"    range: {STATE_LABELS['min']} {usd(b.min_usd)}, "
            f"{STATE_LABELS['expected']} {usd(b.expected_usd)}, "
            f"{STATE_LABELS['max']} {usd(b.max_usd)}"
        )
        for t in b.thresholds:
            lines.append(
                f"    {t.notification_type:<10} {t.level:<8} {t.percent:>7}% "
                f"{usd(t.monthly_usd):>11}  [{t.source}] {t.reason}"
            )
        for m in b.planned_limits:
            lines.append(f"    planned {m.month.strftime('%Y-%m')}: {usd(m.limit_usd)}")
    lines += [
        "",
        f"CloudWatch billing alarms ({BILLING_REGION}, AWS/Billing EstimatedCharges, Maximum "
        "over 6 h; account-wide, no tag filter: meaningful when the account holds only "
        f"{policy.scenario})",
        "  EstimatedCharges is unblended, month to date, with tax and upfront fees: in a month "
        "a reservation or Savings Plan upfront fee is paid, or with tax, these alarms can fire "
        "though the amortised budgets do not",
    ]
    for alarm in policy.alarms:
        lines.append(f"  {alarm.name:<48} {usd(alarm.threshold_usd):>11}  [{alarm.source}]")
    a = policy.anomaly
    what = (
        "tags " + ", ".join(f"{k}={v}" for k, v in a.monitor_tags)
        if a.monitor_type == "CUSTOM"
        else "by SERVICE"
    )
    lines += [
        "",
        "Cost Anomaly Detection",
        f"  monitor {a.monitor_name} ({a.monitor_type}, {what})",
        f"  subscription {a.subscription_name}-email (DAILY) / -sns (IMMEDIATE): total impact "
        f">= {usd(a.impact_usd)}  [{a.source}]",
        "",
    ]
    return "\n".join(lines) + prerequisites_text(prerequisites(policy), checked=False)


def alerts_json(policy: AlertPolicy) -> dict[str, Any]:
    data = policy.model_dump(mode="json")
    data["levels"] = [c.model_dump(mode="json") for c in level_checks(policy)]
    data["cost_types"] = dict(COST_TYPES)
    data["cost_types_reason"] = COST_TYPES_REASON
    data["prerequisites"] = [p.what for p in prerequisites(policy)]
    return data


def cli_json_files(
    policy: AlertPolicy, account_id: str, subscribers: Subscribers
) -> dict[str, str]:
    """File name -> ``aws budgets create-budget --cli-input-json file://...`` content."""
    return {
        f"{b.name}.json": json.dumps(
            create_budget_request(policy, b, account_id, subscribers), indent=2
        )
        + "\n"
        for b in policy.budgets
    }


def requests_preview(policy: AlertPolicy, subscribers: Subscribers) -> dict[str, Any]:
    """Alarm and anomaly request bodies, for the JSON output and the notebook."""
    return {
        "alarms": [alarm_request(policy, a, subscribers.sns_topic_arn) for a in policy.alarms],
        "anomaly_monitor": monitor_spec(policy),
        "anomaly_threshold": threshold_expression(policy),
    }
