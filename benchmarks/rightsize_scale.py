"""Right-sizing at scale: resources x 10 metrics x 14 days of 60 s data, vectorised.

Full size (``--full``): 1,000 resources x 10 metrics x 20,160 points = 201.6 million points.
The default is 100 resources (20 million). Series are float32 rows with about 1% gaps (NaN),
generated and reduced a chunk of rows at a time (``--chunk``), so memory stays at a chunk.
Per series p50/p95/p99/max and the mean come from ``planner.usage.stats.percentiles_matrix``;
each resource then gets the cheapest RDS class covering p95 CPU + 20% with
``planner.rightsize.choose``. Side by side on the first ``--compare`` resources, the naive
way: a tidy long table and pandas ``groupby().quantile()`` (the result must match).
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from decimal import Decimal

import numpy as np

from planner.rightsize.choose import Need, Priced, choose
from planner.rightsize.classes import class_specs
from planner.usage.stats import percentiles_matrix

METRICS = 10
POINTS = 14 * 24 * 60  # 14 days of 60-second datapoints
QS = (50.0, 95.0, 99.0, 100.0)


def chunk_values(rng: np.random.Generator, rows: int, points: int) -> np.ndarray:
    """Utilisation-like series in percent: a daily wave, noise, spikes, 1% gaps."""
    t = np.arange(points, dtype=np.float32)
    level = rng.uniform(2, 60, size=(rows, 1)).astype(np.float32)
    wave = (np.sin(2 * np.pi * t / 1440, dtype=np.float32) + 1) * (level / 4)
    values = level + wave + rng.normal(0, 3, size=(rows, points)).astype(np.float32)
    spikes = rng.random((rows, points), dtype=np.float32) < 0.002
    values[spikes] = 100
    values[rng.random((rows, points), dtype=np.float32) < 0.01] = np.nan
    np.clip(values, 0, 100, out=values)
    return values


def candidates() -> list[Priced]:
    from planner.catalog import default_catalog

    catalog = default_catalog()
    out = []
    for spec in class_specs("rds").values():
        row = catalog.find("AmazonRDS", "us-east-1", f"db/{spec.name}/PostgreSQL/Single-AZ")
        if row is not None:
            out.append(Priced(spec, row.usd))
    return out


def vectorised(resources: int, points: int, chunk: int, seed: int) -> tuple[np.ndarray, float]:
    rng = np.random.default_rng(seed)
    series = resources * METRICS
    stats = np.empty((series, len(QS) + 1))
    spent = 0.0  # time in the reduction only; generating the data is not counted
    for first in range(0, series, chunk):
        values = chunk_values(rng, min(chunk, series - first), points)
        start = time.perf_counter()
        stats[first : first + len(values), : len(QS)] = percentiles_matrix(values, QS)
        stats[first : first + len(values), len(QS)] = np.nanmean(values, axis=1)
        spent += time.perf_counter() - start
        del values
    return stats, spent


def recommend(stats: np.ndarray, market: list[Priced]) -> tuple[int, float]:
    """CPU = metric 0 of each resource (on a 2-vCPU class), memory floor 4 GiB."""
    start = time.perf_counter()
    changed = 0
    for r in range(0, len(stats), METRICS):
        p95, mean = stats[r, 1], stats[r, len(QS)]
        need = Need(
            Decimal(repr(float(p95) / 100 * 2 * 1.2)),
            Decimal(repr(float(mean) / 100 * 2)),
            Decimal(4),
        )
        choice = choose(market, need, 1, unlimited=True)
        changed += choice is not None and choice.spec.name != "db.t3.medium"
    return changed, time.perf_counter() - start


def naive(resources: int, points: int, seed: int) -> tuple[np.ndarray, float]:
    import pandas as pd

    rng = np.random.default_rng(seed)
    values = chunk_values(rng, resources * METRICS, points)
    start = time.perf_counter()
    frame = pd.DataFrame(
        {"series": np.repeat(np.arange(values.shape[0]), points), "value": values.ravel()}
    ).dropna()
    grouped = frame.groupby("series")["value"]
    quant = grouped.quantile([q / 100 for q in QS]).unstack().to_numpy()  # type: ignore[arg-type]
    mean = grouped.mean().to_numpy()
    return np.column_stack([quant, mean]), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100)
    parser.add_argument("--full", action="store_true", help="1,000 resources (201.6M points)")
    parser.add_argument("--chunk", type=int, default=250, help="series per chunk")
    parser.add_argument("--compare", type=int, default=10, help="resources for the naive run")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    resources = 1000 if args.full else args.resources
    points_total = resources * METRICS * POINTS
    print(f"{resources} resources x {METRICS} metrics x {POINTS} points = {points_total:,} points")

    # side by side on the same data: the naive pandas way against the vectorised one
    small = min(args.compare, resources)
    fast_small, t_fast_small = vectorised(small, POINTS, args.chunk, args.seed)
    slow_small, t_slow_small = naive(small, POINTS, args.seed)
    assert np.allclose(fast_small, slow_small, rtol=1e-5, atol=1e-3), "results differ"
    print(
        f"{small} resources: vectorised {t_fast_small:.2f}s, pandas groupby.quantile "
        f"{t_slow_small:.2f}s ({t_slow_small / t_fast_small:.1f}x)"
    )

    tracemalloc.start()
    stats, t_stats = vectorised(resources, POINTS, args.chunk, args.seed)
    changed, t_rec = recommend(stats, candidates())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = t_stats + t_rec
    print(
        f"percentiles {t_stats:.2f}s ({points_total / t_stats / 1e6:.1f}M points/s), "
        f"classes {t_rec:.2f}s for {resources} resources ({changed} change class)"
    )
    print(
        f"peak traced memory {peak / 2**20:.0f} MiB, max RSS {rss_mb:.0f} MiB, "
        f"whole data as float32 would be {points_total * 4 / 2**20:,.0f} MiB"
    )
    print(
        f"rightsize_scale: resources={resources} points={points_total} seconds={total:.2f} "
        f"points_per_s={points_total / total:.3g} peak_mib={peak / 2**20:.0f} "
        f"max_rss_mib={rss_mb:.0f} ratio={t_slow_small / t_fast_small:.1f}"
    )


if __name__ == "__main__":
    main()
