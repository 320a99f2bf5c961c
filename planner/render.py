"""Render cost reports as a terminal table, JSON (the CLI contract) or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from planner.commitments.fees import UpfrontFee
from planner.costing.engine import CostReport
from planner.costing.lines import CostLine
from planner.costing.registry import service_label, service_rank
from planner.money import HOURS_PER_MONTH, ZERO, json_number, plain, usd


def line_json(line: CostLine) -> dict[str, Any]:
    return {
        "resource": line.resource,
        "service": line.service,
        "component": line.component,
        "quantity": json_number(line.quantity),
        "unit": line.unit,
        "unit_price_usd": None if line.unit_price_usd is None else json_number(line.unit_price_usd),
        "monthly_usd": None if line.monthly_usd is None else json_number(line.monthly_usd),
        "monthly_usd_exact": None if line.monthly_usd is None else plain(line.monthly_usd),
        "purchase_option": line.purchase_option,
        "price_source": line.price_source,
        "price_basis": line.price_basis,
        "price_ref": line.price_ref,
        "quantity_basis": line.quantity_basis,
        "quantity_note": line.quantity_note,
        "missing": line.missing,
    }


def report_json(report: CostReport, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    total = report.total_monthly_usd
    out: dict[str, Any] = {
        "scenario": report.scenario,
        "region": report.region,
        "as_of": report.as_of,
        "currency": "USD",
        "hours_per_month": int(HOURS_PER_MONTH),
        "price_snapshot": report.snapshot,
        "total_monthly_usd": json_number(total),
        "total_monthly_usd_exact": plain(total),
        "by_service": {k: json_number(v) for k, v in by_service_order(report.by_service()).items()},
        "lines": [line_json(ln) for ln in report.lines],
        "missing_prices": [ln.price_source for ln in report.missing],
        "warnings": list(report.warnings),
        "assumptions": list(report.assumptions),
    }
    if report.upfront_fees:
        # cash paid once for commitments; the monthly total holds only the amortised share
        out["upfront_usd"] = json_number(report.upfront_usd)
        out["upfront_fees"] = [upfront_json(f) for f in report.upfront_fees]
    if extra:
        out.update(extra)
    return out


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


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = [
    "resource",
    "service",
    "component",
    "quantity",
    "unit",
    "unit_price_usd",
    "monthly_usd",
    "purchase_option",
    "price_basis",
    "quantity_basis",
    "price_source",
    "quantity_note",
]


def report_csv(report: CostReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for ln in report.lines:
        writer.writerow(
            [
                ln.resource,
                ln.service,
                ln.component,
                plain(ln.quantity),
                ln.unit,
                "" if ln.unit_price_usd is None else plain(ln.unit_price_usd),
                "" if ln.monthly_usd is None else plain(ln.monthly_usd),
                ln.purchase_option,
                ln.price_basis,
                ln.quantity_basis,
                ln.price_source,
                ln.quantity_note,
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


def report_table(report: CostReport, cost_range: dict[str, Decimal] | None = None) -> str:
    """Per service, then per resource and component, then the total; readable at 100 columns."""
    out: list[str] = []
    snap = report.snapshot
    out.append(
        f"Scenario {report.scenario} ({report.region}, as of {report.as_of}) — USD per month, "
        f"{HOURS_PER_MONTH} h"
    )
    out.append(
        f"Prices: bundled snapshot {snap['date']} (source data dated {snap['source_dates'][0]}"
        f" to {snap['source_dates'][1]})"
    )
    out.append("")
    grouped: dict[str, dict[str, list[CostLine]]] = defaultdict(lambda: defaultdict(list))
    for ln in report.lines:
        grouped[ln.service][ln.resource].append(ln)
    width = 100
    for service in by_service_order({s: ZERO for s in grouped}):
        resources = grouped[service]
        service_total = sum(
            (ln.monthly_usd for lns in resources.values() for ln in lns if ln.monthly_usd),
            ZERO,
        )
        label = f"{service_label(service)} [{service}]"
        out.append(f"{label:<{width - 14}}{usd(service_total):>14}")
        for resource, lns in resources.items():
            out.append(f"  {resource}")
            for ln in lns:
                qty = f"{_qty(ln.quantity)} {ln.unit}"
                if ln.missing:
                    price, cost = "no price", "MISSING"
                else:
                    assert ln.unit_price_usd is not None and ln.monthly_usd is not None
                    price = f"@ ${plain(ln.unit_price_usd)}"
                    cost = usd(ln.monthly_usd)
                flag = {"assumption": " *", "derived": " d", "missing": " !"}.get(
                    ln.price_basis, ""
                )
                if ln.quantity_basis == "assumption" and not flag:
                    flag = " *"
                text = f"    {ln.component[:54]:<54} {qty:>16} {price:>12}"
                out.append(f"{text:<{width - 14}}{cost:>12}{flag:<2}")
        out.append("")
    out.append("-" * width)
    out.append(f"{'TOTAL (list prices)':<{width - 14}}{usd(report.total_monthly_usd):>14}")
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
            f"{len(report.missing)} line(s) have no price and are NOT in the total (see warnings)."
        )
    out.append("* quantity or price is an assumption; d = derived price (see price_source)")
    return "\n".join(out) + "\n"
