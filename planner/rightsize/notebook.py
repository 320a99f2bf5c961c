"""What the rightsizing notebook shows: parameters, data, tables and plotly figures.

Without a usage file the notebook runs on the bundled sample, which is mapped onto the
staging scenario only; for another scenario it says there is no usage and stops there.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from planner.money import cents, plain
from planner.notebooks.params import REPO_ROOT, NotebookParams
from planner.rightsize.run import SEED_CLAIM

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from planner.rightsize.model import Recommendation
    from planner.rightsize.run import RightsizeResult
    from planner.usage.store import UsageSet

SAMPLE_SCENARIO = "staging"
# Percent-of-capacity series shown as distributions (one box per resource and metric)
PERCENT_METRICS = (
    "CPUUtilization",
    "pod_cpu_utilization_over_pod_limit",
    "pod_memory_utilization_over_pod_limit",
    "CpuUser",
    "DatabaseMemoryUsagePercentage",
    "node_cpu_utilization",
)


class RightsizingParams(NotebookParams):
    usage: str | None = Field(
        None, description="usage file (planner usage pull/import); None = the bundled sample"
    )
    percentile: float = Field(95.0, gt=0, le=100, description="CPU percentile to size for")
    headroom_pct: float = Field(20.0, ge=0, le=500, description="headroom on top, percent")

    @field_validator("usage")
    @classmethod
    def _usage_exists(cls, value: str | None) -> str | None:
        if value is None:
            return None
        path = Path(value).expanduser()
        if not path.is_absolute() and not path.is_file():
            path = REPO_ROOT / value
        if not path.is_file():
            raise ValueError(f"{value!r}: no such usage file (make one with planner usage pull)")
        return str(path.resolve())


@dataclass
class RightsizingData:
    scenario: str
    usage: UsageSet | None
    result: RightsizeResult | None
    decimals: int

    @property
    def banner(self) -> str:
        if self.usage is None:
            return (
                f"**No measured usage for {self.scenario}.** The bundled sample usage is mapped "
                f"onto the {SAMPLE_SCENARIO} scenario only. Pull usage with `planner usage pull "
                f"{self.scenario} --out usage.parquet` and pass `usage=usage.parquet`."
            )
        if self.usage.sample:
            return (
                "**SAMPLE DATA.** No usage file was given, so this runs on the bundled sample: "
                "real CloudWatch traces from the Numenta Anomaly Benchmark (NAB "
                "realAWSCloudwatch, MIT licence) mapped onto the staging resources by "
                "`scenarios/usage/build_sample.py`. Shapes are real; which trace stands for "
                "which staging series is a stand-in. Pull real usage to act on these numbers."
            )
        return f"Measured usage: {self.usage.source}, {self.usage.window_label}."


def sample_usage_path() -> Path:
    """The bundled sample usage (in the repository, or in an installed wheel)."""
    from planner.scenario import bundled_scenarios_dir

    return bundled_scenarios_dir() / "usage" / "sample-staging.parquet"


def load(params: RightsizingParams) -> RightsizingData:
    from planner.catalog import load_catalog
    from planner.rightsize.model import Settings
    from planner.rightsize.run import rightsize
    from planner.scenario import load_scenario
    from planner.usage.store import read_usage

    scenario = load_scenario(params.scenario_path)
    name = scenario.topology.name
    if params.usage is None and name != SAMPLE_SCENARIO:
        return RightsizingData(name, None, None, params.usd_decimals)
    usage = read_usage(params.usage or sample_usage_path())
    result = rightsize(
        scenario.topology,
        usage,
        Settings(params.percentile, params.headroom_pct),
        load_catalog(params.prices),
        base_dir=scenario.path.parent,
    )
    return RightsizingData(name, usage, result, params.usd_decimals)


def headline(data: RightsizingData, decimals: int = 2) -> str:
    """The opening sentence (Markdown: dollar signs escaped)."""
    from planner.views import md_money

    if data.result is None:
        return f"{data.scenario}: no measured usage; right-sizing not run"
    result = data.result
    changed = sum(1 for r in result.recommendations if r.changed and r.counted_in_total)
    text = (
        f"Right-sizing {data.scenario}: {md_money(shown_total(data, decimals), decimals)} "
        f"a month saved by {changed} class changes, at the plan's list prices"
    )
    if result.credits_now_monthly_usd:
        text += (
            f"; the measured usage also shows "
            f"{md_money(result.credits_now_monthly_usd, decimals)} a month of surplus CPU "
            "credits today (burstable instances above their baseline), which the plan does "
            f"not price: the recommendations avoid "
            f"{md_money(result.credits_avoided_monthly_usd, decimals)} of them"
        )
    if result.seed_claim:
        text += " (seed report §9.2 claims \\$50-100)"
    return text + (" [SAMPLE usage]" if data.usage is not None and data.usage.sample else "")


def shown_saving(rec: Recommendation, decimals: int = 2) -> Decimal:
    """A recommendation's saving as the page shows it: the difference of its two figures,
    each rounded (half up) to the page's decimals."""
    return rec.current_shown(decimals) - rec.recommended_shown(decimals)


def shown_total(data: RightsizingData, decimals: int = 2) -> Decimal:
    """The total saving as shown: the sum of the counted rows' shown savings."""
    assert data.result is not None
    counted = (r for r in data.result.recommendations if r.counted_in_total)
    return sum((shown_saving(r, decimals) for r in counted), Decimal(0))


def savings_intro(data: RightsizingData) -> str:
    """The sentence under "Savings": the seed's claim only where the scenario is modelled on
    the seed report (``seed_figures`` lists §9.2)."""
    text = "Per resource, the monthly saving at the plan's list prices."
    if data.result is not None and data.result.seed_claim:
        text += (
            " The grey band is the seed report's claim (§9.2, \"Right-sizing after load "
            'testing: potential savings \\$50-100/month") for all of them together.'
        )
    return text


def distributions(data: RightsizingData) -> go.Figure:
    """Box plots of every percent-of-capacity series, one row per resource and metric (gaps
    are absent, not zeros)."""
    import numpy as np
    import plotly.graph_objects as go

    from planner.charts import layout

    assert data.usage is not None
    frame = data.usage.frame
    sel = frame[frame["metric"].isin(PERCENT_METRICS)]
    fig = go.Figure()
    for (resource, metric), part in sel.groupby(["resource", "metric"], observed=True, sort=True):
        name = f"{resource}: {_metric_label(str(metric))}"
        lo, q1, med, q3, p95, hi = np.percentile(part["value"], [0, 25, 50, 75, 95, 100])
        # precomputed quartiles: the figure carries 6 numbers per series, not every datapoint
        fig.add_trace(
            go.Box(
                name=name,
                y=[name],
                q1=[q1],
                median=[med],
                q3=[q3],
                lowerfence=[lo],
                upperfence=[hi],
                orientation="h",
                showlegend=False,
                hovertext=f"p95 {p95:.3g}%, {len(part)} datapoints",
            )
        )
    names = [t.name for t in fig.data]
    fig.update_yaxes(
        title="resource: metric", categoryorder="array", categoryarray=names[::-1], type="category"
    )
    fig.update_xaxes(title="utilisation (% of capacity, or of the pod's limit)", ticksuffix="%")
    return layout(
        fig,
        "Measured utilisation per resource (middle half and extremes)",
        height=max(340, 30 * len(fig.data) + 160),
    )


def _metric_label(metric: str) -> str:
    """A metric's plain name: ``pod_cpu_utilization_over_pod_limit`` -> "CPU, % of limit"."""
    labels = {
        "CPUUtilization": "CPU",
        "pod_cpu_utilization_over_pod_limit": "CPU, % of limit",
        "pod_memory_utilization_over_pod_limit": "memory, % of limit",
        "CpuUser": "CPU (user)",
        "DatabaseMemoryUsagePercentage": "memory used",
        "node_cpu_utilization": "node CPU",
    }
    return labels.get(metric, metric)


def recommendations(data: RightsizingData, decimals: int = 2) -> pd.DataFrame:
    """One row per resource; "saving" is the difference of the two figures shown."""
    import pandas as pd

    assert data.result is not None
    rows = []
    for r in data.result.recommendations:
        if r.kind == "workload":
            cur = f"{r.current['cpu_request']} / {r.current['memory_request']}"
            new = f"{r.recommended['cpu_request']} / {r.recommended['memory_request']}"
        else:
            cur, new = str(r.current["class"]), str(r.recommended["class"])
        rows.append(
            {
                "resource": r.resource,
                "kind": r.kind,
                "current": cur,
                "recommended": new,
                "now per month": float(now := r.current_shown(decimals)),
                "recommended per month": float(then := r.recommended_shown(decimals)),
                "saving per month": float(now - then),
                "in total": "yes" if r.counted_in_total else "via nodes",
                "risk": r.risk,
                "why": "; ".join(r.risk_reasons + r.notes),  # whole: print wraps it
            }
        )
    return pd.DataFrame(rows)


def savings(data: RightsizingData, decimals: int = 2) -> go.Figure:
    import plotly.graph_objects as go

    from planner.charts import layout, money_axis
    from planner.figures import usd as usd_at

    assert data.result is not None
    recs = [r for r in data.result.recommendations if r.counted_in_total]
    values = [float(shown_saving(r, decimals)) for r in recs]
    fig = go.Figure(
        go.Bar(
            name="saving per resource",
            x=[r.resource for r in recs],
            y=values,
            marker_color=["#2a9d8f" if v >= 0 else "#e76f51" for v in values],
            text=[usd_at(Decimal(repr(v)), decimals) for v in values],
            textposition="outside",
            cliponaxis=False,
        )
    )
    total = shown_total(data, decimals)
    top = max([*values, 0.0])
    if data.result.seed_claim:
        low, high = SEED_CLAIM["low_monthly_usd"], SEED_CLAIM["high_monthly_usd"]
        fig.add_hrect(
            y0=low,
            y1=high,
            fillcolor="#cccccc",
            opacity=0.35,
            line_width=0,
            showlegend=True,
            name=f"seed report §9.2 claim: ${low}-{high} for everything",
        )
        top = max(top, float(high))
    money_axis(fig, "y", "saving")
    fig.update_xaxes(title="resource")
    fig.update_yaxes(range=[min([*values, 0.0]) * 1.2, top * 1.15 or 1])
    return layout(fig, f"Saving per resource (total {usd_at(total, decimals)} a month)", height=460)


def node_effect(data: RightsizingData) -> pd.DataFrame:
    import pandas as pd

    assert data.result is not None
    rows = []
    for state, eff in data.result.node_count_effect.items():
        rows.append(
            {
                "replicas": state,
                "nodes now": ", ".join(f"{k} {v}" for k, v in eff["current_nodes"].items()),
                "nodes recommended": ", ".join(
                    f"{k} {v}" for k, v in eff["recommended_nodes"].items()
                ),
                "node cost now": float(Decimal(eff["current_node_monthly_usd"])),
                "node cost recommended": float(Decimal(eff["recommended_node_monthly_usd"])),
            }
        )
    return pd.DataFrame(rows)


def summary(data: RightsizingData) -> dict[str, Any]:
    from planner.views import md_plain

    out: dict[str, Any] = {"headline": md_plain(headline(data)), "scenario": data.scenario}
    if data.result is not None and data.usage is not None:
        total = data.result.total_savings_monthly_usd
        out.update(
            {
                "sample": data.usage.sample,
                "window_days": data.usage.window_days,
                "total_savings_monthly_usd": float(cents(total)),
                "total_savings_monthly_usd_exact": plain(total),
                "seed_claim_monthly_usd": [50, 100] if data.result.seed_claim else None,
                "recommendations": len(data.result.recommendations),
            }
        )
    return out
