"""``planner drift``: what runs against what was planned, field by field, in money.

Compared: what discovery can know (types, counts, sizes, versions, settings, pod requests and
replicas, resources missing or extra). A discovered quantity that is an assumption is not
compared (the APIs cannot know it), nor is a part that discovery could not read (its
``discovery.missing``).

The money: the differences are applied to the plan one at a time, in the order listed, and
each costs the change of the monthly total at list prices that it makes on top of those
before it, so the differences add up exactly to the whole change. Resource differences
change the total that ``planner price`` shows (at the scenario's node counts). Workload
differences (pod requests, replicas, DaemonSets) change no line of a scenario priced at
``desired_size``: they are priced as the change in the capacity model's total at expected
replicas (the nodes the pods need), applied after the resource differences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner import figures
from planner.money import plain
from planner.quantities import parse_cpu_millicores, parse_memory_bytes
from planner.topology import Amount, Basis, Topology

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog
    from planner.scenario import Scenario

LIST_PRICES = "list prices"
CAPACITY = "capacity model, expected replicas"

# section -> [(field, kind)] compared for each named item
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "node_groups": (
        ("instance_type", "type"),
        ("capacity_type", "type"),
        ("desired_size", "count"),
        ("min_size", "count"),
        ("max_size", "count"),
        ("disk_gb", "size"),
        ("disk_type", "type"),
    ),
    "rds": (
        ("instance_class", "type"),
        ("engine", "type"),
        ("engine_version", "version"),
        ("multi_az", "setting"),
        ("storage_type", "type"),
        ("storage_gb", "size"),
        ("max_storage_gb", "size"),
        ("backup_retention_days", "setting"),
    ),
    "elasticache": (
        ("node_type", "type"),
        ("engine", "type"),
        ("engine_version", "version"),
        ("nodes", "count"),
        ("multi_az", "setting"),
    ),
    "msk": (
        ("broker_type", "type"),
        ("kafka_version", "version"),
        ("brokers", "count"),
        ("storage_gb_per_broker", "size"),
    ),
    "load_balancers": (("type", "type"), ("count", "count")),
    "workloads": (
        ("cpu_request", "requests"),
        ("memory_request", "requests"),
        ("cpu_limit", "limits"),
        ("memory_limit", "limits"),
        ("replicas_min", "count"),
        ("replicas_max", "count"),
    ),
    "daemonsets": (("cpu_request", "requests"), ("memory_request", "requests")),
}
SINGLE: dict[str, tuple[tuple[str, str], ...]] = {
    "eks": (("kubernetes_version", "version"),),
    "nat_gateways": (("count", "count"),),
    "cloudwatch_logs": (("storage_gb", "size"), ("ingestion_gb", "size")),
    "s3": (("storage_gb", "size"),),
    "kms": (("keys", "count"),),
    "ecr": (("storage_gb", "size"),),
    "data_transfer": (("internet_egress_gb", "size"),),
}
# the identifier a plan item is matched by (the discovered name is the AWS identifier)
IDENTIFIER = {
    "rds": "db_instance_identifier",
    "elasticache": "cache_cluster_id",
    "msk": "cluster_name",
}
WORKLOAD_SECTIONS = ("workloads", "daemonsets")


@dataclass(frozen=True)
class Difference:
    path: str
    field: str
    kind: str
    plan: str
    discovered: str
    monthly_usd: Decimal = Decimal(0)
    priced_by: str = LIST_PRICES


@dataclass
class Drift:
    plan: str
    discovered: str
    differences: list[Difference]
    plan_monthly_usd: Decimal
    not_compared: list[str] = field(default_factory=list)

    @property
    def total_usd(self) -> Decimal:
        return sum((d.monthly_usd for d in self.differences), Decimal(0))


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, Amount):
        return plain(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return plain(value)
    return str(getattr(value, "value", value))


def _same(field_name: str, a: Any, b: Any) -> bool:
    if isinstance(a, Amount) and isinstance(b, Amount):
        return a.value == b.value
    if a is None or b is None:
        return a is b
    if field_name.startswith("cpu_"):
        return parse_cpu_millicores(a) == parse_cpu_millicores(b)
    if field_name.startswith("memory_"):
        return parse_memory_bytes(a) == parse_memory_bytes(b)
    return bool(a == b)


def _knowable(value: Any) -> bool:
    """A discovered value to compare: not an assumption (the APIs cannot know those)."""
    return not (isinstance(value, Amount) and value.basis is Basis.ASSUMPTION)


# --- the steps: (difference, how to apply it to a topology) --------------------------------
Apply = Callable[[Topology], Topology]


def _items(topology: Topology, section: str) -> tuple[Any, ...]:
    if section in ("node_groups", "workloads", "daemonsets"):
        eks = topology.eks
        return tuple(getattr(eks, section)) if eks is not None else ()
    return tuple(getattr(topology, section))


def _set_items(topology: Topology, section: str, items: tuple[Any, ...]) -> Topology:
    if section in ("node_groups", "workloads", "daemonsets"):
        assert topology.eks is not None
        eks = topology.eks.model_copy(update={section: items})
        return topology.model_copy(update={"eks": eks})
    return topology.model_copy(update={section: items})


def _key(section: str, item: Any) -> str:
    ident = IDENTIFIER.get(section)
    return str(getattr(item, ident, None) or item.name) if ident else str(item.name)


def _replace(section: str, key: str, field_name: str, value: Any) -> Apply:
    def apply(t: Topology) -> Topology:
        items = tuple(
            i.model_copy(update={field_name: value}) if _key(section, i) == key else i
            for i in _items(t, section)
        )
        return _set_items(t, section, items)

    return apply


def _remove(section: str, key: str) -> Apply:
    def apply(t: Topology) -> Topology:
        return _set_items(
            t, section, tuple(i for i in _items(t, section) if _key(section, i) != key)
        )

    return apply


def _add(section: str, item: Any) -> Apply:
    def apply(t: Topology) -> Topology:
        return _set_items(t, section, (*_items(t, section), item))

    return apply


def _single(section: str, field_name: str | None, value: Any) -> Apply:
    def apply(t: Topology) -> Topology:
        if field_name is None:
            return t.model_copy(update={section: value})
        current = getattr(t, section)
        return t.model_copy(update={section: current.model_copy(update={field_name: value})})

    return apply


def _path(section: str, key: str) -> str:
    prefix = "eks." if section in ("node_groups", "workloads", "daemonsets") else ""
    return f"{prefix}{section}[{key}]"


def _compare_items(
    section: str,
    plan_items: tuple[Any, ...],
    found_items: tuple[Any, ...],
    missing: set[str] | frozenset[str] = frozenset(),
) -> list[tuple[Difference, Apply]]:
    steps: list[tuple[Difference, Apply]] = []
    found = {_key(section, i): i for i in found_items}
    planned = {_key(section, i): i for i in plan_items}
    for key, item in planned.items():
        path = _path(section, key)
        other = found.get(key)
        if other is None and path in missing:
            continue  # discovery left it out (not modelled, or its type is not priced)
        if other is None:
            steps.append(
                (
                    Difference(path, "(resource)", "missing", "planned", "not found"),
                    _remove(section, key),
                )
            )
            continue
        for field_name, kind in FIELDS[section]:
            mine, theirs = getattr(item, field_name, None), getattr(other, field_name, None)
            if not _knowable(theirs) or _same(field_name, mine, theirs):
                continue
            if field_name == "engine_version" and not theirs:
                continue
            steps.append(
                (
                    Difference(path, field_name, kind, _shown(mine), _shown(theirs)),
                    _replace(section, key, field_name, theirs),
                )
            )
    for key, other in found.items():
        if key not in planned:
            path = _path(section, key)
            steps.append(
                (
                    Difference(path, "(resource)", "extra", "not planned", "found"),
                    _add(section, other),
                )
            )
    return steps


def _compare_single(section: str, mine: Any, theirs: Any) -> list[tuple[Difference, Apply]]:
    if mine is None and theirs is None:
        return []
    if theirs is None:
        return [
            (
                Difference(section, "(resource)", "missing", "planned", "not found"),
                _single(section, None, None),
            )
        ]
    if mine is None:
        return [
            (
                Difference(section, "(resource)", "extra", "not planned", "found"),
                _single(section, None, theirs),
            )
        ]
    steps = []
    for field_name, kind in SINGLE[section]:
        a, b = getattr(mine, field_name, None), getattr(theirs, field_name, None)
        if not _knowable(b) or (isinstance(b, Amount) and b.basis is Basis.STATED):
            continue
        if not _same(field_name, a, b):
            steps.append(
                (
                    Difference(section, field_name, kind, _shown(a), _shown(b)),
                    _single(section, field_name, b),
                )
            )
    return steps


def compare(plan: Scenario, found: Topology) -> tuple[list[tuple[Difference, Apply]], list[str]]:
    """Every difference, resources first and workloads last, and what was not compared."""
    from planner.capacity.workloads import resolve_workloads

    missing = {m.part for m in found.discovery.missing} if found.discovery else set()
    not_compared = sorted(missing)
    topo = plan.topology
    steps: list[tuple[Difference, Apply]] = []
    if "eks" not in missing:
        steps += _compare_single("eks", topo.eks, found.eks)
        if topo.eks is not None and found.eks is not None:
            steps += _compare_items(
                "node_groups", topo.eks.node_groups, found.eks.node_groups, missing
            )
    for section in ("rds", "elasticache", "msk", "load_balancers"):
        if section not in missing:
            steps += _compare_items(
                section, getattr(topo, section), getattr(found, section), missing
            )
    for section in ("nat_gateways", "cloudwatch_logs", "s3", "kms", "ecr"):
        if section not in missing:
            steps += _compare_single(section, getattr(topo, section), getattr(found, section))
    if topo.data_transfer is not None and found.data_transfer is not None:
        steps += _compare_single("data_transfer", topo.data_transfer, found.data_transfer)
    read_workloads = found.discovery is None or bool(found.discovery.kubernetes)
    if topo.eks is not None and found.eks is not None and read_workloads:
        workloads, *_ = resolve_workloads(topo.eks, plan.path.parent)
        steps += _compare_items("workloads", workloads, found.eks.workloads)
        steps += _compare_items("daemonsets", topo.eks.daemonsets, found.eks.daemonsets)
    elif topo.eks is not None and topo.eks.workloads:
        not_compared.append("workloads (no Kubernetes source was read)")
    return steps, not_compared


def drift(
    plan: Scenario,
    found: Topology,
    found_label: str,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
) -> Drift:
    from dataclasses import replace

    from planner.capacity.workloads import resolve_workloads
    from planner.scenario import Scenario

    steps, not_compared = compare(plan, found)
    current = plan.topology
    by_capacity = current.eks is not None and current.eks.node_count == "desired"

    def priced(t: Topology) -> Decimal:
        from planner.pricing import price_scenario

        report = price_scenario(
            Scenario(t, plan.path, plan.chain), catalog, allow_missing=allow_missing
        )
        return figures.total(report)

    def capacity(t: Topology) -> Decimal:
        from planner.capacity.plan import plan_capacity

        result = plan_capacity(t, base_dir=plan.path.parent)
        totals = figures.state_totals(t, result, catalog, allow_missing=allow_missing)
        return totals["expected"]

    plan_total = priced(current)
    out: list[Difference] = []
    resource_steps = [
        s for s in steps if not s[0].path.startswith(("eks.workloads", "eks.daemonsets"))
    ]
    workload_steps = [s for s in steps if s not in resource_steps]
    before = plan_total
    for diff, apply in resource_steps:
        current = apply(current)
        after = priced(current)
        out.append(replace(diff, monthly_usd=after - before))
        before = after
    if workload_steps:
        assert current.eks is not None
        if current.eks.workloads_from is not None:
            # the plan's manifests, inline, so that single workloads can be changed
            workloads, *_ = resolve_workloads(current.eks, plan.path.parent)
            eks = current.eks.model_copy(update={"workloads": workloads, "workloads_from": None})
            current = current.model_copy(update={"eks": eks})
        assert current.eks is not None
        if not current.eks.daemonsets and any(
            d.path.startswith("eks.daemonsets") for d, _a in workload_steps
        ):
            from planner.capacity.workloads import DEFAULT_DAEMONSETS

            eks = current.eks.model_copy(update={"daemonsets": DEFAULT_DAEMONSETS})
            current = current.model_copy(update={"eks": eks})
        measure = capacity if by_capacity else priced
        how = CAPACITY if by_capacity else LIST_PRICES
        before = measure(current)
        for diff, apply in workload_steps:
            current = apply(current)
            after = measure(current)
            out.append(replace(diff, monthly_usd=after - before, priced_by=how))
            before = after
    return Drift(plan.name, found_label, out, plan_total, not_compared)


# --- output ----------------------------------------------------------------------------------
def drift_json(result: Drift) -> dict[str, Any]:
    from planner.money import json_number

    return {
        "plan": result.plan,
        "discovered": result.discovered,
        "drift": bool(result.differences),
        "plan_monthly_usd": json_number(result.plan_monthly_usd),
        "drift_monthly_usd": json_number(result.total_usd),
        "differences": [
            {
                "path": d.path,
                "field": d.field,
                "kind": d.kind,
                "plan": d.plan,
                "discovered": d.discovered,
                "monthly_usd": json_number(d.monthly_usd),
                "priced_by": d.priced_by,
            }
            for d in result.differences
        ],
        "not_compared": result.not_compared,
    }


def _rows(result: Drift) -> list[list[str]]:
    return [
        [
            d.path,
            d.field,
            d.kind,
            d.plan,
            d.discovered,
            figures.usd(d.monthly_usd, signed=True),
            d.priced_by,
        ]
        for d in result.differences
    ]


HEAD = ["resource", "field", "kind", "plan", "discovered", "monthly", "priced by"]


def drift_table(result: Drift) -> str:
    lines = [f"Drift: {result.plan} (plan) against {result.discovered}"]
    if not result.differences:
        lines.append("No drift: every compared field matches the plan.")
    else:
        rows = [HEAD, *_rows(result)]
        widths = [max(len(r[i]) for r in rows) for i in range(len(HEAD))]
        for n, row in enumerate(rows):
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines.append(
            f"{len(result.differences)} difference(s); plan {figures.usd(result.plan_monthly_usd)}"
            f"/month, drift {figures.usd(result.total_usd, signed=True)}/month"
        )
        lines.append(
            "Each difference is priced on top of those above it (they add up to the drift)."
        )
    for part in result.not_compared:
        lines.append(f"not compared: {part}")
    return "\n".join(lines) + "\n"


def drift_markdown(result: Drift) -> str:
    lines = [f"## Drift: {result.plan} against {result.discovered}", ""]
    if not result.differences:
        lines.append("No drift: every compared field matches the plan.")
    else:
        lines.append(
            f"**{len(result.differences)} difference(s), "
            f"{figures.usd(result.total_usd, signed=True)} a month** on a plan of "
            f"{figures.usd(result.plan_monthly_usd)} a month (list prices; each difference "
            "is priced on top of those above it)."
        )
        lines += ["", "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
        for row in _rows(result):
            cells = [c.replace("|", "\\|") for c in row]
            lines.append("| " + " | ".join(cells) + " |")
    if result.not_compared:
        lines += ["", "Not compared: " + "; ".join(result.not_compared) + "."]
    return "\n".join(lines) + "\n"
