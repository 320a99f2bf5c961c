"""Price a topology: run every registered pricer and collect cost lines and warnings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from planner.catalog import PriceCatalog, default_catalog
from planner.costing.context import PricingContext
from planner.costing.lines import CostLine
from planner.costing.registry import PRICERS
from planner.money import HOURS_PER_MONTH, ZERO
from planner.topology import Amount, Basis, Topology

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class CostReport:
    scenario: str
    region: str
    as_of: str
    lines: tuple[CostLine, ...]
    snapshot: dict[str, Any]
    warnings: tuple[str, ...] = ()
    assumptions: tuple[dict[str, str], ...] = field(default_factory=tuple)

    @property
    def total_monthly_usd(self) -> Decimal:
        return sum((ln.monthly_usd for ln in self.lines if ln.monthly_usd is not None), ZERO)

    @property
    def missing(self) -> tuple[CostLine, ...]:
        return tuple(ln for ln in self.lines if ln.missing)

    def by_service(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for ln in self.lines:
            if ln.monthly_usd is not None:
                totals[ln.service] += ln.monthly_usd
        return dict(totals)

    def by_resource(self) -> dict[tuple[str, str], Decimal]:
        totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        for ln in self.lines:
            if ln.monthly_usd is not None:
                totals[(ln.service, ln.resource)] += ln.monthly_usd
        return dict(totals)

    def to_dataframe(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([ln.as_dict() for ln in self.lines])


def price_topology(
    topology: Topology,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
    node_counts: Mapping[str, int] | None = None,
    node_count_basis: str = "stated",
    node_count_note: str = "desired_size",
) -> CostReport:
    catalog = catalog or default_catalog()
    ctx = PricingContext(
        catalog=catalog,
        region=topology.region,
        allow_missing=allow_missing,
        hours_per_month=HOURS_PER_MONTH,
        node_counts=node_counts,
        node_count_basis=node_count_basis,
        node_count_note=node_count_note,
        as_of=topology.as_of,
    )
    lines: list[CostLine] = []
    for _name, pricer in PRICERS:
        lines.extend(pricer(topology, ctx))
    return CostReport(
        scenario=topology.name,
        region=topology.region,
        as_of=topology.as_of.isoformat(),
        lines=tuple(lines),
        snapshot=catalog.summary(),
        warnings=tuple([*ctx.warnings, *ctx.age_warnings()]),
        assumptions=tuple(collect_assumptions(topology)),
    )


def collect_assumptions(topology: Topology) -> list[dict[str, str]]:
    """Every quantity marked as an assumption, with its field path and reason."""
    found: list[dict[str, str]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, Amount):
            if value.basis is Basis.ASSUMPTION:
                found.append(
                    {"field": path, "value": format(value.value, "f"), "reason": value.note}
                )
            return
        if isinstance(value, BaseModel):
            # type(value).model_fields: reading it on the instance is deprecated in pydantic 2.11
            for name in type(value).model_fields:
                walk(getattr(value, name), f"{path}.{name}" if path else name)
        elif isinstance(value, tuple | list):
            for i, item in enumerate(value):
                label = getattr(item, "name", None)
                walk(item, f"{path}[{label if label is not None else i}]")

    walk(topology, "")
    return found
