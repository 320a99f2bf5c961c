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
from typing import TYPE_CHECKING

from planner.errors import PriceNotFoundError

if TYPE_CHECKING:
    from planner.capacity.model import CapacityResult, State, StateCost
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.scenario import Scenario
    from planner.topology import Topology


def price_scenario(
    scenario: Scenario, catalog: PriceCatalog | None = None, *, allow_missing: bool = False
) -> CostReport:
    from planner.costing.engine import price_topology

    topology = scenario.topology
    node_counts = None
    unplaced: list[str] = []
    if topology.eks is not None and topology.eks.node_count == "from_capacity":
        from planner.capacity.plan import plan_capacity
        from planner.capacity.unplaced import unplaced_warnings

        planned = plan_capacity(topology, base_dir=scenario.path.parent)
        node_counts = planned.nodes("expected")
        unplaced = [w for w in unplaced_warnings(planned) if " at expected replicas " in w]
    try:
        report = price_topology(
            topology,
            catalog,
            allow_missing=allow_missing,
            node_counts=node_counts,
            node_count_basis="derived" if node_counts else "stated",
            node_count_note="capacity model at expected replicas"
            if node_counts
            else "desired_size",
        )
    except PriceNotFoundError as exc:
        raise PriceNotFoundError(f"{scenario.path}: {exc}") from exc
    return with_warnings(report, unplaced)


def with_warnings(report: CostReport, extra: list[str]) -> CostReport:
    """The report with ``extra`` warnings appended (each once)."""
    import dataclasses

    new = [w for w in extra if w not in report.warnings]
    return dataclasses.replace(report, warnings=(*report.warnings, *new)) if new else report


def price_capacity_range(
    topology: Topology,
    result: CapacityResult,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
) -> dict[State, StateCost]:
    """Monthly cost at each capacity state, with node-group costs found by ``node_group``."""
    from planner.capacity.model import STATES, StateCost
    from planner.costing.engine import price_topology
    from planner.costing.registry import MODULES
    from planner.money import ZERO

    fixed = price_topology(
        topology,
        catalog,
        allow_missing=allow_missing,
        modules=[m for m in MODULES if not m.node_dependent],
    )
    scaled = [m for m in MODULES if m.node_dependent]
    out: dict[State, StateCost] = {}
    for state in STATES:
        nodes = result.nodes(state)
        varying = price_topology(
            topology,
            catalog,
            allow_missing=allow_missing,
            node_counts=nodes,
            node_count_basis="derived",
            node_count_note=f"capacity model at {state} replicas",
            modules=scaled,
        )
        node_usd = sum(
            (ln.monthly_usd for ln in varying.lines if ln.node_group and ln.monthly_usd),
            ZERO,
        )
        out[state] = StateCost(
            state=state,
            nodes=nodes,
            monthly_usd=str(fixed.total_monthly_usd + varying.total_monthly_usd),
            node_groups_monthly_usd=str(node_usd),
        )
    return out


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
