"""The tables the notebooks show, as pandas DataFrames (money as float USD, exact upstream).

Each function takes priced reports (or an audit) and returns one DataFrame with readable
column names; :func:`styled` formats the money columns for finance. Notebooks stay thin:
they call these and a chart from :mod:`planner.charts`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner.costing.engine import CostReport
from planner.costing.registry import service_label, service_rank
from planner.money import ZERO, usd

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

    from planner.audit import AuditRow
    from planner.capacity.model import CapacityResult, StateCost

USD = "monthly USD"


def _f(value: Decimal) -> float:
    return float(value)


def cost_by_service(report: CostReport) -> pd.DataFrame:
    """One row per AWS service: label, code, monthly USD and share of the total."""
    import pandas as pd

    total = report.total_monthly_usd
    rows = [
        {
            "service": service_label(code),
            "AWS service code": code,
            USD: _f(amount),
            "share of total": _f(amount / total) if total else 0.0,
        }
        for code, amount in sorted(report.by_service().items(), key=lambda kv: -kv[1])
    ]
    return pd.DataFrame(rows)


def cost_by_resource(report: CostReport) -> pd.DataFrame:
    """One row per resource (a node group, a database ...), biggest first."""
    import pandas as pd

    rows = [
        {"resource": resource, "service": service_label(code), USD: _f(amount)}
        for (code, resource), amount in report.by_resource().items()
    ]
    frame = pd.DataFrame(rows)
    return frame.sort_values(USD, ascending=False, kind="stable").reset_index(drop=True)


def cost_lines(report: CostReport) -> pd.DataFrame:
    """Every priced line: what, how much of it, at what price, and where the price is from."""
    import pandas as pd

    rows = [
        {
            "resource": ln.resource,
            "component": ln.component,
            "quantity": f"{ln.quantity.normalize():f} {ln.unit}",
            "unit price USD": None if ln.unit_price_usd is None else _f(ln.unit_price_usd),
            USD: None if ln.monthly_usd is None else _f(ln.monthly_usd),
            "quantity basis": ln.quantity_basis,
            "price source": ln.price_ref or ln.price_source,
        }
        for ln in report.lines
    ]
    return pd.DataFrame(rows)


def side_by_side(reports: Mapping[str, CostReport]) -> pd.DataFrame:
    """Per service, one column per scenario, plus a TOTAL row."""
    import pandas as pd

    codes = sorted({c for r in reports.values() for c in r.by_service()}, key=service_rank)
    rows: list[dict[str, Any]] = []
    for code in codes:
        row: dict[str, Any] = {"service": service_label(code)}
        for name, report in reports.items():
            row[name] = _f(report.by_service().get(code, ZERO))
        rows.append(row)
    total: dict[str, Any] = {"service": "TOTAL"}
    for name, report in reports.items():
        total[name] = _f(report.total_monthly_usd)
    rows.append(total)
    frame = pd.DataFrame(rows)
    names = list(reports)
    if len(names) == 2:
        frame["difference"] = frame[names[1]] - frame[names[0]]
    return frame


def audit_table(rows: Sequence[AuditRow]) -> pd.DataFrame:
    """The hand estimate against list prices, line by line, biggest differences first."""
    import pandas as pd

    from planner.audit import explain
    from planner.audit_render import ranked

    out = [
        {
            "item": r.label,
            "estimate USD": _f(r.estimate_usd),
            "list-price USD": _f(r.model_usd),
            "difference USD": _f(r.difference_usd),
            "why they differ": r.note or "not in the hand estimate",
            "how the list price is made up": explain(r),
        }
        for r in ranked(list(rows))
    ]
    return pd.DataFrame(out)


def assumptions_table(report: CostReport) -> pd.DataFrame:
    """Every quantity the scenario assumes (the source document does not give it), and why."""
    import pandas as pd

    frame = pd.DataFrame(list(report.assumptions), columns=["field", "value", "reason"])
    return frame.rename(columns={"field": "what", "value": "assumed value"})


def snapshot_table(report: CostReport) -> pd.DataFrame:
    """Where the prices come from: the snapshot date, the source data dates, the row count."""
    import pandas as pd

    snap = report.snapshot
    first, last = snap["source_dates"]
    return pd.DataFrame(
        [
            {"": "price snapshot built on", "value": snap["date"]},
            {"": "source price data dated", "value": f"{first} to {last}"},
            {"": "price rows in the snapshot", "value": f"{snap['rows']:,}"},
            {"": "region", "value": report.region},
            {"": "scenario date (as of)", "value": report.as_of},
            {"": "hours in a month", "value": "730 (AWS's convention: 8,760 h / 12)"},
        ]
    )


def whatif_deltas(base: CostReport, others: Sequence[CostReport]) -> pd.DataFrame:
    """One row per what-if: its total, the change against the base, and where it comes from."""
    import pandas as pd

    rows: list[dict[str, Any]] = [
        {
            "scenario": base.scenario,
            USD: _f(base.total_monthly_usd),
            "change USD": 0.0,
            "change %": 0.0,
            "biggest changes": "(the base)",
        }
    ]
    for other in others:
        delta = other.total_monthly_usd - base.total_monthly_usd
        rows.append(
            {
                "scenario": other.scenario,
                USD: _f(other.total_monthly_usd),
                "change USD": _f(delta),
                "change %": _f(delta / base.total_monthly_usd) if base.total_monthly_usd else 0.0,
                "biggest changes": _top_changes(base, other),
            }
        )
    return pd.DataFrame(rows)


def service_deltas(base: CostReport, others: Sequence[CostReport]) -> pd.DataFrame:
    """Long table: per what-if and service, the monthly change against the base."""
    import pandas as pd

    rows = []
    for other in others:
        a, b = base.by_service(), other.by_service()
        for code in sorted({*a, *b}, key=service_rank):
            change = b.get(code, ZERO) - a.get(code, ZERO)
            if change:
                rows.append(
                    {
                        "scenario": other.scenario,
                        "service": service_label(code),
                        "AWS service code": code,
                        "change USD": _f(change),
                    }
                )
    return pd.DataFrame(rows, columns=["scenario", "service", "AWS service code", "change USD"])


def _top_changes(base: CostReport, other: CostReport, n: int = 3) -> str:
    a, b = base.by_service(), other.by_service()
    changes = [(code, b.get(code, ZERO) - a.get(code, ZERO)) for code in {*a, *b}]
    changes = sorted((c for c in changes if c[1]), key=lambda c: abs(c[1]), reverse=True)
    parts = [f"{service_label(code)} {'+' if d > 0 else '-'}{usd(abs(d))}" for code, d in changes]
    return ", ".join(parts[:n]) or "no change"


def styled(frame: pd.DataFrame, decimals: int = 2, money: Sequence[str] | None = None) -> Styler:
    """Format money columns as ``$1,234.56`` (``decimals`` shown), shares as percentages."""
    money_cols = list(money) if money is not None else _money_columns(frame)
    formats: dict[str, Any] = {c: _usd_formatter(decimals) for c in money_cols}
    for col in frame.columns:
        if str(col).startswith("unit price"):
            formats[col] = _unit_price
    for col in frame.columns:
        if "share" in str(col) or str(col).endswith("%"):
            formats[col] = "{:+.1%}" if str(col).startswith("change") else "{:.1%}"
    text_cols: list[Hashable] = [
        c for c in frame.columns if c not in formats and frame[c].dtype.kind == "O"
    ]
    return (
        frame.style.format(formats, na_rep="no price")
        .hide(axis="index")
        .set_properties(subset=text_cols, **{"text-align": "left"})
        .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    )


def _money_columns(frame: pd.DataFrame) -> list[str]:
    return [
        str(c)
        for c in frame.columns
        if frame[c].dtype.kind == "f" and "share" not in str(c) and not str(c).endswith("%")
    ]


def _unit_price(value: float) -> str:
    return f"${value:.6g}"


def _usd_formatter(decimals: int) -> Any:
    def fmt(value: float) -> str:
        sign = "-" if value < 0 else ""
        return f"{sign}${abs(value):,.{decimals}f}"

    return fmt


def money(value: Decimal, decimals: int = 2) -> str:
    """One amount for a sentence: ``$1,234.56`` (or ``$1,235`` with ``decimals=0``)."""
    text: str = _usd_formatter(decimals)(float(value))
    return text


def md_money(value: Decimal, decimals: int = 2) -> str:
    """:func:`money` for Markdown: the dollar sign escaped (Jupyter reads ``$...$`` as math)."""
    return money(value, decimals).replace("$", "\\$")


# --- capacity (planner.capacity) -------------------------------------------------------------


def capacity_nodes(result: CapacityResult) -> pd.DataFrame:
    """Per node group: what a node offers, the group's size limits and the nodes needed."""
    import pandas as pd

    rows = [
        {
            "node group": g.name,
            "instance type": f"{g.instance_type} ({g.capacity_type.lower().replace('_', '-')})",
            "allocatable per node": (
                f"{g.allocatable_cpu_millicores / 1000:g} vCPU, "
                f"{g.allocatable_memory_mib / 1024:.1f} GiB, {g.max_pods} pods"
            ),
            "size limits (min-max)": f"{g.min_size}-{g.max_size}",
            "nodes at HPA min": g.nodes_at_min,
            "nodes expected": g.nodes_at_expected,
            "nodes at HPA max": g.nodes_at_max,
        }
        for g in result.node_groups
    ]
    return pd.DataFrame(rows)


def capacity_utilization(result: CapacityResult) -> pd.DataFrame:
    """Per node group and state: pods, and requested CPU and memory as a share of allocatable."""
    import pandas as pd

    from planner.capacity.model import STATES

    rows = [
        {
            "node group": g.name,
            "replicas at": state,
            "nodes": g.usage[state].nodes,
            "pods": g.usage[state].pods,
            "CPU requested %": g.usage[state].cpu_utilization_pct / 100,
            "memory requested %": g.usage[state].memory_utilization_pct / 100,
        }
        for g in result.node_groups
        for state in STATES
        if state in g.usage
    ]
    return pd.DataFrame(rows)


def quota_headroom(result: CapacityResult) -> pd.DataFrame:
    """The namespace ResourceQuota per state: used, limit, headroom; LimitRange breaches."""
    import pandas as pd

    rows = []
    for check in result.quota_checks:
        if check.kind != "ResourceQuota" and check.ok:
            continue  # every container within the LimitRange: summarized in the narrative
        rows.append(
            {
                "check": check.kind,
                "replicas at": check.state or "",
                "what": check.field
                if check.workload is None
                else f"{check.workload} {check.field}",
                "used": check.used,
                "limit": check.limit,
                "headroom": _headroom(check.field, check.used, check.limit),
                "ok": "yes" if check.ok else "NO",
            }
        )
    return pd.DataFrame(
        rows, columns=["check", "replicas at", "what", "used", "limit", "headroom", "ok"]
    )


def _headroom(field: str, used: str, limit: str) -> str:
    from planner.quantities import (
        QuantityError,
        format_cpu,
        format_memory,
        parse_cpu_millicores,
        parse_memory_bytes,
    )

    try:
        if "cpu" in field:
            a, b = parse_cpu_millicores(used), parse_cpu_millicores(limit)
            left = format_cpu(b - a) if b >= a else "-" + format_cpu(a - b)
        else:
            a, b = parse_memory_bytes(used), parse_memory_bytes(limit)
            left = format_memory(b - a) if b >= a else "-" + format_memory(a - b)
    except (QuantityError, ValueError):
        return ""
    return f"{left} ({(b - a) / b:.0%})" if b else left


def unplaced_pods(result: CapacityResult) -> pd.DataFrame:
    import pandas as pd

    rows = [
        {"replicas at": u.state, "workload": u.workload, "pods": u.count, "why": u.reason}
        for u in result.unplaced
    ] + [
        {
            "replicas at": e.state,
            "workload": f"node group {e.node_group}",
            "pods": 0,
            "why": f"needs {e.nodes_needed} nodes, above its max_size {e.max_size}",
        }
        for e in result.exceeded_maxima
    ]
    return pd.DataFrame(rows, columns=["replicas at", "workload", "pods", "why"])


def cost_range(costs: Mapping[str, StateCost]) -> pd.DataFrame:
    """Monthly total at HPA min / expected / max replicas, with the nodes each needs."""
    import pandas as pd

    rows = [
        {
            "replicas at": state,
            "nodes": ", ".join(f"{k} {v}" for k, v in cost.nodes.items()),
            "node groups USD": float(Decimal(cost.node_groups_monthly_usd)),
            USD: float(Decimal(cost.monthly_usd)),
        }
        for state, cost in costs.items()
    ]
    return pd.DataFrame(rows)
