"""CloudWatch Logs: ingestion per GB and storage per GB-month."""

from __future__ import annotations

from planner.costing.context import PricingContext, amount_note
from planner.costing.lines import CostLine
from planner.topology import Topology


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    logs = topology.cloudwatch_logs
    if logs is None:
        return []
    return [
        ctx.line(
            resource="cloudwatch-logs",
            service="AmazonCloudWatch",
            component="Logs ingestion",
            quantity=logs.ingestion_gb.value,
            unit="GB",
            product="logs/ingest",
            quantity_basis=logs.ingestion_gb.basis,
            quantity_note=amount_note(logs.ingestion_gb, f"{logs.ingestion_gb.value} GB/month"),
            what="CloudWatch Logs ingestion",
        ),
        ctx.line(
            resource="cloudwatch-logs",
            service="AmazonCloudWatch",
            component="Logs storage",
            quantity=logs.storage_gb.value,
            unit="GB-Mo",
            product="logs/storage",
            quantity_basis=logs.storage_gb.basis,
            quantity_note=amount_note(logs.storage_gb, f"{logs.storage_gb.value} GB stored"),
            what="CloudWatch Logs storage",
        ),
    ]
