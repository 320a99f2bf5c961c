"""Purchase options per resource, side by side: amortised monthly, upfront cash, cash flow,
break-even against on-demand, savings and utilisation risk.

Every figure comes from pricing the scenario with the option written into it (the Decimal
cost engine), so an option costs exactly what ``planner price`` would say for it.

Risk levels (the rule): ``none`` on-demand; ``low`` 1-year No Upfront; ``medium`` 1-year
Partial/All Upfront, 3-year No Upfront and spot (interruptions); ``high`` 3-year Partial/All
Upfront. Options are listed cheapest first within each risk level, levels from none to high.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from planner.catalog import PriceCatalog
from planner.commitments.model import (
    CLASSES,
    PAYMENTS,
    RISK_ORDER,
    TERMS,
    Commitments,
    Missing,
    Option,
    Resource,
    amortised_upfront_monthly,
    break_even,
    cash_flow,
    resource_monthly,
    resources,
    risk_level,
    with_purchase,
)
from planner.commitments.sp_options import (
    savings_plan_missing,
    savings_plan_options,
    size_savings_plan,
)
from planner.costing.engine import CostReport, price_topology
from planner.costing.rates import (
    PAYMENT_LABEL,
    TERM_MONTHS,
    reserved_offer,
)
from planner.errors import PriceNotFoundError
from planner.money import ZERO
from planner.topology import CapacityType, Purchase, Topology


def _purchase_dict(p: Purchase) -> dict[str, Any]:
    data: dict[str, Any] = {"type": p.type}
    if p.type in ("reserved", "savings_plan"):
        data.update(term=p.term, payment=p.payment)
    if p.type == "reserved":
        data["offering_class"] = p.offering_class
    if p.count is not None:
        data["count"] = p.count
    if p.coverage_pct is not None:
        data["coverage_pct"] = (
            int(p.coverage_pct)
            if p.coverage_pct == p.coverage_pct.to_integral_value()
            else float(p.coverage_pct)
        )
    return data


def candidate_purchases(res: Resource) -> list[Purchase]:
    out = [Purchase(type="on_demand")]
    if res.kind == "node_group":
        out.append(Purchase(type="spot"))
    classes = CLASSES if res.kind == "node_group" else ("standard",)
    count = res.min_instances
    for term in TERMS:
        for payment in PAYMENTS:
            for cls in classes:
                out.append(
                    Purchase(
                        type="reserved",
                        term=term,
                        payment=payment,
                        offering_class=cls,
                        count=count,
                    )
                )
    return out


def current_purchase(topology: Topology, res: Resource) -> Purchase:
    if res.kind == "node_group" and topology.eks is not None:
        group = next(g for g in topology.eks.node_groups if g.name == res.name)
        if group.capacity_type is CapacityType.SPOT:
            return Purchase(type="spot")
        return group.purchase
    if res.kind == "rds":
        return next(d for d in topology.rds if d.name == res.name).purchase
    return next(c for c in topology.elasticache if c.name == res.name).purchase


def same_kind(a: Purchase, b: Purchase, with_class: bool) -> bool:
    """Whether option ``a`` is what the scenario buys (``b``): the same purchase, and for a
    reservation the same term, payment, class and size."""
    if a.type != b.type:
        return False
    if a.type != "reserved":
        return True
    return (
        (a.term, a.payment) == (b.term, b.payment)
        and (not with_class or a.offering_class == b.offering_class)
        and (
            (b.count is None and b.coverage_pct is None)
            or (a.count, a.coverage_pct) == (b.count, b.coverage_pct)
        )
    )


def option_name(res: Resource, p: Purchase) -> str:
    if p.type == "on_demand":
        what = "on-demand"
    elif p.type == "spot":
        what = "spot (all nodes)"
    else:
        cls = f" {p.offering_class}" if res.kind == "node_group" else ""
        if p.count is not None:
            size = f"x {p.count}"
        elif p.coverage_pct is not None:  # today's purchase, sized as a share
            size = f"for {p.coverage_pct.normalize():f}% of the instances"
        else:
            size = "for all instances"
        what = f"reserved {p.term}{cls} {PAYMENT_LABEL[p.payment]} {size}"
    return f"{res.name}: {what}"


def build_commitments(
    topology: Topology,
    catalog: PriceCatalog,
    *,
    node_counts: dict[str, int] | None = None,
    min_node_counts: dict[str, int] | None = None,
    hourly_profile: list[Decimal] | None = None,
    sp_quantile: Decimal = ZERO,
) -> Commitments:
    """Every resource's purchase options, priced, with the rates that are missing."""
    min_nodes = min_node_counts or {}
    options: list[Option] = []
    missing: list[Missing] = []
    as_is = price_topology(topology, catalog, node_counts=node_counts, allow_missing=True)
    for res in resources(topology, min_nodes):
        od_topology = with_purchase(topology, res, Purchase(type="on_demand"))
        od_report = price_topology(
            od_topology, catalog, node_counts=node_counts, allow_missing=True
        )
        od_monthly = resource_monthly(od_report, res.resource)
        now = resource_monthly(as_is, res.resource)  # what the scenario buys today
        today = current_purchase(topology, res)
        sized = _as_bought(today, as_is, res.resource)
        candidates = candidate_purchases(res)
        with_class = res.kind == "node_group"
        if not any(same_kind(p, sized, with_class) for p in candidates):
            candidates.append(today)  # e.g. 3 reservations where the options reserve the minimum
        for purchase in candidates:
            problem = _missing_rate(catalog, topology, res, purchase)
            if problem:
                missing.append(Missing(res.resource, option_name(res, purchase), problem))
                continue
            variant = with_purchase(topology, res, purchase)
            try:
                report = price_topology(variant, catalog, node_counts=node_counts)
                at_min = price_topology(variant, catalog, node_counts=min_nodes or node_counts)
            except PriceNotFoundError as exc:
                missing.append(Missing(res.resource, option_name(res, purchase), str(exc)))
                continue
            monthly = resource_monthly(report, res.resource)
            fees = [f for f in report.upfront_fees if f.resource == res.resource]
            upfront: Decimal | None = ZERO
            for fee in fees:
                upfront = (
                    None
                    if fee.upfront_usd is None or upfront is None
                    else upfront + fee.upfront_usd
                )
            amort = amortised_upfront_monthly(report, res.resource)
            recurring = None if amort is None else monthly - amort
            term = TERM_MONTHS[purchase.term] if purchase.type == "reserved" else None
            flow: list[Decimal] = []
            renewed: list[Decimal] = []
            if upfront is not None and recurring is not None:
                flow = cash_flow(upfront, recurring, term_months=term, after_monthly=od_monthly)
                renewed = cash_flow(upfront, recurring, term_months=term, renew=True)
            # break-even: the month the option's cumulative cash falls to what the scenario pays
            # today (none for today's purchase itself, or one never cheaper)
            current = purchase is today or same_kind(purchase, sized, with_class)
            if current:
                be = None
            elif purchase.type == "reserved":
                be = break_even(flow, now) if flow else None
            else:
                be = 1 if monthly < now else None
            min_monthly = resource_monthly(at_min, res.resource)
            unused = unused_at_min(
                catalog, topology, res, sized if purchase is today else purchase, min_nodes
            )
            options.append(
                Option(
                    name=option_name(res, purchase),
                    resource=res.resource,
                    purchase=_purchase_dict(purchase),
                    upfront_usd=upfront,
                    monthly_usd=monthly,
                    recurring_monthly_usd=recurring,
                    on_demand_monthly_usd=od_monthly,
                    break_even_month=be,
                    risk=risk_level(purchase),
                    monthly_usd_at_min=min_monthly,
                    unused_commitment_monthly_usd_at_min=unused,
                    cash_flow_usd=flow,
                    cash_flow_renewed_usd=renewed,
                    current_monthly_usd=now,
                    term_months=term,
                    effective_hourly_usd=_effective(catalog, topology, res, purchase),
                    current=current,
                    source="; ".join(
                        sorted(
                            {
                                ln.price_source
                                for ln in report.lines
                                if ln.resource == res.resource
                                and ln.purchase_option.startswith(("Reserved", "Spot"))
                            }
                        )
                    )[:400],
                )
            )
        missing.extend(savings_plan_missing(catalog, topology, res))
        options.extend(savings_plan_options(catalog, topology, res, node_counts, od_monthly, now))
    options.sort(key=lambda o: (RISK_ORDER[o.risk], o.monthly_usd, o.name))
    sizing = (
        size_savings_plan(topology, catalog, hourly_profile, sp_quantile)
        if hourly_profile
        else None
    )
    return Commitments(topology.name, topology.region, options, missing, sizing)


def _as_bought(today: Purchase, as_is: CostReport, resource: str) -> Purchase:
    """Today's reservation with its size as the engine bought it: a reservation without a
    ``count`` (all the instances, or ``coverage_pct`` of them) is sized when priced, and the
    options are compared with that count. Unchanged when it has a count, or was not priced
    (its rate is missing)."""
    if today.type != "reserved" or today.count is not None:
        return today
    bought = [f.instances for f in as_is.upfront_fees if f.resource == resource]
    if not bought:
        return today
    return today.model_copy(update={"count": sum(bought), "coverage_pct": None})


def unused_at_min(
    catalog: PriceCatalog,
    topology: Topology,
    res: Resource,
    purchase: Purchase,
    min_nodes: dict[str, int],
) -> Decimal:
    """Reserved instance-hours not used when usage falls to the HPA minimum (and, under a
    schedule, in the off-hours), at the effective rate: the commitment paid for nothing."""
    from planner.costing.node_groups import off_hours_nodes
    from planner.costing.schedules import rds_segments, segments

    if purchase.type != "reserved" or purchase.count is None:
        return ZERO
    offer = reserved_offer(
        catalog,
        res.service,
        topology.region,
        res.product,
        purchase,
        with_class=res.kind == "node_group",
    )
    if offer is None:
        return ZERO
    if res.kind == "node_group" and topology.eks is not None:
        group = next(g for g in topology.eks.node_groups if g.name == res.name)
        n = min_nodes.get(res.name, group.min_size)
        segs = segments(topology.schedule, n, off_hours_nodes(group, n, topology))
    elif res.kind == "rds":
        segs = rds_segments(topology.schedule)
    else:
        segs = segments(None, res.min_instances, res.min_instances)
    idle_hours = sum((max(0, purchase.count - s.instances) * s.hours for s in segs), ZERO)
    return idle_hours * offer.effective_hourly_usd


def _effective(
    catalog: PriceCatalog, topology: Topology, res: Resource, p: Purchase
) -> Decimal | None:
    if p.type != "reserved":
        return None
    offer = reserved_offer(
        catalog, res.service, topology.region, res.product, p, with_class=res.kind == "node_group"
    )
    return None if offer is None else offer.effective_hourly_usd


def _missing_rate(catalog: PriceCatalog, topology: Topology, res: Resource, p: Purchase) -> str:
    if p.type != "reserved":
        return ""
    offer = reserved_offer(
        catalog, res.service, topology.region, res.product, p, with_class=res.kind == "node_group"
    )
    if offer is None:
        return (
            f"no {res.service} {res.product} Reserved {p.term} {PAYMENT_LABEL[p.payment]} "
            f"rate in {topology.region}"
        )
    return ""
