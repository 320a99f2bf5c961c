"""What a service pricer needs: the catalog, the region, and how to build lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from planner.catalog import ON_DEMAND, PriceCatalog, PriceRow, Term
from planner.costing.fees import UpfrontFee
from planner.costing.lines import CostLine, Driver, PriceBasis
from planner.errors import PriceNotFoundError
from planner.money import HOURS_PER_MONTH
from planner.topology import Amount, Basis


@dataclass
class PricingContext:
    catalog: PriceCatalog
    region: str
    allow_missing: bool = False
    hours_per_month: Decimal = HOURS_PER_MONTH
    node_counts: Mapping[str, int | Decimal] | None = None
    node_count_basis: str = "stated"
    node_count_note: str = "desired_size"
    # The node counts purchases are sized at (reservations stay fixed across capacity states);
    # None: each state's own counts.
    purchase_node_counts: Mapping[str, int | Decimal] | None = None
    # A calendar period [start, end) to price (a forecast month): dated price steps (EKS and
    # RDS support calendars) are applied day by day inside it. None: the scenario's as_of.
    period: tuple[dt.date, dt.date] | None = None
    # Growth of the load (a forecast month): node counts and ``load`` lines are multiplied by
    # it; ``fixed`` fees and ``commitment`` lines are not. 1: the plan as written.
    growth: Decimal = Decimal(1)

    @property
    def calendar_period(self) -> tuple[dt.date, dt.date] | None:
        """The period when it is priced as a real calendar month (its hours are its days x 24,
        not the 730-hour convention): schedules then count their hours day by day."""
        if self.period is None:
            return None
        days = (self.period[1] - self.period[0]).days
        return self.period if self.hours_per_month == days * 24 else None

    warnings: list[str] = field(default_factory=list)
    # Upfront commitment fees (cash on day one), kept apart from the monthly lines.
    upfront_fees: list[UpfrontFee] = field(default_factory=list)

    def row(
        self, service: str, product: str, term: Term = ON_DEMAND, *, what: str = ""
    ) -> PriceRow | None:
        """The price row, or None when missing and the user allowed it (with a warning)."""
        try:
            return self.catalog.get(service, self.region, product, term, what=what)
        except PriceNotFoundError as exc:
            if not self.allow_missing:
                raise
            self.warnings.append(f"{exc}: line kept out of the total")
            return None

    def line(
        self,
        *,
        resource: str,
        service: str,
        component: str,
        quantity: Decimal,
        unit: str,
        product: str,
        quantity_basis: Basis | str,
        quantity_note: str,
        term: Term = ON_DEMAND,
        what: str = "",
        purchase_option: str | None = None,
        driver: Driver = "load",
    ) -> CostLine:
        row = self.row(service, product, term, what=what or product)
        option = purchase_option or term.label
        basis = quantity_basis.value if isinstance(quantity_basis, Basis) else quantity_basis
        if row is None:
            return missing_line(
                resource,
                service,
                component,
                quantity,
                unit,
                option,
                basis,
                quantity_note,
                self.catalog.explain_missing(service, self.region, product, term, what or product),
                driver=driver,
            )
        return priced_line(
            resource,
            service,
            component,
            quantity,
            unit,
            row,
            option,
            basis,
            quantity_note,
            driver=driver,
        )


def price_basis_of(row: PriceRow) -> PriceBasis:
    return "derived" if row.price_kind == "derived" else "list"


def priced_line(
    resource: str,
    service: str,
    component: str,
    quantity: Decimal,
    unit: str,
    row: PriceRow,
    purchase_option: str,
    quantity_basis: str,
    quantity_note: str,
    *,
    unit_price: Decimal | None = None,
    price_source: str | None = None,
    price_basis: PriceBasis | None = None,
    driver: Driver = "load",
) -> CostLine:
    price = row.usd if unit_price is None else unit_price
    return CostLine(
        resource=resource,
        service=service,
        component=component,
        quantity=quantity,
        unit=unit,
        unit_price_usd=price,
        monthly_usd=quantity * price,
        purchase_option=purchase_option,
        price_source=price_source or row.provenance,
        price_basis=price_basis or price_basis_of(row),
        quantity_basis=quantity_basis,
        quantity_note=quantity_note,
        price_ref=row.ref,
        driver=driver,
    )


def missing_line(
    resource: str,
    service: str,
    component: str,
    quantity: Decimal,
    unit: str,
    purchase_option: str,
    quantity_basis: str,
    quantity_note: str,
    reason: str,
    *,
    driver: Driver = "load",
) -> CostLine:
    # positional: the same five leading fields as priced_line, in CostLine's order
    return CostLine(
        resource,
        service,
        component,
        quantity,
        unit,
        unit_price_usd=None,
        monthly_usd=None,
        purchase_option=purchase_option,
        price_source=f"MISSING: {reason}",
        price_basis="missing",
        quantity_basis=quantity_basis,
        quantity_note=quantity_note,
        missing=True,
        driver=driver,
    )


def amount_note(amount: Amount, what: str) -> str:
    """``"50 GB/month (stated: seed 9.1)"``-style note for a usage quantity."""
    detail = amount.note or amount.source
    return f"{what}" + (f" ({detail})" if detail else "")
