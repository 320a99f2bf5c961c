"""The modelled monthly cost, total and per service, at HPA minimum, expected and maximum."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog
    from planner.scenario import Scenario

STATES = ("min", "expected", "max")


@dataclass(frozen=True)
class PlanCosts:
    """Monthly USD per state ("min", "expected", "max"), total and by price-list service code."""

    total_usd: dict[str, Decimal]
    by_service_usd: dict[str, dict[str, Decimal]]
    from_capacity: bool  # False: the scenario has no workloads, so the three states are equal

    def service(self, state: str, code: str) -> Decimal:
        return self.by_service_usd[state].get(code, Decimal(0))


def plan_costs(
    scenario: Scenario, catalog: PriceCatalog | None = None, *, allow_missing: bool = False
) -> PlanCosts:
    """Price the scenario as ``planner price`` does, at each capacity state.

    With workloads, node counts come from the capacity model per state (as
    ``planner.pricing.price_states``); without, every state is the scenario as written.
    """
    from planner.costing.engine import CostReport
    from planner.errors import PriceNotFoundError
    from planner.pricing import price_scenario

    topology = scenario.topology
    eks = topology.eks
    reports: dict[str, CostReport] = {}
    try:
        if eks is not None and (eks.workloads or eks.workloads_from):
            from planner.capacity.plan import plan_capacity
            from planner.pricing import price_states

            capacity = plan_capacity(topology, base_dir=scenario.path.parent)
            states = price_states(topology, capacity, catalog, allow_missing=allow_missing)
            reports = {str(state): report for state, report in states.items()}
            from_capacity = True
        else:
            report = price_scenario(scenario, catalog, allow_missing=allow_missing)
            reports = dict.fromkeys(STATES, report)
            from_capacity = False
    except PriceNotFoundError as exc:
        raise PriceNotFoundError(f"{scenario.path}: {exc}") from exc
    return PlanCosts(
        total_usd={s: r.total_monthly_usd for s, r in reports.items()},
        by_service_usd={s: r.by_service() for s, r in reports.items()},
        from_capacity=from_capacity,
    )
