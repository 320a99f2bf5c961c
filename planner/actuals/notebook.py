"""What the ``plan_vs_actual`` notebook computes and shows (the notebook stays thin)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import field_validator

from planner.figures import shown
from planner.money import ZERO, plain
from planner.notebooks.params import NotebookParams

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from planner.actuals.variance import VarianceReport
    from planner.costing.engine import CostReport

# The bundled sample bill was generated from the staging plan: it is staging's only.
SAMPLE_SCENARIOS = ("staging",)


class PlanVsActualParams(NotebookParams):
    notebook: ClassVar[str] = "plan_vs_actual"
    actuals: str | None = "auto"
    cost_basis: str = "amortised"
    top: int = 10

    @field_validator("actuals")
    @classmethod
    def _actuals_exist(cls, value: str | None) -> str | None:
        if value in (None, "", "auto", "sample"):
            return value or None
        if not Path(value).exists():
            raise ValueError(f"{value!r}: no such file or folder (a tidy table or an export)")
        return value

    @field_validator("cost_basis")
    @classmethod
    def _basis(cls, value: str) -> str:
        if value not in ("amortised", "unblended"):
            raise ValueError(f"{value!r}: use 'amortised' or 'unblended'")
        return value


@dataclass(frozen=True)
class PlanVsActual:
    scenario: str
    plan: CostReport
    variance: VarianceReport | None
    sample: bool
    label: str
    rebased: CostReport | None
    rebased_fields: tuple[str, ...]


def build(params: PlanVsActualParams) -> PlanVsActual:
    from planner.actuals.cli import SAMPLE_NAME, load_actuals
    from planner.actuals.variance import variance
    from planner.catalog import load_catalog
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    scenario = load_scenario(params.scenario_path)
    catalog = load_catalog(params.prices)
    plan = price_scenario(scenario, catalog)
    spec = params.actuals
    if spec == "auto":
        spec = SAMPLE_NAME if scenario.name in SAMPLE_SCENARIOS else None
    if spec is None:
        return PlanVsActual(scenario.name, plan, None, False, "", None, ())
    import contextlib
    import io

    # the import's progress lines are for a terminal: on a finance page stderr is a red box
    with contextlib.redirect_stderr(io.StringIO()):
        rows, label = load_actuals(spec)
    report = variance(
        scenario.name,
        plan.lines,
        rows,
        source=label,
        cost_basis="unblended" if params.cost_basis == "unblended" else "amortised",
        discount_lines=plan.discount_lines,
    )
    rebased, fields = _rebase(scenario, rows, label, plan, catalog)
    return PlanVsActual(
        scenario.name, plan, report, spec == SAMPLE_NAME, label, rebased, tuple(fields)
    )


def _rebase(scenario: Any, rows: Any, label: str, plan: Any, catalog: Any) -> tuple[Any, list[str]]:
    from planner.actuals.rebase import overlay_yaml
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    with tempfile.TemporaryDirectory(prefix="planner-rebase-") as tmp:
        path = Path(tmp) / f"{scenario.name}-rebased.yaml"
        text, fields = overlay_yaml(scenario, rows, label, plan.lines, path)
        path.write_text(text, encoding="utf-8")
        return price_scenario(load_scenario(path), catalog), fields


def banner(data: PlanVsActual) -> str:
    if data.variance is None:
        return (
            f"**No billing data for {data.scenario}.** The bundled sample bill is staging's; "
            "import this environment's bill (`planner actuals import` or `planner actuals "
            "pull`) and run this notebook with `-p actuals FILE`."
        )
    if data.sample:
        return (
            "**SAMPLE DATA.** No live billing data was given, so this notebook runs on the "
            "bundled sample export: the staging plan turned into three months of CUR 2.0 line "
            "items with deliberate deviations (see `scenarios/actuals/SOURCES.md`). It is not "
            "a real bill."
        )
    return f"Billing data: {data.label}."


def headline(data: PlanVsActual, decimals: int = 2, md: bool = True) -> str:
    """The opening sentence (Markdown, dollar signs escaped, unless ``md`` is False)."""
    from planner import figures
    from planner.views import md_money, money

    fmt = md_money if md else money
    v = data.variance
    if v is None:
        total = figures.total(data.plan, decimals)
        return f"No actuals for {data.scenario}: plan {fmt(total, decimals)} a month."
    # the figures the service-by-month table adds up to (each row rounded first)
    rows = shown_service_months(v, decimals)
    planned = sum((p for p, _a in rows.values()), Decimal(0)) + _not_compared(v, decimals)
    actual = sum((a for _p, a in rows.values()), Decimal(0))
    pct = "" if planned == 0 else f" ({(actual - planned) / planned * 100:+.1f}%)"
    sample = " [sample data]" if data.sample else ""
    return (
        f"Actual {fmt(actual, decimals)} against a plan of {fmt(planned, decimals)} over "
        f"{len(v.months)} months{pct}; unplanned {fmt(v.unplanned_total_usd, decimals)}{sample}."
    )


def _shown(planned: Decimal, actual: Decimal, decimals: int) -> tuple[float, float, float]:
    """Planned, actual and their difference as displayed: each figure rounded (half up) to
    the cent, then to the page's decimals; the delta the difference of the two."""
    p, a = shown(planned, decimals), shown(actual, decimals)
    return float(p), float(a), float(a - p)


def _not_compared(v: VarianceReport, decimals: int) -> Decimal:
    """The planned lines with no usage-type mapping (reservation fees), as shown."""
    return sum((shown(n[3], decimals) for n in v.not_compared), Decimal(0))


def shown_service_months(
    v: VarianceReport, decimals: int = 2
) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """(service, month) -> (planned, actual) as the page shows them; their sums are the
    page's totals. Planned adds the plan's lines each rounded to ``decimals`` first (as the
    cost overview does, so a month is the overview's total); actual rounds each service's
    month of the bill (at 2 decimals, the sum is ``planner variance``'s total)."""
    planned: dict[tuple[str, str], Decimal] = {}
    for ln in v.lines:
        key = (ln.service, ln.month)
        planned[key] = planned.get(key, Decimal(0)) + shown(ln.planned_usd, decimals)
    return {
        key: (planned.get(key, Decimal(0)), shown(a, decimals))
        for key, (_p, a) in v.by_service_month().items()
    }


def service_months(v: VarianceReport, decimals: int = 2) -> pd.DataFrame:
    import pandas as pd

    from planner.costing.registry import service_label

    rows = []
    total_p = total_a = Decimal(0)
    for (service, month), (p, a) in shown_service_months(v, decimals).items():
        total_p, total_a = total_p + p, total_a + a
        rows.append(
            {
                "month": month,
                "service": service_label(service),
                "planned": float(p),
                "actual": float(a),
                "delta": float(a - p),
            }
        )
    extra = _not_compared(v, decimals)
    if v.not_compared:
        # a reservation's fee has no usage type of its own: its bill is inside the instance
        # rows above (amortised), so it has no actual of its own here
        rows.append(
            {
                "month": "all months",
                "service": "planned, not compared line by line (reservation fees)",
                "planned": float(extra),
                "actual": None,
                "delta": None,
            }
        )
        total_p += extra
    rows.append(
        {
            "month": "TOTAL",
            "service": "",
            "planned": float(total_p),
            "actual": float(total_a),
            "delta": float(total_a - total_p),
        }
    )
    return pd.DataFrame(rows)


def top_variances(v: VarianceReport, top: int, decimals: int = 2) -> pd.DataFrame:
    import pandas as pd

    ranked = sorted(
        (ln for ln in v.lines if ln.cause != "on_plan"),
        key=lambda ln: (-abs(ln.delta_usd), ln.month, ln.resource),
    )[:top]
    rows = []
    for ln in ranked:
        planned, actual, delta = _shown(ln.planned_usd, ln.actual_usd, decimals)
        rows.append(
            {
                "month": ln.month,
                "resource": ln.resource,
                "line": ln.component,
                "planned": planned,
                "actual": actual,
                "delta": delta,
                "cause": ln.cause,
                "why": ln.cause_detail,
            }
        )
    return pd.DataFrame(rows)


def unplanned(v: VarianceReport) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "month": u.month,
                "service": u.service,
                "usage type": u.usage_type,
                "actual": float(u.actual_usd),
                "commitment": "yes" if u.commitment else "",
            }
            for u in v.unplanned
        ],
        columns=["month", "service", "usage type", "actual", "commitment"],
    )


def commitments(v: VarianceReport) -> pd.DataFrame:
    import pandas as pd

    def share(x: Decimal | None) -> float | None:
        return None if x is None else float(x / 100)

    return pd.DataFrame(
        [
            {
                "month": c.month,
                "commitment": c.kind,
                "coverage %": share(c.coverage_pct),
                "utilisation %": share(c.utilisation_pct),
                "used": float(c.used_usd),
                "unused": float(c.unused_usd),
                "saved vs on-demand (net)": float(c.savings_usd),
            }
            for c in v.commitments
        ],
        columns=[
            "month",
            "commitment",
            "coverage %",
            "utilisation %",
            "used",
            "unused",
            "saved vs on-demand (net)",
        ],
    )


def rebased_table(data: PlanVsActual, decimals: int = 2) -> pd.DataFrame:
    """Per service, the plan and the plan re-based on the bill, as every page shows a plan:
    lines rounded first, each figure (and the TOTAL) a sum of rounded lines."""
    import pandas as pd

    from planner import figures
    from planner.costing.registry import service_label

    assert data.rebased is not None
    before = figures.by_service(data.plan, decimals)
    after = figures.by_service(data.rebased, decimals)
    plan_total = figures.total(data.plan, decimals)
    rebased_total = figures.total(data.rebased, decimals)
    rows = [
        {
            "service": service_label(s),
            "original plan": float(before.get(s, ZERO)),
            "rebased on the bill": float(after.get(s, ZERO)),
            "change": float(after.get(s, ZERO) - before.get(s, ZERO)),
        }
        for s in sorted(set(before) | set(after))
    ]
    rows.append(
        {
            "service": "TOTAL a month",
            "original plan": float(plan_total),
            "rebased on the bill": float(rebased_total),
            "change": float(rebased_total - plan_total),
        }
    )
    return pd.DataFrame(rows)


def chart(v: VarianceReport) -> go.Figure:
    """Per service: the planned month beside each billed month (one chart, grouped bars)."""
    import plotly.graph_objects as go

    from planner.charts import layout, money_axis

    frame = service_months(v)
    frame = frame[frame["month"].str.fullmatch(r"\d{4}-\d{2}")]  # the months, not the totals
    services = list(dict.fromkeys(frame["service"]))
    months = sorted(set(frame["month"]))
    fig = go.Figure()
    planned = frame.groupby("service", sort=False)["planned"].max()
    fig.add_bar(
        name="planned (a month)",
        x=services,
        y=[float(planned[s]) for s in services],
        marker_color="#4e79a7",
    )
    shades = ("#f4a3a4", "#e15759", "#a32a2c", "#6b1a1b")
    for i, month in enumerate(months):
        part = frame[frame["month"] == month].set_index("service")["actual"]
        fig.add_bar(
            name=f"billed {month}",
            x=services,
            y=[float(part.get(s, 0.0)) for s in services],
            marker_color=shades[i % len(shades)],
        )
    money_axis(fig, "y", "cost")
    fig.update_xaxes(title="AWS service", tickangle=-30)
    return layout(fig, "Planned against billed, per service and month", barmode="group", height=480)


def summary(data: PlanVsActual) -> dict[str, Any]:
    out: dict[str, Any] = {"headline": headline(data, md=False), "sample_data": data.sample}
    v = data.variance
    if v is None:
        return out
    out.update(
        months=list(v.months),
        planned_usd_exact=plain(v.planned_total_usd),
        actual_usd_exact=plain(v.actual_total_usd),
        unplanned_usd_exact=plain(v.unplanned_total_usd),
        matched_usd_exact=plain(v.matched_total_usd),
        causes={
            c: sum(1 for ln in v.lines if ln.cause == c) for c in ("quantity", "price", "on_plan")
        },
    )
    if data.rebased is not None:
        out["original_monthly_usd_exact"] = plain(data.plan.exact_monthly_usd)
        out["rebased_monthly_usd_exact"] = plain(data.rebased.exact_monthly_usd)
    return out
