"""Render an audit (hand estimate vs model) as a table or JSON, biggest differences first.

Figures follow :mod:`planner.figures`: the model side of a row is the sum of its rounded
lines, the estimate is rounded to the cent, and a difference is model minus estimate as
shown; the TOTAL row is the sum of the rows shown, so the columns foot.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from planner import figures
from planner.audit import AuditRow, explain
from planner.costing.engine import CostReport
from planner.figures import usd
from planner.money import ZERO, json_number


@dataclass(frozen=True)
class Shown:
    """An audit row's three displayed figures."""

    estimate_usd: Decimal
    model_usd: Decimal

    @property
    def difference_usd(self) -> Decimal:
        return self.model_usd - self.estimate_usd


def shown(row: AuditRow, decimals: int = 2) -> Shown:
    """The row as displayed at ``decimals``: each model line rounded first, then summed."""
    estimate = figures.round_usd(figures.round_usd(row.estimate_usd), decimals)
    return Shown(estimate, figures.sum_rounded(row.lines, decimals))


def totals(rows: list[AuditRow], decimals: int = 2) -> Shown:
    """The TOTAL row: sums of the displayed rows."""
    each = [shown(r, decimals) for r in rows]
    return Shown(sum((s.estimate_usd for s in each), ZERO), sum((s.model_usd for s in each), ZERO))


def ranked(rows: list[AuditRow]) -> list[AuditRow]:
    return sorted(rows, key=lambda r: abs(shown(r).difference_usd), reverse=True)


def audit_table(rows: list[AuditRow], report: CostReport) -> str:
    total = totals(rows)
    out = [
        f"Estimate vs list prices for scenario {report.scenario} (snapshot "
        f"{report.snapshot['date']}), biggest differences first",
        "",
        f"{'item':<44}{'estimate':>12}{'model':>12}{'difference':>13}",
        "-" * 81,
    ]
    for r in ranked(rows):
        s = shown(r)
        out.append(
            f"{r.label[:43]:<44}{usd(s.estimate_usd):>12}{usd(s.model_usd):>12}"
            f"{usd(s.difference_usd):>13}"
        )
        why = explain(r)
        if why:
            out.append(f"    model: {why}")
        if r.note:
            out.append(f"    why: {r.note}")
    out.append("-" * 81)
    out.append(
        f"{'TOTAL':<44}{usd(total.estimate_usd):>12}{usd(total.model_usd):>12}"
        f"{usd(total.difference_usd):>13}"
    )
    partial = figures.partial_note(report)
    if partial:
        out.append(f"model side is {partial}")
    return "\n".join(out) + "\n"


def audit_json(rows: list[AuditRow], report: CostReport) -> dict[str, Any]:
    total = totals(rows)
    return {
        "scenario": report.scenario,
        "currency": "USD",
        "rounding": "lines rounded to the cent (half up); totals are sums of rounded lines",
        "complete": not report.missing,
        "missing_count": len(report.missing),
        "partial": figures.partial_note(report) or None,
        "estimate_total_usd": json_number(total.estimate_usd),
        "model_total_usd": json_number(total.model_usd),
        "difference_usd": json_number(total.difference_usd),
        "rows": [
            {
                "label": r.label,
                "service": r.service,
                "estimate_usd": json_number(shown(r).estimate_usd),
                "model_usd": json_number(shown(r).model_usd),
                "difference_usd": json_number(shown(r).difference_usd),
                "model_lines": explain(r),
                "note": r.note,
            }
            for r in ranked(rows)
        ],
    }
