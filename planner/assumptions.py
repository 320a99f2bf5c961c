"""Assumptions as finance reads them: a plain name, the value with its unit, the dollar effect.

The dollar effect of an assumption is what it changes in the monthly total: the scenario is
priced again with that one quantity at zero (a spot discount of 0% is on-demand), and the
effect is the displayed total minus that total. Positive: the assumption adds to the bill.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner import figures

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.topology import Topology

# Field name -> (plain name, unit). Unknown fields fall back to their words and suffix unit.
PLAIN: dict[str, tuple[str, str]] = {
    "disk_gb": ("root disk per node", "GB"),
    "spot_discount_pct": ("spot discount off on-demand", "%"),
    "data_processed_gb": ("data processed a month", "GB"),
    "processed_gb_per_hour": ("data processed per hour", "GB/hour"),
    "storage_gb": ("storage", "GB"),
    "backup_storage_gb": ("backup storage beyond the free allowance", "GB"),
    "ingest_gb": ("log data ingested a month", "GB"),
    "retained_gb": ("log data stored", "GB"),
    "keys": ("KMS customer managed keys", "keys"),
    "requests_10k": ("KMS requests a month", "10,000 requests"),
    "requests": ("requests a month", "requests"),
    "internet_out_gb": ("data transfer out to the internet a month", "GB"),
    "inter_az_gb": ("data transfer between availability zones a month", "GB"),
    "internet_egress_gb": ("data transfer out to the internet a month", "GB"),
    "ingestion_gb": ("log data ingested a month", "GB"),
    "storage_gb_per_broker": ("storage per broker", "GB"),
    "new_connections_per_second": ("new connections per second", "connections/s"),
}
OWNERS = {
    "eks": "",
    "node_groups": "node group",
    "rds": "RDS",
    "elasticache": "ElastiCache",
    "msk": "MSK",
    "load_balancers": "load balancer",
    "nat_gateways": "NAT gateways",
    "kms": "KMS",
    "ecr": "ECR",
    "s3": "S3",
    "cloudwatch_logs": "CloudWatch logs",
    "data_transfer": "data transfer",
}
UNIT_SUFFIXES = (("_gb_per_hour", "GB/hour"), ("_gb", "GB"), ("_pct", "%"), ("_hours", "hours"))
_SEGMENT = re.compile(r"([A-Za-z_0-9]+)(?:\[([^\]]+)\])?")


@dataclass(frozen=True)
class Assumption:
    field: str
    name: str
    value: Decimal
    unit: str
    reason: str
    monthly_usd_effect: Decimal | None


def plain_name(field: str) -> tuple[str, str]:
    """``eks.node_groups[general].disk_gb`` -> ("node group general: root disk per node", "GB")."""
    segments = _SEGMENT.findall(field)
    if not segments:
        return field, ""
    last = segments[-1][0]
    name, unit = PLAIN.get(last, ("", ""))
    if not name:
        unit = next((u for suffix, u in UNIT_SUFFIXES if last.endswith(suffix)), "")
        stem = last
        for suffix, _ in UNIT_SUFFIXES:
            stem = stem.removesuffix(suffix)
        name = stem.replace("_", " ")
    owners = [
        " ".join(p for p in (OWNERS.get(seg, seg.replace("_", " ")), label) if p)
        for seg, label in segments[:-1]
    ]
    where = ", ".join(o for o in owners if o)
    return (f"{where}: {name}" if where else name), unit


def _zeroed(model: Any, segments: list[tuple[str, str]]) -> Any:
    """``model`` with the Amount at ``segments`` set to 0 (frozen models are copied)."""
    head, label = segments[0]
    value = getattr(model, head)
    if label:
        items = list(value)
        for i, item in enumerate(items):
            if str(getattr(item, "name", i)) == label:
                items[i] = _zeroed(item, segments[1:])
        return model.model_copy(update={head: tuple(items)})
    if len(segments) == 1:
        return model.model_copy(update={head: value.model_copy(update={"value": Decimal(0)})})
    return model.model_copy(update={head: _zeroed(value, segments[1:])})


def with_effects(
    topology: Topology, report: CostReport, catalog: PriceCatalog | None = None
) -> list[Assumption]:
    """Every assumption of the report, with its plain name, unit and dollar effect."""
    from planner.costing.engine import price_topology

    base = figures.total(price_topology(topology, catalog, allow_missing=True))
    out = []
    for item in report.assumptions:
        field = item["field"]
        name, unit = plain_name(field)
        effect: Decimal | None
        try:
            zero = _zeroed(topology, _SEGMENT.findall(field))
            effect = base - figures.total(price_topology(zero, catalog, allow_missing=True))
        except (AttributeError, TypeError, ValueError, IndexError):
            effect = None
        out.append(Assumption(field, name, Decimal(item["value"]), unit, item["reason"], effect))
    return out
