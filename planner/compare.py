"""Compare two priced scenarios: per-service, per-resource and total deltas, from the
displayed figures.

Each side's service and resource figures are sums of its rounded lines
(:mod:`planner.figures`); a delta is the difference of the two figures shown, so every
column, deltas included, foots. ``planner diff`` (:mod:`planner.diff`) builds on these.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from planner import figures
from planner.costing.engine import CostReport
from planner.costing.registry import service_label, service_rank
from planner.figures import pct, usd
from planner.money import ZERO, json_number
from planner.render import by_service_order


@dataclass(frozen=True)
class Comparison:
    base: CostReport
    other: CostReport
    services: tuple[tuple[str, Decimal, Decimal], ...]

    @property
    def base_total(self) -> Decimal:
        return sum((old for _, old, _ in self.services), ZERO)

    @property
    def other_total(self) -> Decimal:
        return sum((new for _, _, new in self.services), ZERO)


def compare(base: CostReport, other: CostReport) -> Comparison:
    a, b = figures.by_service(base), figures.by_service(other)
    keys = by_service_order({k: ZERO for k in {*a, *b}})
    rows = tuple((k, a.get(k, ZERO), b.get(k, ZERO)) for k in keys)
    return Comparison(base, other, rows)


def compare_resources(
    base: CostReport, other: CostReport
) -> tuple[tuple[str, str, Decimal | None, Decimal | None], ...]:
    """(service, resource, base USD, other USD) per priced resource, in report order.

    A side's figure is the sum of the resource's rounded lines there; None when the resource
    has no line on that side (added or removed).
    """
    a, b = figures.by_resource(base), figures.by_resource(other)
    present_a = {(ln.service, ln.resource) for ln in base.lines}
    present_b = {(ln.service, ln.resource) for ln in other.lines}
    order = {
        key: i
        for i, key in enumerate(
            dict.fromkeys([(ln.service, ln.resource) for ln in (*base.lines, *other.lines)])
        )
    }
    keys = sorted(present_a | present_b, key=lambda k: (service_rank(k[0]), order[k]))
    return tuple(
        (
            service,
            resource,
            a.get((service, resource), ZERO) if (service, resource) in present_a else None,
            b.get((service, resource), ZERO) if (service, resource) in present_b else None,
        )
        for service, resource in keys
    )


def _pct(old: Decimal, new: Decimal) -> str:
    return pct(old, new)


def compare_table(c: Comparison) -> str:
    # a column as wide as its scenario's name (and 2 spaces apart): names never run together
    w = max(18, len(c.base.scenario) + 2, len(c.other.scenario) + 2)
    head = f"{'service':<28}{c.base.scenario:>{w}}{c.other.scenario:>{w}}{'delta':>14}{'':>9}"
    out = [f"Monthly USD: {c.base.scenario} vs {c.other.scenario}", "", head, "-" * len(head)]
    for service, old, new in c.services:
        label = service_label(service)
        out.append(
            f"{label:<28}{usd(old):>{w}}{usd(new):>{w}}{usd(new - old):>14}{_pct(old, new):>9}"
        )
    out.append("-" * len(head))
    old, new = c.base_total, c.other_total
    out.append(
        f"{'TOTAL':<28}{usd(old):>{w}}{usd(new):>{w}}{usd(new - old):>14}{_pct(old, new):>9}"
    )
    annual = figures.annual
    out.append(
        f"{'TOTAL a year':<28}{usd(annual(old)):>{w}}{usd(annual(new)):>{w}}"
        f"{usd(annual(new - old)):>14}"
    )
    up_old, up_new = c.base.upfront_usd, c.other.upfront_usd
    if up_old or up_new or c.base.upfront_fees or c.other.upfront_fees:

        def cash(report: CostReport, amount: Decimal) -> str:
            unknown = any(f.upfront_usd is None for f in report.upfront_fees)
            return "unknown" if unknown and not amount else usd(amount) + ("+?" if unknown else "")

        known = not any(
            f.upfront_usd is None for f in (*c.base.upfront_fees, *c.other.upfront_fees)
        )
        out.append(
            f"{'Upfront, cash paid once':<28}{cash(c.base, up_old):>{w}}"
            f"{cash(c.other, up_new):>{w}}"
            f"{usd(up_new - up_old) if known else 'unknown':>14}"
        )
        out.append(
            "  (not in the monthly figures, which hold the amortised share; a monthly saving "
            "that needs upfront cash is not free money)"
        )
        for report in (c.base, c.other):
            for fee in report.upfront_fees:
                amount = "unknown" if fee.upfront_usd is None else usd(fee.upfront_usd)
                out.append(f"  {report.scenario}: {fee.resource}: {fee.component}: {amount}")
    for report in (c.base, c.other):
        partial = figures.partial_note(report)
        if partial:
            out.append(f"{report.scenario}: {partial}")
    return "\n".join(out) + "\n"


def _known_upfront(report: CostReport) -> float | int | None:
    if any(f.upfront_usd is None for f in report.upfront_fees):
        return None
    return json_number(report.upfront_usd)


def compare_json(c: Comparison) -> dict[str, Any]:
    delta = c.other_total - c.base_total
    return {
        "base": c.base.scenario,
        "other": c.other.scenario,
        "currency": "USD",
        "rounding": "lines rounded to the cent (half up); totals are sums of rounded lines",
        "complete": not c.base.missing and not c.other.missing,
        "missing_count": len(c.base.missing) + len(c.other.missing),
        "services": [
            {
                "service": s,
                "base_monthly_usd": json_number(old),
                "other_monthly_usd": json_number(new),
                "delta_usd": json_number(new - old),
            }
            for s, old, new in c.services
        ],
        "base_total_monthly_usd": json_number(c.base_total),
        "other_total_monthly_usd": json_number(c.other_total),
        "delta_total_usd": json_number(delta),
        "delta_total_annual_usd": json_number(figures.annual(delta)),
        "delta_total_usd_exact": str(c.other.exact_monthly_usd - c.base.exact_monthly_usd),
        # cash paid once for commitments, beside the monthly (amortised) figures; null where
        # a fee's amount is unknown (a Partial Upfront offer whose split is not published)
        "base_upfront_usd": _known_upfront(c.base),
        "other_upfront_usd": _known_upfront(c.other),
        "delta_upfront_usd": None
        if _known_upfront(c.base) is None or _known_upfront(c.other) is None
        else json_number(c.other.upfront_usd - c.base.upfront_usd),
        "upfront_complete": all(
            f.upfront_usd is not None for f in (*c.base.upfront_fees, *c.other.upfront_fees)
        ),
    }
