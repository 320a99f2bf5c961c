"""A diff as one headline, a table for the terminal, and JSON for CI.

The table lists every resource, so its rows add up to its TOTAL row; the JSON carries the
same figures (displayed, rounded to the cent) with the exact totals beside them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from planner import figures
from planner.diff.model import RANGE_TEXT, Diff, LineChange, Priced, ResourceChange
from planner.figures import usd
from planner.money import ZERO, json_number

ARROW = "→"


def signed(value: Decimal) -> str:
    return usd(value, signed=True)


def pct_text(diff: Diff) -> str:
    return figures.pct(diff.comparison.base_total, diff.comparison.other_total)


def range_text(side: Priced) -> str:
    if side.range is None:
        return ""
    t = side.range.totals
    return f"{usd(t['min'])}..{usd(t['max'])}"


def headline(diff: Diff) -> str:
    """One line: the monthly change first, then what else a reviewer must know."""
    pct = pct_text(diff)
    parts = [
        f"monthly cost {signed(diff.delta)}"
        + (f" ({pct})" if pct else "")
        + f": {usd(diff.comparison.base_total)} {ARROW} {usd(diff.comparison.other_total)}"
    ]
    old, new = range_text(diff.base), range_text(diff.head)
    if old or new:
        parts.append(f"min..max {old or 'none'} {ARROW} {new or 'none'}")
    if diff.upfront_delta or diff.new_fees:
        parts.append(f"upfront cash {signed(diff.upfront_delta)}")
    if diff.new_warnings:
        n = len(diff.new_warnings)
        parts.append(f"{n} new look-ahead warning{'s' if n != 1 else ''}")
    if diff.newly_unpriced:
        n = len(diff.newly_unpriced)
        parts.append(f"{n} line{'s' if n != 1 else ''} became unpriced (not in totals)")
    if diff.head.unsupported:
        parts.append(f"{len(diff.head.unsupported)} Terraform resources not priced")
    if diff.head.usage_missing:
        parts.append(f"{len(diff.head.usage_missing)} usage quantities not given (assumed 0)")
    return "; ".join(parts)


def money_or_dash(value: Decimal | None) -> str:
    return "-" if value is None else usd(value)


def line_cell(line: LineChange, side: str) -> str:
    cost = line.base if side == "base" else line.head
    if cost is None:
        return "-"
    if cost.missing:
        return "UNPRICED"
    return usd(figures.line_usd(cost) or ZERO)


def line_unit(line: LineChange) -> str:
    cost = line.head or line.base
    return cost.unit if cost is not None else ""


def quantity_text(line: LineChange) -> str:
    def one(cost: Any) -> str:
        return "-" if cost is None else f"{figures.round_usd(cost.quantity, 3).normalize():f}"

    unit = line_unit(line)
    old, new = one(line.base), one(line.head)
    return f"{old} {unit}" if old == new else f"{old} {ARROW} {new} {unit}"


def table(diff: Diff) -> str:
    head = f"{'resource':<34}{'terraform':<40}{'base':>12}{'head':>12}{'change':>12}"
    out = [
        f"planner diff: {diff.base.label} {ARROW} {diff.head.label}",
        headline(diff),
        "",
        head,
        "-" * len(head),
    ]
    for r in diff.resources:
        out.append(
            f"{_cut(r.resource, 33):<34}{_cut(r.source, 39):<40}{money_or_dash(r.base_usd):>12}"
            f"{money_or_dash(r.head_usd):>12}{signed(r.delta) if r.delta else '':>12}"
        )
        if r.status != "unchanged":
            for line in r.lines:
                if line.changed:
                    out.append(
                        f"  {_cut(line.component, 70):<72}{line_cell(line, 'base'):>12}"
                        f"{line_cell(line, 'head'):>12}"
                    )
    out.append("-" * len(head))
    old, new = diff.comparison.base_total, diff.comparison.other_total
    out.append(f"{'TOTAL':<74}{usd(old):>12}{usd(new):>12}{signed(new - old):>12}")
    out += ["", *summary_lines(diff)]
    return "\n".join(out) + "\n"


def summary_lines(diff: Diff) -> list[str]:
    out: list[str] = []
    for side in (diff.base, diff.head):
        if side.range is not None:
            t = side.range.totals
            nodes = ", ".join(
                f"{g} {side.range.nodes['min'][g]}..{side.range.nodes['max'][g]}"
                for g in side.range.nodes["min"]
            )
            out.append(
                f"range {side.label}: {usd(t['min'])} min, {usd(t['expected'])} expected, "
                f"{usd(t['max'])} max a month; nodes {nodes} ({RANGE_TEXT[side.range.basis]})"
            )
    b_up, h_up = diff.base.report.upfront_usd, diff.head.report.upfront_usd
    out.append(f"upfront cash for purchases: {usd(b_up)} {ARROW} {usd(h_up)}")
    for fee in diff.new_fees:
        amount = "unknown" if fee.upfront_usd is None else usd(fee.upfront_usd)
        out.append(f"  new: {fee.resource} {fee.component} {fee.term} {fee.payment}: {amount}")
    out.append(f"new look-ahead warnings: {len(diff.new_warnings)}")
    out += [f"  - {w.message}" for w in diff.new_warnings]
    out.append(f"lines that became unpriced: {len(diff.newly_unpriced)}")
    out += [f"  - {ln.resource}: {ln.component} ({ln.price_source})" for ln in diff.newly_unpriced]
    for side in (diff.base, diff.head):
        if side.unsupported:
            out.append(
                f"not priced in {side.label} ({len(side.unsupported)} Terraform resources the "
                f"planner does not model): {', '.join(side.unsupported)}"
            )
        if side.usage_missing:
            out.append(
                f"usage not given in {side.label} ({len(side.usage_missing)}, assumed 0): "
                + ", ".join(side.usage_missing)
            )
    for side in (diff.base, diff.head):
        partial = figures.partial_note(side.report)
        if partial:
            out.append(f"{side.label}: {partial}")
    return out


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def as_json(diff: Diff, policy: dict[str, Any] | None = None) -> dict[str, Any]:
    old, new = diff.comparison.base_total, diff.comparison.other_total
    pct = diff.pct
    return {
        "headline": headline(diff),
        "currency": "USD",
        "rounding": "lines rounded to the cent (half up); totals are sums of rounded lines",
        "base": _side_json(diff.base),
        "head": _side_json(diff.head),
        "base_total_monthly_usd": json_number(old),
        "head_total_monthly_usd": json_number(new),
        "delta_monthly_usd": json_number(new - old),
        "delta_pct": None if pct is None else json_number(figures.round_usd(pct, 1)),
        "delta_annual_usd": json_number(figures.annual(new - old)),
        "delta_monthly_usd_exact": str(
            diff.head.report.total_monthly_usd - diff.base.report.total_monthly_usd
        ),
        "resources": [_resource_json(r) for r in diff.resources],
        "upfront": {
            "base_usd": json_number(diff.base.report.upfront_usd),
            "head_usd": json_number(diff.head.report.upfront_usd),
            "delta_usd": json_number(diff.upfront_delta),
            "new_fees": [
                {
                    "resource": f.resource,
                    "component": f.component,
                    "instances": f.instances,
                    "term": f.term,
                    "payment": f.payment,
                    "upfront_usd": None if f.upfront_usd is None else json_number(f.upfront_usd),
                    "source": f.source,
                }
                for f in diff.new_fees
            ],
        },
        "new_warnings": [w.as_json() for w in diff.new_warnings],
        "newly_unpriced": [
            {"resource": ln.resource, "component": ln.component, "price_source": ln.price_source}
            for ln in diff.newly_unpriced
        ],
        "policy": policy or {},
    }


def _side_json(side: Priced) -> dict[str, Any]:
    return {
        "label": side.label,
        "scenario": side.report.scenario,
        "total_monthly_usd": json_number(side.total),
        "complete": not side.report.missing,
        "missing_count": len(side.report.missing),
        "upfront_usd": json_number(side.report.upfront_usd),
        "range": None
        if side.range is None
        else {
            "basis": side.range.basis,
            "explained": RANGE_TEXT[side.range.basis],
            "monthly_usd": {k: json_number(v) for k, v in side.range.totals.items()},
            "nodes": side.range.nodes,
        },
        "look_ahead": [w.as_json() for w in side.warnings],
        "not_supported": list(side.unsupported),
        "usage_not_given": list(side.usage_missing),
    }


def _resource_json(r: ResourceChange) -> dict[str, Any]:
    def amount(value: Decimal | None) -> float | int | None:
        return None if value is None else json_number(value)

    return {
        "service": r.service,
        "resource": r.resource,
        "terraform": r.source,
        "status": r.status,
        "base_monthly_usd": amount(r.base_usd),
        "head_monthly_usd": amount(r.head_usd),
        "delta_usd": json_number(r.delta),
        "lines": [
            {
                "component": ln.component,
                "unit": line_unit(ln),
                "base_quantity": None if ln.base is None else str(ln.base.quantity),
                "head_quantity": None if ln.head is None else str(ln.head.quantity),
                "base_monthly_usd": amount(ln.base_usd),
                "head_monthly_usd": amount(ln.head_usd),
                "base_unpriced": bool(ln.base and ln.base.missing),
                "head_unpriced": bool(ln.head and ln.head.missing),
            }
            for ln in r.lines
        ],
    }
