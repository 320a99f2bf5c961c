"""What the notebooks compute, each thing once: priced reports, the audit, what-ifs, summaries.

Each scenario is priced at most once per notebook (reports are cached by file); the notebook
shows the results with :mod:`planner.views` and :mod:`planner.charts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.costing.registry import service_label
from planner.money import ZERO, json_number, plain
from planner.notebooks.params import (
    CapacityParams,
    CostOverviewParams,
    NotebookParams,
    WhatIfParams,
    resolve_scenario,
)
from planner.views import md_money, money

if TYPE_CHECKING:
    from planner.audit import AuditRow
    from planner.capacity.model import CapacityResult, StateCost
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport


class Pricer:
    """Prices scenario files with one catalog, each file once."""

    def __init__(self, params: NotebookParams) -> None:
        from planner.catalog import load_catalog

        self.catalog: PriceCatalog = load_catalog(params.prices)
        self._cache: dict[Path, CostReport] = {}

    def price(self, ref: str | Path) -> CostReport:
        from planner.pricing import price_scenario
        from planner.scenario import load_scenario

        path = (ref if isinstance(ref, Path) else resolve_scenario(ref)).resolve()
        if path not in self._cache:
            self._cache[path] = price_scenario(load_scenario(path), self.catalog)
        return self._cache[path]


@dataclass(frozen=True)
class Overview:
    report: CostReport
    side_by_side: dict[str, CostReport]
    estimate_path: Path | None
    audit: list[AuditRow] | None


def overview(params: CostOverviewParams) -> Overview:
    from planner.audit import audit, read_estimate

    pricer = Pricer(params)
    report = pricer.price(params.scenario_path)
    reports = {}
    for ref in params.compare_with:
        priced = pricer.price(ref)
        reports[priced.scenario] = priced
    estimate_path = params.estimate_path
    rows = audit(read_estimate(estimate_path), report) if estimate_path else None
    return Overview(report, reports, estimate_path, rows)


@dataclass(frozen=True)
class WhatIfs:
    base: CostReport
    others: list[CostReport]
    files: list[Path]


def whatifs(params: WhatIfParams) -> WhatIfs:
    pricer = Pricer(params)
    files = params.overlay_paths
    return WhatIfs(pricer.price(params.scenario_path), [pricer.price(f) for f in files], files)


def cost_summary(report: CostReport) -> dict[str, Any]:
    return {
        "scenario": report.scenario,
        "total_monthly_usd": json_number(report.total_monthly_usd),
        "total_monthly_usd_exact": plain(report.total_monthly_usd),
        "by_service": {k: json_number(v) for k, v in report.by_service().items()},
        "price_snapshot": report.snapshot["date"],
    }


def overview_summary(data: Overview) -> dict[str, Any]:
    out = {"notebook": "cost_overview", **cost_summary(data.report)}
    out["warnings"] = list(data.report.warnings)
    out["side_by_side"] = {k: plain(v.total_monthly_usd) for k, v in data.side_by_side.items()}
    total = data.report.total_monthly_usd
    headline = f"{money(total)} a month at list prices of {data.report.snapshot['date']}"
    if data.audit is not None:
        est = sum((r.estimate_usd for r in data.audit), ZERO)
        out["estimate_total_usd_exact"] = plain(est)
        word = "more" if total > est else "less"
        headline = (
            f"the seed report's hand estimate is {money(est)} a month; list prices come to "
            f"{money(abs(total - est))} {word}"
        )
    return {**out, "headline": headline}


def whatif_summary(data: WhatIfs) -> dict[str, Any]:
    base = data.base.total_monthly_usd
    rows = [
        {
            "scenario": o.scenario,
            "total_monthly_usd_exact": plain(o.total_monthly_usd),
            "delta_usd_exact": plain(o.total_monthly_usd - base),
        }
        for o in data.others
    ]
    best = min(data.others, key=lambda o: o.total_monthly_usd, default=None)
    headline = "no what-if overlays for this scenario"
    if best is not None:
        delta = best.total_monthly_usd - base
        verb = "saves" if delta < 0 else "adds"
        headline = f"best what-if: {best.scenario} {verb} {money(abs(delta))} a month"
    return {
        "notebook": "whatif",
        "scenario": data.base.scenario,
        "base_total_monthly_usd_exact": plain(base),
        "whatifs": rows,
        "headline": headline,
    }


def headline(report: CostReport, decimals: int = 2) -> str:
    """The opening sentence finance reads first (markdown)."""
    by_service = sorted(report.by_service().items(), key=lambda kv: kv[1], reverse=True)
    top = ", ".join(f"{service_label(k)} {md_money(v, decimals)}" for k, v in by_service[:3])
    snap = report.snapshot
    text = (
        f"**{report.scenario}** costs **{md_money(report.total_monthly_usd, decimals)} a month** "
        f"at AWS list prices ({report.region}, as of {report.as_of}). "
        f"The largest items are {top}. Prices come from the bundled price snapshot of "
        f"{snap['date']} (AWS price data dated {snap['source_dates'][0]} to "
        f"{snap['source_dates'][1]})."
    )
    if report.missing:
        text += f" **{len(report.missing)} item(s) have no price and are not in the total.**"
    stale = [w for w in report.warnings if " days older than the scenario's as_of " in w]
    if stale:
        count = stale[0].split(" ", 1)[0]
        text += (
            f" {count} of the prices used are more than a year older than {report.as_of} "
            "(named below); `planner prices refresh` updates them."
        )
    return text


def audit_headline(rows: list[AuditRow], report: CostReport, decimals: int = 2) -> str:
    est = sum((r.estimate_usd for r in rows), ZERO)
    model = report.total_monthly_usd
    diff = model - est
    direction = "more" if diff > 0 else "less"
    gap = md_money(abs(diff), decimals)
    return (
        f"The seed report estimated **{md_money(est, decimals)} a month**; the same deployment at "
        f"list prices is **{md_money(model, decimals)}**, {gap} {direction}. "
        "Each line below says why the two differ."
    )


def whatif_headline(data: WhatIfs, decimals: int = 2) -> str:
    if not data.others:
        return (
            f"No what-if overlays were given for **{data.base.scenario}** (by convention they "
            f"live in `scenarios/whatif/{data.base.scenario}-*.yaml`)."
        )
    parts = []
    for other in data.others:
        delta = other.total_monthly_usd - data.base.total_monthly_usd
        verb = "saves" if delta < 0 else "adds"
        parts.append(f"**{other.scenario}** {verb} {md_money(abs(delta), decimals)} a month")
    return (
        f"Against **{data.base.scenario}** at {md_money(data.base.total_monthly_usd, decimals)} "
        "a month: " + "; ".join(parts) + "."
    )


@dataclass(frozen=True)
class Capacity:
    report: CostReport
    result: CapacityResult
    costs: dict[str, StateCost]


def capacity(params: CapacityParams) -> Capacity:
    """Plan the scenario's nodes once and price it at HPA min / expected / max."""
    from planner.pricing import scenario_capacity_range
    from planner.scenario import load_scenario

    pricer = Pricer(params)
    path = params.scenario_path
    result, by_state = scenario_capacity_range(load_scenario(path), pricer.catalog)
    costs = {str(k): v for k, v in by_state.items()}
    return Capacity(pricer.price(path), result, costs)


def capacity_headline(data: Capacity, decimals: int = 2) -> str:
    result = data.result
    low = Decimal(data.costs["min"].monthly_usd)
    high = Decimal(data.costs["max"].monthly_usd)
    nodes = {s: sum(result.nodes(s).values()) for s in ("min", "expected", "max")}
    text = (
        f"**{result.scenario}** needs **{nodes['min']} nodes** with every workload at its HPA "
        f"minimum, {nodes['expected']} as expected and **{nodes['max']}** at the HPA maximum. "
        f"The monthly bill moves with them from **{md_money(low, decimals)}** to "
        f"**{md_money(high, decimals)}**."
    )
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
    cost = {s: c.monthly_usd for s, c in data.costs.items()}
    low, high = Decimal(cost["min"]), Decimal(cost["max"])
    return {
        "notebook": "capacity",
        "scenario": result.scenario,
        "nodes": {s: result.nodes(s) for s in ("min", "expected", "max")},
        "cost_range_monthly_usd_exact": {s: plain(Decimal(v)) for s, v in cost.items()},
        "ok": result.ok,
        "warnings": unplaced_warnings(result),
        "headline": f"cost range with the replicas: {money(low)} to {money(high)} a month",
    }
