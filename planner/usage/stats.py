"""Percentiles computed here, from the fine-grained series (not CloudWatch's pN statistics).

Vectorised: each series is a row of a float matrix padded with NaN; a row is sorted once and
p50/p95/p99 are read with linear interpolation between the closest ranks (numpy's default
"linear" method), the maximum is the last valid value. Works in chunks of rows so a
1,000-resource x 10-metric x 14-day set at 60 s stays within a few hundred MB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from planner.usage.store import UsageSet

QUANTILES = (50.0, 95.0, 99.0, 100.0)


def percentiles_matrix(
    values: npt.NDArray[np.floating], qs: tuple[float, ...] = QUANTILES
) -> npt.NDArray[np.float64]:
    """Percentiles per row, ignoring NaN (gaps); a row without data gives NaN."""
    import numpy as np

    ordered = np.sort(values, axis=1)  # NaN sorts last
    valid = np.count_nonzero(~np.isnan(ordered), axis=1)
    out = np.full((ordered.shape[0], len(qs)), np.nan)
    has = valid > 0
    if not has.any():
        return out
    rows = ordered[has]
    n = valid[has].astype(np.float64)
    for j, q in enumerate(qs):
        pos = (q / 100.0) * (n - 1)
        lo = np.floor(pos).astype(np.int64)
        hi = np.ceil(pos).astype(np.int64)
        low = np.take_along_axis(rows, lo[:, None], axis=1)[:, 0].astype(np.float64)
        high = np.take_along_axis(rows, hi[:, None], axis=1)[:, 0].astype(np.float64)
        out[has, j] = low + (high - low) * (pos - lo)
    return out


def percentiles_chunked(
    values: npt.NDArray[np.floating], qs: tuple[float, ...] = QUANTILES, chunk_rows: int = 256
) -> npt.NDArray[np.float64]:
    import numpy as np

    parts = [
        percentiles_matrix(values[i : i + chunk_rows], qs)
        for i in range(0, values.shape[0], chunk_rows)
    ]
    return np.vstack(parts) if parts else np.empty((0, len(qs)))


def summarize(usage: UsageSet) -> pd.DataFrame:
    """One row per (resource, metric): datapoints, expected, gaps, p50/p95/p99/max, mean."""
    import numpy as np
    import pandas as pd

    frame = usage.frame
    cols = ["resource", "metric", "unit", "period", "datapoints", "expected", "gaps"]
    cols += ["p50", "p95", "p99", "max", "mean", "first", "last"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    grouped = frame.groupby(["resource", "metric"], sort=True, observed=True)
    codes = grouped.ngroup().to_numpy()
    pos = grouped.cumcount().to_numpy()
    keys = grouped.size()
    n_groups, width = len(keys), int(keys.max())
    matrix = np.full((n_groups, width), np.nan)
    matrix[codes, pos] = frame["value"].to_numpy()
    pct = percentiles_chunked(matrix)
    first = grouped.agg(
        unit=("unit", "first"),
        period=("period", "max"),
        datapoints=("value", "size"),
        mean=("value", "mean"),
        first=("timestamp", "min"),
        last=("timestamp", "max"),
    )
    window = (usage.window_end - usage.window_start).total_seconds()
    first["expected"] = (window // first["period"]).astype("int64")
    first["gaps"] = (first["expected"] - first["datapoints"]).clip(lower=0)
    for j, name in enumerate(("p50", "p95", "p99", "max")):
        first[name] = pct[:, j]
    return first.reset_index()[cols]


def series(usage: UsageSet, resource: str, metric: str) -> pd.Series:
    """One series indexed by timestamp (empty when absent)."""
    frame = usage.frame
    sel = frame[(frame["resource"] == resource) & (frame["metric"] == metric)]
    return sel.set_index("timestamp")["value"]


def percentile_of(values: pd.Series, q: float) -> float:
    import numpy as np

    if values.empty:
        return float("nan")
    return float(percentiles_matrix(values.to_numpy(dtype=np.float64)[None, :], (q,))[0, 0])
