"""Render an audit (hand estimate vs model) as a table or JSON, biggest differences first."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from planner.audit import AuditRow, explain
from planner.costing.engine import CostReport
from planner.money import ZERO, json_number, usd


def ranked(rows: list[AuditRow]) -> list[AuditRow]:
    return sorted(rows, key=lambda r: abs(r.difference_usd), reverse=True)


def audit_table(rows: list[AuditRow], report: CostReport) -> str:
    est_total = sum((r.estimate_usd for r in rows), ZERO)
    model_total = report.total_monthly_usd
    out = [
        f"Estimate vs list prices for scenario {report.scenario} (snapshot "
        f"{report.snapshot['date']}), biggest differences first",
        "",
        f"{'item':<44}{'estimate':>12}{'model':>12}{'difference':>13}",
        "-" * 81,
    ]
    for r in ranked(rows):
        out.append(
            f"{r.label[:43]:<44}{usd(r.estimate_usd):>12}{usd(r.model_usd):>12}"
            f"{usd(r.difference_usd):>13}"
        )
        why = explain(r)
        if why:
            out.append(f"    model: {why}")
        if r.note:
            out.append(f"    why: {r.note}")
    out.append("-" * 81)
    out.append(
        f"{'TOTAL':<44}{usd(est_total):>12}{usd(model_total):>12}{usd(model_total - est_total):>13}"
    )
    return "\n".join(out) + "\n"


def audit_json(rows: list[AuditRow], report: CostReport) -> dict[str, Any]:
    est_total: Decimal = sum((r.estimate_usd for r in rows), ZERO)
    return {
        "scenario": report.scenario,
        "currency": "USD",
        "estimate_total_usd": json_number(est_total),
        "model_total_usd": json_number(report.total_monthly_usd),
        "difference_usd": json_number(report.total_monthly_usd - est_total),
        "rows": [
            {
                "label": r.label,
                "service": r.service,
                "estimate_usd": json_number(r.estimate_usd),
                "model_usd": json_number(r.model_usd),
                "difference_usd": json_number(r.difference_usd),
                "model_lines": explain(r),
                "note": r.note,
            }
            for r in ranked(rows)
        ],
    }
