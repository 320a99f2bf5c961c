"""Cost lines for a resource's ``purchase:`` block under an optional schedule.

The monthly lines are the *amortised* view: a reserved instance bills its recurring rate
every hour of the term whether used or not, plus its upfront fee spread over the term's
months (its own line). The upfront fee itself is cash on day one and goes to
``ctx.upfront_fees``, never into a monthly total. What the reservation does not cover runs
on-demand (returned as :class:`OnDemandUse` so that Savings Plans can be applied to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from planner.catalog import ON_DEMAND, PriceRow
from planner.costing.context import PricingContext, missing_line
from planner.costing.fees import UpfrontFee
from planner.costing.lines import CostLine, Driver, PriceBasis
from planner.costing.rates import (
    PAYMENT_LABEL,
    Offer,
    missing_rate,
    reserved_offer,
    spot_rate,
    term_hours,
)
from planner.costing.schedules import HOURS_PER_WEEK, Segment, month_hours
from planner.errors import PriceNotFoundError
from planner.money import HOURS_PER_MONTH
from planner.topology import Amount, Basis, Purchase

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class InstanceSpec:
    """What is bought: one resource's instances of one type, month by segment."""

    resource: str
    service: str
    product: str  # on-demand product, e.g. instance/t3.medium
    what: str  # the item named in messages, e.g. "t3.medium"
    component: str  # e.g. "Instance usage (Linux, t3.medium" (closed by the pricer)
    segments: tuple[Segment, ...]
    purchase: Purchase
    quantity_basis: str
    quantity_note: str
    with_class: bool = True  # EC2 has standard/convertible; RDS and ElastiCache do not
    instance_type: str = ""  # EC2 type: spot and Savings Plan look-ups
    spot_discount: Amount | None = None
    force_spot: bool = False  # capacity_type: SPOT
    sized_for: Decimal | None = None  # instances a reservation is sized at (None: the peak)
    label_on_demand: bool = True  # ", on-demand" in the component (EC2 names it; RDS does not)
    driver: Driver = "load"  # what the on-demand and spot lines follow ("nodes" for EC2)


@dataclass(frozen=True)
class OnDemandUse:
    """Instances running on-demand in one segment: what Savings Plans may cover."""

    spec: InstanceSpec
    segment: Segment
    instances: Decimal
    row: PriceRow | None  # None: on-demand price missing (allow_missing)


def line(
    *,
    spec: InstanceSpec,
    component: str,
    quantity: Decimal,
    unit: str,
    unit_price: Decimal,
    monthly: Decimal,
    option: str,
    source: str,
    basis: PriceBasis,
    note: str,
    ref: str = "",
    quantity_basis: str | None = None,
    driver: Driver | None = None,
) -> CostLine:
    return CostLine(
        resource=spec.resource,
        service=spec.service,
        component=component,
        quantity=quantity,
        unit=unit,
        unit_price_usd=unit_price,
        monthly_usd=monthly,
        purchase_option=option,
        price_source=source,
        price_basis=basis,
        quantity_basis=quantity_basis or spec.quantity_basis,
        quantity_note=note,
        price_ref=ref,
        driver=driver or spec.driver,
    )


def peak_instances(spec: InstanceSpec) -> Decimal:
    return max((Decimal(s.instances) for s in spec.segments), default=Decimal(0))


def reserved_count(purchase: Purchase, peak: Decimal | int) -> int:
    """Reserved instances bought: ``count``, else ``coverage_pct`` of the peak, else the peak;
    rounded down: a reservation is a whole instance."""
    if purchase.count is not None:
        return purchase.count
    share = Decimal(peak)
    if purchase.coverage_pct is not None:
        share = share * purchase.coverage_pct / HUNDRED
    return int(share.to_integral_value(ROUND_FLOOR))


def price_instances(
    ctx: PricingContext, spec: InstanceSpec
) -> tuple[list[CostLine], list[OnDemandUse]]:
    """Lines for the reserved or spot part, and the on-demand remainder per segment."""
    od_row = ctx.row(spec.service, spec.product, ON_DEMAND, what=spec.what)
    kind = "spot" if spec.force_spot else spec.purchase.type
    if kind == "reserved":
        return _reserved(ctx, spec, od_row)
    if kind == "spot":
        return _spot(ctx, spec, od_row)
    return [], [OnDemandUse(spec, s, Decimal(s.instances), od_row) for s in spec.segments]


def sized_count(spec: InstanceSpec) -> int:
    """Reserved instances of a spec: sized at ``sized_for`` where given, else at its peak."""
    peak = spec.sized_for if spec.sized_for is not None else peak_instances(spec)
    return reserved_count(spec.purchase, peak)


def on_demand_lines(
    ctx: PricingContext, uses: list[OnDemandUse], option: str = ""
) -> list[CostLine]:
    """One on-demand line per use (segment); a missing price is a flagged line."""
    lines: list[CostLine] = []
    for use in uses:
        spec, seg, row = use.spec, use.segment, use.row
        segment = _SegmentLine(
            spec, seg, use.instances, "on-demand", option or "OnDemand", ctx.hours_per_month
        )
        if row is None:
            why = ctx.catalog.explain_missing(
                spec.service, ctx.region, spec.product, ON_DEMAND, spec.what
            )
            lines.append(segment.missing(spec.quantity_basis, why))
            continue
        basis: PriceBasis = "derived" if row.price_kind == "derived" else "list"
        lines.append(segment.priced(row.usd, row.provenance, basis, row.ref))
    return lines


@dataclass(frozen=True)
class _SegmentLine:
    """The line of ``instances`` of a schedule segment bought as ``kind`` (on-demand, spot)."""

    spec: InstanceSpec
    seg: Segment
    instances: Decimal
    kind: str
    option: str
    hours: Decimal = HOURS_PER_MONTH  # the month's hours (730 by convention; 744 in a long one)

    @property
    def component(self) -> str:
        parts = [self.kind] if self.kind != "on-demand" or self.spec.label_on_demand else []
        if self.seg.label != "always":
            parts.append(self.seg.label)
        return self.spec.component + "".join(f", {p}" for p in parts) + ")"

    def priced(self, price: Decimal, source: str, basis: PriceBasis, ref: str) -> CostLine:
        return line(
            spec=self.spec,
            component=self.component,
            quantity=self.seg.hours_in(self.hours) * Decimal(self.instances),
            unit="Hrs",
            unit_price=price,
            monthly=_monthly(self.seg, self.instances, price, self.hours),
            option=self.option,
            source=source,
            basis=basis,
            note=_segment_note(self.spec, self.seg, self.instances),
            ref=ref,
        )

    def missing(self, quantity_basis: str, reason: str) -> CostLine:
        spec = self.spec
        return missing_line(
            spec.resource,
            spec.service,
            self.component,
            self.seg.hours_in(self.hours) * Decimal(self.instances),
            "Hrs",
            self.option,
            quantity_basis,
            _segment_note(spec, self.seg, self.instances),
            reason,
            driver=spec.driver,
        )


def _monthly(
    seg: Segment, instances: Decimal | int, price: Decimal, hours: Decimal = HOURS_PER_MONTH
) -> Decimal:
    """week_hours x instances x 730 / 168 x price, with a single division (or the segment's
    calendar hours x instances x price)."""
    if seg.calendar_hours is not None:
        return seg.calendar_hours * Decimal(instances) * price
    return Decimal(seg.week_hours) * Decimal(instances) * hours * price / HOURS_PER_WEEK


def _segment_note(spec: InstanceSpec, seg: Segment, instances: Decimal) -> str:
    if seg.label == "always":
        return spec.quantity_note
    return (
        f"{instances} x {month_hours(seg.week_hours).quantize(Decimal('0.01'))} h "
        f"({seg.label}: {seg.week_hours} of {HOURS_PER_WEEK} h a week); {spec.quantity_note}"
    )


def _missing(ctx: PricingContext, spec: InstanceSpec, what: str, hint: str = "") -> str:
    reason = missing_rate(what, ctx.region) + hint
    if not ctx.allow_missing:
        raise PriceNotFoundError(f"{spec.resource}: {reason}")
    ctx.warnings.append(f"{spec.resource}: {reason}: line kept out of the total")
    return reason


def _reserved(
    ctx: PricingContext, spec: InstanceSpec, od_row: PriceRow | None
) -> tuple[list[CostLine], list[OnDemandUse]]:
    purchase = spec.purchase
    count = sized_count(spec)
    offer = reserved_offer(
        ctx.catalog, spec.service, ctx.region, spec.product, purchase, with_class=spec.with_class
    )
    uses = [
        OnDemandUse(spec, s, Decimal(s.instances) - count, od_row)
        for s in spec.segments
        if s.instances > count
    ]
    label_class = purchase.offering_class if spec.with_class else ""
    option = " ".join(
        p for p in ("Reserved", purchase.term, label_class, PAYMENT_LABEL[purchase.payment]) if p
    )
    short = " ".join(
        p
        for p in (
            "Reserved",
            spec.what.split(" ")[0],
            purchase.term,
            {"standard": "std", "convertible": "conv"}.get(label_class, ""),
            PAYMENT_LABEL[purchase.payment].split(" ")[0].lower(),
        )
        if p
    )
    hours = ctx.hours_per_month * count
    note = (
        f"{count} reserved instance(s) x {ctx.hours_per_month} h: a reservation bills every "
        f"hour of its term, used or not"
    )
    if count == 0:
        return [], uses
    if offer is None:
        reason = _missing(ctx, spec, f"{option} {spec.what}")
        comp = f"{short} upfront: recurring"
        return [
            missing_line(
                spec.resource,
                spec.service,
                comp,
                hours,
                "Hrs",
                option,
                "stated",
                note,
                reason,
                driver="commitment",
            )
        ], uses
    lines = _offer_lines(spec, offer, count, option, short, note, ctx.hours_per_month)
    ctx.upfront_fees.append(
        UpfrontFee(
            resource=spec.resource,
            component=f"{spec.what} {option}",
            instances=count,
            upfront_per_instance_usd=offer.upfront_usd,
            term=offer.term,
            payment=offer.payment,
            source=offer.source,
            note=""
            if offer.upfront_known
            else "upfront unknown: the source gives only the effective hourly rate",
            start=purchase.start,
        )
    )
    return lines, uses


def _offer_lines(
    spec: InstanceSpec,
    offer: Offer,
    count: int,
    option: str,
    short: str,
    note: str,
    month: Decimal = HOURS_PER_MONTH,
) -> list[CostLine]:
    hours = month * count
    basis: PriceBasis = "assumption" if offer.basis == "user rate card" else "list"

    def hourly(what: str, rate: Decimal, line_note: str) -> CostLine:
        return line(
            spec=spec,
            component=f"{short} upfront: {what}",
            quantity=hours,
            unit="Hrs",
            unit_price=rate,
            monthly=hours * rate,
            option=option,
            source=offer.source,
            basis=basis,
            note=line_note,
            ref=offer.ref,
            quantity_basis="stated",
            driver="commitment",
        )

    if offer.recurring_hourly_usd is None:
        # Only the effective rate is known: one line, upfront amortised in it, split unknown.
        return [
            hourly(
                "effective rate",
                offer.effective_hourly_usd,
                note + "; effective rate = upfront amortised + recurring, split unknown",
            )
        ]
    lines = [hourly("recurring", offer.recurring_hourly_usd, note)]
    if offer.upfront_usd:
        # the fee amortised by the hour over the term (a 730-hour month: fee / term months)
        per_month = offer.upfront_usd * month / term_hours(offer.term)
        lines.append(
            line(
                spec=spec,
                component=f"{short} upfront: upfront / {offer.term_months} months",
                quantity=Decimal(count),
                unit="RIs",
                unit_price=per_month,
                monthly=Decimal(count) * offer.upfront_usd * month / term_hours(offer.term),
                option=option,
                source=f"upfront {offer.upfront_usd} per instance / {offer.term_months} months "
                f"(amortised view; the fee is paid up front): {offer.source}",
                basis=basis if offer.basis != "effective hourly" else "derived",
                note=f"{count} reserved instance(s)",
                ref=offer.ref,
                quantity_basis="stated",
                driver="commitment",
            )
        )
    return lines


def spot_count(purchase: Purchase, instances: Decimal | int, force: bool) -> Decimal:
    """Instances on spot in a segment: all (capacity_type SPOT or no size), ``count`` of
    them, or ``coverage_pct`` of them (an average share of the group)."""
    if force or (purchase.count is None and purchase.coverage_pct is None):
        return Decimal(instances)
    if purchase.count is not None:
        return min(Decimal(purchase.count), Decimal(instances))
    assert purchase.coverage_pct is not None
    return Decimal(instances) * purchase.coverage_pct / HUNDRED


def _spot(
    ctx: PricingContext, spec: InstanceSpec, od_row: PriceRow | None
) -> tuple[list[CostLine], list[OnDemandUse]]:
    lines: list[CostLine] = []
    uses: list[OnDemandUse] = []
    price, source, basis = _spot_price(ctx, spec, od_row)
    for seg in spec.segments:
        spot = spot_count(spec.purchase, seg.instances, spec.force_spot)
        rest = Decimal(seg.instances) - spot
        if rest:
            uses.append(OnDemandUse(spec, seg, rest, od_row))
        if not spot:
            continue
        segment = _SegmentLine(spec, seg, spot, "spot", "Spot", ctx.hours_per_month)
        if price is None:
            lines.append(segment.missing("stated", source))
            continue
        lines.append(segment.priced(price, source, basis, od_row.ref if od_row is not None else ""))
    return lines, uses


def _spot_price(
    ctx: PricingContext, spec: InstanceSpec, od_row: PriceRow | None
) -> tuple[Decimal | None, str, PriceBasis]:
    """The catalog's spot median where it has one (as ``costing/services/ec2.py`` prices a
    SPOT group), else the node group's stated or assumed ``spot_discount_pct`` off on-demand,
    else missing."""
    row = spot_rate(ctx.catalog, ctx.region, spec.instance_type) if spec.instance_type else None
    if row is not None:
        return row.usd, f"spot median (market price, varies) {row.provenance}", "derived"
    discount = spec.spot_discount
    if discount is not None and od_row is not None:
        price = od_row.usd * (HUNDRED - discount.value) / HUNDRED
        why = discount.note or discount.source or discount.basis.value
        source = (
            f"{discount.basis.value}: {discount.value}% off on-demand ({why}); on-demand "
            f"{od_row.usd}/h from {od_row.provenance}"
        )
        return price, source, "assumption" if discount.basis is Basis.ASSUMPTION else "derived"
    if od_row is None:
        # ctx.row already named it (or raised); say what is missing the way every line does
        why = ctx.catalog.explain_missing(
            spec.service, ctx.region, spec.product, ON_DEMAND, spec.what
        )
        return None, why, "missing"
    hint = " (or spot_discount_pct on the node group, as a labelled assumption)"
    return None, _missing(ctx, spec, f"spot {spec.what}", hint), "missing"
