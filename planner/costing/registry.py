"""The one place where service pricers are registered, in report order."""

from __future__ import annotations

from collections.abc import Callable

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

PRICERS: tuple[tuple[str, Pricer], ...] = (
    ("eks", eks.price),
    ("ec2", ec2.price),
    ("rds", rds.price),
    ("elasticache", elasticache.price),
    ("msk", msk.price),
    ("nat", nat.price),
    ("elb", elb.price),
    ("data_transfer", data_transfer.price),
    ("cloudwatch", cloudwatch.price),
    ("s3", s3.price),
    ("kms", kms.price),
    ("ecr", ecr.price),
)
