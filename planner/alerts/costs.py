"""The modelled monthly cost, total and per service, at HPA minimum, expected and maximum:
in a 730-hour month (the plan, as ``planner price`` shows it) and in the longest month (31
days, 744 hours: what a monthly budget must cover, so that a normal long month is no alert)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog
    from planner.scenario import Scenario

STATES = ("min", "expected", "max")
LONGEST_MONTH_HOURS = Decimal(744)  # 31 days x 24 h: hourly lines cost 744/730 of the plan


@dataclass(frozen=True)
class PlanCosts:
    """Monthly USD per state ("min", "expected", "max"), total and by price-list service code."""

    total_usd: dict[str, Decimal]
    by_service_usd: dict[str, dict[str, Decimal]]
    from_capacity: bool  # False: the scenario has no workloads, so the three states are equal
    # the same in the longest month (744 h); defaults to the 730-hour figures
    longest_total_usd: dict[str, Decimal] | None = None
    longest_by_service_usd: dict[str, dict[str, Decimal]] | None = None

    def service(self, state: str, code: str) -> Decimal:
        return self.by_service_usd[state].get(code, Decimal(0))

    @property
    def longest(self) -> dict[str, Decimal]:
        return self.longest_total_usd or self.total_usd

    def longest_service(self, state: str, code: str) -> Decimal:
        table = self.longest_by_service_usd or self.by_service_usd
        return table[state].get(code, Decimal(0))


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
    longest: dict[str, CostReport] = {}
    try:
        if eks is not None and (eks.workloads or eks.workloads_from):
            from planner.capacity.plan import plan_capacity
            from planner.pricing import price_states

            capacity = plan_capacity(topology, base_dir=scenario.path.parent)
            for hours, into in ((None, reports), (LONGEST_MONTH_HOURS, longest)):
                states = price_states(
                    topology, capacity, catalog, allow_missing=allow_missing, hours_per_month=hours
                )
                into.update((str(state), report) for state, report in states.items())
            from_capacity = True
        else:
            report = price_scenario(scenario, catalog, allow_missing=allow_missing)
            reports = dict.fromkeys(STATES, report)
            long_report = price_scenario(
                scenario, catalog, allow_missing=allow_missing, hours_per_month=LONGEST_MONTH_HOURS
            )
            longest = dict.fromkeys(STATES, long_report)
            from_capacity = False
    except PriceNotFoundError as exc:
        raise PriceNotFoundError(f"{scenario.path}: {exc}") from exc
    return PlanCosts(
        total_usd={s: r.total_monthly_usd for s, r in reports.items()},
        by_service_usd={s: r.by_service() for s, r in reports.items()},
        from_capacity=from_capacity,
        longest_total_usd={s: r.total_monthly_usd for s, r in longest.items()},
        longest_by_service_usd={s: r.by_service() for s, r in longest.items()},
    )
