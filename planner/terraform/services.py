"""One mapper per modelled AWS resource type: Terraform attributes into scenario fields.

Defaults that Terraform fills in when an attribute is unset are the AWS provider's documented
ones (registry.terraform.io/providers/hashicorp/aws, the resource's page), each named in the
YAML comment where it is used.
"""

from __future__ import annotations

import json
from typing import Any

from planner.terraform.mapping import Context, Mapper
from planner.terraform.reading import Reader, listed
from planner.terraform.resources import Resource, TerraformError

RDS_ENGINES = {"postgres": "PostgreSQL", "mysql": "MySQL", "mariadb": "MariaDB"}
CACHE_ENGINES = {"redis": "Redis", "memcached": "Memcached"}
TAINT_EFFECTS = {
    "NO_SCHEDULE": "NoSchedule",
    "NO_EXECUTE": "NoExecute",
    "PREFER_NO_SCHEDULE": "PreferNoSchedule",
}


def _source(*addresses: str) -> str:
    return "terraform: " + listed(list(addresses))


def eks(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    if len(resources) > 1:
        raise ctx_error(
            ctx,
            resources[1],
            f"a second EKS cluster (after {resources[0].address}); a scenario models one "
            "cluster: import each cluster's configuration on its own",
        )
    cluster = resources[0]
    r = Reader(cluster, ctx.where, ctx.notes, ("eks",))
    version = str(r.need("version", "the EKS support tier", field_name="kubernetes_version"))
    doc["eks"] = {
        "cluster_name": r.need("name", "the control plane line", field_name="cluster_name"),
        "kubernetes_version": ".".join(version.split(".")[:2]),
        "source": _source(cluster.address),
        "node_groups": [],
    }
    ctx.mapped.append(cluster.address)


def node_groups(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    if "eks" not in doc:
        raise ctx_error(
            ctx,
            resources[0],
            "a node group without its aws_eks_cluster in the same configuration; the scenario "
            "needs the cluster's name and version",
        )
    for group in resources:
        name = ctx.item_name(group, "node_groups")
        r = Reader(group, ctx.where, ctx.notes, ("eks", "node_groups", name))
        item: dict[str, Any] = {"name": name, "source": _source(group.address)}
        template = _launch_template(group, ctx)
        t = Reader(template, ctx.where, ctx.notes, r.at) if template else None
        types = r.get("instance_types")
        if types is not None and (
            not isinstance(types, list) or not all(isinstance(x, str) and x for x in types)
        ):
            raise TerraformError(
                f"{ctx.where}: {group.address}: instance_types: {json.dumps(types)} is not a "
                'list of instance types (such as ["t3.medium"])'
            )
        if types:
            item["instance_type"] = types[0]
            extra = (
                f"; also allows {', '.join(types[1:])}, priced as the first" if types[1:] else ""
            )
            r.comment("instance_type", f"instance_types[0]{extra}")
        elif t is not None:
            item["instance_type"] = t.need("instance_type", "the node price")
            t.comment("instance_type", f"{template.address if template else ''} instance_type")
        else:
            item["instance_type"] = r.need("instance_types.0", "the node price")
        capacity = r.default(
            "capacity_type",
            "ON_DEMAND",
            "the provider's default ON_DEMAND",
            field_name="capacity_type",
        )
        if capacity not in ("ON_DEMAND", "SPOT"):
            raise r.fail(f"capacity_type {capacity!r}: the planner prices ON_DEMAND and SPOT")
        item["capacity_type"] = capacity
        for size in ("min_size", "desired_size", "max_size"):
            item[size] = r.integer(
                f"scaling_config.0.{size}", "the node count range", field_name=size
            )
        _node_disk(group, r, t, template, item)
        usage = ctx.usage.for_address(group.address, _base(group))
        spot = usage[1].spot_discount_pct if usage else None
        if capacity == "SPOT":
            if spot is None:
                raise r.fail(
                    "capacity_type SPOT: give spot_discount_pct (percent off on-demand, with its "
                    f"basis) for it under resource_usage in the usage file; {_spot_why()}"
                )
            item["spot_discount_pct"] = spot
        if usage is not None and usage[1].purchase is not None:
            item["purchase"] = usage[1].purchase
        labels = r.get("labels")
        if isinstance(labels, dict) and labels:
            item["labels"] = {str(k): str(v) for k, v in labels.items()}
            r.comment("labels", "labels")
        taints = [
            {
                "key": taint.get("key"),
                "value": taint.get("value") or "",
                "effect": TAINT_EFFECTS.get(str(taint.get("effect")), "NoSchedule"),
            }
            for taint in (r.get("taint") or [])
            if isinstance(taint, dict)
        ]
        if taints:
            item["taints"] = taints
            r.comment("taints", "taint")
        asg = r.get(
            "resources.0.autoscaling_groups.0.name",
            field_name="asg_name",
            use="asg_name for planner usage pull",
        )
        if asg:
            item["asg_name"] = asg
        doc["eks"]["node_groups"].append(item)
        ctx.mapped.append(group.address)


def _spot_why() -> str:
    return "the planner never prices spot as on-demand and has no current spot price for most types"


def _launch_template(group: Resource, ctx: Context) -> Resource | None:
    for address in group.ref("launch_template"):
        template = ctx.pool.get(address)
        if template is not None and template.type == "aws_launch_template":
            ctx.mapped.append(template.address)
            return template
    return None


def _node_disk(
    group: Resource, r: Reader, t: Reader | None, template: Resource | None, item: dict[str, Any]
) -> None:
    size = r.get("disk_size")
    if size is not None:
        item["disk_gb"] = r.amount("disk_size", "the root volume", field_name="disk_gb")
        return
    if t is not None and template is not None:
        path = "block_device_mappings.0.ebs.0"
        if t.get(f"{path}.volume_size") is not None:
            item["disk_gb"] = t.amount(
                f"{path}.volume_size", "the root volume", field_name="disk_gb"
            )
            kind = t.get(f"{path}.volume_type")
            if kind in ("gp2", "gp3"):
                item["disk_type"] = kind
                t.comment(
                    "disk_type", f"{template.address} {path.replace('.0', '[0]')}.volume_type"
                )
            return
    r.comment("disk_gb", "disk_size not set: the scenario's default, EKS's 20 GiB root volume")


def _engine(resource: Resource, ctx: Context, value: Any, example: str) -> Any:
    """The engine attribute: text (a name to look up) or None; anything else is one line."""
    if value is None or isinstance(value, str):
        return value
    raise TerraformError(
        f"{ctx.where}: {resource.address}: engine: {json.dumps(value)} is not an engine name "
        f"(text such as {example!r})"
    )


def rds(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    for db in resources:
        engine_raw = _engine(
            db, ctx, None if db.unknown_why("engine") else db.get("engine"), "postgres"
        )
        if engine_raw is not None and engine_raw not in RDS_ENGINES:
            ctx.unsupported.append(f"{db.address} (engine {engine_raw})")
            continue
        name = ctx.item_name(db, "rds")
        r = Reader(db, ctx.where, ctx.notes, ("rds", name))
        engine = r.need("engine", "the instance price", field_name="engine")
        item: dict[str, Any] = {"name": name, "source": _source(db.address)}
        item["engine"] = RDS_ENGINES[engine]
        version = r.get("engine_version", field_name="engine_version")
        if version:
            item["engine_version"] = str(version)
        item["instance_class"] = r.need(
            "instance_class", "the instance price", field_name="instance_class"
        )
        item["multi_az"] = bool(
            r.default("multi_az", False, "the provider's default false", field_name="multi_az")
        )
        iops = r.get("iops")
        storage = r.default(
            "storage_type",
            "io1" if iops else "gp2",
            "the provider's default (io1 with iops, else gp2)",
            field_name="storage_type",
        )
        if storage not in ("gp2", "gp3", "io1"):
            raise r.fail(f"storage_type {storage!r}: the planner prices gp2, gp3 and io1 storage")
        item["storage_type"] = storage
        item["storage_gb"] = r.amount(
            "allocated_storage", "the storage price", field_name="storage_gb"
        )
        ceiling = r.get("max_allocated_storage")
        if isinstance(ceiling, int) and ceiling > 0:
            item["max_storage_gb"] = ceiling
            r.comment("max_storage_gb", "max_allocated_storage")
        retention = r.get("backup_retention_period")
        if isinstance(retention, int):
            item["backup_retention_days"] = retention
            r.comment("backup_retention_days", "backup_retention_period")
        usage = ctx.usage.for_address(db.address, _base(db))
        if usage is not None and usage[1].backup_storage_gb is not None:
            item["backup_storage_gb"] = usage[1].backup_storage_gb
        if usage is not None and usage[1].purchase is not None:
            item["purchase"] = usage[1].purchase
        _dimension(r, item, "identifier", "db_instance_identifier")
        doc.setdefault("rds", []).append(item)
        ctx.mapped.append(db.address)


def replication_groups(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    for group in resources:
        engine_raw = _engine(group, ctx, group.get("engine"), "redis") or "redis"
        if engine_raw not in CACHE_ENGINES:
            ctx.unsupported.append(f"{group.address} (engine {engine_raw})")
            continue
        name = ctx.item_name(group, "elasticache")
        r = Reader(group, ctx.where, ctx.notes, ("elasticache", name))
        item: dict[str, Any] = {"name": name, "source": _source(group.address)}
        item["engine"] = CACHE_ENGINES[
            r.default("engine", "redis", "the provider's default redis", field_name="engine")
        ]
        version = r.get("engine_version", field_name="engine_version")
        if version:
            item["engine_version"] = str(version)
        item["node_type"] = r.need("node_type", "the node price", field_name="node_type")
        for attribute in ("num_cache_clusters", "number_cache_clusters"):
            if group.get(attribute) is not None and not group.unknown_why(attribute):
                item["nodes"] = r.integer(attribute, "the node count", field_name="nodes")
                break
        else:
            shards = r.integer("num_node_groups", "the node count", field_name="nodes")
            replicas = r.integer("replicas_per_node_group", "the node count", field_name="nodes")
            item["nodes"] = shards * (replicas + 1)
            r.comment("nodes", "num_node_groups x (replicas_per_node_group + 1)")
        item["multi_az"] = bool(
            r.default(
                "multi_az_enabled", False, "the provider's default false", field_name="multi_az"
            )
        )
        _cache_purchase(group, ctx, item)
        doc.setdefault("elasticache", []).append(item)
        ctx.mapped.append(group.address)


def cache_clusters(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    for cluster in resources:
        if cluster.get("replication_group_id") or cluster.ref("replication_group_id"):
            ctx.mapped.append(cluster.address)  # a member: its nodes are its group's
            continue
        engine_raw = _engine(cluster, ctx, cluster.get("engine"), "redis")
        if engine_raw is not None and engine_raw not in CACHE_ENGINES:
            ctx.unsupported.append(f"{cluster.address} (engine {engine_raw})")
            continue
        name = ctx.item_name(cluster, "elasticache")
        r = Reader(cluster, ctx.where, ctx.notes, ("elasticache", name))
        item: dict[str, Any] = {"name": name, "source": _source(cluster.address)}
        item["engine"] = CACHE_ENGINES[r.need("engine", "the node price", field_name="engine")]
        version = r.get("engine_version", field_name="engine_version")
        if version:
            item["engine_version"] = str(version)
        item["node_type"] = r.need("node_type", "the node price", field_name="node_type")
        item["nodes"] = r.integer("num_cache_nodes", "the node count", field_name="nodes")
        _dimension(r, item, "cluster_id", "cache_cluster_id")
        _cache_purchase(cluster, ctx, item)
        doc.setdefault("elasticache", []).append(item)
        ctx.mapped.append(cluster.address)


def _cache_purchase(resource: Resource, ctx: Context, item: dict[str, Any]) -> None:
    usage = ctx.usage.for_address(resource.address, _base(resource))
    if usage is not None and usage[1].purchase is not None:
        item["purchase"] = usage[1].purchase


def msk(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    for cluster in resources:
        name = ctx.item_name(cluster, "msk")
        r = Reader(cluster, ctx.where, ctx.notes, ("msk", name))
        item: dict[str, Any] = {"name": name, "source": _source(cluster.address)}
        version = r.get("kafka_version", field_name="kafka_version")
        if version:
            item["kafka_version"] = str(version)
        info = "broker_node_group_info.0"
        item["broker_type"] = r.need(
            f"{info}.instance_type", "the broker price", field_name="broker_type"
        )
        item["brokers"] = r.integer(
            "number_of_broker_nodes", "the broker count", field_name="brokers"
        )
        volume = f"{info}.storage_info.0.ebs_storage_info.0.volume_size"
        legacy = f"{info}.ebs_volume_size"
        path = legacy if cluster.get(volume) is None and cluster.get(legacy) is not None else volume
        item["storage_gb_per_broker"] = r.amount(
            path, "the storage price", field_name="storage_gb_per_broker"
        )
        _dimension(r, item, "cluster_name", "cluster_name")
        doc.setdefault("msk", []).append(item)
        ctx.mapped.append(cluster.address)


def nat_gateways(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    ids = []
    for gateway in resources:
        r = Reader(gateway, ctx.where, ctx.notes, ("nat_gateways",))
        ident = r.get("id", use="gateway_ids for planner usage pull")
        if ident:
            ids.append(str(ident))
        ctx.mapped.append(gateway.address)
    item: dict[str, Any] = {
        "count": len(resources),
        "data_processed_gb": ctx.usage_amount(resources, "data_processed_gb", "GB a month"),
        "source": _source(*(g.address for g in resources)),
    }
    ctx.notes.comments[("nat_gateways", "count")] = "one per aws_nat_gateway instance"
    if len(ids) == len(resources):
        item["gateway_ids"] = ids
        ctx.notes.comments[("nat_gateways", "gateway_ids")] = "id of each aws_nat_gateway"
    doc["nat_gateways"] = item


LB_USAGE = (
    ("new_connections_per_second", "a second"),
    ("active_connections_per_minute", "a minute"),
    ("processed_gb_per_hour", "GB an hour"),
)


def load_balancers(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    for lb in resources:
        kind = lb.get("load_balancer_type")
        if kind is not None and kind not in ("application", "network"):
            ctx.unsupported.append(f"{lb.address} (load_balancer_type {kind})")
            continue
        name = ctx.item_name(lb, "load_balancers")
        r = Reader(lb, ctx.where, ctx.notes, ("load_balancers", name))
        kind = r.default(
            "load_balancer_type",
            "application",
            "the provider's default application",
            field_name="type",
        )
        item: dict[str, Any] = {"name": name, "type": kind, "source": _source(lb.address)}
        usage = LB_USAGE + (
            (("rule_evaluations_per_second", "a second"),) if kind == "application" else ()
        )
        for key, what in usage:
            item[key] = ctx.usage_amount([lb], key, what)
        _dimension(r, item, "arn_suffix", "arn_suffix")
        doc.setdefault("load_balancers", []).append(item)
        ctx.mapped.append(lb.address)


def log_groups(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    names = [str(g.get("name")) for g in resources if g.get("name")]
    doc["cloudwatch_logs"] = {
        "ingestion_gb": ctx.usage_amount(resources, "ingestion_gb", "GB ingested a month"),
        "storage_gb": ctx.usage_amount(resources, "storage_gb", "GB stored"),
        "log_group_names": names,
        "source": _source(*(g.address for g in resources)),
    }
    ctx.notes.comments[("cloudwatch_logs", "log_group_names")] = "name of each log group"
    ctx.mapped.extend(g.address for g in resources)


def buckets(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    doc["s3"] = {
        "storage_gb": ctx.usage_amount(resources, "storage_gb", "GB stored, S3 Standard"),
        "source": _source(*(b.address for b in resources)),
    }
    ctx.mapped.extend(b.address for b in resources)


def kms_keys(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    from planner.topology import Amount, Basis

    addresses = [k.address for k in resources]
    doc["kms"] = {
        "keys": Amount(
            value=len(resources),
            basis=Basis.TERRAFORM,
            source=listed(addresses),
            note="one customer managed key per aws_kms_key instance",
        ),
        "requests_10k": ctx.usage_amount(resources, "requests_10k", "10,000 requests a month"),
        "source": _source(*addresses),
    }
    ctx.mapped.extend(addresses)


def ecr_repositories(resources: list[Resource], ctx: Context, doc: dict[str, Any]) -> None:
    doc["ecr"] = {
        "storage_gb": ctx.usage_amount(resources, "storage_gb", "GB of images stored"),
        "source": _source(*(e.address for e in resources)),
    }
    ctx.mapped.extend(e.address for e in resources)


def _dimension(r: Reader, item: dict[str, Any], attribute: str, field: str) -> None:
    """A CloudWatch dimension ``planner usage pull`` reads, when Terraform knows it."""
    value = r.get(attribute, field_name=field, use=f"{field} for planner usage pull")
    if value:
        item[field] = value


def _base(resource: Resource) -> str:
    from planner.terraform.resources import instance_address

    return instance_address(resource.module, resource.type, resource.name, None)


def ctx_error(ctx: Context, resource: Resource, message: str) -> Exception:
    from planner.terraform.resources import TerraformError

    return TerraformError(f"{ctx.where}: {resource.address}: {message}")


# Order matters: the cluster before its node groups, replication groups before clusters.
MAPPERS: dict[str, Mapper] = {
    "aws_eks_cluster": eks,
    "aws_eks_node_group": node_groups,
    "aws_db_instance": rds,
    "aws_elasticache_replication_group": replication_groups,
    "aws_elasticache_cluster": cache_clusters,
    "aws_msk_cluster": msk,
    "aws_nat_gateway": nat_gateways,
    "aws_lb": load_balancers,
    "aws_alb": load_balancers,
    "aws_cloudwatch_log_group": log_groups,
    "aws_s3_bucket": buckets,
    "aws_kms_key": kms_keys,
    "aws_ecr_repository": ecr_repositories,
}
# Read by the resource that uses them; listed as no charge when nothing does.
CONSUMED = {"aws_launch_template": "aws_eks_node_group"}
