"""The sweep's table, JSON and CSV: the cheapest variants and the Pareto frontiers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from planner.commitments.sweep import SweepResult, cheapest, frontiers
from planner.money import cents, usd


def sweep_json(result: SweepResult, top: int) -> dict[str, Any]:
    fr = frontiers(result)
    return {
        "scenario": result.scenario,
        "variants": result.count,
        "feasible": int(result.feasible.sum()),
        "priced": int(result.priced.sum()),
        "infeasible_combinations": {
            " / ".join(result.combos[c]): why for c, why in sorted(result.reasons.items())
        },
        "cheapest": [result.describe(i) for i in cheapest(result, top)],
        "pareto_cost_vs_headroom": [result.describe(i) for i in fr["cost_vs_headroom"]],
        "pareto_cost_vs_upfront": [result.describe(i) for i in fr["cost_vs_upfront"]],
    }


def _upfront(value: float | None) -> str:
    """Upfront cash, or "unknown" where the offer's upfront/recurring split is not published."""
    return "unknown" if value is None else usd(Decimal(str(round(value, 2))))


def _row(d: dict[str, Any]) -> str:
    gs = "; ".join(f"{g} {v['instance_type']} {v['purchase']}" for g, v in d["groups"].items())
    return (
        f"  {usd(cents(Decimal(str(d['monthly_usd'])))):>10} "
        f"{_upfront(d['upfront_usd']):>10} "
        f"{d['headroom_pct']:>6}%  {d['schedule']:<14} {gs}"
    )


def sweep_table(result: SweepResult, top: int) -> str:
    data = sweep_json(result, top)
    out = [
        f"Sweep of {result.scenario}: {data['variants']:,} variants, "
        f"{data['feasible']:,} feasible, "
        f"{data['priced']:,} priced (the rest have a missing rate); monthly = amortised",
        f"  {'monthly':>10} {'upfront':>10} {'headroom':>7}  {'schedule':<14} node groups",
        "Pareto frontier, monthly cost vs headroom at expected replicas:",
    ]
    out += [_row(d) for d in data["pareto_cost_vs_headroom"]]
    out.append("Pareto frontier, monthly cost vs upfront cash:")
    out += [_row(d) for d in data["pareto_cost_vs_upfront"]]
    out.append(f"Cheapest {len(data['cheapest'])} feasible variants:")
    out += [_row(d) for d in data["cheapest"]]
    if data["infeasible_combinations"]:
        out.append("Infeasible instance type combinations (marked, not dropped):")
        for combo, why in list(data["infeasible_combinations"].items())[:10]:
            out.append(f"  {combo}: {why}")
    return "\n".join(out) + "\n"


def sweep_csv(result: SweepResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "variant",
            "schedule",
            *[f"{g}_type" for g in result.groups],
            *[f"{g}_purchase" for g in result.groups],
            "monthly_usd",
            "upfront_usd",
            "headroom_pct",
            "feasible",
            "priced",
        ]
    )
    for flat in range(result.count):
        d = result.describe(flat)
        writer.writerow(
            [
                flat,
                d["schedule"],
                *[d["groups"][g]["instance_type"] for g in result.groups],
                *[d["groups"][g]["purchase"] for g in result.groups],
                f"{d['monthly_usd']:.2f}",
                "" if d["upfront_usd"] is None else f"{d['upfront_usd']:.2f}",
                d["headroom_pct"],
                d["feasible"],
                d["priced"],
            ]
        )
    return buffer.getvalue()
