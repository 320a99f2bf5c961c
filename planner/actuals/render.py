"""Variance as a terminal table, JSON (the CLI contract) or CSV."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

from planner.actuals.variance import VarianceReport
from planner.money import ZERO, plain, usd


def _num(value: Decimal) -> float | int:
    """A JSON number with the Decimal's exact text (amounts carry at most 10 decimals)."""
    text = plain(value)
    return int(text) if "." not in text else float(text)


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def variance_json(report: VarianceReport) -> dict[str, Any]:
    """The contract: ``lines[]``, ``unplanned[]``, ``totals`` (plus context fields)."""
    return {
        "scenario": report.scenario,
        "actuals": report.source,
        "cost_basis": report.cost_basis,
        "currency": "USD",
        "months": list(report.months),
        "lines": [
            {
                "resource": ln.resource,
                "service": ln.service,
                "month": ln.month,
                "planned_usd": _num(ln.planned_usd),
                "actual_usd": _num(ln.actual_usd),
                "delta_usd": _num(ln.delta_usd),
                "delta_pct": _pct(ln.delta_pct),
                "cause": ln.cause,
                "cause_detail": ln.cause_detail,
                "component": ln.component,
                "usage_type": ln.usage_type,
                "planned_quantity": _num(ln.planned_quantity),
                "actual_quantity": _num(ln.actual_quantity),
                "unit": ln.unit,
            }
            for ln in report.lines
        ],
        "unplanned": [
            {
                "service": u.service,
                "usage_type": u.usage_type,
                "month": u.month,
                "actual_usd": _num(u.actual_usd),
                "commitment": u.commitment,
            }
            for u in report.unplanned
        ],
        "totals": {
            "planned_usd": _num(report.planned_total_usd),
            "planned_not_compared_usd": _num(report.not_compared_total_usd),
            "actual_usd": _num(report.actual_total_usd),
            # as the table and the pages show it: each service's month to the cent, added
            "actual_shown_usd": _num(report.actual_shown_total_usd),
            "unplanned_usd": _num(report.unplanned_total_usd),
            "unplanned_shown_usd": _num(report.unplanned_shown_total_usd),
            "matched_usd": _num(report.matched_total_usd),
        },
        "commitments": [
            {
                "month": c.month,
                "kind": c.kind,
                "used_usd": _num(c.used_usd),
                "unused_usd": _num(c.unused_usd),
                "savings_usd": _num(c.savings_usd),
                "coverage_pct": _pct(c.coverage_pct),
                "utilisation_pct": _pct(c.utilisation_pct),
            }
            for c in report.commitments
        ],
        "warnings": list(report.warnings),
    }


CSV_COLUMNS = (
    "kind",
    "month",
    "service",
    "resource",
    "component",
    "usage_type",
    "planned_usd",
    "actual_usd",
    "delta_usd",
    "delta_pct",
    "cause",
    "cause_detail",
)


def variance_csv(report: VarianceReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for ln in report.lines:
        pct = ln.delta_pct
        writer.writerow(
            [
                "line",
                ln.month,
                ln.service,
                ln.resource,
                ln.component,
                ln.usage_type,
                plain(ln.planned_usd),
                plain(ln.actual_usd),
                plain(ln.delta_usd),
                "" if pct is None else plain(round(pct, 2)),
                ln.cause,
                ln.cause_detail,
            ]
        )
    for u in report.unplanned:
        writer.writerow(
            [
                "unplanned",
                u.month,
                u.service,
                "",
                "",
                u.usage_type,
                "0",
                plain(u.actual_usd),
                plain(u.actual_usd),
                "",
                "unplanned",
                "",
            ]
        )
    return buffer.getvalue()


def variance_table(report: VarianceReport, top: int = 15) -> str:
    """Per-month totals, the largest variances with causes, unplanned spend, commitments."""
    out: list[str] = [
        f"Plan vs actual: {report.scenario}  ({report.cost_basis} cost, {report.source})",
        "",
        f"{'month':<9}{'planned':>14}{'actual':>14}{'delta':>14}{'unplanned':>14}",
    ]
    planned_by_month: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for ln in report.lines:
        planned_by_month[ln.month] += ln.planned_usd
    for _resource, _component, month, amount in report.not_compared:
        planned_by_month[month] += amount
    # actual and unplanned as shown: each service's month to the cent, then added
    actual_by_month = report.actual_by_month_shown()
    unplanned_by_month = report.unplanned_by_month_shown()
    for month in report.months:
        p, a, un = planned_by_month[month], actual_by_month[month], unplanned_by_month[month]
        out.append(f"{month:<9}{usd(p):>14}{usd(a):>14}{usd(a - p):>14}{usd(un):>14}")
    planned, actual = report.planned_total_usd, report.actual_shown_total_usd
    out.append(
        f"{'total':<9}{usd(planned):>14}{usd(actual):>14}{usd(actual - planned):>14}"
        f"{usd(report.unplanned_shown_total_usd):>14}"
    )
    if report.not_compared:
        names = sorted({f"{r} {c}" for r, c, _m, _a in report.not_compared})
        out.append(
            f"planned, not compared line by line (no usage-type mapping): "
            f"{usd(report.not_compared_total_usd)} in total ({'; '.join(names)})"
        )
    out += ["", f"Largest variances per line and month (top {top}):"]
    ranked = sorted(
        (ln for ln in report.lines if ln.cause != "on_plan"),
        key=lambda ln: (-abs(ln.delta_usd), ln.month, ln.resource),
    )
    for ln in ranked[:top]:
        pct = "" if ln.delta_pct is None else f" ({round(ln.delta_pct):+}%)"
        out.append(
            f"  {ln.month} {ln.resource:<24} {ln.component[:40]:<40} "
            f"{usd(ln.planned_usd):>10} -> {usd(ln.actual_usd):>10} {usd(ln.delta_usd):>10}{pct}"
        )
        out.append(f"      {ln.cause}: {ln.cause_detail}")
    on_plan = sum(1 for ln in report.lines if ln.cause == "on_plan")
    out.append(f"  ({on_plan} of {len(report.lines)} line-months on plan)")
    out += ["", "Unplanned spend (matches no planned line):"]
    if not report.unplanned:
        out.append("  none")
    for u in report.unplanned:
        tag = " [commitment]" if u.commitment else ""
        out.append(f"  {u.month} {u.service:<22} {u.usage_type:<36} {usd(u.actual_usd):>10}{tag}")
    out += ["", "Commitments (Savings Plans / RIs, from the amortised columns):"]
    if not report.commitments:
        out.append("  none in this data")
    for c in report.commitments:
        cov = "n/a" if c.coverage_pct is None else f"{round(c.coverage_pct, 1)}%"
        util = "n/a" if c.utilisation_pct is None else f"{round(c.utilisation_pct, 1)}%"
        out.append(
            f"  {c.month} {c.kind:<18} coverage {cov:>7}  utilisation {util:>7}  used "
            f"{usd(c.used_usd)}  unused {usd(c.unused_usd)}  saved vs on-demand, net of unused "
            f"{usd(c.savings_usd)}"
        )
    for w in report.warnings:
        out.append(f"warning: {w}")
    return "\n".join(out) + "\n"
