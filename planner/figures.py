"""The figures finance reads: one rounding rule and one formatter for every table and chart.

The rule (docs/notebooks-and-report.md, "Rounding"): **each cost line is rounded to the cent,
half up, first; every subtotal and total is the sum of the rounded lines.** A table's displayed
rows therefore always add up to its displayed TOTAL, in the CLI table, JSON, CSV, XLSX and
HTML. A delta is the difference of the two displayed figures. The exact sums stay available
as ``*_exact`` fields in JSON.

:func:`usd` is the one money formatter: tables, chart labels and hovers call it, so $132.50
shows as ``$133`` at whole dollars everywhere (half up, never half even).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from planner.money import CENT, ZERO, to_decimal

if TYPE_CHECKING:
    from planner.capacity.model import CapacityResult
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.costing.lines import CostLine
    from planner.topology import Topology

MONTHS_PER_YEAR = 12


def round_usd(value: Decimal | float | int, decimals: int = 2) -> Decimal:
    """Half-up rounding to ``decimals`` places (floats through their shortest repr)."""
    exponent = CENT if decimals == 2 else Decimal(1).scaleb(-decimals)
    return to_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)


def usd(value: Decimal | float | int, decimals: int = 2, *, signed: bool = False) -> str:
    """``$1,234.56`` (``-$1.00``; ``+$1.00`` when ``signed``), rounded half up."""
    rounded = round_usd(value, decimals)
    sign = "-" if rounded < 0 else ("+" if signed and rounded > 0 else "")
    return f"{sign}${abs(rounded):,.{decimals}f}"


def shown(amount: Decimal, decimals: int = 2) -> Decimal:
    """An amount as displayed: rounded to the cent, half up; with ``decimals`` below 2 (a
    whole-dollar report) the cent figure is rounded again, as a reader would round the cent
    table's row."""
    cents = round_usd(amount)
    return cents if decimals == 2 else round_usd(cents, decimals)


def add_shown(amounts: Iterable[Decimal], decimals: int = 2) -> Decimal:
    """The one rule for any total: each amount as displayed (:func:`shown`), then added."""
    return sum((shown(a, decimals) for a in amounts), ZERO)


def line_usd(line: CostLine, decimals: int = 2) -> Decimal | None:
    """A line's displayed monthly amount (None when unpriced)."""
    return None if line.monthly_usd is None else shown(line.monthly_usd, decimals)


def sum_rounded(lines: Iterable[CostLine], decimals: int = 2) -> Decimal:
    """The displayed total of some lines: the sum of their rounded amounts."""
    return add_shown((ln.monthly_usd for ln in lines if ln.monthly_usd is not None), decimals)


def total(report: CostReport, decimals: int = 2) -> Decimal:
    """The report's displayed monthly total (sum of rounded lines: the engine's one rule; at
    whole dollars each cent line is rounded again first)."""
    return report.total_monthly_usd if decimals == 2 else sum_rounded(report.lines, decimals)


def discounts_total(report: CostReport, decimals: int = 2) -> Decimal:
    """The scenario's discount lines (private rates, enterprise discount, credits), displayed:
    a negative amount, or 0 without a ``discounts:`` block."""
    return sum_rounded(report.discount_lines, decimals)


def effective_total(report: CostReport, decimals: int = 2) -> Decimal:
    """What the bill shows: the list total plus the discount lines (sums of rounded lines)."""
    return total(report, decimals) + discounts_total(report, decimals)


def by_service(report: CostReport, decimals: int = 2) -> dict[str, Decimal]:
    """Displayed monthly total per AWS service code (sums of rounded lines)."""
    if decimals == 2:
        return report.by_service()
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for ln in report.lines:
        amount = line_usd(ln, decimals)
        if amount is not None:
            totals[ln.service] += amount
    return dict(totals)


def by_resource(report: CostReport, decimals: int = 2) -> dict[tuple[str, str], Decimal]:
    """Displayed monthly total per (service code, resource)."""
    if decimals == 2:
        return report.by_resource()
    totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for ln in report.lines:
        amount = line_usd(ln, decimals)
        if amount is not None:
            totals[(ln.service, ln.resource)] += amount
    return dict(totals)


def annual(monthly: Decimal) -> Decimal:
    """Twelve displayed months (a sum of cents, so it needs no rounding of its own)."""
    return monthly * MONTHS_PER_YEAR


def partial_note(report: CostReport) -> str:
    """``"partial: 19 of 23 lines unpriced"``, or "" when every line has a price."""
    missing = len(report.missing)
    if not missing:
        return ""
    return f"partial: {missing} of {len(report.lines)} lines unpriced"


def pct(old: Decimal, new: Decimal) -> str:
    """Change from ``old`` to ``new`` in percent, one decimal, signed ("new" from zero)."""
    if old == 0:
        return "new" if new else ""
    change = ((new - old) / old * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{change:+.1f}%"


def state_totals(
    topology: Topology,
    result: CapacityResult,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
    decimals: int = 2,
) -> dict[str, Decimal]:
    """Displayed monthly total at each capacity state (min / expected / max).

    The state's lines are priced at its node counts and rounded first, like every other total,
    so the "expected" figure is the one the cost overview shows for a ``from_capacity`` scenario.
    """
    from planner.pricing import price_states

    reports = price_states(topology, result, catalog, allow_missing=allow_missing)
    return {state: total(report, decimals) for state, report in reports.items()}
