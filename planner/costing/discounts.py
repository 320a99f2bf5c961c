"""Discount lines: what the scenario's agreements take off the list prices, each its own line.

The cost lines stay at AWS list prices (the total every page calls "list"); the scenario's
``discounts:`` block (:mod:`planner.discount_terms`) adds lines of its own, in this order:

1. **Private rates**: a line priced from a price row the rate card names (service, product,
   term, and region when given) gets a line of ``quantity x (private rate - list rate)``.
   Only lines that are ``quantity x`` that very row qualify (same purchase option, same unit
   price), so a spot or schedule line priced off an on-demand row is left alone.
2. **Enterprise discount**: ``percent`` of each listed service's displayed lines, private
   rate lines included (the discount applies to what is billed after private pricing).
3. **Credits**: ``usd_per_month`` against what is left, never more than that (a bill does not
   go below zero).

Each discount line is rounded to the cent like every other line; the effective total is the
list total plus the discount lines (:func:`planner.figures.effective_total`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from planner.catalog import ON_DEMAND, PriceCatalog, Term
from planner.costing.lines import CostLine
from planner.costing.registry import SERVICE_ORDER, service_label
from planner.discount_terms import Discounts, PrivateRate
from planner.figures import sum_rounded
from planner.money import ZERO, plain

HUNDRED = Decimal(100)
CREDITS = "Credits"
OFFERING_CLASSES = ("standard", "convertible", "compute", "ec2instance")
RateKey = tuple[str, str, str]  # service, product, term label


def term_from_label(label: str) -> Term:
    """``Reserved 1yr standard No Upfront`` -> Term(...); ``OnDemand`` -> the on-demand term."""
    kind, *rest = label.split(" ")
    if kind == "OnDemand" and not rest:
        return ON_DEMAND
    lease = rest[0] if rest else ""
    offering = rest[1] if len(rest) > 1 and rest[1] in OFFERING_CLASSES else ""
    option = " ".join(rest[2:] if offering else rest[1:])
    return Term(kind, lease, option, offering)


def parse_ref(price_ref: str) -> tuple[str, str, str, str]:
    """A line's ``price_ref`` -> (service, region, product, term label)."""
    service, region, rest = [*price_ref.split("/", 2), "", ""][:3]
    if rest.endswith("]") and " [" in rest:
        product, label = rest[:-1].split(" [", 1)
        return service, region, product, label
    return service, region, rest, "OnDemand"


@dataclass(frozen=True)
class AppliedDiscounts:
    """The scenario's discount terms for one region, with the list price of every row the rate
    card names (looked up once, when the scenario is priced)."""

    terms: Discounts
    region: str
    rates: Mapping[RateKey, PrivateRate] = field(default_factory=dict)
    list_prices: Mapping[RateKey, Decimal] = field(default_factory=dict)


def applied(terms: Discounts | None, catalog: PriceCatalog, region: str) -> AppliedDiscounts | None:
    if terms is None:
        return None
    rates: dict[RateKey, PrivateRate] = {}
    for rate in terms.private_rates:
        if rate.region not in ("", region):
            continue
        key = (rate.service, rate.product, rate.term)
        if key not in rates or rate.region:  # a rate for this region wins over "every region"
            rates[key] = rate
    prices = {}
    for key in rates:
        row = catalog.find(key[0], region, key[1], term_from_label(key[2]))
        if row is not None:
            prices[key] = row.usd
    return AppliedDiscounts(terms, region, rates, prices)


def _line(
    resource: str,
    service: str,
    component: str,
    quantity: Decimal,
    unit: str,
    unit_price: Decimal,
    option: str,
    source: str,
    quantity_basis: str,
    quantity_note: str,
    price_ref: str = "",
) -> CostLine:
    return CostLine(
        resource,
        service,
        component,
        quantity,
        unit,
        unit_price_usd=unit_price,
        monthly_usd=quantity * unit_price,
        purchase_option=option,
        price_source=source,
        price_basis="contract",
        quantity_basis=quantity_basis,
        quantity_note=quantity_note,
        price_ref=price_ref,
    )


def private_rate_lines(lines: Sequence[CostLine], ap: AppliedDiscounts) -> list[CostLine]:
    out = []
    for ln in lines:
        if ln.missing or ln.unit_price_usd is None or not ap.rates:
            continue
        service, region, product, label = parse_ref(ln.price_ref)
        key = (service, product, label)
        rate = ap.rates.get(key)
        listed = ap.list_prices.get(key)
        if rate is None or region != ap.region or ln.purchase_option != label:
            continue
        if listed is None or ln.unit_price_usd != listed:
            continue  # not quantity x that row (a derived or assumed price)
        where = f" ({rate.where})" if rate.where else ""
        out.append(
            _line(
                "discounts/private-rate",
                ln.service,
                f"Private rate {product.split('/', 1)[-1]}"
                + ("" if label == "OnDemand" else f" [{label}]")
                + f": ${plain(rate.usd)} (list ${plain(listed)})",
                ln.quantity,
                ln.unit,
                rate.usd - listed,
                "private rate",
                f"private rate card: {rate.source}{where}; list price {ln.price_ref}",
                ln.quantity_basis,
                f"{ln.resource}: {ln.quantity_note}",
                ln.price_ref,
            )
        )
    return out


def enterprise_lines(
    lines: Sequence[CostLine], private: Sequence[CostLine], ap: AppliedDiscounts
) -> list[CostLine]:
    edp = ap.terms.enterprise
    if edp is None:
        return []
    out = []
    order = {code: i for i, code in enumerate(SERVICE_ORDER)}
    for service in sorted(set(edp.services), key=lambda s: order.get(s, len(order))):
        basis = sum_rounded(ln for ln in (*lines, *private) if ln.service == service)
        if basis == 0:
            continue
        out.append(
            _line(
                "discounts/enterprise",
                service,
                f"Enterprise discount {plain(edp.percent)}% of {service_label(service)}",
                basis,
                "USD",
                -edp.percent / HUNDRED,
                "enterprise discount",
                f"enterprise discount: {edp.source}",
                "derived",
                f"{service}'s displayed lines at list, after private rates: ${basis:,.2f}",
            )
        )
    return out


def credit_lines(total_so_far: Decimal, ap: AppliedDiscounts) -> list[CostLine]:
    credits = ap.terms.credits
    if credits is None:
        return []
    amount = min(credits.usd_per_month, max(total_so_far, ZERO))
    capped = amount < credits.usd_per_month
    note = "per month" + (
        f"; capped at the bill after discounts (${total_so_far:,.2f}) of the "
        f"${plain(credits.usd_per_month)} available"
        if capped
        else ""
    )
    return [
        _line(
            "discounts/credits",
            CREDITS,
            f"Credits ${plain(credits.usd_per_month)} a month" + (" (capped)" if capped else ""),
            Decimal(1),
            "month",
            -amount,
            "credits",
            f"credits: {credits.source}",
            "stated",
            note,
        )
    ]


def discount_lines(lines: Sequence[CostLine], ap: AppliedDiscounts) -> tuple[CostLine, ...]:
    """Private rate, enterprise discount and credit lines for the report's (list) lines."""
    private = private_rate_lines(lines, ap)
    enterprise = enterprise_lines(lines, private, ap)
    so_far = sum_rounded(lines) + sum_rounded(private) + sum_rounded(enterprise)
    credits = credit_lines(so_far, ap)
    return (*private, *enterprise, *credits)


def unapplied_rates(lines: Sequence[CostLine], ap: AppliedDiscounts) -> list[str]:
    """Rate card rows no line of this report used (a typo, or a product not in the plan)."""
    used = set()
    for ln in private_rate_lines(lines, ap):
        service, _, product, label = parse_ref(ln.price_ref)
        used.add((service, product, label))
    out = []
    for key, rate in ap.rates.items():
        if key in used:
            continue
        where = f" ({rate.where})" if rate.where else ""
        known = "" if key in ap.list_prices else f"; the snapshot has no such row in {ap.region}"
        out.append(
            f"private rate {key[0]} {key[1]} [{key[2]}]{where} applies to no line of the plan"
            f"{known}"
        )
    return out
