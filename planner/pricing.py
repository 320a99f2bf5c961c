"""Price a loaded scenario the one way the CLI and the notebooks share.

With ``eks.node_count: from_capacity`` the node groups are priced at the capacity model's
node counts for expected replicas; otherwise at their desired size. A missing price names the
scenario file as well as the item and region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.errors import PriceNotFoundError

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.scenario import Scenario


def price_scenario(
    scenario: Scenario, catalog: PriceCatalog | None = None, *, allow_missing: bool = False
) -> CostReport:
    from planner.costing.engine import price_topology

    topology = scenario.topology
    node_counts = None
    if topology.eks is not None and topology.eks.node_count == "from_capacity":
        from planner.capacity.plan import node_counts as capacity_nodes

        node_counts = capacity_nodes(topology, "expected", base_dir=scenario.path.parent)
    try:
        return price_topology(
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
