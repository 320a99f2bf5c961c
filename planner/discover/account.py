"""Read one AWS account and region into scenario fields, each with where it came from.

Every resource's values are recorded in ``discovery.values`` (the API call, the ARN, the
time); each discovered quantity is ``basis: discovered`` with the call and ARN in ``source``.
A part whose call is denied is left out and listed in ``discovery.missing``; so is a resource
planner does not model (an Aurora instance, a Valkey cache, a gateway load balancer) or one
whose type is not in the price snapshot.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from planner import catalog_names
from planner.aws.discovery import AccountReader, Denied, NotFound
from planner.discover.assumed import assumption
from planner.errors import InputError
from planner.topology import Topology

GIB = Decimal(2**30)
GB_PLACES = Decimal("0.0001")
RDS_ENGINES = {"postgres": "PostgreSQL", "mysql": "MySQL", "mariadb": "MariaDB"}
CACHE_ENGINES = {"redis": "Redis", "memcached": "Memcached"}
TAINT_EFFECTS = {
    "NO_SCHEDULE": "NoSchedule",
    "PREFER_NO_SCHEDULE": "PreferNoSchedule",
    "NO_EXECUTE": "NoExecute",
}
LB_DIMENSIONS = (
    "new_connections_per_second",
    "active_connections_per_minute",
    "processed_gb_per_hour",
)
# a key pending deletion is listed, not counted (it can no longer be used)
KMS_NOT_COUNTED = ("PendingDeletion", "PendingReplicaDeletion")


@dataclass
class Found:
    """What one discovery read: scenario sections, provenance, what is missing."""

    sections: dict[str, Any] = field(default_factory=dict)
    values: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, str]] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    buckets: list[str] = field(default_factory=list)


def gib(num_bytes: int | float | Decimal) -> Decimal:
    return (Decimal(num_bytes) / GIB).quantize(GB_PLACES, rounding=ROUND_HALF_UP).normalize()


def account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


class _Run:
    def __init__(
        self,
        reader: AccountReader,
        tags: dict[str, str],
        at: dt.datetime,
        plan: Topology | None,
        plan_label: str,
        progress: Callable[[str], None],
    ) -> None:
        self.reader = reader
        self.tags = tags
        self.at = at
        self.stamp = at.isoformat(timespec="seconds")
        self.plan = plan
        self.plan_label = plan_label
        self.progress = progress
        self.found = Found()
        self.account = ""

    # provenance -------------------------------------------------------------------------
    def record(self, path: str, fields: list[str], call: str, arn: str) -> None:
        self.account = self.account or account_of(arn)
        self.found.values.append(
            {"path": path, "fields": fields, "call": call, "arn": arn, "at": self.stamp}
        )

    def amount(self, value: Decimal | int, call: str, arn: str) -> dict[str, Any]:
        return {
            "value": Decimal(value),
            "basis": "discovered",
            "source": f"{call} {arn}".strip(),
            "note": f"read {self.stamp}",
        }

    def assume(self, path: str, section: str, name: str | None, field_name: str) -> Any:
        self.found.assumptions.append(path)
        return assumption(self.plan, self.plan_label, section, name, field_name)

    def skip(self, part: str, reason: str, action: str = "") -> None:
        self.found.missing.append({"part": part, "action": action, "reason": reason})
        self.found.warnings.append(f"left out {part}: {reason}")

    def matches(self, tags: dict[str, str] | None) -> bool:
        have = tags or {}
        return all(have.get(k) == v for k, v in self.tags.items())

    def tags_of(
        self,
        service: str,
        operation: str,
        key: str,
        *,
        paged: bool = False,
        pair: tuple[str, str] = ("Key", "Value"),
        **params: Any,
    ) -> dict[str, str]:
        """A resource's tags, read only when --tag filters by them."""
        if not self.tags:
            return {}
        try:
            if paged:
                raw: Any = self.reader.pages(service, operation, key, **params)
            else:
                raw = self.reader.call(service, operation, **params).get(key)
        except NotFound:
            return {}
        if isinstance(raw, dict):
            return {str(k): str(v) for k, v in raw.items()}
        return _pairs(raw, *pair)

    def part(self, name: str, read: Callable[[], None]) -> None:
        """Run one part; a denied call leaves the part out, marked missing (one line)."""
        self.progress(name)
        recorded = len(self.found.values)
        try:
            read()
        except Denied as exc:
            del self.found.values[recorded:]
            self.found.missing.append({"part": name, "action": exc.action, "reason": str(exc)})
            self.found.warnings.append(
                f"denied: {exc.action} ({exc.code}); {name} is missing from the scenario"
            )
            self.found.sections.pop(name, None)


def _pairs(tags: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {str(t[key]): str(t.get(value, "")) for t in tags or []}


def discover_account(
    reader: AccountReader,
    *,
    tags: dict[str, str],
    cluster: str | None,
    at: dt.datetime,
    plan: Topology | None = None,
    plan_label: str = "",
    progress: Callable[[str], None] | None = None,
) -> tuple[Found, str]:
    """Every part of the account the scenario models; returns what was found and the account
    ID (from the ARNs, "" when nothing was found)."""
    run = _Run(reader, tags, at, plan, plan_label, progress or (lambda _name: None))
    run.part("eks", lambda: _eks(run, cluster))
    run.part("rds", lambda: _rds(run))
    run.part("elasticache", lambda: _elasticache(run))
    run.part("msk", lambda: _msk(run))
    run.part("nat_gateways", lambda: _nat(run))
    run.part("load_balancers", lambda: _load_balancers(run))
    run.part("cloudwatch_logs", lambda: _logs(run))
    run.part("s3", lambda: _s3(run))
    run.part("kms", lambda: _kms(run))
    run.part("ecr", lambda: _ecr(run))
    return run.found, run.account


def _eks(run: _Run, wanted: str | None) -> None:
    call = "eks:DescribeCluster"
    names = run.reader.pages("eks", "ListClusters", "clusters")
    if wanted is not None and wanted not in names:
        shown = ", ".join(names) or "none"
        raise InputError(
            f"--cluster {wanted}: no EKS cluster of that name in {run.reader.region} "
            f"(clusters there: {shown})"
        )
    clusters = []
    for name in [wanted] if wanted else names:
        info = run.reader.call("eks", "DescribeCluster", name=name)["cluster"]
        if wanted or run.matches(info.get("tags")):
            clusters.append(info)
    if not clusters:
        return
    if len(clusters) > 1:
        shown = ", ".join(c["name"] for c in clusters)
        raise InputError(
            f"{len(clusters)} EKS clusters match ({shown}); a scenario has one: pass "
            "--cluster NAME (or --tag to narrow)"
        )
    info = clusters[0]
    arn = info.get("arn", "")
    version = str(info.get("version", ""))
    policy = str((info.get("upgradePolicy") or {}).get("supportType", ""))
    support = "auto"
    if version in catalog_names.EKS_CALENDAR:
        tier = catalog_names.eks_support_tier(version, run.at.date())
        if policy == "STANDARD" and tier == "standard":
            support = "standard"
    eks: dict[str, Any] = {
        "cluster_name": info["name"],
        "kubernetes_version": version,
        "support": support,
    }
    run.record("eks", ["cluster_name", "kubernetes_version", "support"], call, arn)
    groups = []
    for ng_name in run.reader.pages(
        "eks", "ListNodegroups", "nodegroups", clusterName=info["name"]
    ):
        ng = run.reader.call(
            "eks", "DescribeNodegroup", clusterName=info["name"], nodegroupName=ng_name
        )["nodegroup"]
        group = _node_group(run, ng)
        if group is not None:
            groups.append(group)
    if not groups:
        run.skip(
            "eks",
            f"cluster {info['name']} has no managed node group planner can price "
            "(self-managed nodes, Fargate and Karpenter are not read)",
        )
        return
    eks["node_groups"] = groups
    run.found.sections["eks"] = eks


def _node_group(run: _Run, ng: dict[str, Any]) -> dict[str, Any] | None:
    call = "eks:DescribeNodegroup"
    name = ng["nodegroupName"]
    path = f"eks.node_groups[{name}]"
    arn = ng.get("nodegroupArn", "")
    capacity = ng.get("capacityType") or "ON_DEMAND"
    if capacity not in ("ON_DEMAND", "SPOT"):
        run.skip(path, f"capacity type {capacity} is not modelled (ON_DEMAND and SPOT are)")
        return None
    scaling = ng.get("scalingConfig") or {}
    template = _launch_template(run, ng)
    types = list(ng.get("instanceTypes") or [])
    type_call, type_arn = call, arn
    if not types and template.get("InstanceType"):
        types = [template["InstanceType"]]
        type_call, type_arn = "ec2:DescribeLaunchTemplateVersions", template["arn"]
    if not types:
        run.skip(path, "no instance type in DescribeNodegroup or its launch template")
        return None
    problem = catalog_names.check_name("ec2", types[0])
    if problem:
        run.skip(path, f"{problem} (not in the price snapshot; node group left out)")
        return None
    if len(types) > 1:
        run.found.warnings.append(
            f"{path}: instance types {', '.join(types)}; priced as {types[0]}, the first"
        )
    group: dict[str, Any] = {
        "name": name,
        "instance_type": types[0],
        "capacity_type": capacity,
        "min_size": int(scaling.get("minSize", 0)),
        "desired_size": int(scaling.get("desiredSize", 0)),
        "max_size": int(scaling.get("maxSize", 1)),
    }
    fields = ["capacity_type", "min_size", "desired_size", "max_size"]
    if type_call == call:
        fields.insert(0, "instance_type")
    else:
        run.record(path, ["instance_type"], type_call, type_arn)
    if ng.get("labels"):
        group["labels"] = dict(ng["labels"])
        fields.append("labels")
    taints = [
        {"key": t["key"], "value": t.get("value", ""), "effect": TAINT_EFFECTS[t["effect"]]}
        for t in ng.get("taints") or []
        if t.get("effect") in TAINT_EFFECTS
    ]
    if taints:
        group["taints"] = taints
        fields.append("taints")
    asgs = (ng.get("resources") or {}).get("autoScalingGroups") or []
    if asgs:
        group["asg_name"] = asgs[0]["name"]
        fields.append("asg_name")
    run.record(path, fields, call, arn)
    volume = template.get("volume")
    if volume:
        group["disk_gb"] = run.amount(volume["VolumeSize"], template["call"], template["arn"])
        if volume.get("VolumeType") in ("gp2", "gp3"):
            group["disk_type"] = volume["VolumeType"]
            run.record(path, ["disk_gb", "disk_type"], template["call"], template["arn"])
        else:
            run.record(path, ["disk_gb"], template["call"], template["arn"])
            run.found.assumptions.append(
                f"{path}.disk_type: gp3 (volume type {volume.get('VolumeType')!r} is priced as gp3)"
            )
    elif ng.get("diskSize"):
        group["disk_gb"] = run.amount(ng["diskSize"], call, arn)
        run.record(path, ["disk_gb"], call, arn)
        run.found.assumptions.append(
            f"{path}.disk_type: gp3 (DescribeNodegroup gives diskSize, not the volume type)"
        )
    else:
        run.found.assumptions.append(
            f"{path}.disk_gb: 20 GiB, the EKS default root volume (no diskSize, no launch "
            "template volume)"
        )
    if capacity == "SPOT":
        group["spot_discount_pct"] = run.assume(
            f"{path}.spot_discount_pct", "node_groups", name, "spot_discount_pct"
        )
    return group


def _launch_template(run: _Run, ng: dict[str, Any]) -> dict[str, Any]:
    """The node group's launch template: instance type and root volume, if it sets them."""
    ref = ng.get("launchTemplate") or {}
    if not ref.get("id") and not ref.get("name"):
        return {}
    params: dict[str, Any] = {"Versions": [str(ref.get("version") or "$Default")]}
    if ref.get("id"):
        params["LaunchTemplateId"] = ref["id"]
    else:
        params["LaunchTemplateName"] = ref["name"]
    versions = run.reader.pages(
        "ec2", "DescribeLaunchTemplateVersions", "LaunchTemplateVersions", **params
    )
    if not versions:
        return {}
    data = versions[0].get("LaunchTemplateData") or {}
    account = account_of(ng.get("nodegroupArn", ""))
    template_id = versions[0].get("LaunchTemplateId", ref.get("id", ""))
    out: dict[str, Any] = {
        "call": "ec2:DescribeLaunchTemplateVersions",
        "arn": f"arn:aws:ec2:{run.reader.region}:{account}:launch-template/{template_id}",
    }
    if data.get("InstanceType"):
        out["InstanceType"] = data["InstanceType"]
    for mapping in data.get("BlockDeviceMappings") or []:
        ebs = mapping.get("Ebs") or {}
        if ebs.get("VolumeSize"):
            out["volume"] = ebs
            break
    return out


def _rds(run: _Run) -> None:
    call = "rds:DescribeDBInstances"
    items = []
    for db in run.reader.pages("rds", "DescribeDBInstances", "DBInstances"):
        if not run.matches(_pairs(db.get("TagList"))):
            continue
        ident = db["DBInstanceIdentifier"]
        path = f"rds[{ident}]"
        engine = RDS_ENGINES.get(str(db.get("Engine", "")))
        if engine is None:
            run.skip(
                path,
                f"engine {db.get('Engine')!r} is not modelled (PostgreSQL, MySQL, MariaDB are)",
            )
            continue
        storage = str(db.get("StorageType", ""))
        if storage not in ("gp3", "gp2", "io1"):
            run.skip(path, f"storage type {storage!r} is not modelled (gp3, gp2, io1 are)")
            continue
        problem = catalog_names.check_name("rds", db["DBInstanceClass"])
        if problem:
            run.skip(path, f"{problem} (not in the price snapshot)")
            continue
        arn = db.get("DBInstanceArn", "")
        item: dict[str, Any] = {
            "name": ident,
            "engine": engine,
            "engine_version": str(db.get("EngineVersion", "")),
            "instance_class": db["DBInstanceClass"],
            "multi_az": bool(db.get("MultiAZ", False)),
            "storage_type": storage,
            "storage_gb": run.amount(int(db["AllocatedStorage"]), call, arn),
            "backup_retention_days": int(db.get("BackupRetentionPeriod", 0)),
        }
        fields = list(item)[1:]
        if db.get("MaxAllocatedStorage"):
            item["max_storage_gb"] = int(db["MaxAllocatedStorage"])
            fields.append("max_storage_gb")
        item["backup_storage_gb"] = run.assume(
            f"{path}.backup_storage_gb", "rds", ident, "backup_storage_gb"
        )
        run.record(path, fields, call, arn)
        items.append(item)
    if items:
        run.found.sections["rds"] = items


def _elasticache(run: _Run) -> None:
    clusters = run.reader.pages(
        "elasticache", "DescribeCacheClusters", "CacheClusters", ShowCacheNodeInfo=False
    )
    by_id = {c["CacheClusterId"]: c for c in clusters}
    items = []

    def tags(arn: str) -> dict[str, str]:
        return run.tags_of("elasticache", "ListTagsForResource", "TagList", ResourceName=arn)

    for group in run.reader.pages("elasticache", "DescribeReplicationGroups", "ReplicationGroups"):
        arn = group.get("ARN", "")
        if not run.matches(tags(arn)):
            continue
        members = list(group.get("MemberClusters") or [])
        first = by_id.get(members[0], {}) if members else {}
        item = _cache_item(
            run,
            group["ReplicationGroupId"],
            str(group.get("Engine") or first.get("Engine", "redis")),
            str(first.get("EngineVersion", "")),
            str(group.get("CacheNodeType") or first.get("CacheNodeType", "")),
            len(members),
            group.get("MultiAZ") == "enabled",
            members[0] if members else None,
            "elasticache:DescribeReplicationGroups",
            arn,
        )
        if item:
            items.append(item)
    for cluster in clusters:
        if cluster.get("ReplicationGroupId"):
            continue  # counted with its replication group
        arn = cluster.get("ARN", "")
        if not run.matches(tags(arn)):
            continue
        item = _cache_item(
            run,
            cluster["CacheClusterId"],
            str(cluster.get("Engine", "")),
            str(cluster.get("EngineVersion", "")),
            str(cluster.get("CacheNodeType", "")),
            int(cluster.get("NumCacheNodes", 1)),
            False,
            None,
            "elasticache:DescribeCacheClusters",
            arn,
        )
        if item:
            items.append(item)
    if items:
        run.found.sections["elasticache"] = items


def _cache_item(
    run: _Run,
    name: str,
    engine_code: str,
    version: str,
    node_type: str,
    nodes: int,
    multi_az: bool,
    member: str | None,
    call: str,
    arn: str,
) -> dict[str, Any] | None:
    path = f"elasticache[{name}]"
    engine = CACHE_ENGINES.get(engine_code.lower())
    if engine is None:
        run.skip(path, f"engine {engine_code!r} is not modelled (Redis and Memcached are)")
        return None
    problem = catalog_names.check_name("elasticache", node_type)
    if problem:
        run.skip(path, f"{problem} (not in the price snapshot)")
        return None
    item: dict[str, Any] = {
        "name": name,
        "engine": engine,
        "engine_version": version,
        "node_type": node_type,
        "nodes": max(nodes, 1),
        "multi_az": multi_az and nodes >= 2,
    }
    if member and member != name:
        item["cache_cluster_id"] = member
    run.record(path, [k for k in item if k != "name"], call, arn)
    return item


def _msk(run: _Run) -> None:
    call = "kafka:ListClustersV2"
    items = []
    for info in run.reader.pages("kafka", "ListClustersV2", "ClusterInfoList"):
        if not run.matches(info.get("Tags")):
            continue
        name = info["ClusterName"]
        path = f"msk[{name}]"
        arn = info.get("ClusterArn", "")
        prov = info.get("Provisioned")
        if info.get("ClusterType", "PROVISIONED") != "PROVISIONED" or not prov:
            run.skip(
                path,
                f"cluster type {info.get('ClusterType')} is not modelled "
                "(provisioned clusters are)",
            )
            continue
        group = prov.get("BrokerNodeGroupInfo") or {}
        broker_type = str(group.get("InstanceType", ""))
        problem = catalog_names.check_name("msk", broker_type)
        if problem:
            run.skip(path, f"{problem} (not in the price snapshot)")
            continue
        size = ((group.get("StorageInfo") or {}).get("EbsStorageInfo") or {}).get("VolumeSize", 0)
        item = {
            "name": name,
            "kafka_version": str(
                (prov.get("CurrentBrokerSoftwareInfo") or {}).get("KafkaVersion", "")
            ),
            "broker_type": broker_type,
            "brokers": int(prov.get("NumberOfBrokerNodes", 1)),
            "storage_gb_per_broker": run.amount(int(size), call, arn),
        }
        run.record(path, list(item)[1:], call, arn)
        items.append(item)
    if items:
        run.found.sections["msk"] = items


def _nat(run: _Run) -> None:
    call = "ec2:DescribeNatGateways"
    gateways = [
        gw
        for gw in run.reader.pages(
            "ec2",
            "DescribeNatGateways",
            "NatGateways",
            Filter=[{"Name": "state", "Values": ["available", "pending"]}],
        )
        if run.matches(_pairs(gw.get("Tags")))
    ]
    if not gateways:
        return
    ids = [gw["NatGatewayId"] for gw in gateways]
    for gw_id in ids:
        arn = f"arn:aws:ec2:{run.reader.region}:{run.account}:natgateway/{gw_id}"
        run.record(f"nat_gateways[{gw_id}]", ["count", "gateway_ids"], call, arn)
    run.found.sections["nat_gateways"] = {
        "count": len(ids),
        "gateway_ids": ids,
        "data_processed_gb": run.assume(
            "nat_gateways.data_processed_gb", "nat_gateways", None, "data_processed_gb"
        ),
    }


def _load_balancers(run: _Run) -> None:
    call = "elasticloadbalancing:DescribeLoadBalancers"
    balancers = run.reader.pages("elbv2", "DescribeLoadBalancers", "LoadBalancers")
    tagged: dict[str, dict[str, str]] = {}
    if run.tags:
        arns = [lb["LoadBalancerArn"] for lb in balancers]
        for first in range(0, len(arns), 20):  # DescribeTags takes 20 ARNs at most
            for desc in run.reader.pages(
                "elbv2", "DescribeTags", "TagDescriptions", ResourceArns=arns[first : first + 20]
            ):
                tagged[desc["ResourceArn"]] = _pairs(desc.get("Tags"))
    items = []
    for lb in balancers:
        arn = lb["LoadBalancerArn"]
        if run.tags and not run.matches(tagged.get(arn)):
            continue
        name = lb["LoadBalancerName"]
        path = f"load_balancers[{name}]"
        kind = lb.get("Type")
        if kind not in ("network", "application"):
            run.skip(path, f"load balancer type {kind!r} is not modelled (network, application)")
            continue
        item: dict[str, Any] = {
            "name": name,
            "type": kind,
            "count": 1,
            "arn_suffix": arn.split(":loadbalancer/", 1)[-1],
        }
        run.record(path, ["type", "count", "arn_suffix"], call, arn)
        dims = (
            (*LB_DIMENSIONS, "rule_evaluations_per_second")
            if kind == "application"
            else (LB_DIMENSIONS)
        )
        for dim in dims:
            item[dim] = run.assume(f"{path}.{dim}", "load_balancers", name, dim)
        items.append(item)
    if items:
        run.found.sections["load_balancers"] = items


def _logs(run: _Run) -> None:
    call = "logs:DescribeLogGroups"
    groups = []
    for group in run.reader.pages("logs", "DescribeLogGroups", "logGroups"):
        arn = group.get("logGroupArn") or str(group.get("arn", "")).removesuffix(":*")
        found = run.tags_of("logs", "ListTagsForResource", "tags", resourceArn=arn)
        if run.matches(found):
            groups.append((group, arn))
    if not groups:
        return
    stored = sum(int(g.get("storedBytes", 0)) for g, _arn in groups)
    for group, arn in groups:
        run.record(
            f"cloudwatch_logs[{group['logGroupName']}]",
            ["storage_gb", "log_group_names"],
            call,
            arn,
        )
    storage = run.amount(0, call, _some([arn for _g, arn in groups]))
    storage["value"] = gib(stored)
    storage["note"] = f"storedBytes of {len(groups)} log group(s), read {run.stamp}"
    run.found.sections["cloudwatch_logs"] = {
        "ingestion_gb": run.assume(
            "cloudwatch_logs.ingestion_gb", "cloudwatch_logs", None, "ingestion_gb"
        ),
        "storage_gb": storage,
        "log_group_names": [g["logGroupName"] for g, _arn in groups],
    }


def _s3(run: _Run) -> None:
    call = "s3:ListAllMyBuckets"
    names = []
    for bucket in run.reader.pages("s3", "ListBuckets", "Buckets", BucketRegion=run.reader.region):
        name = bucket["Name"]
        region = bucket.get("BucketRegion", run.reader.region)
        if region != run.reader.region:
            continue
        found = run.tags_of("s3", "GetBucketTagging", "TagSet", Bucket=name)
        if run.matches(found):
            names.append(name)
    if not names:
        return
    for name in names:
        run.record(f"s3[{name}]", ["bucket_names"], call, f"arn:aws:s3:::{name}")
    run.found.sections["s3"] = {
        "storage_gb": run.assume("s3.storage_gb", "s3", None, "storage_gb"),
    }
    run.found.buckets = names


def _kms(run: _Run) -> None:
    call = "kms:DescribeKey"
    counted = []
    for key in run.reader.pages("kms", "ListKeys", "Keys"):
        meta = run.reader.call("kms", "DescribeKey", KeyId=key["KeyId"])["KeyMetadata"]
        if meta.get("KeyManager") != "CUSTOMER":
            continue
        if meta.get("KeyState") in KMS_NOT_COUNTED:
            run.found.warnings.append(f"kms key {meta['KeyId']}: {meta['KeyState']}, not counted")
            continue
        found = run.tags_of(
            "kms",
            "ListResourceTags",
            "Tags",
            paged=True,
            pair=("TagKey", "TagValue"),
            KeyId=key["KeyId"],
        )
        if run.matches(found):
            counted.append(meta.get("Arn", key.get("KeyArn", "")))
    if not counted:
        return
    for arn in counted:
        run.record(f"kms[{arn.rsplit('/', 1)[-1]}]", ["keys"], call, arn)
    keys = run.amount(len(counted), call, _some(counted))
    run.found.sections["kms"] = {
        "keys": keys,
        "requests_10k": run.assume("kms.requests_10k", "kms", None, "requests_10k"),
    }


def _ecr(run: _Run) -> None:
    call = "ecr:DescribeImages"
    total = 0
    repos = []
    for repo in run.reader.pages("ecr", "DescribeRepositories", "repositories"):
        arn = repo["repositoryArn"]
        found = run.tags_of("ecr", "ListTagsForResource", "tags", resourceArn=arn)
        if not run.matches(found):
            continue
        images = run.reader.pages(
            "ecr", "DescribeImages", "imageDetails", repositoryName=repo["repositoryName"]
        )
        total += sum(int(i.get("imageSizeInBytes") or 0) for i in images)
        repos.append(arn)
    if not repos:
        return
    for arn in repos:
        run.record(f"ecr[{arn.rsplit('/', 1)[-1]}]", ["storage_gb"], call, arn)
    storage = run.amount(0, call, _some(repos))
    storage["value"] = gib(total)
    storage["note"] = (
        f"sum of imageSizeInBytes over {len(repos)} repositories, read {run.stamp} (layers "
        "shared between images are counted once per image: an upper bound)"
    )
    run.found.sections["ecr"] = {"storage_gb": storage}


def _some(arns: list[str]) -> str:
    """Up to three ARNs (every one is in discovery.values)."""
    more = f" and {len(arns) - 3} more" if len(arns) > 3 else ""
    return ", ".join(arns[:3]) + more


def progress_line(name: str) -> None:
    print(f"discover: reading {name}", file=sys.stderr)
