"""The commitments table, JSON (a contract) and CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from planner.commitments.model import Commitments, Option
from planner.money import cents, usd

# Where each rate the offline snapshot lacks is named with the public sources searched for it.
SOURCES_SEARCHED = "docs/prices.md, 'Rates no public source holds'"


def money(value: Decimal | None) -> float | int | None:
    """A dollar figure for JSON: rounded to cents (half up)."""
    if value is None:
        return None
    c = cents(value)
    return int(c) if c == c.to_integral_value() else float(c)


def option_json(o: Option) -> dict[str, Any]:
    flow = o.cash_flow_usd
    return {
        "name": o.name,
        "resource": o.resource,
        "purchase": o.purchase,
        "upfront_usd": money(o.upfront_usd),
        "monthly_usd": money(o.monthly_usd),
        "recurring_monthly_usd": money(o.recurring_monthly_usd),
        "break_even_month": o.break_even_month,
        "savings_monthly_usd": money(o.savings_monthly_usd),
        "savings_pct": float(round(o.savings_pct, 1)),
        "savings_against": "current purchase",
        "current_monthly_usd": money(o.baseline_usd),
        "savings_vs_on_demand_monthly_usd": money(o.savings_vs_on_demand_usd),
        "term_months": o.term_months,
        "risk": o.risk,
        "current": o.current,
        "effective_hourly_usd": None
        if o.effective_hourly_usd is None
        else float(round(o.effective_hourly_usd, 6)),
        "on_demand_monthly_usd": money(o.on_demand_monthly_usd),
        "monthly_usd_at_min": money(o.monthly_usd_at_min),
        "unused_commitment_monthly_usd_at_min": money(o.unused_commitment_monthly_usd_at_min),
        "cash_12_months_usd": money(flow[11]) if len(flow) >= 12 else None,
        "cash_36_months_usd": money(flow[35]) if len(flow) >= 36 else None,
        "cash_flow_usd": [money(v) for v in flow],
        "at_expiry": "revert to on-demand" if o.term_months else None,
        "cash_36_months_renewed_usd": money(o.cash_flow_renewed_usd[35])
        if len(o.cash_flow_renewed_usd) >= 36
        else None,
        "cash_flow_renewed_usd": [money(v) for v in o.cash_flow_renewed_usd],
        "source": o.source,
    }


def commitments_json(c: Commitments) -> dict[str, Any]:
    sizing = None
    if c.sizing is not None:
        s = c.sizing
        sizing = {
            "quantile_rule": s.quantile_rule,
            "on_demand_equivalent_usd_per_hour": float(s.on_demand_equivalent_usd_per_hour),
            "commitment_usd_per_hour": None
            if s.commitment_usd_per_hour is None
            else float(round(s.commitment_usd_per_hour, 4)),
            "profile_hours": s.profile_hours,
            "instance_types": s.instance_types,
            "note": s.note,
        }
    return {
        "scenario": c.scenario,
        "region": c.region,
        "currency": "USD",
        "views": "monthly_usd is amortised (upfront / term months + recurring); upfront_usd is "
        "cash on day one; cash_flow_usd is cumulative cash by month, a commitment reverting to "
        "on-demand at the end of its term (cash_flow_renewed_usd: renewed instead); savings "
        "are against the current purchase",
        "risk_rule": c.risk_rule,
        "options": [option_json(o) for o in c.options],
        "missing_rates_sources_searched": SOURCES_SEARCHED,
        "missing_rates": [
            {
                "resource": m.resource,
                "purchase": m.purchase,
                "detail": m.detail,
                "command": m.command,
            }
            for m in c.missing_rates
        ],
        "savings_plan_sizing": sizing,
    }


CSV_COLUMNS = (
    "name",
    "resource",
    "risk",
    "upfront_usd",
    "monthly_usd",
    "recurring_monthly_usd",
    "break_even_month",
    "savings_monthly_usd",
    "on_demand_monthly_usd",
    "monthly_usd_at_min",
    "unused_commitment_monthly_usd_at_min",
    "cash_12_months_usd",
    "cash_36_months_usd",
    "cash_36_months_renewed_usd",
    "current_monthly_usd",
)


def commitments_csv(c: Commitments) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for o in c.options:
        row = option_json(o)
        writer.writerow(["" if row[k] is None else row[k] for k in CSV_COLUMNS])
    return buffer.getvalue()


def _cell(value: Decimal | None) -> str:
    return "unknown" if value is None else usd(value)


def commitments_table(c: Commitments) -> str:
    out = [
        f"Purchase options for {c.scenario} ({c.region}): cheapest first within each risk level",
        "monthly = amortised (upfront / term months + recurring); upfront = cash on day one; "
        "the two are never added",
        f"risk: {c.risk_rule}",
        "* = what the scenario buys today; savings are against it (not against on-demand); "
        "cash over 36 months reverts a 1-year term to on-demand at expiry",
        "",
        f"{'option':<52} {'risk':<6} {'upfront':>10} {'monthly':>10} {'recurring':>10} "
        f"{'saves/mo':>9} {'b-even':>6} {'unused@min':>10}",
    ]
    for o in c.options:
        be = "-" if o.break_even_month is None else f"m{o.break_even_month}"
        name = ("* " if o.current else "  ") + o.name[:50]
        out.append(
            f"{name:<52} {o.risk:<6} {_cell(o.upfront_usd):>10} {usd(o.monthly_usd):>10} "
            f"{_cell(o.recurring_monthly_usd):>10} {usd(o.savings_monthly_usd):>9} {be:>6} "
            f"{usd(o.unused_commitment_monthly_usd_at_min):>10}"
        )
    if c.missing_rates:
        out.append("")
        out.append(
            f"Missing rates ({len(c.missing_rates)} options not priced, never guessed; fill "
            f"with `{c.missing_rates[0].command}` or a user rate card; --format json lists each):"
        )
        grouped: dict[str, list[str]] = {}
        for m in c.missing_rates:
            what = m.purchase.partition(": ")[2]
            grouped.setdefault(m.resource, []).append(what.split(" x ")[0])
        for resource, whats in grouped.items():
            out.append(f"  {resource}: " + "; ".join(whats))
        out.append(f"  Public sources searched offline for these rates: {SOURCES_SEARCHED}")
    if c.sizing is not None:
        s = c.sizing
        out.append("")
        out.append(
            f"Savings Plan sizing: {usd(s.on_demand_equivalent_usd_per_hour)}/h of on-demand "
            f"EC2 spend ({', '.join(s.instance_types)})"
            + (
                ""
                if s.commitment_usd_per_hour is None
                else f" -> commit {s.commitment_usd_per_hour:.4f} $/h"
            )
        )
        out.append(f"  rule: {s.quantile_rule}")
        out.append(f"  {s.note}")
    return "\n".join(out) + "\n"
