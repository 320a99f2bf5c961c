"""What the ``commitments`` notebook shows: data, tables (pandas) and charts (plotly).

The notebook stays thin: it validates its parameters, calls :func:`commitments_data`, and
displays the tables and charts built here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner import figures
from planner.commitments.claims import SOURCE, Claim, seed_claims
from planner.commitments.forecast import ForecastMonth, forecast_scenario
from planner.commitments.grid import Grid, load_grid
from planner.commitments.model import Commitments
from planner.commitments.sweep import UNITS_PER_USD, SweepResult, cheapest, frontiers, run_grid
from planner.money import usd

if TYPE_CHECKING:
    import pandas as pd

    from planner.notebooks.params import CommitmentsParams


@dataclass
class CommitmentsData:
    scenario: str
    total_monthly_usd: Decimal
    commitments: Commitments
    forecast: list[ForecastMonth]
    sweep: SweepResult | None
    grid_path: Path | None
    claims: list[Claim]


def grid_for(params: CommitmentsParams) -> Path | None:
    if params.grid is None or params.grid == "":
        return None
    if params.grid == "auto":
        from planner.scenario import bundled_scenarios_dir

        path = bundled_scenarios_dir() / "grids" / f"{params.scenario_path.stem}.yaml"
        return path if path.is_file() else None
    return Path(params.grid)


def commitments_data(params: CommitmentsParams) -> CommitmentsData:
    from planner.catalog import load_catalog
    from planner.commitments.cli import compute_commitments
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    catalog = load_catalog(params.prices)
    scenario = load_scenario(params.scenario_path)
    report = price_scenario(scenario, catalog)
    grid_path = grid_for(params)
    grid: Grid | None = load_grid(grid_path) if grid_path else None
    return CommitmentsData(
        scenario=scenario.topology.name,
        total_monthly_usd=figures.total(report),  # as every page shows it: rounded lines
        commitments=compute_commitments(scenario, catalog, Decimal(str(params.sp_quantile))),
        forecast=forecast_scenario(
            scenario,
            catalog,
            months=params.forecast_months,
            growth_pct_per_month=Decimal(str(params.growth_pct)),
        ),
        sweep=run_grid(scenario, grid, catalog) if grid is not None else None,
        grid_path=grid_path,
        claims=seed_claims(load_scenario("staging"), catalog),
    )


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def options_table(data: CommitmentsData) -> pd.DataFrame:
    import pandas as pd

    rows = [
        {
            "option": ("* " if o.current else "") + o.name,
            "risk": o.risk,
            "upfront (cash)": _f(o.upfront_usd),
            "monthly (amortised)": _f(o.monthly_usd),
            "recurring monthly": _f(o.recurring_monthly_usd),
            "saves / month": _f(o.savings_monthly_usd),
            "break-even month": "-" if o.break_even_month is None else str(o.break_even_month),
            "unused at HPA min": _f(o.unused_commitment_monthly_usd_at_min),
        }
        for o in data.commitments.options
    ]
    return pd.DataFrame(rows)


def missing_table(data: CommitmentsData) -> pd.DataFrame:
    import pandas as pd

    grouped: dict[str, list[str]] = {}
    for m in data.commitments.missing_rates:
        grouped.setdefault(m.resource, []).append(m.purchase.split(": ", 1)[-1].split(" x ")[0])
    return pd.DataFrame(
        [
            {"resource": r, "options without a rate": len(w), "examples": "; ".join(w[:3])}
            for r, w in grouped.items()
        ]
    )


def claims_table(data: CommitmentsData) -> pd.DataFrame:
    import pandas as pd

    def claimed(c: Claim) -> str:
        if c.claimed_low_usd == c.claimed_high_usd:
            return f"~{usd(c.claimed_low_usd)}"
        return f"{usd(c.claimed_low_usd)}-{usd(c.claimed_high_usd)}"

    return pd.DataFrame(
        [
            {
                "§9.2 claim": c.claim,
                "claimed": claimed(c),
                "model": "rate missing" if c.model_usd is None else usd(c.model_usd),
                "verdict": c.verdict,
                "how the model got it": c.how,
            }
            for c in data.claims
        ]
    )


def forecast_table(data: CommitmentsData) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "month": f.month.isoformat()[:7],
                "amortised": _f(f.amortised_usd),
                "cash": _f(f.cash_usd),
                "committed": _f(f.committed_usd),
                "upfront paid": _f(f.upfront_paid_usd),
            }
            for f in data.forecast
        ]
    )


def cash_flow_chart(data: CommitmentsData, top: int = 6) -> Any:
    """Cumulative cash over 36 months of the cheapest priced options against on-demand."""
    import plotly.graph_objects as go

    fig = go.Figure()
    shown = [o for o in data.commitments.options if o.cash_flow_usd and o.risk != "none"][:top]
    for o in shown:
        months = list(range(1, len(o.cash_flow_usd) + 1))
        fig.add_trace(
            go.Scatter(x=months, y=[float(v) for v in o.cash_flow_usd], name=o.name, mode="lines")
        )
        od = [float(o.on_demand_monthly_usd * m) for m in months]
        fig.add_trace(
            go.Scatter(
                x=months,
                y=od,
                name=f"{o.resource} on-demand",
                mode="lines",
                line={"dash": "dot"},
                showlegend=False,
            )
        )
        if o.break_even_month:
            m = o.break_even_month
            fig.add_trace(
                go.Scatter(
                    x=[m],
                    y=[float(o.cash_flow_usd[m - 1])],
                    mode="markers",
                    marker={"size": 10, "symbol": "star"},
                    name=f"break-even m{m}",
                    showlegend=False,
                )
            )
    fig.update_layout(
        title="Cumulative cash: commitments (solid) vs on-demand (dotted); stars mark break-even",
        xaxis_title="month",
        yaxis_title="USD",
        height=460,
    )
    return fig


def pareto_chart(data: CommitmentsData) -> Any:
    import numpy as np
    import plotly.graph_objects as go

    sweep = data.sweep
    fig = go.Figure()
    if sweep is None:
        return fig
    ok = np.flatnonzero(sweep.feasible & sweep.priced)
    sample = ok[:: max(1, ok.size // 3000)]
    fig.add_trace(
        go.Scattergl(
            x=sweep.headroom_pct[sample],
            y=sweep.monthly_units[sample] / UNITS_PER_USD,
            mode="markers",
            marker={"size": 4, "opacity": 0.3},
            name="variants (sample)",
        )
    )
    front = frontiers(sweep)["cost_vs_headroom"]
    fig.add_trace(
        go.Scatter(
            x=[float(sweep.headroom_pct[i]) for i in front],
            y=[sweep.monthly_cents(i) / 100 for i in front],
            mode="lines+markers",
            name="Pareto frontier",
        )
    )
    fig.update_layout(
        title="Monthly cost vs headroom at expected replicas (feasible, priced)",
        xaxis_title="headroom %",
        yaxis_title="USD / month",
        height=460,
    )
    return fig


def forecast_chart(data: CommitmentsData) -> Any:
    import plotly.graph_objects as go

    months = [f.month.isoformat()[:7] for f in data.forecast]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=months, y=[float(f.cash_usd) for f in data.forecast], name="cash"))
    fig.add_trace(
        go.Scatter(
            x=months,
            y=[float(f.amortised_usd) for f in data.forecast],
            name="amortised",
            mode="lines+markers",
        )
    )
    fig.update_layout(
        title="Forecast: cash paid vs amortised cost per month", yaxis_title="USD", height=420
    )
    return fig


def sweep_table(data: CommitmentsData, top: int = 10) -> pd.DataFrame:
    import pandas as pd

    if data.sweep is None:
        return pd.DataFrame()
    rows = []
    for i in cheapest(data.sweep, top):
        d = data.sweep.describe(i)
        row = {
            "monthly": d["monthly_usd"],
            "upfront": None if d["upfront_usd"] is None else round(d["upfront_usd"], 2),
            "headroom (pct)": d["headroom_pct"],
            "schedule": d["schedule"],
        }
        for g, v in d["groups"].items():
            row[g] = f"{v['instance_type']} {v['purchase']}"
        rows.append(row)
    return pd.DataFrame(rows)


def headline(data: CommitmentsData) -> str:
    # a saving is against what the scenario buys today; an option dearer than today is never
    # the headline
    priced = [
        o
        for o in data.commitments.options
        if o.risk != "none" and not o.current and o.savings_monthly_usd > 0
    ]
    best = max(priced, key=lambda o: o.savings_monthly_usd, default=None)
    text = (
        f"**{data.scenario}** costs {usd(data.total_monthly_usd)} a month at list prices. "
        f"{len(data.commitments.options)} purchase options priced, "
        f"{len(data.commitments.missing_rates)} without a rate in the catalog (named below)."
    )
    if best is not None:
        text += (
            f" The largest saving not yet taken: {best.name}, "
            f"{usd(best.savings_monthly_usd)} a month against what it buys today "
            f"({usd(best.baseline_usd)}), risk {best.risk}"
            + (f", {usd(best.upfront_usd)} up front" if best.upfront_usd else "")
            + "."
        )
    else:
        text += " No option is cheaper than what the scenario buys today."
    return text


def summary(data: CommitmentsData) -> dict[str, Any]:
    off = data.claims[0]
    return {
        "headline": headline(data).replace("**", ""),
        "scenario": data.scenario,
        "options": len(data.commitments.options),
        "missing_rates": len(data.commitments.missing_rates),
        "forecast_amortised_usd": _f(sum((f.amortised_usd for f in data.forecast), Decimal(0))),
        "forecast_cash_usd": _f(sum((f.cash_usd for f in data.forecast), Decimal(0))),
        "sweep_variants": data.sweep.count if data.sweep else 0,
        "off_hours_saving_usd": _f(off.model_usd),
        "claims_source": SOURCE,
    }
