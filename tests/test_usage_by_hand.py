"""Usage into quantities, worked by hand: rates over covered seconds, gaps, LCU dimensions,
the CloudWatch series named per resource, percentiles, and CSV imports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from planner.errors import InputError

START = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
MIB = 2**20
GIB = 2**30
REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "scenarios" / "usage" / "sample-staging.parquet"


def _usage(series: dict[tuple[str, str], list[float]], *, sample: bool = False):
    """One hour of 300 s periods (12 of them); series i has its values at the first periods."""
    from planner.usage.metrics import UNITS
    from planner.usage.store import UsageSet, normalise

    parts = []
    for (resource, metric), values in series.items():
        parts.append(
            pd.DataFrame(
                {
                    "resource": resource,
                    "metric": metric,
                    "timestamp": pd.date_range(START, periods=len(values), freq="300s"),
                    "value": np.asarray(values, dtype=float),
                    "unit": UNITS.get(metric, "None"),
                    "period": 300,
                }
            )
        )
    frame = normalise(pd.concat(parts, ignore_index=True), "test")
    return UsageSet(frame, "hand-made", START, START + HOUR, sample=sample)


def _staging_with_alb():
    from planner.scenario import load_scenario
    from planner.topology import LoadBalancer

    topo = load_scenario("staging").topology
    alb = LoadBalancer(name="web", type="application")
    return topo.model_copy(update={"load_balancers": (*topo.load_balancers, alb)})


def test_measured_quantities_are_rates_over_covered_seconds() -> None:
    from planner.usage.cost import measured_topology

    usage = _usage(
        {
            # 6 of 12 periods, 300 MiB each: 1 MiB/s over the 1,800 s covered; 6 gaps
            ("nat-gateways/nat-a", "BytesInFromSource"): [300 * MIB] * 6,
            # 12 of 12 periods, 600 MiB each: 2 MiB/s; no gap
            ("nat-gateways/nat-a", "BytesInFromDestination"): [600 * MIB] * 12,
            # 9 periods of 300 MiB: 1 MiB/s; 3 gaps
            ("nat-gateways/nat-a", "BytesOutToDestination"): [300 * MIB] * 9,
            # NLB: 1 GiB/s processed; 3,000 new flows a period = 10/s; 100 and 200 active
            # flows alternating, an average (not a sum over time) of 150
            ("nlb/api-gateway", "ProcessedBytes"): [300 * GIB] * 12,
            ("nlb/api-gateway", "NewFlowCount"): [3000.0] * 12,
            ("nlb/api-gateway", "ActiveFlowCount"): [100.0, 200.0] * 6,
            # ALB: 600 new connections a period = 2/s; ActiveConnectionCount is a Sum per
            # period: 30 a period = 0.1/s = 6 a minute; 1,500 rule evaluations = 5/s
            ("alb/web", "NewConnectionCount"): [600.0] * 12,
            ("alb/web", "ActiveConnectionCount"): [30.0] * 12,
            ("alb/web", "RuleEvaluations"): [1500.0] * 12,
            # Logs: 300 MiB a period = 1 MiB/s
            ("cloudwatch-logs/app", "IncomingBytes"): [300 * MIB] * 12,
            # MSK disk: brokers at 40% and 60%, average (40 + 60) / 2 = 50% (not their sum)
            ("msk/kafka/broker-1", "KafkaDataLogsDiskUsed"): [40.0] * 12,
            ("msk/kafka/broker-2", "KafkaDataLogsDiskUsed"): [60.0] * 12,
        }
    )
    topo, notes = measured_topology(_staging_with_alb(), usage)
    assert topo.nat_gateways is not None and topo.data_transfer is not None
    # 1 + 2 = 3 MiB/s x 3,600 s x 730 h / 2**30 = 3 x 3600 x 730 / 1024 = 7,699.21875 GiB
    nat = topo.nat_gateways.data_processed_gb
    assert nat.value == Decimal("7699.218750")
    assert nat.basis == "measured" and nat.source == "CloudWatch"
    # 6 + 12 datapoints, 6 + 0 gaps; the window is 1 hour (0.042 days)
    assert nat.note == (
        "BytesInFromSource + BytesInFromDestination; measured: 0.042 days "
        "2025-11-01..2025-11-01, 18 datapoints, 6 gaps"
    )
    # egress: 1 MiB/s -> 3600 x 730 / 1024 = 2,566.40625 GiB; 9 datapoints, 3 gaps
    egress = topo.data_transfer.internet_egress_gb
    assert egress.value == Decimal("2566.406250")
    assert egress.note == (
        "NAT BytesOutToDestination; measured: 0.042 days 2025-11-01..2025-11-01, "
        "9 datapoints, 3 gaps"
    )
    lbs = {lb.name: lb for lb in topo.load_balancers}
    nlb, alb = lbs["api-gateway"], lbs["web"]
    assert nlb.processed_gb_per_hour.value == Decimal("3600.000000")  # 1 GiB/s x 3,600 s
    assert nlb.processed_gb_per_hour.note.startswith("ProcessedBytes; measured: ")
    assert nlb.new_connections_per_second.value == Decimal("10.000000")
    assert nlb.active_connections_per_minute.value == Decimal("150.000000")
    assert nlb.active_connections_per_minute.note.startswith("ActiveFlowCount (average);")
    assert alb.new_connections_per_second.value == Decimal("2.000000")
    assert alb.active_connections_per_minute.value == Decimal("6.000000")
    assert alb.active_connections_per_minute.note.startswith("ActiveConnectionCount;")
    assert alb.rule_evaluations_per_second.value == Decimal("5.000000")
    assert alb.rule_evaluations_per_second.note.startswith("RuleEvaluations;")
    assert alb.processed_gb_per_hour.basis == "stated"  # no ProcessedBytes for the ALB
    logs = topo.cloudwatch_logs
    assert logs is not None and logs.ingestion_gb.value == Decimal("2566.406250")
    assert notes == [
        "CloudWatch Logs storage kept as in the scenario (retention is not measured)",
        "msk/kafka: brokers average 50.0% of their 100 GB (KafkaDataLogsDiskUsed); MSK bills "
        "provisioned storage, so the storage line is unchanged",
    ]


def test_sample_usage_is_sourced_as_sample() -> None:
    from planner.usage.cost import measured_topology

    usage = _usage({("cloudwatch-logs/app", "IncomingBytes"): [300 * MIB] * 12}, sample=True)
    topo, _ = measured_topology(_staging_with_alb(), usage)
    assert topo.cloudwatch_logs is not None
    assert topo.cloudwatch_logs.ingestion_gb.source == "sample usage"
    assert "SAMPLE data" in topo.cloudwatch_logs.ingestion_gb.note


def test_nat_needs_both_directions_and_unmeasured_stays() -> None:
    from planner.usage.cost import measured_topology

    usage = _usage({("nat-gateways/nat-a", "BytesInFromSource"): [300 * MIB] * 12})
    base = _staging_with_alb()
    topo, notes = measured_topology(base, usage)
    assert topo.nat_gateways == base.nat_gateways  # one direction alone is not the total
    assert topo.data_transfer == base.data_transfer
    assert notes == []


def test_difference_needs_both_prices() -> None:
    from planner.usage.cost import _diff

    # 12.34 - 10.00 = 2.34; either price missing: no difference
    assert _diff({"assumed_monthly_usd": Decimal("10"), "measured_monthly_usd": Decimal("12.34")})
    assert _diff({"assumed_monthly_usd": None, "measured_monthly_usd": Decimal("1")}) is None
    assert _diff({"assumed_monthly_usd": Decimal("1"), "measured_monthly_usd": None}) is None


def _priced(fmt: str) -> str:
    # priced inside each test (not a shared fixture): mutmut credits a function to the test
    # that first runs it, so the CSV writer must run inside the CSV test
    from planner.catalog import default_catalog
    from planner.scenario import load_scenario
    from planner.usage.cost import price_with_usage

    return price_with_usage(load_scenario("staging"), default_catalog(), str(SAMPLE), fmt)


def test_price_with_usage_table() -> None:
    from planner.usage.store import read_usage

    usage = read_usage(SAMPLE)
    text = _priced("table")
    lines = text.splitlines()
    assert lines[0] == "Scenario staging: assumed vs measured usage, USD per month"
    assert lines[1] == f"Usage: {usage.source}; {usage.window_label}"
    assert lines[2].startswith("*** SAMPLE DATA")
    assert lines[4].split() == [
        "resource",
        "/",
        "component",
        "assumed",
        "measured",
        "$",
        "assumed",
        "$",
        "measured",
        "diff",
    ]
    # NAT processed: 100 GB assumed at $0.045 = $4.50, 42.31 GB measured = $1.90: -$2.60
    nat = next(ln for ln in lines if ln.startswith("nat-gateways NAT gateway data processed"))
    assert "$4.50" in nat and "$1.90" in nat and nat.rstrip().endswith("-$2.60")
    assert any(ln.startswith("Total: assumed $") for ln in lines)
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_price_with_usage_csv() -> None:
    import csv
    import io

    text = _priced("csv")
    assert text.splitlines()[0].startswith("resource,component,unit,assumed_quantity,")
    assert text.splitlines()[0].endswith(",measured_monthly_usd,difference_monthly_usd")
    rows = list(csv.DictReader(io.StringIO(text)))
    nat = next(r for r in rows if r["component"] == "NAT gateway data processed")
    # 1.90 - 4.50 = -2.60
    assert float(nat["difference_monthly_usd"]) == pytest.approx(-2.6)
    assert nat["measured_basis"] == "measured" and nat["assumed_basis"] == "assumption"


def test_cloudwatch_series_named_for_staging() -> None:
    from planner.scenario import load_scenario
    from planner.usage.metrics import key, plan_queries, split_key

    plan = plan_queries(load_scenario("staging").topology)
    by = {q.key: q for q in plan.queries}
    assert len(plan.queries) == 42  # EKS 4 + 5 workloads x 4 + RDS 5 + Redis 3 + 2 x MSK 5
    broker = by["msk/kafka/broker-2|CpuUser"]
    # AWS/Kafka per-broker metrics: dimensions "Cluster Name" and "Broker ID" (MSK docs)
    assert broker.namespace == "AWS/Kafka"
    assert broker.dimensions == (("Cluster Name", "kafka"), ("Broker ID", "2"))
    free = by["rds/postgres|FreeableMemory"]
    assert (free.namespace, free.stat) == ("AWS/RDS", "Minimum")
    assert free.dimensions == (("DBInstanceIdentifier", "postgres"),)
    mem = by["workload/api-gateway|pod_memory_utilization_over_pod_limit"]
    assert mem.stat == "Maximum" and mem.namespace == "ContainerInsights"
    assert mem.dimensions == (
        ("ClusterName", "emrtask-staging"),
        ("Namespace", "emrtask-staging"),
        ("PodName", "api-gateway"),
    )
    assert by["elasticache/redis|DatabaseMemoryUsagePercentage"].stat == "Maximum"
    not_read = {n["resource"]: n["reason"] for n in plan.not_read}
    assert not_read["eks-node-group/general"] == "set eks.node_groups[].asg_name to read it"
    assert not_read["nlb/api-gateway"] == "set load_balancers[].arn_suffix to read it"
    assert not_read["nat-gateways"] == "set nat_gateways.gateway_ids to read it"
    assert split_key(key("msk/kafka/broker-1", "CpuUser")) == ("msk/kafka/broker-1", "CpuUser")


def test_percentiles_by_hand() -> None:
    from planner.usage.stats import percentile_of, percentiles_chunked, percentiles_matrix

    # 1..5 (and gaps): p50 = 3; p95 at rank 0.95 x 4 = 3.8 -> 4 + 0.8 x (5 - 4) = 4.8;
    # p99 at 3.96 -> 4.96; max 5. A row of gaps only has no percentile.
    rows = np.array([[5.0, np.nan, 1.0, 3.0, 2.0, 4.0], [np.nan] * 6])
    got = percentiles_matrix(rows)
    assert got[0].tolist() == pytest.approx([3.0, 4.8, 4.96, 5.0])
    assert np.isnan(got[1]).all()
    chunked = percentiles_chunked(np.vstack([rows[0], rows[0] * 2]), chunk_rows=1)
    assert chunked[1].tolist() == pytest.approx([6.0, 9.6, 9.92, 10.0])
    assert percentiles_chunked(np.empty((0, 3))).shape == (0, 4)
    assert percentile_of(pd.Series([10.0, 20.0, 30.0]), 25.0) == 15.0  # rank 0.5
    assert np.isnan(percentile_of(pd.Series([], dtype=float), 50.0))


def test_summary_counts_gaps_by_hand() -> None:
    from planner.usage.stats import series, summarize

    # one hour of 300 s periods = 12 expected; a has 4 datapoints (8 gaps), b 12 (none)
    usage = _usage(
        {
            ("rds/a", "CPUUtilization"): [10.0, 20.0, 30.0, 40.0],
            ("rds/b", "CPUUtilization"): [50.0] * 12,
        }
    )
    s = summarize(usage).set_index(["resource", "metric"])
    a: Any = s.loc[("rds/a", "CPUUtilization")]
    assert (a["expected"], a["datapoints"], a["gaps"]) == (12, 4, 8)
    # 10, 20, 30, 40: p50 = 25, p95 at rank 2.85 -> 30 + 0.85 x 10 = 38.5; mean 25
    assert (a["p50"], a["p95"], a["max"], a["mean"]) == pytest.approx((25.0, 38.5, 40.0, 25.0))
    assert a["unit"] == "Percent" and a["period"] == 300
    b: Any = s.loc[("rds/b", "CPUUtilization")]
    assert (b["gaps"], b["p99"]) == (0, 50.0)
    got = series(usage, "rds/a", "CPUUtilization")
    assert got.tolist() == [10.0, 20.0, 30.0, 40.0]
    assert got.index[1] == pd.Timestamp(START + dt.timedelta(seconds=300))
    assert series(usage, "rds/a", "FreeableMemory").empty


def test_import_dir_by_hand(tmp_path: Path) -> None:
    from planner.usage.importing import import_dir

    folder = tmp_path / "rds" / "postgres"
    folder.mkdir(parents=True)
    # steps 60, 60, 120: the most common step, 60 s, is the period
    (folder / "CPUUtilization.csv").write_text(
        "timestamp,value\n"
        "2025-11-01T00:00:00Z,1\n"
        "2025-11-01T00:01:00Z,2\n"
        "2025-11-01T00:02:00Z,3\n"
        "2025-11-01T00:04:00Z,4\n"
    )
    (folder / "FreeableMemory.csv").write_text("timestamp,value\n")
    (tmp_path / "usage.json").write_text(
        '{"source": "mine", "sample": true, "note": "n", '
        '"window_start": "2025-11-01T00:00:00+00:00", "window_end": "2025-11-02T00:00:00+00:00"}'
    )
    usage = import_dir(tmp_path)
    assert usage.source == "mine" and usage.sample is True and usage.note == "n"
    assert usage.window_days == 1.0
    assert usage.missing == [
        {"resource": "rds/postgres", "metric": "FreeableMemory", "reason": "empty export"}
    ]
    frame = usage.frame
    assert set(frame["resource"]) == {"rds/postgres"} and set(frame["period"]) == {60}
    assert frame["value"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert set(frame["unit"]) == {"Percent"}
    # without usage.json: window from the first time to the last plus one period
    (tmp_path / "usage.json").unlink()
    plain = import_dir(tmp_path)
    assert plain.window_start == START and plain.sample is False
    assert plain.window_end == START + dt.timedelta(minutes=5)  # 00:04 + 60 s
    assert plain.source == f"CSV exports in {tmp_path.name}"


def test_zoned_times_cannot_repeat_with_two_values(tmp_path: Path) -> None:
    from planner.usage.importing import read_series_csv

    path = tmp_path / "x.csv"
    # the same zoned instant twice with two values: an error, not a DST repeat
    path.write_text("timestamp,value\n2025-11-01T00:00:00Z,1\n2025-11-01T00:00:00Z,2\n")
    with pytest.raises(InputError, match="two different values"):
        read_series_csv(path)
    # a naive wall-clock repeat (DST) keeps the first; a single row defaults to 60 s
    path.write_text("timestamp,value\n2025-11-01 01:30:00,7\n2025-11-01 01:30:00,8\n")
    out, period = read_series_csv(path)
    assert out["value"].tolist() == [7.0] and period == 60


def test_store_window_and_physical_limits() -> None:
    from planner.usage.store import normalise

    usage = _usage({("rds/a", "CPUUtilization"): [100.0]}, sample=True)
    assert usage.window_label == "0.042 days 2025-11-01..2025-11-01, SAMPLE data"
    frame = usage.frame.copy()
    frame.loc[0, "value"] = 100.0000005  # within CloudWatch's rounding margin (1e-6)
    assert normalise(frame, "t")["value"].iloc[0] == 100.0000005
    frame.loc[0, "value"] = 100.01
    with pytest.raises(InputError, match="cannot exceed 100"):
        normalise(frame, "t")
    frame.loc[0, "value"] = 0.0
    frame.loc[0, "period"] = 0
    with pytest.raises(InputError, match="period must be positive"):
        normalise(frame, "t")


def test_gaps_add_up_over_gateways() -> None:
    from planner.usage.cost import measured_topology

    # two gateways, each 6 of 12 periods in both directions: 6 gaps each, 4 x 6 = 24 in all;
    # each direction of each gateway 300 MiB a period = 1 MiB/s, 4 MiB/s together
    # -> 4 x 3600 x 730 / 1024 = 10,265.625 GiB
    usage = _usage(
        {
            (f"nat-gateways/{gw}", metric): [300 * MIB] * 6
            for gw in ("nat-a", "nat-b")
            for metric in ("BytesInFromSource", "BytesInFromDestination")
        }
    )
    topo, _ = measured_topology(_staging_with_alb(), usage)
    assert topo.nat_gateways is not None
    nat = topo.nat_gateways.data_processed_gb
    assert nat.value == Decimal("10265.625000")
    assert nat.note.endswith("24 datapoints, 24 gaps")


def test_import_unknown_metric_has_unit_none(tmp_path: Path) -> None:
    from planner.usage.importing import import_dir

    folder = tmp_path / "custom" / "thing"
    folder.mkdir(parents=True)
    (folder / "Widgets.csv").write_text("timestamp,value\n2025-11-01T00:00:00Z,3\n")
    usage = import_dir(tmp_path)
    # a metric planner does not name has no CloudWatch unit: the string "None", as
    # CloudWatch writes a unitless metric
    assert usage.frame["unit"].tolist() == ["None"]
    assert usage.frame["resource"].tolist() == ["custom/thing"]


def test_read_usage_metadata_defaults(tmp_path: Path) -> None:
    from planner.usage.store import read_usage

    path = tmp_path / "u.csv"
    path.write_text(
        '# planner-usage {"source": "s", "window_start": "2025-11-01T00:00:00+00:00", '
        '"window_end": "2025-11-01T01:00:00+00:00"}\n'
        "resource,metric,timestamp,value,unit,period\n"
        "rds/a,CPUUtilization,2025-11-01T00:00:00Z,5,Percent,300\n"
    )
    usage = read_usage(path)
    assert usage.missing == [] and usage.partial == [] and usage.not_read == []
    assert usage.sample is False and usage.note == "" and usage.source == "s"
    assert usage.window_days == 0.042  # 3600 / 86400 = 0.0417 -> 0.042


def test_a_load_balancer_reads_its_own_series_only() -> None:
    from planner.scenario import load_scenario
    from planner.topology import LoadBalancer
    from planner.usage.cost import measured_topology

    # two NLBs, "api" and "api-gateway": 3,000 and 6,000 new flows a period = 10/s and 20/s.
    # "api" is a prefix of "api-gateway" but not its name: each reads only its own series.
    topo = load_scenario("staging").topology
    api = LoadBalancer(name="api", type="network")
    topo = topo.model_copy(update={"load_balancers": (*topo.load_balancers, api)})
    usage = _usage(
        {
            ("nlb/api", "NewFlowCount"): [3000.0] * 12,
            ("nlb/api-gateway", "NewFlowCount"): [6000.0] * 12,
        }
    )
    new, _ = measured_topology(topo, usage)
    lbs = {lb.name: lb for lb in new.load_balancers}
    assert lbs["api"].new_connections_per_second.value == Decimal("10.000000")
    assert lbs["api-gateway"].new_connections_per_second.value == Decimal("20.000000")


def test_nat_gateways_and_elasticache_series() -> None:
    from planner.scenario import load_scenario
    from planner.usage.metrics import plan_queries

    topo = load_scenario("staging").topology
    assert topo.nat_gateways is not None
    nat = topo.nat_gateways.model_copy(update={"gateway_ids": ("nat-1",)})
    plan = plan_queries(topo.model_copy(update={"nat_gateways": nat}))
    by = {q.key: q for q in plan.queries}
    # the four NAT byte counters, each a Sum per period (so they add up over the window)
    gw = [q for q in plan.queries if q.key.startswith("nat-gateways/nat-1|")]
    assert sorted(q.metric_name for q in gw) == [
        "BytesInFromDestination",
        "BytesInFromSource",
        "BytesOutToDestination",
        "BytesOutToSource",
    ]
    assert {(q.namespace, q.stat, q.dimensions) for q in gw} == {
        ("AWS/NATGateway", "Sum", (("NatGatewayId", "nat-1"),))
    }
    assert "nat-gateways" not in {n["resource"] for n in plan.not_read}
    redis = by["elasticache/redis|CPUUtilization"]
    assert redis.namespace == "AWS/ElastiCache"
    assert redis.dimensions == (("CacheClusterId", "redis"),)


def test_import_resource_is_the_folder_path(tmp_path: Path) -> None:
    from planner.usage.importing import import_dir

    # DIR/<resource>/<metric>.csv: one folder is enough for a resource
    (tmp_path / "single").mkdir()
    (tmp_path / "single" / "CPUUtilization.csv").write_text(
        "timestamp,value\n2025-11-01T00:00:00Z,3\n"
    )
    assert import_dir(tmp_path).frame["resource"].tolist() == ["single"]
    # a CSV directly in DIR has no resource
    (tmp_path / "loose.csv").write_text("timestamp,value\n2025-11-01T00:00:00Z,3\n")
    with pytest.raises(InputError, match="put it under a resource folder"):
        import_dir(tmp_path)


def test_parquet_metadata_errors_name_the_file(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from planner.usage.store import META_KEY, read_usage

    path = tmp_path / "u.parquet"
    table = pa.table({"resource": ["rds/a"]})
    pq.write_table(table.replace_schema_metadata({META_KEY: b'{"source": "s"}'}), path)
    with pytest.raises(InputError, match=f"{path}: usage metadata lacks 'window_start'"):
        read_usage(path)


def test_usage_file_round_trip_keeps_every_metadata_field(tmp_path: Path) -> None:
    from planner.usage.store import read_usage, write_usage

    usage = _usage({("rds/a", "CPUUtilization"): [5.0, 6.0]}, sample=True)
    usage.note = "hand-made note"
    usage.missing = [{"resource": "rds/a", "metric": "FreeableMemory"}]
    usage.partial = [{"resource": "rds/a", "metric": "CPUUtilization", "status": "PartialData"}]
    usage.not_read = [{"resource": "nat-gateways", "reason": "r"}]
    for name in ("u.csv", "u.parquet"):
        back = read_usage(write_usage(usage, tmp_path / name))
        assert back.meta() == usage.meta(), name
        assert back.frame["value"].tolist() == [5.0, 6.0]


def test_node_group_series_by_auto_scaling_group() -> None:
    from planner.scenario import load_scenario
    from planner.usage.metrics import plan_queries

    topo = load_scenario("staging").topology
    assert topo.eks is not None
    group = topo.eks.node_groups[0].model_copy(update={"asg_name": "asg-general"})
    eks = topo.eks.model_copy(update={"node_groups": (group, *topo.eks.node_groups[1:])})
    plan = plan_queries(topo.model_copy(update={"eks": eks}))
    q = next(q for q in plan.queries if q.key == "eks-node-group/general|CPUUtilization")
    assert (q.namespace, q.stat) == ("AWS/EC2", "Average")
    assert q.dimensions == (("AutoScalingGroupName", "asg-general"),)
    assert "eks-node-group/general" not in {n["resource"] for n in plan.not_read}


def test_price_with_usage_json_and_table_layout() -> None:
    import json

    data = json.loads(_priced("json"))
    assert data["scenario"] == "staging" and data["usage"]["window_days"] == 14
    lines = _priced("table").splitlines()
    assert lines[2] == "*** SAMPLE DATA: real NAB CloudWatch traces mapped onto this scenario ***"
    assert lines[5] == "-" * len(lines[4])
