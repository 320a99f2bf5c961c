"""Cost Explorer ``get_cost_and_usage``, every page, counting requests (each costs $0.01)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planner.errors import PlannerError

METRICS = ("UnblendedCost", "AmortizedCost", "UsageQuantity")
GROUP_BY = ({"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"})
# Cost Explorer bills $0.01 per paginated API request (AWS Cost Management pricing page).
USD_PER_REQUEST = "0.01"
MAX_PAGES = 1000


@dataclass(frozen=True)
class CostAndUsage:
    results: list[dict[str, Any]]  # every page's ResultsByTime, in order
    requests: int


def cost_filter(tags: Mapping[str, str], account: str | None) -> dict[str, Any] | None:
    """A Cost Explorer Expression: every tag equal to its value, and the linked account."""
    parts: list[dict[str, Any]] = [
        {"Tags": {"Key": key, "Values": [value], "MatchOptions": ["EQUALS"]}}
        for key, value in sorted(tags.items())
    ]
    if account:
        parts.append({"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [account]}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"And": parts}


def get_cost_and_usage(
    client: Any,
    *,
    start: str,
    end: str,
    granularity: str,
    tags: Mapping[str, str],
    account: str | None = None,
) -> CostAndUsage:
    """All pages of get_cost_and_usage grouped by SERVICE and USAGE_TYPE."""
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    request: dict[str, Any] = {
        "TimePeriod": {"Start": start, "End": end},
        "Granularity": granularity,
        "Metrics": list(METRICS),
        "GroupBy": [dict(g) for g in GROUP_BY],
    }
    expression = cost_filter(tags, account)
    if expression is not None:
        request["Filter"] = expression
    results: list[dict[str, Any]] = []
    requests = 0
    token: str | None = None
    while True:
        page_request = dict(request, NextPageToken=token) if token else request
        try:
            page = client.get_cost_and_usage(**page_request)
        except (ClientError, BotoCoreError, ResponseParserError) as exc:
            raise PlannerError(
                f"Cost Explorer get_cost_and_usage failed after {requests} request(s): {exc}"
            ) from exc
        requests += 1
        results.extend(page.get("ResultsByTime", []))
        token = page.get("NextPageToken")
        if not token:
            return CostAndUsage(results, requests)
        if requests >= MAX_PAGES:
            raise PlannerError(f"Cost Explorer returned more than {MAX_PAGES} pages; narrow it")
