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

from planner.money import cents, plain, usd
from planner.notebooks.params import REPO_ROOT, NotebookParams

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

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


def headline(data: RightsizingData) -> str:
    if data.result is None:
        return f"{data.scenario}: no measured usage; right-sizing not run"
    total = data.result.total_savings_monthly_usd
    changed = sum(1 for r in data.result.recommendations if r.changed and r.counted_in_total)
    text = (
        f"Right-sizing {data.scenario}: {usd(total)} a month saved by {changed} class changes "
        "(seed report §9.2 claims $50-100)"
    )
    return text + (" [SAMPLE usage]" if data.usage is not None and data.usage.sample else "")


def distributions(data: RightsizingData) -> go.Figure:
    """Box plots of every percent-of-capacity series (gaps are absent, not zeros)."""
    import numpy as np
    import plotly.graph_objects as go

    assert data.usage is not None
    frame = data.usage.frame
    sel = frame[frame["metric"].isin(PERCENT_METRICS)]
    fig = go.Figure()
    for (resource, metric), part in sel.groupby(["resource", "metric"], observed=True, sort=True):
        short = (
            str(metric).replace("pod_", "").replace("_utilization_over_pod_limit", " % of limit")
        )
        lo, q1, med, q3, p95, hi = np.percentile(part["value"], [0, 25, 50, 75, 95, 100])
        # precomputed quartiles: the figure carries 6 numbers per series, not every datapoint
        fig.add_trace(
            go.Box(
                name=f"{resource} {short}",
                q1=[q1],
                median=[med],
                q3=[q3],
                lowerfence=[lo],
                upperfence=[hi],
                orientation="h",
                hovertext=f"p95 {p95:.3g}%, {len(part)} datapoints",
            )
        )
    fig.update_layout(
        title="Measured utilisation per resource (percent of capacity or limit)",
        xaxis_title="percent",
        showlegend=False,
        height=max(320, 28 * len(fig.data) + 120),
        margin={"l": 330},
    )
    return fig


def recommendations(data: RightsizingData) -> pd.DataFrame:
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
                "now per month": float(cents(r.current_monthly_usd)),
                "recommended per month": float(cents(r.recommended_monthly_usd)),
                "saving per month": float(cents(r.savings_monthly_usd)),
                "in total": "yes" if r.counted_in_total else "via nodes",
                "risk": r.risk,
                "why": "; ".join(r.risk_reasons + r.notes)[:200],
            }
        )
    return pd.DataFrame(rows)


def savings(data: RightsizingData) -> go.Figure:
    import plotly.graph_objects as go

    assert data.result is not None
    recs = [r for r in data.result.recommendations if r.counted_in_total]
    values = [float(cents(r.savings_monthly_usd)) for r in recs]
    fig = go.Figure(
        go.Bar(
            x=[r.resource for r in recs],
            y=values,
            marker_color=["#2a9d8f" if v >= 0 else "#e76f51" for v in values],
            text=[usd(Decimal(repr(v))) for v in values],
            textposition="outside",
        )
    )
    total = data.result.total_savings_monthly_usd
    fig.add_hrect(y0=50, y1=100, fillcolor="#cccccc", opacity=0.3, line_width=0)
    fig.update_layout(
        title=f"Saving per resource, USD per month (total {usd(total)}; grey band: the "
        "seed's §9.2 claim of $50-100 for everything)",
        yaxis_title="USD per month",
    )
    return fig


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
    out: dict[str, Any] = {"headline": headline(data), "scenario": data.scenario}
    if data.result is not None and data.usage is not None:
        total = data.result.total_savings_monthly_usd
        out.update(
            {
                "sample": data.usage.sample,
                "window_days": data.usage.window_days,
                "total_savings_monthly_usd": float(cents(total)),
                "total_savings_monthly_usd_exact": plain(total),
                "seed_claim_monthly_usd": [50, 100],
                "recommendations": len(data.result.recommendations),
            }
        )
    return out
