"""What the ``alerts`` notebook shows: the policy, its tables, one chart and the summary."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner.alerts.compare import STATE_LABELS, level_checks
from planner.alerts.policy import AlertPolicy
from planner.money import usd

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

# where each level's label sits, so levels at the same amount do not overprint
ANNOTATION_AT = {
    "planner warning": "top left",
    "planner critical": "top left",
    "planner forecast": "bottom left",
    "seed §9.4 warning": "bottom right",
    "seed §9.4 critical": "top right",
}


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


def headline(p: AlertPolicy) -> str:
    total = p.total
    w, c = total.threshold("warning"), total.threshold("critical")
    text = (
        f"**{p.scenario}**: monthly budget {usd(total.limit_usd)}; warning at "
        f"{usd(w.monthly_usd)} ({w.source}), critical at {usd(c.monthly_usd)} ({c.source}); "
        f"the modelled month costs {usd(p.min_usd)} to {usd(p.max_usd)}."
    )
    if not p.forecast:
        text += (
            f" No forecast was given, so the budget is flat at the planned cost of the longest "
            f"month (31 days: {usd(total.limit_usd)}; {usd(total.planned_usd or p.expected_usd)} "
            "in the plan's 730-hour month); pass `forecast` as a CSV of month,monthly_usd to "
            "make it follow one."
        )
    from planner.alerts.budgets import COST_TYPES_REASON
    from planner.alerts.prerequisites import prerequisites

    text += f"\n\nThe budgets count {COST_TYPES_REASON}."
    text += "\n\n**Before these alerts see any cost**, in the AWS account:\n\n" + "\n".join(
        f"- {item.what}" for item in prerequisites(p)
    )
    return text


def levels_frame(p: AlertPolicy) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for c in level_checks(p):
        rows.append(
            {
                "level": c.label,
                "type": c.notification_type,
                "monthly_usd": float(c.monthly_usd),
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
                "limit_usd": float(b.limit_usd),
                "warning_usd": float(b.threshold("warning").monthly_usd),
                "critical_usd": float(b.threshold("critical").monthly_usd),
                "critical, % of budget": f"{b.threshold('critical').percent}",
                "critical from": b.threshold("critical").source,
                "HPA max_usd": float(b.max_usd),
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
                "threshold_usd": float(a.threshold_usd),
                "source": a.source,
            }
            for a in p.alarms
        ]
    )


def chart(p: AlertPolicy) -> Any:
    """Cost range bars (or the forecast by month) with every level as a line."""
    import plotly.graph_objects as go

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
                line={
                    "color": LEVEL_COLORS.get(c.label),
                    "dash": "dot" if "seed" in c.label else "solid",
                },
            )
    else:
        states = ("min", "expected", "max")
        values = (p.min_usd, p.expected_usd, p.max_usd)
        fig.add_bar(
            x=[STATE_LABELS[s] for s in states],
            y=[float(v) for v in values],
            text=[usd(v) for v in values],
            textposition="inside",
            name="modelled monthly cost",
            marker_color="#0072B2",
        )
        for c in levels:
            fig.add_hline(
                y=float(c.monthly_usd),
                line_dash="dot" if "seed" in c.label else "solid",
                line_color=LEVEL_COLORS.get(c.label, "#000000"),
                annotation_text=f"{c.label} {usd(c.monthly_usd)}",
                annotation_position=ANNOTATION_AT.get(c.label, "top left"),
            )
    top = max([float(c.monthly_usd) for c in levels] + [float(p.max_usd)])
    fig.update_yaxes(
        title="US dollars a month", tickprefix="$", tickformat=",.0f", range=[0, top * 1.12]
    )
    fig.update_layout(
        title=f"{p.scenario}: alert levels against the modelled monthly cost",
        height=460,
        showlegend=bool(p.forecast),
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
            f"alerts: warning {usd(w.monthly_usd)}, critical {usd(c.monthly_usd)} "
            f"(seed §9.4: $750 / $1,000)"
        ),
    }
