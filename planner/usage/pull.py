"""``planner usage pull``: read a scenario's CloudWatch series into a UsageSet."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any, TextIO

from planner.aws.cloudwatch import fetch_metric_data, period_for_window
from planner.topology import Topology
from planner.usage.metrics import UNITS, plan_queries, split_key
from planner.usage.store import UsageSet, empty_frame, normalise


class Progress:
    """A one-line progress bar on stderr: queries read of queries planned."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr

    def __call__(self, n: int) -> None:
        self.done += n
        filled = int(30 * self.done / self.total)
        bar = "#" * filled + "." * (30 - filled)
        self.stream.write(f"\rusage pull [{bar}] {self.done}/{self.total} series")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def pull_usage(
    topology: Topology,
    client: Any,
    *,
    days: float,
    end: dt.datetime | None = None,
    progress: bool = True,
) -> tuple[UsageSet, int]:
    """The usage set and the number of GetMetricData calls made."""
    import pandas as pd

    period = period_for_window(days)
    end = (end or dt.datetime.now(dt.UTC)).replace(second=0, microsecond=0)
    start = end - dt.timedelta(days=days)
    plan = plan_queries(topology)
    bar = Progress(len(plan.queries)) if progress and plan.queries else None
    fetched = fetch_metric_data(client, plan.queries, start, end, period, progress=bar)
    parts: list[pd.DataFrame] = []
    missing: list[dict[str, str]] = []
    for q in plan.queries:
        times, values = fetched.series.get(q.key, ([], []))
        resource, metric = split_key(q.key)
        if not values:
            missing.append(
                {"resource": resource, "metric": metric, "reason": "no datapoints in the window"}
            )
            continue
        parts.append(
            pd.DataFrame(
                {
                    "resource": resource,
                    "metric": metric,
                    "timestamp": pd.to_datetime(times, utc=True),
                    "value": values,
                    "unit": q.unit or UNITS.get(metric, "None"),
                    "period": period,
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True) if parts else empty_frame()
    frame = frame.drop_duplicates(["resource", "metric", "timestamp"], keep="first")
    partial = [
        {"resource": split_key(k)[0], "metric": split_key(k)[1], "status": code}
        for k, code in sorted(fetched.partial.items())
    ]
    usage = UsageSet(
        frame=normalise(frame, "CloudWatch"),
        source=f"CloudWatch GetMetricData, {topology.region}, scenario {topology.name}",
        window_start=start,
        window_end=end,
        sample=False,
        missing=missing,
        partial=partial,
        not_read=list(plan.not_read),
        note="; ".join(fetched.messages[:5]),
    )
    return usage, fetched.calls
