"""Every chart of the planner, in one place (plotly, imported lazily: CLI start-up matters).

One color per AWS service code across all charts, service labels finance can read, US dollars
on every money axis and hover. Functions take priced reports and return a plotly Figure;
notebooks call :func:`setup` once so figures render offline in exported HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner import figures
from planner.costing.registry import OTHER_COLOR, service_color, service_label, service_rank
from planner.figures import usd
from planner.money import ZERO

if TYPE_CHECKING:
    from planner.audit import AuditRow
    from planner.capacity.model import CapacityResult, StateCost
    from planner.costing.engine import CostReport

# Each figure is output twice: as plotly's mimetype (interactive in JupyterLab) and as HTML
# that calls Plotly.newPlot without any plotly.js of its own. The exported page links the
# report's one shared plotly.min.js (planner/notebooks/html.py), so a page is ~100 kB, not 5 MB.
RENDERER = "planner"
TEMPLATE = "plotly_white"
FONT = "Helvetica, Arial, sans-serif"
# No toolbar, no plotly logo: finance reads the charts, and print shows no buttons.
CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}


def setup() -> None:
    """Make figures render in exported HTML with the shared plotly.js, one look for all."""
    from planner.importing import without_slow_optional_imports

    with without_slow_optional_imports():  # pio.renderers imports nbformat on first access
        import plotly.io as pio

        if RENDERER not in pio.renderers:
            pio.renderers[RENDERER] = _renderer()
        pio.renderers.default = RENDERER
        if pio.templates.default != TEMPLATE:  # setting it validates the template (~0.1 s)
            pio.templates.default = TEMPLATE


def _renderer() -> Any:
    from plotly.io._base_renderers import MimetypeRenderer, PlotlyRenderer

    class SharedJsRenderer(MimetypeRenderer):  # type: ignore[misc]
        """The plotly mimetype plus HTML that needs a page-level plotly.js."""

        def to_mimebundle(self, fig_dict: Any) -> dict[str, Any]:
            import plotly.io as pio

            bundle: dict[str, Any] = PlotlyRenderer(config=CONFIG).to_mimebundle(fig_dict)
            bundle["text/html"] = pio.to_html(
                fig_dict,
                config=CONFIG,
                include_plotlyjs=False,
                include_mathjax=False,
                full_html=False,
                validate=False,
            )
            return bundle

    return SharedJsRenderer()


def _ordered(codes: Sequence[str] | set[str]) -> list[str]:
    return sorted(codes, key=service_rank)


def _f(value: Decimal) -> float:
    return float(value)


MONTHLY = "$/month"
"""The unit of every monthly money axis."""


def money_axis(fig: Any, axis: str = "y", title: str = "cost", unit: str = MONTHLY) -> None:
    """A money axis: its title with the unit, ticks as dollars (``-$400``, ``$1,500``)."""
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(title=f"{title} ({unit})", tickformat="$,.0f", tickprefix="")


def _hover(values: Sequence[Decimal], signed: bool = False) -> list[str]:
    """Hover text from the table formatter (plotly's own d3 format would round half even)."""
    return [usd(v, signed=signed) for v in values]


PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948", "#9c755f")
"""Colours for series that are not AWS services (options, what-ifs): Tableau 10."""


def layout(fig: Any, title: str, height: int = 420, **extra: Any) -> Any:
    """The common look (:func:`_layout`) for charts drawn outside this module."""
    return _layout(fig, title, height, **extra)


def _layout(fig: Any, title: str, height: int = 420, **extra: Any) -> Any:
    """One look for every chart: the title top left, the legend in a band at the foot (so the
    plot keeps the page's full width, on screen and on A4), margins that fit the labels."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "automargin": True},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 20, "r": 20, "t": 40, "b": 40},
        legend=LEGEND,
        **extra,
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


LEGEND: dict[str, Any] = {
    "title": {"text": ""},
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "y": 0,
    "yanchor": "bottom",
    "yref": "container",  # at the foot of the figure, under the x axis title; the plot shrinks
}


def cost_by_service(report: CostReport, decimals: int = 2) -> Any:
    """Horizontal bars: monthly USD per service, biggest on top (labels as the table shows)."""
    import plotly.graph_objects as go

    items = sorted(figures.by_service(report, decimals).items(), key=lambda kv: kv[1])
    fig = go.Figure(
        go.Bar(
            name="monthly cost",
            x=[_f(v) for _, v in items],
            y=[service_label(k) for k, _ in items],
            orientation="h",
            marker_color=[service_color(k) for k, _ in items],
            text=[usd(v, decimals) for _, v in items],
            textposition="outside",
            cliponaxis=False,
            customdata=_hover([v for _, v in items]),
            hovertemplate="%{y}: %{customdata} a month<extra></extra>",
        )
    )
    money_axis(fig, "x", "monthly cost")
    fig.update_yaxes(title="AWS service")
    top = max((_f(v) for _, v in items), default=0.0)
    fig.update_xaxes(range=[0, top * 1.15 or 1])  # room for the label of the longest bar
    return _layout(
        fig, f"{report.scenario}: monthly cost per service", height=110 + 32 * len(items)
    )


def cost_by_resource(report: CostReport, top: int = 15, decimals: int = 2) -> Any:
    """Horizontal bars: the ``top`` most expensive resources, colored by service."""
    import plotly.graph_objects as go

    items = sorted(
        figures.by_resource(report, decimals).items(), key=lambda kv: kv[1], reverse=True
    )[:top]
    items.reverse()
    fig = go.Figure()
    for code in _ordered({k[0] for k, _ in items}):
        mine = [(k, v) for k, v in items if k[0] == code]
        fig.add_bar(
            name=service_label(code),
            x=[_f(v) for _, v in mine],
            y=[k[1] for k, _ in mine],
            orientation="h",
            marker_color=service_color(code),
            customdata=_hover([v for _, v in mine]),
            hovertemplate="%{y}: %{customdata} a month<extra></extra>",
        )
    fig.update_yaxes(
        categoryorder="array", categoryarray=[k[1] for k, _ in items], title="resource"
    )
    money_axis(fig, "x", "monthly cost")
    return _layout(
        fig, f"{report.scenario}: the {len(items)} largest resources", height=160 + 28 * len(items)
    )


def scenarios_by_service(reports: Mapping[str, CostReport], decimals: int = 2) -> Any:
    """Stacked bars: one bar per scenario, one color per service, the total on top."""
    import plotly.graph_objects as go

    names = list(reports)
    by = {n: figures.by_service(reports[n], decimals) for n in names}
    fig = go.Figure()
    for code in _ordered({c for r in by.values() for c in r}):
        values = [by[n].get(code, ZERO) for n in names]
        fig.add_bar(
            name=service_label(code),
            x=names,
            y=[_f(v) for v in values],
            marker_color=service_color(code),
            customdata=_hover(values),
            hovertemplate=service_label(code) + ": %{customdata}<extra>%{x}</extra>",
        )
    totals = [figures.total(reports[n], decimals) for n in names]
    fig.add_scatter(
        name="total",
        x=names,
        y=[_f(t) for t in totals],
        mode="text",
        text=[usd(t, decimals) for t in totals],
        textposition="top center",
        showlegend=False,
        hoverinfo="skip",
    )
    money_axis(fig, "y", "monthly cost")
    fig.update_xaxes(title="scenario")
    top = max((_f(t) for t in totals), default=0.0)
    fig.update_yaxes(range=[0, top * 1.12 or 1])
    return _layout(fig, "Monthly cost per scenario, by service", barmode="stack", height=520)


def _wrap(label: str, width: int = 28) -> str:
    """A long category label on two lines (``<br>``), cut at a space, never inside a word."""
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width + 1)
    cut = cut if cut > 0 else label.find(" ", width)
    if cut < 0:
        return label
    return label[:cut] + "<br>" + _wrap(label[cut + 1 :], width)


def audit(rows: Sequence[AuditRow], decimals: int = 2) -> Any:
    """Grouped bars per estimate item: the hand estimate against list prices."""
    import plotly.graph_objects as go

    from planner.audit_render import shown

    items = sorted(rows, key=lambda r: abs(shown(r, decimals).difference_usd))
    labels = [_wrap(r.label) for r in items]
    fig = go.Figure()
    bars = (
        (
            "hand estimate (seed report)",
            "estimate",
            [shown(r, decimals).estimate_usd for r in items],
            "#bab0ac",
        ),
        ("list prices", "list prices", [shown(r, decimals).model_usd for r in items], "#4e79a7"),
    )
    for name, hover, values, color in bars:
        fig.add_bar(
            name=name,
            x=[_f(v) for v in values],
            y=labels,
            orientation="h",
            marker_color=color,
            customdata=_hover(values),
            hovertemplate=hover + " %{customdata}<extra>%{y}</extra>",
        )
    money_axis(fig, "x", "monthly cost")
    fig.update_yaxes(title="estimate item")
    return _layout(
        fig,
        "Hand estimate against list prices, largest differences at the top",
        barmode="group",
        height=160 + 44 * len(items),
    )


def whatif_deltas(base: CostReport, others: Sequence[CostReport], decimals: int = 2) -> Any:
    """Per what-if, the monthly change against the base, stacked by service; net as a marker."""
    import plotly.graph_objects as go

    names = [o.scenario for o in others]
    fig = go.Figure()
    a = figures.by_service(base, decimals)
    theirs = [figures.by_service(o, decimals) for o in others]
    codes = _ordered({c for r in (a, *theirs) for c in r})
    for code in codes:
        changes = [b.get(code, ZERO) - a.get(code, ZERO) for b in theirs]
        if any(changes):
            fig.add_bar(
                name=service_label(code),
                x=names,
                y=[_f(c) for c in changes],
                marker_color=service_color(code),
                customdata=_hover(changes, signed=True),
                hovertemplate=service_label(code) + ": %{customdata}<extra>%{x}</extra>",
            )
    nets = [figures.total(o, decimals) - figures.total(base, decimals) for o in others]
    fig.add_scatter(
        name="net change",
        x=names,
        y=[_f(n) for n in nets],
        mode="markers+text",
        marker={"symbol": "diamond", "size": 12, "color": "black"},
        text=[usd(n, decimals, signed=True) for n in nets],
        textposition="middle right",
        customdata=_hover(nets, signed=True),
        hovertemplate="net %{customdata} a month<extra>%{x}</extra>",
    )
    fig.add_hline(y=0, line_color="#444", line_width=1)
    money_axis(fig, "y", "change against the base")
    fig.update_xaxes(title="what-if scenario")
    return _layout(
        fig, f"What-ifs against {base.scenario}: monthly change", barmode="relative", height=480
    )


STATE_COLORS = {"min": "#a0cbe8", "expected": "#4e79a7", "max": "#1f3b5a"}
STATE_LABELS = {"min": "at HPA min", "expected": "expected", "max": "at HPA max"}


def capacity_nodes(result: CapacityResult) -> Any:
    """Grouped bars per node group: nodes at HPA min / expected / max, max_size as a marker."""
    import plotly.graph_objects as go

    from planner.capacity.model import STATES

    groups = [g.name for g in result.node_groups]
    fig = go.Figure()
    for state in STATES:
        counts = [getattr(g, f"nodes_at_{state}") for g in result.node_groups]
        fig.add_bar(
            name=f"nodes {STATE_LABELS[state]}",
            x=groups,
            y=counts,
            marker_color=STATE_COLORS[state],
            text=counts,
            textposition="outside",
            hovertemplate="%{x}: %{y} nodes<extra>" + STATE_LABELS[state] + "</extra>",
        )
    fig.add_scatter(
        name="node group max_size",
        x=groups,
        y=[g.max_size for g in result.node_groups],
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 40, "color": "#e15759", "line": {"width": 3}},
        hovertemplate="%{x}: max_size %{y}<extra></extra>",
    )
    fig.update_yaxes(title="nodes (count)", dtick=1, rangemode="tozero")
    fig.update_xaxes(title="node group")
    return _layout(fig, f"{result.scenario}: nodes per node group", barmode="group", height=440)


def capacity_utilization(result: CapacityResult, warn_pct: float = 85) -> Any:
    """Requested CPU and memory as a share of allocatable, per node group and state."""
    import plotly.graph_objects as go

    from planner.capacity.model import STATES

    fig = go.Figure()
    x = [
        [g.name for g in result.node_groups for _ in STATES],
        [s for _ in result.node_groups for s in STATES],
    ]
    for metric, colour in (("cpu", "#4e79a7"), ("memory", "#f28e2b")):
        fig.add_bar(
            name=f"{'CPU' if metric == 'cpu' else 'memory'} requested",
            x=x,
            y=[
                getattr(g.usage[s], f"{metric}_utilization_pct") if s in g.usage else None
                for g in result.node_groups
                for s in STATES
            ],
            marker_color=colour,
            hovertemplate="%{y:.0f}% of allocatable<extra>%{x}</extra>",
        )
    fig.add_hline(
        y=warn_pct,
        line_dash="dash",
        line_color="#e15759",
        annotation_text=f"{warn_pct:g}% warning level",
        annotation_position="top left",
    )
    fig.update_yaxes(title="requested (% of allocatable)", ticksuffix="%", range=[0, 105])
    fig.update_xaxes(title="node group and replica level")
    return _layout(
        fig,
        f"{result.scenario}: requests against allocatable, per node group and replica level",
        barmode="group",
        height=440,
    )


def cost_range(
    scenario: str,
    costs: Mapping[str, StateCost],
    shown: Mapping[str, Decimal] | None = None,
    decimals: int = 2,
) -> Any:
    """Bars: monthly total at HPA min / expected / max replicas (``shown``: displayed totals)."""
    import plotly.graph_objects as go

    states = list(costs)
    totals = [
        shown[s] if shown else figures.round_usd(Decimal(costs[s].monthly_usd)) for s in states
    ]
    fig = go.Figure(
        go.Bar(
            name="monthly cost",
            x=[STATE_LABELS.get(s, s) for s in states],
            y=[_f(t) for t in totals],
            marker_color=[STATE_COLORS.get(s, OTHER_COLOR) for s in states],
            text=[usd(t, decimals) for t in totals],
            textposition="outside",
            cliponaxis=False,
            customdata=_hover(totals),
            hovertemplate="%{x}: %{customdata} a month<extra></extra>",
        )
    )
    top = max((_f(t) for t in totals), default=0.0)
    money_axis(fig, "y", "monthly cost")
    fig.update_yaxes(range=[0, top * 1.15 or 1])
    fig.update_xaxes(title="replicas")
    return _layout(fig, f"{scenario}: monthly cost range with the replicas", height=400)


def write_html(fig: Any, path: str | Path) -> Path:
    """A standalone HTML file with plotly.js inlined (works offline)."""
    target = Path(path)
    fig.write_html(target, include_plotlyjs=True, full_html=True)
    return target
