"""The tidy billing table: one row per month, service, usage type, resource, tags and charge.

Every source (CUR 2.0, FOCUS, Cost Explorer, Athena) ends up in this one shape, saved as
Parquet with exact decimals (``decimal128(38, 10)``) for the amounts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.actuals.sql import DECIMAL_COLUMNS, TIDY_COLUMNS
from planner.errors import InputError, PlannerError

if TYPE_CHECKING:
    import pyarrow as pa

SCALE = Decimal("1E-10")


@dataclass(frozen=True)
class BillRow:
    """One row of the tidy table, amounts as Decimal."""

    month: str
    service: str
    usage_type: str
    operation: str
    resource_id: str
    tags: str
    charge_category: str
    pricing_category: str
    commitment_status: str
    commitment_id: str
    unit: str
    usage_quantity: Decimal
    unblended_usd: Decimal
    amortised_usd: Decimal
    list_usd: Decimal
    line_items: int

    def tag_map(self) -> dict[str, str]:
        """Tags with the export's ``user_`` / ``user:`` prefix removed."""
        try:
            raw = json.loads(self.tags or "{}")
        except json.JSONDecodeError:
            return {}
        if not isinstance(raw, dict):
            return {}
        out: dict[str, str] = {}
        for key, value in raw.items():
            name = str(key)
            for prefix in ("user_", "user:"):
                name = name.removeprefix(prefix)
            out[name] = "" if value is None else str(value)
        return out


def schema() -> pa.Schema:
    import pyarrow as pa

    fields = []
    for name in TIDY_COLUMNS:
        if name in DECIMAL_COLUMNS:
            fields.append(pa.field(name, pa.decimal128(38, 10), nullable=False))
        elif name == "line_items":
            fields.append(pa.field(name, pa.int64(), nullable=False))
        else:
            fields.append(pa.field(name, pa.string(), nullable=False))
    return pa.schema(fields, metadata={b"planner": b"tidy billing table v1"})


def _cell(name: str, value: Any) -> Any:
    if name in DECIMAL_COLUMNS:
        amount = Decimal(0) if value is None or value == "" else Decimal(str(value))
        return amount.quantize(SCALE)
    if name == "line_items":
        return int(value or 0)
    return "" if value is None else str(value)


def to_table(records: Iterable[Mapping[str, Any]]) -> pa.Table:
    """A tidy Arrow table from dicts keyed by the tidy columns (strings or Decimals)."""
    import pyarrow as pa

    rows = list(records)
    columns = {name: [_cell(name, r.get(name)) for r in rows] for name in TIDY_COLUMNS}
    return pa.Table.from_pydict(columns, schema=schema())


def conform(table: pa.Table) -> pa.Table:
    """Cast an engine's result to the tidy schema (column order and types)."""
    missing = [c for c in TIDY_COLUMNS if c not in table.column_names]
    if missing:
        raise PlannerError(f"tidy query result lacks columns {missing}")
    return table.select(list(TIDY_COLUMNS)).cast(schema())


def write_parquet(table: pa.Table, path: str | Path) -> None:
    """Write through the one output writer (atomic; special, read-only and input files safe)."""
    import pyarrow.parquet as pq

    from planner.output import write_file

    write_file(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"), option="-o")


def read_rows(path: str | Path) -> list[BillRow]:
    """The tidy table saved by ``planner actuals import`` / ``pull``, as rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = Path(path)
    if not target.is_file():
        raise InputError(
            f"{target}: --actuals file not found (make one with planner actuals import)"
        )
    try:
        table = pq.read_table(target)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{target}: not a Parquet file ({exc})") from exc
    missing = [c for c in TIDY_COLUMNS if c not in table.column_names]
    if missing:
        raise InputError(
            f"{target}: not a tidy billing table (missing columns {', '.join(missing)}); "
            "run planner actuals import on the raw export first"
        )
    table = conform(table)
    if table.num_rows == 0:
        raise InputError(
            f"{target}: the billing table has no lines; holding the plan against it would "
            "read as $0 spent (import or pull the bill again)"
        )
    return [BillRow(**row) for row in table.to_pylist()]
