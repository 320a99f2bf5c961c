"""Amazon EKS control plane: standard or extended support per cluster-hour.

With ``support: auto`` the tier follows the EKS release calendar: on the scenario's ``as_of``,
or, when a period is priced (a forecast month), day by day inside it, so a month that crosses
the end of standard support bills its days before at the standard rate and its days after at
the extended rate (hours shared out by days: 730 h x days / days in the month).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from planner.catalog_names import EKS_CALENDAR, EKS_CALENDAR_SOURCE, eks_support_tier
from planner.costing.context import PricingContext
from planner.costing.lines import CostLine
from planner.topology import Basis, EKSCluster, Topology


def support_pieces(
    eks: EKSCluster, as_of: dt.date, period: tuple[dt.date, dt.date] | None
) -> list[tuple[str, dt.date, dt.date | None, Decimal]]:
    """(tier, from, until, share of the month) for each support tier the period bills."""
    if eks.support != "auto":
        return [(eks.support, period[0] if period else as_of, None, Decimal(1))]
    if period is None:
        return [
            (eks_support_tier(eks.kubernetes_version, as_of) or "extended", as_of, None, Decimal(1))
        ]
    start, end = period
    days = Decimal((end - start).days)
    cuts = sorted({d for d in EKS_CALENDAR[eks.kubernetes_version] if start < d < end})
    bounds = [start, *cuts, end]
    pieces: list[tuple[str, dt.date, dt.date | None, Decimal]] = []
    for a, b in itertools.pairwise(bounds):
        tier: str = eks_support_tier(eks.kubernetes_version, a) or "extended"
        share = Decimal((b - a).days) / days
        if pieces and pieces[-1][0] == tier:
            prev = pieces[-1]
            pieces[-1] = (tier, prev[1], b, prev[3] + share)
        else:
            pieces.append((tier, a, b, share))
    if len(pieces) == 1:
        return [(pieces[0][0], start, None, Decimal(1))]
    return pieces


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    eks = topology.eks
    if eks is None:
        return []
    lines: list[CostLine] = []
    for tier, since, until, share in support_pieces(eks, topology.as_of, ctx.period):
        hours = ctx.hours_per_month * share
        if until is None:
            when = f"on {since.isoformat()}"
            head = f"1 cluster x {ctx.hours_per_month} h"
        else:
            last = until - dt.timedelta(days=1)
            when = f"from {since.isoformat()} to {last.isoformat()}"
            head = (
                f"1 cluster x {ctx.hours_per_month} h x {(until - since).days} days of the month's"
            )
            if ctx.period is not None:
                head += f" {(ctx.period[1] - ctx.period[0]).days}"
        note = (
            f"{head}; Kubernetes {eks.kubernetes_version} is in {tier} support {when} "
            f"({EKS_CALENDAR_SOURCE})"
        )
        lines.append(
            ctx.line(
                resource=f"eks/{eks.cluster_name}",
                service="AmazonEKS",
                component=f"EKS control plane ({tier} support, v{eks.kubernetes_version})",
                quantity=hours,
                unit="Hrs",
                product=f"cluster/{tier}",
                quantity_basis=Basis.STATED,
                quantity_note=note,
                what=f"EKS {tier} support",
                driver="fixed",
            )
        )
    return lines
