"""Helpers shared by the actuals tests: the sample paths and an independent reading of them."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "scenarios" / "actuals"
CUR2 = SAMPLE / "cur2" / "sample-cur2-2025-08_2025-10.parquet"
FOCUS = SAMPLE / "focus" / "sample-focus-2025-08_2025-10.parquet"
FOCUS_CSV = SAMPLE / "focus-csv" / "sample-focus-2025-08_2025-10.csv.gz"
Q10 = Decimal("1E-10")


def dec(value: float | None) -> Decimal:
    return Decimal(0) if value is None else Decimal(repr(value)).quantize(Q10)


def raw_totals(path: Path, column: str, month_column: str) -> dict[str, Decimal]:
    """Per-month sums of one cost column read straight from a Parquet file with pyarrow."""
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=[column, month_column])
    out: dict[str, Decimal] = defaultdict(Decimal)
    for value, start in zip(
        table.column(column).to_pylist(), table.column(month_column).to_pylist(), strict=True
    ):
        out[start.strftime("%Y-%m")] += dec(value)
    return dict(out)
