"""The evidence a right-sizing recommendation carries for one series, worked by hand.

One day of 300 s periods is 86,400 / 300 = 288 expected datapoints. The CPU series here is
286 datapoints at 1% and 2 at 100%, so its statistics all differ from one another where it
matters: sorted, positions 0..285 hold 1 and 286..287 hold 100. With linear interpolation
(pandas' and numpy's default) the 50th, 95th and 99th percentiles fall at positions
143.5, 271.65 and 284.13, all among the 1s: 1.0. The maximum is 100.0 and the mean
(286 x 1 + 2 x 100) / 288 = 486 / 288 = 1.6875.
"""

from __future__ import annotations

import numpy as np
from test_rightsize_managed_by_hand import N, _recommend, _usage

from planner.rightsize.model import Settings

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
