"""What a scenario needs priced: every (service, region, product) its cost lines look up.

The scenario is priced once against a catalog that records each lookup and answers with a
placeholder row, so the list is exactly what the cost engine asks for, with no second copy
of the engine's product naming.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.catalog import ON_DEMAND, PriceCatalog, PriceRow, Term

Need = tuple[str, str, str, Term]


class RecordingCatalog(PriceCatalog):
    """Answers every lookup with a placeholder row and remembers what was asked."""

    def __init__(self) -> None:
        self.directory = Path(".")
        self.manifest = {"snapshot_date": "", "services": {}, "total_rows": 0}
        self._index = {}
        self._verified = set()
        self.asked: set[Need] = set()

    def summary(self) -> dict[str, Any]:
        return {"date": "", "source_dates": ["", ""], "rows": 0, "builder": "needs"}

    def find(
        self, service: str, region: str, product: str, term: Term = ON_DEMAND
    ) -> PriceRow | None:
        self.asked.add((service, region, product, term))
        if term.kind in ("Spot", "SavingsPlan"):
            return None  # not Price List prices: the pricer falls back to on-demand
        return PriceRow(
            service, region, product, "", term, "", Decimal(1), "placeholder", "", "needs", ""
        )


def scenario_needs(scenario_ref: str) -> tuple[str, set[Need]]:
    """The scenario's region and the price keys its cost lines use."""
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    scenario = load_scenario(scenario_ref)
    recorder = RecordingCatalog()
    price_scenario(scenario, recorder)
    return scenario.topology.region, recorder.asked


def spot_instance_types(scenario_ref: str) -> list[str]:
    """Instance types of the scenario's SPOT node groups."""
    from planner.scenario import load_scenario
    from planner.topology import CapacityType

    eks = load_scenario(scenario_ref).topology.eks
    if eks is None:
        return []
    return sorted(
        {g.instance_type for g in eks.node_groups if g.capacity_type is CapacityType.SPOT}
    )


def instance_types(scenario_ref: str) -> list[str]:
    from planner.scenario import load_scenario

    eks = load_scenario(scenario_ref).topology.eks
    return sorted({g.instance_type for g in eks.node_groups}) if eks else []
