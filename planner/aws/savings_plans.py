"""Savings Plans rates (``savingsplans:DescribeSavingsPlansOfferingRates``) for EC2 types.

The API has no paginator in botocore; :func:`offering_rates` follows ``nextToken`` itself
and stops on a repeated token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner.aws.session import AwsError, aws_errors

PLAN_TYPES = ("Compute", "EC2Instance")
PAYMENT_OPTIONS = ("No Upfront", "Partial Upfront", "All Upfront")


def offering_rates(
    client: Any, region: str, instance_types: Sequence[str]
) -> tuple[list[dict[str, Any]], int]:
    """Rates of Compute and EC2 Instance Savings Plans for Linux shared-tenancy instances."""
    request: dict[str, Any] = {
        "savingsPlanTypes": list(PLAN_TYPES),
        "savingsPlanPaymentOptions": list(PAYMENT_OPTIONS),
        "products": ["EC2"],
        "serviceCodes": ["AmazonEC2"],
        "filters": [
            {"name": "region", "values": [region]},
            {"name": "instanceType", "values": list(instance_types)},
            {"name": "productDescription", "values": ["Linux/UNIX"]},
            {"name": "tenancy", "values": ["shared"]},
        ],
        "maxResults": 1000,
    }
    results: list[dict[str, Any]] = []
    seen: set[str] = set()
    calls = 0
    while True:
        with aws_errors("savingsplans"):
            page = client.describe_savings_plans_offering_rates(**request)
        calls += 1
        results.extend(page.get("searchResults", []))
        token = page.get("nextToken")
        if not token:
            return results, calls
        if token in seen:
            raise AwsError(
                "AWS savingsplans DescribeSavingsPlansOfferingRates returned the same "
                f"nextToken twice (call {calls}); stopping instead of looping"
            )
        seen.add(token)
        request["nextToken"] = token
