"""Plan, then price: the one place where the capacity model and the cost engine meet.

``price_scenario`` prices a loaded scenario the way the CLI and the notebooks share: with
``eks.node_count: from_capacity`` the node groups are priced at the capacity model's node
counts for expected replicas; otherwise at their desired size. ``price_capacity_range``
prices the HPA min / expected / max states of a capacity result: the lines that do not
depend on node counts are priced once, the node-dependent modules once per state. A missing
price names the scenario file as well as the item and region.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
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
    scenario: Scenario,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
    hours_per_month: Decimal | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    growth: Decimal = Decimal(1),
) -> CostReport:
    """The scenario priced as ``planner price`` does. ``hours_per_month`` (744: the longest
    month) and ``period`` (a calendar month, for the support calendars) are the forecast's and
    the budgets' views; by default a 730-hour month on ``as_of``."""
    try:
        return price_plan(
            scenario.topology,
            catalog,
            base_dir=scenario.path.parent,
            allow_missing=allow_missing,
            hours_per_month=hours_per_month,
            period=period,
            growth=growth,
        )
    except PriceNotFoundError as exc:
        raise PriceNotFoundError(f"{scenario.path}: {exc}") from exc


def price_plan(
    topology: Topology,
    catalog: PriceCatalog | None = None,
    *,
    base_dir: Path | None = None,
    allow_missing: bool = False,
    hours_per_month: Decimal | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    growth: Decimal = Decimal(1),
) -> CostReport:
    """A topology priced as ``planner price`` prices its scenario: node groups at their
    desired size, or with ``eks.node_count: from_capacity`` at the capacity model's node
    counts for expected replicas (``base_dir``: where the scenario's manifests live)."""
    from planner.costing.engine import price_topology
    from planner.money import HOURS_PER_MONTH

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
        purchase_node_counts=node_counts,
        hours_per_month=hours_per_month or HOURS_PER_MONTH,
        period=period,
        growth=growth,
    )
    return with_warnings(report, unplaced)


def with_warnings(report: CostReport, extra: list[str]) -> CostReport:
    """The report with ``extra`` warnings appended (each once)."""
    import dataclasses

    new = [w for w in extra if w not in report.warnings]
    return dataclasses.replace(report, warnings=(*report.warnings, *new)) if new else report


def purchase_counts(topology: Topology, result: CapacityResult) -> dict[str, int] | None:
    """The node counts the scenario is priced at, which its purchases are sized for: the
    capacity model's expected replicas for ``from_capacity``, else each group's desired_size.
    Reservations bought at these counts stay fixed in every capacity state."""
    if topology.eks is None:
        return None
    if topology.eks.node_count == "from_capacity":
        return dict(result.nodes("expected"))
    return {g.name: g.desired_size for g in topology.eks.node_groups}


def price_states(
    topology: Topology,
    result: CapacityResult,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
    hours_per_month: Decimal | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> dict[State, CostReport]:
    """A full cost report at each capacity state (HPA min / expected / max).

    The modules whose lines do not depend on node counts are priced once; the node-dependent
    ones (``ServiceModule.node_dependent``) once per state, with the reservations sized at the
    counts the scenario is priced at (:func:`purchase_counts`), so a state with more nodes runs
    the extra nodes on-demand or spot, and a state with fewer still bills every reservation.
    Lines keep the registry's module order. ``hours_per_month`` prices a month of that many
    hours instead of the 730-hour convention (744: the longest month, for budgets).
    """
    from planner.capacity.model import STATES

    counts = {state: result.nodes(state) for state in STATES}
    return price_node_states(
        topology,
        counts,
        catalog,
        allow_missing=allow_missing,
        note=lambda state: f"capacity model at {state} replicas",
        purchase=purchase_counts(topology, result),
        hours_per_month=hours_per_month,
        period=period,
    )


def scaling_bounds(topology: Topology) -> dict[State, dict[str, int]]:
    """Nodes per node group at its own min_size / desired_size / max_size.

    The range of a cluster whose workloads are not known (a Terraform import has none): the
    capacity model has no pods to place, so the node groups' scaling bounds are the range,
    with ``desired_size`` as the expected point (never ``max_size`` alone).
    """
    groups = topology.eks.node_groups if topology.eks is not None else ()
    return {
        "min": {g.name: g.min_size for g in groups},
        "expected": {g.name: g.desired_size for g in groups},
        "max": {g.name: g.max_size for g in groups},
    }


def price_node_states(
    topology: Topology,
    counts: Mapping[State, Mapping[str, int]],
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
    note: Callable[[State], str],
    basis: str = "derived",
    purchase: Mapping[str, int] | None = None,
    hours_per_month: Decimal | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> dict[State, CostReport]:
    """A full cost report for each state's node counts (see :func:`price_states`); ``basis``
    is the node counts' quantity basis (``derived`` by the capacity model, ``stated``).

    The modules whose lines do not depend on node counts are priced once; the node-dependent
    ones once per state. Reservations are sized at ``purchase`` (default: the ``expected``
    state's counts) and stay fixed in every state."""
    from planner.catalog import default_catalog
    from planner.costing.context import PricingContext
    from planner.costing.engine import price_modules, report_of
    from planner.costing.registry import MODULES
    from planner.money import HOURS_PER_MONTH

    catalog = catalog or default_catalog()
    hours = hours_per_month or HOURS_PER_MONTH
    sized = purchase if purchase is not None else counts.get("expected")
    fixed_ctx = PricingContext(
        catalog=catalog,
        region=topology.region,
        allow_missing=allow_missing,
        hours_per_month=hours,
        period=period,
    )
    fixed = dict(
        (m.name, lines)
        for m, lines in price_modules(
            topology, fixed_ctx, [m for m in MODULES if not m.node_dependent]
        )
    )
    out: dict[State, CostReport] = {}
    for state, nodes in counts.items():
        ctx = PricingContext(
            catalog=catalog,
            region=topology.region,
            allow_missing=allow_missing,
            hours_per_month=hours,
            period=period,
            node_counts=dict(nodes),
            node_count_basis=basis,
            node_count_note=note(state),
            purchase_node_counts=dict(sized) if sized is not None else None,
        )
        varying = dict(
            (m.name, lines)
            for m, lines in price_modules(topology, ctx, [m for m in MODULES if m.node_dependent])
        )
        lines = [ln for m in MODULES for ln in (varying.get(m.name) or fixed.get(m.name) or [])]
        out[state] = report_of(
            topology,
            catalog,
            ctx,
            lines,
            warnings=fixed_ctx.warnings,
            upfront_fees=fixed_ctx.upfront_fees,
        )
    return out


def price_capacity_range(
    topology: Topology,
    result: CapacityResult,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
) -> dict[State, StateCost]:
    """Monthly cost at each capacity state, with the node groups' share of it."""
    from planner.capacity.model import StateCost
    from planner.money import ZERO, cents

    reports = price_states(topology, result, catalog, allow_missing=allow_missing)
    return {
        state: StateCost(
            state=state,
            nodes=result.nodes(state),
            monthly_usd=str(report.total_monthly_usd),
            node_groups_monthly_usd=str(
                sum(
                    (
                        cents(ln.monthly_usd)
                        for ln in report.lines
                        if ln.node_group and ln.monthly_usd is not None
                    ),
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
