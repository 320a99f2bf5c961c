"""The staging topology of the seed report, created in a moto account over HTTP.

Names follow scenarios/staging.yaml so that discovery can be compared line by line: EKS
cluster emrtask-staging (1.28) with node groups general (2-2-4 x t3.medium, ON_DEMAND) and
compute (1-1-3 x t3.large, SPOT), RDS postgres (db.t3.medium, PostgreSQL 15.4, 100 GB gp3 up
to 500, 7 days), ElastiCache redis (1 x cache.t3.micro, Redis 7.0), MSK kafka (2 x
kafka.t3.small, 100 GB each, 3.5.1), 2 NAT gateways, one NLB api-gateway, one log group,
one S3 bucket, 3 customer managed KMS keys and 50 GiB of ECR images. Everything is tagged
Environment=staging; ``noise`` adds untagged production resources that --tag must leave out.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

REGION = "us-east-1"
TAG = {"Environment": "staging"}
GIB = 2**30


def _tags(kind: str = "list") -> Any:
    if kind == "dict":
        return dict(TAG)
    if kind == "kms":
        return [{"TagKey": k, "TagValue": v} for k, v in TAG.items()]
    return [{"Key": k, "Value": v} for k, v in TAG.items()]


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint)  # type: ignore[call-overload]


def create_staging(endpoint: str, *, noise: bool = True) -> dict[str, Any]:
    """Create the staging account; return the IDs a test may need."""
    ec2 = _client("ec2", endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"]
        for i in (1, 2)
    ]
    nat_ids = []
    for subnet in subnets:
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat_ids.append(
            ec2.create_nat_gateway(
                SubnetId=subnet,
                AllocationId=eip,
                TagSpecifications=[{"ResourceType": "natgateway", "Tags": _tags()}],
            )["NatGateway"]["NatGatewayId"]
        )
    template = ec2.create_launch_template(
        LaunchTemplateName="compute-nodes",
        LaunchTemplateData={
            "BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 20, "VolumeType": "gp3"}}
            ]
        },
    )["LaunchTemplate"]
    eks = _client("eks", endpoint)
    eks.create_cluster(
        name="emrtask-staging",
        version="1.28",
        roleArn="arn:aws:iam::123456789012:role/eks-cluster",
        resourcesVpcConfig={"subnetIds": subnets},
        tags=_tags("dict"),
    )
    role = "arn:aws:iam::123456789012:role/eks-nodes"
    eks.create_nodegroup(
        clusterName="emrtask-staging",
        nodegroupName="general",
        scalingConfig={"minSize": 2, "maxSize": 4, "desiredSize": 2},
        subnets=subnets,
        nodeRole=role,
        instanceTypes=["t3.medium"],
        capacityType="ON_DEMAND",
        diskSize=20,
        tags=_tags("dict"),
    )
    eks.create_nodegroup(
        clusterName="emrtask-staging",
        nodegroupName="compute",
        scalingConfig={"minSize": 1, "maxSize": 3, "desiredSize": 1},
        subnets=subnets,
        nodeRole=role,
        instanceTypes=["t3.large"],
        capacityType="SPOT",
        launchTemplate={"id": template["LaunchTemplateId"], "version": "1"},
        tags=_tags("dict"),
    )
    _client("rds", endpoint).create_db_instance(
        DBInstanceIdentifier="postgres",
        DBInstanceClass="db.t3.medium",
        Engine="postgres",
        EngineVersion="15.4",
        AllocatedStorage=100,
        MaxAllocatedStorage=500,
        StorageType="gp3",
        MultiAZ=False,
        BackupRetentionPeriod=7,
        MasterUsername="planner",
        MasterUserPassword="not-a-secret-1",
        Tags=_tags(),
    )
    _client("elasticache", endpoint).create_cache_cluster(
        CacheClusterId="redis",
        Engine="redis",
        EngineVersion="7.0",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
        Tags=_tags(),
    )
    _client("kafka", endpoint).create_cluster(
        ClusterName="kafka",
        KafkaVersion="3.5.1",
        NumberOfBrokerNodes=2,
        BrokerNodeGroupInfo={
            "InstanceType": "kafka.t3.small",
            "ClientSubnets": subnets,
            "StorageInfo": {"EbsStorageInfo": {"VolumeSize": 100}},
        },
        Tags=_tags("dict"),
    )
    elb = _client("elbv2", endpoint)
    lb = elb.create_load_balancer(
        Name="api-gateway", Subnets=subnets, Type="network", Tags=_tags()
    )["LoadBalancers"][0]
    logs = _client("logs", endpoint)
    logs.create_log_group(logGroupName="/aws/eks/emrtask-staging/cluster", tags=_tags("dict"))
    s3 = _client("s3", endpoint)
    s3.create_bucket(Bucket="emrtask-staging-data")
    s3.put_bucket_tagging(Bucket="emrtask-staging-data", Tagging={"TagSet": _tags()})
    kms = _client("kms", endpoint)
    keys = [kms.create_key(Tags=_tags("kms"))["KeyMetadata"]["KeyId"] for _ in range(3)]
    ecr = _client("ecr", endpoint)
    ecr.create_repository(repositoryName="api-gateway", tags=_tags())
    # moto reports an image's imageSizeInBytes as its manifest's config size: two images of
    # 25 GiB each make the 50 GiB the report's $5 of ECR storage stands for
    for n in (1, 2):
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "size": 25 * GIB,
                "digest": "sha256:" + f"{n}" * 64,
                "mediaType": "application/vnd.docker.container.image.v1+json",
            },
            "layers": [
                {
                    "size": 25 * GIB,
                    "digest": "sha256:" + f"{n + 4}" * 64,
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                }
            ],
        }
        ecr.put_image(
            repositoryName="api-gateway", imageManifest=json.dumps(manifest), imageTag=f"v{n}"
        )
    if noise:
        _client("rds", endpoint).create_db_instance(
            DBInstanceIdentifier="prod-postgres",
            DBInstanceClass="db.r5.large",
            Engine="postgres",
            AllocatedStorage=500,
            StorageType="gp3",
            MasterUsername="planner",
            MasterUserPassword="not-a-secret-1",
            Tags=[{"Key": "Environment", "Value": "production"}],
        )
        kms.create_key(Tags=[{"TagKey": "Environment", "TagValue": "production"}])
        s3.create_bucket(Bucket="emrtask-production-data")
    return {
        "nat_ids": nat_ids,
        "lb_arn": lb["LoadBalancerArn"],
        "keys": keys,
        "template": template["LaunchTemplateId"],
    }
