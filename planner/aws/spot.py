"""EC2 spot price history (``ec2:DescribeSpotPriceHistory``), paginated, per region."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from planner.aws.session import aws_errors


def spot_history(
    client: Any,
    instance_types: Sequence[str],
    *,
    days: int = 30,
    now: dt.datetime | None = None,
    product: str = "Linux/UNIX",
) -> list[dict[str, Any]]:
    """Every spot price entry of the last ``days`` days, over all AZs of the client's region."""
    end = now or dt.datetime.now(dt.UTC)
    start = end - dt.timedelta(days=days)
    entries: list[dict[str, Any]] = []
    with aws_errors("ec2"):
        paginator = client.get_paginator("describe_spot_price_history")
        for page in paginator.paginate(
            InstanceTypes=list(instance_types),
            ProductDescriptions=[product],
            StartTime=start,
            EndTime=end,
        ):
            entries.extend(page.get("SpotPriceHistory", []))
    return entries
