"""Amazon RDS: instance hours, storage and billable backup storage."""

from __future__ import annotations

from planner.costing.context import PricingContext
from planner.costing.databases import rds_extended_support_lines, rds_instance_lines
from planner.costing.lines import CostLine
from planner.topology import Topology


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    lines: list[CostLine] = []
    for db in topology.rds:
        deployment = "Multi-AZ" if db.multi_az else "Single-AZ"
        resource = f"rds/{db.name}"
        lines.extend(rds_instance_lines(db, topology, ctx))
        lines.extend(rds_extended_support_lines(db, topology, ctx))
        lines.append(
            ctx.line(
                resource=resource,
                service="AmazonRDS",
                component=f"Storage ({db.storage_type}, {deployment})",
                quantity=db.storage_gb.value,
                unit="GB-Mo",
                product=f"storage/{db.storage_type}/{deployment}",
                quantity_basis=db.storage_gb.basis,
                quantity_note=f"{db.storage_gb.value} GB allocated"
                + (
                    f" (autoscaling up to {db.max_storage_gb} GB not priced)"
                    if db.max_storage_gb
                    else ""
                ),
                what=f"RDS {db.storage_type} storage {deployment}",
            )
        )
        backup = db.backup_storage_gb
        lines.append(
            ctx.line(
                resource=resource,
                service="AmazonRDS",
                component=f"Backup storage beyond the free allowance ({db.backup_retention_days} "
                "days retention)",
                quantity=backup.value,
                unit="GB-Mo",
                product="backup/gb",
                quantity_basis=backup.basis,
                quantity_note=backup.note or f"{backup.value} GB",
                what="RDS backup storage",
            )
        )
    return lines
