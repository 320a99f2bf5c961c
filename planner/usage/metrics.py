"""Which CloudWatch series to read for a topology, named by resource and metric.

Resource names follow the cost lines (``rds/postgres``, ``eks-node-group/general``) plus
``workload/<name>`` for pods, ``eks/<cluster>`` for cluster-wide Container Insights, one
``msk/<name>/broker-<n>`` per broker, ``nat-gateways/<id>`` and ``cloudwatch-logs/<group>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.aws.cloudwatch import MetricQuery
from planner.topology import Topology

CI = "ContainerInsights"

# (metric, statistic, unit). Utilisation is the period Average; memory is read at its
# Maximum ("memory at max"), free memory/storage at their Minimum; bytes and counts are the
# period Sum so that they add up over the window.
EKS_CLUSTER = (
    ("node_cpu_utilization", "Average", "Percent"),
    ("node_memory_utilization", "Maximum", "Percent"),
    ("node_cpu_reserved_capacity", "Average", "Percent"),
    ("node_memory_reserved_capacity", "Average", "Percent"),
)
# Container Insights pod metrics by ClusterName, Namespace, PodName (PodName is the workload
# prefix, averaged over its pods). Usage over the pod's limit x the limit = absolute usage.
EKS_POD = (
    ("pod_cpu_utilization_over_pod_limit", "Average", "Percent"),
    ("pod_memory_utilization_over_pod_limit", "Maximum", "Percent"),
    ("pod_cpu_reserved_capacity", "Average", "Percent"),
    ("pod_memory_reserved_capacity", "Average", "Percent"),
)
EC2_NODE = (("CPUUtilization", "Average", "Percent"),)
RDS = (
    ("CPUUtilization", "Average", "Percent"),
    ("FreeableMemory", "Minimum", "Bytes"),
    ("DatabaseConnections", "Maximum", "Count"),
    ("FreeStorageSpace", "Minimum", "Bytes"),
    ("CPUCreditBalance", "Minimum", "Count"),
)
ELASTICACHE = (
    ("CPUUtilization", "Average", "Percent"),
    ("EngineCPUUtilization", "Average", "Percent"),
    ("DatabaseMemoryUsagePercentage", "Maximum", "Percent"),
)
MSK = (
    ("CpuUser", "Average", "Percent"),
    ("CpuSystem", "Average", "Percent"),
    ("KafkaDataLogsDiskUsed", "Maximum", "Percent"),
    ("BytesInPerSec", "Average", "Bytes/Second"),
    ("BytesOutPerSec", "Average", "Bytes/Second"),
)
NAT = tuple(
    (m, "Sum", "Bytes")
    for m in (
        "BytesOutToDestination",
        "BytesInFromSource",
        "BytesInFromDestination",
        "BytesOutToSource",
    )
)
NLB = (
    ("ProcessedBytes", "Sum", "Bytes"),
    ("NewFlowCount", "Sum", "Count"),
    ("ActiveFlowCount", "Average", "Count"),
)
ALB = (
    ("ProcessedBytes", "Sum", "Bytes"),
    ("NewConnectionCount", "Sum", "Count"),
    ("ActiveConnectionCount", "Sum", "Count"),
    ("RuleEvaluations", "Sum", "Count"),
)
LOGS = (("IncomingBytes", "Sum", "Bytes"),)


@dataclass(frozen=True)
class UsagePlan:
    queries: tuple[MetricQuery, ...]
    not_read: tuple[dict[str, str], ...]


def key(resource: str, metric: str) -> str:
    return f"{resource}|{metric}"


def split_key(text: str) -> tuple[str, str]:
    resource, _, metric = text.rpartition("|")
    return resource, metric


def _add(
    out: list[MetricQuery],
    resource: str,
    namespace: str,
    dims: tuple[tuple[str, str], ...],
    metrics: tuple[tuple[str, str, str], ...],
) -> None:
    for metric, stat, unit in metrics:
        out.append(MetricQuery(key(resource, metric), namespace, metric, dims, stat, unit))


def plan_queries(topology: Topology) -> UsagePlan:
    """Every series the scenario names, and what it leaves unnamed (with the field to set)."""
    out: list[MetricQuery] = []
    dims: tuple[tuple[str, str], ...]
    skipped: list[dict[str, str]] = []
    eks = topology.eks
    if eks is not None:
        cluster: tuple[tuple[str, str], ...] = (("ClusterName", eks.cluster_name),)
        _add(out, f"eks/{eks.cluster_name}", CI, cluster, EKS_CLUSTER)
        for group in eks.node_groups:
            resource = f"eks-node-group/{group.name}"
            if group.asg_name:
                dims = (("AutoScalingGroupName", group.asg_name),)
                _add(out, resource, "AWS/EC2", dims, EC2_NODE)
            else:
                skipped.append(
                    {"resource": resource, "reason": "set eks.node_groups[].asg_name to read it"}
                )
        for w in eks.workloads:
            dims = (
                *cluster,
                ("Namespace", eks.namespace),
                ("PodName", w.name),
            )
            _add(out, f"workload/{w.name}", CI, dims, EKS_POD)
    for db in topology.rds:
        dims = (("DBInstanceIdentifier", db.db_instance_identifier or db.name),)
        _add(out, f"rds/{db.name}", "AWS/RDS", dims, RDS)
    for cache in topology.elasticache:
        dims = (("CacheClusterId", cache.cache_cluster_id or cache.name),)
        _add(out, f"elasticache/{cache.name}", "AWS/ElastiCache", dims, ELASTICACHE)
    for msk in topology.msk:
        for broker in range(1, msk.brokers + 1):
            dims = (("Cluster Name", msk.cluster_name or msk.name), ("Broker ID", str(broker)))
            _add(out, f"msk/{msk.name}/broker-{broker}", "AWS/Kafka", dims, MSK)
    nat = topology.nat_gateways
    if nat is not None and nat.count:
        for gw in nat.gateway_ids:
            _add(out, f"nat-gateways/{gw}", "AWS/NATGateway", (("NatGatewayId", gw),), NAT)
        if not nat.gateway_ids:
            skipped.append(
                {"resource": "nat-gateways", "reason": "set nat_gateways.gateway_ids to read it"}
            )
    for lb in topology.load_balancers:
        kind = "nlb" if lb.type == "network" else "alb"
        resource = f"{kind}/{lb.name}"
        if lb.arn_suffix:
            namespace = "AWS/NetworkELB" if kind == "nlb" else "AWS/ApplicationELB"
            metrics = NLB if kind == "nlb" else ALB
            _add(out, resource, namespace, (("LoadBalancer", lb.arn_suffix),), metrics)
        else:
            skipped.append(
                {"resource": resource, "reason": "set load_balancers[].arn_suffix to read it"}
            )
    logs = topology.cloudwatch_logs
    if logs is not None:
        for group_name in logs.log_group_names:
            dims = (("LogGroupName", group_name),)
            _add(out, f"cloudwatch-logs/{group_name}", "AWS/Logs", dims, LOGS)
        if not logs.log_group_names:
            skipped.append(
                {
                    "resource": "cloudwatch-logs",
                    "reason": "set cloudwatch_logs.log_group_names to read it",
                }
            )
    return UsagePlan(tuple(out), tuple(skipped))


UNITS: dict[str, str] = {
    m: unit
    for group in (EKS_CLUSTER, EKS_POD, EC2_NODE, RDS, ELASTICACHE, MSK, NAT, NLB, ALB, LOGS)
    for m, _stat, unit in group
}
