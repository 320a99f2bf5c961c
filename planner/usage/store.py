"""The tidy usage table (resource, metric, timestamp, value, unit, period) and its metadata.

Only datapoints CloudWatch has are rows: a period without data is a gap, counted from the
window and the period, never a zero. Series with no datapoint at all are listed under
``missing`` in the metadata. Parquet keeps the metadata in the file's key-value metadata;
CSV keeps it on a first ``# planner-usage {json}`` line.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("resource", "metric", "timestamp", "value", "unit", "period")
META_KEY = b"planner-usage"
CSV_PREFIX = "# planner-usage "


@dataclass
class UsageSet:
    """Usage datapoints plus where they came from and what could not be read."""

    frame: pd.DataFrame
    source: str
    window_start: dt.datetime
    window_end: dt.datetime
    sample: bool = False
    missing: list[dict[str, str]] = field(default_factory=list)
    partial: list[dict[str, str]] = field(default_factory=list)
    not_read: list[dict[str, str]] = field(default_factory=list)
    note: str = ""

    @property
    def window_days(self) -> float:
        return round((self.window_end - self.window_start).total_seconds() / 86400, 3)

    @property
    def window_label(self) -> str:
        start = self.window_start.strftime("%Y-%m-%d")
        end = self.window_end.strftime("%Y-%m-%d")
        label = f"{self.window_days:g} days {start}..{end}"
        return label + (", SAMPLE data" if self.sample else "")

    def meta(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sample": self.sample,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "window_days": self.window_days,
            "missing": self.missing,
            "partial": self.partial,
            "not_read": self.not_read,
            "note": self.note,
        }


def empty_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "resource": pd.Series([], dtype="string"),
            "metric": pd.Series([], dtype="string"),
            "timestamp": pd.Series([], dtype="datetime64[ns, UTC]"),
            "value": pd.Series([], dtype="float64"),
            "unit": pd.Series([], dtype="string"),
            "period": pd.Series([], dtype="int32"),
        }
    )


def normalise(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Check columns and types; sort by resource, metric, timestamp."""
    import pandas as pd

    absent = [c for c in COLUMNS if c not in frame.columns]
    if absent:
        raise InputError(
            f"{where}: usage table lacks column(s) {', '.join(absent)}; needs {', '.join(COLUMNS)}"
        )
    out = frame.loc[:, list(COLUMNS)].copy()
    for col in ("resource", "metric", "unit"):
        out[col] = out[col].astype("string")
    try:
        out["timestamp"] = pd.to_datetime(out["timestamp"], utc=True)
        out["value"] = pd.to_numeric(out["value"]).astype("float64")
        out["period"] = pd.to_numeric(out["period"]).astype("int32")
    except (ValueError, TypeError) as exc:
        raise InputError(f"{where}: usage table has a bad timestamp/value/period: {exc}") from None
    import numpy as np

    bad = ~np.isfinite(out["value"].to_numpy())
    if bad.any():
        row = out[bad].iloc[0]
        raise InputError(
            f"{where}: value {row['value']!r} for {row['resource']} {row['metric']} at "
            f"{row['timestamp']} is not a finite number (a gap is a missing row, not NaN)"
        )
    if (out["period"] <= 0).any():
        raise InputError(f"{where}: column period must be positive seconds")
    _check_physical(out, where)
    return out.sort_values(["resource", "metric", "timestamp"], kind="stable").reset_index(
        drop=True
    )


# A percentage above this is impossible (CPU and memory utilisation, of a node, an instance or
# a pod's limit); the small margin absorbs CloudWatch's rounding.
MAX_PERCENT = 100.0 + 1e-6


def _check_physical(frame: pd.DataFrame, where: str) -> None:
    """Values in their physical range: nothing negative (every metric planner reads is a
    utilisation, a size, a rate or a count) and no percentage above 100."""
    values = frame["value"].to_numpy()
    negative = values < 0
    if negative.any():
        row = frame[negative].iloc[0]
        raise InputError(
            f"{where}: value {row['value']:g} for {row['resource']} {row['metric']} at "
            f"{row['timestamp']} is negative; CloudWatch's utilisation, bytes and counts never are"
        )
    percent = (frame["unit"] == "Percent").to_numpy() & (values > MAX_PERCENT)
    if percent.any():
        row = frame[percent].iloc[0]
        raise InputError(
            f"{where}: {row['metric']} {row['value']:g}% for {row['resource']} at "
            f"{row['timestamp']}: a percentage of capacity cannot exceed 100 (a value in "
            "another unit, or a sum of cores?)"
        )


def write_usage(usage: UsageSet, path: str | Path) -> Path:
    """Write Parquet (``.parquet``) or CSV (anything else) through the one output writer."""
    from planner.output import write_file

    target = Path(path)
    meta = json.dumps(usage.meta(), sort_keys=True)

    def produce(tmp: Path) -> None:
        if target.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(usage.frame, preserve_index=False)
            merged = dict(table.schema.metadata or {})
            merged[META_KEY] = meta.encode()
            pq.write_table(table.replace_schema_metadata(merged), tmp)
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                handle.write(CSV_PREFIX + meta + "\n")
                usage.frame.to_csv(handle, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")

    write_file(target, produce, option="--out")
    return target


def _parse_meta(raw: str, where: str) -> dict[str, Any]:
    try:
        meta = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: usage metadata is not JSON ({exc})") from None
    for key in ("source", "window_start", "window_end"):
        if key not in meta:
            raise InputError(f"{where}: usage metadata lacks {key!r}")
    return dict(meta)


def read_usage(path: str | Path) -> UsageSet:
    """Read a usage file written by ``write_usage`` (Parquet or CSV)."""
    import pandas as pd

    source = Path(path)
    where = str(source)
    if not source.is_file():
        raise InputError(f"{where}: usage file not found (give a .parquet or .csv usage file)")
    if source.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(source)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{where}: not a readable Parquet file ({exc})") from None
        raw = (table.schema.metadata or {}).get(META_KEY)
        if raw is None:
            raise InputError(f"{where}: no planner-usage metadata (write it with planner usage)")
        meta = _parse_meta(raw.decode(), where)
        frame = table.to_pandas()
    else:
        with source.open(encoding="utf-8") as handle:
            first = handle.readline()
            if not first.startswith(CSV_PREFIX):
                raise InputError(
                    f"{where}: first line must be '{CSV_PREFIX.strip()} {{...}}' "
                    "(CSV written by planner usage)"
                )
            meta = _parse_meta(first[len(CSV_PREFIX) :], where)
            try:
                frame = pd.read_csv(handle)
            except (ValueError, pd.errors.ParserError) as exc:
                raise InputError(f"{where}: unreadable CSV ({exc})") from None
    try:
        start = dt.datetime.fromisoformat(meta["window_start"])
        end = dt.datetime.fromisoformat(meta["window_end"])
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: window_start/window_end are not ISO times ({exc})") from None
    if end <= start:
        raise InputError(f"{where}: window_end {end} is not after window_start {start}")
    return UsageSet(
        frame=normalise(frame, where),
        source=str(meta["source"]),
        window_start=start,
        window_end=end,
        sample=bool(meta.get("sample", False)),
        missing=list(meta.get("missing", [])),
        partial=list(meta.get("partial", [])),
        not_read=list(meta.get("not_read", [])),
        note=str(meta.get("note", "")),
    )
