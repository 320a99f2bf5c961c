"""CloudWatch usage over real HTTP (moto on 127.0.0.1) and, for pagination, botocore's Stubber."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import requests

from planner.aws.cloudwatch import (
    MAX_QUERIES_PER_CALL,
    MetricQuery,
    fetch_metric_data,
    period_for_window,
)
from planner.errors import PlannerError

pytestmark = pytest.mark.aws


@pytest.fixture
def cw(moto_endpoint: str, fake_aws_credentials: None, monkeypatch: pytest.MonkeyPatch):
    from planner.aws.session import client

    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=120)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    c = client("cloudwatch", "us-east-1")
    calls: list[str] = []
    c.meta.events.register(
        "before-call.cloudwatch.GetMetricData", lambda **kw: calls.append("GetMetricData")
    )
    c.calls = calls
    return c


def _put(
    c, namespace: str, name: str, dims: dict[str, str], points: list[tuple[dt.datetime, float]]
):
    data = [
        {
            "MetricName": name,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
            "Timestamp": t,
            "Value": v,
        }
        for t, v in points
    ]
    for i in range(0, len(data), 500):
        c.put_metric_data(Namespace=namespace, MetricData=data[i : i + 500])


@pytest.mark.parametrize(
    ("days", "period"),
    [(1, 60), (14, 60), (15, 60), (15.5, 300), (63, 300), (64, 3600), (455, 3600)],
)
def test_period_follows_retention(days: float, period: int) -> None:
    assert period_for_window(days) == period


@pytest.mark.parametrize("days", [0, -1, 456])
def test_period_outside_retention_is_an_error(days: float) -> None:
    with pytest.raises(PlannerError, match="--days"):
        period_for_window(days)


def test_more_than_500_queries_take_several_calls(cw) -> None:
    end = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    start = end - dt.timedelta(minutes=10)
    t1, t2 = start + dt.timedelta(minutes=2), start + dt.timedelta(minutes=5)
    # 300 of 620 series have data: series i has values i and i + 0.5 in two periods (put
    # 500 data points a call, not a call a series: the test is about reading them back)
    data = [
        {
            "MetricName": f"m{i}",
            "Dimensions": [{"Name": "Id", "Value": str(i)}],
            "Timestamp": t,
            "Value": v,
        }
        for i in range(300)
        for t, v in ((t1, float(i)), (t2, i + 0.5))
    ]
    for at in range(0, len(data), 500):
        cw.put_metric_data(Namespace="Test", MetricData=data[at : at + 500])
    queries = [
        MetricQuery(f"r{i}|m{i}", "Test", f"m{i}", (("Id", str(i)),), "Average") for i in range(620)
    ]
    result = fetch_metric_data(cw, queries, start, end, 60)
    # 620 queries at 500 per call: ceil(620 / 500) = 2 calls, counted by botocore's events
    assert len(cw.calls) == 2
    assert result.calls == 2
    assert MAX_QUERIES_PER_CALL == 500
    times, values = result.series["r7|m7"]
    assert values == [7.0, 7.5]
    assert [t.minute for t in times] == [t1.minute, t2.minute]
    # the second call carried queries 500..619: 299 is in the first call, 500+ have no data
    assert result.series["r299|m299"][1] == [299.0, 299.5]
    assert result.series.get("r550|m550", ([], []))[1] == []


def test_pull_reports_resources_without_data_as_missing(cw, tmp_path: Path) -> None:
    from planner.scenario import load_scenario
    from planner.usage.pull import pull_usage
    from planner.usage.store import read_usage, write_usage

    topology = load_scenario("staging").topology
    end = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    points = [(end - dt.timedelta(minutes=m), 10.0 + m) for m in (3, 5, 9)]
    _put(cw, "AWS/RDS", "CPUUtilization", {"DBInstanceIdentifier": "postgres"}, points)
    usage, calls = pull_usage(topology, cw, days=15 / 1440, end=end, progress=False)
    # staging names 42 series (EKS 4 + 5 workloads x 4 + RDS 5 + Redis 3 + 2 brokers x 5): 1 call
    assert calls == 1 == len(cw.calls)
    rds = usage.frame[usage.frame["resource"] == "rds/postgres"]
    assert sorted(rds["value"]) == [13.0, 15.0, 19.0]
    assert set(rds["period"]) == {60}
    missing = {(m["resource"], m["metric"]) for m in usage.missing}
    assert ("elasticache/redis", "CPUUtilization") in missing
    assert ("rds/postgres", "FreeableMemory") in missing
    assert ("rds/postgres", "CPUUtilization") not in missing
    assert len(missing) == 41
    # gaps are not zeros: 15 one-minute periods, 3 datapoints, no zero rows
    assert (usage.frame["value"] != 0).all()
    not_read = {n["resource"] for n in usage.not_read}
    assert {"nat-gateways", "nlb/api-gateway", "cloudwatch-logs"} <= not_read
    path = write_usage(usage, tmp_path / "u.parquet")
    back = read_usage(path)
    assert back.missing == usage.missing
    assert back.frame.equals(usage.frame)


def test_cli_usage_pull_over_http(cw, run_cli, tmp_path: Path) -> None:
    end = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    _put(
        cw,
        "AWS/ElastiCache",
        "CPUUtilization",
        {"CacheClusterId": "redis"},
        [(end - dt.timedelta(minutes=4), 42.0)],
    )
    out = tmp_path / "usage.csv"
    res = run_cli(["usage", "pull", "staging", "--days", "0.01", "--out", str(out)])
    assert res.code == 0, res.err
    assert "usage pull [" in res.err and "42/42 series" in res.err
    assert "1 GetMetricData calls" in res.err
    text = out.read_text().splitlines()
    assert text[0].startswith("# planner-usage ")
    assert text[1] == "resource,metric,timestamp,value,unit,period"
    assert any(line.startswith("elasticache/redis,CPUUtilization,") for line in text[2:])


def _stub_page(ids_values: dict[str, tuple[list[float], str]], token: str | None) -> dict[str, Any]:
    base = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    page: dict[str, Any] = {
        "MetricDataResults": [
            {
                "Id": qid,
                "Label": qid,
                "Timestamps": [base + dt.timedelta(minutes=i) for i in range(len(vals))],
                "Values": vals,
                "StatusCode": status,
            }
            for qid, (vals, status) in ids_values.items()
        ],
        "Messages": [],
    }
    if token:
        page["NextToken"] = token
    return page


def test_next_token_pages_are_followed_and_partial_data_reported() -> None:
    import boto3
    from botocore.stub import Stubber

    c = boto3.client(
        "cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stub = Stubber(c)
    # page 1: both queries PartialData with a NextToken; page 2: q0 completes, q1 stays partial
    stub.add_response(
        "get_metric_data",
        _stub_page({"q0": ([1.0, 2.0], "PartialData"), "q1": ([5.0], "PartialData")}, "t1"),
    )
    stub.add_response(
        "get_metric_data",
        _stub_page({"q0": ([3.0], "Complete"), "q1": ([], "PartialData")}, None),
    )
    queries = [
        MetricQuery(
            "a|CPU", "AWS/RDS", "CPUUtilization", (("DBInstanceIdentifier", "a"),), "Average"
        ),
        MetricQuery(
            "b|CPU", "AWS/RDS", "CPUUtilization", (("DBInstanceIdentifier", "b"),), "Average"
        ),
    ]
    start = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    with stub:
        result = fetch_metric_data(c, queries, start, start + dt.timedelta(hours=1), 60)
        stub.assert_no_pending_responses()
    assert result.calls == 2
    assert result.series["a|CPU"][1] == [1.0, 2.0, 3.0]
    assert result.series["b|CPU"][1] == [5.0]
    assert result.partial == {"b|CPU": "PartialData"}


def test_aws_error_is_one_planner_error() -> None:
    import boto3
    from botocore.stub import Stubber

    c = boto3.client(
        "cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stub = Stubber(c)
    stub.add_client_error("get_metric_data", "AccessDenied", "not allowed", 403)
    q = [MetricQuery("a|CPU", "AWS/RDS", "CPUUtilization", (), "Average")]
    start = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    with stub, pytest.raises(PlannerError, match=r"GetMetricData failed.*AccessDenied"):
        fetch_metric_data(c, q, start, start + dt.timedelta(hours=1), 60)
