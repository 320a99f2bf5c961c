"""``planner capacity [SCENARIO] [--format table|json]``: nodes and cost at min / expected / max.

Called by :mod:`planner.cli` as ``run(args)``; imports stay light (no pandas).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner.capacity.model import STATES, CapacityResult, State, StateCost

if TYPE_CHECKING:
    from planner.topology import Topology


def result_json(result: CapacityResult, costs: Mapping[State, StateCost] | None) -> dict[str, Any]:
    """The JSON document: the capacity result plus monthly USD per state (exact strings)."""
    data: dict[str, Any] = result.model_dump(mode="json")
    if costs is not None:
        for state in STATES:
            data[f"monthly_usd_at_{state}"] = costs[state].monthly_usd
            data[f"node_groups_monthly_usd_at_{state}"] = costs[state].node_groups_monthly_usd
    return data


def _usd(text: str) -> str:
    from planner.money import usd

    return usd(Decimal(text))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def purchase_notes(topology: Topology) -> dict[str, str]:
    """``reserved 1yr partial upfront, 2 nodes`` per node group bought other than on-demand or
    spot: the capacity type (ON_DEMAND, SPOT) is how EKS runs a node, not how it is paid for."""
    notes: dict[str, str] = {}
    for group in topology.eks.node_groups if topology.eks is not None else ():
        p = group.purchase
        if p.type not in ("reserved", "savings_plan"):
            continue
        text = p.type.replace("_", " ")
        if p.type == "reserved":
            text += f" {p.term} {p.payment.replace('_', ' ')}"
        if p.count is not None:
            text += f", {p.count} node{'s' if p.count != 1 else ''}"
        elif p.coverage_pct is not None:
            text += f", {p.coverage_pct}% of the nodes"
        notes[group.name] = text
    return notes


def result_table(
    result: CapacityResult,
    costs: Mapping[State, StateCost] | None,
    purchases: Mapping[str, str] | None = None,
) -> str:
    lines = [
        f"Capacity: {result.scenario} (cluster {result.cluster}, namespace {result.namespace}, "
        f"workloads from {result.workloads_source})",
        f"Pods: {result.pods_at_min} at min, {result.pods_at_expected} expected, "
        f"{result.pods_at_max} at max replicas",
        "",
    ]
    rows = [
        [
            "node group",
            "type",
            "alloc CPU",
            "alloc mem",
            "max pods",
            "min",
            "expected",
            "max",
            "size",
            "CPU% at max",
            "mem% at max",
        ]
    ]
    for g in result.node_groups:
        at_max = g.usage["max"]
        rows.append(
            [
                g.name,
                f"{g.instance_type} {g.capacity_type}"
                + (f" ({purchases[g.name]})" if purchases and g.name in purchases else ""),
                f"{g.allocatable_cpu_millicores}m",
                f"{g.allocatable_memory_mib}Mi",
                str(g.max_pods),
                str(g.nodes_at_min),
                str(g.nodes_at_expected),
                str(g.nodes_at_max),
                f"{g.min_size}-{g.max_size}",
                f"{at_max.cpu_utilization_pct}",
                f"{at_max.memory_utilization_pct}",
            ]
        )
    lines += _table(rows)
    ds = ", ".join(
        f"{d.name} {d.cpu_millicores}m/{d.memory_mib:g}Mi" + (" (default)" if d.default else "")
        for d in result.daemonsets
    )
    lines += ["", f"DaemonSets per node: {ds}"]
    if costs is not None:
        lines += ["", "Monthly cost (whole scenario; node groups):"]
        for state in STATES:
            c = costs[state]
            nodes = ", ".join(f"{k} {v}" for k, v in c.nodes.items())
            lines.append(
                f"  {state:<8} {_usd(c.monthly_usd):>12}  ({_usd(c.node_groups_monthly_usd)} "
                f"for nodes: {nodes})"
            )
    lines.append("")
    if result.unplaced:
        lines.append("Unplaced pods:")
        for u in result.unplaced:
            lines.append(f"  {u.state}: {u.count} x {u.workload}: {u.reason}")
    else:
        lines.append("Unplaced pods: none")
    for e in result.exceeded_maxima:
        lines.append(
            f"Exceeded maximum at {e.state}: {e.node_group} needs {e.nodes_needed} nodes, "
            f"max_size {e.max_size}"
        )
    quota = [q for q in result.quota_checks if q.kind == "ResourceQuota"]
    limits = [q for q in result.quota_checks if q.kind == "LimitRange"]
    if quota:
        lines.append("ResourceQuota:")
        for q in quota:
            lines.append(f"  {'ok  ' if q.ok else 'FAIL'} {q.message}")
    if limits:
        bad = [q for q in limits if not q.ok]
        lines.append(f"LimitRange: {len(limits) - len(bad)} of {len(limits)} checks within bounds")
        for q in bad:
            lines.append(f"  FAIL {q.message}")
    for note in result.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from planner.pricing import scenario_capacity_range
    from planner.scenario import load_scenario

    scenario = load_scenario(
        getattr(args, "scenario", None), allow_paths=getattr(args, "allow_path", None) or ()
    )
    prices = getattr(args, "prices", None)
    catalog = None
    if prices is not None:
        from planner.catalog import load_catalog

        catalog = load_catalog(prices)
    result, costs = scenario_capacity_range(
        scenario, catalog, allow_missing=bool(getattr(args, "allow_missing", False))
    )
    if getattr(args, "format", "table") == "json":
        text = json.dumps(result_json(result, costs), indent=2) + "\n"
    else:
        text = result_table(result, costs, purchase_notes(scenario.topology))
    output = getattr(args, "output", None)
    if output:
        from planner.output import write_output

        write_output(text, output)
    else:
        print(text, end="")
    return 0
