"""``planner actuals rebase``: an overlay whose quantities are the ones the bill measured.

Each planned usage quantity with billing rows becomes ``{value, basis: measured, note,
source}`` at its topology field. Flows (GB processed, LCU-hours, log ingestion, data transfer,
requests) take the monthly average over the period; levels (storage GB-months, keys) take the
latest month, since storage grows. Hours are normalised to the plan's 730-hour month. Node
hours become a node group's ``desired_size`` (a count, so rounded, with the measured figure in
a comment). Fixed-count hourly lines (clusters, DB instances, gateways) are left as they are.
"""

from __future__ import annotations

import os
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from planner.actuals.match import PlannedLine, match
from planner.actuals.tidy import BillRow
from planner.money import ZERO, plain
from planner.scenario import Scenario, overlay_item
from planner.topology import Topology

Q4 = Decimal("0.0001")
DAYS_TO_HOURS = Decimal(24)


def _month_hours(month: str) -> Decimal:
    import calendar

    year, mon = (int(x) for x in month.split("-"))
    return Decimal(calendar.monthrange(year, mon)[1]) * DAYS_TO_HOURS


class _Measured:
    """Monthly billed quantities of one planned line (in the plan's unit)."""

    def __init__(self, p: PlannedLine, rows: list[BillRow]) -> None:
        self.by_month: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for r in rows:
            self.by_month[r.month] += r.usage_quantity / p.match.bill_units_per_plan_unit

    def average(self) -> Decimal:
        return sum(self.by_month.values(), ZERO) / len(self.by_month)

    def average_per_hour(self) -> Decimal:
        rates = [q / _month_hours(m) for m, q in self.by_month.items()]
        return sum(rates, ZERO) / len(rates)

    def latest(self) -> Decimal:
        return self.by_month[max(self.by_month)]


def _amount(value: Decimal, note: str, source: str) -> dict[str, Any]:
    return {
        "value": plain(value.quantize(Q4, ROUND_HALF_UP)),
        "basis": "measured",
        "note": note,
        "source": source,
    }


def overlay(
    scenario: Scenario, rows: list[BillRow], source: str, lines: Any
) -> tuple[dict[str, Any], list[str]]:
    """The overlay document and a list of what was measured (for comments and output)."""
    topo: Topology = scenario.topology
    result = match(lines, rows)
    months = sorted({r.month for r in rows})
    period = f"{months[0]}..{months[-1]}" if months else "no months"
    src = f"billing data {source}, {period}"
    measured: dict[tuple[str, str], _Measured] = {
        p.key: _Measured(p, result.matched[p.key]) for p in result.planned if result.matched[p.key]
    }
    doc: dict[str, Any] = {}
    done: list[str] = []

    def get(resource: str, prefix: str) -> list[_Measured]:
        return [
            m for (res, comp), m in measured.items() if res == resource and comp.startswith(prefix)
        ]

    for m in get("nat-gateways", "NAT gateway data processed"):
        doc.setdefault("nat_gateways", {})["data_processed_gb"] = _amount(
            m.average(), f"monthly average of NatGateway-Bytes over {len(m.by_month)} months", src
        )
        done.append("nat_gateways.data_processed_gb")
    for lb in topo.load_balancers:
        kind = "nlb" if lb.type == "network" else "alb"
        for m in get(f"{kind}/{lb.name}", "Load balancer capacity units"):
            per_hour = m.average_per_hour() / lb.count
            item = overlay_item(doc.setdefault("load_balancers", []), lb.name)
            item["processed_gb_per_hour"] = _amount(
                per_hour,
                "measured LCU-hours per hour, set as the processed-bytes dimension (1 GB/h = "
                "1 LCU); other dimensions unchanged",
                src,
            )
            done.append(f"load_balancers[{lb.name}].processed_gb_per_hour")
    logs = topo.cloudwatch_logs
    if logs is not None:
        for m in get("cloudwatch-logs", "Logs ingestion"):
            doc.setdefault("cloudwatch_logs", {})["ingestion_gb"] = _amount(
                m.average(), "monthly average of DataProcessing-Bytes", src
            )
            done.append("cloudwatch_logs.ingestion_gb")
        for m in get("cloudwatch-logs", "Logs storage"):
            doc.setdefault("cloudwatch_logs", {})["storage_gb"] = _amount(
                m.latest(), f"TimedStorage-ByteHrs in {max(m.by_month)} (latest month)", src
            )
            done.append("cloudwatch_logs.storage_gb")
    if topo.data_transfer is not None:
        out = get("data-transfer", "Data transfer out")
        if out:
            total = sum((m.average() for m in out), ZERO)
            doc.setdefault("data_transfer", {})["internet_egress_gb"] = _amount(
                total, "monthly average of DataTransfer-Out-Bytes", src
            )
            done.append("data_transfer.internet_egress_gb")
        for m in get("data-transfer", "Inter-AZ"):
            doc.setdefault("data_transfer", {})["inter_az_gb"] = _amount(
                m.average() / 2,
                "monthly average of DataTransfer-Regional-Bytes / 2 (billed in both directions)",
                src,
            )
            done.append("data_transfer.inter_az_gb")
    for db in topo.rds:
        for prefix, field in (("Storage", "storage_gb"), ("Backup", "backup_storage_gb")):
            for m in get(f"rds/{db.name}", prefix):
                item = overlay_item(doc.setdefault("rds", []), db.name)
                item[field] = _amount(m.latest(), f"GB-months billed in {max(m.by_month)}", src)
                done.append(f"rds[{db.name}].{field}")
    for cluster in topo.msk:
        for m in get(f"msk/{cluster.name}", "Broker storage"):
            item = overlay_item(doc.setdefault("msk", []), cluster.name)
            item["storage_gb_per_broker"] = _amount(
                m.latest() / cluster.brokers,
                f"GB-months billed in {max(m.by_month)} / {cluster.brokers} brokers",
                src,
            )
            done.append(f"msk[{cluster.name}].storage_gb_per_broker")
    for section, resource in (("s3", "s3"), ("ecr", "ecr")):
        if getattr(topo, section) is not None:
            for m in get(resource, ""):
                doc.setdefault(section, {})["storage_gb"] = _amount(
                    m.latest(), f"GB-months billed in {max(m.by_month)}", src
                )
                done.append(f"{section}.storage_gb")
    if topo.kms is not None:
        for m in get("kms", "Customer managed keys"):
            doc.setdefault("kms", {})["keys"] = _amount(m.latest(), "KMS-Keys, latest month", src)
            done.append("kms.keys")
        for m in get("kms", "Requests"):
            doc.setdefault("kms", {})["requests_10k"] = _amount(
                m.average(), "monthly average of KMS-Requests / 10,000", src
            )
            done.append("kms.requests_10k")
    if topo.eks is not None:
        for group in topo.eks.node_groups:
            resource = f"eks-node-group/{group.name}"
            for m in get(resource, "Instance usage"):
                nodes = m.average_per_hour()
                count = int(nodes.quantize(Decimal(1), ROUND_HALF_UP))
                count = min(max(count, group.min_size), group.max_size)
                item = overlay_item(
                    doc.setdefault("eks", {}).setdefault("node_groups", []), group.name
                )
                item["desired_size"] = count
                done.append(
                    f"eks.node_groups[{group.name}].desired_size = {count} "
                    f"(measured {plain(nodes.quantize(Q4))} nodes on average, {src})"
                )
            for m in get(resource, "EBS root volume"):
                nodes_now = max(group.desired_size, 1)
                item = overlay_item(
                    doc.setdefault("eks", {}).setdefault("node_groups", []), group.name
                )
                item["disk_gb"] = _amount(
                    m.latest() / nodes_now,
                    f"EBS GB-months billed in {max(m.by_month)} / {nodes_now} nodes",
                    src,
                )
                done.append(f"eks.node_groups[{group.name}].disk_gb")
    return doc, done


def overlay_yaml(
    scenario: Scenario, rows: list[BillRow], source: str, lines: Any, out_path: Path
) -> tuple[str, list[str]]:
    import yaml

    doc, done = overlay(scenario, rows, source, lines)
    extends = os.path.relpath(scenario.path.resolve(), out_path.resolve().parent)
    head = {
        "extends": extends,
        "name": f"{scenario.topology.name}-rebased",
        "description": f"{scenario.topology.name} re-based on measured billing quantities "
        f"({source})",
    }
    body = yaml.safe_dump({**head, **doc}, sort_keys=False, allow_unicode=True, width=100)
    comment = (
        f"# Generated by `planner actuals rebase` from {source}.\n"
        "# Quantities the bill measured are `basis: measured`; everything else comes from the\n"
        f"# base scenario. Measured: {len(done)} field(s).\n" + "".join(f"#   {d}\n" for d in done)
    )
    return comment + body, done
