"""Compute the look-ahead warnings of a priced scenario (see the package docstring)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planner.figures import line_usd, round_usd, usd
from planner.money import HOURS_PER_MONTH, ZERO, json_number
from planner.provenance import age_days
from planner.provenance import of as provenance_of
from planner.support_calendars import (
    EKS_SOURCE,
    RDS_SOURCE,
    eks_calendar,
    rds_calendar,
    rds_major,
    rds_vcpus,
)

if TYPE_CHECKING:
    from planner.capacity.model import CapacityResult
    from planner.catalog import PriceCatalog
    from planner.costing.engine import CostReport
    from planner.topology import Topology

DEFAULT_HORIZON_MONTHS = 12
MAX_HORIZON_MONTHS = 120
STALE_PRICE_DAYS = 365


@dataclass(frozen=True)
class Warning:
    """One thing finance should know before it happens (or that costs money for nothing)."""

    kind: str
    subject: str
    message: str
    date: str = ""
    """When it happens (ISO date), "" for a standing condition."""
    monthly_usd_change: Decimal | None = None
    """What it adds to (or wastes in) the monthly bill, rounded to the cent."""

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "date": self.date or None,
            "monthly_usd_change": None
            if self.monthly_usd_change is None
            else json_number(self.monthly_usd_change),
            "message": self.message,
        }


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _days(as_of: dt.date, when: dt.date) -> str:
    days = (when - as_of).days
    return f"{days} day{'s' if days != 1 else ''} after as_of {as_of.isoformat()}"


def look_ahead(
    topology: Topology,
    report: CostReport,
    catalog: PriceCatalog | None = None,
    *,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    capacity: CapacityResult | None = None,
) -> list[Warning]:
    """Every warning for ``topology`` (priced as ``report``) within the horizon, by date."""
    as_of = topology.as_of
    horizon = add_months(as_of, horizon_months)
    found: list[Warning] = []
    found += _eks(topology, catalog, as_of, horizon)
    found += _rds(topology, as_of, horizon)
    found += _stale(report)
    if capacity is not None:
        found += _idle(report, capacity)
    return sorted(found, key=lambda w: (w.date or "9999", w.kind, w.subject))


def _eks(
    topology: Topology, catalog: PriceCatalog | None, as_of: dt.date, horizon: dt.date
) -> list[Warning]:
    eks = topology.eks
    if eks is None or eks.kubernetes_version not in eks_calendar():
        return []
    cal = eks_calendar()[eks.kubernetes_version]
    version = eks.kubernetes_version
    out: list[Warning] = []
    if as_of < cal.standard_support_end <= horizon and eks.support != "extended":
        step = _eks_step(topology, catalog)
        price = (
            f": the control plane goes from ${step[0]:.2f} to ${step[1]:.2f} an hour, "
            f"{usd(step[2], signed=True)} a month"
            if step
            else ""
        )
        out.append(
            Warning(
                "eks-standard-support-end",
                f"eks/{eks.cluster_name}",
                f"Kubernetes {version} leaves EKS standard support on "
                f"{cal.standard_support_end.isoformat()} ({_days(as_of, cal.standard_support_end)})"
                f"{price} ({EKS_SOURCE})",
                cal.standard_support_end.isoformat(),
                step[2] if step else None,
            )
        )
    if as_of < cal.extended_support_end <= horizon:
        out.append(
            Warning(
                "eks-extended-support-end",
                f"eks/{eks.cluster_name}",
                f"Kubernetes {version} leaves EKS extended support on "
                f"{cal.extended_support_end.isoformat()} ({_days(as_of, cal.extended_support_end)})"
                ": EKS then upgrades the control plane itself; plan the upgrade before "
                f"({EKS_SOURCE})",
                cal.extended_support_end.isoformat(),
            )
        )
    return out


def _eks_step(
    topology: Topology, catalog: PriceCatalog | None
) -> tuple[Decimal, Decimal, Decimal] | None:
    if catalog is None:
        return None
    std = catalog.find("AmazonEKS", topology.region, "cluster/standard")
    ext = catalog.find("AmazonEKS", topology.region, "cluster/extended")
    if std is None or ext is None:
        return None
    monthly = round_usd(ext.usd * HOURS_PER_MONTH) - round_usd(std.usd * HOURS_PER_MONTH)
    return std.usd, ext.usd, monthly


def _rds(topology: Topology, as_of: dt.date, horizon: dt.date) -> list[Warning]:
    out: list[Warning] = []
    for db in topology.rds:
        if not db.engine_version:
            continue
        major = rds_major(db.engine, db.engine_version)
        cal = rds_calendar().get((db.engine, major))
        if cal is None:
            continue
        start = cal.extended_support_start
        if start > horizon or as_of > cal.extended_support_end:
            continue
        vcpu = _rds_vcpu(db.instance_class)
        instances = 2 if db.multi_az else 1
        rate = (
            cal.usd_per_vcpu_hour_year3
            if as_of >= cal.year3_start
            else cal.usd_per_vcpu_hour_year1_2
        )
        change = None
        cost = ""
        if vcpu is not None:
            change = round_usd(rate * vcpu * instances * HOURS_PER_MONTH)
            standby = " incl. the Multi-AZ standby" if db.multi_az else ""
            cost = (
                f": ${rate} per vCPU-hour x {vcpu * instances} vCPUs{standby}, "
                f"{usd(change, signed=True)} a month"
            )
        when = (
            f"enters RDS Extended Support on {start.isoformat()} ({_days(as_of, start)})"
            if start > as_of
            else f"is in RDS Extended Support since {start.isoformat()}"
        )
        out.append(
            Warning(
                "rds-extended-support",
                f"rds/{db.name}",
                f"RDS {db.engine} {major} ({db.engine_version}) {when}{cost}; upgrade the major "
                f"version to avoid it ({RDS_SOURCE})",
                start.isoformat(),
                change,
            )
        )
    return out


def _rds_vcpu(instance_class: str) -> int | None:
    return rds_vcpus().get(instance_class)


def _stale(report: CostReport) -> list[Warning]:
    """One warning per price data set older than a year at ``as_of`` (its lines named)."""
    by_date: dict[tuple[str, str], list[str]] = {}
    for line in report.lines:
        prov = provenance_of(line)
        if prov.price_date and age_days(prov.price_date, report.as_of) > STALE_PRICE_DAYS:
            items = by_date.setdefault((prov.price_date, prov.origin), [])
            if line.resource not in items:
                items.append(line.resource)
    out = []
    for (date, origin), items in sorted(by_date.items()):
        days = age_days(date, report.as_of)
        out.append(
            Warning(
                "stale-price",
                origin,
                f"price data dated {date} ({origin}) is {days} days older than as_of "
                f"{report.as_of} (more than {STALE_PRICE_DAYS}), used by {', '.join(items)}",
            )
        )
    return out


def _idle(report: CostReport, capacity: CapacityResult) -> list[Warning]:
    """Node groups whose nodes run no workload pod at min or expected replicas, and their cost."""
    out = []
    for group in capacity.node_groups:
        idle_states = [
            s
            for s in ("min", "expected")
            if s in group.usage and group.usage[s].nodes > 0 and group.usage[s].pods == 0
        ]
        if not idle_states:
            continue
        nodes = max(group.usage[s].nodes for s in idle_states)
        lines = [ln for ln in report.lines if ln.node_group == group.name]
        priced_nodes = _priced_nodes(lines)
        cost: Decimal | None = None
        if priced_nodes:
            group_usd = sum((line_usd(ln) or ZERO for ln in lines), ZERO)
            cost = round_usd(group_usd / priced_nodes * nodes)
        states = " and ".join(f"{s} replicas" for s in idle_states)
        money = f", {usd(cost)} a month for nothing" if cost is not None else ""
        out.append(
            Warning(
                "idle-nodes",
                f"eks-node-group/{group.name}",
                f"node group {group.name} runs {nodes} {group.instance_type} node(s) with no "
                f"workload pod at {states}{money}: lower its min_size or give it work",
                "",
                cost,
            )
        )
    return out


def _priced_nodes(lines: Sequence[Any]) -> Decimal:
    for ln in lines:
        if ln.unit == "Hrs" and ln.component.startswith("Instance usage"):
            return Decimal(ln.quantity) / HOURS_PER_MONTH
    return ZERO


def saving_ends(base: list[Warning], other: list[Warning]) -> Warning | None:
    """The first dated price step the what-if meets that the base does not: its saving ends."""
    base_keys = {(w.kind, w.date) for w in base}
    steps = [
        w
        for w in other
        if w.date
        and w.monthly_usd_change
        and w.monthly_usd_change > 0
        and (w.kind, w.date) not in base_keys
    ]
    return min(steps, key=lambda w: w.date, default=None)
