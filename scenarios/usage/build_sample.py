"""Build scenarios/usage/sample-staging.parquet from the NAB traces in sources/.

SAMPLE DATA. Real CloudWatch traces (NAB realAWSCloudwatch, MIT, see sources/SOURCES.md)
mapped onto the staging scenario's resources so the usage and right-sizing path runs without
an AWS account. The traces were recorded on other systems in 2013-2014; a trace's shape is
real, its meaning for staging is a stand-in (the MAPPING below says which trace plays which
series, and how its value is converted). Run from the repository root:

    .venv/bin/python scenarios/usage/build_sample.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from planner.scenario import load_scenario  # noqa: E402
from planner.usage.metrics import UNITS, plan_queries, split_key  # noqa: E402
from planner.usage.store import UsageSet, normalise, write_usage  # noqa: E402

# 14 days ending on the seed report's date (Staging Deployment Report v1.0, 2025-11-11).
WINDOW_END = dt.datetime(2025, 11, 11, tzinfo=dt.UTC)
WINDOW_START = WINDOW_END - dt.timedelta(days=14)
PERIOD_S = 300  # NAB traces are 5-minute CloudWatch periods
OUT = HERE / "sample-staging.parquet"

# (resource, metric, trace file, scale): value = trace value x scale.
# NAB's bytes traces are per 5-minute period; MSK's BytesInPerSec is per second (/300).
MAPPING: tuple[tuple[str, str, str, float], ...] = (
    # EKS nodes: AWS/EC2 CPUUtilization of the node group's Auto Scaling group (%)
    ("eks-node-group/general", "CPUUtilization", "ec2_cpu_utilization_53ea38", 1.0),
    ("eks-node-group/compute", "CPUUtilization", "ec2_cpu_utilization_5f5533", 1.0),
    # Pods: Container Insights usage as % of the pod limit (1000m CPU, 1Gi memory in staging);
    # EC2/RDS CPU traces stand in for pod CPU and memory shapes
    (
        "workload/api-gateway",
        "pod_cpu_utilization_over_pod_limit",
        "ec2_cpu_utilization_fe7f93",
        1.0,
    ),
    (
        "workload/api-gateway",
        "pod_memory_utilization_over_pod_limit",
        "rds_cpu_utilization_e47b3b",
        1.0,
    ),
    (
        "workload/emr-service",
        "pod_cpu_utilization_over_pod_limit",
        "ec2_cpu_utilization_53ea38",
        1.0,
    ),
    ("workload/emr-service", "pod_memory_utilization_over_pod_limit", "grok_asg_anomaly", 1.0),
    (
        "workload/task-service",
        "pod_cpu_utilization_over_pod_limit",
        "ec2_cpu_utilization_c6585a",
        1.0,
    ),
    (
        "workload/task-service",
        "pod_memory_utilization_over_pod_limit",
        "rds_cpu_utilization_cc0c53",
        1.0,
    ),
    (
        "workload/handover-service",
        "pod_cpu_utilization_over_pod_limit",
        "ec2_cpu_utilization_24ae8d",
        1.0,
    ),
    (
        "workload/handover-service",
        "pod_memory_utilization_over_pod_limit",
        "ec2_cpu_utilization_5f5533",
        1.0,
    ),
    ("workload/sync-service", "pod_cpu_utilization_over_pod_limit", "grok_asg_anomaly", 1.0),
    (
        "workload/sync-service",
        "pod_memory_utilization_over_pod_limit",
        "ec2_cpu_utilization_53ea38",
        1.0,
    ),
    # RDS and ElastiCache CPU: the two real RDS CPU traces (the busier one on the database)
    ("rds/postgres", "CPUUtilization", "rds_cpu_utilization_e47b3b", 1.0),
    ("elasticache/redis", "CPUUtilization", "rds_cpu_utilization_cc0c53", 1.0),
    # MSK brokers: idle EC2 CPU traces; network traces as bytes/second
    ("msk/kafka/broker-1", "CpuUser", "ec2_cpu_utilization_24ae8d", 1.0),
    ("msk/kafka/broker-1", "CpuSystem", "ec2_cpu_utilization_c6585a", 1.0),
    ("msk/kafka/broker-2", "CpuUser", "ec2_cpu_utilization_53ea38", 1.0),
    ("msk/kafka/broker-2", "CpuSystem", "ec2_cpu_utilization_c6585a", 1.0),
    ("msk/kafka/broker-1", "BytesInPerSec", "ec2_network_in_257a54", 1 / 300),
    ("msk/kafka/broker-2", "BytesInPerSec", "ec2_network_in_5abac7", 1 / 300),
    # NAT gateway (one sample id): NetworkIn traces as bytes per period; the iio trace covers
    # only 4.3 of the 14 days, so this series shows gaps
    ("nat-gateways/nat-sample", "BytesInFromSource", "iio_us-east-1_i-a2eb1cd9_NetworkIn", 1.0),
    ("nat-gateways/nat-sample", "BytesOutToDestination", "iio_us-east-1_i-a2eb1cd9_NetworkIn", 1.0),
    ("nat-gateways/nat-sample", "BytesInFromDestination", "ec2_network_in_257a54", 1.0),
    ("nat-gateways/nat-sample", "BytesOutToSource", "ec2_network_in_257a54", 1.0),
    # NLB: a network trace as processed bytes, the ELB request count as new flows
    ("nlb/api-gateway", "ProcessedBytes", "ec2_network_in_5abac7", 1.0),
    ("nlb/api-gateway", "NewFlowCount", "elb_request_count_8c0756", 1.0),
    # CloudWatch Logs: disk write bytes as ingested bytes (has the DST repeat of 2014-03-09)
    ("cloudwatch-logs/emrtask-staging", "IncomingBytes", "ec2_disk_write_bytes_1ef3de", 1.0),
)


def load_trace(name: str) -> pd.DataFrame:
    """A trace shifted so its first row is WINDOW_START; rows past WINDOW_END are dropped.

    NAB timestamps are local wall-clock times: repeated times (a DST change) keep the first.
    """
    raw = pd.read_csv(HERE / "sources" / f"{name}.csv")
    stamps = pd.to_datetime(raw["timestamp"])
    offset = stamps - stamps.iloc[0]
    frame = pd.DataFrame({"timestamp": WINDOW_START + offset, "value": raw["value"]})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True).dt.floor("min")
    frame = frame.drop_duplicates("timestamp", keep="first")
    return frame[frame["timestamp"] < WINDOW_END]


def build() -> UsageSet:
    parts = []
    for resource, metric, trace, scale in MAPPING:
        frame = load_trace(trace)
        frame["value"] = frame["value"] * scale
        frame["resource"], frame["metric"] = resource, metric
        frame["unit"], frame["period"] = UNITS.get(metric, "None"), PERIOD_S
        parts.append(frame)
    table = normalise(pd.concat(parts, ignore_index=True), "sample")
    have = {(r, m) for r, m, _t, _s in MAPPING}
    staging = load_scenario(HERE.parent / "staging.yaml").topology
    missing = []
    for q in plan_queries(staging).queries:
        resource, metric = split_key(q.key)
        if (resource, metric) not in have:
            missing.append(
                {"resource": resource, "metric": metric, "reason": "no NAB trace for it"}
            )
    return UsageSet(
        frame=table,
        source="SAMPLE: NAB realAWSCloudwatch traces (MIT, numenta/NAB) mapped onto staging "
        "by scenarios/usage/build_sample.py",
        window_start=WINDOW_START,
        window_end=WINDOW_END,
        sample=True,
        missing=missing,
        note="sample data: real traces from other systems standing in for staging's series",
    )


if __name__ == "__main__":
    usage = build()
    write_usage(usage, OUT)
    print(f"wrote {OUT} ({len(usage.frame)} datapoints, {len(usage.missing)} missing series)")
