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
from planner.charts import PALETTE, layout, money_axis
from planner.commitments.claims import SOURCE, Claim, seed_claims
from planner.commitments.forecast import ForecastMonth, forecast_scenario
from planner.commitments.grid import Grid, load_grid
from planner.commitments.model import Commitments, Option
from planner.commitments.sweep import UNITS_PER_USD, SweepResult, frontiers, run_grid
from planner.figures import round_usd, usd

if TYPE_CHECKING:
    import pandas as pd

    from planner.costing.engine import CostReport
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
    report: CostReport | None = None
    """The scenario priced, for its total at the page's ``usd_decimals``."""

    def total(self, decimals: int = 2) -> Decimal:
        """The monthly total as every page shows it (lines rounded first, then added)."""
        return (
            self.total_monthly_usd if self.report is None else figures.total(self.report, decimals)
        )


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
        # the seed report's §9.2 claims are staging's: only for a scenario modelled on them
        claims=seed_claims(scenario, catalog) if "§9.2" in scenario.topology.seed_figures else [],
        report=report,
    )


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def options_table(data: CommitmentsData, decimals: int = 2) -> pd.DataFrame:
    """The options side by side. A saving is the difference of the two figures the page shows
    (what the resource costs today and the option's monthly), each at ``decimals``."""
    import pandas as pd

    def saves(o: Option) -> float | None:
        if decimals == 2:
            return _f(o.savings_monthly_usd)
        return float(round_usd(o.baseline_usd, decimals) - round_usd(o.monthly_usd, decimals))

    rows = [
        {
            "option": ("* " if o.current else "") + o.name,
            "risk": o.risk,
            "upfront (cash)": _f(o.upfront_usd),
            "monthly (amortised)": _f(o.monthly_usd),
            "recurring monthly": _f(o.recurring_monthly_usd),
            "saves / month": saves(o),
            "break-even month": "-" if o.break_even_month is None else str(o.break_even_month),
            "unused at HPA min": _f(o.unused_commitment_monthly_usd_at_min),
        }
        for o in data.commitments.options
    ]
    return pd.DataFrame(rows)


def options_note(data: CommitmentsData) -> str:
    """Why some Partial Upfront rows have a monthly figure but no upfront or recurring one."""
    split = [o for o in data.commitments.options if o.upfront_usd is None and o.monthly_usd]
    if not split:
        return ""
    return (
        f"{len(split)} option(s) (Partial Upfront) have no *upfront* or *recurring* figure: the "
        "price source publishes their effective rate only, not how it splits between the "
        "upfront fee and the hourly charge. Their *monthly (amortised)* figure is that rate; "
        "their break-even month is unknown."
    )


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


def claims_intro(data: CommitmentsData) -> str:
    """The heading and sentence above the §9.2 claims (shown only for a scenario modelled on
    the seed report: ``seed_figures`` lists §9.2)."""
    return (
        "## The seed report's §9.2 claims against the model\n\n"
        f'"{SOURCE}" claims savings for {data.scenario}. Each line is checked against the '
        f'model of the {data.scenario} scenario: a "~X" claim holds within 10% of X. A claim '
        "needing a rate the catalog lacks says so."
    )


def claims_table(data: CommitmentsData, decimals: int = 2) -> pd.DataFrame:
    """The §9.2 claims beside the model. The report's "Total potential savings" is its sum of
    the levers; the model's figure is the best combination priced together (a reservation
    bills through a schedule's off-hours), so the row is labelled as not a sum of the rows."""
    import pandas as pd

    def claimed(c: Claim) -> str:
        if c.claimed_low_usd == c.claimed_high_usd:
            return f"~{usd(c.claimed_low_usd, decimals)}"
        return f"{usd(c.claimed_low_usd, decimals)}-{usd(c.claimed_high_usd, decimals)}"

    total_saving = next((c.model_usd for c in data.claims if c.claim.startswith("Total")), None)

    def model(c: Claim) -> str:
        if c.model_usd is None:
            return "rate missing"
        if decimals < 2 and c.claim.startswith("Optimised") and total_saving is not None:
            # the page's total less the best combination, both as the page shows them
            return usd(data.total(decimals) - round_usd(total_saving, decimals), decimals)
        return usd(c.model_usd, decimals)

    def label(c: Claim) -> str:
        if c.claim.startswith("Total"):
            return f'"{c.claim}": the best combination, priced together (not a sum of the rows)'
        return c.claim

    return pd.DataFrame(
        [
            {
                "§9.2 claim": label(c),
                "claimed": claimed(c),
                "model": model(c),
                "verdict": c.verdict,
                "how the model got it": c.how,
            }
            for c in data.claims
        ]
    )


def forecast_table(data: CommitmentsData, decimals: int = 2) -> pd.DataFrame:
    """Month by month; at ``decimals`` below 2 each month is its lines rounded first, like the
    cost overview's total (so month 1 there is the overview's figure)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "month": f.month.isoformat()[:7],
                "amortised": _f(f.amortised(decimals)),
                "cash": _f(f.cash(decimals)),
                "committed": _f(f.committed_usd),
                "upfront paid": _f(f.upfront_paid_usd),
            }
            for f in data.forecast
        ]
    )


def cash_flow_options(data: CommitmentsData, top: int = 6) -> list[Option]:
    """The options the cash-flow chart draws: those cheaper than what the scenario buys today
    with a known cash flow, the largest saving first (the headline's option among them), one
    per resource and payment (so an All Upfront term is drawn beside a No Upfront one)."""
    candidates = sorted(
        (
            o
            for o in data.commitments.options
            if o.cash_flow_usd and o.risk != "none" and not o.current and o.savings_monthly_usd > 0
        ),
        key=lambda o: -o.savings_monthly_usd,
    )
    chosen: list[Option] = []
    seen: set[tuple[str, str]] = set()
    for o in candidates:
        key = (o.resource, str(o.purchase.get("payment", "")))
        if key not in seen:
            seen.add(key)
            chosen.append(o)
    return chosen[:top]


def cash_flow_chart(data: CommitmentsData, top: int = 6) -> Any:
    """Cumulative cash over 36 months of the options with the largest savings against
    on-demand (:func:`cash_flow_options`).

    One colour per resource: its commitments are solid (then dashed, dash-dot) lines, staying
    on-demand the dotted line, a star each commitment's break-even month; all in the legend.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    shown = cash_flow_options(data, top)
    resources = list(dict.fromkeys(o.resource for o in shown))
    dashes = ("solid", "dash", "dashdot", "longdash")
    for r, resource in enumerate(resources):
        colour = PALETTE[r % len(PALETTE)]
        mine = [o for o in shown if o.resource == resource]
        months = list(range(1, len(mine[0].cash_flow_usd) + 1))
        fig.add_trace(
            go.Scatter(
                x=months,
                y=[float(mine[0].on_demand_monthly_usd * m) for m in months],
                name=f"{resource}: on-demand",
                mode="lines",
                line={"dash": "dot", "color": colour},
            )
        )
        for i, o in enumerate(mine):
            fig.add_trace(
                go.Scatter(
                    x=months,
                    y=[float(v) for v in o.cash_flow_usd],
                    name=o.name,
                    mode="lines",
                    line={"color": colour, "dash": dashes[i % len(dashes)]},
                    legendgroup=o.name,
                )
            )
            if o.break_even_month:
                m = o.break_even_month
                fig.add_trace(
                    go.Scatter(
                        x=[m],
                        y=[float(o.cash_flow_usd[m - 1])],
                        mode="markers",
                        marker={"size": 11, "symbol": "star", "color": colour},
                        name=f"{o.name}: break-even, month {m}",
                        legendgroup=o.name,
                        showlegend=False,
                    )
                )
    fig.update_xaxes(title="time since purchase (months)")
    money_axis(fig, "y", "cumulative cash paid", unit="$")
    return layout(fig, "Cumulative cash: commitments against on-demand", height=580)


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
        go.Scatter(  # SVG, not WebGL: it prints
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
    fig.update_xaxes(title="headroom at expected replicas (%)", ticksuffix="%")
    money_axis(fig, "y", "monthly cost")
    return layout(fig, "Monthly cost against headroom (feasible, priced variants)", height=480)


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
    fig.update_xaxes(title="month")
    money_axis(fig, "y", "cost")
    return layout(fig, "Forecast: cash paid against amortised cost", height=440)


def frontier_rows(sweep: SweepResult, top: int = 10) -> list[int]:
    """The variants on the cost-against-headroom frontier (none is beaten on both), cheapest
    first: the table under the chart lists these, the chart draws them as its line."""
    front = frontiers(sweep)["cost_vs_headroom"]
    return sorted(front, key=lambda i: (int(sweep.monthly_units[i]), i))[:top]


def sweep_note(data: CommitmentsData, top: int = 10) -> str:
    """How many frontier variants the table lists, and why a variant has no upfront figure
    (a Partial Upfront split)."""
    if data.sweep is None:
        return ""
    rows = frontier_rows(data.sweep, top)
    size = len(frontiers(data.sweep)["cost_vs_headroom"])
    text = (
        f"The table lists the frontier's variants, cheapest first ({len(rows)} of {size}); "
        "no variant is both cheaper and roomier than one of them."
    )
    if all(data.sweep.describe(i)["upfront_usd"] is not None for i in rows):
        return text
    return text + (
        " An empty *upfront* is a Partial Upfront reservation whose upfront fee the price source "
        "does not publish apart from its effective rate; *monthly* includes it amortised."
    )


def sweep_table(data: CommitmentsData, top: int = 10) -> pd.DataFrame:
    import pandas as pd

    if data.sweep is None:
        return pd.DataFrame()
    rows = []
    for i in frontier_rows(data.sweep, top):
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


def headline(data: CommitmentsData, decimals: int = 2) -> str:
    """The opening sentence (Markdown: dollar signs escaped). A saving is against what the
    scenario buys today; an option dearer than today is never the headline."""
    from planner.views import md_money

    priced = [
        o
        for o in data.commitments.options
        if o.risk != "none" and not o.current and o.savings_monthly_usd > 0
    ]
    best = max(priced, key=lambda o: o.savings_monthly_usd, default=None)
    text = (
        f"**{data.scenario}** costs {md_money(data.total(decimals), decimals)} a month at list "
        "prices. "
        f"{len(data.commitments.options)} purchase options priced, "
        f"{len(data.commitments.missing_rates)} without a rate in the catalog (named below)."
    )
    if best is not None:
        text += (
            f" The largest saving not yet taken: {best.name}, "
            f"{md_money(best.savings_monthly_usd, decimals)} a month against what it buys today "
            f"({md_money(best.baseline_usd, decimals)}), risk {best.risk}"
            + (f", {md_money(best.upfront_usd, decimals)} up front" if best.upfront_usd else "")
            + "."
        )
    else:
        text += " No option is cheaper than what the scenario buys today."
    return text


def summary(data: CommitmentsData) -> dict[str, Any]:
    from planner.views import md_plain

    off = data.claims[0] if data.claims else None
    return {
        "headline": md_plain(headline(data)),
        "scenario": data.scenario,
        "options": len(data.commitments.options),
        "missing_rates": len(data.commitments.missing_rates),
        "forecast_amortised_usd": _f(sum((f.amortised_usd for f in data.forecast), Decimal(0))),
        "forecast_cash_usd": _f(sum((f.cash_usd for f in data.forecast), Decimal(0))),
        "sweep_variants": data.sweep.count if data.sweep else 0,
        "off_hours_saving_usd": None if off is None else _f(off.model_usd),
        "claims_source": SOURCE if data.claims else None,
    }
