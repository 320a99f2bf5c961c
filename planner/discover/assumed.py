"""What the AWS APIs cannot tell, written as labelled assumptions.

A quantity no describe call returns (traffic through NAT, LCU drivers, egress, log
ingestion, stored S3 bytes, KMS requests, backup storage beyond the free allowance, the spot
discount) is either measured from CloudWatch (``--usage-days``) or written here as
``basis: assumption`` with the reason. Its value is the plan's (``--assume-from PLAN``) when
the plan has the same field, else 0 with the note saying so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from planner.topology import Amount, Topology

# field -> why the APIs cannot tell it
WHY: dict[str, str] = {
    "spot_discount_pct": "the spot price varies by hour and zone and no EKS call states it; "
    "0% prices the group at on-demand, an upper bound",
    "backup_storage_gb": "DescribeDBInstances does not give backup usage beyond the free "
    "allowance (the bill does)",
    "data_processed_gb": "DescribeNatGateways does not give traffic (CloudWatch does: "
    "--usage-days)",
    "new_connections_per_second": "LCU drivers are CloudWatch metrics (--usage-days)",
    "active_connections_per_minute": "LCU drivers are CloudWatch metrics (--usage-days)",
    "processed_gb_per_hour": "LCU drivers are CloudWatch metrics (--usage-days)",
    "rule_evaluations_per_second": "LCU drivers are CloudWatch metrics (--usage-days)",
    "internet_egress_gb": "egress is in no describe call (NAT egress is in CloudWatch: "
    "--usage-days; egress through load balancers is in the bill)",
    "inter_az_gb": "cross-AZ traffic is in no describe call (the bill has it)",
    "ingestion_gb": "DescribeLogGroups gives stored bytes, not ingestion (CloudWatch "
    "IncomingBytes does: --usage-days)",
    "storage_gb": "ListBuckets gives no size (CloudWatch BucketSizeBytes does: --usage-days)",
    "requests_10k": "KMS request counts are in CloudTrail and the bill, not in a describe call",
}


def _plan_value(plan: Topology | None, section: str, name: str | None, field: str) -> Any:
    """The plan's Amount at ``section[name].field`` (or ``eks.node_groups[name]``), if any."""
    if plan is None:
        return None
    if section == "node_groups":
        holder: Any = plan.eks.node_groups if plan.eks is not None else ()
    else:
        holder = getattr(plan, section, None)
    if name is not None:
        holder = next((item for item in holder or () if item.name == name), None)
    value = getattr(holder, field, None) if holder is not None else None
    return value if isinstance(value, Amount) else None


def assumption(
    plan: Topology | None,
    plan_label: str,
    section: str,
    name: str | None,
    field: str,
) -> dict[str, Any]:
    """A labelled assumption for a field the APIs cannot tell."""
    why = WHY[field]
    taken = _plan_value(plan, section, name, field)
    if taken is not None:
        basis = taken.basis.value
        said = f" ({taken.note})" if taken.note else ""
        return {
            "value": taken.value,
            "basis": "assumption",
            "note": f"not discoverable: {why}; taken from the plan {plan_label} "
            f"({basis} there){said}",
            "source": plan_label,
        }
    return {
        "value": Decimal(0),
        "basis": "assumption",
        "note": f"not discoverable: {why}; 0 until measured or set by hand",
    }
