"""AWS service names as each billing API spells them.

The cost engine groups lines by price-list service code (``AmazonEC2``). The CloudWatch
``AWS/Billing`` metric uses the same codes as its ``ServiceName`` dimension. AWS Budgets'
``Service`` cost filter takes Cost Explorer's SERVICE names instead, and Cost Explorer splits
EC2 into instance hours ("Amazon Elastic Compute Cloud - Compute") and everything else on the
EC2 bill such as EBS and NAT gateways ("EC2 - Other").
"""

from __future__ import annotations

from planner.errors import PlannerError

# price-list service code -> Cost Explorer SERVICE dimension values (as Cost Explorer lists them)
COST_EXPLORER_NAMES: dict[str, tuple[str, ...]] = {
    "AmazonEKS": ("Amazon Elastic Kubernetes Service",),
    "AmazonEC2": ("Amazon Elastic Compute Cloud - Compute", "EC2 - Other"),
    "AmazonRDS": ("Amazon Relational Database Service",),
    "AmazonElastiCache": ("Amazon ElastiCache",),
    "AmazonMSK": ("Amazon Managed Streaming for Apache Kafka",),
    "AWSELB": ("Amazon Elastic Load Balancing",),
    "AmazonCloudWatch": ("AmazonCloudWatch",),
    "AmazonS3": ("Amazon Simple Storage Service",),
    "awskms": ("AWS Key Management Service",),
    "AmazonECR": ("Amazon EC2 Container Registry (ECR)",),
    "AWSDataTransfer": ("AWS Data Transfer",),
}


def cost_explorer_names(service_code: str) -> tuple[str, ...]:
    try:
        return COST_EXPLORER_NAMES[service_code]
    except KeyError:
        known = ", ".join(sorted(COST_EXPLORER_NAMES))
        raise PlannerError(
            f"service {service_code!r} has no Cost Explorer name for a budget filter "
            f"(known: {known})"
        ) from None
