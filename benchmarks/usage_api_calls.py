"""API calls to pull 100 resources x 10 metrics over 14 days: GetMetricData vs the naive way.

No server: a real boto3 CloudWatch client whose ``before-call`` hook answers each request
like CloudWatch does at its documented limits, and counts the calls. GetMetricData: up to 500
queries and 100,800 datapoints per call (the rest follows through NextToken), as
``planner.aws.cloudwatch.fetch_metric_data`` pages it. The naive way: GetMetricStatistics per
series, at most 1,440 datapoints per call, and Statistics and ExtendedStatistics (percentiles)
not in the same call (GetMetricStatistics API reference).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from typing import Any

from planner.aws.cloudwatch import MetricQuery, fetch_metric_data, period_for_window

GMD_MAX_POINTS = 100_800
GMS_MAX_POINTS = 1_440


class _Http:
    status_code = 200
    headers: dict[str, str] = {}  # noqa: RUF012
    raw = None
    content = b""


def counting_client(points_per_series: int) -> tuple[Any, list[int]]:
    import boto3

    client = boto3.client(
        "cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    calls: list[int] = []

    def keep(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["bench_params"] = params

    def answer(context: dict[str, Any], **_: Any) -> tuple[_Http, dict[str, Any]]:
        params = context["bench_params"]
        queries = params["MetricDataQueries"]
        offset = int(params.get("NextToken", "0"))
        total = len(queries) * points_per_series
        end = min(offset + GMD_MAX_POINTS, total)
        first, last = offset // points_per_series, (end - 1) // points_per_series
        calls.append(end - offset)
        page: dict[str, Any] = {
            "MetricDataResults": [
                {
                    "Id": q["Id"],
                    "Label": q["Id"],
                    "Timestamps": [],
                    "Values": [],
                    "StatusCode": "Complete" if end == total else "PartialData",
                }
                for q in queries[first : last + 1]
            ],
            "Messages": [],
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }
        if end < total:
            page["NextToken"] = str(end)
        return _Http(), page

    client.meta.events.register("before-parameter-build.cloudwatch.GetMetricData", keep)
    client.meta.events.register("before-call.cloudwatch.GetMetricData", answer)
    return client, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100)
    parser.add_argument("--metrics", type=int, default=10)
    parser.add_argument("--days", type=float, default=14)
    args = parser.parse_args()
    series = args.resources * args.metrics
    print(
        f"{args.resources} resources x {args.metrics} metrics = {series} series, {args.days:g} days"
    )
    print(
        f"{'period':>7} {'points/series':>14} {'GetMetricData':>14} {'naive 1 stat':>13}"
        f" {'naive +pctl':>12} {'ratio':>7} {'ratio pctl':>11}"
    )
    chosen = period_for_window(args.days)
    final = ""
    for period in (60, 300, 3600):
        points = int(args.days * 86400 // period)
        client, calls = counting_client(points)
        queries = [
            MetricQuery(
                f"r{i // args.metrics}|m{i % args.metrics}",
                "NS",
                f"m{i % args.metrics}",
                (("Id", str(i // args.metrics)),),
                "Average",
            )
            for i in range(series)
        ]
        end = dt.datetime(2025, 11, 11, tzinfo=dt.UTC)
        result = fetch_metric_data(client, queries, end - dt.timedelta(days=args.days), end, period)
        assert result.calls == len(calls)
        assert sum(calls) == series * points  # every datapoint delivered exactly once
        naive = series * math.ceil(points / GMS_MAX_POINTS)
        naive_pct = 2 * naive  # percentiles need a separate ExtendedStatistics call
        ratio, ratio_pct = naive / result.calls, naive_pct / result.calls
        mark = " <- retention period for the window" if period == chosen else ""
        print(
            f"{period:>6}s {points:>14} {result.calls:>14} {naive:>13} {naive_pct:>12}"
            f" {ratio:>6.0f}x {ratio_pct:>10.0f}x{mark}"
        )
        if period == chosen:
            final = (
                f"usage_api_calls: series={series} days={args.days:g} period={period} "
                f"get_metric_data_calls={result.calls} naive_calls={naive} "
                f"naive_calls_with_percentiles={naive_pct} ratio={ratio:.0f} "
                f"ratio_with_percentiles={ratio_pct:.0f}"
            )
    print(final)


if __name__ == "__main__":
    main()
