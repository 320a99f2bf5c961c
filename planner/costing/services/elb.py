"""Network and Application Load Balancers: hours plus LCU-hours.

An LCU-hour is the largest of the LCU dimensions in that hour (Elastic Load Balancing
pricing page). NLB (TCP): 800 new flows/s, 100,000 active flows/min, 1 GB/h processed.
ALB: 25 new connections/s, 3,000 active connections/min, 1 GB/h processed (EC2 targets),
1,000 rule evaluations/s. Usage is given as monthly averages, so the LCU-hours are the
average hour's LCUs x 730; spiky traffic bills more.
"""

from __future__ import annotations

from decimal import Decimal

from planner.costing.context import PricingContext
from planner.costing.lines import CostLine
from planner.topology import Amount, Basis, LoadBalancer, Topology

LCU_PER_DIMENSION: dict[str, dict[str, Decimal]] = {
    "network": {
        "new_connections_per_second": Decimal(800),
        "active_connections_per_minute": Decimal(100_000),
        "processed_gb_per_hour": Decimal(1),
    },
    "application": {
        "new_connections_per_second": Decimal(25),
        "active_connections_per_minute": Decimal(3_000),
        "processed_gb_per_hour": Decimal(1),
        "rule_evaluations_per_second": Decimal(1_000),
    },
}
SHORT = {"network": "nlb", "application": "alb"}


def lcus(lb: LoadBalancer) -> tuple[Decimal, str, Amount]:
    """LCUs of the average hour: the max over dimensions, and which dimension set it.

    When every dimension is 0, the zero is as sure as they are: an assumed 0 (e.g. a
    discovered load balancer whose traffic no API gives) keeps the line labelled."""
    amounts = [getattr(lb, d) for d in LCU_PER_DIMENSION[lb.type]]
    zero = next((a for a in amounts if a.basis is Basis.ASSUMPTION), Amount(value=Decimal(0)))
    best = (Decimal(0), "none", zero)
    for dimension, per_lcu in LCU_PER_DIMENSION[lb.type].items():
        amount: Amount = getattr(lb, dimension)
        value = amount.value / per_lcu
        if value > best[0]:
            best = (value, dimension, amount)
    return best


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    lines: list[CostLine] = []
    for lb in topology.load_balancers:
        kind = SHORT[lb.type]
        resource = f"{kind}/{lb.name}"
        lines.append(
            ctx.line(
                resource=resource,
                service="AWSELB",
                component=f"{lb.type.capitalize()} load balancer hours",
                quantity=ctx.hours_per_month * lb.count,
                unit="Hrs",
                product=f"{kind}/hours",
                quantity_basis=Basis.STATED,
                quantity_note=f"{lb.count} x {ctx.hours_per_month} h",
                what=f"{kind.upper()} hours",
                driver="fixed",
            )
        )
        per_hour, dimension, amount = lcus(lb)
        note = (
            f"max LCU dimension: {dimension} = {amount.value} -> {per_hour} LCU per hour x "
            f"{ctx.hours_per_month} h x {lb.count}"
        )
        if amount.note:
            note += f" ({amount.note})"
        lines.append(
            ctx.line(
                resource=resource,
                service="AWSELB",
                component="Load balancer capacity units (LCU-hours)",
                quantity=per_hour * ctx.hours_per_month * lb.count,
                unit="LCU-Hrs",
                product=f"{kind}/lcu",
                quantity_basis=amount.basis,
                quantity_note=note,
                what=f"{kind.upper()} LCU-hours",
            )
        )
    return lines
