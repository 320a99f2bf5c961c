"""Amazon EKS control plane: standard or extended support per cluster-hour."""

from __future__ import annotations

from planner.catalog_names import EKS_CALENDAR_SOURCE, eks_support_tier
from planner.costing.context import PricingContext
from planner.costing.lines import CostLine
from planner.topology import Basis, Topology


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    eks = topology.eks
    if eks is None:
        return []
    tier = eks.support
    if tier == "auto":
        tier = eks_support_tier(eks.kubernetes_version, topology.as_of) or "extended"
    note = (
        f"1 cluster x {ctx.hours_per_month} h; Kubernetes {eks.kubernetes_version} is in "
        f"{tier} support on {topology.as_of.isoformat()} ({EKS_CALENDAR_SOURCE})"
    )
    return [
        ctx.line(
            resource=f"eks/{eks.cluster_name}",
            service="AmazonEKS",
            component=f"EKS control plane ({tier} support, v{eks.kubernetes_version})",
            quantity=ctx.hours_per_month,
            unit="Hrs",
            product=f"cluster/{tier}",
            quantity_basis=Basis.STATED,
            quantity_note=note,
            what=f"EKS {tier} support",
        )
    ]
