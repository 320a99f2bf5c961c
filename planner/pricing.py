"""Plan, then price: the one place where the capacity model and the cost engine meet.

``price_scenario`` prices a loaded scenario the way the CLI and the notebooks share: with
``eks.node_count: from_capacity`` the node groups are priced at the capacity model's node
counts for expected replicas; otherwise at their desired size. ``price_capacity_range``
prices the HPA min / expected / max states of a capacity result: the lines that do not
depend on node counts are priced once, the node-dependent modules once per state. A missing
price names the scenario file as well as the item and region.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import PriceNotFoundError

if TYPE_CHECKING:
    from planner.capacity.model import CapacityResult, State, StateCost
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.costing.lines import CostLine
    from planner.scenario import Scenario
    from planner.topology import Topology


def price_scenario(
    scenario: Scenario, catalog: PriceCatalog | None = None, *, allow_missing: bool = False
) -> CostReport:
    try:
        return price_plan(
            scenario.topology, catalog, base_dir=scenario.path.parent, allow_missing=allow_missing
        )
    except PriceNotFoundError as exc:
        raise PriceNotFoundError(f"{scenario.path}: {exc}") from exc


def price_plan(
    topology: Topology,
    catalog: PriceCatalog | None = None,
    *,
    base_dir: Path | None = None,
    allow_missing: bool = False,
) -> CostReport:
    """A topology priced as ``planner price`` prices its scenario: node groups at their
    desired size, or with ``eks.node_count: from_capacity`` at the capacity model's node
    counts for expected replicas (``base_dir``: where the scenario's manifests live)."""
    from planner.costing.engine import price_topology

    node_counts = None
    unplaced: list[str] = []
    if topology.eks is not None and topology.eks.node_count == "from_capacity":
        from planner.capacity.plan import plan_capacity
        from planner.capacity.unplaced import unplaced_warnings

        planned = plan_capacity(topology, base_dir=base_dir)
        node_counts = planned.nodes("expected")
        unplaced = [w for w in unplaced_warnings(planned) if " at expected replicas " in w]
    report = price_topology(
        topology,
        catalog,
        allow_missing=allow_missing,
        node_counts=node_counts,
        node_count_basis="derived" if node_counts else "stated",
        node_count_note="capacity model at expected replicas" if node_counts else "desired_size",
    )
    return with_warnings(report, unplaced)


def with_warnings(report: CostReport, extra: list[str]) -> CostReport:
    """The report with ``extra`` warnings appended (each once)."""
    import dataclasses

    new = [w for w in extra if w not in report.warnings]
    return dataclasses.replace(report, warnings=(*report.warnings, *new)) if new else report


def price_states(
    topology: Topology,
    result: CapacityResult,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
) -> dict[State, CostReport]:
    """A full cost report at each capacity state (HPA min / expected / max).

    The whole topology is priced once; for the other states only the node-dependent modules
    are priced again, and their lines (found by ``node_group``) take the place of the first
    state's, in the same position.
    """
    from dataclasses import replace

    from planner.capacity.model import STATES
    from planner.costing.engine import price_topology
    from planner.costing.registry import MODULES

    scaled = [m for m in MODULES if m.node_dependent]
    out: dict[State, CostReport] = {}
    first: CostReport | None = None
    for state in STATES:
        options: dict[str, Any] = {
            "allow_missing": allow_missing,
            "node_counts": result.nodes(state),
            "node_count_basis": "derived",
            "node_count_note": f"capacity model at {state} replicas",
        }
        if first is None:
            first = out[state] = price_topology(topology, catalog, **options)
            continue
        varying = price_topology(topology, catalog, modules=scaled, **options)
        out[state] = replace(
            first,
            lines=_swap_node_lines(first.lines, varying.lines),
            warnings=tuple(dict.fromkeys((*first.warnings, *varying.warnings))),
        )
    return out


def _swap_node_lines(
    lines: tuple[CostLine, ...], node_lines: tuple[CostLine, ...]
) -> tuple[CostLine, ...]:
    at = next((i for i, ln in enumerate(lines) if ln.node_group), len(lines))
    kept = [ln for ln in lines if not ln.node_group]
    return (*kept[:at], *node_lines, *kept[at:])


def price_capacity_range(
    topology: Topology,
    result: CapacityResult,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
) -> dict[State, StateCost]:
    """Monthly cost at each capacity state, with the node groups' share of it."""
    from planner.capacity.model import StateCost
    from planner.money import ZERO

    reports = price_states(topology, result, catalog, allow_missing=allow_missing)
    return {
        state: StateCost(
            state=state,
            nodes=result.nodes(state),
            monthly_usd=str(report.total_monthly_usd),
            node_groups_monthly_usd=str(
                sum(
                    (ln.monthly_usd for ln in report.lines if ln.node_group and ln.monthly_usd),
                    ZERO,
                )
            ),
        )
        for state, report in reports.items()
    }


def scenario_capacity_range(
    scenario: Scenario, catalog: PriceCatalog | None = None, *, allow_missing: bool = False
) -> tuple[CapacityResult, dict[State, StateCost]]:
    """Plan the scenario's capacity and price it at HPA min / expected / max."""
    from planner.capacity.plan import plan_capacity

    topology = scenario.topology
    result = plan_capacity(topology, base_dir=Path(scenario.path).parent)
    try:
        costs = price_capacity_range(topology, result, catalog, allow_missing=allow_missing)
    except PriceNotFoundError as exc:
        raise PriceNotFoundError(f"{scenario.path}: {exc}") from exc
    return result, costs


def monthly_range(costs: dict[State, StateCost]) -> dict[str, Decimal]:
    """Total monthly USD per state ("min", "expected", "max")."""
    return {state: Decimal(cost.monthly_usd) for state, cost in costs.items()}
