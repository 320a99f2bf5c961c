"""Lay the hand-typed staging resources below into `terraform show -json` plan files.

Every attribute value here is typed by hand from the seed report's staging environment (§2.1
variables, §2.2 VPC, §2.3 EKS, RDS, ElastiCache, MSK; §9.1 NLB, logs, S3, KMS, ECR). This
script only writes each value where the JSON Output Format (format_version 1.2) puts it:
``planned_values.root_module`` (with ``child_modules``), ``resource_changes[].change``
(actions, before, after, after_unknown, sensitivity), ``prior_state`` for the changed plan,
and ``configuration`` (provider config, module calls, the references that tie a node group to
its launch template). The layout follows HashiCorp's own fixtures (hashicorp/terraform-json
testdata/has_checks/plan.json, copied to public/ with its licence note); the planner's tests
never run this script, they read the JSON it wrote (committed beside it).

    python tests/data/terraform/build_plans.py  # rewrites both plan files
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AWS = "registry.terraform.io/hashicorp/aws"
TAGS = {"Environment": "staging", "Project": "emrtask"}

# (module, type, name, index, values, unknown-after-apply attributes, id once applied)
R = tuple[str, str, str, Any, dict[str, Any], list[str], str]


def staging() -> list[R]:
    out: list[R] = []
    vpc = "module.vpc"
    out.append(
        (
            vpc,
            "aws_vpc",
            "this",
            None,
            {
                "cidr_block": "10.1.0.0/16",
                "enable_dns_hostnames": True,
                "enable_dns_support": True,
                "instance_tenancy": "default",
                "tags": {**TAGS, "Name": "emrtask-staging"},
            },
            ["arn", "id", "default_route_table_id", "main_route_table_id", "owner_id"],
            "vpc-0b7c1d2e3f4a5b6c7",
        )
    )
    for kind, cidrs in (
        ("public", ("10.1.1.0/24", "10.1.2.0/24")),
        ("private", ("10.1.11.0/24", "10.1.12.0/24")),
        ("database", ("10.1.21.0/24", "10.1.22.0/24")),
    ):
        for i, (cidr, az) in enumerate(zip(cidrs, ("us-east-1a", "us-east-1b"), strict=True)):
            out.append(
                (
                    vpc,
                    "aws_subnet",
                    kind,
                    i,
                    {
                        "availability_zone": az,
                        "cidr_block": cidr,
                        "map_public_ip_on_launch": kind == "public",
                        "tags": {**TAGS, "Name": f"emrtask-staging-{kind}-{az}"},
                    },
                    ["arn", "id", "vpc_id", "owner_id"],
                    f"subnet-0{kind[:3]}{i}a1b2c3d4e5f6",
                )
            )
    out.append(
        (
            vpc,
            "aws_internet_gateway",
            "this",
            None,
            {"tags": TAGS},
            ["arn", "id", "vpc_id", "owner_id"],
            "igw-0c1d2e3f4a5b6c7d8",
        )
    )
    for i in range(2):
        out.append(
            (
                vpc,
                "aws_eip",
                "nat",
                i,
                {"domain": "vpc", "tags": TAGS},
                ["allocation_id", "id", "public_ip", "public_dns"],
                f"eipalloc-0{i}9f8e7d6c5b4a3",
            )
        )
        out.append(
            (
                vpc,
                "aws_nat_gateway",
                "this",
                i,
                {
                    "connectivity_type": "public",
                    "tags": {**TAGS, "Name": f"emrtask-staging-nat-{i}"},
                },
                [
                    "allocation_id",
                    "id",
                    "network_interface_id",
                    "private_ip",
                    "public_ip",
                    "subnet_id",
                ],
                f"nat-0{i}a1b2c3d4e5f60718",
            )
        )
        out.append(
            (
                vpc,
                "aws_route_table",
                "private",
                i,
                {"tags": TAGS},
                ["arn", "id", "route", "vpc_id", "owner_id"],
                f"rtb-0{i}1a2b3c4d5e6f708",
            )
        )

    eks = "module.eks"
    for role in ("cluster", "node"):
        name = f"emrtask-staging-{role}"
        out.append(
            (
                eks,
                "aws_iam_role",
                role,
                None,
                {"name": name, "path": "/", "max_session_duration": 3600},
                ["arn", "id", "unique_id", "assume_role_policy"],
                name,
            )
        )
    out.append(
        (
            eks,
            "aws_eks_cluster",
            "this",
            None,
            {
                "name": "emrtask-staging",
                "version": "1.28",
                "enabled_cluster_log_types": ["api", "audit"],
                "tags": TAGS,
                "vpc_config": [{"endpoint_private_access": True, "endpoint_public_access": True}],
            },
            [
                "arn",
                "certificate_authority",
                "endpoint",
                "id",
                "identity",
                "platform_version",
                "role_arn",
                "status",
                "vpc_config.0.subnet_ids",
                "vpc_config.0.vpc_id",
                "vpc_config.0.cluster_security_group_id",
            ],
            "emrtask-staging",
        )
    )
    out.append(
        (
            eks,
            "aws_cloudwatch_log_group",
            "cluster",
            None,
            {
                "name": "/aws/eks/emrtask-staging/cluster",
                "retention_in_days": 30,
                "skip_destroy": False,
                "tags": TAGS,
            },
            ["arn", "id"],
            "/aws/eks/emrtask-staging/cluster",
        )
    )
    out.append(
        (
            eks,
            "aws_launch_template",
            "general",
            None,
            {
                "name": "emrtask-staging-general",
                "instance_type": "t3.medium",
                "update_default_version": True,
                "block_device_mappings": [
                    {
                        "device_name": "/dev/xvda",
                        "ebs": [
                            {
                                "volume_size": 20,
                                "volume_type": "gp3",
                                "encrypted": "true",
                                "delete_on_termination": "true",
                            }
                        ],
                    }
                ],
                "metadata_options": [
                    {
                        "http_endpoint": "enabled",
                        "http_tokens": "required",
                        "http_put_response_hop_limit": 2,
                    }
                ],
                "tags": TAGS,
            },
            ["arn", "id", "latest_version", "default_version"],
            "lt-0a1b2c3d4e5f60718",
        )
    )
    out.append(
        (
            eks,
            "aws_eks_node_group",
            "general",
            None,
            {
                "cluster_name": "emrtask-staging",
                "node_group_name": "emrtask-staging-general",
                "capacity_type": "ON_DEMAND",
                "ami_type": "AL2_x86_64",
                "instance_types": None,
                "disk_size": None,
                "labels": {"role": "general"},
                "launch_template": [{"name": "emrtask-staging-general", "version": "$Latest"}],
                "scaling_config": [{"min_size": 2, "desired_size": 2, "max_size": 4}],
                "update_config": [{"max_unavailable": 1, "max_unavailable_percentage": None}],
                "tags": TAGS,
            },
            [
                "arn",
                "id",
                "instance_types",
                "launch_template.0.id",
                "node_role_arn",
                "release_version",
                "resources",
                "status",
                "subnet_ids",
                "version",
            ],
            "emrtask-staging:emrtask-staging-general",
        )
    )
    out.append(
        (
            eks,
            "aws_eks_node_group",
            "compute",
            None,
            {
                "cluster_name": "emrtask-staging",
                "node_group_name": "emrtask-staging-compute",
                "capacity_type": "SPOT",
                "ami_type": "AL2_x86_64",
                "instance_types": ["t3.large"],
                "disk_size": 20,
                "labels": {"role": "compute"},
                "launch_template": [],
                "scaling_config": [{"min_size": 1, "desired_size": 1, "max_size": 3}],
                "update_config": [{"max_unavailable": 1, "max_unavailable_percentage": None}],
                "tags": TAGS,
            },
            [
                "arn",
                "id",
                "node_role_arn",
                "release_version",
                "resources",
                "status",
                "subnet_ids",
                "version",
            ],
            "emrtask-staging:emrtask-staging-compute",
        )
    )

    for n, (key, purpose) in enumerate(
        (("rds", "RDS encryption"), ("s3", "S3 encryption"), ("eks", "EKS secrets")), start=1
    ):
        out.append(
            (
                "",
                "aws_kms_key",
                key,
                None,
                {
                    "description": f"emrtask-staging {purpose}",
                    "deletion_window_in_days": 7,
                    "enable_key_rotation": True,
                    "key_usage": "ENCRYPT_DECRYPT",
                    "tags": TAGS,
                },
                ["arn", "id", "key_id", "policy"],
                f"1a2b3c4d-000{n}-4e5f-8a9b-0c1d2e3f4a5b",
            )
        )
    out.append(
        (
            "",
            "aws_kms_alias",
            "rds",
            None,
            {"name": "alias/emrtask-staging-rds"},
            ["arn", "id", "target_key_arn", "target_key_id"],
            "alias/emrtask-staging-rds",
        )
    )
    out.append(
        (
            "",
            "aws_db_subnet_group",
            "this",
            None,
            {"name": "emrtask-staging", "tags": TAGS},
            ["arn", "id", "subnet_ids"],
            "emrtask-staging",
        )
    )
    out.append(
        (
            "",
            "aws_db_instance",
            "postgres",
            None,
            {
                "identifier": "emrtask-staging-postgres",
                "engine": "postgres",
                "engine_version": "15.4",
                "instance_class": "db.t3.medium",
                "allocated_storage": 100,
                "max_allocated_storage": 500,
                "storage_type": "gp3",
                "storage_encrypted": True,
                "multi_az": False,
                "backup_retention_period": 7,
                "db_name": "emrtask",
                "username": "emrtask",
                "skip_final_snapshot": True,
                "deletion_protection": False,
                "tags": TAGS,
            },
            [
                "address",
                "arn",
                "endpoint",
                "hosted_zone_id",
                "id",
                "iops",
                "kms_key_id",
                "resource_id",
                "status",
                "storage_throughput",
                "availability_zone",
            ],
            "db-ABCDEFGHIJKLMNOPQRSTUV0123",
        )
    )
    out.append(
        (
            "",
            "aws_elasticache_subnet_group",
            "this",
            None,
            {"name": "emrtask-staging", "tags": TAGS},
            ["arn", "id", "subnet_ids"],
            "emrtask-staging",
        )
    )
    out.append(
        (
            "",
            "aws_elasticache_replication_group",
            "redis",
            None,
            {
                "replication_group_id": "emrtask-staging-redis",
                "description": "emrtask staging cache",
                "engine": "redis",
                "engine_version": "7.0",
                "node_type": "cache.t3.micro",
                "num_cache_clusters": 1,
                "automatic_failover_enabled": False,
                "multi_az_enabled": False,
                "port": 6379,
                "at_rest_encryption_enabled": True,
                "transit_encryption_enabled": True,
                "tags": TAGS,
            },
            [
                "arn",
                "id",
                "member_clusters",
                "primary_endpoint_address",
                "reader_endpoint_address",
                "num_node_groups",
                "replicas_per_node_group",
            ],
            "emrtask-staging-redis",
        )
    )
    out.append(
        (
            "",
            "aws_msk_cluster",
            "kafka",
            None,
            {
                "cluster_name": "emrtask-staging-kafka",
                "kafka_version": "3.5.1",
                "number_of_broker_nodes": 2,
                "broker_node_group_info": [
                    {
                        "instance_type": "kafka.t3.small",
                        "storage_info": [
                            {
                                "ebs_storage_info": [
                                    {"volume_size": 100, "provisioned_throughput": []}
                                ]
                            }
                        ],
                    }
                ],
                "encryption_info": [
                    {"encryption_in_transit": [{"client_broker": "TLS", "in_cluster": True}]}
                ],
                "tags": TAGS,
            },
            [
                "arn",
                "bootstrap_brokers",
                "bootstrap_brokers_tls",
                "current_version",
                "id",
                "zookeeper_connect_string",
                "broker_node_group_info.0.client_subnets",
                "broker_node_group_info.0.security_groups",
            ],
            "arn:aws:kafka:us-east-1:111122223333:cluster/emrtask-staging-kafka/0a1b2c3d",
        )
    )
    out.append(
        (
            "",
            "aws_lb",
            "api_gateway",
            None,
            {
                "name": "emrtask-staging-api",
                "load_balancer_type": "network",
                "internal": False,
                "enable_cross_zone_load_balancing": False,
                "ip_address_type": "ipv4",
                "tags": TAGS,
            },
            ["arn", "arn_suffix", "dns_name", "id", "subnets", "vpc_id", "zone_id"],
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/"
            "emrtask-staging-api/50dc6c495c0c9188",
        )
    )
    out.append(
        (
            "",
            "aws_lb_target_group",
            "api_gateway",
            None,
            {
                "name": "emrtask-staging-api",
                "port": 8080,
                "protocol": "TCP",
                "target_type": "ip",
                "tags": TAGS,
            },
            ["arn", "arn_suffix", "id", "vpc_id"],
            "arn:aws:elasticloadbalancing:tg/api",
        )
    )
    out.append(
        (
            "",
            "aws_cloudwatch_log_group",
            "app",
            None,
            {
                "name": "/emrtask/staging/app",
                "retention_in_days": 30,
                "skip_destroy": False,
                "tags": TAGS,
            },
            ["arn", "id"],
            "/emrtask/staging/app",
        )
    )
    out.append(
        (
            "",
            "aws_s3_bucket",
            "data",
            None,
            {"bucket": "emrtask-staging-data", "force_destroy": False, "tags": TAGS},
            ["arn", "bucket_domain_name", "id", "region", "versioning"],
            "emrtask-staging-data",
        )
    )
    for service in (
        "api-gateway",
        "emr-service",
        "handover-service",
        "sync-service",
        "task-service",
    ):
        out.append(
            (
                "",
                "aws_ecr_repository",
                "services",
                service,
                {
                    "name": f"emrtask/{service}",
                    "image_tag_mutability": "IMMUTABLE",
                    "force_delete": False,
                    "tags": TAGS,
                },
                ["arn", "id", "registry_id", "repository_url"],
                f"emrtask/{service}",
            )
        )
    out.append(
        (
            "",
            "aws_secretsmanager_secret",
            "db",
            None,
            {"name": "emrtask-staging/db", "recovery_window_in_days": 7, "tags": TAGS},
            ["arn", "id"],
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:db",
        )
    )
    return out


def address(r: R) -> str:
    module, rtype, name, index, *_ = r
    base = f"{module}.{rtype}.{name}" if module else f"{rtype}.{name}"
    if index is None:
        return base
    return f"{base}[{index}]" if isinstance(index, int) else f'{base}["{index}"]'


# Attributes the changed plan knows because the staging plan was applied (besides ``id``)
APPLIED: dict[str, dict[str, Any]] = {
    "aws_lb.api_gateway": {"arn_suffix": "net/emrtask-staging-api/50dc6c495c0c9188"},
    "module.eks.aws_eks_node_group.general": {
        "resources": [
            {
                "autoscaling_groups": [{"name": "eks-emrtask-staging-general-4ec5"}],
                "remote_access_security_group_id": "",
            }
        ]
    },
    "module.eks.aws_eks_node_group.compute": {
        "instance_types": ["t3.large"],
        "resources": [
            {
                "autoscaling_groups": [{"name": "eks-emrtask-staging-compute-1ac7"}],
                "remote_access_security_group_id": "",
            }
        ],
    },
}


def values(r: R, applied: bool) -> dict[str, Any]:
    out = copy.deepcopy(r[4])
    if applied:
        out["id"] = r[6]
        out.update(copy.deepcopy(APPLIED.get(address(r), {})))
    return out


def unknown_tree(keys: list[str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key in keys:
        parts = key.split(".")
        node: Any = tree
        for i, part in enumerate(parts[:-1]):
            nxt = parts[i + 1]
            if part.isdigit():
                while len(node) <= int(part):
                    node.append({})
                node = node[int(part)]
            else:
                node = node.setdefault(part, [] if nxt.isdigit() else {})
        last = parts[-1]
        node[last] = True
    return tree


def resource_entry(r: R, vals: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"address": address(r), "mode": "managed", "type": r[1], "name": r[2]}
    if r[3] is not None:
        entry["index"] = r[3]
    entry.update(
        {"provider_name": AWS, "schema_version": 0, "values": vals, "sensitive_values": {}}
    )
    return entry


def planned_values(resources: list[tuple[R, dict[str, Any]]]) -> dict[str, Any]:
    root: dict[str, Any] = {"resources": [], "child_modules": []}
    modules: dict[str, dict[str, Any]] = {}
    for r, vals in resources:
        if r[0]:
            if r[0] not in modules:
                modules[r[0]] = {"resources": [], "address": r[0]}
                root["child_modules"].append(modules[r[0]])
            modules[r[0]]["resources"].append(resource_entry(r, vals))
        else:
            root["resources"].append(resource_entry(r, vals))
    return {"root_module": root}


def change(r: R, actions: list[str], before: Any, after: Any, unknown: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"address": address(r)}
    if r[0]:
        entry["module_address"] = r[0]
    entry.update({"mode": "managed", "type": r[1], "name": r[2]})
    if r[3] is not None:
        entry["index"] = r[3]
    entry.update(
        {
            "provider_name": AWS,
            "change": {
                "actions": actions,
                "before": before,
                "after": after,
                "after_unknown": unknown_tree(unknown) if after is not None else {},
                "before_sensitive": False if before is None else {},
                "after_sensitive": False if after is None else {},
            },
        }
    )
    if "delete" in actions and len(actions) == 1:
        entry["action_reason"] = "delete_because_count_index"
    return entry


def configuration() -> dict[str, Any]:
    def res(
        rtype: str,
        name: str,
        exprs: dict[str, Any],
        key: str = "aws",
        count: str | None = None,
        for_each: str | None = None,
    ) -> dict[str, Any]:
        out = {
            "address": f"{rtype}.{name}",
            "mode": "managed",
            "type": rtype,
            "name": name,
            "provider_config_key": key,
            "expressions": exprs,
            "schema_version": 0,
        }
        if count:
            out["count_expression"] = {"references": [count]}
        if for_each:
            out["for_each_expression"] = {"references": [for_each]}
        return out

    eks_resources = [
        res(
            "aws_eks_cluster",
            "this",
            {
                "name": {"references": ["var.cluster_name"]},
                "version": {"references": ["var.cluster_version"]},
                "role_arn": {"references": ["aws_iam_role.cluster.arn", "aws_iam_role.cluster"]},
            },
            "module.eks:aws",
        ),
        res(
            "aws_launch_template",
            "general",
            {
                "instance_type": {"constant_value": "t3.medium"},
                "block_device_mappings": [
                    {
                        "device_name": {"constant_value": "/dev/xvda"},
                        "ebs": [
                            {
                                "volume_size": {"constant_value": 20},
                                "volume_type": {"constant_value": "gp3"},
                            }
                        ],
                    }
                ],
            },
            "module.eks:aws",
        ),
        res(
            "aws_eks_node_group",
            "general",
            {
                "cluster_name": {
                    "references": ["aws_eks_cluster.this.name", "aws_eks_cluster.this"]
                },
                "launch_template": [
                    {
                        "id": {
                            "references": [
                                "aws_launch_template.general.id",
                                "aws_launch_template.general",
                            ]
                        },
                        "version": {"constant_value": "$Latest"},
                    }
                ],
                "scaling_config": [
                    {
                        "min_size": {"constant_value": 2},
                        "desired_size": {"references": ["var.general_desired"]},
                        "max_size": {"constant_value": 4},
                    }
                ],
            },
            "module.eks:aws",
        ),
        res(
            "aws_eks_node_group",
            "compute",
            {
                "cluster_name": {
                    "references": ["aws_eks_cluster.this.name", "aws_eks_cluster.this"]
                },
                "capacity_type": {"constant_value": "SPOT"},
                "instance_types": {"constant_value": ["t3.large"]},
                "scaling_config": [
                    {
                        "min_size": {"constant_value": 1},
                        "desired_size": {"constant_value": 1},
                        "max_size": {"constant_value": 3},
                    }
                ],
            },
            "module.eks:aws",
        ),
    ]
    return {
        "provider_config": {
            "aws": {
                "name": "aws",
                "full_name": AWS,
                "version_constraint": "~> 5.0",
                "expressions": {"region": {"references": ["var.aws_region"]}},
            },
            "module.eks:aws": {"name": "aws", "full_name": AWS, "module_address": "module.eks"},
            "module.vpc:aws": {"name": "aws", "full_name": AWS, "module_address": "module.vpc"},
        },
        "root_module": {
            "resources": [
                res(
                    "aws_db_instance",
                    "postgres",
                    {
                        "instance_class": {"constant_value": "db.t3.medium"},
                        "allocated_storage": {"constant_value": 100},
                        "kms_key_id": {"references": ["aws_kms_key.rds.arn", "aws_kms_key.rds"]},
                    },
                ),
                res(
                    "aws_ecr_repository",
                    "services",
                    {
                        "name": {"references": ["each.key"]},
                    },
                    for_each="local.services",
                ),
            ],
            "module_calls": {
                "vpc": {
                    "source": "./modules/vpc",
                    "expressions": {
                        "cidr": {"references": ["var.vpc_cidr"]},
                        "nat_gateways": {"constant_value": 2},
                    },
                    "module": {
                        "resources": [
                            res(
                                "aws_nat_gateway",
                                "this",
                                {
                                    "allocation_id": {"references": ["aws_eip.nat", "count.index"]},
                                },
                                "module.vpc:aws",
                                count="var.nat_gateways",
                            ),
                        ],
                        "variables": {"cidr": {}, "nat_gateways": {"default": 2}},
                    },
                },
                "eks": {
                    "source": "./modules/eks",
                    "expressions": {
                        "cluster_name": {"references": ["var.cluster_name"]},
                        "cluster_version": {"references": ["var.cluster_version"]},
                        "general_desired": {"constant_value": 2},
                    },
                    "module": {
                        "resources": eks_resources,
                        "variables": {
                            "cluster_name": {},
                            "cluster_version": {},
                            "general_desired": {"default": 2},
                        },
                    },
                },
            },
            "variables": {
                "aws_region": {"default": "us-east-1"},
                "environment": {"default": "staging"},
                "cluster_name": {"default": "emrtask-staging"},
                "cluster_version": {"default": "1.28"},
                "vpc_cidr": {"default": "10.1.0.0/16"},
            },
        },
    }


def variables() -> dict[str, Any]:
    return {
        "aws_region": {"value": "us-east-1"},
        "environment": {"value": "staging"},
        "cluster_name": {"value": "emrtask-staging"},
        "cluster_version": {"value": "1.28"},
        "vpc_cidr": {"value": "10.1.0.0/16"},
    }


def staging_plan() -> dict[str, Any]:
    resources = staging()
    after = [(r, values(r, applied=False)) for r in resources]
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "variables": variables(),
        "planned_values": planned_values(after),
        "resource_changes": [change(r, ["create"], None, v, r[5]) for r, v in after],
        "configuration": configuration(),
        "timestamp": "2025-11-11T09:30:00Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def changed(r: R, vals: dict[str, Any]) -> dict[str, Any] | None:
    """The pull request's edits: None deletes the resource."""
    addr = address(r)
    vals = copy.deepcopy(vals)
    if addr == "aws_db_instance.postgres":  # type change
        vals["instance_class"] = "db.t3.large"
    elif addr == "module.eks.aws_eks_node_group.general":  # node count change
        vals["scaling_config"] = [{"min_size": 2, "desired_size": 3, "max_size": 4}]
    elif addr == "aws_elasticache_replication_group.redis":  # an added replica
        vals["num_cache_clusters"] = 2
    elif addr in (
        "module.vpc.aws_nat_gateway.this[1]",
        "module.vpc.aws_eip.nat[1]",
        "module.vpc.aws_route_table.private[1]",
    ):  # one NAT gateway removed
        return None
    return vals


def changed_plan() -> dict[str, Any]:
    resources = staging()
    before = [(r, values(r, applied=True)) for r in resources]
    after: list[tuple[R, dict[str, Any]]] = []
    changes = []
    for r, old in before:
        new = changed(r, old)
        if new is None:
            changes.append(change(r, ["delete"], old, None, []))
            continue
        after.append((r, new))
        changes.append(change(r, ["update"] if new != old else ["no-op"], old, new, []))
    prior = planned_values(before)
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "variables": variables(),
        "planned_values": planned_values(after),
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.9.5", "values": prior},
        "configuration": configuration(),
        "timestamp": "2025-11-11T14:05:00Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }


if __name__ == "__main__":
    for name, plan in (
        ("staging-plan.json", staging_plan()),
        ("staging-changed-plan.json", changed_plan()),
    ):
        (HERE / name).write_text(json.dumps(plan, indent=2) + "\n", encoding="utf-8")
