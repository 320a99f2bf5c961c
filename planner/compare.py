"""Compare two priced scenarios: per-service and total deltas."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from planner.costing.engine import CostReport
from planner.costing.registry import service_label
from planner.money import ZERO, json_number, plain, usd
from planner.render import by_service_order


@dataclass(frozen=True)
class Comparison:
    base: CostReport
    other: CostReport
    services: tuple[tuple[str, Decimal, Decimal], ...]

    @property
    def base_total(self) -> Decimal:
        return self.base.total_monthly_usd

    @property
    def other_total(self) -> Decimal:
        return self.other.total_monthly_usd


def compare(base: CostReport, other: CostReport) -> Comparison:
    a, b = base.by_service(), other.by_service()
    keys = by_service_order({k: ZERO for k in {*a, *b}})
    rows = tuple((k, a.get(k, ZERO), b.get(k, ZERO)) for k in keys)
    return Comparison(base, other, rows)


def _pct(old: Decimal, new: Decimal) -> str:
    if old == 0:
        return "new" if new else ""
    return f"{(new - old) / old * 100:+.1f}%"


def compare_table(c: Comparison) -> str:
    head = f"{'service':<28}{c.base.scenario:>14}{c.other.scenario:>14}{'delta':>14}{'':>9}"
    out = [f"Monthly USD: {c.base.scenario} vs {c.other.scenario}", "", head, "-" * len(head)]
    for service, old, new in c.services:
        label = service_label(service)
        out.append(
            f"{label:<28}{usd(old):>14}{usd(new):>14}{usd(new - old):>14}{_pct(old, new):>9}"
        )
    out.append("-" * len(head))
    old, new = c.base_total, c.other_total
    out.append(f"{'TOTAL':<28}{usd(old):>14}{usd(new):>14}{usd(new - old):>14}{_pct(old, new):>9}")
    return "\n".join(out) + "\n"


def compare_json(c: Comparison) -> dict[str, Any]:
    return {
        "base": c.base.scenario,
        "other": c.other.scenario,
        "currency": "USD",
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
        "delta_total_usd": json_number(c.other_total - c.base_total),
        "delta_total_usd_exact": plain(c.other_total - c.base_total),
    }
