"""The modelled monthly cost, total and per service, at HPA minimum, expected and maximum:
in a 730-hour month (the plan, as ``planner price`` shows it) and in the dearest calendar month
of the year ahead (31 days, 744 hours; a schedule's weekdays counted; support steps applied):
what a flat monthly budget must cover, so that a normal long month is no alert)."""

from __future__ import annotations

import datetime as dt
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

    ``expected`` is the plan itself (``planner price``: desired sizes, or the capacity model
    for ``from_capacity``); with workloads, ``min`` and ``max`` are the capacity model's HPA
    states (as ``planner.pricing.price_states``); without, every state is the plan.

    The longest-month figures are the dearest of the twelve calendar months from ``as_of``,
    each priced as a real month (hours = days x 24; a schedule's hours counted day by day; the
    EKS and RDS support calendars applied day by day): what a flat monthly budget must cover.
    """
    from planner.catalog import default_catalog
    from planner.commitments.forecast import add_months, first_of_month
    from planner.costing.engine import CostReport
    from planner.errors import PriceNotFoundError
    from planner.pricing import price_scenario

    catalog = catalog or default_catalog()
    topology = scenario.topology
    eks = topology.eks
    capacity = None
    if eks is not None and (eks.workloads or eks.workloads_from):
        from planner.capacity.plan import plan_capacity

        capacity = plan_capacity(topology, base_dir=scenario.path.parent)

    def states(
        hours: Decimal | None = None, period: tuple[dt.date, dt.date] | None = None
    ) -> dict[str, CostReport]:
        from planner.pricing import price_states

        plan = price_scenario(
            scenario, catalog, allow_missing=allow_missing, hours_per_month=hours, period=period
        )
        if capacity is None:
            return dict.fromkeys(STATES, plan)
        ranged = price_states(
            topology,
            capacity,
            catalog,
            allow_missing=allow_missing,
            hours_per_month=hours,
            period=period,
        )
        high = ranged["max"]
        return {
            "min": ranged["min"],
            "expected": plan,
            # never below the plan (a desired_size above what the model needs)
            "max": high if high.total_monthly_usd >= plan.total_monthly_usd else plan,
        }

    try:
        reports = states()
        longest_total: dict[str, Decimal] = {}
        longest_service: dict[str, dict[str, Decimal]] = {s: {} for s in STATES}
        first = first_of_month(topology.as_of)
        for k in range(12):
            month = add_months(first, k)
            end = add_months(month, 1)
            hours = Decimal((end - month).days * 24)
            for state, report in states(hours, (month, end)).items():
                longest_total[state] = max(
                    longest_total.get(state, Decimal(0)), report.total_monthly_usd
                )
                table = longest_service[state]
                for code, value in report.by_service().items():
                    table[code] = max(table.get(code, Decimal(0)), value)
    except PriceNotFoundError as exc:
        raise PriceNotFoundError(f"{scenario.path}: {exc}") from exc
    return PlanCosts(
        total_usd={s: r.total_monthly_usd for s, r in reports.items()},
        by_service_usd={s: r.by_service() for s, r in reports.items()},
        from_capacity=capacity is not None,
        longest_total_usd=longest_total,
        longest_by_service_usd=longest_service,
    )
