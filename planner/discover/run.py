"""``planner discover``: an account, a cluster, or both, into one scenario.

With ``--usage-days N`` the quantities that the describe calls cannot give are measured from
CloudWatch through the usage path (``planner.usage.pull`` and ``measured_topology``: NAT
traffic and egress, LCU drivers, log ingestion), and S3 bytes from ``BucketSizeBytes``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from planner.discover.account import Found, discover_account, gib
from planner.discover.kube import KubeFound
from planner.errors import InputError
from planner.topology import Amount, Basis, Discovery, Topology


@dataclass
class Discovered:
    topology: Topology
    header: list[str]
    warnings: list[str] = field(default_factory=list)
    missing: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Request:
    region: str | None
    profile: str | None
    tags: dict[str, str]
    cluster: str | None
    name: str | None
    as_of: dt.date | None
    usage_days: float | None
    plan: Any = None  # a loaded Scenario (for assumptions), or None
    kube: KubeFound | None = None


def parse_tags(items: list[str]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--tag {item!r}: expected KEY=VALUE, e.g. Environment=staging")
        tags[key.strip()] = value.strip()
    return tags


def _workloads(eks: dict[str, Any], kube: KubeFound) -> None:
    found = kube.manifests
    eks["workloads"] = [w.model_dump(mode="python", exclude_unset=True) for w in found.workloads]
    eks["daemonsets"] = [d.model_dump(mode="python", exclude_unset=True) for d in found.daemonsets]
    if found.namespace:
        eks["namespace"] = found.namespace
    if found.resource_quota is not None:
        eks["resource_quota"] = found.resource_quota.model_dump(mode="python", exclude_unset=True)
    if found.limit_range is not None:
        eks["limit_range"] = found.limit_range.model_dump(mode="python", exclude_unset=True)


def discover(
    request: Request,
    *,
    now: dt.datetime | None = None,
    client_for: Callable[[str], Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Discovered:
    """Read what runs into a validated topology (nothing is written here)."""
    at = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    plan = request.plan.topology if request.plan is not None else None
    plan_label = str(request.plan.path) if request.plan is not None else ""
    found = Found()
    account = ""
    api_calls = 0
    reader = None
    if request.region is not None:
        from planner.aws.discovery import AccountReader

        reader = AccountReader(request.region, profile=request.profile, client_for=client_for)
        found, account = discover_account(
            reader,
            tags=request.tags,
            cluster=request.cluster,
            at=at,
            plan=plan,
            plan_label=plan_label,
            progress=progress,
        )
        api_calls = reader.calls
    elif plan is None:
        raise InputError(
            "give --region (read an AWS account) or --plan PLAN (node groups and services "
            "from a plan) with --kubeconfig, --kubectl-json or --manifests"
        )
    kube = request.kube
    values = list(found.values)
    missing = list(found.missing)
    warnings = list(found.warnings)
    if request.region is None and plan is not None:
        document: dict[str, Any] = plan.model_dump(mode="python", exclude_unset=True)
        document.pop("discovery", None)
        region = plan.region
    else:
        document = dict(found.sections)
        region = str(request.region)
        if not document:
            where = f" with tags {request.tags}" if request.tags else ""
            raise InputError(
                f"nothing planner models was found in {region}{where} "
                f"({api_calls} API calls); nothing written"
                + (f"; missing: {', '.join(m['part'] for m in missing)}" if missing else "")
            )
        document["data_transfer"] = _data_transfer(plan, plan_label, found)
    if kube is not None:
        eks = document.get("eks")
        if eks is None:
            raise InputError(
                f"workloads were read from {kube.source}, but no EKS cluster with node groups "
                "was found to run them (pass --cluster, or --plan PLAN without --region)"
            )
        eks.pop("workloads_from", None)
        _workloads(eks, kube)
        values += kube.values
        missing += kube.missing
        warnings += kube.warnings
    name = request.name or _name(request, plan)
    plan_only = request.region is None and plan is not None
    as_of = request.as_of or (plan.as_of if plan_only and plan is not None else at.date())
    document.update(
        {
            "name": name,
            "description": f"discovered from {_where(account, region, request.tags)}"
            + (f" and {kube.source}" if kube else ""),
            "source": f"planner discover, {at.isoformat(timespec='seconds')}",
            "region": region,
            "as_of": as_of,
        }
    )
    if request.tags:
        document["cost_allocation_tags"] = dict(request.tags)
    document = {k: document[k] for k in _ORDER if k in document} | document
    try:
        topology = Topology.model_validate(document)
    except ValueError as exc:
        raise InputError(f"the discovered resources do not make a valid scenario: {exc}") from None
    if request.usage_days is not None and reader is not None:
        topology, notes = _measure(topology, reader, request.usage_days, found.buckets, at)
        warnings += notes
    discovery = {
        "at": at,
        "region": region,
        "tags": dict(request.tags),
        "kubernetes": kube.source if kube else "",
        "api_calls": api_calls,
        "values": values,
        "missing": missing,
        "assumptions": found.assumptions,
    }
    topology = topology.model_copy(update={"discovery": Discovery.model_validate(discovery)})
    header = _header(topology, account, api_calls, missing, found.assumptions)
    return Discovered(topology, header, warnings, missing)


_ORDER = ("name", "description", "source", "region", "as_of", "cost_allocation_tags")


def _name(request: Request, plan: Topology | None) -> str:
    if request.region is None and plan is not None:
        return f"{plan.name}-discovered"
    value = next(iter(request.tags.values()), "") if request.tags else ""
    text = "".join(c if c.isalnum() or c in "._-" else "-" for c in value).strip("-._")
    return f"discovered-{text}" if text else "discovered"


def _where(account: str, region: str, tags: dict[str, str]) -> str:
    who = f"account {account}, " if account else ""
    tagged = ", tags " + ", ".join(f"{k}={v}" for k, v in tags.items()) if tags else ""
    return f"{who}{region}{tagged}"


def _data_transfer(plan: Topology | None, plan_label: str, found: Found) -> dict[str, Any]:
    from planner.discover.assumed import assumption

    found.assumptions += ["data_transfer.internet_egress_gb", "data_transfer.inter_az_gb"]
    return {
        "internet_egress_gb": assumption(
            plan, plan_label, "data_transfer", None, "internet_egress_gb"
        ),
        "inter_az_gb": assumption(plan, plan_label, "data_transfer", None, "inter_az_gb"),
    }


def _measure(
    topology: Topology,
    reader: Any,
    days: float,
    buckets: list[str],
    at: dt.datetime,
) -> tuple[Topology, list[str]]:
    """Measured quantities through the usage path, and S3 bytes from BucketSizeBytes."""
    from planner.aws.cloudwatch import MetricQuery, fetch_metric_data
    from planner.usage.cost import measured_topology
    from planner.usage.pull import pull_usage

    cw = reader.client("cloudwatch")
    reader.actions.add("cloudwatch:GetMetricData")
    usage, calls = pull_usage(topology, cw, days=days, end=at, progress=False)
    reader.calls += calls
    measured, notes = measured_topology(topology, usage)
    notes = [f"usage: {n}" for n in notes]
    for item in usage.missing:
        notes.append(f"usage: no datapoints for {item['resource']} {item['metric']}")
    if buckets and measured.s3 is not None:
        queries = [
            MetricQuery(
                f"s3/{name}|BucketSizeBytes",
                "AWS/S3",
                "BucketSizeBytes",
                (("BucketName", name), ("StorageType", "StandardStorage")),
                "Average",
                "Bytes",
            )
            for name in buckets
        ]
        # BucketSizeBytes is a daily metric: read it at one day, over at least two days
        start = at - dt.timedelta(days=max(days, 2))
        result = fetch_metric_data(cw, queries, start, at, 86400)
        reader.calls += result.calls
        latest = [
            max(zip(times, values, strict=True))[1]
            for times, values in result.series.values()
            if values
        ]
        if latest:
            amount = Amount(
                value=gib(Decimal(repr(sum(latest)))),
                basis=Basis.MEASURED,
                note=f"latest daily BucketSizeBytes (StandardStorage) of {len(latest)} of "
                f"{len(buckets)} buckets, read {at.isoformat(timespec='seconds')}",
                source="CloudWatch AWS/S3 BucketSizeBytes",
            )
            measured = measured.model_copy(
                update={"s3": measured.s3.model_copy(update={"storage_gb": amount})}
            )
        else:
            notes.append("usage: no BucketSizeBytes datapoints; S3 storage stays an assumption")
    return measured, notes


def _header(
    topology: Topology,
    account: str,
    calls: int,
    missing: list[dict[str, str]],
    assumptions: list[str],
) -> list[str]:
    at = topology.discovery.at.isoformat(timespec="seconds") if topology.discovery else ""
    lines = [
        f"Discovered by `planner discover` at {at} ({calls} read-only API calls).",
        "Every value read from AWS or Kubernetes is listed under discovery.values with the API",
        "call, the resource ARN and the time; discovered quantities are `basis: discovered`.",
        "Quantities no API gives are `basis: assumption` (with the reason) or, with",
        "--usage-days, `basis: measured` from CloudWatch.",
    ]
    if account:
        lines.insert(1, f"Account {account}, region {topology.region}.")
    if missing:
        lines += ["", f"INCOMPLETE: {len(missing)} part(s) could not be read and are missing:"]
        lines += [f"  {m['part']}: {m['reason']}" for m in missing]
    if assumptions:
        lines += ["", f"{len(assumptions)} value(s) are assumptions, not discovered:"]
        lines += [f"  {a}" for a in assumptions]
    return lines
