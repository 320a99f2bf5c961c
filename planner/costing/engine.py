"""Price a topology: run every registered pricer and collect cost lines and warnings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from planner.catalog import PriceCatalog, default_catalog
from planner.costing.context import PricingContext
from planner.costing.discounts import AppliedDiscounts, applied, discount_lines, unapplied_rates
from planner.costing.fees import UpfrontFee
from planner.costing.lines import CostLine
from planner.costing.registry import MODULES, ServiceModule
from planner.money import HOURS_PER_MONTH, ZERO, cents
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
        """The monthly total as every command and page shows it: each line rounded to the
        cent (half up) first, then summed (``planner.money.cents``). One rule, one place."""
        return sum((cents(ln.monthly_usd) for ln in self.lines if ln.monthly_usd is not None), ZERO)

    @property
    def exact_monthly_usd(self) -> Decimal:
        """The unrounded sum of the lines (JSON ``*_exact`` fields only; never shown as money)."""
        return sum((ln.monthly_usd for ln in self.lines if ln.monthly_usd is not None), ZERO)

    @property
    def missing(self) -> tuple[CostLine, ...]:
        return tuple(ln for ln in self.lines if ln.missing)

    def by_service(self) -> dict[str, Decimal]:
        """Displayed monthly total per AWS service code (sums of rounded lines)."""
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for ln in self.lines:
            if ln.monthly_usd is not None:
                totals[ln.service] += cents(ln.monthly_usd)
        return dict(totals)

    def by_resource(self) -> dict[tuple[str, str], Decimal]:
        """Displayed monthly total per (service code, resource)."""
        totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        for ln in self.lines:
            if ln.monthly_usd is not None:
                totals[(ln.service, ln.resource)] += cents(ln.monthly_usd)
        return dict(totals)


def price_topology(
    topology: Topology,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
    node_counts: Mapping[str, int | Decimal] | None = None,
    node_count_basis: str = "stated",
    node_count_note: str = "desired_size",
    purchase_node_counts: Mapping[str, int | Decimal] | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    hours_per_month: Decimal = HOURS_PER_MONTH,
    growth: Decimal = Decimal(1),
    modules: Iterable[ServiceModule] = MODULES,
) -> CostReport:
    """Run the registered service modules (all, or the ones given) over the topology."""
    catalog = catalog or default_catalog()
    ctx = PricingContext(
        catalog=catalog,
        region=topology.region,
        allow_missing=allow_missing,
        hours_per_month=hours_per_month,
        node_counts=node_counts,
        node_count_basis=node_count_basis,
        node_count_note=node_count_note,
        purchase_node_counts=purchase_node_counts,
        period=period,
        growth=growth,
    )
    chosen = tuple(modules)
    parts = price_modules(topology, ctx, chosen)
    lines = [ln for _m, module_lines in parts for ln in module_lines]
    return report_of(topology, catalog, ctx, lines, every_module=chosen == MODULES)


def price_modules(
    topology: Topology, ctx: PricingContext, modules: Iterable[ServiceModule] = MODULES
) -> list[tuple[ServiceModule, list[CostLine]]]:
    """Each module's lines, in module order (``pricing.price_states`` re-prices some).

    With ``ctx.growth`` other than 1, the node pricer has already grown the node counts; every
    ``load`` line is grown here, in one place (quantity and amount, the note says so)."""
    parts = [(module, module.price(topology, ctx)) for module in modules]
    if ctx.growth == 1:
        return parts
    return [(m, [_grown(ln, ctx.growth) for ln in lines]) for m, lines in parts]


def _grown(line: CostLine, factor: Decimal) -> CostLine:
    if line.driver != "load":
        return line
    return replace(
        line,
        quantity=line.quantity * factor,
        monthly_usd=None if line.monthly_usd is None else line.monthly_usd * factor,
        quantity_note=f"{line.quantity_note}; grown x {factor.normalize():f}",
    )


def report_of(
    topology: Topology,
    catalog: PriceCatalog,
    ctx: PricingContext,
    lines: Iterable[CostLine],
    *,
    warnings: Iterable[str] = (),
    upfront_fees: Iterable[UpfrontFee] = (),
    every_module: bool = True,
) -> CostReport:
    """The report of priced ``lines``; with every module's lines, a private rate of the
    scenario's ``discounts:`` that no line uses is warned about."""
    lines = tuple(lines)
    discounts = applied(topology.discounts, catalog, topology.region)
    if discounts is not None and every_module:  # all lines: a rate can be unused
        ctx.warnings.extend(unapplied_rates(lines, discounts))
    return CostReport(
        scenario=topology.name,
        region=topology.region,
        as_of=topology.as_of.isoformat(),
        lines=tuple(lines),
        snapshot=catalog.summary(),
        warnings=(*warnings, *ctx.warnings),
        assumptions=tuple(collect_assumptions(topology)),
        upfront_fees=(*ctx.upfront_fees, *upfront_fees),
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
