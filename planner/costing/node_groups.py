"""EKS node groups: the one pricer of node-hours, whatever the purchase.

Every node group's month is split into segments (``costing.schedules``): always on, or on-
and off-hours under a schedule. In each segment its instances are bought as the purchase
block says (``costing.purchase``): on-demand, spot (capacity type SPOT, or a spot purchase),
reserved (a fixed count, billed every hour whether used or not), and the on-demand remainder
is what the scenario's Savings Plans may cover, hour by hour (``costing.savings_plans``).
Every line of a node group carries its ``node_group``; the Savings Plan commitment lines are
the scenario's.

Node counts come from the context (a capacity state, or ``desired_size``); the reserved count
is sized once, at the node counts the scenario is priced at (``ctx.purchase_node_counts``,
else the state's own), so at HPA max the extra nodes run on-demand or spot, and at HPA min or
in the off-hours idle reservations are still billed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
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
from planner.costing.schedules import on_calendar, segments
from planner.errors import PriceNotFoundError
from planner.money import HOURS_PER_MONTH, ZERO
from planner.topology import Basis, CapacityType, NodeGroup, SavingsPlan, Topology


def node_count(group: NodeGroup, ctx: PricingContext) -> tuple[Decimal, str, str]:
    """Nodes to price, with basis and note: the capacity result if given, else desired_size."""
    if ctx.node_counts is not None and group.name in ctx.node_counts:
        nodes, basis, note = ctx.node_counts[group.name], ctx.node_count_basis, ctx.node_count_note
    else:
        nodes, basis, note = group.desired_size, "stated", "desired_size"
    if ctx.growth != 1:
        grown = Decimal(nodes) * ctx.growth
        how = f"{note} grown x {ctx.growth.normalize():f}"
        if grown > group.max_size:  # the node group cannot scale past its maximum
            warning = (
                f"node group {group.name} would grow to {grown.quantize(Decimal('0.1'))} nodes: "
                f"priced at its max_size {group.max_size} (pods beyond it would not run)"
            )
            if warning not in ctx.warnings:
                ctx.warnings.append(warning)
            return Decimal(group.max_size), basis, f"{how}, capped at max_size"
        if grown < group.min_size <= nodes:  # nor shrink below its minimum
            return Decimal(group.min_size), basis, f"{how}, held at min_size"
        return grown, basis, how
    return Decimal(nodes), basis, note


def purchase_nodes(group: NodeGroup, ctx: PricingContext) -> Decimal | None:
    """The node count a reservation of ``coverage_pct`` (or of the whole group) was sized at:
    the count the scenario is priced at, fixed across capacity states. None: this state's."""
    if ctx.purchase_node_counts is not None and group.name in ctx.purchase_node_counts:
        return Decimal(ctx.purchase_node_counts[group.name])
    if ctx.growth != 1:  # bought before the growth: at the counts as written
        return node_count(group, replace(ctx, growth=Decimal(1)))[0]
    return None


def off_hours_nodes(group: NodeGroup, nodes: Decimal | int, topology: Topology) -> Decimal:
    """Nodes running in the off-hours: all of them without a schedule; none, or at most
    ``min_size`` (never more than run in the on-hours), under one."""
    schedule = topology.schedule
    if schedule is None or schedule.always_on:
        return Decimal(nodes)
    if schedule.node_groups_off == "zero":
        return ZERO
    return min(Decimal(group.min_size), Decimal(nodes))


def _count_text(nodes: Decimal) -> str:
    return f"{nodes.normalize():f}"


def group_spec(
    group: NodeGroup,
    nodes: Decimal,
    basis: str,
    how: str,
    topology: Topology,
    sized_for: Decimal | None = None,
    hours: Decimal = HOURS_PER_MONTH,
    period: tuple[dt.date, dt.date] | None = None,
) -> InstanceSpec:
    off = off_hours_nodes(group, nodes, topology)
    itype = group.instance_type
    return InstanceSpec(
        resource=f"eks-node-group/{group.name}",
        service="AmazonEC2",
        product=f"instance/{itype}",
        what=itype,
        component=f"Instance usage (Linux, {itype}",
        segments=tuple(
            on_calendar(segments(topology.schedule, nodes, off), topology.schedule, period)
        ),
        purchase=group.purchase,
        quantity_basis=basis,
        quantity_note=f"{_count_text(nodes)} nodes ({how}) x {hours} h"
        + (f"; off-hours {_count_text(off)} nodes" if off != nodes else ""),
        with_class=True,
        instance_type=itype,
        spot_discount=group.spot_discount_pct,
        force_spot=group.capacity_type is CapacityType.SPOT and group.purchase.type == "on_demand",
        sized_for=sized_for,
        driver="nodes",
    )


def price_node_groups(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    """Every node group's lines (instances by segment and purchase, root volumes), then the
    Savings Plans' commitment lines."""
    if topology.eks is None:
        return []
    per_group: list[tuple[NodeGroup, list[CostLine], list[OnDemandUse], CostLine]] = []
    all_uses: list[OnDemandUse] = []
    for group in topology.eks.node_groups:
        nodes, basis, how = node_count(group, ctx)
        spec = group_spec(
            group,
            nodes,
            basis,
            how,
            topology,
            purchase_nodes(group, ctx),
            ctx.hours_per_month,
            ctx.calendar_period,
        )
        lines, uses = price_instances(ctx, spec)
        all_uses.extend(uses)
        per_group.append((group, lines, uses, _disk_line(group, spec, ctx)))
    sp_lines: list[CostLine] = []
    covered: dict[int, OnDemandUse] = {}
    if topology.savings_plans:
        sp_lines, covered = apply_savings_plans(topology, ctx, all_uses)
    out: list[CostLine] = []
    for group, lines, uses, disk in per_group:
        group_lines = list(lines)
        for use in uses:
            group_lines.extend(on_demand_lines(ctx, [covered.get(id(use), use)]))
        group_lines.append(disk)
        out.extend(replace(ln, node_group=group.name) for ln in group_lines)
    return out + sp_lines


def _disk_line(group: NodeGroup, spec: InstanceSpec, ctx: PricingContext) -> CostLine:
    """Root volumes live as long as their nodes (managed node groups delete them)."""
    month = ctx.hours_per_month
    node_months = sum(
        (s.hours_in(month) * Decimal(s.instances) / month for s in spec.segments), ZERO
    )
    disk = group.disk_gb
    basis = Basis.ASSUMPTION if disk.basis is Basis.ASSUMPTION else spec.quantity_basis
    if all(s.label == "always" for s in spec.segments):
        count = f"{_count_text(node_months)} nodes"
    else:
        count = f"{_count_text(node_months)} node-months"
    return ctx.line(
        resource=spec.resource,
        service="AmazonEC2",
        component=f"EBS root volume ({group.disk_type})",
        quantity=disk.value * node_months,
        unit="GB-Mo",
        product=f"ebs/{group.disk_type}",
        quantity_basis=basis,
        quantity_note=f"{count} x {disk.value} GB" + (f" ({disk.note})" if disk.note else ""),
        what=f"EBS {group.disk_type}",
        driver="nodes",
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
        qty = ctx.hours_per_month
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
                    driver="commitment",
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
        seg_hours = group[0].segment.hours_in(ctx.hours_per_month)
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
            unused_week[p.name] += (p.commitment - result.used.get(p.name, ZERO)) * seg_hours
            covered_week[p.name] += (
                sum((v for (pn, _k), v in result.covered.items() if pn == p.name), ZERO) * seg_hours
            )
    for plan, sp, source in meta:
        unused = unused_week[plan.name]  # already in the month's hours
        covered = covered_week[plan.name]
        label = f"Savings Plan ({sp.type}, {sp.term}, {PAYMENT_LABEL[sp.payment]})"
        rate_card = bool(sp.rate_card)
        lines.append(
            CostLine(
                resource=plan.name,
                service="AmazonEC2",
                component=f"{label} commitment",
                quantity=ctx.hours_per_month,
                unit="Hrs",
                unit_price_usd=sp.commitment_usd_per_hour,
                monthly_usd=ctx.hours_per_month * sp.commitment_usd_per_hour,
                purchase_option=label,
                price_source=f"commitment {sp.commitment_usd_per_hour} $/h, billed every hour; "
                f"rates: {source}",
                price_basis="assumption" if rate_card else "list",
                quantity_basis="stated",
                quantity_note=f"covers {covered.quantize(Decimal('0.01'))} instance-hours a month; "
                f"unused commitment lost: ${unused.quantize(Decimal('0.01'))} a month",
                driver="commitment",
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
