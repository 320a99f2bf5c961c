"""Which AWS usage types bill each planned cost line: one table per service.

A planned :class:`~planner.costing.lines.CostLine` names its service code, resource and
component; the bill names a service code and a usage type (``BoxUsage:t3.medium``,
``NatGateway-Bytes``, ``LCUUsage`` ...). This module turns a planned line into the usage types
that bill it, with the factor from the bill's unit to the line's unit, without touching the
pricers. Usage types outside us-east-1 carry a region prefix (``USE2-BoxUsage:t3.medium``);
:func:`strip_region` removes it before matching.

Usage-type names are those AWS writes in ``line_item_usage_type`` (CUR 2.0) and
``x_UsageType`` (FOCUS with AWS columns), as shown by the AWS pricing pages and the Price List
API's ``usagetype`` attribute for each product.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from planner.costing.lines import CostLine

ONE = Decimal(1)
# KMS bills requests one by one; the plan counts them in units of 10,000.
TEN_THOUSAND = Decimal(10_000)

_REGION_PREFIX = re.compile(r"^(?:[A-Z]{2,4}[0-9]-|EU-)(?=[A-Za-z])")


def strip_region(usage_type: str) -> str:
    """``USE2-BoxUsage:t3.medium`` -> ``BoxUsage:t3.medium``; us-east-1 types have no prefix."""
    return _REGION_PREFIX.sub("", usage_type, count=1)


@dataclass(frozen=True)
class UsageMatch:
    """The usage types that bill one planned line, and bill units per planned unit."""

    usage_types: tuple[str, ...]
    bill_units_per_plan_unit: Decimal = ONE
    # Billing service codes this line's usage may appear under (data transfer is billed
    # under the resource's service in CUR's line_item_product_code).
    services: tuple[str, ...] = ()
    # A tag that tells two planned lines with the same usage type apart (node groups).
    tag_key: str = ""
    tag_value: str = ""


def _between(text: str, start: str, end: str) -> str:
    _head, _, tail = text.partition(start)
    return tail.split(end, 1)[0].strip() if tail else ""


def _ec2(line: CostLine) -> UsageMatch | None:
    c = line.component
    group = line.resource.removeprefix("eks-node-group/")
    tag = ("eks:nodegroup-name", group) if line.resource.startswith("eks-node-group/") else ("", "")
    if c.startswith("Instance usage"):
        itype = _between(c, "Linux, ", ",")
        kind = "SpotUsage" if c.endswith("spot)") else "BoxUsage"
        return UsageMatch((f"{kind}:{itype}",), tag_key=tag[0], tag_value=tag[1])
    if c.startswith("EBS root volume"):
        vtype = _between(c, "(", ")")
        return UsageMatch((f"EBS:VolumeUsage.{vtype}",), tag_key=tag[0], tag_value=tag[1])
    if c == "NAT gateway hours":
        return UsageMatch(("NatGateway-Hours",))
    if c == "NAT gateway data processed":
        return UsageMatch(("NatGateway-Bytes",))
    return None


def _eks(line: CostLine) -> UsageMatch | None:
    if "extended support" in line.component:
        return UsageMatch(("AmazonEKS-Hours:extendedSupport",))
    return UsageMatch(("AmazonEKS-Hours:perCluster",))


def _rds(line: CostLine) -> UsageMatch | None:
    c = line.component
    multi = "Multi-AZ" in c and "Single-AZ" not in c
    if c.startswith("DB instance"):
        iclass = _between(c, ", ", ",")
        return UsageMatch((f"{'Multi-AZUsage' if multi else 'InstanceUsage'}:{iclass}",))
    if c.startswith("Storage"):
        stype = _between(c, "(", ",").upper()
        return UsageMatch((f"RDS:{'Multi-AZ-' if multi else ''}{stype}-Storage",))
    if c.startswith("Backup storage"):
        return UsageMatch(("RDS:ChargedBackupUsage",))
    return None


def _elasticache(line: CostLine) -> UsageMatch | None:
    node = _between(line.component, ", ", ",")
    return UsageMatch((f"NodeUsage:{node}",))


def _msk(line: CostLine) -> UsageMatch | None:
    if line.component.startswith("Broker instances"):
        broker = _between(line.component, "(", ")")  # kafka.t3.small
        return UsageMatch((f"Kafka.{broker.removeprefix('kafka.')}",))
    return UsageMatch(("Kafka.Storage.GP2",))


def _elb(line: CostLine) -> UsageMatch | None:
    if line.component.endswith("hours"):
        return UsageMatch(("LoadBalancerUsage",))
    return UsageMatch(("LCUUsage",))


def _cloudwatch(line: CostLine) -> UsageMatch | None:
    if line.component == "Logs ingestion":
        return UsageMatch(("DataProcessing-Bytes",))
    return UsageMatch(("TimedStorage-ByteHrs",))


def _data_transfer(line: CostLine) -> UsageMatch | None:
    services = ("AWSDataTransfer", "AmazonEC2")
    if line.component.startswith("Data transfer out to the internet"):
        return UsageMatch(("DataTransfer-Out-Bytes",), services=services)
    return UsageMatch(("DataTransfer-Regional-Bytes",), services=services)


def _s3(line: CostLine) -> UsageMatch | None:
    return UsageMatch(("TimedStorage-ByteHrs",))


def _kms(line: CostLine) -> UsageMatch | None:
    if line.component == "Customer managed keys":
        return UsageMatch(("KMS-Keys",))
    return UsageMatch(("KMS-Requests",), bill_units_per_plan_unit=TEN_THOUSAND)


def _ecr(line: CostLine) -> UsageMatch | None:
    return UsageMatch(("TimedStorage-ByteHrs",))


USAGE_TABLES: dict[str, Callable[[CostLine], UsageMatch | None]] = {
    "AmazonEC2": _ec2,
    "AmazonEKS": _eks,
    "AmazonRDS": _rds,
    "AmazonElastiCache": _elasticache,
    "AmazonMSK": _msk,
    "AWSELB": _elb,
    "AmazonCloudWatch": _cloudwatch,
    "AWSDataTransfer": _data_transfer,
    "AmazonS3": _s3,
    "awskms": _kms,
    "AmazonECR": _ecr,
}

# Cost Explorer's SERVICE dimension gives names, the exports give codes.
CE_SERVICE_CODES: dict[str, str] = {
    "Amazon Elastic Compute Cloud - Compute": "AmazonEC2",
    "EC2 - Other": "AmazonEC2",
    "Amazon Elastic Container Service for Kubernetes": "AmazonEKS",
    "Amazon Elastic Kubernetes Service": "AmazonEKS",
    "Amazon Relational Database Service": "AmazonRDS",
    "Amazon ElastiCache": "AmazonElastiCache",
    "Amazon Managed Streaming for Apache Kafka": "AmazonMSK",
    "Amazon Elastic Load Balancing": "AWSELB",
    "AmazonCloudWatch": "AmazonCloudWatch",
    "Amazon Simple Storage Service": "AmazonS3",
    "AWS Key Management Service": "awskms",
    "Amazon EC2 Container Registry (ECR)": "AmazonECR",
    "AWS Data Transfer": "AWSDataTransfer",
    "AWS Secrets Manager": "AWSSecretsManager",
    "Savings Plans for AWS Compute usage": "ComputeSavingsPlans",
    "Tax": "Tax",
}


def service_code(name_or_code: str) -> str:
    """A service code from a Cost Explorer service name (codes pass through)."""
    return CE_SERVICE_CODES.get(name_or_code, name_or_code)


def usage_match(line: CostLine) -> UsageMatch | None:
    """The usage types billing ``line``, or None when the planner has no mapping for it."""
    table = USAGE_TABLES.get(line.service)
    if table is None:
        return None
    found = table(line)
    if found is None:
        return None
    if not found.services:
        return UsageMatch(
            found.usage_types,
            found.bill_units_per_plan_unit,
            (line.service,),
            found.tag_key,
            found.tag_value,
        )
    return found
