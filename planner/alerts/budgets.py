"""AWS Budgets requests (CreateBudget shape) for the policy's budgets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.alerts.policy import AlertPolicy, Budget
from planner.alerts.subscribers import Subscribers
from planner.money import cents

MANAGED_BY = ("managed-by", "planner")

# What a budget counts, set explicitly (AWS's defaults are unblended cost with tax and
# upfront fees): the plan is amortised list cost without tax, so the budget is too.
COST_TYPES: dict[str, bool] = {
    "IncludeTax": False,  # the plan has no tax: taxes would make every month look over plan
    "IncludeSubscription": True,
    "UseBlended": False,
    "IncludeRefund": False,  # refunds and credits are not in the plan (they would hide spend)
    "IncludeCredit": False,
    "IncludeUpfront": False,  # an RI's upfront fee would land in one month's budget
    "IncludeRecurring": True,
    "IncludeOtherSubscription": True,
    "IncludeSupport": False,  # AWS Support is not modelled
    "IncludeDiscount": True,
    "UseAmortized": True,  # upfront fees spread over their terms, as the plan's monthly lines
}
COST_TYPES_REASON = (
    "amortised cost (upfront fees spread over the term, as in the plan's monthly lines), "
    "without tax, upfront fees, credits, refunds or AWS Support, which the plan does not "
    "model; AWS's defaults (unblended, with tax and upfront fees) would put an RI's upfront "
    "fee into one month's budget"
)


def ownership_tags(scenario: str) -> list[dict[str, str]]:
    return [
        {"Key": MANAGED_BY[0], "Value": MANAGED_BY[1]},
        {"Key": "planner-scenario", "Value": scenario},
    ]


def month_epoch(month: dt.date) -> str:
    """PlannedBudgetLimits keys: the month's first second, UTC, in epoch seconds."""
    start = dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)
    return str(int(start.timestamp()))


def amount(value: object) -> str:
    """A budget amount string in whole cents ("609.90")."""
    from decimal import Decimal

    return str(cents(Decimal(str(value))))


def cost_filters(budget: Budget) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    if budget.cost_explorer_services:
        filters["Service"] = list(budget.cost_explorer_services)
    if budget.tag_filter:
        # Budgets' tag filter syntax: user:<key>$<value> for user-defined cost allocation tags
        filters["TagKeyValue"] = [f"user:{k}${v}" for k, v in budget.tag_filter]
    return filters


def budget_body(budget: Budget, currency: str) -> dict[str, Any]:
    """The ``Budget`` structure of CreateBudget / UpdateBudget."""
    body: dict[str, Any] = {
        "BudgetName": budget.name,
        "BudgetType": "COST",
        "TimeUnit": "MONTHLY",
    }
    if budget.planned_limits:
        body["PlannedBudgetLimits"] = {
            month_epoch(m.month): {"Amount": amount(m.limit_usd), "Unit": currency}
            for m in budget.planned_limits
        }
        first = budget.planned_limits[0].month
        body["TimePeriod"] = {"Start": f"{first.isoformat()}T00:00:00Z"}
    else:
        body["BudgetLimit"] = {"Amount": amount(budget.limit_usd), "Unit": currency}
    filters = cost_filters(budget)
    if filters:
        body["CostFilters"] = filters
    body["CostTypes"] = dict(COST_TYPES)
    return body


def notifications(budget: Budget) -> list[dict[str, Any]]:
    return [
        {
            "NotificationType": t.notification_type,
            "ComparisonOperator": "GREATER_THAN",
            "Threshold": float(t.percent),
            "ThresholdType": "PERCENTAGE",
        }
        for t in budget.thresholds
    ]


def create_budget_request(
    policy: AlertPolicy, budget: Budget, account_id: str, subscribers: Subscribers
) -> dict[str, Any]:
    """A complete CreateBudget request (also the ``--cli-input-json`` file)."""
    request: dict[str, Any] = {
        "AccountId": account_id,
        "Budget": budget_body(budget, policy.currency),
    }
    subs = subscribers.budget_subscribers()
    if subs:
        request["NotificationsWithSubscribers"] = [
            {"Notification": n, "Subscribers": subs} for n in notifications(budget)
        ]
    request["ResourceTags"] = ownership_tags(policy.scenario)
    return request
