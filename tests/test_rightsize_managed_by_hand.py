"""RDS, ElastiCache and MSK right-sizing on small hand-made usage sets, worked by hand.

Each test builds one day of five-minute datapoints (288 periods) for one resource, runs
``recommend_managed`` on staging's managed services only (no EKS, so nothing else is sized)
and checks the class, the dollars and the evidence against arithmetic written out here.

Prices are the bundled snapshot's us-east-1 On-Demand rows (pricing/snapshot/*.csv):
RDS PostgreSQL Single-AZ db.t3.micro 0.018, db.t3.small 0.036, db.t3.medium 0.072,
db.t3.large 0.145, db.m6g.large 0.159, db.m5.large 0.178 USD/h; RDS gp3 storage 0.115
USD/GB-month; ElastiCache Redis cache.t3.micro 0.017, cache.t4g.micro 0.016, cache.t3.small
0.034, cache.t4g.small 0.032 USD/h; MSK kafka.t3.small 0.0456, kafka.m5.large 0.21 USD/h
per broker and 0.10 USD/GB-month of broker storage. A month is 730 hours.

Specs (planner/data/instance_specs): db.t3.small 2 vCPU / 2 GiB, db.t3.medium 2 / 4, db.t3.large
2 / 8; cache.t3.micro and cache.t4g.micro 2 vCPU / 0.5 GiB maxmemory, the .small 1.37 GiB;
kafka.t3.small 2 vCPU / 2 GiB. CPU baselines (EC2 credit table): t3.micro 10% per vCPU,
t3.small and t3.medium 20%, t3.large 30%.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from planner.rightsize.model import Settings

N = 288  # one day of 300 s periods: full coverage
GIB = 2**30
START = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)


def _usage(series: dict[tuple[str, str], Any]):
    from planner.usage.store import UsageSet, normalise

    parts = []
    stamps = pd.date_range(START, periods=N, freq="300s")
    for (resource, metric), values in series.items():
        unit = "Bytes" if metric == "FreeableMemory" else "Percent"
        parts.append(
            pd.DataFrame(
                {
                    "resource": resource,
                    "metric": metric,
                    "timestamp": stamps,
                    "value": np.asarray(values, dtype=float),
                    "unit": unit,
                    "period": 300,
                }
            )
        )
    frame = normalise(pd.concat(parts, ignore_index=True), "test")
    return UsageSet(frame, "hand-made", START, START + dt.timedelta(days=1))


def _managed_only():
    from planner.scenario import load_scenario

    topo = load_scenario("staging").topology
    return topo.model_copy(update={"eks": None})


def _recommend(usage, settings: Settings, topology=None) -> dict[str, Any]:
    from planner.catalog import default_catalog
    from planner.rightsize.managed import recommend_managed
    from planner.usage.stats import summarize

    topo = topology if topology is not None else _managed_only()
    skipped: list[str] = []
    recs = recommend_managed(topo, usage, summarize(usage), settings, default_catalog(), skipped)
    out: dict[str, Any] = {r.resource: r for r in recs}
    out["skipped"] = skipped
    return out


def _flat(value: float) -> np.ndarray:
    return np.full(N, value)


def test_rds_shrinks_to_the_class_covering_the_memory_actually_used() -> None:
    # db.t3.medium, 4 GiB. CPU flat 5%: p95 5% x 2 vCPU x 1.2 = 0.12 vCPU, mean 0.1 vCPU.
    # FreeableMemory flat 3 GiB: used 4 - 3 = 1 GiB, x 1.2 headroom = 1.2 GiB. db.t3.micro
    # (1 GiB) is too small; db.t3.small (2 GiB, 0.036/h) is the cheapest that fits.
    usage = _usage(
        {
            ("rds/postgres", "CPUUtilization"): _flat(5.0),
            ("rds/postgres", "FreeableMemory"): _flat(3.0 * GIB),
        }
    )
    rds = _recommend(usage, Settings(95.0, 20.0, 100.0))["rds/postgres"]
    assert rds.kind == "rds"
    assert rds.current["class"] == "db.t3.medium"
    assert rds.recommended["class"] == "db.t3.small"
    assert rds.recommended == {
        "class": "db.t3.small",
        "vcpu": 2,
        "memory_gib": "2",
        "architecture": "x86_64",
        "multi_az": False,
    }
    assert rds.evidence["memory_floor"] == "(memory - FreeableMemory) x headroom = 1.200 GiB"
    assert rds.evidence["cpu_percentile"] == 95.0
    assert rds.evidence["cpu_pct_at_percentile"] == 5.0
    # now: 0.072 x 730 = 52.56 + 100 GB x 0.115 = 11.50 -> 64.06
    # then: 0.036 x 730 = 26.28 + 11.50 = 37.78; saves 26.28
    assert rds.current_monthly_usd == Decimal("64.06")
    assert rds.recommended_monthly_usd == Decimal("37.78")
    assert rds.savings_monthly_usd == Decimal("26.28")
    # the lines: instance 26.28, storage 11.50, backup storage 0 GB (staging's assumption) 0.00
    assert sorted(rds.recommended_pieces_usd) == [
        Decimal("0.00"),
        Decimal("11.50"),
        Decimal("26.28"),
    ]
    # 2 GiB is less than today's 4 GiB: a downsizing, medium risk; full coverage otherwise
    assert rds.risk == "medium"
    assert rds.risk_reasons == ["downsizing: less CPU or memory than today"]
    assert "cpu_credit_surplus_monthly_usd" not in rds.current
    # the evidence names the series read and the ones absent
    metrics = [e["metric"] for e in rds.evidence["metrics"]]
    assert metrics == ["CPUUtilization", "FreeableMemory"]
    assert rds.evidence["missing"] == [
        "rds/postgres DatabaseConnections",
        "rds/postgres CPUCreditBalance",
    ]
    assert rds.evidence["window"] == "1 days 2025-11-01..2025-11-02"


def test_rds_memory_floor_is_the_least_free_memory_at_the_percentile() -> None:
    # FreeableMemory evenly 0 .. 4 GiB. At memory percentile 100 the floor reads its minimum
    # (0 GiB free): (4 - 0) x 1.2 = 4.8 GiB, more than db.t3.medium's 4: db.t3.large (8 GiB,
    # 0.145/h) is the cheapest 8 GiB class (db.m6g.large 0.159, db.m5.large 0.178).
    # At memory percentile 50: the 50th percentile of free memory is 2 GiB, floor
    # (4 - 2) x 1.2 = 2.4 GiB: db.t3.medium (4 GiB) stays.
    usage = _usage(
        {
            ("rds/postgres", "CPUUtilization"): _flat(5.0),
            ("rds/postgres", "FreeableMemory"): np.linspace(0.0, 4.0 * GIB, N),
        }
    )
    up = _recommend(usage, Settings(95.0, 20.0, 100.0))["rds/postgres"]
    assert up.evidence["memory_floor"] == "(memory - FreeableMemory) x headroom = 4.800 GiB"
    assert up.recommended["class"] == "db.t3.large"
    # 0.145 x 730 = 105.85 + 11.50 = 117.35: more than today's 64.06, a negative saving
    assert up.recommended_monthly_usd == Decimal("117.35")
    assert up.savings_monthly_usd == Decimal("-53.29")
    assert up.risk == "low"  # more CPU and memory than today: not a downsizing
    mid = _recommend(usage, Settings(95.0, 20.0, 50.0))["rds/postgres"]
    assert mid.evidence["memory_floor"] == "(memory - FreeableMemory) x headroom = 2.400 GiB"
    assert mid.recommended["class"] == "db.t3.medium" and not mid.changed


def test_rds_free_memory_above_the_class_gives_a_zero_floor() -> None:
    # FreeableMemory can read above the class's memory (reporting lag); the floor is never
    # negative: max(4 - 5, 0) x 1.2 = 0 GiB. With CPU flat 5% (0.12 vCPU need, mean 0.1 vCPU
    # under db.t3.micro's 10% x 2 = 0.2 vCPU baseline) db.t3.micro (0.018/h) fits.
    usage = _usage(
        {
            ("rds/postgres", "CPUUtilization"): _flat(5.0),
            ("rds/postgres", "FreeableMemory"): _flat(5.0 * GIB),
        }
    )
    rds = _recommend(usage, Settings(95.0, 20.0, 100.0))["rds/postgres"]
    assert rds.evidence["memory_floor"] == "(memory - FreeableMemory) x headroom = 0.000 GiB"
    assert rds.recommended["class"] == "db.t3.micro"


def test_rds_above_its_baseline_pays_surplus_credits_and_is_kept() -> None:
    # db.t3.medium CPU flat 30%: mean 0.3 x 2 = 0.6 vCPU, above its 20% x 2 = 0.4 vCPU
    # baseline. RDS db.t3 runs in unlimited mode: surplus (0.6 - 0.4) x 730 x 0.05 = 7.30 USD.
    # Need 30% x 2 x 1.2 = 0.72 vCPU, memory kept at 4 GiB (no FreeableMemory).
    # db.t3.medium 52.56 + 7.30 = 59.86; db.t3.large (mean 0.6 = its 30% x 2 baseline, no
    # surplus) 0.145 x 730 = 105.85: db.t3.medium stays, surplus reported apart.
    usage = _usage({("rds/postgres", "CPUUtilization"): _flat(30.0)})
    rds = _recommend(usage, Settings(95.0, 20.0, 100.0))["rds/postgres"]
    assert rds.recommended["class"] == "db.t3.medium"
    assert Decimal(rds.current["cpu_credit_surplus_monthly_usd"]) == Decimal("7.30")
    assert rds.credits_now_usd == Decimal("7.30")
    assert rds.credits_recommended_usd == Decimal("7.30")  # same class: same credits
    assert rds.current_monthly_usd == rds.recommended_monthly_usd == Decimal("64.06")
    assert any("surplus credits 7.3 USD/month" in n for n in rds.notes), rds.notes
    assert "no FreeableMemory datapoints" in rds.evidence["memory_floor"]


def test_rds_multi_az_keeps_its_deployment_and_prices_it() -> None:
    # Multi-AZ bills the instance twice: db.t3.small Multi-AZ 0.072/h x 730 = 52.56,
    # db.t3.medium Multi-AZ 0.144 x 730 = 105.12 (+ storage, billed per GB as provisioned).
    topo = _managed_only()
    db = topo.rds[0].model_copy(update={"multi_az": True})
    topo = topo.model_copy(update={"rds": (db,)})
    usage = _usage(
        {
            ("rds/postgres", "CPUUtilization"): _flat(5.0),
            ("rds/postgres", "FreeableMemory"): _flat(3.0 * GIB),
        }
    )
    rds = _recommend(usage, Settings(95.0, 20.0, 100.0), topo)["rds/postgres"]
    assert rds.recommended["class"] == "db.t3.small"
    assert rds.recommended["multi_az"] is True and rds.current["multi_az"] is True
    instance_now = Decimal("0.144") * 730  # 105.12
    instance_then = Decimal("0.072") * 730  # 52.56
    assert rds.savings_monthly_usd == instance_now - instance_then


def test_elasticache_memory_floor_reads_the_high_tail_of_memory_used() -> None:
    # cache.t3.micro, 0.5 GiB maxmemory. DatabaseMemoryUsagePercentage evenly 0-100%: at
    # memory percentile 90 the use is 90% x 0.5 = 0.45 GiB, x 1.2 = 0.54 GiB > 0.5: the
    # micro nodes are out, cache.t4g.small (1.37 GiB, 0.032/h) is the cheapest fitting
    # (cache.t3.small 0.034). The low tail (10%: 0.06 GiB) would wrongly keep a micro.
    usage = _usage(
        {
            ("elasticache/redis", "CPUUtilization"): _flat(5.0),
            ("elasticache/redis", "DatabaseMemoryUsagePercentage"): np.linspace(0, 100, N),
        }
    )
    redis = _recommend(usage, Settings(95.0, 20.0, 90.0))["elasticache/redis"]
    assert redis.evidence["memory_floor"] == "used maxmemory x headroom = 0.540 GiB"
    assert redis.recommended["class"] == "cache.t4g.small"
    assert redis.recommended["nodes"] == 1 and redis.recommended["multi_az"] is False
    # 0.017 x 730 = 12.41 now; 0.032 x 730 = 23.36 then
    assert redis.current_monthly_usd == Decimal("12.41")
    assert redis.recommended_monthly_usd == Decimal("23.36")
    # x86_64 -> arm64 (Graviton): medium risk, named
    assert redis.risk == "medium"
    assert redis.risk_reasons == [
        "architecture change x86_64 -> arm64 (Graviton): check engine version support"
    ]
    # at percentile 50: 50% x 0.5 x 1.2 = 0.3 GiB; cache.t4g.micro 0.016 beats t3.micro 0.017
    low = _recommend(usage, Settings(95.0, 20.0, 50.0))["elasticache/redis"]
    assert low.evidence["memory_floor"] == "used maxmemory x headroom = 0.300 GiB"
    assert low.recommended["class"] == "cache.t4g.micro"
    # 0.016 x 730 = 11.68: saves 12.41 - 11.68 = 0.73
    assert low.savings_monthly_usd == Decimal("0.73")


def test_elasticache_above_its_baseline_is_throttled_not_charged() -> None:
    # CPU flat 15%: mean 0.15 x 2 = 0.3 vCPU, above the micro classes' 10% x 2 = 0.2 vCPU.
    # ElastiCache t3/t4g are assumed in standard mode: throttled, so no micro fits, even
    # though a micro plus surplus credits (0.016 x 730 + 0.1 x 730 x 0.05 = 15.33) would be
    # cheaper than a small (0.032 x 730 = 23.36). The small classes' baseline is 20% x 2 =
    # 0.4 vCPU. Memory 10% x 0.5 x 1.2 = 0.06 GiB fits anything.
    usage = _usage(
        {
            ("elasticache/redis", "CPUUtilization"): _flat(15.0),
            ("elasticache/redis", "DatabaseMemoryUsagePercentage"): _flat(10.0),
        }
    )
    redis = _recommend(usage, Settings(95.0, 20.0, 100.0))["elasticache/redis"]
    assert redis.recommended["class"] == "cache.t4g.small"
    assert "cpu_credit_surplus_monthly_usd" not in redis.current
    assert "current class runs above its CPU-credit baseline" in redis.risk_reasons
    assert any("0.300 vCPU, above its 0.2 vCPU baseline" in n for n in redis.notes), redis.notes
    assert redis.evidence["burstable_mode"].startswith("assumed standard")


def test_elasticache_at_its_baseline_is_not_throttled() -> None:
    # CPU flat 10%: mean 0.2 vCPU, exactly the micro baseline (above means more than): a
    # micro still fits and no throttling note is written
    usage = _usage(
        {
            ("elasticache/redis", "CPUUtilization"): _flat(10.0),
            ("elasticache/redis", "DatabaseMemoryUsagePercentage"): _flat(10.0),
        }
    )
    redis = _recommend(usage, Settings(95.0, 20.0, 100.0))["elasticache/redis"]
    assert redis.recommended["class"] == "cache.t4g.micro"
    assert not any("throttled" in n for n in redis.notes)
    assert redis.risk == "medium"  # the Graviton move only
    assert len(redis.risk_reasons) == 1


def test_msk_follows_the_busiest_broker_user_plus_system() -> None:
    # kafka.t3.small x2 (2 vCPU, baseline 20% x 2 = 0.4 vCPU). broker-1: CpuUser 20% +
    # CpuSystem 10% = 30%: mean 0.6 vCPU, above the baseline, so in standard mode a t3.small
    # is throttled and does not fit. broker-2 idles at 2% + 3%. The need follows broker-1:
    # p95 30% x 2 x 1.2 = 0.72 vCPU -> kafka.m5.large (0.21/h). (CpuUser alone, 20%, or the
    # quiet broker would keep the t3.small.)
    usage = _usage(
        {
            ("msk/kafka/broker-1", "CpuUser"): _flat(20.0),
            ("msk/kafka/broker-1", "CpuSystem"): _flat(10.0),
            ("msk/kafka/broker-2", "CpuUser"): _flat(2.0),
            ("msk/kafka/broker-2", "CpuSystem"): _flat(3.0),
        }
    )
    msk = _recommend(usage, Settings(95.0, 20.0, 100.0))["msk/kafka"]
    assert msk.kind == "msk"
    assert msk.evidence["cpu_pct_at_percentile"] == 30.0
    assert msk.recommended["class"] == "kafka.m5.large"
    assert msk.recommended["brokers"] == 2 == msk.current["brokers"]
    # now 2 x 0.0456 x 730 = 66.576 -> 66.58 + 2 x 100 GB x 0.10 = 20.00 -> 86.58;
    # then 2 x 0.21 x 730 = 306.60 + 20.00 = 326.60
    assert msk.current_monthly_usd == Decimal("86.58")
    assert msk.recommended_monthly_usd == Decimal("326.60")
    assert "current class runs above its CPU-credit baseline" in msk.risk_reasons
    assert any("0.600 vCPU, above its 0.4 vCPU baseline" in n for n in msk.notes), msk.notes
    assert "broker count and storage kept (MSK cannot shrink broker storage)" in msk.notes
    # each broker's series are evidence, named by broker
    # KafkaDataLogsDiskUsed and BytesInPerSec were not in this usage: missing, per broker
    assert msk.evidence["missing"] == [
        f"msk/kafka/broker-{i} {m}"
        for i in (1, 2)
        for m in ("KafkaDataLogsDiskUsed", "BytesInPerSec")
    ]
    named = {(e["resource"], e["metric"]) for e in msk.evidence["metrics"]}
    assert ("msk/kafka/broker-2", "CpuSystem") in named


def test_msk_quiet_brokers_keep_the_smallest_broker() -> None:
    # both brokers at 10% + 5% = 15%: mean 0.3 vCPU under the 0.4 baseline, need
    # 15% x 2 x 1.2 = 0.36 vCPU: kafka.t3.small (the cheapest broker) stays, no throttling
    usage = _usage(
        {
            (f"msk/kafka/broker-{i}", m): _flat(v)
            for i in (1, 2)
            for m, v in (("CpuUser", 10.0), ("CpuSystem", 5.0))
        }
    )
    msk = _recommend(usage, Settings(95.0, 20.0, 100.0))["msk/kafka"]
    assert msk.recommended["class"] == "kafka.t3.small" and not msk.changed
    assert msk.evidence["cpu_pct_at_percentile"] == 15.0
    assert msk.risk == "low"


def test_no_cpu_datapoints_keeps_the_class_at_high_risk() -> None:
    usage = _usage({("elasticache/redis", "DatabaseMemoryUsagePercentage"): _flat(10.0)})
    out = _recommend(usage, Settings())
    for name in ("rds/postgres", "msk/kafka"):
        rec = out[name]
        assert rec.risk == "high" and not rec.changed, name
        assert rec.risk_reasons == ["no CPU datapoints: kept as is"], name
    assert "cpu_percentile" not in out["msk/kafka"].evidence


def test_a_class_without_a_spec_is_skipped_and_named() -> None:
    topo = _managed_only()
    topo = topo.model_copy(
        update={
            "rds": (topo.rds[0].model_copy(update={"instance_class": "db.x9.huge"}),),
            "msk": (topo.msk[0].model_copy(update={"broker_type": "kafka.x9.huge"}),),
            "elasticache": (topo.elasticache[0].model_copy(update={"node_type": "cache.x9.huge"}),),
        }
    )
    usage = _usage({("rds/postgres", "CPUUtilization"): _flat(5.0)})
    out = _recommend(usage, Settings(), topo)
    assert out["skipped"] == [
        "rds/postgres: no spec for db.x9.huge (not sized)",
        "elasticache/redis: no spec for cache.x9.huge (not sized)",
        "msk/kafka: no spec for kafka.x9.huge (not sized)",
    ]
    assert set(out) == {"skipped"}


def test_rds_recommended_burstable_class_reports_its_own_surplus() -> None:
    # CPU flat 25% on db.t3.medium: mean 0.25 x 2 = 0.5 vCPU, need 25% x 2 x 1.2 = 0.6 vCPU.
    # FreeableMemory flat 3.5 GiB: floor (4 - 3.5) x 1.2 = 0.6 GiB, so db.t3.micro (1 GiB) fits.
    # Unlimited mode (RDS db.t3), surplus at $0.05 per vCPU-hour over the baseline:
    #   db.t3.micro  0.018 x 730 = 13.14 + (0.5 - 0.2) x 730 x 0.05 = 10.95 -> 24.09
    #   db.t3.small  0.036 x 730 = 26.28 + (0.5 - 0.4) x 730 x 0.05 =  3.65 -> 29.93
    #   db.t3.medium 0.072 x 730 = 52.56 + 3.65 -> 56.21
    # so db.t3.micro, paying 10.95 of credits; today's class pays 3.65
    usage = _usage(
        {
            ("rds/postgres", "CPUUtilization"): _flat(25.0),
            ("rds/postgres", "FreeableMemory"): _flat(3.5 * GIB),
        }
    )
    rds = _recommend(usage, Settings(95.0, 20.0, 100.0))["rds/postgres"]
    assert rds.recommended["class"] == "db.t3.micro"
    assert Decimal(rds.recommended["cpu_credit_surplus_monthly_usd"]) == Decimal("10.95")
    assert Decimal(rds.current["cpu_credit_surplus_monthly_usd"]) == Decimal("3.65")
    assert rds.credits_recommended_usd == Decimal("10.95")
    assert rds.credits_now_usd == Decimal("3.65")
    # the plan's price: 13.14 + 11.50 + 0.00 (instance, storage, backup), credits apart
    assert rds.recommended_monthly_usd == Decimal("24.64")


def test_run_notes_sample_usage_mapped_elsewhere() -> None:
    from planner.catalog import default_catalog
    from planner.rightsize.run import result_json, rightsize

    usage = _usage({("rds/postgres", "CPUUtilization"): _flat(5.0)})
    usage.sample = True
    topo = _managed_only()
    topo = topo.model_copy(update={"name": "other", "seed_figures": ()})
    result = rightsize(topo, usage, Settings(), default_catalog())
    assert result.notes == [
        "SAMPLE usage: real CloudWatch traces (NAB) mapped onto the staging scenario",
        "the sample usage was mapped onto staging's resources, not other's: these "
        "recommendations illustrate the method only",
    ]
    assert result.node_count_effect == {}
    data = result_json(result)
    assert data["notes"] == result.notes
    assert data["seed_claim"] is None  # "other" carries no seed figure of §9.2
    assert data["usage"]["window_days"] == 1.0


def _rec(resource: str = "msk/kafka"):
    from planner.rightsize.model import Recommendation

    return Recommendation(resource, "msk", {}, {}, Decimal(0), Decimal(0), {})


def test_partial_data_of_a_broker_counts_for_its_cluster_only() -> None:
    from planner.rightsize.model import coverage_risk

    partial = [
        {"resource": "msk/kafka/broker-2", "metric": "CpuUser", "status": "PartialData"},
        {"resource": "msk/kafka2/broker-1", "metric": "CpuUser", "status": "PartialData"},
        {"resource": "msk/kafka", "metric": "X", "status": "PartialData"},
    ]
    rec = _rec()
    coverage_risk(rec, [], partial)
    # msk/kafka2 is another cluster: its broker is not msk/kafka's
    assert rec.evidence["partial"] == ["msk/kafka X", "msk/kafka/broker-2 CpuUser"]
    assert rec.risk == "medium"
    assert rec.risk_reasons == [
        "CloudWatch returned partial data for msk/kafka X, msk/kafka/broker-2 CpuUser"
    ]


def test_coverage_risk_boundaries() -> None:
    from planner.rightsize.model import coverage_risk

    # the worst series decides: under 50% of the window is high risk, under 90% medium
    cases = [(49.9, "high"), (50.0, "medium"), (89.9, "medium"), (90.0, "low")]
    for worst, risk in cases:
        rec = _rec()
        coverage_risk(rec, [{"coverage_pct": 100.0}, {"coverage_pct": worst}])
        assert rec.risk == risk, worst
    rec = _rec()
    coverage_risk(rec, [{"coverage_pct": 49.9}])
    assert rec.risk_reasons == ["only 49.9% of the window has datapoints"]
    rec = _rec()
    coverage_risk(rec, [{"coverage_pct": 60.0}])
    assert rec.risk_reasons == ["60.0% of the window has datapoints (gaps)"]
    # a lower risk never replaces a higher one, but its reason is still listed
    rec.raise_risk("high", "a")
    rec.raise_risk("low", "b")
    assert rec.risk == "high" and rec.risk_reasons[-2:] == ["a", "b"]


def test_workload_without_cpu_keeps_its_request_and_names_its_evidence() -> None:
    from planner.rightsize.nodes import recommend_workloads
    from planner.scenario import load_scenario
    from planner.usage.stats import summarize

    eks = load_scenario("staging").topology.eks
    assert eks is not None
    # api-gateway: memory only, flat 50% of its 1Gi limit: 512 MiB x 1.2 = 614.4 -> 615Mi
    usage = _usage({("workload/api-gateway", "pod_memory_utilization_over_pod_limit"): _flat(50.0)})
    _, recs = recommend_workloads(eks, usage, summarize(usage), Settings(95.0, 20.0, 100.0))
    api = {r.resource: r for r in recs}["workload/api-gateway"]
    assert api.recommended["cpu_request"] == "250m"  # kept
    assert api.recommended["memory_request"] == "615Mi"
    assert api.risk == "high"
    assert api.risk_reasons == ["no pod CPU datapoints: CPU request kept"]
    assert [e["metric"] for e in api.evidence["metrics"]] == [
        "pod_memory_utilization_over_pod_limit"
    ]
    assert api.evidence["missing"] == ["workload/api-gateway pod_cpu_utilization_over_pod_limit"]
    assert api.evidence["memory_mib_at_percentile"] == 512.0


def test_class_tables_read_uncached() -> None:
    # class_specs is cached before mutmut forks: read the CSVs through the uncached reader.
    # msk_broker_types.csv: kafka.t3.small 2 vCPU, 2 GiB, x86_64, EC2 equivalent t3.small
    # (20% baseline per vCPU); kafka.m5.large 2 vCPU, 8 GiB, not burstable.
    from planner.rightsize.classes import _read

    msk = _read("msk_broker_types.csv", "broker_type", "memory_gib", "msk")
    small = msk["kafka.t3.small"]
    assert (small.family, small.vcpu, small.memory_gib) == ("kafka.t3", 2, Decimal(2))
    assert small.baseline_pct_per_vcpu == Decimal(20) and small.baseline_vcpu == Decimal("0.4")
    assert msk["kafka.m5.large"].baseline_vcpu is None
    # ElastiCache: usable memory is Redis maxmemory (0.50 GiB for cache.t3.micro, not its
    # 1 GiB of RAM); cache.t4g.micro is arm64
    cache = _read(
        "elasticache_node_types.csv", "cache_node_type", "redis_maxmemory_gib", "elasticache"
    )
    assert cache["cache.t3.micro"].memory_gib == Decimal("0.50")
    assert cache["cache.t4g.micro"].architecture == "arm64"
    assert all(
        name.rsplit(".", 1)[0]
        in ("cache.t3", "cache.t4g", "cache.m5", "cache.m6g", "cache.r5", "cache.r6g")
        for name in cache
    )


def test_workload_floors_and_raised_limits_without_a_limit_range() -> None:
    from planner.rightsize.nodes import recommend_workloads
    from planner.scenario import load_scenario
    from planner.usage.stats import summarize

    eks = load_scenario("staging").topology.eks
    assert eks is not None
    eks = eks.model_copy(update={"limit_range": None})
    usage = _usage(
        {
            # api-gateway idle: 0 CPU and 0 memory: the floors are 10m and 1Mi
            ("workload/api-gateway", "pod_cpu_utilization_over_pod_limit"): _flat(0.0),
            ("workload/api-gateway", "pod_memory_utilization_over_pod_limit"): _flat(0.0),
            # emr-service at its limits: 1000m x 1.2 = 1200m and 1024Mi x 1.2 = 1228.8 ->
            # 1229Mi, both above the 1000m / 1Gi limits: the limits are raised to match
            ("workload/emr-service", "pod_cpu_utilization_over_pod_limit"): _flat(100.0),
            ("workload/emr-service", "pod_memory_utilization_over_pod_limit"): _flat(100.0),
        }
    )
    _, recs = recommend_workloads(eks, usage, summarize(usage), Settings(95.0, 20.0, 100.0))
    by = {r.resource: r for r in recs}
    idle = by["workload/api-gateway"]
    assert (idle.recommended["cpu_request"], idle.recommended["memory_request"]) == ("10m", "1Mi")
    assert "request cut by more than half" in idle.risk_reasons
    busy = by["workload/emr-service"]
    assert busy.recommended["cpu_request"] == busy.recommended["cpu_limit"] == "1200m"
    assert busy.recommended["memory_request"] == busy.recommended["memory_limit"] == "1229Mi"
    assert busy.notes == [
        "the new CPU request exceeds the limit: limit raised to match",
        "the new memory request exceeds the limit: limit raised to match",
    ]


def test_workloads_from_manifests_are_not_sized() -> None:
    from planner.catalog import default_catalog
    from planner.rightsize.run import rightsize
    from planner.scenario import load_scenario

    topo = load_scenario("staging").topology
    assert topo.eks is not None
    eks = topo.eks.model_copy(update={"workloads_from": "manifests/", "workloads": ()})
    usage = _usage({("rds/postgres", "CPUUtilization"): _flat(5.0)})
    result = rightsize(topo.model_copy(update={"eks": eks}), usage, Settings(), default_catalog())
    assert result.notes == ["workloads come from manifests (workloads_from): requests not sized"]
    assert result.node_count_effect == {}
    assert {r.kind for r in result.recommendations} == {"rds", "elasticache", "msk"}


def test_msk_evidence_keeps_the_percentile_to_three_decimals() -> None:
    # both brokers at 10.1234% user + 5% system = 15.1234%, flat: the p95 is 15.1234%,
    # shown to 3 decimals as 15.123 (a whole-percent figure, 15, would hide the fraction)
    usage = _usage(
        {
            (f"msk/kafka/broker-{i}", m): _flat(v)
            for i in (1, 2)
            for m, v in (("CpuUser", 10.1234), ("CpuSystem", 5.0))
        }
    )
    msk = _recommend(usage, Settings(95.0, 20.0, 100.0))["msk/kafka"]
    assert msk.evidence["cpu_pct_at_percentile"] == 15.123
