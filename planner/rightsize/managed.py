"""RDS, ElastiCache and MSK: the cheapest class covering the percentile plus headroom.

Dollars come from the cost engine: the resource's lines priced with the current class and
again with the recommended one (storage and the rest unchanged), plus surplus CPU credits
where a burstable class runs above its baseline. Deployment (Multi-AZ), node and broker
counts are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner.money import ZERO, plain
from planner.rightsize.choose import Choice, Need, Priced, choose, surplus_monthly_usd
from planner.rightsize.classes import ClassSpec, class_specs, spec_of
from planner.rightsize.model import Kind, Recommendation, Settings, coverage_risk, metric_evidence
from planner.topology import Topology
from planner.usage.stats import percentile_of, series

if TYPE_CHECKING:
    import pandas as pd

    from planner.catalog import PriceCatalog
    from planner.usage.store import UsageSet

GIB = Decimal(2**30)
# Sizes the snapshot's ElastiCache caveat says were cross-checked ("small and medium
# us-east-1 nodes cross-checked"); micro is smaller than small and checked alongside.
CROSS_CHECKED_SIZES = ("micro", "small", "medium")


def engine_monthly(topology: Topology, resource: str, catalog: PriceCatalog) -> Decimal:
    """The resource's monthly USD as `planner price` shows it: the cost engine's lines for it,
    each rounded to the cent, added."""
    return sum(engine_lines(topology, resource, catalog), Decimal(0))


def engine_lines(topology: Topology, resource: str, catalog: PriceCatalog) -> list[Decimal]:
    """The resource's cost lines as `planner price` shows them (each to the cent)."""
    from planner.figures import line_usd
    from planner.pricing import price_plan

    report = price_plan(topology, catalog)
    shown = (line_usd(ln) for ln in report.lines if ln.resource == resource)
    return [v for v in shown if v is not None]


def describe(spec: ClassSpec, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "class": spec.name,
        "vcpu": spec.vcpu,
        "memory_gib": plain(spec.memory_gib),
        "architecture": spec.architecture,
    }
    out.update(extra)
    return out


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


class _Managed:
    """Shared flow for one managed resource."""

    def __init__(
        self,
        kind: Kind,
        resource: str,
        topology: Topology,
        catalog: PriceCatalog,
        settings: Settings,
        window: str,
    ) -> None:
        self.kind, self.resource, self.topology = kind, resource, topology
        self.catalog, self.settings, self.window = catalog, settings, window

    def candidates(
        self, service: str, product: Callable[[str], str], architecture: str
    ) -> list[Priced]:
        out = []
        for spec in class_specs(self.kind).values():
            if self.settings.keep_architecture and spec.architecture != architecture:
                continue
            row = self.catalog.find(service, self.topology.region, product(spec.name))
            if row is not None:
                caveat = row.attributes if "CAVEAT" in row.attributes else ""
                out.append(Priced(spec, row.usd, caveat))
        return out

    def build(
        self,
        current: ClassSpec,
        need: Need | None,
        units: int,
        *,
        unlimited: bool,
        candidates: list[Priced],
        variant: Callable[[str], Topology],
        evidence: dict[str, Any],
        extra: dict[str, Any],
    ) -> Recommendation:
        now_lines = engine_lines(self.topology, self.resource, self.catalog)
        now_usd = sum(now_lines, ZERO)
        now_surplus = (
            surplus_monthly_usd(current, need.mean_vcpu, units) if need and unlimited else ZERO
        )
        rec = Recommendation(
            resource=self.resource,
            kind=self.kind,
            current=describe(current, **extra),
            recommended=describe(current, **extra),
            current_monthly_usd=now_usd,  # the plan's price; measured surplus credits apart
            recommended_monthly_usd=now_usd,
            evidence=evidence,
            current_pieces_usd=now_lines,
            recommended_pieces_usd=list(now_lines),
        )
        if now_surplus and need is not None:
            surplus_text = plain(now_surplus.quantize(Decimal("0.01")))
            rec.current["cpu_credit_surplus_monthly_usd"] = surplus_text
            rec.notes.append(
                f"{current.name} averages {need.mean_vcpu:.3f} vCPU, above its "
                f"{current.baseline_vcpu} vCPU baseline: surplus credits {surplus_text} "
                "USD/month (measured, not in the plan's price); a t3 is the wrong family"
            )
        if need is None:
            rec.raise_risk("high", "no CPU datapoints: kept as is")
            return rec
        choice: Choice | None = choose(candidates, need, units, unlimited=unlimited)
        if choice is None:
            rec.raise_risk("high", "no priced class covers the need; kept as is")
            return rec
        if choice.spec.name == current.name:
            return rec
        new_lines = engine_lines(variant(choice.spec.name), self.resource, self.catalog)
        new_usd = sum(new_lines, ZERO)
        rec.recommended = describe(choice.spec, **extra)
        if choice.surplus_monthly_usd:
            rec.recommended["cpu_credit_surplus_monthly_usd"] = plain(
                choice.surplus_monthly_usd.quantize(Decimal("0.01"))
            )
        rec.recommended_monthly_usd = new_usd
        rec.recommended_pieces_usd = new_lines
        if choice.spec.architecture != current.architecture:
            rec.raise_risk(
                "medium",
                f"architecture change {current.architecture} -> {choice.spec.architecture} "
                "(Graviton): check engine version support",
            )
        if choice.caveat:
            size = choice.spec.name.rsplit(".", 1)[-1]
            rec.notes.append(f"price row of {choice.spec.name}: {choice.caveat}")
            if size not in CROSS_CHECKED_SIZES:
                rec.raise_risk(
                    "medium", f"the snapshot's price for {choice.spec.name} is not cross-checked"
                )
        if choice.spec.vcpu < current.vcpu or choice.spec.memory_gib < current.memory_gib:
            rec.raise_risk("medium", "downsizing: less CPU or memory than today")
        return rec


def _cpu_need(
    cpu: pd.Series, vcpu: int, settings: Settings, memory_gib: Decimal
) -> tuple[Need | None, dict[str, Any]]:
    if cpu.empty:
        return None, {}
    p = percentile_of(cpu, settings.percentile)
    need = Need(
        cpu_vcpu=_dec(p) / 100 * vcpu * settings.factor,
        mean_vcpu=_dec(float(cpu.mean())) / 100 * vcpu,
        memory_gib=memory_gib,
    )
    return need, {"cpu_percentile": settings.percentile, "cpu_pct_at_percentile": round(p, 3)}


def _evidence(
    usage: UsageSet, summary: pd.DataFrame, resources: list[str], metrics: tuple[str, ...]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    found: list[dict[str, Any]] = []
    missing: list[str] = []
    for resource in resources:
        for metric in metrics:
            ev = metric_evidence(summary, resource, metric)
            if ev is None:
                missing.append(f"{resource} {metric}")
            else:
                found.append({"resource": resource, **ev} if len(resources) > 1 else ev)
    return {"window": usage.window_label, "metrics": found, "missing": missing}, found


def recommend_managed(
    topology: Topology,
    usage: UsageSet,
    summary: pd.DataFrame,
    settings: Settings,
    catalog: PriceCatalog,
    skipped: list[str] | None = None,
) -> list[Recommendation]:
    """RDS, ElastiCache and MSK recommendations; classes without a spec go to ``skipped``."""
    skipped = skipped if skipped is not None else []
    recs: list[Recommendation] = []
    window = usage.window_label
    for db in topology.rds:
        resource = f"rds/{db.name}"
        spec = spec_of("rds", db.instance_class)
        if spec is None:
            skipped.append(f"{resource}: no spec for {db.instance_class} (not sized)")
            continue
        m = _Managed("rds", resource, topology, catalog, settings, window)
        deployment = "Multi-AZ" if db.multi_az else "Single-AZ"
        evidence, found = _evidence(
            usage,
            summary,
            [resource],
            ("CPUUtilization", "FreeableMemory", "DatabaseConnections", "CPUCreditBalance"),
        )
        free = series(usage, resource, "FreeableMemory")
        if free.empty:
            floor = spec.memory_gib
            evidence["memory_floor"] = "no FreeableMemory datapoints: memory kept at current"
        else:
            least = _dec(percentile_of(free, 100 - settings.memory_percentile)) / GIB
            floor = max(spec.memory_gib - least, ZERO) * settings.factor
            evidence["memory_floor"] = f"(memory - FreeableMemory) x headroom = {floor:.3f} GiB"
        need, extra = _cpu_need(
            series(usage, resource, "CPUUtilization"), spec.vcpu, settings, floor
        )
        evidence.update(extra)

        rec = m.build(
            spec,
            need,
            1,
            unlimited=True,
            candidates=m.candidates(
                "AmazonRDS",
                _product_rds(db.engine, deployment),
                spec.architecture,
            ),
            variant=_variant(topology, "rds", db, "instance_class"),
            evidence=evidence,
            extra={"multi_az": db.multi_az},
        )
        coverage_risk(rec, found, usage.partial)
        recs.append(rec)
    for cache in topology.elasticache:
        resource = f"elasticache/{cache.name}"
        spec = spec_of("elasticache", cache.node_type)
        if spec is None:
            skipped.append(f"{resource}: no spec for {cache.node_type} (not sized)")
            continue
        m = _Managed("elasticache", resource, topology, catalog, settings, window)
        evidence, found = _evidence(
            usage,
            summary,
            [resource],
            ("CPUUtilization", "EngineCPUUtilization", "DatabaseMemoryUsagePercentage"),
        )
        mem = series(usage, resource, "DatabaseMemoryUsagePercentage")
        if mem.empty:
            floor = spec.memory_gib
            evidence["memory_floor"] = "no DatabaseMemoryUsagePercentage: memory kept at current"
        else:
            used = _dec(percentile_of(mem, settings.memory_percentile)) / 100 * spec.memory_gib
            floor = used * settings.factor
            evidence["memory_floor"] = f"used maxmemory x headroom = {floor:.3f} GiB"
        need, extra = _cpu_need(
            series(usage, resource, "CPUUtilization"), spec.vcpu, settings, floor
        )
        evidence.update(extra)
        evidence["burstable_mode"] = "assumed standard (throttled at baseline, no surplus charge)"

        rec = m.build(
            spec,
            need,
            cache.nodes,
            unlimited=False,
            candidates=m.candidates(
                "AmazonElastiCache", _product_cache(cache.engine), spec.architecture
            ),
            variant=_variant(topology, "elasticache", cache, "node_type"),
            evidence=evidence,
            extra={"nodes": cache.nodes, "multi_az": cache.multi_az},
        )
        _throttle_note(rec, spec, need)
        coverage_risk(rec, found, usage.partial)
        recs.append(rec)
    for msk in topology.msk:
        recs.extend(_recommend_msk(topology, msk, usage, summary, settings, catalog, skipped))
    return recs


def _product_rds(engine: str, deployment: str) -> Callable[[str], str]:
    return lambda name: f"db/{name}/{engine}/{deployment}"


def _product_cache(engine: str) -> Callable[[str], str]:
    return lambda name: f"node/{name}/{engine}"


def _throttle_note(rec: Recommendation, spec: ClassSpec, need: Need | None) -> None:
    base = spec.baseline_vcpu
    if need is not None and base is not None and need.mean_vcpu > base:
        rec.notes.append(
            f"{spec.name} averages {need.mean_vcpu:.3f} vCPU, above its {plain(base)} vCPU "
            "baseline: it is throttled once its credits run out; a t3 is the wrong family here"
        )
        rec.raise_risk("medium", "current class runs above its CPU-credit baseline")


def _recommend_msk(
    topology: Topology,
    msk: Any,
    usage: UsageSet,
    summary: pd.DataFrame,
    settings: Settings,
    catalog: PriceCatalog,
    skipped: list[str],
) -> list[Recommendation]:
    import pandas as pd

    resource = f"msk/{msk.name}"
    spec = spec_of("msk", msk.broker_type)
    if spec is None:
        skipped.append(f"{resource}: no spec for {msk.broker_type} (not sized)")
        return []
    brokers = [f"{resource}/broker-{i}" for i in range(1, msk.brokers + 1)]
    evidence, found = _evidence(
        usage, summary, brokers, ("CpuUser", "CpuSystem", "KafkaDataLogsDiskUsed", "BytesInPerSec")
    )
    need: Need | None = None
    worst_p, worst_mean = -1.0, 0.0
    for broker in brokers:
        both = pd.concat(
            [series(usage, broker, "CpuUser"), series(usage, broker, "CpuSystem")],
            axis=1,
            join="inner",
        )
        if both.empty:
            continue
        total = both.sum(axis=1)
        p = percentile_of(total, settings.percentile)
        worst_p, worst_mean = max(worst_p, p), max(worst_mean, float(total.mean()))
    if worst_p >= 0:
        need = Need(
            cpu_vcpu=_dec(worst_p) / 100 * spec.vcpu * settings.factor,
            mean_vcpu=_dec(worst_mean) / 100 * spec.vcpu,
            memory_gib=spec.memory_gib,
        )
        evidence["cpu_percentile"] = settings.percentile
        evidence["cpu_pct_at_percentile"] = round(worst_p, 3)
        evidence["cpu_series"] = "CpuUser + CpuSystem per broker, busiest broker"
    evidence["memory_floor"] = "no broker memory metric: memory kept at current"
    evidence["burstable_mode"] = "assumed standard (throttled at baseline, no surplus charge)"
    m = _Managed("msk", resource, topology, catalog, settings, usage.window_label)

    rec = m.build(
        spec,
        need,
        msk.brokers,
        unlimited=False,
        candidates=m.candidates("AmazonMSK", lambda n: f"broker/{n}", spec.architecture),
        variant=_variant(topology, "msk", msk, "broker_type"),
        evidence=evidence,
        extra={"brokers": msk.brokers},
    )
    rec.notes.append("broker count and storage kept (MSK cannot shrink broker storage)")
    _throttle_note(rec, spec, need)
    coverage_risk(rec, found, usage.partial)
    return [rec]


def _variant(topology: Topology, section: str, item: Any, field: str) -> Callable[[str], Topology]:
    """The topology with ``item`` (one entry of ``topology.<section>``) on another class."""

    def make(name: str) -> Topology:
        new = tuple(
            x.model_copy(update={field: name}) if x is item else x
            for x in getattr(topology, section)
        )
        return topology.model_copy(update={section: new})

    return make
