"""What the ``alerts`` notebook shows: the policy, its tables, one chart and the summary."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner.alerts.compare import STATE_LABELS, level_checks
from planner.alerts.policy import AlertPolicy
from planner.figures import usd
from planner.views import md_escape, md_money

if TYPE_CHECKING:
    import pandas as pd

    from planner.notebooks.params import AlertsParams

LEVEL_COLORS = {
    "planner warning": "#E69F00",
    "planner critical": "#D55E00",
    "planner forecast": "#56B4E9",
    "seed §9.4 warning": "#999999",
    "seed §9.4 critical": "#333333",
}
LEVEL_DASH = {"planner forecast": "dash", "seed §9.4 warning": "dot", "seed §9.4 critical": "dot"}


def policy(params: AlertsParams) -> AlertPolicy:
    import argparse

    from planner.alerts.cli import load_policy

    args = argparse.Namespace(
        scenario=str(params.scenario_path),
        prices=params.prices,
        allow_missing=False,
        forecast=params.forecast,
    )
    return load_policy(args)


def shown_range(p: AlertPolicy, params: AlertsParams) -> dict[str, Decimal]:
    """The modelled month at HPA min / expected / max as the other pages show it at the page's
    ``usd_decimals``: each state's lines rounded first, then added (at 2 decimals these are
    the policy's own figures)."""
    if params.usd_decimals == 2:
        return {"min": p.min_usd, "expected": p.expected_usd, "max": p.max_usd}
    from planner import figures
    from planner.capacity.plan import plan_capacity
    from planner.catalog import load_catalog
    from planner.scenario import load_scenario

    scenario = load_scenario(params.scenario_path)
    result = plan_capacity(scenario.topology, base_dir=scenario.path.parent)
    return figures.state_totals(
        scenario.topology, result, load_catalog(params.prices), decimals=params.usd_decimals
    )


def headline(p: AlertPolicy, decimals: int = 2, shown: dict[str, Decimal] | None = None) -> str:
    """The page's opening sentence (Markdown: dollar signs escaped). ``shown``: the modelled
    month as the page shows it (:func:`shown_range`)."""
    total = p.total
    w, c = total.threshold("warning"), total.threshold("critical")
    shown = shown or {"min": p.min_usd, "expected": p.expected_usd, "max": p.max_usd}
    text = (
        f"**{p.scenario}**: monthly budget {md_money(total.limit_usd, decimals)}; warning at "
        f"{md_money(w.monthly_usd, decimals)} ({w.source}), critical at "
        f"{md_money(c.monthly_usd, decimals)} ({c.source}); the modelled month costs "
        + (
            f"{md_money(shown['min'], decimals)} to {md_money(shown['max'], decimals)}."
            if shown["min"] != shown["max"]
            else f"{md_money(shown['min'], decimals)} at every replica level (no HPA headroom)."
        )
    )
    if not p.forecast:
        text += (
            f" No forecast was given, so the budget is flat at the planned cost of the longest "
            f"month (31 days: {md_money(total.limit_usd, decimals)}; "
            f"{md_money(shown['expected'], decimals)} in the plan's 730-hour month); pass "
            "`forecast` as a CSV of month,monthly_usd to make it follow one."
        )
    from planner.alerts.budgets import COST_TYPES_REASON
    from planner.alerts.prerequisites import prerequisites

    text += f"\n\nThe budgets count {COST_TYPES_REASON}."
    text += "\n\n**Before these alerts see any cost**, in the AWS account:\n\n" + "\n".join(
        f"- {item.what}" for item in prerequisites(p)
    )
    return text


def seed_sentence(p: AlertPolicy, decimals: int = 2) -> str:
    """Where the seed report's own levels come from, for a scenario modelled on it; else ""."""
    if not p.seed_levels:
        return ""
    levels = ", ".join(f"{md_money(s.monthly_usd, decimals)} {s.level}" for s in p.seed_levels)
    return (
        f"The seed report ({p.seed_levels[0].source}) sets its own levels for this environment: "
        f"{levels}. They are shown beside the generated levels (dotted lines)."
    )


def anomaly_text(p: AlertPolicy, decimals: int = 2) -> str:
    """The anomaly monitor and its impact threshold, in Markdown (dollar signs escaped)."""
    a = p.anomaly
    return (
        f"Anomaly monitor **{a.monitor_name}** ({a.monitor_type}); subscriptions alert at a "
        f"total impact of **{md_money(a.impact_usd, decimals)}** or more: "
        f"{md_escape(a.source)}."
    )


def levels_frame(p: AlertPolicy) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for c in level_checks(p):
        rows.append(
            {
                "level": c.label,
                "type": c.notification_type,
                "monthly": float(c.monthly_usd),
                "source": c.source,
                **{STATE_LABELS[s]: ("fires" if s in c.fires_at else "") for s in STATE_LABELS},
                "verdict": c.verdict,
            }
        )
    return pd.DataFrame(rows)


def budgets_frame(p: AlertPolicy) -> pd.DataFrame:
    import pandas as pd

    from planner.alerts.budgets import cost_filters

    rows = []
    for b in p.budgets:
        filters = cost_filters(b)
        rows.append(
            {
                "budget": b.name,
                "limit": float(b.limit_usd),
                "warning": float(b.threshold("warning").monthly_usd),
                "critical": float(b.threshold("critical").monthly_usd),
                "critical (% of the limit)": f"{b.threshold('critical').percent:.2f}",
                "critical from": b.threshold("critical").source,
                "at HPA maximum": float(b.max_usd),
                "filter": "; ".join(f"{k}={','.join(v)}" for k, v in filters.items()),
            }
        )
    return pd.DataFrame(rows)


def alarms_frame(p: AlertPolicy) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "alarm": a.name,
                "service": a.service_code or "(all)",
                "threshold": float(a.threshold_usd),
                "source": a.source,
            }
            for a in p.alarms
        ]
    )


def chart(p: AlertPolicy, decimals: int = 2, shown: dict[str, Decimal] | None = None) -> Any:
    """Cost range bars (or the forecast by month) with every level as a line.

    Each level is named in the legend with its amount (no labels on the lines: levels at the
    same amount would print over each other).
    """
    import plotly.graph_objects as go

    from planner.charts import LEGEND, money_axis

    fig = go.Figure()
    levels = level_checks(p)
    if p.forecast:
        x = [m.month.strftime("%Y-%m") for m in p.forecast]
        ratio = p.max_usd / p.expected_usd
        fig.add_bar(x=x, y=[float(m.limit_usd) for m in p.forecast], name="forecast (budget)")
        fig.add_scatter(
            x=x,
            y=[float(m.limit_usd * ratio) for m in p.forecast],
            mode="markers",
            name="at HPA maximum",
        )
        for c in levels:
            pct = next(
                (t.percent for t in p.total.thresholds if f"planner {t.level}" == c.label), None
            )
            ys = (
                [float(m.limit_usd * pct / 100) for m in p.forecast]
                if pct is not None
                else [float(c.monthly_usd)] * len(x)
            )
            fig.add_scatter(
                x=x,
                y=ys,
                mode="lines",
                name=f"{c.label} ({c.notification_type})",
                line={"color": LEVEL_COLORS.get(c.label), "dash": LEVEL_DASH.get(c.label, "solid")},
            )
        fig.update_xaxes(title="month")
    else:
        states = ("min", "expected", "max")
        shown = shown or {"min": p.min_usd, "expected": p.expected_usd, "max": p.max_usd}
        values = tuple(shown[s] for s in states)
        fig.add_bar(
            x=[STATE_LABELS[s] for s in states],
            y=[float(v) for v in values],
            text=[usd(v, decimals) for v in values],
            textposition="inside",
            insidetextanchor="middle",
            name="modelled monthly cost",
            marker_color="#0072B2",
        )
        for c in levels:
            fig.add_hline(
                y=float(c.monthly_usd),
                line_dash=LEVEL_DASH.get(c.label, "solid"),
                line_color=LEVEL_COLORS.get(c.label, "#000000"),
                line_width=2,
                showlegend=True,
                name=f"{c.label} {usd(c.monthly_usd, decimals)} ({c.notification_type})",
            )
        fig.update_xaxes(title="replicas")
    top = max([float(c.monthly_usd) for c in levels] + [float(p.max_usd)])
    money_axis(fig, "y", "monthly cost")
    fig.update_yaxes(range=[0, top * 1.12])
    fig.update_layout(
        title={"text": f"{p.scenario}: alert levels against the modelled monthly cost", "x": 0},
        height=500,
        showlegend=True,
        legend=LEGEND,
        margin={"l": 20, "r": 20, "t": 40, "b": 40},
    )
    return fig


def summary(p: AlertPolicy) -> dict[str, Any]:
    total = p.total
    w, c = total.threshold("warning"), total.threshold("critical")

    def exact(v: Decimal) -> str:
        return str(v)

    return {
        "scenario": p.scenario,
        "budget_usd": exact(total.limit_usd),
        "warning_usd": exact(w.monthly_usd),
        "critical_usd": exact(c.monthly_usd),
        "critical_source": c.source,
        "cost_range_usd": {
            "min": exact(p.min_usd),
            "expected": exact(p.expected_usd),
            "max": exact(p.max_usd),
        },
        "budgets": [b.name for b in p.budgets],
        "anomaly_impact_usd": exact(p.anomaly.impact_usd),
        "seed_levels_usd": [exact(s.monthly_usd) for s in p.seed_levels],
        "headline": (
            f"alerts: warning {usd(w.monthly_usd)}, critical {usd(c.monthly_usd)}"
            + (
                " (seed §9.4: " + " / ".join(usd(s.monthly_usd, 0) for s in p.seed_levels) + ")"
                if p.seed_levels
                else ""
            )
        ),
    }
