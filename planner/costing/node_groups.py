"""EKS node groups with purchase blocks, an off-hours schedule and Savings Plans.

Used by ``planner.costing.services.ec2`` when a scenario has any of these; a scenario with
none is priced by the plain on-demand path (so existing scenarios price unchanged).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from planner.costing.context import PricingContext, missing_line
from planner.costing.fees import UpfrontFee
from planner.costing.lines import CostLine
from planner.costing.purchase import (
    InstanceSpec,
    OnDemandUse,
    on_demand_lines,
    price_instances,
)
from planner.costing.rates import PAYMENT_LABEL, missing_rate, savings_plan_rate, term_hours
from planner.costing.savings_plans import Plan, Use, apply_hour
from planner.costing.schedules import HOURS_PER_WEEK, segments
from planner.errors import PriceNotFoundError
from planner.money import HOURS_PER_MONTH, ZERO
from planner.topology import Basis, CapacityType, NodeGroup, SavingsPlan, Topology


def needs_commitments(topology: Topology) -> bool:
    """Whether any node group needs this module (purchase block, schedule, Savings Plans)."""
    if topology.eks is None:
        return False
    if topology.savings_plans:
        return True
    if topology.schedule is not None and not topology.schedule.always_on:
        return True
    return any(g.purchase.type != "on_demand" for g in topology.eks.node_groups)


def off_hours_nodes(group: NodeGroup, nodes: int, topology: Topology) -> int:
    schedule = topology.schedule
    if schedule is None or schedule.always_on:
        return nodes
    return 0 if schedule.node_groups_off == "zero" else min(group.min_size, nodes)


def group_spec(
    group: NodeGroup, nodes: int, basis: str, how: str, topology: Topology
) -> InstanceSpec:
    off = off_hours_nodes(group, nodes, topology)
    itype = group.instance_type
    return InstanceSpec(
        resource=f"eks-node-group/{group.name}",
        service="AmazonEC2",
        product=f"instance/{itype}",
        what=itype,
        component=f"Instance usage (Linux, {itype}",
        segments=tuple(segments(topology.schedule, nodes, off)),
        purchase=group.purchase,
        quantity_basis=basis,
        quantity_note=f"{nodes} nodes ({how}) x {HOURS_PER_MONTH} h"
        + (f"; off-hours {off} nodes" if off != nodes else ""),
        with_class=True,
        instance_type=itype,
        spot_discount=group.spot_discount_pct,
        force_spot=group.capacity_type is CapacityType.SPOT and group.purchase.type == "on_demand",
    )


def price_node_groups(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    from planner.costing.services.ec2 import node_count

    assert topology.eks is not None
    per_group: list[tuple[list[CostLine], list[OnDemandUse], CostLine]] = []
    all_uses: list[OnDemandUse] = []
    for group in topology.eks.node_groups:
        nodes, basis, how = node_count(group, ctx)
        spec = group_spec(group, nodes, basis, how, topology)
        lines, uses = price_instances(ctx, spec)
        all_uses.extend(uses)
        per_group.append((lines, uses, _disk_line(group, spec, ctx)))
    od_by_use: dict[int, list[CostLine]]
    sp_lines: list[CostLine] = []
    if topology.savings_plans:
        sp_lines, covered = apply_savings_plans(topology, ctx, all_uses)
        od_by_use = {id(u): on_demand_lines(ctx, [covered.get(id(u), u)]) for u in all_uses}
    else:
        od_by_use = {id(u): on_demand_lines(ctx, [u]) for u in all_uses}
    out: list[CostLine] = []
    for lines, uses, disk in per_group:
        out.extend(lines)
        for use in uses:
            out.extend(od_by_use[id(use)])
        out.append(disk)
    return out + sp_lines


def _disk_line(group: NodeGroup, spec: InstanceSpec, ctx: PricingContext) -> CostLine:
    """Root volumes live as long as their nodes (managed node groups delete them)."""
    node_months = sum(
        (Decimal(s.week_hours * s.instances) / HOURS_PER_WEEK for s in spec.segments), ZERO
    )
    disk = group.disk_gb
    basis = Basis.ASSUMPTION if disk.basis is Basis.ASSUMPTION else spec.quantity_basis
    return ctx.line(
        resource=spec.resource,
        service="AmazonEC2",
        component=f"EBS root volume ({group.disk_type})",
        quantity=disk.value * node_months,
        unit="GB-Mo",
        product=f"ebs/{group.disk_type}",
        quantity_basis=basis,
        quantity_note=f"{node_months.normalize():f} node-months x {disk.value} GB"
        + (f" ({disk.note})" if disk.note else ""),
        what=f"EBS {group.disk_type}",
    )


def plan_name(index: int, plan: SavingsPlan) -> str:
    return f"savings-plan/{index + 1}-{plan.type}-{plan.term}"


def plan_rates(
    ctx: PricingContext, plan: SavingsPlan, types: set[str]
) -> tuple[dict[str, Decimal], list[str], str]:
    """Plan rates for the instance types it may cover; the types without one; the source."""
    rates: dict[str, Decimal] = {}
    missing: list[str] = []
    sources: list[str] = []
    for itype in sorted(types):
        if plan.type == "ec2_instance" and itype.split(".")[0] != plan.instance_family:
            continue
        if itype in plan.rate_card:
            rates[itype] = plan.rate_card[itype]
            sources.append(
                f"{itype} {plan.rate_card[itype]}/h (user rate card: {plan.rate_card_source})"
            )
            continue
        row = savings_plan_rate(ctx.catalog, ctx.region, itype, plan.type, plan.term, plan.payment)
        if row is None:
            missing.append(itype)
        else:
            rates[itype] = row.usd
            sources.append(f"{itype} {row.provenance}")
    return rates, missing, "; ".join(sources)


def apply_savings_plans(
    topology: Topology, ctx: PricingContext, uses: list[OnDemandUse]
) -> tuple[list[CostLine], dict[int, OnDemandUse]]:
    """Apply the scenario's plans hour by hour to the on-demand node usage.

    Returns the commitment lines and, per use, the use with its instances reduced to what
    the plans leave uncovered. A plan with a missing rate is not applied (named, flagged).
    """
    types = {u.spec.instance_type for u in uses if u.row is not None and u.instances > 0}
    plans: list[Plan] = []
    lines: list[CostLine] = []
    meta: list[tuple[Plan, SavingsPlan, str]] = []
    for i, sp in enumerate(topology.savings_plans):
        name = plan_name(i, sp)
        rates, missing, source = plan_rates(ctx, sp, types)
        label = f"Savings Plan ({sp.type}, {sp.term}, {PAYMENT_LABEL[sp.payment]})"
        qty = HOURS_PER_MONTH
        if missing:
            what = f"{sp.type} Savings Plan {sp.term} {PAYMENT_LABEL[sp.payment]} for " + ", ".join(
                missing
            )
            reason = missing_rate(what, ctx.region)
            if not ctx.allow_missing:
                raise PriceNotFoundError(f"{name}: {reason}")
            ctx.warnings.append(f"{name}: {reason}: plan not applied, kept out of the total")
            lines.append(
                missing_line(
                    name,
                    "AmazonEC2",
                    f"{label} commitment",
                    qty,
                    "Hrs",
                    label,
                    "stated",
                    f"{sp.commitment_usd_per_hour} $/h committed; not applied: rate missing",
                    reason,
                )
            )
            continue
        plan = Plan(name, sp.type, sp.commitment_usd_per_hour, rates, sp.instance_family)
        plans.append(plan)
        meta.append((plan, sp, source))
        _record_fee(ctx, name, sp)
    if not plans:
        return lines, {}
    by_label: dict[str, list[OnDemandUse]] = defaultdict(list)
    for use in uses:
        by_label[use.segment.label].append(use)
    reduced: dict[int, OnDemandUse] = {}
    unused_week = {p.name: ZERO for p in plans}
    covered_week = {p.name: ZERO for p in plans}
    for _label, group in by_label.items():
        week_hours = group[0].segment.week_hours
        hour = [
            Use(str(id(u)), u.spec.instance_type, u.instances, u.row.usd)
            for u in group
            if u.row is not None
        ]
        result = apply_hour(plans, hour)
        for u in group:
            if u.row is None:
                continue
            left = result.uncovered[str(id(u))]
            reduced[id(u)] = OnDemandUse(u.spec, u.segment, left, u.row)
        for p in plans:
            unused_week[p.name] += (p.commitment - result.used.get(p.name, ZERO)) * week_hours
            covered_week[p.name] += (
                sum((v for (pn, _k), v in result.covered.items() if pn == p.name), ZERO)
                * week_hours
            )
    for plan, sp, source in meta:
        unused = unused_week[plan.name] * HOURS_PER_MONTH / HOURS_PER_WEEK
        covered = covered_week[plan.name] * HOURS_PER_MONTH / HOURS_PER_WEEK
        label = f"Savings Plan ({sp.type}, {sp.term}, {PAYMENT_LABEL[sp.payment]})"
        rate_card = bool(sp.rate_card)
        lines.append(
            CostLine(
                resource=plan.name,
                service="AmazonEC2",
                component=f"{label} commitment",
                quantity=HOURS_PER_MONTH,
                unit="Hrs",
                unit_price_usd=sp.commitment_usd_per_hour,
                monthly_usd=HOURS_PER_MONTH * sp.commitment_usd_per_hour,
                purchase_option=label,
                price_source=f"commitment {sp.commitment_usd_per_hour} $/h, billed every hour; "
                f"rates: {source}",
                price_basis="assumption" if rate_card else "list",
                quantity_basis="stated",
                quantity_note=f"covers {covered.quantize(Decimal('0.01'))} instance-hours a month; "
                f"unused commitment lost: ${unused.quantize(Decimal('0.01'))} a month",
            )
        )
    return lines, reduced


def _record_fee(ctx: PricingContext, name: str, sp: SavingsPlan) -> None:
    if sp.payment == "no_upfront":
        return
    total = sp.commitment_usd_per_hour * term_hours(sp.term)
    per: Decimal | None = total if sp.payment == "all_upfront" else None
    ctx.upfront_fees.append(
        UpfrontFee(
            resource=name,
            component=f"{sp.type} Savings Plan {sp.term} {PAYMENT_LABEL[sp.payment]}",
            instances=1,
            upfront_per_instance_usd=per,
            term=sp.term,
            payment=sp.payment,
            source=f"{sp.commitment_usd_per_hour} $/h x {term_hours(sp.term)} h",
            note=""
            if per is not None
            else "Partial Upfront: the part paid up front is chosen at purchase; not modelled",
            start=sp.start,
        )
    )
