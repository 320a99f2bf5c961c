"""Reserved, Savings Plan and spot rates from the catalog (or a user rate card, marked).

Catalog conventions (``pricing/snapshot``):

- Reserved: ``term=Reserved``, lease ``1yr|3yr``, purchase option ``No Upfront|Partial
  Upfront|All Upfront``, offering class ``standard|convertible``. The recurring rate is a row
  with unit ``Hrs`` on the instance's product; the upfront fee is a separate row with unit
  ``Quantity`` on ``<product>/upfront``. Where the source gives only the effective rate
  (price kind ``effective hourly``), the upfront split is unknown and stays unknown.
- Savings Plans: service ``AmazonEC2``, ``term=SavingsPlan``, product ``instance/<type>``,
  offering class ``compute|ec2instance``, unit ``Hrs``.
- Spot: service ``AmazonEC2``, ``term=Spot``, product ``instance/<type>``, unit ``Hrs``.

A rate that is not there is *missing*: named, with the command that fills it. Never a
discount made up here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from planner.catalog import PriceCatalog, PriceRow, Term
from planner.money import HOURS_PER_MONTH
from planner.topology import Purchase, RateCard

TERM_MONTHS = {"1yr": 12, "3yr": 36}
PAYMENT_LABEL = {
    "no_upfront": "No Upfront",
    "partial_upfront": "Partial Upfront",
    "all_upfront": "All Upfront",
}
SP_CLASS = {"compute": "compute", "ec2_instance": "ec2instance"}
FILL_COMMAND = "planner prices refresh"


def term_hours(term: str) -> Decimal:
    """Hours in a 1- or 3-year term: 12 or 36 months of ``HOURS_PER_MONTH`` (8,760 h a year)."""
    return HOURS_PER_MONTH * TERM_MONTHS[term]


@dataclass(frozen=True)
class Offer:
    """One reserved offer per instance: what is paid up front and per hour.

    ``upfront_usd`` is ``None`` when the source gives only the effective rate and the split
    is unknown. ``effective_hourly_usd`` = upfront / term hours + recurring hourly.
    """

    term: str
    payment: str
    offering_class: str
    effective_hourly_usd: Decimal
    recurring_hourly_usd: Decimal | None
    upfront_usd: Decimal | None
    source: str
    basis: str  # "list", "effective hourly", "derived", "user rate card"
    ref: str = ""

    @property
    def term_months(self) -> int:
        return TERM_MONTHS[self.term]

    @property
    def label(self) -> str:
        cls = f" {self.offering_class}" if self.offering_class else ""
        return f"Reserved {self.term}{cls} {PAYMENT_LABEL[self.payment]}"

    @property
    def upfront_known(self) -> bool:
        return self.upfront_usd is not None


def reserved_term(purchase: Purchase, *, with_class: bool = True) -> Term:
    return Term(
        "Reserved",
        purchase.term,
        PAYMENT_LABEL[purchase.payment],
        purchase.offering_class if with_class else "standard",
    )


def effective_hourly(upfront_usd: Decimal, recurring_hourly_usd: Decimal, term: str) -> Decimal:
    """RI effective hourly = upfront / term hours + recurring hourly (DESIGN.md)."""
    return upfront_usd / term_hours(term) + recurring_hourly_usd


def reserved_offer(
    catalog: PriceCatalog,
    service: str,
    region: str,
    product: str,
    purchase: Purchase,
    *,
    with_class: bool = True,
) -> Offer | None:
    """The reserved offer for ``product`` from the purchase's rate card or the catalog."""
    if purchase.rate_card is not None:
        return rate_card_offer(purchase, purchase.rate_card)
    term = reserved_term(purchase, with_class=with_class)
    recurring = catalog.find(service, region, product, term)
    if recurring is None:
        return None
    cls = purchase.offering_class if with_class else ""
    if recurring.price_kind == "effective hourly":
        return _effective_only(recurring, purchase, cls)
    upfront_row = catalog.find(service, region, f"{product}/upfront", term)
    upfront = upfront_row.usd if upfront_row is not None else None
    if upfront is None and purchase.payment != "no_upfront":
        # A recurring row without its fee row: the fee is unknown, so is the effective rate.
        return None
    fee = upfront if upfront is not None else Decimal(0)
    source = recurring.provenance + (
        f"; upfront {fee} from {upfront_row.ref}" if upfront_row else ""
    )
    return Offer(
        term=purchase.term,
        payment=purchase.payment,
        offering_class=cls,
        effective_hourly_usd=effective_hourly(fee, recurring.usd, purchase.term),
        recurring_hourly_usd=recurring.usd,
        upfront_usd=fee,
        source=source,
        basis="list",
        ref=recurring.ref,
    )


def _effective_only(row: PriceRow, purchase: Purchase, cls: str) -> Offer:
    """Only the effective rate is known: No Upfront has no fee (the rate is the recurring one),
    All Upfront has no recurring charge (the fee is the rate over the term, derived); for
    Partial Upfront the split is unknown and stays unknown."""
    eff = row.usd
    upfront: Decimal | None = None
    recurring: Decimal | None = None
    basis = "effective hourly"
    source = row.provenance
    if purchase.payment == "no_upfront":
        upfront, recurring = Decimal(0), eff
    elif purchase.payment == "all_upfront":
        upfront, recurring = eff * term_hours(purchase.term), Decimal(0)
        source += (
            f"; upfront derived: All Upfront has no recurring charge, so the fee is "
            f"{eff}/h x {term_hours(purchase.term)} h"
        )
    else:
        source += "; upfront fee and recurring rate not published separately (split unknown)"
    return Offer(
        term=purchase.term,
        payment=purchase.payment,
        offering_class=cls,
        effective_hourly_usd=eff,
        recurring_hourly_usd=recurring,
        upfront_usd=upfront,
        source=source,
        basis=basis,
        ref=row.ref,
    )


def rate_card_offer(purchase: Purchase, card: RateCard) -> Offer:
    if card.recurring_hourly_usd is not None:
        fee = card.upfront_usd or Decimal(0)
        eff = effective_hourly(fee, card.recurring_hourly_usd, purchase.term)
        upfront: Decimal | None = fee
        recurring: Decimal | None = card.recurring_hourly_usd
    else:
        assert card.effective_hourly_usd is not None
        eff = card.effective_hourly_usd
        upfront = card.upfront_usd
        recurring = None if upfront is None else eff - upfront / term_hours(purchase.term)
        if upfront is None and purchase.payment == "no_upfront":
            upfront, recurring = Decimal(0), eff
    return Offer(
        term=purchase.term,
        payment=purchase.payment,
        offering_class=purchase.offering_class,
        effective_hourly_usd=eff,
        recurring_hourly_usd=recurring,
        upfront_usd=upfront,
        source=f"user rate card: {card.source}",
        basis="user rate card",
    )


def savings_plan_rate(
    catalog: PriceCatalog,
    region: str,
    instance_type: str,
    plan_type: str,
    term: str,
    payment: str,
) -> PriceRow | None:
    """The Savings Plan $/hour for one instance type, or None (missing)."""
    sp_term = Term("SavingsPlan", term, PAYMENT_LABEL[payment], SP_CLASS[plan_type])
    return catalog.find("AmazonEC2", region, f"instance/{instance_type}", sp_term)


def spot_rate(catalog: PriceCatalog, region: str, instance_type: str) -> PriceRow | None:
    """The catalog's spot price for a type (price kind ``spot median``), or None."""
    return catalog.find("AmazonEC2", region, f"instance/{instance_type}", Term("Spot"))


def missing_rate(what: str, region: str) -> str:
    return (
        f"no {what} rate in {region} in the price catalog; fill it with `{FILL_COMMAND}` or "
        "give a user rate card"
    )
