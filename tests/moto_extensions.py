"""Calls moto 5 lacks for AWS Budgets, added to its in-process server for the tests.

moto implements CreateBudget, DescribeBudgets and the notification calls but not
``ListTagsForResource`` (nor ``ResourceTags`` on CreateBudget) and not
``DescribeSubscribersForNotification``. planner proves ownership by the tag and matches
notifications by their subscribers, so the tests need both: they are answered here with the
shapes of the real API (``{"ResourceTags": [{"Key", "Value"}]}``, ``{"Subscribers": [...]}``),
from moto's own stored budgets. A budget created without ``ResourceTags`` (by a test standing
in for a person) has no tags, as in AWS.
"""

from __future__ import annotations

import json
from typing import Any


def extend_moto_budgets() -> None:
    from moto.budgets.responses import BudgetsResponse

    if getattr(BudgetsResponse, "_planner_extended", False):
        return
    original_create = BudgetsResponse.create_budget

    def tags(self: Any) -> dict[str, list[dict[str, str]]]:
        store: dict[str, list[dict[str, str]]] = self.backend.__dict__.setdefault(
            "_planner_tags", {}
        )
        return store

    def create_budget(self: Any) -> str:
        result = original_create(self)
        account = self._get_param("AccountId")
        name = self._get_param("Budget")["BudgetName"]
        arn = f"arn:aws:budgets::{account}:budget/{name}"
        tags(self)[arn] = list(self._get_param("ResourceTags") or [])
        return str(result)

    def list_tags_for_resource(self: Any) -> str:
        arn = self._get_param("ResourceARN")
        return json.dumps({"ResourceTags": tags(self).get(arn, [])})

    def tag_resource(self: Any) -> str:
        arn = self._get_param("ResourceARN")
        current = {t["Key"]: t for t in tags(self).get(arn, [])}
        for t in self._get_param("ResourceTags") or []:
            current[t["Key"]] = t
        tags(self)[arn] = list(current.values())
        return json.dumps({})

    def describe_subscribers_for_notification(self: Any) -> str:
        account = self._get_param("AccountId")
        name = self._get_param("BudgetName")
        wanted = self._get_param("Notification")
        budget = self.backend.budgets[account][name]
        for n in budget.notifications:
            if all(n.details.get(k) == v for k, v in wanted.items()):
                return json.dumps({"Subscribers": list(n.subscribers)})
        return json.dumps({"Subscribers": []})

    BudgetsResponse.create_budget = create_budget  # type: ignore[method-assign]
    BudgetsResponse.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]
    BudgetsResponse.tag_resource = tag_resource  # type: ignore[attr-defined]
    BudgetsResponse.describe_subscribers_for_notification = (  # type: ignore[attr-defined]
        describe_subscribers_for_notification
    )
    BudgetsResponse._planner_extended = True  # type: ignore[attr-defined]
