"""Workload requests from measured pod usage, and node types through the capacity model.

A workload's new CPU request is the chosen percentile of its measured CPU plus headroom, its
memory request the memory percentile (default the maximum) plus headroom, as Kubernetes VPA
and Robusta KRR do, never below the namespace LimitRange minimum. Pod usage comes from
Container Insights ``pod_*_utilization_over_pod_limit`` x the pod's limit. The new requests
go through ``planner.capacity.plan``; each node group then gets the cheapest candidate type
that places every pod at min/expected/max replicas, keeps ``min_size`` (the HA minimum) and
covers the group's measured CPU, priced by the cost engine with its surplus CPU credits.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner.capacity.model import STATES, CapacityResult, State
from planner.capacity.plan import plan_capacity
from planner.figures import line_usd
from planner.money import HOURS_PER_MONTH, ZERO, plain
from planner.pricing import price_plan
from planner.quantities import format_cpu, format_memory, parse_cpu_millicores, parse_memory_bytes
from planner.rightsize.choose import surplus_monthly_usd
from planner.rightsize.classes import ClassSpec, class_specs, spec_of
from planner.rightsize.managed import describe
from planner.rightsize.model import Recommendation, Settings, coverage_risk, metric_evidence
from planner.topology import EKSCluster, Topology, Workload
from planner.usage.stats import percentile_of, series

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.usage.store import UsageSet

MIB = 2**20
CPU_STEP_M = 5
MIN_CPU_M = 10
HA_MIN_NODES = 2
CPU_METRIC = "pod_cpu_utilization_over_pod_limit"
MEM_METRIC = "pod_memory_utilization_over_pod_limit"


def _group_costs(
    topology: Topology, capacity: CapacityResult, catalog: PriceCatalog
) -> dict[State, dict[str, Decimal]]:
    """Per capacity state, each node group's monthly cost (``price_states``, as the capacity
    page prices the HPA range)."""
    from planner.pricing import price_states

    reports = price_states(topology, capacity, catalog)
    return {state: _by_group(report) for state, report in reports.items()}


def _by_group(report: CostReport) -> dict[str, Decimal]:
    """Each node group's displayed monthly cost: the sum of its lines rounded to the cent."""
    return {name: sum(lines, ZERO) for name, lines in _lines_by_group(report).items()}


def _lines_by_group(report: CostReport) -> dict[str, list[Decimal]]:
    """Each node group's lines as displayed (to the cent)."""
    out: dict[str, list[Decimal]] = {}
    for ln in report.lines:
        shown = line_usd(ln)
        if ln.node_group and shown is not None:
            out.setdefault(ln.node_group, []).append(shown)
    return out


def _planned(topology: Topology, plan: CapacityResult) -> Topology:
    """The topology with each node group's desired size set to the nodes ``plan`` needs at
    expected replicas: the plan a reader would apply."""
    eks = topology.eks
    assert eks is not None
    nodes = plan.nodes("expected")
    groups = tuple(
        g.model_copy(update={"desired_size": nodes.get(g.name, g.desired_size)})
        for g in eks.node_groups
    )
    return topology.model_copy(update={"eks": eks.model_copy(update={"node_groups": groups})})


def recommend_workloads(
    eks: EKSCluster, usage: UsageSet, summary: pd.DataFrame, settings: Settings
) -> tuple[tuple[Workload, ...], list[Recommendation]]:
    limits = eks.limit_range
    min_cpu = parse_cpu_millicores(limits.min_cpu) if limits else MIN_CPU_M
    min_mem = parse_memory_bytes(limits.min_memory) if limits else 0
    new: list[Workload] = []
    recs: list[Recommendation] = []
    factor = float(settings.factor)
    for w in eks.workloads:
        resource = f"workload/{w.name}"
        cpu = series(usage, resource, CPU_METRIC)
        mem = series(usage, resource, MEM_METRIC)
        evidence: dict[str, Any] = {"window": usage.window_label, "metrics": [], "missing": []}
        found = []
        for metric in (CPU_METRIC, MEM_METRIC):
            ev = metric_evidence(summary, resource, metric)
            if ev is None:
                evidence["missing"].append(f"{resource} {metric}")
            else:
                found.append(ev)
        evidence["metrics"] = found
        rec = Recommendation(
            resource=resource,
            kind="workload",
            current=_requests(w),
            recommended=_requests(w),
            current_monthly_usd=ZERO,
            recommended_monthly_usd=ZERO,
            evidence=evidence,
            counted_in_total=False,
        )
        cpu_m, mem_b = w.cpu_request_m, w.memory_request_bytes
        if cpu.empty:
            rec.raise_risk("high", "no pod CPU datapoints: CPU request kept")
        else:
            pct = percentile_of(cpu, settings.percentile)
            used_m = pct / 100 * w.cpu_limit_m
            cpu_m = max(math.ceil(used_m * factor / CPU_STEP_M) * CPU_STEP_M, min_cpu, MIN_CPU_M)
            evidence["cpu_millicores_at_percentile"] = round(used_m, 2)
            if pct >= 90:
                rec.raise_risk(
                    "high",
                    f"CPU at p{settings.percentile:g} is {pct:.1f}% of its limit: throttled, real "
                    "demand is higher than measured; raise the limit and measure again",
                )
        if mem.empty:
            rec.raise_risk("high", "no pod memory datapoints: memory request kept")
        else:
            pct = percentile_of(mem, settings.memory_percentile)
            used_b = pct / 100 * w.memory_limit_bytes
            mem_b = max(math.ceil(used_b * factor / MIB) * MIB, min_mem, MIB)
            evidence["memory_mib_at_percentile"] = round(used_b / MIB, 2)
        if cpu_m < min_cpu or mem_b < min_mem:  # pragma: no cover - guarded by max() above
            raise AssertionError("LimitRange floor broken")
        update: dict[str, Any] = {
            "cpu_request": format_cpu(cpu_m),
            "memory_request": format_memory(mem_b),
        }
        if cpu_m > w.cpu_limit_m:
            update["cpu_limit"] = format_cpu(cpu_m)
            rec.notes.append("the new CPU request exceeds the limit: limit raised to match")
        if mem_b > w.memory_limit_bytes:
            update["memory_limit"] = format_memory(mem_b)
            rec.notes.append("the new memory request exceeds the limit: limit raised to match")
        if cpu_m == min_cpu or mem_b == min_mem:
            rec.notes.append("held at the namespace LimitRange minimum")
        if cpu_m < w.cpu_request_m / 2 or mem_b < w.memory_request_bytes / 2:
            rec.raise_risk("medium", "request cut by more than half")
        neww = w.model_copy(update=update)
        new.append(neww)
        rec.recommended = _requests(neww)
        coverage_risk(rec, found, usage.partial)
        recs.append(rec)
    return tuple(new), recs


def _requests(w: Workload) -> dict[str, Any]:
    return {
        "cpu_request": format_cpu(w.cpu_request_m),
        "memory_request": format_memory(w.memory_request_bytes),
        "cpu_limit": format_cpu(w.cpu_limit_m),
        "memory_limit": format_memory(w.memory_limit_bytes),
        "replicas": f"{w.replicas_min}-{w.replicas_max}",
    }


def _with(topology: Topology, workloads: tuple[Workload, ...], types: dict[str, str]) -> Topology:
    eks = topology.eks
    assert eks is not None
    groups = tuple(
        g.model_copy(update={"instance_type": types[g.name]}) if g.name in types else g
        for g in eks.node_groups
    )
    return topology.model_copy(
        update={"eks": eks.model_copy(update={"workloads": workloads, "node_groups": groups})}
    )


class NodePlan:
    """Current and recommended EKS layout with costs at min / expected / max."""

    def __init__(
        self,
        topology: Topology,
        usage: UsageSet,
        summary: pd.DataFrame,
        settings: Settings,
        catalog: PriceCatalog,
        base_dir: Path | None = None,
    ) -> None:
        eks = topology.eks
        assert eks is not None
        self.topology, self.usage, self.summary = topology, usage, summary
        self.settings, self.catalog, self.base_dir = settings, catalog, base_dir
        self.workloads, self.workload_recs = recommend_workloads(eks, usage, summary, settings)
        # "now" is the plan as `planner price` prices it: the cost engine, nothing added
        self.now_lines = _lines_by_group(price_plan(topology, catalog, base_dir=base_dir))
        self.now = {name: sum(lines, ZERO) for name, lines in self.now_lines.items()}
        self.current = plan_capacity(topology, base_dir=base_dir)
        self.current_costs = _group_costs(topology, self.current, catalog)
        self.types: dict[str, str] = {}
        self.recs: list[Recommendation] = []
        for group in eks.node_groups:
            self.recs.append(self._group(group.name))
        self.final_topology = _with(topology, self.workloads, self.types)
        self.final = plan_capacity(self.final_topology, base_dir=base_dir)
        self.final_costs = _group_costs(self.final_topology, self.final, catalog)
        after_lines = _lines_by_group(
            price_plan(_planned(self.final_topology, self.final), catalog, base_dir=base_dir)
        )
        for rec, group in zip(self.recs, eks.node_groups, strict=True):
            rec.current_monthly_usd = self.now.get(group.name, ZERO)
            rec.recommended_monthly_usd = sum(after_lines.get(group.name, []), ZERO)
            rec.current_pieces_usd = list(self.now_lines.get(group.name, []))
            rec.recommended_pieces_usd = list(after_lines.get(group.name, []))
        self._workload_dollars()

    def _measured(self, name: str, spec: ClassSpec, nodes: int) -> tuple[float, float] | None:
        """Group CPU in vCPUs (percentile, mean) from the node group's CPUUtilization."""
        cpu = series(self.usage, f"eks-node-group/{name}", "CPUUtilization")
        if cpu.empty:
            return None
        p = percentile_of(cpu, self.settings.percentile)
        return p / 100 * spec.vcpu * nodes, float(cpu.mean()) / 100 * spec.vcpu * nodes

    def _group(self, name: str) -> Recommendation:
        eks = self.topology.eks
        assert eks is not None
        group = next(g for g in eks.node_groups if g.name == name)
        spec = spec_of("node_group", group.instance_type)
        if spec is None:
            from planner.capacity.instances import instance_spec

            s = instance_spec(group.instance_type)
            spec = ClassSpec(
                s.instance_type,
                s.instance_type.split(".")[0],
                s.vcpu,
                Decimal(s.memory_mib) / 1024,
                s.architecture,
                s.baseline_cpu_pct_per_vcpu,
            )
        # nodes that ran during the window: the desired size (assumption, stated in evidence)
        measured = self._measured(name, spec, group.desired_size)
        resource = f"eks-node-group/{name}"
        ev = metric_evidence(self.summary, resource, "CPUUtilization")
        evidence: dict[str, Any] = {
            "window": self.usage.window_label,
            "metrics": [ev] if ev else [],
            "missing": [] if ev else [f"{resource} CPUUtilization"],
            "nodes_during_window": f"{group.desired_size} (desired_size, assumed)",
        }
        best: tuple[Decimal, int, str, ClassSpec, Decimal, CapacityResult] | None = None
        factor = float(self.settings.factor)
        priced = []
        for cand in class_specs("node_group").values():
            row = self.catalog.find("AmazonEC2", self.topology.region, f"instance/{cand.name}")
            if row is None:
                continue
            if self.settings.keep_architecture and cand.architecture != spec.architecture:
                continue
            priced.append((row.usd, cand))
        for hourly, cand in sorted(priced, key=lambda p: (p[0], p[1].name)):
            # a lower bound: min_size on-demand nodes; the spot discount only scales it
            if (
                best is not None
                and hourly
                * max(group.min_size, 1)
                * HOURS_PER_MONTH
                * (1 - (group.spot_discount_pct.value / 100 if group.spot_discount_pct else 0))
                > best[0]
            ):
                break
            variant = _with(self.topology, self.workloads, {**self.types, name: cand.name})
            plan = plan_capacity(variant, base_dir=self.base_dir)
            if plan.unplaced or plan.exceeded_maxima:
                continue
            groups = {g.name: g for g in plan.node_groups}
            nodes = groups[name].nodes_at_expected
            if nodes < min(group.min_size, HA_MIN_NODES) or nodes < group.min_size:
                continue  # pragma: no cover - the packer never goes below min_size
            surplus = ZERO
            if measured is not None:
                p_vcpu, mean_vcpu = measured
                if p_vcpu * factor > nodes * cand.vcpu:
                    continue
                per_node = Decimal(repr(mean_vcpu / nodes))
                surplus = surplus_monthly_usd(cand, per_node, nodes)
            costs = _group_costs(variant, plan, self.catalog)
            total = costs["expected"][name] + surplus
            key = (total, cand.vcpu, cand.name)
            if best is None or key < best[:3]:
                best = (total, cand.vcpu, cand.name, cand, surplus, plan)
        cur_surplus = ZERO
        if measured is not None:
            cur_surplus = surplus_monthly_usd(
                spec, Decimal(repr(measured[1] / max(group.desired_size, 1))), group.desired_size
            )
        cur_nodes = {g.name: g for g in self.current.node_groups}[name]
        rec = Recommendation(
            resource=resource,
            kind="node_group",
            current=describe(
                spec, capacity_type=group.capacity_type.value, nodes=_nodes(cur_nodes)
            ),
            recommended={},
            current_monthly_usd=ZERO,  # both from the plan's pricing, once every type is chosen
            recommended_monthly_usd=ZERO,
            evidence=evidence,
        )
        if cur_surplus:
            rec.current["cpu_credit_surplus_monthly_usd"] = plain(
                cur_surplus.quantize(Decimal("0.01"))
            )
            rec.notes.append(
                f"{spec.name} nodes average above their {spec.baseline_pct_per_vcpu}% per vCPU "
                f"baseline: surplus credits {plain(cur_surplus.quantize(Decimal('0.01')))} "
                "USD/month (measured, not in the plan's price); a t3 is the wrong family for "
                "this load"
            )
        if measured is None:
            rec.raise_risk("medium", "no node CPU datapoints: type chosen on requests only")
        if best is None:
            self.types[name] = group.instance_type
            rec.recommended = dict(rec.current)
            rec.raise_risk("high", "no candidate type places every pod; kept as is")
            return rec
        total, _, _, cand, surplus, plan = best
        self.types[name] = cand.name
        new_nodes = {g.name: g for g in plan.node_groups}[name]
        rec.recommended = describe(
            cand, capacity_type=group.capacity_type.value, nodes=_nodes(new_nodes)
        )
        if surplus:
            rec.recommended["cpu_credit_surplus_monthly_usd"] = plain(
                surplus.quantize(Decimal("0.01"))
            )
        evidence["ha_minimum"] = f"min_size {group.min_size} kept"
        coverage_risk(rec, evidence["metrics"], self.usage.partial)
        discount = group.spot_discount_pct
        if discount is not None and cand.name != group.instance_type:
            rec.notes.append(
                f"SPOT: {cand.name} priced at the scenario's {discount.value}% off on-demand "
                f"({discount.basis.value}), as {group.instance_type} is; spot prices differ by type"
            )
        if cand.architecture != spec.architecture:
            rec.raise_risk(
                "medium",
                f"architecture change {spec.architecture} -> {cand.architecture}: Graviton "
                "needs arm64 (or multi-arch) images for every pod and DaemonSet",
            )
        return rec

    def _workload_dollars(self) -> None:
        """A workload's share of node cost by requests (informative; not in the total)."""
        eks = self.topology.eks
        assert eks is not None
        for rec, before, after in zip(
            self.workload_recs, eks.workloads, self.workloads, strict=True
        ):
            rec.current_monthly_usd = _share(before, self.current, self.current_costs)
            rec.recommended_monthly_usd = _share(after, self.final, self.final_costs)
            rec.notes.append(
                "dollars are its share of node cost by requests at expected replicas; the "
                "saving is realised through the node groups and counted there"
            )

    def node_count_effect(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for state in STATES:
            out[state] = {
                "current_nodes": self.current.nodes(state),
                "recommended_nodes": self.final.nodes(state),
                "current_node_monthly_usd": plain(sum(self.current_costs[state].values(), ZERO)),
                "recommended_node_monthly_usd": plain(sum(self.final_costs[state].values(), ZERO)),
            }
        return out


def _nodes(g: Any) -> dict[str, int]:
    return {"min": g.nodes_at_min, "expected": g.nodes_at_expected, "max": g.nodes_at_max}


def _share(w: Workload, plan: CapacityResult, costs: dict[State, dict[str, Decimal]]) -> Decimal:
    cpu = sum(g.usage["expected"].allocatable_cpu_millicores for g in plan.node_groups)
    mem = sum(g.usage["expected"].allocatable_memory_mib for g in plan.node_groups)
    total = sum(costs["expected"].values(), ZERO)
    if not cpu or not mem:
        return ZERO
    n = w.expected_replicas
    frac = (Decimal(w.cpu_request_m) / cpu + Decimal(w.memory_request_bytes) / MIB / mem) / 2
    return (total * frac * n).quantize(Decimal("0.01"))
