"""AWS Budgets calls for billing alerts (reads are paginated)."""

from __future__ import annotations

from typing import Any

from planner.aws.failures import aws_failures


def describe_budgets(client: Any, account_id: str) -> dict[str, dict[str, Any]]:
    """Every budget in the account, by name."""
    out: dict[str, dict[str, Any]] = {}
    with aws_failures("budgets:DescribeBudgets"):
        for page in client.get_paginator("describe_budgets").paginate(AccountId=account_id):
            for budget in page.get("Budgets", []):
                out[budget["BudgetName"]] = budget
    return out


def describe_notifications(client: Any, account_id: str, name: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    with aws_failures(f"budgets:DescribeNotificationsForBudget {name}"):
        paginator = client.get_paginator("describe_notifications_for_budget")
        for page in paginator.paginate(AccountId=account_id, BudgetName=name):
            out.extend(page.get("Notifications", []))
    return out


def create_budget(client: Any, request: dict[str, Any]) -> None:
    with aws_failures(f"budgets:CreateBudget {request['Budget']['BudgetName']}"):
        client.create_budget(**request)


def update_budget(client: Any, account_id: str, budget: dict[str, Any]) -> None:
    with aws_failures(f"budgets:UpdateBudget {budget['BudgetName']}"):
        client.update_budget(AccountId=account_id, NewBudget=budget)


def create_notification(
    client: Any,
    account_id: str,
    name: str,
    notification: dict[str, Any],
    subscribers: list[dict[str, str]],
) -> None:
    with aws_failures(f"budgets:CreateNotification {name}"):
        client.create_notification(
            AccountId=account_id,
            BudgetName=name,
            Notification=notification,
            Subscribers=subscribers,
        )


def list_tags(client: Any, account_id: str, name: str) -> dict[str, str]:
    """The budget's tags (``budgets:ListTagsForResource``): ownership is proven by a tag."""
    arn = f"arn:aws:budgets::{account_id}:budget/{name}"
    with aws_failures(f"budgets:ListTagsForResource {name}"):
        reply = client.list_tags_for_resource(ResourceARN=arn)
    return tags_of(reply.get("ResourceTags"), f"budgets:ListTagsForResource {name}")


def describe_subscribers(
    client: Any, account_id: str, name: str, notification: dict[str, Any]
) -> set[tuple[str, str]]:
    """The (type, address) subscribers of one notification."""
    out: set[tuple[str, str]] = set()
    keep = ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType")
    wanted = {k: notification[k] for k in keep if k in notification}
    with aws_failures(f"budgets:DescribeSubscribersForNotification {name}"):
        paginator = client.get_paginator("describe_subscribers_for_notification")
        for page in paginator.paginate(AccountId=account_id, BudgetName=name, Notification=wanted):
            for sub in page.get("Subscribers", []):
                out.add((str(sub["SubscriptionType"]), str(sub["Address"])))
    return out


def tags_of(raw: Any, what: str) -> dict[str, str]:
    """``[{"Key": k, "Value": v}, ...]`` as a dict; any other shape is an error."""
    from planner.aws.guard import AwsReplyError

    if raw is None:
        return {}
    if not isinstance(raw, list) or not all(isinstance(t, dict) and "Key" in t for t in raw):
        raise AwsReplyError(f"{what}: the reply's tags are not a list of Key/Value pairs")
    return {str(t["Key"]): str(t.get("Value", "")) for t in raw}
