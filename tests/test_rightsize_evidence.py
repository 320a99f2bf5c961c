"""The evidence a right-sizing recommendation carries for one series, worked by hand.

One day of 300 s periods is 86,400 / 300 = 288 expected datapoints. The CPU series here is
286 datapoints at 1% and 2 at 100%, so its statistics all differ from one another where it
matters: sorted, positions 0..285 hold 1 and 286..287 hold 100. With linear interpolation
(pandas' and numpy's default) the 50th, 95th and 99th percentiles fall at positions
143.5, 271.65 and 284.13, all among the 1s: 1.0. The maximum is 100.0 and the mean
(286 x 1 + 2 x 100) / 288 = 486 / 288 = 1.6875.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from test_rightsize_managed_by_hand import N, _managed_only, _recommend, _usage

from planner.rightsize.model import Settings

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog

CPU = np.concatenate([np.full(N - 2, 1.0), np.full(2, 100.0)])


def test_a_series_evidence_states_its_statistics_and_coverage() -> None:
    assert N == 288
    usage = _usage({("elasticache/redis", "CPUUtilization"): CPU})
    redis = _recommend(usage, Settings())["elasticache/redis"]
    assert redis.evidence["metrics"] == [
        {
            "metric": "CPUUtilization",
            "unit": "Percent",
            "period_s": 300,
            "datapoints": 288,
            "expected": 288,
            "gaps": 0,
            "coverage_pct": 100.0,
            "p50": 1.0,
            "p95": 1.0,
            "p99": 1.0,
            "max": 100.0,
            "mean": 1.6875,
        }
    ]
    # the other two ElastiCache series are named as missing, in the order they are read
    assert redis.evidence["missing"] == [
        "elasticache/redis EngineCPUUtilization",
        "elasticache/redis DatabaseMemoryUsagePercentage",
    ]


def test_elasticache_without_memory_data_keeps_its_memory() -> None:
    # no DatabaseMemoryUsagePercentage: the floor is today's 0.5 GiB maxmemory, so the class
    # can only move to one with as much memory; the evidence says so
    usage = _usage({("elasticache/redis", "CPUUtilization"): CPU})
    redis = _recommend(usage, Settings())["elasticache/redis"]
    assert (
        redis.evidence["memory_floor"] == "no DatabaseMemoryUsagePercentage: memory kept at current"
    )


class _Caveated:
    """The bundled catalog, but every ElastiCache row carries a CAVEAT in its attributes (as a
    catalog built with ``planner prices`` may: a row whose source was not cross-checked)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def find(self, service: str, region: str, product: str, *args: Any) -> Any:
        row = self._inner.find(service, region, product, *args)
        if row is not None and service == "AmazonElastiCache":
            return dataclasses.replace(row, attributes=row.attributes + "; CAVEAT: one source")
        return row


def _caveated_redis(node_type: str, headroom_pct: float) -> Any:
    from planner.catalog import default_catalog
    from planner.rightsize.managed import recommend_managed
    from planner.usage.stats import summarize

    topo = _managed_only()
    topo = topo.model_copy(
        update={
            "elasticache": tuple(
                c.model_copy(update={"node_type": node_type}) for c in topo.elasticache
            )
        }
    )
    usage = _usage(
        {
            ("elasticache/redis", "CPUUtilization"): np.full(N, 5.0),
            ("elasticache/redis", "DatabaseMemoryUsagePercentage"): np.full(N, 100.0),
        }
    )
    settings = Settings(95.0, headroom_pct, 100.0)
    catalog = cast("PriceCatalog", _Caveated(default_catalog()))  # duck-typed: find() and the rest
    recs = recommend_managed(topo, usage, summarize(usage), settings, catalog)
    return next(r for r in recs if r.resource == "elasticache/redis")


def test_a_caveated_price_of_a_size_not_cross_checked_raises_the_risk() -> None:
    # cache.t3.small, 1.37 GiB maxmemory used in full, headroom 200%: 1.37 x 3 = 4.11 GiB,
    # more than any medium (3.09). The large classes with a maxmemory: cache.m6g.large 6.38
    # GiB at 0.149/h, cache.r5.large / r6g.large 13.07 at 0.216 / 0.206 (cache.m5.large has no
    # maxmemory in the specs): cache.m6g.large. "large" is not among the sizes the caveat
    # says were cross-checked (micro, small, medium).
    rec = _caveated_redis("cache.t3.small", 200.0)
    assert rec.recommended["class"] == "cache.m6g.large"
    assert "price row of cache.m6g.large: cacheEngine=Redis; CAVEAT: one source" in rec.notes
    assert "the snapshot's price for cache.m6g.large is not cross-checked" in rec.risk_reasons
    assert rec.risk == "medium"


def test_a_caveated_price_of_a_cross_checked_size_is_noted_only() -> None:
    # cache.t3.micro, 0.5 GiB used in full, headroom 20%: 0.6 GiB; cache.t4g.small (1.37 GiB,
    # 0.032/h) is the cheapest that fits (cache.t3.small 0.034): a cross-checked size
    rec = _caveated_redis("cache.t3.micro", 20.0)
    assert rec.recommended["class"] == "cache.t4g.small"
    assert "price row of cache.t4g.small: cacheEngine=Redis; CAVEAT: one source" in rec.notes
    assert not any("cross-checked" in r for r in rec.risk_reasons), rec.risk_reasons


def test_msk_evidence_states_the_burstable_mode_assumed() -> None:
    # MSK kafka.t3 brokers are taken to run in standard mode (throttled at the baseline, no
    # surplus charge), as ElastiCache's; the evidence says which mode was assumed
    usage = _usage({(f"msk/kafka/broker-{i}", "CpuUser"): np.full(N, 5.0) for i in (1, 2)})
    msk = _recommend(usage, Settings())["msk/kafka"]
    assert msk.evidence["burstable_mode"] == (
        "assumed standard (throttled at baseline, no surplus charge)"
    )


def test_a_window_shorter_than_one_period_has_zero_coverage() -> None:
    """A 100 s window with 300 s periods expects 100 // 300 = 0 datapoints: coverage is not a
    division by zero but 0.0, and a recommendation on it is at high risk (under 50%)."""
    import datetime as dt

    from planner.rightsize.model import Recommendation, coverage_risk, metric_evidence
    from planner.usage.stats import summarize
    from planner.usage.store import UsageSet

    usage = _usage({("rds/postgres", "CPUUtilization"): np.full(N, 5.0)})
    short = UsageSet(
        usage.frame.head(1),
        "hand-made",
        usage.window_start,
        usage.window_start + dt.timedelta(seconds=100),
    )
    ev = metric_evidence(summarize(short), "rds/postgres", "CPUUtilization")
    assert ev is not None
    assert (ev["datapoints"], ev["expected"], ev["coverage_pct"]) == (1, 0, 0.0)
    rec = Recommendation("rds/postgres", "rds", {}, {}, Decimal(0), Decimal(0), {})
    coverage_risk(rec, [ev])
    assert (rec.risk, rec.risk_reasons) == ("high", ["only 0.0% of the window has datapoints"])


def test_gaps_in_a_brokers_data_raise_the_clusters_risk() -> None:
    # broker-1's CpuUser on 144 of the day's 288 periods (every other one): 50.0% coverage,
    # under 90%: at least medium risk, named; broker-2 is complete
    usage = _usage({(f"msk/kafka/broker-{i}", "CpuUser"): np.full(N, 5.0) for i in (1, 2)})
    frame = usage.frame
    broker_1 = frame["resource"] == "msk/kafka/broker-1"
    usage.frame = frame[~broker_1 | (frame.index % 2 == 0)].reset_index(drop=True)
    msk = _recommend(usage, Settings())["msk/kafka"]
    assert "50.0% of the window has datapoints (gaps)" in msk.risk_reasons
    assert msk.risk in ("medium", "high")


def test_the_table_and_csv_name_a_managed_resources_classes() -> None:
    from planner.rightsize.run import RightsizeResult, result_csv

    # RDS at 5% CPU and 3 GiB free of 4: db.t3.medium -> db.t3.small (as in
    # test_rightsize_managed_by_hand.test_rds_shrinks_to_the_class_covering_the_memory_...)
    usage = _usage(
        {
            ("rds/postgres", "CPUUtilization"): np.full(N, 5.0),
            ("rds/postgres", "FreeableMemory"): np.full(N, 3.0 * 2**30),
        }
    )
    rds = _recommend(usage, Settings())["rds/postgres"]
    result = RightsizeResult("staging", usage, Settings(), [rds])
    rows = result_csv(result).splitlines()
    assert rows[1].startswith("rds/postgres,rds,db.t3.medium,db.t3.small,")
