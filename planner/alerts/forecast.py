"""A month-by-month planned cost series from CSV, for ``--forecast``: ``month,monthly_usd``, or
the CSV ``planner forecast --format csv`` writes (its ``amortised_usd`` column: the budgets
count amortised cost).

The 12-month forecast will hand its series straight to ``build_policy(forecast=...)``; this
reader lets any series (a finance spreadsheet, the forecast's CSV) drive the budget today.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from planner.errors import InputError


def read_forecast(path: str) -> list[tuple[dt.date, Decimal]]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{file}: cannot read --forecast: {exc.strerror}") from None
    rows = list(csv.DictReader(text.splitlines()))
    columns = set(rows[0]) if rows else set()
    column = "monthly_usd" if "monthly_usd" in columns else "amortised_usd"
    if "month" not in columns or column not in columns:
        raise InputError(
            f"{file}: --forecast needs columns month,monthly_usd (2026-01,815.77) or the CSV of "
            "`planner forecast --format csv` (month,...,amortised_usd)"
        )
    out: list[tuple[dt.date, Decimal]] = []
    for i, row in enumerate(rows, start=2):
        raw_month, raw_usd = (row.get("month") or "").strip(), (row.get(column) or "")
        try:
            month = dt.date.fromisoformat(raw_month[:7] + "-01")
        except ValueError:
            raise InputError(
                f"{file}: line {i}: month {raw_month!r} is not YYYY-MM (e.g. 2026-01)"
            ) from None
        try:
            value = Decimal(raw_usd.strip())
        except InvalidOperation:
            raise InputError(f"{file}: line {i}: {column} {raw_usd!r} is not a number") from None
        if not value.is_finite() or value <= 0:
            raise InputError(f"{file}: line {i}: {column} {raw_usd!r} must be above 0")
        out.append((month, value))
    return out
