"""Price List records for tests: the real ones in tests/data, and generated ones.

Real records (tests/data/README.md) exist only for EC2 instances, EBS and RDS Oracle /
MariaDB. For the other services the records below are GENERATED in the Price List's format
(product.sku / productFamily / attributes, terms.OnDemand.<sku>.<offer>.priceDimensions
with rateCode, unit, beginRange, endRange, pricePerUnit.USD), with the attribute names
planner/prices/services.py matches. Their prices are placeholders taken from the bundled
snapshot's us-east-1 rows (so a refreshed staging costs what the bundled one does), not
AWS's prices for the region they are generated for.
"""

from __future__ import annotations

import copy
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
PUBLISHED = "2026-11-02T18:00:00Z"  # placeholder publicationDate of the generated records
USAGE_PREFIX = {"us-east-1": "USE1", "eu-west-1": "EU", "us-west-2": "USW2"}
LOCATION = {"us-east-1": "US East (N. Virginia)", "eu-west-1": "EU (Ireland)"}


def m5_large_record() -> dict[str, Any]:
    """The real m5.large GetProducts record (on-demand and 12 reserved offers)."""
    wrapped = json.loads((DATA / "getproducts_m5.large_us-east-1.json").read_text())
    return json.loads(wrapped["PriceList"][0])


def _sku(*parts: str) -> str:
    return hashlib.sha1("/".join(parts).encode()).hexdigest()[:16].upper()


def record(
    service: str,
    region: str,
    family: str,
    attributes: dict[str, str],
    prices: list[tuple[str, str, str, str]],
    *,
    region_field: str = "regionCode",
) -> dict[str, Any]:
    """One generated record. prices: (unit, usd, beginRange, endRange) dimensions of one offer."""
    sku = _sku(service, region, family, *sorted(f"{k}={v}" for k, v in attributes.items()))
    attrs = {
        "servicecode": service,
        region_field: region,
        "location": LOCATION.get(region, region),
        "locationType": "AWS Region",
        **attributes,
    }
    offer = f"{sku}.JRTCKXETXF"
    dims = {}
    for i, (unit, usd, begin, end) in enumerate(prices):
        rate = f"{offer}.{i:02d}YS6EN2CT7"
        dims[rate] = {
            "rateCode": rate,
            "description": f"{usd} per {unit} ({attributes.get('usagetype', family)})",
            "beginRange": begin,
            "endRange": end,
            "unit": unit,
            "pricePerUnit": {"USD": usd},
            "appliesTo": [],
        }
    return {
        "product": {"productFamily": family, "attributes": attrs, "sku": sku},
        "serviceCode": service,
        "terms": {
            "OnDemand": {
                offer: {
                    "priceDimensions": dims,
                    "sku": sku,
                    "effectiveDate": "2026-11-01T00:00:00Z",
                    "offerTermCode": "JRTCKXETXF",
                    "termAttributes": {},
                }
            }
        },
        "version": "20261102180000",
        "publicationDate": PUBLISHED,
    }


def ec2_instance(region: str, instance: str, usd: str) -> dict[str, Any]:
    """The real m5.large record's shape and reserved offers, renamed to another type."""
    rec = copy.deepcopy(m5_large_record())
    sku = _sku("AmazonEC2", region, instance)
    text = json.dumps(rec).replace("m5.large", instance).replace("6C86BEPQVG73ZGGR", sku)
    rec = json.loads(text)
    attrs = rec["product"]["attributes"]
    attrs["regionCode"] = region
    attrs["location"] = LOCATION.get(region, region)
    if region != "us-east-1":
        attrs["usagetype"] = f"{USAGE_PREFIX[region]}-BoxUsage:{instance}"
    for offer in rec["terms"]["OnDemand"].values():
        for dim in offer["priceDimensions"].values():
            dim["pricePerUnit"]["USD"] = usd
    # the reserved offers in proportion to the on-demand price (m5.large's 0.096/h), so that
    # they stay below it as AWS's do (the price rules quarantine an offer that is not)
    ratio = Decimal(usd) / Decimal("0.096")
    for offer in rec["terms"].get("Reserved", {}).values():
        for dim in offer["priceDimensions"].values():
            price = Decimal(dim["pricePerUnit"]["USD"]) * ratio
            dim["pricePerUnit"]["USD"] = str(price.quantize(Decimal("0.0001")))
    rec["publicationDate"] = PUBLISHED
    return rec


# cache.t3.micro per hour (ec2instances.info 2025-04-24, as in the bundled snapshot)
CACHE_T3_MICRO = {"us-east-1": "0.017", "eu-west-1": "0.018", "us-west-2": "0.017"}


def staging_records(region: str) -> dict[str, list[dict[str, Any]]]:
    """Every record a staging refresh needs, per service code, for one region."""
    p = USAGE_PREFIX[region]
    ec2 = [
        ec2_instance(region, "t3.medium", "0.0416"),
        ec2_instance(region, "t3.large", "0.0832"),
        record(
            "AmazonEC2",
            region,
            "Storage",
            {
                "volumeApiName": "gp3",
                "volumeType": "General Purpose",
                "usagetype": f"{p}-EBS:VolumeUsage.gp3",
            },
            [("GB-Mo", "0.08", "0", "Inf")],
        ),
        record(
            "AmazonEC2",
            region,
            "NAT Gateway",
            {"usagetype": f"{p}-NatGateway-Hours", "operation": "NatGateway"},
            [("Hrs", "0.045", "0", "Inf")],
        ),
        record(
            "AmazonEC2",
            region,
            "NAT Gateway",
            {"usagetype": f"{p}-NatGateway-Bytes", "operation": "NatGateway"},
            [("GB", "0.045", "0", "Inf")],
        ),
    ]
    rds = [
        record(
            "AmazonRDS",
            region,
            "Database Instance",
            {
                "instanceType": "db.t3.medium",
                "databaseEngine": "PostgreSQL",
                "deploymentOption": "Single-AZ",
                "licenseModel": "No license required",
                "usagetype": f"{p}-InstanceUsage:db.t3.medium",
            },
            [("Hrs", "0.072", "0", "Inf")],
        ),
        record(
            "AmazonRDS",
            region,
            "Database Storage",
            {
                "volumeType": "General Purpose-GP3",
                "deploymentOption": "Single-AZ",
                "databaseEngine": "PostgreSQL",
                "usagetype": f"{p}-RDS:GP3-Storage",
            },
            [("GB-Mo", "0.115", "0", "Inf")],
        ),
        record(
            "AmazonRDS",
            region,
            "Storage Snapshot",
            {"usagetype": f"{p}-RDS:ChargedBackupUsage"},
            [("GB-Mo", "0.095", "0", "Inf")],
        ),
    ]
    cache = [
        record(
            "AmazonElastiCache",
            region,
            "Cache Instance",
            {
                "instanceType": "cache.t3.micro",
                "cacheEngine": "Redis",
                "usagetype": f"{p}-NodeUsage:cache.t3.micro",
            },
            # AWS's list price in the region: the snapshot's Memcached row of the same node
            # type must agree (the price rules quarantine a Redis price that does not)
            [("Hrs", CACHE_T3_MICRO[region], "0", "Inf")],
        ),
    ]
    msk = [
        record(
            "AmazonMSK",
            region,
            "Managed Streaming for Apache Kafka (MSK)",
            {"usagetype": f"{p}-Kafka.t3.small"},
            [("Hrs", "0.0456", "0", "Inf")],
        ),
        record(
            "AmazonMSK",
            region,
            "Storage",
            {"usagetype": f"{p}-Kafka.Storage.GP2"},
            [("GB-Mo", "0.1", "0", "Inf")],
        ),
    ]
    elb = [
        record(
            "AWSELB",
            region,
            "Load Balancer-Network",
            {"usagetype": f"{p}-LoadBalancerUsage"},
            [("Hrs", "0.0225", "0", "Inf")],
        ),
        record(
            "AWSELB",
            region,
            "Load Balancer-Network",
            {"usagetype": f"{p}-LCUUsage"},
            [("LCU-Hrs", "0.006", "0", "Inf")],
        ),
    ]
    eks = [
        record(
            "AmazonEKS",
            region,
            "Compute",
            {"usagetype": f"{p}-AmazonEKS-Hours:perCluster"},
            [("Hrs", "0.1", "0", "Inf")],
        ),
        record(
            "AmazonEKS",
            region,
            "Compute",
            {"usagetype": f"{p}-AmazonEKS-Hours:extendedSupport"},
            [("Hrs", "0.6", "0", "Inf")],
        ),
    ]
    cloudwatch = [
        record(
            "AmazonCloudWatch",
            region,
            "Data Payload",
            {"usagetype": f"{p}-DataProcessing-Bytes"},
            [("GB", "0.5", "0", "Inf")],
        ),
        record(
            "AmazonCloudWatch",
            region,
            "Storage Snapshot",
            {"usagetype": f"{p}-TimedStorage-ByteHrs"},
            [("GB-Mo", "0.03", "0", "Inf")],
        ),
    ]
    s3 = [
        record(
            "AmazonS3",
            region,
            "Storage",
            {"volumeType": "Standard", "usagetype": f"{p}-TimedStorage-ByteHrs"},
            [
                ("GB-Mo", "0.023", "0", "51200"),
                ("GB-Mo", "0.022", "51200", "512000"),
                ("GB-Mo", "0.021", "512000", "Inf"),
            ],
        ),
    ]
    kms = [
        record(
            "awskms",
            region,
            "Encryption Key",
            {"usagetype": f"{p}-KMS-Keys"},
            [("Keys", "1", "0", "Inf")],
        ),
        record(
            "awskms",
            region,
            "API Request",
            {"usagetype": f"{p}-KMS-Requests"},
            [("Requests", "0", "0", "20000"), ("Requests", "0.000003", "20000", "Inf")],
        ),
    ]
    ecr = [
        record(
            "AmazonECR",
            region,
            "EC2 Container Registry",
            {"usagetype": f"{p}-TimedStorage-ByteHrs"},
            [("GB-Mo", "0.1", "0", "Inf")],
        ),
    ]
    transfer = [
        record(
            "AWSDataTransfer",
            region,
            "Data Transfer",
            {
                "transferType": "AWS Outbound",
                "toLocation": "External",
                "usagetype": f"{p}-DataTransfer-Out-Bytes",
            },
            [
                ("GB", "0", "0", "1"),
                ("GB", "0.09", "1", "10240"),
                ("GB", "0.085", "10240", "51200"),
                ("GB", "0.07", "51200", "153600"),
                ("GB", "0.05", "153600", "Inf"),
            ],
            region_field="fromRegionCode",
        ),
        record(
            "AWSDataTransfer",
            region,
            "Data Transfer",
            {
                "transferType": "IntraRegion",
                "toLocation": LOCATION.get(region, region),
                "usagetype": f"{p}-DataTransfer-Regional-Bytes",
            },
            [("GB", "0.01", "0", "Inf")],
            region_field="fromRegionCode",
        ),
    ]
    return {
        "AmazonEC2": ec2,
        "AmazonRDS": rds,
        "AmazonElastiCache": cache,
        "AmazonMSK": msk,
        "AWSELB": elb,
        "AmazonEKS": eks,
        "AmazonCloudWatch": cloudwatch,
        "AmazonS3": s3,
        "awskms": kms,
        "AmazonECR": ecr,
        "AWSDataTransfer": transfer,
    }


def offer_file(service: str, records: list[dict[str, Any]], path: Path, *, filler: int = 0) -> Path:
    """A bulk offer file (index.json format) holding these records, plus ``filler`` products
    planner does not price (Windows instances), to make the file big."""
    products: dict[str, Any] = {}
    on_demand: dict[str, Any] = {}
    reserved: dict[str, Any] = {}
    for rec in records:
        sku = rec["product"]["sku"]
        products[sku] = rec["product"]
        on_demand[sku] = rec["terms"].get("OnDemand", {})
        if rec["terms"].get("Reserved"):
            reserved[sku] = rec["terms"]["Reserved"]
    with path.open("w") as handle:
        handle.write(
            json.dumps(
                {
                    "formatVersion": "v1.0",
                    "disclaimer": "generated for planner's tests in AWS's offer file format",
                    "offerCode": service,
                    "version": "20261102180000",
                    "publicationDate": PUBLISHED,
                }
            )[:-1]
        )
        handle.write(', "products": {')
        first = True
        for sku, product in products.items():
            handle.write(("" if first else ",") + json.dumps(sku) + ":" + json.dumps(product))
            first = False
        filler_product = m5_large_record()
        for i in range(filler):
            product = copy.deepcopy(filler_product["product"])
            sku = f"FILLER{i:010d}"
            product["sku"] = sku
            product["attributes"]["operatingSystem"] = "Windows"
            handle.write(("" if first else ",") + json.dumps(sku) + ":" + json.dumps(product))
            first = False
        handle.write('}, "terms": {"OnDemand": {')
        first = True
        for sku, offers in on_demand.items():
            handle.write(("" if first else ",") + json.dumps(sku) + ":" + json.dumps(offers))
            first = False
        filler_terms = filler_product["terms"]
        for i in range(filler):
            sku = f"FILLER{i:010d}"
            text = json.dumps(filler_terms["OnDemand"]).replace("6C86BEPQVG73ZGGR", sku)
            handle.write(("" if first else ",") + json.dumps(sku) + ":" + text)
            first = False
        handle.write('}, "Reserved": {')
        first = True
        for sku, offers in reserved.items():
            handle.write(("" if first else ",") + json.dumps(sku) + ":" + json.dumps(offers))
            first = False
        for i in range(filler):
            sku = f"FILLER{i:010d}"
            text = json.dumps(filler_terms["Reserved"]).replace("6C86BEPQVG73ZGGR", sku)
            handle.write(("" if first else ",") + json.dumps(sku) + ":" + text)
            first = False
        handle.write("}}}")
    return path
