"""What the notebooks compute, each thing once: priced reports, the audit, what-ifs, summaries.

Each scenario is priced at most once per notebook (reports are cached by file); the notebook
shows the results with :mod:`planner.views` and :mod:`planner.charts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner import figures, provenance
from planner.costing.registry import service_label
from planner.money import json_number, plain
from planner.notebooks.params import (
    AUTO,
    CapacityParams,
    CostOverviewParams,
    NotebookParams,
    WhatIfParams,
    resolve_scenario,
)
from planner.views import md_money, money

if TYPE_CHECKING:
    from planner.assumptions import Assumption
    from planner.audit import AuditRow
    from planner.capacity.model import CapacityResult, StateCost
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.lookahead import Warning
    from planner.scenario import Scenario


_SCENARIOS: dict[Path, tuple[tuple[tuple[Path, int], ...], Scenario]] = {}


def load(path: Path) -> Scenario:
    """A scenario file, loaded once per kernel while none of its files (extends chain) change.

    A report's warm kernel runs several notebooks on the same scenarios; each reads them here.
    """
    from planner.scenario import load_scenario

    cached = _SCENARIOS.get(path)
    if cached is not None and all(_mtime(p) == m for p, m in cached[0]):
        return cached[1]
    scenario = load_scenario(path)
    stamps = tuple((p, _mtime(p)) for p in (*scenario.chain, path))
    _SCENARIOS[path] = (stamps, scenario)
    return scenario


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


class Pricer:
    """Prices scenario files with one catalog, each file once."""

    def __init__(self, params: NotebookParams) -> None:
        from planner.catalog import load_catalog

        self.catalog: PriceCatalog = load_catalog(params.prices)
        self.horizon_months = params.horizon_months
        self._cache: dict[Path, CostReport] = {}
        self._warnings: dict[Path, list[Warning]] = {}

    def _path(self, ref: str | Path) -> Path:
        return (ref if isinstance(ref, Path) else resolve_scenario(ref)).resolve()

    def price(self, ref: str | Path) -> CostReport:
        from planner.pricing import price_scenario

        path = self._path(ref)
        if path not in self._cache:
            self._cache[path] = price_scenario(load(path), self.catalog)
        return self._cache[path]

    def warnings(self, ref: str | Path) -> list[Warning]:
        """The look-ahead warnings of a scenario (idle nodes from its capacity plan)."""
        from planner.lookahead import look_ahead

        path = self._path(ref)
        if path not in self._warnings:
            scenario = load(path)
            eks = scenario.topology.eks
            result = None
            if eks is not None and (eks.workloads or eks.workloads_from):
                from planner.capacity.plan import plan_capacity

                result = plan_capacity(scenario.topology, base_dir=path.parent)
            self._warnings[path] = look_ahead(
                scenario.topology,
                self.price(path),
                self.catalog,
                horizon_months=self.horizon_months,
                capacity=result,
            )
        return self._warnings[path]

    def assumptions(self, ref: str | Path) -> list[Assumption]:
        from planner.assumptions import with_effects

        path = self._path(ref)
        return with_effects(load(path).topology, self.price(path), self.catalog)


@dataclass(frozen=True)
class Overview:
    report: CostReport
    side_by_side: dict[str, CostReport]
    estimate_path: Path | None
    audit: list[AuditRow] | None
    warnings: list[Warning]
    assumptions: list[Assumption]
    from_seed: bool = False
    """The estimate is the seed report's §9.1, found because the scenario is modelled on it."""


def overview(params: CostOverviewParams) -> Overview:
    from planner.audit import audit, read_estimate

    pricer = Pricer(params)
    report = pricer.price(params.scenario_path)
    reports = {}
    for ref in params.compare_with:
        priced = pricer.price(ref)
        reports[priced.scenario] = priced
    estimate_path = params.estimate_path
    from_seed = "§9.1" in load(params.scenario_path).topology.seed_figures
    if params.estimate == AUTO and not from_seed:
        estimate_path = None  # the seed's §9.1 estimate is staging's: not this scenario's
    rows = audit(read_estimate(estimate_path), report) if estimate_path else None
    return Overview(
        report,
        reports,
        estimate_path,
        rows,
        pricer.warnings(params.scenario_path),
        pricer.assumptions(params.scenario_path),
        from_seed=params.estimate == AUTO and from_seed and rows is not None,
    )


@dataclass(frozen=True)
class WhatIfs:
    base: CostReport
    others: list[CostReport]
    files: list[Path]
    warnings: list[Warning]
    saving_ends: dict[str, Warning]
    """Per what-if whose change ends inside the horizon: the warning that ends it."""

    def ends_text(self) -> dict[str, str]:
        return {
            name: f"until {w.date} ({w.kind.replace('-', ' ')})"
            for name, w in self.saving_ends.items()
        }


def whatifs(params: WhatIfParams) -> WhatIfs:
    from planner.lookahead import saving_ends

    pricer = Pricer(params)
    files = params.overlay_paths
    base = pricer.price(params.scenario_path)
    base_warnings = pricer.warnings(params.scenario_path)
    others = [pricer.price(f) for f in files]
    ends = {}
    for path, other in zip(files, others, strict=True):
        end = saving_ends(base_warnings, pricer.warnings(path))
        if end is not None:
            ends[other.scenario] = end
    return WhatIfs(base, others, files, base_warnings, ends)


def price_dates(report: CostReport) -> dict[str, Any]:
    dates = provenance.date_range(report)
    return {"oldest": dates.oldest, "newest": dates.newest, "oldest_item": dates.oldest_item}


def warnings_summary(warnings: list[Warning]) -> list[dict[str, Any]]:
    return [w.as_json() for w in warnings]


def cost_summary(report: CostReport) -> dict[str, Any]:
    total = figures.total(report)
    return {
        "scenario": report.scenario,
        "total_monthly_usd": json_number(total),
        "total_annual_usd": json_number(figures.annual(total)),
        "total_monthly_usd_exact": plain(report.exact_monthly_usd),
        "by_service": {k: json_number(v) for k, v in figures.by_service(report).items()},
        "price_snapshot": report.snapshot["date"],
        "price_dates": price_dates(report),
        "complete": not report.missing,
        "missing_count": len(report.missing),
        "line_count": len(report.lines),
        "partial": figures.partial_note(report) or None,
        "upfront_usd": json_number(report.upfront_usd),
        "effective_total_monthly_usd": json_number(figures.effective_total(report)),
        "discounts_monthly_usd": json_number(figures.discounts_total(report)),
    }


def overview_summary(data: Overview) -> dict[str, Any]:
    out = {"notebook": "cost_overview", **cost_summary(data.report)}
    out["side_by_side"] = {k: plain(figures.total(v)) for k, v in data.side_by_side.items()}
    out["warnings"] = warnings_summary(data.warnings)
    out["pricing_warnings"] = list(data.report.warnings)  # e.g. pods that fit nowhere
    total = figures.total(data.report)
    dates = provenance.date_range(data.report)
    headline = (
        f"{money(total)} a month ({money(figures.annual(total))} a year) at AWS list prices"
        f"{upfront_note(data.report, money)}; {dates.sentence()}"
    )
    if data.audit is not None:
        from planner.audit_render import totals

        shown = totals(data.audit)
        est = shown.estimate_usd
        out["estimate_total_usd_exact"] = plain(est)
        word = "more" if shown.model_usd > est else "less"
        headline += (
            f"; the {'seed report' if data.from_seed else 'given'} hand estimate is "
            f"{money(est)} a month, list prices come to "
            f"{money(abs(shown.difference_usd))} {word}"
        )
    partial = figures.partial_note(data.report)
    if partial:
        headline = f"{partial.upper()}: {headline}"
    return {**out, "headline": headline}


def upfront_note(report: CostReport, fmt: Any, decimals: int = 2) -> str:
    """`` (with $1,557.00 paid up front)`` for a plan that buys commitments, else ""."""
    if not report.upfront_fees:
        return ""
    unknown = any(f.upfront_usd is None for f in report.upfront_fees)
    amount = fmt(report.upfront_usd, decimals)
    return f" (with {amount}{' and an unknown amount' if unknown else ''} paid up front)"


def whatif_summary(data: WhatIfs) -> dict[str, Any]:
    base = figures.total(data.base)
    rows = [
        {
            "scenario": o.scenario,
            "total_monthly_usd_exact": plain(figures.total(o)),
            "delta_usd_exact": plain(figures.total(o) - base),
            "upfront_usd": plain(o.upfront_usd),
            "change_ends": data.saving_ends[o.scenario].date
            if o.scenario in data.saving_ends
            else None,
        }
        for o in data.others
    ]
    return {
        "notebook": "whatif",
        "scenario": data.base.scenario,
        "base_total_monthly_usd_exact": plain(base),
        "whatifs": rows,
        "warnings": warnings_summary(data.warnings),
        "headline": whatif_sentence(data),
    }


def whatif_sentence(data: WhatIfs, decimals: int = 2, md: bool = False) -> str:
    """The best lasting saving; a saving that ends inside the horizon only with its end date."""
    fmt = md_money if md else money
    base = figures.total(data.base, decimals)
    if not data.others:
        return "no what-if overlays for this scenario"
    lasting = [o for o in data.others if o.scenario not in data.saving_ends]
    best = min(lasting, key=lambda o: figures.total(o, decimals), default=None)
    parts = []
    if best is not None:
        delta = figures.total(best, decimals) - base
        verb = "saves" if delta < 0 else "adds"
        parts.append(
            f"best lasting what-if: {best.scenario} {verb} {fmt(abs(delta), decimals)} a month"
            + upfront_note(best, fmt, decimals)
        )
    else:
        parts.append("no what-if saving lasts the whole horizon")
    for o in data.others:
        end = data.saving_ends.get(o.scenario)
        if end is None:
            continue
        delta = figures.total(o, decimals) - base
        verb = "saves" if delta < 0 else "adds"
        parts.append(
            f"{o.scenario} {verb} {fmt(abs(delta), decimals)} a month only until {end.date} "
            f"({end.kind.replace('-', ' ')})"
        )
    return "; ".join(parts)


def headline(report: CostReport, decimals: int = 2, warnings: list[Warning] | None = None) -> str:
    """The opening sentence finance reads first (markdown)."""
    by_service = sorted(
        figures.by_service(report, decimals).items(), key=lambda kv: kv[1], reverse=True
    )
    top = ", ".join(f"{service_label(k)} {md_money(v, decimals)}" for k, v in by_service[:3])
    snap = report.snapshot
    total = figures.total(report, decimals)
    dates = provenance.date_range(report)
    text = (
        f"**{report.scenario}** costs **{md_money(total, decimals)} a month** "
        f"({md_money(figures.annual(total), decimals)} a year) "
        f"at AWS list prices ({report.region}, as of {report.as_of}). "
        f"The largest items are {top}. Prices: {dates.sentence()} (bundled snapshot assembled "
        f"{snap['date']})."
    )
    if report.discount_lines:
        effective = figures.effective_total(report)
        text += (
            f" After the scenario's discounts and credits ("
            f"{md_money(figures.discounts_total(report), decimals)}, each on its own line below) "
            f"the bill comes to **{md_money(effective, decimals)} a month**."
        )
    if report.missing:
        text += f" **{figures.partial_note(report).upper()}: the total leaves them out.**"
    if warnings:
        steps = [w for w in warnings if w.date]
        text += f" **{len(warnings)} warning(s)** below"
        text += f", the first on {min(w.date for w in steps)}." if steps else "."
    return text


def audit_intro(data: Overview) -> str:
    """The heading and sentence of the estimate section (Markdown)."""
    if data.from_seed:
        source = (
            "The seed deployment report (section 9.1) gives its own monthly estimate for this "
            "environment."
        )
    else:
        name = data.estimate_path.name if data.estimate_path else ""
        source = f"The hand estimate `{name}` gives a monthly estimate."
    return (
        "## The hand estimate against list prices\n\n"
        f"{source} Here it is line by line against the list prices of the same items, with "
        "the reason for each difference."
    )


def audit_headline(rows: list[AuditRow], report: CostReport, decimals: int = 2) -> str:
    from planner.audit_render import totals

    shown = totals(rows, decimals)
    est = shown.estimate_usd
    model = shown.model_usd
    diff = model - est
    direction = "more" if diff > 0 else "less"
    gap = md_money(abs(diff), decimals)
    return (
        f"The estimate is **{md_money(est, decimals)} a month**; the same deployment at "
        f"list prices is **{md_money(model, decimals)}**, {gap} {direction}. "
        "Each line below says why the two differ."
    )


def whatif_headline(data: WhatIfs, decimals: int = 2) -> str:
    if not data.others:
        return (
            f"No what-if overlays were given for **{data.base.scenario}** (by convention they "
            f"live in `scenarios/whatif/{data.base.scenario}-*.yaml`)."
        )
    base = figures.total(data.base, decimals)
    parts = []
    for other in data.others:
        delta = figures.total(other, decimals) - base
        verb = "saves" if delta < 0 else "adds"
        end = data.saving_ends.get(other.scenario)
        until = f" **only until {end.date}** ({end.kind.replace('-', ' ')})" if end else ""
        parts.append(
            f"**{other.scenario}** {verb} {md_money(abs(delta), decimals)} a month{until}"
            + upfront_note(other, md_money, decimals)
        )
    dates = provenance.date_range(data.base)
    return (
        f"Against **{data.base.scenario}** at {md_money(base, decimals)} "
        "a month: " + "; ".join(parts) + f". Prices: {dates.sentence()}."
    )


@dataclass(frozen=True)
class Capacity:
    report: CostReport
    result: CapacityResult
    costs: dict[str, StateCost]
    shown: dict[str, Decimal]
    """Monthly total per state, sums of lines rounded to the cent (the summary's figures)."""
    warnings: list[Warning]
    displayed: dict[str, Decimal]
    """The same at the page's ``usd_decimals`` (lines rounded to it first)."""


def capacity(params: CapacityParams) -> Capacity:
    """Plan the scenario's nodes once and price it at HPA min / expected / max."""
    from planner.pricing import scenario_capacity_range

    pricer = Pricer(params)
    path = params.scenario_path
    scenario = load(path)
    result, by_state = scenario_capacity_range(scenario, pricer.catalog)
    costs = {str(k): v for k, v in by_state.items()}
    shown = figures.state_totals(scenario.topology, result, pricer.catalog)
    decimals = params.usd_decimals
    displayed = (
        shown
        if decimals == 2
        else figures.state_totals(scenario.topology, result, pricer.catalog, decimals=decimals)
    )
    return Capacity(pricer.price(path), result, costs, shown, pricer.warnings(path), displayed)


def capacity_headline(data: Capacity, decimals: int = 2) -> str:
    result = data.result
    low = data.displayed["min"]
    high = data.displayed["max"]
    nodes = {s: sum(result.nodes(s).values()) for s in ("min", "expected", "max")}
    text = (
        f"**{result.scenario}** needs **{nodes['min']} nodes** with every workload at its HPA "
        f"minimum, {nodes['expected']} as expected and **{nodes['max']}** at the HPA maximum. "
        f"The monthly bill moves with them from **{md_money(low, decimals)}** to "
        f"**{md_money(high, decimals)}**."
    )
    text += f" Prices: {provenance.date_range(data.report).sentence()}."
    if result.ok:
        return text + " Every pod fits and the namespace quota holds at every level."
    problems = len(result.unplaced) + len(result.exceeded_maxima)
    failed = sum(1 for c in result.quota_checks if not c.ok)
    return text + (
        f" **Attention:** {problems} placement problem(s) and {failed} quota check(s) fail;"
        " see the tables below."
    )


def capacity_summary(data: Capacity) -> dict[str, Any]:
    from planner.capacity.unplaced import unplaced_warnings

    result = data.result
    low, high = data.shown["min"], data.shown["max"]
    idle = [w for w in data.warnings if w.kind == "idle-nodes"]
    extra = f"; {idle[0].message}" if idle else ""
    return {
        "notebook": "capacity",
        "scenario": result.scenario,
        "nodes": {s: result.nodes(s) for s in ("min", "expected", "max")},
        "cost_range_monthly_usd_exact": {
            s: plain(Decimal(c.monthly_usd)) for s, c in data.costs.items()
        },
        "cost_range_monthly_usd": {s: json_number(v) for s, v in data.shown.items()},
        "ok": result.ok,
        "warnings": warnings_summary(data.warnings),
        "capacity_warnings": unplaced_warnings(result),
        "headline": f"cost range with the replicas: {money(low)} to {money(high)} a month{extra}",
    }
