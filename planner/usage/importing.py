"""``planner usage import DIR``: CSV exports (timestamp,value) per resource and metric.

Layout: ``DIR/<resource>/<metric>.csv``, where ``<resource>`` may span folders
(``DIR/rds/postgres/CPUUtilization.csv`` is resource ``rds/postgres``). Timestamps without a
zone are UTC; repeated timestamps keep the first value (exports around a DST change repeat
wall-clock times); empty values are gaps. An optional ``DIR/usage.json`` gives ``source``,
``sample`` and ``note``. The period is the most common step between timestamps.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import InputError
from planner.usage.metrics import UNITS
from planner.usage.store import UsageSet, normalise

if TYPE_CHECKING:
    import pandas as pd


def read_series_csv(path: Path) -> tuple[pd.DataFrame, int]:
    """One export as (timestamp, value) rows without gaps or repeats, and its period."""
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: unreadable CSV ({exc})") from None
    cols = [c.strip().lower() for c in frame.columns]
    if cols[:2] != ["timestamp", "value"]:
        raise InputError(f"{path}: header is {','.join(cols)}; needs timestamp,value")
    frame.columns = pd.Index(cols)
    try:
        stamps = pd.to_datetime(frame["timestamp"], utc=True, format="mixed")
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path}: column timestamp has an unreadable time ({exc})") from None
    if stamps.isna().any():  # an empty cell: a datapoint at no time cannot be counted
        i = int(stamps.isna().to_numpy().nonzero()[0][0])
        raise InputError(f"{path}: row {i + 2} column timestamp is empty; give the time")
    values = pd.to_numeric(frame["value"], errors="coerce")
    bad = values.isna() & frame["value"].notna()
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"{path}: row {i + 2} column value {frame['value'].iloc[i]!r} is not a number"
        )
    out = pd.DataFrame({"timestamp": stamps, "value": values.astype("float64")})
    # a time given with its zone (Z, +01:00) cannot repeat; a naive wall-clock time repeats
    # once a year when clocks go back (DST), and then the first value is kept
    zoned = frame["timestamp"].astype(str).str.strip().str.contains(r"(?:Z|[+-]\d\d:?\d\d)$")
    out = out[zoned.to_numpy() | ~out["timestamp"].duplicated(keep="first").to_numpy()]
    out = out.dropna(subset=["value"]).drop_duplicates(keep="first")
    repeated = out["timestamp"].duplicated(keep=False)
    if repeated.any():
        stamp = out.loc[repeated, "timestamp"].iloc[0]
        shown = ", ".join(f"{v:g}" for v in out.loc[out["timestamp"] == stamp, "value"])
        raise InputError(
            f"{path}: timestamp {stamp} has two different values ({shown}); one datapoint "
            "per time: which one is right is not planner's guess"
        )
    out = out.sort_values("timestamp").reset_index(drop=True)
    if len(out) < 2:
        period = 60
    else:
        steps = out["timestamp"].diff().dt.total_seconds().dropna()
        period = int(steps.mode().iloc[0])
    return out, max(period, 1)


def import_dir(directory: str | Path) -> UsageSet:
    import pandas as pd

    root = Path(directory)
    if not root.is_dir():
        raise InputError(f"{root}: not a folder (give DIR/<resource>/<metric>.csv exports)")
    meta: dict[str, Any] = {}
    meta_path = root / "usage.json"
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{meta_path}: not JSON ({exc})") from None
    files = sorted(p for p in root.rglob("*.csv") if p.is_file())
    if not files:
        raise InputError(f"{root}: no <resource>/<metric>.csv file found")
    parts: list[pd.DataFrame] = []
    missing: list[dict[str, str]] = []
    for path in files:
        rel = path.relative_to(root)
        if len(rel.parts) < 2:
            raise InputError(f"{path}: put it under a resource folder (DIR/rds/postgres/{rel})")
        resource, metric = "/".join(rel.parts[:-1]), path.stem
        series, period = read_series_csv(path)
        if series.empty:
            missing.append({"resource": resource, "metric": metric, "reason": "empty export"})
            continue
        series["resource"], series["metric"] = resource, metric
        series["unit"], series["period"] = UNITS.get(metric, "None"), period
        parts.append(series)
    if not parts:
        raise InputError(f"{root}: every export is empty")
    frame = normalise(pd.concat(parts, ignore_index=True), str(root))
    start = frame["timestamp"].min().to_pydatetime()
    end = (
        frame["timestamp"].max() + pd.to_timedelta(frame["period"].max(), unit="s")
    ).to_pydatetime()
    if "window_start" in meta and "window_end" in meta:
        start = dt.datetime.fromisoformat(meta["window_start"])
        end = dt.datetime.fromisoformat(meta["window_end"])
    return UsageSet(
        frame=frame,
        source=str(meta.get("source", f"CSV exports in {root.name}")),
        window_start=start,
        window_end=end,
        sample=bool(meta.get("sample", False)),
        missing=missing,
        note=str(meta.get("note", "")),
    )
