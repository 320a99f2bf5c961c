"""Amazon RDS: instance hours, storage and billable backup storage."""

from __future__ import annotations

from planner.costing.context import PricingContext
from planner.costing.databases import rds_instance_lines, rds_needs_commitments
from planner.costing.lines import CostLine
from planner.topology import Basis, RDSInstance, Topology


def _instance_line(db: RDSInstance, deployment: str, ctx: PricingContext) -> CostLine:
    return ctx.line(
        resource=f"rds/{db.name}",
        service="AmazonRDS",
        component=f"DB instance ({db.engine}, {db.instance_class}, {deployment})",
        quantity=ctx.hours_per_month,
        unit="Hrs",
        product=f"db/{db.instance_class}/{db.engine}/{deployment}",
        quantity_basis=Basis.STATED,
        quantity_note=f"1 instance x {ctx.hours_per_month} h",
        what=f"{db.instance_class} {db.engine} {deployment}",
    )


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    lines: list[CostLine] = []
    for db in topology.rds:
        deployment = "Multi-AZ" if db.multi_az else "Single-AZ"
        resource = f"rds/{db.name}"
        if rds_needs_commitments(db, topology):  # reserved, or stopped off-hours
            lines.extend(rds_instance_lines(db, topology, ctx))
        else:
            lines.append(_instance_line(db, deployment, ctx))
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
