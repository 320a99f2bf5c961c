"""Render cost reports as a terminal table, JSON (the CLI contract) or CSV.

Every amount shown follows :mod:`planner.figures`: lines rounded to the cent first, totals
are sums of the rounded lines (the exact figures are kept as ``*_exact``).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner import figures, provenance
from planner.costing.engine import CostReport
from planner.costing.fees import UpfrontFee
from planner.costing.lines import CostLine
from planner.costing.registry import service_label, service_rank
from planner.figures import usd
from planner.money import HOURS_PER_MONTH, ZERO, json_number, plain

if TYPE_CHECKING:
    from planner.lookahead import Warning


def line_json(line: CostLine) -> dict[str, Any]:
    shown = figures.line_usd(line)
    prov = provenance.of(line)
    return {
        "resource": line.resource,
        "service": line.service,
        "component": line.component,
        "quantity": json_number(line.quantity),
        "unit": line.unit,
        "unit_price_usd": None if line.unit_price_usd is None else json_number(line.unit_price_usd),
        "monthly_usd": None if shown is None else json_number(shown),
        "monthly_usd_exact": None if line.monthly_usd is None else plain(line.monthly_usd),
        "purchase_option": line.purchase_option,
        "price_source": line.price_source,
        "price_basis": line.price_basis,
        "price_ref": line.price_ref,
        "price_origin": prov.origin,
        "price_date": prov.price_date or None,
        "notes": prov.notes,
        "quantity_basis": line.quantity_basis,
        "quantity_note": line.quantity_note,
        "missing": line.missing,
    }


def completeness_json(report: CostReport) -> dict[str, Any]:
    """``complete``, the missing count and the "partial: N of M lines unpriced" note."""
    return {
        "complete": not report.missing,
        "missing_count": len(report.missing),
        "line_count": len(report.lines),
        "partial": figures.partial_note(report) or None,
    }


def report_json(
    report: CostReport,
    extra: dict[str, Any] | None = None,
    look_ahead: Sequence[Warning] = (),
) -> dict[str, Any]:
    total = figures.total(report)
    dates = provenance.date_range(report)
    out: dict[str, Any] = {
        "scenario": report.scenario,
        "region": report.region,
        "as_of": report.as_of,
        "currency": "USD",
        "hours_per_month": int(HOURS_PER_MONTH),
        "price_snapshot": report.snapshot,
        "price_dates": {
            "oldest": dates.oldest or None,
            "newest": dates.newest or None,
            "oldest_item": dates.oldest_item or None,
        },
        "rounding": "lines rounded to the cent (half up); totals are sums of rounded lines",
        **completeness_json(report),
        "total_monthly_usd": json_number(total),
        "total_annual_usd": json_number(figures.annual(total)),
        "total_monthly_usd_exact": plain(report.exact_monthly_usd),
        **discounts_json(report),
        "by_service": {
            k: json_number(v) for k, v in by_service_order(figures.by_service(report)).items()
        },
        "lines": [line_json(ln) for ln in report.lines],
        "missing_prices": [ln.price_source for ln in report.missing],
        "warnings": list(report.warnings) + [w.message for w in look_ahead],
        "look_ahead": [w.as_json() for w in look_ahead],
        "assumptions": list(report.assumptions),
    }
    if report.upfront_fees:
        # cash paid once for commitments; the monthly total holds only the amortised share
        out["upfront_usd"] = json_number(report.upfront_usd)
        out["upfront_fees"] = [upfront_json(f) for f in report.upfront_fees]
    if extra:
        out.update(extra)
    return out


def discounts_json(report: CostReport) -> dict[str, Any]:
    """List and effective totals (``total_monthly_usd`` stays the list total) and the discount
    lines of the scenario's ``discounts:`` block (none without one)."""
    total = figures.total(report)
    effective = figures.effective_total(report)
    return {
        "list_total_monthly_usd": json_number(total),
        "discounts_monthly_usd": json_number(figures.discounts_total(report)),
        "effective_total_monthly_usd": json_number(effective),
        "effective_total_annual_usd": json_number(figures.annual(effective)),
        "discount_lines": [line_json(ln) for ln in report.discount_lines],
    }


def upfront_json(fee: UpfrontFee) -> dict[str, Any]:
    amount = fee.upfront_usd
    return {
        "resource": fee.resource,
        "component": fee.component,
        "instances": fee.instances,
        "upfront_usd": None if amount is None else json_number(amount),
        "term": fee.term,
        "payment": fee.payment,
        "source": fee.source,
        "note": fee.note,
    }


CSV_COLUMNS = [
    "resource",
    "service",
    "component",
    "quantity",
    "unit",
    "unit_price_usd",
    "monthly_usd",
    "annual_usd",
    "monthly_usd_exact",
    "purchase_option",
    "price_basis",
    "price_origin",
    "price_date",
    "quantity_basis",
    "notes",
    "price_source",
    "quantity_note",
]


def csv_rows(report: CostReport) -> list[list[Any]]:
    """The cost lines as rows of :data:`CSV_COLUMNS` (money as Decimal), then the TOTAL row;
    with a ``discounts:`` block, the discount lines and the effective TOTAL after it."""
    rows = _csv_lines(report.lines)
    total = figures.total(report)
    partial = figures.partial_note(report)
    label = "TOTAL" + (f" ({partial})" if partial else "")
    # The exact column is a per-line detail: its TOTAL cells stay empty, so the only totals
    # on the sheet are sums of the displayed lines.
    rows.append(
        [label, "", "", None, "", None, total, figures.annual(total), None]
        + [""] * (len(CSV_COLUMNS) - 9)
    )
    if report.discount_lines:
        rows += _csv_lines(report.discount_lines)
        effective = figures.effective_total(report)
        rows.append(
            ["TOTAL effective (list + discounts and credits)", "", "", None, "", None]
            + [effective, figures.annual(effective), None]
            + [""] * (len(CSV_COLUMNS) - 9)
        )
    return rows


def _csv_lines(lines: Sequence[CostLine]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for ln in lines:
        shown = figures.line_usd(ln)
        prov = provenance.of(ln)
        rows.append(
            [
                ln.resource,
                ln.service,
                ln.component,
                ln.quantity,
                ln.unit,
                ln.unit_price_usd,
                shown,
                None if shown is None else figures.annual(shown),
                ln.monthly_usd,
                ln.purchase_option,
                ln.price_basis,
                prov.origin,
                prov.price_date,
                ln.quantity_basis,
                prov.notes,
                ln.price_source,
                ln.quantity_note,
            ]
        )
    return rows


def report_csv(report: CostReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow(
            [
                ""
                if v is None
                else f"{v:.2f}"
                if i in (6, 7)
                else plain(v)
                if isinstance(v, Decimal)
                else v
                for i, v in enumerate(row)
            ]
        )
    return buffer.getvalue()


def by_service_order(totals: dict[str, Decimal]) -> dict[str, Decimal]:
    """The same mapping, in report order of its AWS service codes."""
    return dict(sorted(totals.items(), key=lambda kv: service_rank(kv[0])))


def _qty(value: Decimal) -> str:
    """A quantity for the table: exact when short, else to 2 decimals (JSON keeps it exact)."""
    text = plain(value)
    return text if len(text) <= 12 else f"~{value:.2f}"


def _discount_table(report: CostReport, width: int) -> list[str]:
    """The discount lines under the list total, then the effective total (the bill)."""
    if not report.discount_lines:
        return []
    out = ["", "Discounts and credits (the scenario's discounts: block, each on its own line)"]
    grouped: dict[str, list[CostLine]] = defaultdict(list)
    for ln in report.discount_lines:
        grouped[ln.resource].append(ln)
    for resource, lns in grouped.items():
        out.append(f"  {resource}")
        for ln in lns:
            shown = figures.line_usd(ln)
            assert shown is not None and ln.unit_price_usd is not None
            rate = ln.unit_price_usd
            if resource == "discounts/enterprise":
                price = f"@ {plain(rate * 100)}%"
            else:
                price = f"@ -${plain(-rate)}" if rate < 0 else f"@ ${plain(rate)}"
            qty = f"{_qty(ln.quantity)} {ln.unit}"
            out.append(f"    {ln.component[:55]:<55} {qty[:14]:>14} {price:>11} {usd(shown):>12}")
    effective = figures.effective_total(report)
    out.append("-" * width)
    label = "TOTAL effective (list + discounts and credits: the bill)"
    out.append(f"{label:<{width - 27}}{usd(effective):>14}")
    out.append(
        f"{'TOTAL effective a year (12 months)':<{width - 27}}{usd(figures.annual(effective)):>14}"
    )
    return out


def report_table(
    report: CostReport,
    cost_range: dict[str, Decimal] | None = None,
    look_ahead: Sequence[Warning] = (),
) -> str:
    """Per service, then per resource and component, then the total; readable at 100 columns.

    Each line shows its displayed amount (rounded to the cent) and the date of its price data;
    service subtotals and the TOTAL are sums of the displayed lines, so the table foots.
    """
    out: list[str] = []
    snap = report.snapshot
    dates = provenance.date_range(report)
    out.append(
        f"Scenario {report.scenario} ({report.region}, as of {report.as_of}) — USD per month, "
        f"{HOURS_PER_MONTH} h"
    )
    out.append(f"Prices: bundled snapshot {snap['date']}; {dates.sentence()}")
    out.append("")
    grouped: dict[str, dict[str, list[CostLine]]] = defaultdict(lambda: defaultdict(list))
    for ln in report.lines:
        grouped[ln.service][ln.resource].append(ln)
    width = 100
    head = (
        f"    {'component':<43} {'quantity':>14} {'unit price':>11} {'monthly':>12}   "
        f"{'price date':>10}"
    )
    out.append(head)
    for service in by_service_order({s: ZERO for s in grouped}):
        resources = grouped[service]
        service_total = figures.sum_rounded(ln for lns in resources.values() for ln in lns)
        label = f"{service_label(service)} [{service}]"
        out.append(f"{label:<{width - 27}}{usd(service_total):>14}")
        for resource, lns in resources.items():
            out.append(f"  {resource}")
            for ln in lns:
                qty = f"{_qty(ln.quantity)} {ln.unit}"
                shown = figures.line_usd(ln)
                if shown is None:
                    price, cost = "no price", "MISSING"
                else:
                    assert ln.unit_price_usd is not None
                    price = f"@ ${plain(ln.unit_price_usd)}"
                    cost = usd(shown)
                flag = {"assumption": " *", "derived": " d", "missing": " !"}.get(
                    ln.price_basis, ""
                )
                if ln.quantity_basis == "assumption" and not flag:
                    flag = " *"
                date = provenance.of(ln).price_date
                out.append(
                    f"    {ln.component[:43]:<43} {qty:>14} {price:>11} {cost:>12}{flag:<2} "
                    f"{date:>10}"
                )
        out.append("")
    out.append("-" * width)
    total = figures.total(report)
    partial = figures.partial_note(report)
    label = "TOTAL (list prices)" + (f" — {partial.upper()}" if partial else "")
    out.append(f"{label:<{width - 27}}{usd(total):>14}")
    out.append(f"{'TOTAL a year (12 months)':<{width - 27}}{usd(figures.annual(total)):>14}")
    out += _discount_table(report, width)
    if report.upfront_fees:
        out.append(
            "Upfront, cash paid once (NOT in the monthly total, which has the amortised share):"
        )
        for fee in report.upfront_fees:
            amount = "unknown" if fee.upfront_usd is None else usd(fee.upfront_usd)
            out.append(
                f"  {fee.resource}: {fee.component} x {fee.instances}: {amount}"
                + (f" ({fee.note})" if fee.note else "")
            )
    if cost_range:
        parts = ", ".join(f"{k} replicas {usd(v)}" for k, v in cost_range.items())
        out.append(f"Cost range from the capacity model: {parts}")
    if report.missing:
        out.append(
            f"{partial}: {len(report.missing)} line(s) have no price and are NOT in the total "
            "(see warnings)."
        )
    out.append(
        "* quantity or price is an assumption; d = derived price (see price_source). "
        "Lines are rounded to the cent; totals add the rounded lines."
    )
    if look_ahead or report.warnings:
        out.append("")
        out.append("Warnings:")
        for text in (*report.warnings, *(w.message for w in look_ahead)):
            out.append(f"  - {text}")
    return "\n".join(out) + "\n"
