"""CloudWatch ``GetMetricData``: up to 500 queries per call, every page, gaps kept as gaps.

The one place the usage puller touches boto3. Series come back as the datapoints CloudWatch
has; a period without a datapoint is simply absent (never a zero), a query still
``PartialData`` or ``InternalError`` after the last page is reported as partial, and a query
with no datapoint at all is reported as missing by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.errors import PlannerError

# GetMetricData accepts at most 500 MetricDataQueries per call (CloudWatch API reference,
# GetMetricData: "MetricDataQueries ... Array Members: Maximum number of 500 items").
MAX_QUERIES_PER_CALL = 500

# How long CloudWatch keeps each resolution (CloudWatch user guide, "Metrics retention"):
# 60 s datapoints for 15 days, 300 s for 63 days, 3600 s for 455 days.
RETENTION_PERIODS: tuple[tuple[int, int], ...] = ((15, 60), (63, 300), (455, 3600))


def period_for_window(days: float) -> int:
    """The finest period CloudWatch still keeps for a look-back of ``days``."""
    if days <= 0:
        raise PlannerError(f"--days {days}: the window must be positive (1 to 455 days)")
    for max_days, period in RETENTION_PERIODS:
        if days <= max_days:
            return period
    raise PlannerError(f"--days {days}: CloudWatch keeps metrics for 455 days at most")


@dataclass(frozen=True, slots=True)
class MetricQuery:
    """One series to read: ``key`` is the caller's name for it (e.g. resource|metric)."""

    key: str
    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str
    unit: str = ""


@dataclass
class FetchResult:
    series: dict[str, tuple[list[dt.datetime], list[float]]] = field(default_factory=dict)
    partial: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    calls: int = 0


def _query(i: int, q: MetricQuery, period: int) -> dict[str, Any]:
    return {
        "Id": f"q{i}",
        "MetricStat": {
            "Metric": {
                "Namespace": q.namespace,
                "MetricName": q.metric_name,
                "Dimensions": [{"Name": k, "Value": v} for k, v in q.dimensions],
            },
            "Period": period,
            "Stat": q.stat,
        },
        "ReturnData": True,
    }


def _aws_error(exc: Exception) -> PlannerError:
    name = type(exc).__name__
    text = " ".join(str(exc).split())
    return PlannerError(f"CloudWatch GetMetricData failed ({name}): {text}")


def fetch_metric_data(
    client: Any,
    queries: Sequence[MetricQuery],
    start: dt.datetime,
    end: dt.datetime,
    period: int,
    *,
    progress: Callable[[int], None] | None = None,
) -> FetchResult:
    """Read every query in batches of 500, following NextToken; count the API calls."""
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    result = FetchResult()
    for first in range(0, len(queries), MAX_QUERIES_PER_CALL):
        batch = queries[first : first + MAX_QUERIES_PER_CALL]
        by_id = {f"q{first + i}": q for i, q in enumerate(batch)}
        status: dict[str, str] = {}
        params = {
            "MetricDataQueries": [_query(first + i, q, period) for i, q in enumerate(batch)],
            "StartTime": start,
            "EndTime": end,
            "ScanBy": "TimestampAscending",
        }
        try:
            for page in client.get_paginator("get_metric_data").paginate(**params):
                result.calls += 1
                for item in page.get("MetricDataResults", []):
                    q = by_id.get(item["Id"])
                    if q is None:
                        continue
                    times, values = result.series.setdefault(q.key, ([], []))
                    times.extend(item.get("Timestamps", []))
                    values.extend(float(v) for v in item.get("Values", []))
                    status[q.key] = item.get("StatusCode", "Complete")
                for message in page.get("Messages", []):
                    result.messages.append(f"{message.get('Code')}: {message.get('Value')}")
        except (BotoCoreError, ClientError, ResponseParserError) as exc:
            raise _aws_error(exc) from None
        for key, code in status.items():
            if code != "Complete":
                result.partial[key] = code
        if progress is not None:
            progress(len(batch))
    return result
