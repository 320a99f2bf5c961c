"""Price a topology: run every registered pricer and collect cost lines and warnings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from planner.catalog import PriceCatalog, default_catalog
from planner.costing.context import PricingContext
from planner.costing.discounts import AppliedDiscounts, applied, discount_lines, unapplied_rates
from planner.costing.fees import UpfrontFee
from planner.costing.lines import CostLine
from planner.costing.registry import MODULES, ServiceModule
from planner.money import HOURS_PER_MONTH, ZERO
from planner.topology import Amount, Basis, Topology


@dataclass(frozen=True)
class CostReport:
    scenario: str
    region: str
    as_of: str
    lines: tuple[CostLine, ...]
    snapshot: dict[str, Any]
    warnings: tuple[str, ...] = ()
    assumptions: tuple[dict[str, str], ...] = field(default_factory=tuple)
    # Cash paid up front for commitments: never part of the monthly (amortised) total.
    upfront_fees: tuple[UpfrontFee, ...] = ()
    # The scenario's discounts: block, priced as lines of their own, never in ``lines``.
    discounts: AppliedDiscounts | None = None

    @property
    def discount_lines(self) -> tuple[CostLine, ...]:
        """Private rate, enterprise discount and credit lines for ``lines`` (list prices)."""
        return () if self.discounts is None else discount_lines(self.lines, self.discounts)

    @property
    def upfront_usd(self) -> Decimal:
        """Known upfront cash (fees whose amount is unknown are listed, not summed)."""
        return sum((f.upfront_usd for f in self.upfront_fees if f.upfront_usd is not None), ZERO)

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


def price_topology(
    topology: Topology,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
    node_counts: Mapping[str, int] | None = None,
    node_count_basis: str = "stated",
    node_count_note: str = "desired_size",
    modules: Iterable[ServiceModule] = MODULES,
) -> CostReport:
    """Run the registered service modules (all, or the ones given) over the topology."""
    catalog = catalog or default_catalog()
    ctx = PricingContext(
        catalog=catalog,
        region=topology.region,
        allow_missing=allow_missing,
        hours_per_month=HOURS_PER_MONTH,
        node_counts=node_counts,
        node_count_basis=node_count_basis,
        node_count_note=node_count_note,
    )
    lines: list[CostLine] = []
    for module in modules:
        lines.extend(module.price(topology, ctx))
    discounts = applied(topology.discounts, catalog, topology.region)
    if discounts is not None and tuple(modules) == MODULES:  # all lines: a rate can be unused
        ctx.warnings.extend(unapplied_rates(lines, discounts))
    return CostReport(
        scenario=topology.name,
        region=topology.region,
        as_of=topology.as_of.isoformat(),
        lines=tuple(lines),
        snapshot=catalog.summary(),
        warnings=tuple(ctx.warnings),
        assumptions=tuple(collect_assumptions(topology)),
        upfront_fees=tuple(ctx.upfront_fees),
        discounts=discounts,
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
