"""Price both sides and say what changed: per resource, range, upfront cash, warnings.

Every money figure is a displayed one (:mod:`planner.figures`): a resource's figure is the sum
of its lines rounded to the cent, a total the sum of those, a change the difference of two
displayed figures. So the Markdown, the table and the JSON foot, and agree with
``planner price`` and ``planner compare`` on the same scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from planner import figures
from planner.compare import Comparison, compare, compare_resources
from planner.money import ZERO

if TYPE_CHECKING:
    from planner.capacity.model import CapacityResult, State
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.costing.fees import UpfrontFee
    from planner.costing.lines import CostLine
    from planner.diff.inputs import Side
    from planner.lookahead import Warning
    from planner.topology import Topology

RangeBasis = Literal["capacity model", "scaling bounds"]
RANGE_TEXT = {
    "capacity model": "capacity model: nodes for the workloads at HPA min / expected / max "
    "replicas",
    "scaling bounds": "node groups' scaling_config min_size / desired_size / max_size (no "
    "workloads known: the capacity model has no pods to place)",
}


@dataclass(frozen=True)
class StateRange:
    """Displayed monthly totals and nodes per node group at min / expected / max."""

    basis: RangeBasis
    totals: dict[State, Decimal]
    nodes: dict[State, dict[str, int]]


@dataclass(frozen=True)
class Priced:
    """One side, priced."""

    label: str
    topology: Topology
    report: CostReport
    range: StateRange | None
    warnings: tuple[Warning, ...]
    unsupported: tuple[str, ...] = ()
    usage_missing: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        return figures.total(self.report)


@dataclass(frozen=True)
class LineChange:
    component: str
    base: CostLine | None
    head: CostLine | None

    @property
    def base_usd(self) -> Decimal | None:
        return figures.line_usd(self.base) if self.base is not None else None

    @property
    def head_usd(self) -> Decimal | None:
        return figures.line_usd(self.head) if self.head is not None else None

    @property
    def changed(self) -> bool:
        if self.base is None or self.head is None:
            return True
        return (self.base_usd, self.base.quantity, self.base.missing) != (
            self.head_usd,
            self.head.quantity,
            self.head.missing,
        )


@dataclass(frozen=True)
class ResourceChange:
    service: str
    resource: str
    source: str
    base_usd: Decimal | None
    head_usd: Decimal | None
    lines: tuple[LineChange, ...]

    @property
    def delta(self) -> Decimal:
        return (self.head_usd or ZERO) - (self.base_usd or ZERO)

    @property
    def status(self) -> str:
        if self.base_usd is None:
            return "added"
        if self.head_usd is None:
            return "removed"
        return "changed" if any(ln.changed for ln in self.lines) else "unchanged"


@dataclass(frozen=True)
class Diff:
    base: Priced
    head: Priced
    comparison: Comparison
    resources: tuple[ResourceChange, ...]
    new_warnings: tuple[Warning, ...]
    newly_unpriced: tuple[CostLine, ...]
    new_fees: tuple[UpfrontFee, ...]

    @property
    def delta(self) -> Decimal:
        return self.comparison.other_total - self.comparison.base_total

    @property
    def pct(self) -> Decimal | None:
        """Percent change of the displayed monthly total (None from $0)."""
        old = self.comparison.base_total
        return None if old == 0 else self.delta / old * 100

    @property
    def changed(self) -> tuple[ResourceChange, ...]:
        """Resources that changed, the largest monthly change first."""
        moved = [r for r in self.resources if r.status != "unchanged"]
        return tuple(sorted(moved, key=lambda r: (-abs(r.delta), r.resource)))

    @property
    def upfront_delta(self) -> Decimal:
        return self.head.report.upfront_usd - self.base.report.upfront_usd


def price_side(
    side: Side,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
    horizon_months: int = 12,
) -> Priced:
    """Price a side as ``planner price`` does, with its range and look-ahead warnings."""
    from planner.lookahead import look_ahead
    from planner.pricing import price_scenario

    scenario = side.scenario
    topology = scenario.topology
    report = price_scenario(scenario, catalog, allow_missing=allow_missing)
    state_range, capacity = _range(side, catalog, allow_missing)
    ahead = look_ahead(topology, report, catalog, horizon_months=horizon_months, capacity=capacity)
    imported = side.imported
    return Priced(
        label=side.label,
        topology=topology,
        report=report,
        range=state_range,
        warnings=tuple(ahead),
        unsupported=tuple(imported.mapped.unsupported) if imported else (),
        usage_missing=tuple(imported.mapped.notes.usage_missing) if imported else (),
    )


def _range(
    side: Side, catalog: PriceCatalog | None, allow_missing: bool
) -> tuple[StateRange | None, CapacityResult | None]:
    from planner.pricing import price_node_states, scaling_bounds

    scenario = side.scenario
    eks = scenario.topology.eks
    if eks is None:
        return None, None
    if eks.workloads or eks.workloads_from:
        from planner.capacity.plan import plan_capacity
        from planner.pricing import price_states

        result = plan_capacity(scenario.topology, base_dir=scenario.path.parent)
        reports = price_states(scenario.topology, result, catalog, allow_missing=allow_missing)
        nodes = {state: result.nodes(state) for state in reports}
        totals = {state: figures.total(report) for state, report in reports.items()}
        return StateRange("capacity model", totals, nodes), result
    counts = scaling_bounds(scenario.topology)
    reports = price_node_states(
        scenario.topology,
        counts,
        catalog,
        allow_missing=allow_missing,
        note=lambda state: (
            f"scaling_config at {state} ({'desired' if state == 'expected' else state}_size)"
        ),
        basis="stated",
    )
    totals = {state: figures.total(report) for state, report in reports.items()}
    return StateRange("scaling bounds", totals, counts), None


def build_diff(base: Priced, head: Priced) -> Diff:
    comparison = compare(base.report, head.report)
    sources = _sources(resource_sources(base.topology), resource_sources(head.topology))
    resources = tuple(
        ResourceChange(
            service,
            resource,
            sources.get(resource, ""),
            old,
            new,
            _line_changes(base.report, head.report, service, resource),
        )
        for service, resource, old, new in compare_resources(base.report, head.report)
    )
    old_keys = {(w.kind, w.subject, w.date) for w in base.warnings}
    new_warnings = tuple(w for w in head.warnings if (w.kind, w.subject, w.date) not in old_keys)
    was_missing = {(ln.resource, ln.component) for ln in base.report.missing}
    newly_unpriced = tuple(
        ln for ln in head.report.missing if (ln.resource, ln.component) not in was_missing
    )
    old_fees = {_fee_key(f) for f in base.report.upfront_fees}
    new_fees = tuple(f for f in head.report.upfront_fees if _fee_key(f) not in old_fees)
    return Diff(base, head, comparison, resources, new_warnings, newly_unpriced, new_fees)


def _sources(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    """Each resource's addresses on both sides; one only in base is marked (removed)."""
    out: dict[str, str] = {}
    for key in dict.fromkeys([*old, *new]):
        before = old.get(key, "").split(", ") if old.get(key) else []
        after = new.get(key, "").split(", ") if new.get(key) else []
        if not after:
            out[key] = ", ".join(before)
            continue
        gone = [f"{a} (removed)" for a in before if a not in after]
        added = [f"{a} (added)" for a in after if before and a not in before]
        kept = [a for a in after if not before or a in before]
        out[key] = ", ".join([*kept, *added, *gone])
    return out


def _fee_key(fee: UpfrontFee) -> tuple[object, ...]:
    return (fee.resource, fee.component, fee.instances, fee.term, fee.payment, fee.upfront_usd)


def _line_changes(
    base: CostReport, head: CostReport, service: str, resource: str
) -> tuple[LineChange, ...]:
    def keyed(report: CostReport) -> dict[tuple[str, str, int], CostLine]:
        out: dict[tuple[str, str, int], CostLine] = {}
        for ln in report.lines:
            if ln.service == service and ln.resource == resource:
                n = sum(1 for k in out if k[:2] == (ln.component, ln.purchase_option))
                out[(ln.component, ln.purchase_option, n)] = ln
        return out

    a, b = keyed(base), keyed(head)
    keys = list(dict.fromkeys([*a, *b]))
    return tuple(LineChange(key[0], a.get(key), b.get(key)) for key in keys)


def resource_sources(topology: Topology) -> dict[str, str]:
    """Cost-line resource -> where the scenario says it is described (a Terraform address)."""
    from planner.costing.services.elb import SHORT

    out: dict[str, str] = {}
    eks = topology.eks
    if eks is not None:
        out[f"eks/{eks.cluster_name}"] = eks.source
        for group in eks.node_groups:
            out[f"eks-node-group/{group.name}"] = group.source
    for db in topology.rds:
        out[f"rds/{db.name}"] = db.source
    for cache in topology.elasticache:
        out[f"elasticache/{cache.name}"] = cache.source
    for cluster in topology.msk:
        out[f"msk/{cluster.name}"] = cluster.source
    for lb in topology.load_balancers:
        out[f"{SHORT[lb.type]}/{lb.name}"] = lb.source
    for key, item in (
        ("nat-gateways", topology.nat_gateways),
        ("cloudwatch-logs", topology.cloudwatch_logs),
        ("s3", topology.s3),
        ("kms", topology.kms),
        ("ecr", topology.ecr),
    ):
        if item is not None:
            out[key] = item.source
    return {k: v.removeprefix("terraform: ") for k, v in out.items() if v}
