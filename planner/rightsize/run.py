"""Right-size a scenario from a usage set: every recommendation, totals, node-count effect."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.money import ZERO, cents, plain
from planner.rightsize.managed import recommend_managed
from planner.rightsize.model import Recommendation, Settings
from planner.usage.stats import summarize

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog
    from planner.topology import Topology
    from planner.usage.store import UsageSet

# The claim the result is set beside (the seed report, §9.2 "Cost Optimization Strategies").
SEED_CLAIM: dict[str, Any] = {
    "source": "Staging Deployment Report - EMRTask Platform v1.0, 2025-11-11, §9.2",
    "text": "Right-sizing after load testing: may be able to reduce instance types; "
    "potential savings: $50-100/month",
    "low_monthly_usd": 50,
    "high_monthly_usd": 100,
}


@dataclass
class RightsizeResult:
    scenario: str
    usage: UsageSet
    settings: Settings
    recommendations: list[Recommendation]
    node_count_effect: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seed_claim: bool = False
    """The scenario is modelled on the seed report's §9.2 (``seed_figures``): set its
    right-sizing claim beside the result."""

    @property
    def total_savings_monthly_usd(self) -> Decimal:
        """The plan's saving: the counted recommendations, priced as `planner price` does."""
        return sum(
            (r.savings_monthly_usd for r in self.recommendations if r.counted_in_total), ZERO
        )

    @property
    def credits_now_monthly_usd(self) -> Decimal:
        """Surplus CPU credits the measured usage implies today; the plan does not price them."""
        return sum((r.credits_now_usd for r in self.recommendations if r.counted_in_total), ZERO)

    @property
    def credits_avoided_monthly_usd(self) -> Decimal:
        """Of those, what the recommended classes would no longer pay."""
        return sum(
            (
                r.credits_now_usd - r.credits_recommended_usd
                for r in self.recommendations
                if r.counted_in_total
            ),
            ZERO,
        )


def rightsize(
    topology: Topology,
    usage: UsageSet,
    settings: Settings,
    catalog: PriceCatalog,
    *,
    base_dir: Path | None = None,
) -> RightsizeResult:
    summary = summarize(usage)
    recs: list[Recommendation] = []
    effect: dict[str, Any] = {}
    notes: list[str] = []
    eks = topology.eks
    if eks is not None:
        if eks.workloads_from and not eks.workloads:
            notes.append("workloads come from manifests (workloads_from): requests not sized")
        else:
            from planner.rightsize.nodes import NodePlan

            plan = NodePlan(topology, usage, summary, settings, catalog, base_dir)
            recs.extend(plan.recs)
            recs.extend(plan.workload_recs)
            effect = plan.node_count_effect()
    recs.extend(recommend_managed(topology, usage, summary, settings, catalog, notes))
    if usage.sample:
        notes.append("SAMPLE usage: real CloudWatch traces (NAB) mapped onto the staging scenario")
        if topology.name != "staging":
            notes.append(
                f"the sample usage was mapped onto staging's resources, not {topology.name}'s: "
                "these recommendations illustrate the method only"
            )
    return RightsizeResult(
        topology.name,
        usage,
        settings,
        recs,
        effect,
        notes,
        seed_claim="§9.2" in topology.seed_figures,
    )


def _usd(value: Decimal) -> float:
    return float(cents(value))


def result_json(result: RightsizeResult) -> dict[str, Any]:
    usage = result.usage
    total = result.total_savings_monthly_usd
    return {
        "scenario": result.scenario,
        "usage": {
            "source": usage.source,
            "window_days": usage.window_days,
            "window_start": usage.window_start.isoformat(),
            "window_end": usage.window_end.isoformat(),
            "sample": usage.sample,
            "missing": usage.missing,
            "partial": usage.partial,
        },
        "settings": {
            "percentile": result.settings.percentile,
            "headroom_pct": result.settings.headroom_pct,
            "memory_percentile": result.settings.memory_percentile,
        },
        "recommendations": [
            {
                "resource": r.resource,
                "kind": r.kind,
                "current": r.current,
                "recommended": r.recommended,
                "current_monthly_usd": _usd(r.current_monthly_usd),
                "recommended_monthly_usd": _usd(r.recommended_monthly_usd),
                "savings_monthly_usd": _usd(r.savings_monthly_usd),
                "counted_in_total": r.counted_in_total,
                "evidence": r.evidence,
                "risk": r.risk,
                "risk_reasons": r.risk_reasons,
                "notes": r.notes,
            }
            for r in result.recommendations
        ],
        "total_savings_monthly_usd": _usd(total),
        "total_savings_monthly_usd_exact": plain(total),
        "cpu_credits_now_monthly_usd": _usd(result.credits_now_monthly_usd),
        "cpu_credits_avoided_monthly_usd": _usd(result.credits_avoided_monthly_usd),
        "node_count_effect": result.node_count_effect,
        "seed_claim": (
            {**SEED_CLAIM, "this_result_monthly_usd": _usd(total)} if result.seed_claim else None
        ),
        "notes": result.notes,
    }


def _change(r: Recommendation) -> tuple[str, str]:
    if r.kind == "workload":
        c, n = r.current, r.recommended
        return (
            f"{c['cpu_request']} / {c['memory_request']}",
            f"{n['cpu_request']} / {n['memory_request']}",
        )
    c, n = r.current, r.recommended
    extra = ""
    if r.kind == "node_group":
        nodes = n.get("nodes", {})
        extra = f" x{nodes.get('expected', '?')}"
        cur = f"{c['class']} x{c.get('nodes', {}).get('expected', '?')}"
        return cur, f"{n['class']}{extra}"
    return str(c["class"]), str(n["class"])


def _pcts(r: Recommendation) -> str:
    parts = []
    for ev in r.evidence.get("metrics", [])[:2]:
        who = f"{ev['resource'].rsplit('/', 1)[-1]} " if "resource" in ev else ""
        parts.append(
            f"{who}{ev['metric']} p50 {ev['p50']:g} p95 {ev['p95']:g} max {ev['max']:g} "
            f"({ev['datapoints']} pts, {ev['gaps']} gaps)"
        )
    if r.evidence.get("missing"):
        parts.append(f"missing: {len(r.evidence['missing'])} series")
    return "; ".join(parts)


def result_table(result: RightsizeResult) -> str:
    from planner.money import usd

    usage = result.usage
    st = result.settings
    lines = [
        f"Right-sizing: {result.scenario}  (p{st.percentile:g} CPU + {st.headroom_pct:g}% "
        f"headroom, memory p{st.memory_percentile:g})",
        f"Usage: {usage.source}; {usage.window_label}",
    ]
    if usage.sample:
        lines.append("*** SAMPLE DATA: real NAB CloudWatch traces mapped onto staging ***")
    lines.append("")
    header = ("resource", "kind", "current", "recommended", "now/mo", "then/mo", "saves/mo", "risk")
    rows = [header]
    for r in result.recommendations:
        cur, new = _change(r)
        saving = usd(r.savings_monthly_usd) + ("" if r.counted_in_total else "*")
        rows.append(
            (
                r.resource,
                r.kind,
                cur,
                new,
                usd(r.current_monthly_usd),
                usd(r.recommended_monthly_usd),
                saving,
                r.risk,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(
        f"Total saving: {usd(result.total_savings_monthly_usd)}/month "
        "(* workload shares are realised through the node groups, not added)"
    )
    if result.credits_now_monthly_usd:
        lines.append(
            f"Measured surplus CPU credits today (not in the plan's price): "
            f"{usd(result.credits_now_monthly_usd)}/month; the recommendations avoid "
            f"{usd(result.credits_avoided_monthly_usd)}/month of them"
        )
    if result.seed_claim:
        lines.append(
            f"Seed claim ({SEED_CLAIM['source']}): $50-100/month; this usage: "
            f"{usd(result.total_savings_monthly_usd)}/month"
        )
    if result.node_count_effect:
        lines.append("")
        lines.append("Node-count effect (capacity model):")
        for state, eff in result.node_count_effect.items():
            lines.append(
                f"  {state:<9} nodes {eff['current_nodes']} -> {eff['recommended_nodes']}; "
                f"node cost {usd(Decimal(eff['current_node_monthly_usd']))} -> "
                f"{usd(Decimal(eff['recommended_node_monthly_usd']))}"
            )
    lines.append("")
    lines.append("Evidence and risk:")
    for r in result.recommendations:
        lines.append(f"  {r.resource}: {_pcts(r)}")
        for reason in r.risk_reasons + r.notes:
            lines.append(f"    - {reason}")
    for note in result.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines) + "\n"


def result_csv(result: RightsizeResult) -> str:
    import csv
    import io
    import json

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        [
            "resource",
            "kind",
            "current",
            "recommended",
            "current_monthly_usd",
            "recommended_monthly_usd",
            "savings_monthly_usd",
            "counted_in_total",
            "risk",
            "evidence",
        ]
    )
    for r in result.recommendations:
        cur, new = _change(r)
        writer.writerow(
            [
                r.resource,
                r.kind,
                cur,
                new,
                plain(cents(r.current_monthly_usd)),
                plain(cents(r.recommended_monthly_usd)),
                plain(cents(r.savings_monthly_usd)),
                str(r.counted_in_total).lower(),
                r.risk,
                json.dumps(r.evidence, sort_keys=True),
            ]
        )
    return buf.getvalue()
