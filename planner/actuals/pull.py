"""``planner actuals pull``: Cost Explorer results -> the tidy table.

Cost Explorer groups by at most two dimensions (here SERVICE and USAGE_TYPE), so the tidy rows
have no resource id, tags or commitment status; amortised cost is Cost Explorer's
AmortizedCost. DAILY results are summed per month in the tidy table.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from planner.actuals.mapping import service_code
from planner.errors import InputError

ZERO = Decimal(0)


def period(months: int, today: dt.date) -> tuple[str, str]:
    """The last ``months`` whole months before ``today``'s month: (start, exclusive end)."""
    if not 1 <= months <= 14:
        raise InputError(f"--months {months}: Cost Explorer keeps 1 to 14 months of history")
    end = today.replace(day=1)
    year, month = end.year, end.month - months
    while month <= 0:
        month += 12
        year -= 1
    return dt.date(year, month, 1).isoformat(), end.isoformat()


def _amount(metrics: dict[str, Any], name: str) -> Decimal:
    value = metrics.get(name, {}).get("Amount", "0")
    return Decimal(str(value))


def tidy_records(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tidy-table records from Cost Explorer's ResultsByTime (groups by SERVICE, USAGE_TYPE)."""
    acc: dict[tuple[str, str, str, str], list[Any]] = defaultdict(lambda: [ZERO, ZERO, ZERO, 0])
    for result in results:
        month = str(result["TimePeriod"]["Start"])[:7]
        for group in result.get("Groups", []):
            keys = group.get("Keys", [])
            if len(keys) != 2:
                raise InputError(f"Cost Explorer group {keys}: expected SERVICE and USAGE_TYPE")
            metrics = group.get("Metrics", {})
            unit = str(metrics.get("UsageQuantity", {}).get("Unit", ""))
            a = acc[(month, service_code(keys[0]), keys[1], unit)]
            a[0] += _amount(metrics, "UsageQuantity")
            a[1] += _amount(metrics, "UnblendedCost")
            a[2] += _amount(metrics, "AmortizedCost")
            a[3] += 1
    return [
        {
            "month": month,
            "service": service,
            "usage_type": usage_type,
            "operation": "",
            "resource_id": "",
            "tags": "{}",
            "charge_category": "Usage",
            "pricing_category": "",
            "commitment_status": "",
            "commitment_id": "",
            "unit": "" if unit == "N/A" else unit,
            "usage_quantity": qty,
            "unblended_usd": unblended,
            "amortised_usd": amortised,
            "list_usd": ZERO,
            "line_items": n,
        }
        for (month, service, usage_type, unit), (qty, unblended, amortised, n) in sorted(
            acc.items()
        )
    ]
