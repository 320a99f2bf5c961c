"""The CloudWatch series named for load balancers and log groups, the period's type, and a
missing price shown as MISSING (never as $0) in the assumed-vs-measured table.

Dimension names are CloudWatch's, case and all (a query with the wrong name returns no
datapoints, read as "no usage"): ``LoadBalancer`` with the ARN suffix for AWS/NetworkELB and
AWS/ApplicationELB (Elastic Load Balancing user guides, "CloudWatch metrics"), and
``LogGroupName`` for AWS/Logs (CloudWatch Logs user guide, "Monitoring with CloudWatch
metrics").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.catalog import ON_DEMAND, PriceCatalog, PriceRow, Term
from planner.scenario import load_scenario
from planner.topology import CloudWatchLogs, LoadBalancer
from planner.usage.metrics import plan_queries
from planner.usage.store import normalise

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "scenarios" / "usage" / "sample-staging.parquet"


def test_load_balancers_are_read_by_their_arn_suffix() -> None:
    topo = load_scenario("staging").topology
    nlb = LoadBalancer(name="edge", type="network", arn_suffix="net/edge/50dc6c495c0c9188")
    alb = LoadBalancer(name="web", type="application", arn_suffix="app/web/50dc6c495c0c9189")
    plan = plan_queries(topo.model_copy(update={"load_balancers": (nlb, alb)}))
    edge = [q for q in plan.queries if q.key.startswith("nlb/edge|")]
    web = [q for q in plan.queries if q.key.startswith("alb/web|")]
    assert sorted(q.metric_name for q in edge) == [
        "ActiveFlowCount",
        "NewFlowCount",
        "ProcessedBytes",
    ]
    assert {(q.namespace, q.dimensions) for q in edge} == {
        ("AWS/NetworkELB", (("LoadBalancer", "net/edge/50dc6c495c0c9188"),))
    }
    assert len(web) == 4
    assert {(q.namespace, q.dimensions) for q in web} == {
        ("AWS/ApplicationELB", (("LoadBalancer", "app/web/50dc6c495c0c9189"),))
    }
    assert {n["resource"] for n in plan.not_read}.isdisjoint({"nlb/edge", "alb/web"})


def test_each_log_group_is_one_incoming_bytes_series() -> None:
    topo = load_scenario("staging").topology
    assert topo.cloudwatch_logs is not None
    logs: CloudWatchLogs = topo.cloudwatch_logs.model_copy(
        update={"log_group_names": ("/aws/eks/app", "/aws/rds/db")}
    )
    plan = plan_queries(topo.model_copy(update={"cloudwatch_logs": logs}))
    got = [
        (q.key, q.namespace, q.metric_name, q.stat, q.dimensions)
        for q in plan.queries
        if q.namespace == "AWS/Logs"
    ]
    # IncomingBytes is a Sum per period, so the periods add up to the window's bytes
    assert got == [
        (
            "cloudwatch-logs//aws/eks/app|IncomingBytes",
            "AWS/Logs",
            "IncomingBytes",
            "Sum",
            (("LogGroupName", "/aws/eks/app"),),
        ),
        (
            "cloudwatch-logs//aws/rds/db|IncomingBytes",
            "AWS/Logs",
            "IncomingBytes",
            "Sum",
            (("LogGroupName", "/aws/rds/db"),),
        ),
    ]


def test_a_period_is_whole_seconds() -> None:
    # CloudWatch periods are whole seconds (60, 300, 3600...): a period read as "300" from a
    # CSV is the integer 300, and the gap count divides the window by it
    frame = pd.DataFrame(
        {
            "resource": ["r"],
            "metric": ["CPUUtilization"],
            "timestamp": [dt.datetime(2025, 11, 1, tzinfo=dt.UTC)],
            "value": [1.0],
            "unit": ["Percent"],
            "period": ["300"],
        }
    )
    period = normalise(frame, "t")["period"]
    assert period.dtype.kind == "i" and period.tolist() == [300]


def test_a_missing_price_is_shown_as_missing_in_the_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.usage.cost import price_with_usage

    catalog = PriceCatalog(REPO / "pricing" / "snapshot")
    real_find = catalog.find

    def find(service: str, region: str, product: str, term: Term = ON_DEMAND) -> PriceRow | None:
        if product == "nat/gb":  # NAT data processed: no price, so no dollar figure
            return None
        return real_find(service, region, product, term)

    monkeypatch.setattr(catalog, "find", find)
    text = price_with_usage(
        load_scenario("staging"), catalog, str(SAMPLE), "table", allow_missing=True
    )
    (nat,) = [ln for ln in text.splitlines() if ln.startswith("nat-gateways NAT gateway data")]
    # both sides lack the price: MISSING twice, no difference, and no $0.00
    assert nat.split().count("MISSING") == 2
    assert "$0.00" not in nat


def test_a_window_in_usage_json_needs_both_ends(tmp_path: Path) -> None:
    from planner.usage.importing import import_dir

    # two 300 s datapoints at 00:00 and 00:05: the data's window is 00:00 to 00:10
    (tmp_path / "rds" / "db").mkdir(parents=True)
    (tmp_path / "rds" / "db" / "CPUUtilization.csv").write_text(
        "timestamp,value\n2025-11-01T00:00:00Z,3\n2025-11-01T00:05:00Z,4\n"
    )
    start = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    # one end alone is not a window: the data's own window is kept
    (tmp_path / "usage.json").write_text('{"window_start": "2025-10-01T00:00:00+00:00"}')
    usage = import_dir(tmp_path)
    assert (usage.window_start, usage.window_end) == (start, start + dt.timedelta(minutes=10))
    # both ends: the stated window (a month with data only at its start has gaps after)
    (tmp_path / "usage.json").write_text(
        '{"window_start": "2025-11-01T00:00:00+00:00", "window_end": "2025-12-01T00:00:00+00:00"}'
    )
    usage = import_dir(tmp_path)
    assert usage.window_end == dt.datetime(2025, 12, 1, tzinfo=dt.UTC)


def test_percentiles_per_group_across_chunks() -> None:
    from planner.usage.stats import _group_percentiles

    # three groups, two to a chunk (the second chunk starts at group 2):
    # [1, 2, 3]: p50 2, max 3; [10, 20]: p50 15, max 20; [5]: every percentile 5
    frame = pd.DataFrame({"value": [1.0, 2.0, 3.0, 10.0, 20.0, 5.0]})
    got = _group_percentiles(frame, np.array([3, 2, 1]), chunk_rows=2)
    assert got.shape == (3, 4)  # p50, p95, p99, max
    assert got[:, 0].tolist() == [2.0, 15.0, 5.0]
    assert got[:, 3].tolist() == [3.0, 20.0, 5.0]


def test_the_usage_file_states_its_window_in_days() -> None:
    from planner.usage.store import UsageSet

    # 2025-11-01 to 2025-11-15: 14 days, stated beside the window's two ends
    start = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    usage = UsageSet(pd.DataFrame(), "t", start, start + dt.timedelta(days=14))
    meta = usage.meta()
    assert meta["window_days"] == 14.0
    assert (meta["window_start"], meta["window_end"]) == (
        "2025-11-01T00:00:00+00:00",
        "2025-11-15T00:00:00+00:00",
    )


def test_a_row_without_a_time_is_refused_with_its_row(tmp_path: Path) -> None:
    from planner.errors import InputError
    from planner.usage.importing import import_dir

    # row 3 of the file (the second datapoint) has no timestamp: it was kept as a datapoint
    # at no time, its value counted into the rates; now it is named
    (tmp_path / "rds" / "db").mkdir(parents=True)
    csv = tmp_path / "rds" / "db" / "CPUUtilization.csv"
    csv.write_text("timestamp,value\n2025-11-01T00:00:00Z,3\n,4\n2025-11-01T00:05:00Z,5\n")
    with pytest.raises(InputError) as caught:
        import_dir(tmp_path)
    assert str(caught.value) == f"{csv}: row 3 column timestamp is empty; give the time"


def test_percentiles_of_more_rows_than_one_chunk() -> None:
    from planner.usage.stats import percentiles_chunked

    # 300 series of two points (i, i + 2): p50 i + 1, max i + 2; 300 rows span two chunks of
    # 256, and every row gets its own figures
    values = np.array([[float(i), float(i + 2)] for i in range(300)])
    got = percentiles_chunked(values)
    assert got.shape == (300, 4)
    assert got[:, 0].tolist() == [i + 1.0 for i in range(300)]
    assert got[:, 3].tolist() == [i + 2.0 for i in range(300)]


def test_a_key_splits_at_its_last_bar() -> None:
    from planner.usage.metrics import key, split_key

    # the metric name never holds "|"; whatever the resource holds stays the resource's
    assert split_key(key("custom/a|b", "CpuUser")) == ("custom/a|b", "CpuUser")


def test_an_export_may_carry_more_columns_and_no_note(tmp_path: Path) -> None:
    from planner.usage.importing import import_dir

    # CloudWatch console exports may add columns after timestamp,value (a unit, a label):
    # they are ignored; without a usage.json the set has no note (not the text "None")
    (tmp_path / "rds" / "db").mkdir(parents=True)
    (tmp_path / "rds" / "db" / "CPUUtilization.csv").write_text(
        "timestamp,value,unit\n2025-11-01T00:00:00Z,3,Percent\n2025-11-01T00:05:00Z,4,Percent\n"
    )
    usage = import_dir(tmp_path)
    assert usage.frame["value"].tolist() == [3.0, 4.0]
    assert usage.note == ""


def test_logs_ingestion_note_names_its_metric() -> None:
    from test_usage_by_hand import MIB, _staging_with_alb, _usage

    from planner.usage.cost import measured_topology

    usage = _usage({("cloudwatch-logs/app", "IncomingBytes"): [300 * MIB] * 12})
    topo, _ = measured_topology(_staging_with_alb(), usage)
    assert topo.cloudwatch_logs is not None
    assert topo.cloudwatch_logs.ingestion_gb.note.startswith("IncomingBytes; measured: ")


def test_a_one_second_period_is_valid_and_zero_is_not() -> None:
    from planner.errors import InputError

    # CloudWatch high-resolution metrics have periods of 1 s: valid; 0 s is no period
    def frame(period: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "resource": ["r"],
                "metric": ["CPUUtilization"],
                "timestamp": [dt.datetime(2025, 11, 1, tzinfo=dt.UTC)],
                "value": [1.0],
                "unit": ["Percent"],
                "period": [period],
            }
        )

    assert normalise(frame(1), "t")["period"].tolist() == [1]
    with pytest.raises(InputError, match="period must be positive seconds"):
        normalise(frame(0), "t")
