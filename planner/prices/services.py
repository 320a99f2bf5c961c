"""Per service: which Price List records planner prices, under which product key, and the
GetProducts filters that fetch them (for one product a scenario uses, or a whole region).

Product keys are the snapshot's (``instance/t3.medium``, ``db/db.t3.medium/PostgreSQL/
Single-AZ``, ``nlb/lcu`` ...), so refreshed rows replace bundled rows key by key.

Only EC2 instance, EBS and RDS instance records were checked against real GetProducts
records (tests/data). The other services' attribute values (product families, usage-type
suffixes) follow AWS's published offer files as documented in pricing/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from planner.aws.price_list import Filter, ec2_filters, term_match
from planner.prices.records import Mapped, Mapper, attrs_text

EC2_KEYS = ("operatingSystem", "tenancy", "preInstalledSw", "licenseModel", "usagetype")
EBS_USAGE = {
    "gp2": "gp2",
    "gp3": "gp3",
    "piops": "io1",
    "io2": "io2",
    "st1": "st1",
    "sc1": "sc1",
}
RDS_VOLUMES = {
    "General Purpose-GP3": "gp3",
    "General Purpose": "gp2",
    "Provisioned IOPS": "io1",
    "Provisioned IOPS-IO2": "io2",
}
RDS_VOLUME_TYPES = {v: k for k, v in RDS_VOLUMES.items()}
# Data transfer out to the internet: beginRange (GB/month) -> the snapshot's tier product.
INTERNET_TIERS = {
    Decimal(0): "internet-out/first-10tb",
    Decimal(10240): "internet-out/next-40tb",
    Decimal(51200): "internet-out/next-100tb",
    Decimal(153600): "internet-out/over-150tb",
}


def _usage(a: dict[str, Any]) -> str:
    return str(a.get("usagetype", ""))


def ec2(family: str, a: dict[str, Any]) -> Mapped | None:
    usage = _usage(a)
    if family.startswith("Compute Instance"):
        if (
            a.get("operatingSystem") != "Linux"
            or a.get("tenancy") != "Shared"
            or a.get("preInstalledSw", "NA") != "NA"
            or a.get("capacitystatus", "Used") != "Used"
            or "BoxUsage" not in usage
        ):
            return None
        return Mapped(f"instance/{a['instanceType']}", attrs_text(a, EC2_KEYS))
    if family == "Storage" and "VolumeUsage" in usage:
        volume = a.get("volumeApiName") or EBS_USAGE.get(usage.rsplit(".", 1)[-1], "")
        if not volume:
            return None
        return Mapped(f"ebs/{volume}", attrs_text(a, ("volumeType", "volumeApiName", "usagetype")))
    if family == "NAT Gateway":
        if usage.endswith("NatGateway-Hours"):
            return Mapped("nat/hours", f"usagetype={usage}")
        if usage.endswith("NatGateway-Bytes"):
            return Mapped("nat/gb", f"usagetype={usage}")
    return None


def rds(family: str, a: dict[str, Any]) -> Mapped | None:
    deployment = a.get("deploymentOption", "")
    if family == "Database Instance":
        if deployment not in ("Single-AZ", "Multi-AZ"):
            return None
        if a.get("licenseModel") == "Bring your own license":
            return None
        keys = ("databaseEngine", "deploymentOption", "licenseModel", "usagetype")
        engine = a["databaseEngine"]
        return Mapped(f"db/{a['instanceType']}/{engine}/{deployment}", attrs_text(a, keys))
    if family == "Database Storage":
        volume = RDS_VOLUMES.get(str(a.get("volumeType", "")))
        if volume is None or deployment not in ("Single-AZ", "Multi-AZ"):
            return None
        keys = ("volumeType", "deploymentOption", "databaseEngine", "usagetype")
        return Mapped(f"storage/{volume}/{deployment}", attrs_text(a, keys))
    if family == "Storage Snapshot" and _usage(a).endswith("ChargedBackupUsage"):
        return Mapped("backup/gb", f"usagetype={_usage(a)}")
    return None


def elasticache(family: str, a: dict[str, Any]) -> Mapped | None:
    if family == "Cache Instance":
        engine = a.get("cacheEngine", "")
        keys = ("cacheEngine", "usagetype")
        return Mapped(f"node/{a['instanceType']}/{engine}", attrs_text(a, keys))
    if family == "Storage Snapshot" and "BackupUsage" in _usage(a):
        return Mapped("backup/gb", f"usagetype={_usage(a)}")
    return None


MSK_BROKER = re.compile(r"Kafka\.(?!Storage)([a-z0-9]+\.[a-z0-9]+)$")


def msk(family: str, a: dict[str, Any]) -> Mapped | None:
    usage = _usage(a)
    broker = MSK_BROKER.search(usage)
    if broker:
        return Mapped(f"broker/kafka.{broker.group(1)}", f"usagetype={usage}")
    if usage.endswith("Kafka.Storage.GP2"):
        return Mapped("storage/gb", f"usagetype={usage}")
    return None


ELB_KINDS = {
    "Load Balancer-Network": "nlb",
    "Load Balancer-Application": "alb",
    "Load Balancer": "clb",
}


def elb(family: str, a: dict[str, Any]) -> Mapped | None:
    kind = ELB_KINDS.get(family)
    usage = _usage(a)
    if kind is None:
        return None
    if usage.endswith("LoadBalancerUsage"):
        return Mapped(f"{kind}/hours", f"usagetype={usage}")
    if usage.endswith("LCUUsage") and kind != "clb":
        return Mapped(f"{kind}/lcu", f"usagetype={usage}", unit="LCU-Hrs")
    if kind == "clb" and usage.endswith("DataProcessing-Bytes"):
        return Mapped("clb/gb", f"usagetype={usage}")
    return None


def eks(family: str, a: dict[str, Any]) -> Mapped | None:
    usage = _usage(a)
    if usage.endswith("AmazonEKS-Hours:perCluster"):
        return Mapped("cluster/standard", f"usagetype={usage}")
    if usage.lower().endswith("amazoneks-hours:extendedsupport"):
        return Mapped("cluster/extended", f"usagetype={usage}")
    return None


def cloudwatch(family: str, a: dict[str, Any]) -> Mapped | None:
    usage = _usage(a)
    if usage.endswith("-DataProcessing-Bytes") or usage == "DataProcessing-Bytes":
        return Mapped("logs/ingest", f"usagetype={usage}")
    if usage.endswith("-TimedStorage-ByteHrs") or usage == "TimedStorage-ByteHrs":
        return Mapped("logs/storage", f"usagetype={usage}", unit="GB-Mo")
    if usage.endswith("-DataScanned-Bytes") or usage == "DataScanned-Bytes":
        return Mapped("logs/insights", f"usagetype={usage}")
    return None


def s3(family: str, a: dict[str, Any]) -> Mapped | None:
    usage = _usage(a)
    if (
        family == "Storage"
        and a.get("volumeType") == "Standard"
        and usage.endswith("TimedStorage-ByteHrs")
    ):
        return Mapped("storage/standard", f"volumeType=Standard;usagetype={usage}")
    return None


def kms(family: str, a: dict[str, Any]) -> Mapped | None:
    usage = _usage(a)
    if usage.endswith("KMS-Keys"):
        return Mapped("key/month", f"usagetype={usage}", unit="Keys-Mo")
    if usage.endswith("KMS-Requests"):
        return Mapped(
            "requests/10k",
            f"usagetype={usage}",
            scale=Decimal(10000),
            unit="10k requests",
            derivation="AWS lists the price per request; x 10,000 for the snapshot's unit",
        )
    return None


def ecr(family: str, a: dict[str, Any]) -> Mapped | None:
    usage = _usage(a)
    if usage.endswith("TimedStorage-ByteHrs"):
        return Mapped("storage/gb", f"usagetype={usage}", unit="GB-Mo")
    return None


def data_transfer(family: str, a: dict[str, Any]) -> Mapped | None:
    kind = a.get("transferType", "")
    keys = ("transferType", "fromRegionCode", "toLocation", "usagetype")
    if kind == "AWS Outbound" and a.get("toLocation") == "External":
        return Mapped("internet-out", attrs_text(a, keys), tier_names=INTERNET_TIERS)
    if kind in ("IntraRegion", "IntraRegion Outbound"):
        return Mapped("intra-region", attrs_text(a, keys))
    return None


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    mapper: Mapper
    # Filters (besides the region) that fetch everything planner prices in a region.
    region_queries: tuple[dict[str, str], ...]
    region_field: str = "regionCode"


SPECS: dict[str, ServiceSpec] = {
    s.code: s
    for s in (
        ServiceSpec(
            "AmazonEC2",
            ec2,
            (
                {
                    "productFamily": "Compute Instance",
                    "operatingSystem": "Linux",
                    "tenancy": "Shared",
                    "preInstalledSw": "NA",
                    "capacitystatus": "Used",
                },
                {"productFamily": "Storage"},
                {"productFamily": "NAT Gateway"},
            ),
        ),
        ServiceSpec(
            "AmazonRDS",
            rds,
            (
                {"productFamily": "Database Instance"},
                {"productFamily": "Database Storage"},
                {"productFamily": "Storage Snapshot"},
            ),
        ),
        ServiceSpec(
            "AmazonElastiCache",
            elasticache,
            ({"productFamily": "Cache Instance"}, {"productFamily": "Storage Snapshot"}),
        ),
        ServiceSpec("AmazonMSK", msk, ({},)),
        ServiceSpec(
            "AWSELB",
            elb,
            (
                {"productFamily": "Load Balancer-Network"},
                {"productFamily": "Load Balancer-Application"},
            ),
        ),
        ServiceSpec("AmazonEKS", eks, ({},)),
        ServiceSpec("AmazonCloudWatch", cloudwatch, ({},)),
        ServiceSpec("AmazonS3", s3, ({"productFamily": "Storage", "volumeType": "Standard"},)),
        ServiceSpec("awskms", kms, ({},)),
        ServiceSpec("AmazonECR", ecr, ({},)),
        ServiceSpec(
            "AWSDataTransfer",
            data_transfer,
            ({"transferType": "AWS Outbound"}, {"transferType": "IntraRegion"}),
            region_field="fromRegionCode",
        ),
    )
}


@dataclass(frozen=True)
class Query:
    service: str
    filters: tuple[tuple[str, str], ...]

    def aws_filters(self) -> list[Filter]:
        return term_match(**dict(self.filters))


def _query(service: str, region: str, **fields: str) -> Query:
    spec = SPECS[service]
    return Query(service, ((spec.region_field, region), *sorted(fields.items())))


def region_queries(service: str, region: str) -> list[Query]:
    return [_query(service, region, **extra) for extra in SPECS[service].region_queries]


def product_query(service: str, region: str, product: str) -> Query:
    """The narrowest GetProducts query that returns the record(s) of one product key."""
    parts = product.split("/")
    if service == "AmazonEC2":
        if parts[0] == "instance":
            return Query(
                service, tuple((f["Field"], f["Value"]) for f in ec2_filters(parts[1], region))
            )
        if parts[0] == "ebs":
            return _query(service, region, productFamily="Storage", volumeApiName=parts[1])
        if parts[0] == "nat":
            return _query(service, region, productFamily="NAT Gateway")
    if service == "AmazonRDS":
        if parts[0] == "db" and len(parts) == 4:
            return _query(
                service,
                region,
                productFamily="Database Instance",
                instanceType=parts[1],
                databaseEngine=parts[2],
                deploymentOption=parts[3],
            )
        if parts[0] == "storage" and len(parts) == 3 and parts[1] in RDS_VOLUME_TYPES:
            return _query(
                service,
                region,
                productFamily="Database Storage",
                volumeType=RDS_VOLUME_TYPES[parts[1]],
                deploymentOption=parts[2],
            )
        if parts[0] == "backup":
            return _query(service, region, productFamily="Storage Snapshot")
    if service == "AmazonElastiCache":
        if parts[0] == "node" and len(parts) == 3:
            return _query(
                service,
                region,
                productFamily="Cache Instance",
                instanceType=parts[1],
                cacheEngine=parts[2],
            )
        if parts[0] == "backup":
            return _query(service, region, productFamily="Storage Snapshot")
    if service == "AWSELB":
        family = {"nlb": "Load Balancer-Network", "alb": "Load Balancer-Application"}.get(parts[0])
        if family:
            return _query(service, region, productFamily=family)
    if service == "AWSDataTransfer":
        kind = "IntraRegion" if parts[0] == "intra-region" else "AWS Outbound"
        return _query(service, region, transferType=kind)
    if service == "AmazonS3":
        return _query(service, region, productFamily="Storage", volumeType="Standard")
    # Small services (EKS, MSK, CloudWatch, KMS, ECR): the region's records, a page or two.
    return _query(service, region)
