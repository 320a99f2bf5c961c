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


def update_notification(
    client: Any, account_id: str, name: str, old: dict[str, Any], new: dict[str, Any]
) -> None:
    with aws_failures(f"budgets:UpdateNotification {name}"):
        client.update_notification(
            AccountId=account_id, BudgetName=name, OldNotification=old, NewNotification=new
        )
