"""What a bill must be before planner adds it up (one line naming the file, column and value).

- **Currency**: every line in USD (``line_item_currency_code`` / ``BillingCurrency``), the
  currency of the price list it is held against. A EUR bill is refused, never read as dollars.
- **Billing period**: each line has one; a file's periods are reported.
- **One copy of each month**: the same file given twice, two copies or versions of the same
  month (a line identity in two files: ``identity_line_item_id`` + ``identity_time_interval``
  in CUR 2.0, the whole line in FOCUS), or the same account's month in both a CUR 2.0 and a
  FOCUS export, would count the bill twice: refused, naming both files.
- **Usage costs are not negative and every cost is finite**: credits, refunds and discounts
  may be negative (they are other charge types); a negative *usage* line is not a real bill.
- **Size**: the rows are counted up front (Parquet metadata; CSV estimated from the size) and
  a bill over ``--max-rows`` (default :data:`DEFAULT_MAX_ROWS`) is refused before DuckDB runs.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from planner.errors import InputError

DEFAULT_MAX_ROWS = 5_000_000
CURRENCY = "USD"

# per layout: currency, billing period, account, cost, charge type, usage charge value
COLUMNS: dict[str, dict[str, str]] = {
    "cur2": {
        "currency": "line_item_currency_code",
        "period": "bill_billing_period_start_date",
        "account": "bill_payer_account_id",
        "cost": "line_item_unblended_cost",
        "charge": "line_item_line_item_type",
    },
    "focus": {
        "currency": "BillingCurrency",
        "period": "BillingPeriodStart",
        "account": "BillingAccountId",
        "cost": "BilledCost",
        "charge": "ChargeCategory",
    },
}
CUR2_IDENTITY = ("identity_line_item_id", "identity_time_interval")


def estimate_rows(path: Path, kind: str) -> int:
    """Rows in an export file: exact for Parquet (metadata), estimated for CSV."""
    if kind == "parquet":
        import pyarrow.parquet as pq

        try:
            return int(pq.ParquetFile(path).metadata.num_rows)
        except Exception as exc:
            raise InputError(f"{path}: cannot read the parquet metadata ({exc})") from None
    size = path.stat().st_size
    opener: Any = open
    if path.name.lower().endswith(".gz"):
        import gzip

        opener = gzip.open
        size *= 8  # billing CSV compresses about 8:1
    with opener(path, "rb") as handle:
        sample = handle.read(65536)
    lines = max(1, sample.count(b"\n"))
    return int(size / max(1, len(sample) / lines))


def check_size(files: Sequence[tuple[Path, str]], max_rows: int) -> int:
    """Refuse a bill over ``max_rows``; print the estimate on stderr. Returns the estimate."""
    total = sum(estimate_rows(path, kind) for path, kind in files)
    print(f"reading about {total:,} billing rows from {len(files)} file(s)", file=sys.stderr)
    if total > max_rows:
        raise InputError(
            f"{files[0][0]}{' and others' if len(files) > 1 else ''}: about {total:,} billing "
            f"rows, more than --max-rows {max_rows:,}; filter the export (fewer months or "
            "accounts) or raise --max-rows"
        )
    return total


def check_group(
    con: Any, layout: str, source: str, names: Mapping[str, str], header: Sequence[str]
) -> dict[str, set[tuple[str, str]]]:
    """Check one group of files (same kind and layout) read by ``source`` (with
    ``filename = true``); ``names`` maps DuckDB's file names to the user's. Returns each
    file's (billing month, account) pairs."""
    cols = COLUMNS[layout]
    missing = [c for c in cols.values() if c not in header]
    if missing:
        raise InputError(
            f"{next(iter(names.values()))}: no column {missing[0]}; planner needs "
            f"{', '.join(cols.values())} to check the bill's currency and period"
        )
    c = {k: f'"{v}"' for k, v in cols.items()}
    rows = _sql(
        con,
        f"""
        SELECT filename, COALESCE(CAST({c["currency"]} AS VARCHAR), '') AS currency,
               strftime(CAST({c["period"]} AS TIMESTAMP), '%Y-%m') AS month,
               COALESCE(CAST({c["account"]} AS VARCHAR), '') AS account,
               count(*) AS lines,
               sum(CASE WHEN NOT isfinite(CAST({c["cost"]} AS DOUBLE)) THEN 1 ELSE 0 END),
               sum(CASE WHEN {c["charge"]} = 'Usage' AND CAST({c["cost"]} AS DOUBLE) < 0
                        THEN 1 ELSE 0 END),
               min(CASE WHEN {c["charge"]} = 'Usage' THEN CAST({c["cost"]} AS DOUBLE) END)
        FROM {source}
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        """,
    )
    spans: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for filename, currency, month, account, _lines, nonfinite, negative, lowest in rows:
        shown = names.get(filename, filename)
        if currency != CURRENCY:
            raise InputError(
                f"{shown}: {cols['currency']} {currency!r}: the bill must be in {CURRENCY} "
                "(the price list's currency); planner does not convert currencies"
            )
        if month is None:
            raise InputError(f"{shown}: {cols['period']} is empty on some lines")
        if nonfinite:
            raise InputError(
                f"{shown}: {cols['cost']} is not a finite number on {nonfinite} line(s)"
            )
        if negative:
            raise InputError(
                f"{shown}: {cols['cost']} {lowest} on a Usage line ({negative} such line(s), "
                f"month {month}): usage never costs less than nothing; credits and refunds "
                "are other charge types"
            )
        spans[shown].add((month, account))
    _check_duplicates(con, layout, source, names, header)
    return spans


def _check_duplicates(
    con: Any, layout: str, source: str, names: Mapping[str, str], header: Sequence[str]
) -> None:
    if len(names) < 2:
        return
    if layout == "cur2" and all(c in header for c in CUR2_IDENTITY):
        key = " || '|' || ".join(f"COALESCE(CAST(\"{c}\" AS VARCHAR), '')" for c in CUR2_IDENTITY)
    else:
        key = "hash(" + ", ".join(f'CAST("{c}" AS VARCHAR)' for c in header) + ")"
    rows = _sql(
        con,
        f"""
        SELECT list(DISTINCT filename ORDER BY filename)
        FROM (SELECT {key} AS k, filename FROM {source})
        GROUP BY k HAVING count(DISTINCT filename) > 1
        LIMIT 1
        """,
    )
    if rows:
        both = [names.get(f, f) for f in rows[0][0]]
        raise InputError(
            f"{both[0]} and {both[1]}: the same billing line is in both (two copies or versions "
            "of the same export); counting both would double the bill; pass one of them"
        )


def check_overlap(spans: Mapping[str, set[tuple[str, str]]], layouts: Mapping[str, str]) -> None:
    """The same account's month in exports of two layouts (CUR 2.0 and FOCUS) is one bill
    exported twice."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for name, pairs in spans.items():
        for pair in sorted(pairs):
            other = seen.get(pair)
            if other is not None and other[1] != layouts[name]:
                raise InputError(
                    f"{other[0]} and {name}: both hold month {pair[0]} of account "
                    f"{pair[1] or '(none)'}, as {other[1]} and {layouts[name]} exports of the "
                    "same bill; pass one layout"
                )
            seen.setdefault(pair, (name, layouts[name]))


def _sql(con: Any, query: str) -> list[tuple[Any, ...]]:
    import duckdb

    try:
        return list(con.sql(query).fetchall())
    except duckdb.Error as exc:
        raise InputError(f"DuckDB could not read the export: {str(exc).splitlines()[0]}") from exc
