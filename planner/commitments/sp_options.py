"""Savings Plans in the options table: plans priced where the catalog has rates, the
missing ones named, and a commitment sized from the modelled hourly spend profile.

Sizing rule: commit to a percentile (default the 0th, the lowest) of the modelled hourly
on-demand spend of the groups a plan would cover (on-demand, not spot, not reserved:
reservations apply first), over the schedule's 168-hour week at each capacity level (HPA
min, expected, max), converted at the plan rate. At the 0th percentile the commitment is
used in full every modelled hour.
"""

from __future__ import annotations

from decimal import Decimal

from planner.catalog import PriceCatalog
from planner.commitments.model import (
    PAYMENTS,
    TERMS,
    Missing,
    Option,
    Resource,
    SavingsPlanSizing,
    break_even,
    cash_flow,
    risk_level,
    with_purchase,
)
from planner.costing.engine import price_topology
from planner.costing.rates import FILL_COMMAND, PAYMENT_LABEL, TERM_MONTHS, savings_plan_rate
from planner.errors import PriceNotFoundError
from planner.money import ZERO, cents
from planner.topology import CapacityType, NodeGroup, Purchase, SavingsPlan, Topology


def savings_plan_missing(catalog: PriceCatalog, topology: Topology, res: Resource) -> list[Missing]:
    if res.kind != "node_group":
        return []
    out: list[Missing] = []
    for plan, term, payment in _sp_kinds():
        if savings_plan_rate(catalog, topology.region, res.instance_type, plan, term, payment):
            continue
        out.append(
            Missing(
                res.resource,
                f"{res.name}: {plan} Savings Plan {term} {PAYMENT_LABEL[payment]}",
                f"no Savings Plan rate for {res.instance_type} in {topology.region}",
            )
        )
    return out


def _sp_kinds() -> list[tuple[str, str, str]]:
    return [(p, t, y) for p in ("compute", "ec2_instance") for t in TERMS for y in PAYMENTS]


def savings_plan_options(
    catalog: PriceCatalog,
    topology: Topology,
    res: Resource,
    node_counts: dict[str, int] | None,
    od_monthly: Decimal,
    now: Decimal | None = None,
) -> list[Option]:
    """A plan per kind with a rate, committing to the group's nodes at HPA minimum.

    The commitment is ``nodes at min x plan rate`` $/hour (the always-running baseline);
    the option's monthly figure is the group's lines plus the plan's commitment line.
    """
    if res.kind != "node_group" or res.min_instances == 0:
        return []
    out: list[Option] = []
    for plan_type, term, payment in _sp_kinds():
        row = savings_plan_rate(
            catalog, topology.region, res.instance_type, plan_type, term, payment
        )
        if row is None:
            continue
        commitment = row.usd * res.min_instances
        plan = SavingsPlan(
            type=plan_type,
            term=term,
            payment=payment,
            commitment_usd_per_hour=commitment,
            instance_family=res.instance_type.split(".")[0]
            if plan_type == "ec2_instance"
            else None,
        )
        only = with_purchase(topology, res, Purchase()).model_copy(
            update={"savings_plans": (plan,)}
        )
        try:
            report = price_topology(only, catalog, node_counts=node_counts)
        except PriceNotFoundError:
            continue
        names = {res.resource} | {
            ln.resource for ln in report.lines if ln.resource.startswith("savings-plan/")
        }
        monthly = sum(
            (
                cents(ln.monthly_usd)
                for ln in report.lines
                if ln.resource in names and ln.monthly_usd is not None
            ),
            ZERO,
        )
        fee = next((f for f in report.upfront_fees if f.resource.startswith("savings-plan/")), None)
        upfront = ZERO if fee is None else fee.upfront_usd
        amort = ZERO if fee is None or upfront is None else cents(upfront / TERM_MONTHS[term])
        recurring = None if upfront is None else monthly - amort
        months = TERM_MONTHS[term]
        flow: list[Decimal] = []
        renewed: list[Decimal] = []
        if upfront is not None and recurring is not None:
            flow = cash_flow(upfront, recurring, term_months=months, after_monthly=od_monthly)
            renewed = cash_flow(upfront, recurring, term_months=months, renew=True)
        purchase = {
            "type": "savings_plan",
            "plan": plan_type,
            "term": term,
            "payment": payment,
            "commitment_usd_per_hour": float(commitment),
        }
        out.append(
            Option(
                name=f"{res.name}: {plan_type} Savings Plan {term} {PAYMENT_LABEL[payment]} "
                f"{commitment}/h",
                resource=res.resource,
                purchase=purchase,
                upfront_usd=upfront,
                monthly_usd=monthly,
                recurring_monthly_usd=recurring,
                on_demand_monthly_usd=od_monthly,
                break_even_month=break_even(flow, od_monthly if now is None else now)
                if flow
                else None,
                risk=risk_level(Purchase(type="reserved", term=term, payment=payment)),
                monthly_usd_at_min=monthly,
                unused_commitment_monthly_usd_at_min=ZERO,
                cash_flow_usd=flow,
                cash_flow_renewed_usd=renewed,
                current_monthly_usd=now,
                term_months=months,
                source=row.provenance,
            )
        )
    return out


def sp_eligible(topology: Topology) -> list[NodeGroup]:
    """Node groups whose usage a Savings Plan would cover: on-demand (not spot, not reserved:
    reservations apply first)."""
    if topology.eks is None:
        return []
    return [
        g
        for g in topology.eks.node_groups
        if g.capacity_type is not CapacityType.SPOT
        and g.purchase.type in ("on_demand", "savings_plan")
    ]


def size_savings_plan(
    topology: Topology,
    catalog: PriceCatalog,
    hourly_profile: list[Decimal],
    quantile: Decimal = ZERO,
) -> SavingsPlanSizing:
    """A commitment from the modelled hourly on-demand EC2 spend (see ``quantile_rule``)."""
    ordered = sorted(hourly_profile)
    index = int((quantile * (len(ordered) - 1)).to_integral_value())
    od_eq = ordered[index]
    types = sorted({g.instance_type for g in sp_eligible(topology)})
    which = (
        "the lowest hour (0th percentile)"
        if quantile == 0
        else f"the {quantile * 100:.0f}{_ordinal(int(quantile * 100))} percentile"
    )
    rule = (
        f"commit to {which} of the modelled hourly on-demand EC2 "
        f"spend ({len(ordered)} modelled hours: the schedule's week x capacity at HPA min, "
        "expected and max); at the 0th percentile the commitment is used in full every hour"
    )
    rates = [
        savings_plan_rate(catalog, topology.region, t, "compute", "1yr", "no_upfront")
        for t in types
    ]
    if od_eq and all(r is not None for r in rates):
        od_rates = [catalog.find("AmazonEC2", topology.region, f"instance/{t}") for t in types]
        ratio = min(r.usd / o.usd for r, o in zip(rates, od_rates, strict=True) if r and o)
        commitment: Decimal | None = od_eq * ratio
        note = (
            "compute 1yr No Upfront rates from the catalog; the most-discounted type's ratio "
            "(plan rate / on-demand rate): the commitment is used in full whatever the mix"
        )
    else:
        commitment = None
        note = (
            "the commitment at plan rates is this on-demand-equivalent spend x (plan rate / "
            f"on-demand rate); Savings Plan rates are missing: fill them with `{FILL_COMMAND}`"
        )
    return SavingsPlanSizing(rule, od_eq, len(ordered), types, commitment, note)


def ec2_hourly_profile(
    topology: Topology, catalog: PriceCatalog, states: dict[str, dict[str, int]]
) -> list[Decimal]:
    """On-demand EC2 node spend in each modelled hour: 168 hours x each capacity state."""
    from planner.costing.node_groups import off_hours_nodes
    from planner.costing.schedules import week_profile

    if topology.eks is None:
        return []
    week = week_profile(topology.schedule)
    eligible = sp_eligible(topology)
    out: list[Decimal] = []
    for nodes in states.values():
        for on in week:
            spend = ZERO
            for g in topology.eks.node_groups:
                row = catalog.find("AmazonEC2", topology.region, f"instance/{g.instance_type}")
                if row is None or g not in eligible:
                    continue
                n = nodes.get(g.name, g.desired_size)
                running = n if on else off_hours_nodes(g, n, topology)
                spend += row.usd * running
            out.append(spend)
    return out


def _ordinal(n: int) -> str:
    """``st``, ``nd``, ``rd`` or ``th`` for ``n`` (11th-13th are ``th``)."""
    if 10 <= n % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
