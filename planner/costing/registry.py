"""The one place where AWS service modules are registered, in report order.

Each entry says which module prices what, the AWS service code its lines are billed under,
the label, colour and report order (``rank``) that tables and charts use for that code, and
whether its lines depend on the node counts of the EKS node groups (those are re-priced per
capacity state). Modules run in the order listed; cost lines keep that order.

Adding a service: a topology model in ``planner/topology.py``, a module in
``planner/costing/services/`` with ``price(topology, ctx) -> list[CostLine]``, one entry
here, and its rows in ``pricing/build_snapshot.py``. Nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planner.costing.context import PricingContext
from planner.costing.lines import CostLine
from planner.costing.services import (
    cloudwatch,
    data_transfer,
    ec2,
    ecr,
    eks,
    elasticache,
    elb,
    kms,
    msk,
    nat,
    rds,
    s3,
)
from planner.topology import Topology

Pricer = Callable[[Topology, PricingContext], list[CostLine]]

OTHER_COLOR = "#7f7f7f"


@dataclass(frozen=True)
class ServiceModule:
    """One pricing module and how its AWS service code is shown."""

    name: str
    code: str
    label: str
    color: str
    rank: int
    price: Pricer
    node_dependent: bool = False


# Colours: Tableau 10 + 1, stable across every chart and notebook.
MODULES: tuple[ServiceModule, ...] = (
    ServiceModule("eks", "AmazonEKS", "EKS", "#4e79a7", 0, eks.price),
    ServiceModule(
        "ec2", "AmazonEC2", "EC2 (nodes, EBS, NAT)", "#f28e2b", 1, ec2.price, node_dependent=True
    ),
    ServiceModule("rds", "AmazonRDS", "RDS", "#e15759", 2, rds.price),
    ServiceModule(
        "elasticache", "AmazonElastiCache", "ElastiCache", "#76b7b2", 3, elasticache.price
    ),
    ServiceModule("msk", "AmazonMSK", "MSK", "#59a14f", 4, msk.price),
    ServiceModule("nat", "AmazonEC2", "EC2 (nodes, EBS, NAT)", "#f28e2b", 1, nat.price),
    ServiceModule("elb", "AWSELB", "Load balancing", "#edc948", 5, elb.price),
    ServiceModule(
        "data_transfer", "AWSDataTransfer", "Data transfer", "#17becf", 10, data_transfer.price
    ),
    ServiceModule("cloudwatch", "AmazonCloudWatch", "CloudWatch", "#b07aa1", 6, cloudwatch.price),
    ServiceModule("s3", "AmazonS3", "S3", "#ff9da7", 7, s3.price),
    ServiceModule("kms", "awskms", "KMS", "#9c755f", 8, kms.price),
    ServiceModule("ecr", "AmazonECR", "ECR", "#bab0ac", 9, ecr.price),
)


def _codes() -> dict[str, ServiceModule]:
    first: dict[str, ServiceModule] = {}
    for module in MODULES:
        seen = first.setdefault(module.code, module)
        if (seen.label, seen.color, seen.rank) != (module.label, module.color, module.rank):
            raise AssertionError(
                f"modules {seen.name} and {module.name} bill under {module.code} but disagree "
                "on its label, colour or rank"
            )
    return first


_BY_CODE = _codes()

# AWS service codes in report order.
SERVICE_ORDER: tuple[str, ...] = tuple(sorted(_BY_CODE, key=lambda code: _BY_CODE[code].rank))


def service_label(code: str) -> str:
    """The label finance reads for an AWS service code (the code itself if unknown)."""
    module = _BY_CODE.get(code)
    return module.label if module else code


def service_color(code: str) -> str:
    module = _BY_CODE.get(code)
    return module.color if module else OTHER_COLOR


def service_rank(code: str) -> int:
    """Position in report order; unknown codes sort last."""
    try:
        return SERVICE_ORDER.index(code)
    except ValueError:
        return len(SERVICE_ORDER)
