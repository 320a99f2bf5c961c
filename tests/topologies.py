"""Small hand-built topologies for unit tests: one EKS node group ``g`` (by default 2
t3.medium nodes, min 1, max 4, 20 GB root volumes), optionally a db.t3.medium PostgreSQL
database with 100 GB and one NAT gateway. Tests override the group's fields they are about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.topology import Topology

GROUP: dict[str, Any] = {
    "name": "g",
    "instance_type": "t3.medium",
    "min_size": 1,
    "desired_size": 2,
    "max_size": 4,
    "disk_gb": 20,
}


def one_group(
    group: dict[str, Any] | None = None,
    *,
    schedule: dict[str, Any] | None = None,
    rds: bool = False,
    nat: bool = False,
) -> Topology:
    data: dict[str, Any] = {
        "name": "t",
        "region": "us-east-1",
        "as_of": dt.date(2025, 11, 11),
        "eks": {
            "cluster_name": "c",
            "kubernetes_version": "1.31",
            "support": "standard",
            "node_groups": [{**GROUP, **(group or {})}],
        },
    }
    if rds:
        data["rds"] = [
            {
                "name": "db",
                "engine": "PostgreSQL",
                "instance_class": "db.t3.medium",
                "storage_gb": 100,
            }
        ]
    if nat:
        data["nat_gateways"] = {"count": 1, "data_processed_gb": 0}
    if schedule:
        data["schedule"] = schedule
    return Topology.model_validate(data)
