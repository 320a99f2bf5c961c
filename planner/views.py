"""The tables the notebooks show, as pandas DataFrames (money as float USD, exact upstream).

Each function takes priced reports (or an audit) and returns one DataFrame with readable
column names; :func:`styled` formats the money columns for finance. Notebooks stay thin:
they call these and a chart from :mod:`planner.charts`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner import figures, provenance
from planner.costing.engine import CostReport
from planner.costing.registry import service_label, service_rank
from planner.figures import usd
from planner.money import ZERO

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

    from planner.assumptions import Assumption
    from planner.audit import AuditRow
    from planner.capacity.model import CapacityResult, StateCost
    from planner.lookahead import Warning

USD = "monthly USD"
ANNUAL = "annual USD"
TOTAL = "TOTAL"


def _f(value: Decimal) -> float:
    return float(value)


def _total_row(first: str, **money: Decimal) -> dict[str, Any]:
    return {first: TOTAL, **{k: _f(v) for k, v in money.items()}}


def cost_by_service(report: CostReport, decimals: int = 2) -> pd.DataFrame:
    """One row per AWS service: label, code, monthly and annual USD, share; then TOTAL.

    ``decimals`` is the report's ``usd_decimals``: lines are rounded to it first, so every
    figure (and the TOTAL, their sum) is the one the page shows.
    """
    import pandas as pd

    total = figures.total(report, decimals)
    rows: list[dict[str, Any]] = [
        {
            "service": service_label(code),
            "AWS service code": code,
            USD: _f(amount),
            ANNUAL: _f(figures.annual(amount)),
            "share of total": _f(amount / total) if total else 0.0,
        }
        for code, amount in sorted(
            figures.by_service(report, decimals).items(), key=lambda kv: -kv[1]
        )
    ]
    rows.append(
        {
            "service": _total_name(report),
            "AWS service code": "",
            USD: _f(total),
            ANNUAL: _f(figures.annual(total)),
            "share of total": 1.0 if total else 0.0,
        }
    )
    return pd.DataFrame(rows)


def _total_name(report: CostReport) -> str:
    partial = figures.partial_note(report)
    return f"{TOTAL} ({partial})" if partial else TOTAL


def cost_by_resource(report: CostReport, decimals: int = 2) -> pd.DataFrame:
    """One row per resource (a node group, a database ...), biggest first; then TOTAL."""
    import pandas as pd

    rows = [
        {"resource": resource, "service": service_label(code), USD: _f(amount)}
        for (code, resource), amount in figures.by_resource(report, decimals).items()
    ]
    frame = pd.DataFrame(rows)
    frame = frame.sort_values(USD, ascending=False, kind="stable").reset_index(drop=True)
    total = figures.total(report, decimals)
    frame[ANNUAL] = [_f(figures.annual(Decimal(repr(v)))) for v in frame[USD]]
    last = pd.DataFrame(
        [
            {
                "resource": _total_name(report),
                "service": "",
                USD: _f(total),
                ANNUAL: _f(figures.annual(total)),
            }
        ]
    )
    return pd.concat([frame, last], ignore_index=True)


def cost_lines(report: CostReport, decimals: int = 2) -> pd.DataFrame:
    """Every line: what, how much, at what price, from where and of when, with caveats.

    Unit prices keep their own precision at any ``decimals`` (they are never summed).
    """
    import pandas as pd

    rows = []
    for ln in report.lines:
        prov = provenance.of(ln)
        shown = figures.line_usd(ln, decimals)
        rows.append(
            {
                "resource": ln.resource,
                "component": ln.component,
                "quantity": f"{ln.quantity.normalize():f} {ln.unit}",
                "unit price USD": None if ln.unit_price_usd is None else _f(ln.unit_price_usd),
                USD: None if shown is None else _f(shown),
                "price basis": prov.basis_label,
                "price origin": prov.origin,
                "price date": prov.price_date,
                "quantity basis": ln.quantity_basis,
                "notes": prov.notes,
            }
        )
    total = figures.total(report, decimals)
    rows.append({"resource": _total_name(report), USD: _f(total)})
    frame = pd.DataFrame(rows)
    text = [c for c in frame.columns if c not in ("unit price USD", USD)]
    frame[text] = frame[text].fillna("")
    return frame


def discounts_table(report: CostReport, decimals: int = 2) -> pd.DataFrame:
    """The scenario's discount lines under the list total, then the effective total (the bill);
    empty without a ``discounts:`` block."""
    import pandas as pd

    if not report.discount_lines:
        return pd.DataFrame(columns=["resource", "component", "basis", USD])
    total = figures.total(report, decimals)
    # the list total is a row to add up (not a TOTAL row), so that the effective TOTAL foots
    rows: list[dict[str, Any]] = [{"resource": "list prices (every cost line)", USD: _f(total)}]
    for ln in report.discount_lines:
        shown = figures.line_usd(ln, decimals)
        rows.append(
            {
                "resource": ln.resource,
                "component": ln.component,
                "basis": ln.price_source,
                USD: None if shown is None else _f(shown),
            }
        )
    rows.append(
        {
            "resource": "TOTAL (effective: the bill)",
            USD: _f(figures.effective_total(report, decimals)),
        }
    )
    frame = pd.DataFrame(rows)
    frame[["component", "basis"]] = frame[["component", "basis"]].fillna("")
    return frame


def side_by_side(reports: Mapping[str, CostReport], decimals: int = 2) -> pd.DataFrame:
    """Per service, one column per scenario, then TOTAL and TOTAL a year."""
    import pandas as pd

    by = {name: figures.by_service(r, decimals) for name, r in reports.items()}
    codes = sorted({c for r in by.values() for c in r}, key=service_rank)
    rows: list[dict[str, Any]] = []
    for code in codes:
        row: dict[str, Any] = {"service": service_label(code)}
        for name in reports:
            row[name] = _f(by[name].get(code, ZERO))
        rows.append(row)
    totals = {name: sum(by[name].values(), ZERO) for name in reports}
    rows.append({"service": TOTAL, **{n: _f(t) for n, t in totals.items()}})
    rows.append(
        {"service": f"{TOTAL} a year", **{n: _f(figures.annual(t)) for n, t in totals.items()}}
    )
    frame = pd.DataFrame(rows)
    names = list(reports)
    if len(names) == 2:
        # from the displayed figures (each a sum of cents), exact in Decimal
        frame["difference"] = [
            _f(Decimal(repr(b)) - Decimal(repr(a)))
            for a, b in zip(frame[names[0]], frame[names[1]], strict=True)
        ]
    return frame


def audit_table(rows: Sequence[AuditRow], decimals: int = 2) -> pd.DataFrame:
    """The hand estimate against list prices, line by line, biggest differences first; TOTAL."""
    import pandas as pd

    from planner.audit import explain
    from planner.audit_render import ranked, shown, totals

    out: list[dict[str, Any]] = []
    for r in ranked(list(rows)):
        s = shown(r, decimals)
        out.append(
            {
                "item": r.label,
                "estimate USD": _f(s.estimate_usd),
                "list-price USD": _f(s.model_usd),
                "difference USD": _f(s.difference_usd),
                "why they differ": r.note or "not in the hand estimate",
                "how the list price is made up": explain(r),
            }
        )
    t = totals(list(rows), decimals)
    out.append(
        {
            "item": TOTAL,
            "estimate USD": _f(t.estimate_usd),
            "list-price USD": _f(t.model_usd),
            "difference USD": _f(t.difference_usd),
            "why they differ": "",
            "how the list price is made up": "",
        }
    )
    return pd.DataFrame(out)


def assumptions_table(
    report: CostReport, effects: Sequence[Assumption] | None = None
) -> pd.DataFrame:
    """Every quantity the scenario assumes: plain name, value with unit, dollar effect, why."""
    import pandas as pd

    if effects is None:
        from planner.assumptions import plain_name

        rows = []
        for item in report.assumptions:
            name, unit = plain_name(item["field"])
            rows.append(
                {
                    "assumption": name,
                    "field": item["field"],
                    "assumed value": f"{item['value']} {unit}".strip(),
                    "reason": item["reason"],
                }
            )
        return pd.DataFrame(rows, columns=["assumption", "field", "assumed value", "reason"])
    return pd.DataFrame(
        [
            {
                "assumption": a.name,
                "field": a.field,
                "assumed value": f"{a.value.normalize():f} {a.unit}".strip(),
                "effect on the monthly bill USD": None
                if a.monthly_usd_effect is None
                else _f(a.monthly_usd_effect),
                "reason": a.reason,
            }
            for a in effects
        ],
        columns=[
            "assumption",
            "field",
            "assumed value",
            "effect on the monthly bill USD",
            "reason",
        ],
    )


def snapshot_table(report: CostReport) -> pd.DataFrame:
    """Where the prices come from: the price data's own dates, the oldest, the snapshot."""
    import pandas as pd

    snap = report.snapshot
    dates = provenance.date_range(report)
    origins = sorted({p.origin for ln in report.lines if (p := provenance.of(ln)).origin})
    return pd.DataFrame(
        [
            {"": "price data used, dated", "value": f"{dates.oldest} to {dates.newest}"},
            {"": "oldest price used", "value": f"{dates.oldest_item} ({dates.oldest})"},
            {"": "price origins", "value": ", ".join(origins)},
            {"": "price snapshot assembled on", "value": snap["date"]},
            {"": "price rows in the snapshot", "value": f"{snap['rows']:,}"},
            {"": "region", "value": report.region},
            {"": "scenario date (as of)", "value": report.as_of},
            {"": "hours in a month", "value": "730 (AWS's convention: 8,760 h / 12)"},
            {
                "": "rounding",
                "value": "each line to the cent (half up); totals add the rounded lines",
            },
        ]
    )


def warnings_table(warnings: Sequence[Warning]) -> pd.DataFrame:
    """The look-ahead warnings: when, what, and what it does to the monthly bill."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "when": w.date or "now",
                "about": w.subject,
                "monthly USD": None if w.monthly_usd_change is None else _f(w.monthly_usd_change),
                "warning": w.message,
            }
            for w in warnings
        ],
        columns=["when", "about", "monthly USD", "warning"],
    )


def whatif_deltas(
    base: CostReport,
    others: Sequence[CostReport],
    saving_ends: Mapping[str, str] | None = None,
    decimals: int = 2,
) -> pd.DataFrame:
    """One row per what-if: its total, the change against the base, until when, and why."""
    import pandas as pd

    ends = saving_ends or {}
    base_total = figures.total(base, decimals)
    rows: list[dict[str, Any]] = [
        {
            "scenario": base.scenario,
            USD: _f(base_total),
            "change USD": 0.0,
            "change a year USD": 0.0,
            "change %": 0.0,
            "upfront USD": _f(base.upfront_usd),
            "change lasts": "",
            "biggest changes": "(the base)",
        }
    ]
    for other in others:
        total = figures.total(other, decimals)
        delta = total - base_total
        rows.append(
            {
                "scenario": other.scenario,
                USD: _f(total),
                "change USD": _f(delta),
                # a change that ends inside the horizon has no annual figure
                "change a year USD": None if other.scenario in ends else _f(figures.annual(delta)),
                "change %": _f(delta / base_total) if base_total else 0.0,
                # cash paid once for commitments: beside the monthly (amortised) change
                "upfront USD": _f(other.upfront_usd),
                "change lasts": ends.get(other.scenario, "the whole horizon"),
                "biggest changes": _top_changes(base, other, decimals),
            }
        )
    return pd.DataFrame(rows)


def service_deltas(
    base: CostReport, others: Sequence[CostReport], decimals: int = 2
) -> pd.DataFrame:
    """Long table: per what-if and service, the monthly change against the base."""
    import pandas as pd

    rows = []
    a = figures.by_service(base, decimals)
    for other in others:
        b = figures.by_service(other, decimals)
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
        rows.append(
            {
                "scenario": other.scenario,
                "service": TOTAL,
                "AWS service code": "",
                "change USD": _f(figures.total(other, decimals) - figures.total(base, decimals)),
            }
        )
    return pd.DataFrame(rows, columns=["scenario", "service", "AWS service code", "change USD"])


def _top_changes(base: CostReport, other: CostReport, decimals: int = 2, n: int = 3) -> str:
    a, b = figures.by_service(base, decimals), figures.by_service(other, decimals)
    changes = [(code, b.get(code, ZERO) - a.get(code, ZERO)) for code in {*a, *b}]
    changes = sorted((c for c in changes if c[1]), key=lambda c: abs(c[1]), reverse=True)
    parts = [f"{service_label(code)} {usd(d, decimals, signed=True)}" for code, d in changes]
    return ", ".join(parts[:n]) or "no change"


def styled(
    frame: pd.DataFrame,
    decimals: int = 2,
    money: Sequence[str] | None = None,
    na_rep: str = "no price",
) -> Styler:
    """Format money columns as ``$1,234.56`` (``decimals`` shown), shares as percentages.

    With fewer than 2 decimals each row is rounded (half up) and every TOTAL row becomes the
    sum of the rounded rows above it (back to the previous TOTAL), so the table still foots.
    Unit prices keep their own precision and are never summed. A missing money value shows
    ``na_rep`` ("no price"); a missing cell that is not a price (a percentage, text, any cell
    of a TOTAL row) is empty.
    """
    money_cols = list(money) if money is not None else _money_columns(frame)
    totals = total_rows(frame)
    if decimals < 2 and len(frame):
        frame = refoot(frame, money_cols, decimals)
    formats: dict[str, Any] = {c: _usd_formatter(decimals) for c in money_cols}
    for col in frame.columns:
        if _is_unit_price(col):
            formats[str(col)] = _unit_price
    for col in frame.columns:
        if "share" in str(col) or str(col).endswith("%"):
            formats[str(col)] = "{:+.1%}" if str(col).startswith("change") else "{:.1%}"
    na = {str(c): (na_rep if str(c) in money_cols or _is_unit_price(c) else "") for c in frame}
    text_cols: list[Hashable] = [
        c for c in frame.columns if c not in formats and frame[c].dtype.kind == "O"
    ]
    from planner.tables import Table

    table = Table(frame)
    styler = table.format(formats, na_rep="")
    rest = [i for i in frame.index if i not in set(frame.index[totals])]
    for col, rep in na.items():
        if rep and col in formats:
            styler = styler.format(formats[col], subset=(rest, [col]), na_rep=rep)
    styler = (
        styler.hide(axis="index")
        .set_properties(subset=text_cols, **{"text-align": "left"})
        .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    )
    if totals:
        styler = styler.apply(
            lambda row: (
                ["font-weight: bold; border-top: 1px solid #444"] * len(row)
                if row.name in set(frame.index[totals])
                else [""] * len(row)
            ),
            axis=1,
        )
    table.fast(formats, text_cols, totals, na)
    result: Styler = styler
    return result


def total_rows(frame: pd.DataFrame) -> list[int]:
    """Positions of the TOTAL rows: a text cell that starts with "TOTAL" (in any column:
    the what-if table labels its per-scenario totals in the second)."""
    out = []
    for i, record in enumerate(frame.itertuples(index=False, name=None)):
        if any(isinstance(v, str) and v.startswith(TOTAL) for v in record):
            out.append(i)
    return out


def _total_label(record: Sequence[Any]) -> str:
    return next(v for v in record if isinstance(v, str) and v.startswith(TOTAL))


def refoot(frame: pd.DataFrame, money_cols: Sequence[str], decimals: int) -> pd.DataFrame:
    """Round money cells half up to ``decimals``; each TOTAL row = the sum of the rounded rows
    since the previous TOTAL ("TOTAL a year" = 12 x the TOTAL before it)."""
    out = frame.copy()
    totals = set(total_rows(frame))
    records = list(frame.itertuples(index=False, name=None))
    for col in money_cols:
        rounded = [
            None if v is None or v != v else figures.round_usd(v, decimals) for v in out[col]
        ]
        running, last = ZERO, None
        for i, value in enumerate(rounded):
            if i not in totals:
                running += value or ZERO
                continue
            if value is None:
                continue
            if _total_label(records[i]).startswith(f"{TOTAL} a year"):
                rounded[i] = None if last is None else figures.annual(last)
                continue
            rounded[i] = last = running
            running = ZERO
        out[col] = [None if v is None else float(v) for v in rounded]
    return out


def _is_unit_price(col: Hashable) -> bool:
    return str(col).startswith("unit price")


def _money_columns(frame: pd.DataFrame) -> list[str]:
    return [
        str(c)
        for c in frame.columns
        if frame[c].dtype.kind == "f"
        and "share" not in str(c)
        and not str(c).endswith("%")
        and not _is_unit_price(c)
    ]


def _unit_price(value: float) -> str:
    """A unit price at its own precision (up to 6 significant digits), never fewer than two
    decimals: ``$0.0416``, ``$0.50``, ``$1.00``, ``$0.00017``."""
    text = f"{value:.6g}"
    if "e" in text:
        text = f"{value:.10f}".rstrip("0")
    whole, _, frac = text.partition(".")
    return f"${whole}.{frac.ljust(2, '0')}"


def _usd_formatter(decimals: int) -> Any:
    def fmt(value: float) -> str:
        return usd(value, decimals)

    return fmt


def money(value: Decimal, decimals: int = 2) -> str:
    """One amount for a sentence: ``$1,234.56`` (or ``$1,235`` with ``decimals=0``)."""
    return usd(value, decimals)


def md_money(value: Decimal, decimals: int = 2) -> str:
    """:func:`money` for Markdown: the dollar sign escaped (Jupyter reads ``$...$`` as math)."""
    return md_escape(money(value, decimals))


def md_plain(text: str) -> str:
    """Markdown text as plain text (summaries and the index): bold marks dropped, escaped
    dollar signs back to ``$``."""
    return text.replace("**", "").replace("\\$", "$")


def md_escape(text: str) -> str:
    """Text for Markdown with every dollar sign escaped (``$...$`` would be read as math)."""
    return text.replace("$", "\\$")


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


def cost_range(
    costs: Mapping[str, StateCost], shown: Mapping[str, Decimal] | None = None
) -> pd.DataFrame:
    """Monthly and annual total at HPA min / expected / max replicas, with the nodes each needs.

    ``shown`` are the displayed totals (:func:`planner.figures.state_totals`); without them
    the exact totals are rounded.
    """
    import pandas as pd

    rows = []
    for state, cost in costs.items():
        total = shown[state] if shown else figures.round_usd(Decimal(cost.monthly_usd))
        rows.append(
            {
                "replicas at": state,
                "nodes": ", ".join(f"{k} {v}" for k, v in cost.nodes.items()),
                "node groups USD": float(figures.round_usd(Decimal(cost.node_groups_monthly_usd))),
                USD: float(total),
                ANNUAL: float(figures.annual(total)),
            }
        )
    return pd.DataFrame(rows)
