"""Every staging line is priced from the product written by hand below, at AWS's public price.

The product table is independent of the code: a line priced from the wrong product (e.g. NLB
LCU-hours from ``nlb/hours``) fails here even though its own ``price_ref`` row would agree
with its unit price.
"""

from __future__ import annotations

from decimal import Decimal

from snapshot_csv import on_demand_row

from planner.catalog import load_catalog
from planner.costing.engine import price_topology
from planner.money import HOURS_PER_MONTH, cents
from planner.scenario import load_scenario

# Written by hand: resource | component (up to " (") | service | product | AWS public price
# (us-east-1, USD per unit, from the service's pricing page on aws.amazon.com).
STAGING_TABLE = """
eks/emrtask-staging | EKS control plane | AmazonEKS | cluster/extended | 0.60
eks-node-group/general | Instance usage | AmazonEC2 | instance/t3.medium | 0.0416
eks-node-group/general | EBS root volume | AmazonEC2 | ebs/gp3 | 0.08
eks-node-group/compute | Instance usage | AmazonEC2 | instance/t3.large | 0.0832
eks-node-group/compute | EBS root volume | AmazonEC2 | ebs/gp3 | 0.08
rds/postgres | DB instance | AmazonRDS | db/db.t3.medium/PostgreSQL/Single-AZ | 0.072
rds/postgres | Storage | AmazonRDS | storage/gp3/Single-AZ | 0.115
rds/postgres | Backup storage beyond the free allowance | AmazonRDS | backup/gb | 0.095
elasticache/redis | Cache nodes | AmazonElastiCache | node/cache.t3.micro/Redis | 0.017
msk/kafka | Broker instances | AmazonMSK | broker/kafka.t3.small | 0.0456
msk/kafka | Broker storage | AmazonMSK | storage/gb | 0.10
nat-gateways | NAT gateway hours | AmazonEC2 | nat/hours | 0.045
nat-gateways | NAT gateway data processed | AmazonEC2 | nat/gb | 0.045
nlb/api-gateway | Network load balancer hours | AWSELB | nlb/hours | 0.0225
nlb/api-gateway | Load balancer capacity units | AWSELB | nlb/lcu | 0.006
data-transfer | Data transfer out to the internet | AWSDataTransfer | internet-out/first-10tb | 0.09
cloudwatch-logs | Logs ingestion | AmazonCloudWatch | logs/ingest | 0.50
cloudwatch-logs | Logs storage | AmazonCloudWatch | logs/storage | 0.03
s3 | S3 Standard storage | AmazonS3 | storage/standard | 0.023
kms | Customer managed keys | awskms | key/month | 1
kms | Requests | awskms | requests/10k | 0.03
ecr | Image storage | AmazonECR | storage/gb | 0.10
"""
REGION = "us-east-1"
STAGING_PRODUCTS: dict[tuple[str, str], tuple[str, str]] = {
    (resource, component): (f"{service}/{REGION}/{product}", price)
    for resource, component, service, product, price in (
        [cell.strip() for cell in row.split("|")] for row in STAGING_TABLE.strip().splitlines()
    )
}
# staging's compute group is SPOT at the scenario's assumed 70% off on-demand
SPOT_FACTOR = {("eks-node-group/compute", "Instance usage"): Decimal("0.30")}


def test_every_staging_line_is_priced_from_the_hand_written_product() -> None:
    report = price_topology(load_scenario("staging").topology, load_catalog())
    assert report.lines and not report.missing and not report.warnings
    keys = [(ln.resource, ln.component.split(" (")[0]) for ln in report.lines]
    assert sorted(keys) == sorted(STAGING_PRODUCTS), "staging's lines changed"
    expected_total = Decimal(0)
    for key, line in zip(keys, report.lines, strict=True):
        product, public_price = STAGING_PRODUCTS[key]
        assert line.price_ref == product, key
        # the CSV row of the hand-written product (not of the line's own price_ref)
        row_price = Decimal(on_demand_row(product)["usd"])
        assert row_price == Decimal(public_price), key
        unit_price = row_price * SPOT_FACTOR.get(key, Decimal(1))
        assert line.unit_price_usd == unit_price, key
        assert line.monthly_usd == line.quantity * unit_price, key
        expected_total += cents(line.quantity * unit_price)  # lines rounded first
    assert report.total_monthly_usd == expected_total
    # by hand: EKS 730 x 0.60 = 438 | general 1,460 h x 0.0416 = 60.736, 40 GB x 0.08 = 3.20 |
    # compute 730 x 0.0832 x 0.30 = 18.2208, 20 GB x 0.08 = 1.60 | RDS 730 x 0.072 = 52.56,
    # 100 x 0.115 = 11.50, backup 0 | Redis 730 x 0.017 = 12.41 | MSK 1,460 x 0.0456 = 66.576,
    # 200 x 0.10 = 20 | NAT 1,460 x 0.045 = 65.70, 100 x 0.045 = 4.50 | NLB 730 x 0.0225 =
    # 16.425, 100.01 x 0.006 = 0.60006 | egress 100 x 0.09 = 9 | logs 50 x 0.50 = 25,
    # 50 x 0.03 = 1.50 | S3 10 x 0.023 = 0.23 | KMS 3 x 1 = 3 | ECR 50 x 0.10 = 5
    # = 815.75786 exact; shown as the sum of its lines rounded to the cent first:
    # 438.00 + 60.74 + 3.20 + 18.22 + 1.60 + 52.56 + 11.50 + 0 + 12.41 + 66.58 + 20.00 + 65.70
    # + 4.50 + 16.43 + 0.60 + 9.00 + 25.00 + 1.50 + 0.23 + 3.00 + 0 + 5.00 = 815.77
    assert report.exact_monthly_usd == Decimal("815.75786")
    assert report.total_monthly_usd == Decimal("815.77")


def test_staging_quantities_follow_the_scenario() -> None:
    topology = load_scenario("staging").topology
    report = price_topology(topology, load_catalog())
    by_component = {(ln.resource, ln.component.split(" (")[0]): ln for ln in report.lines}
    assert topology.eks is not None
    for group in topology.eks.node_groups:
        line = by_component[(f"eks-node-group/{group.name}", "Instance usage")]
        assert line.quantity == HOURS_PER_MONTH * group.desired_size
    assert topology.nat_gateways is not None
    nat = by_component[("nat-gateways", "NAT gateway hours")]
    assert nat.quantity == HOURS_PER_MONTH * topology.nat_gateways.count


# Production (scenarios/production.yaml, the seed report's section 9.3), every line worked by
# hand: resource | component | quantity (from the scenario, as written) | AWS public price
# (us-east-1, USD per unit) | the line to the cent, half up. The twin of
# tests/golden/price-production.*: the golden pins the format, this pins the numbers.
PRODUCTION_BY_HAND = """
eks/emrtask-production | EKS control plane | 730 | 0.10 | 73.00
eks-node-group/general | Instance usage | 2190 | 0.096 | 210.24
eks-node-group/general | EBS root volume | 60 | 0.08 | 4.80
eks-node-group/compute | Instance usage | 2190 | 0.0576 | 126.14
eks-node-group/compute | EBS root volume | 60 | 0.08 | 4.80
nat-gateways | NAT gateway hours | 2190 | 0.045 | 98.55
nat-gateways | NAT gateway data processed | 500 | 0.045 | 22.50
rds/postgres | DB instance | 730 | 0.356 | 259.88
rds/postgres | Storage | 200 | 0.23 | 46.00
rds/postgres | Backup storage beyond the free allowance | 0 | 0.095 | 0.00
elasticache/redis | Cache nodes | 1460 | 0.149 | 217.54
msk/kafka | Broker instances | 2190 | 0.21 | 459.90
msk/kafka | Broker storage | 1500 | 0.10 | 150.00
nlb/api-gateway | Network load balancer hours | 730 | 0.0225 | 16.43
nlb/api-gateway | Load balancer capacity units | 1000.1 | 0.006 | 6.00
cloudwatch-logs | Logs ingestion | 250 | 0.50 | 125.00
cloudwatch-logs | Logs storage | 250 | 0.03 | 7.50
s3 | S3 Standard storage | 100 | 0.023 | 2.30
kms | Customer managed keys | 3 | 1 | 3.00
kms | Requests | 0 | 0.03 | 0.00
ecr | Image storage | 50 | 0.10 | 5.00
data-transfer | Data transfer out to the internet | 1000 | 0.09 | 90.00
data-transfer | Inter-AZ data transfer | 400 | 0.01 | 4.00
"""
# Why each quantity and price:
# - EKS 1.34 is in standard support on 2025-12-01: $0.10 an hour, 730 h.
# - general: 3 m5.large nodes x 730 h = 2,190 h at $0.096; 3 x 20 GB gp3 root = 60 GB at $0.08.
# - compute: 3 m5.xlarge x 730 = 2,190 h, spot at the scenario's assumed 70% off $0.192 =
#   $0.0576 (2,190 x 0.0576 = 126.144 -> 126.14); root volumes as general.
# - NAT: 3 gateways (one per AZ) x 730 h at $0.045; 500 GB processed at $0.045.
# - RDS db.m5.large PostgreSQL Multi-AZ: $0.356 (twice Single-AZ $0.178); gp3 Multi-AZ
#   $0.23 a GB-month (twice $0.115) x 200 GB; backup within the free allowance: 0 GB.
# - Redis: 2 cache.m6g.large nodes x 730 h = 1,460 h at $0.149.
# - MSK: 3 kafka.m5.large brokers x 730 h at $0.21; 3 x 500 GB storage at $0.10.
# - NLB: 730 h at $0.0225 = 16.425 -> 16.43 (half up). An NLB LCU is 1 GB/h processed or
#   800 new TCP flows/s (the larger counts): max(1.37, 50/800 = 0.0625) = 1.37 LCU x 730 h =
#   1,000.1 LCU-hours at $0.006 = 6.0006 -> 6.00.
# - Logs: 250 GB ingested at $0.50, 250 GB-month stored at $0.03. S3 100 GB at $0.023.
#   KMS 3 keys at $1, no requests priced. ECR 50 GB at $0.10.
# - Egress: 1,000 GB, all inside the first 10 TB tier at $0.09. Inter-AZ: 200 GB crossing
#   AZs is billed out of one AZ and into the other, $0.01 each way = 400 GB at $0.01.
# Total: 73.00 + 467.03 (EC2) + 305.88 (RDS) + 217.54 + 609.90 (MSK) + 22.43 (ELB) +
# 132.50 (logs) + 2.30 + 3.00 + 5.00 + 94.00 (transfer) = 1,932.58.


def test_every_production_line_and_the_total_worked_by_hand() -> None:
    from planner import figures

    report = price_topology(load_scenario("production").topology, load_catalog())
    assert not report.missing
    hand = {
        (resource, component): (Decimal(q), Decimal(price), Decimal(usd))
        for resource, component, q, price, usd in (
            [cell.strip() for cell in row.split("|")]
            for row in PRODUCTION_BY_HAND.strip().splitlines()
        )
    }
    got = {(ln.resource, ln.component.split(" (")[0]): ln for ln in report.lines}
    assert sorted(got) == sorted(hand), "production's lines changed"
    for key, (quantity, unit_price, usd) in hand.items():
        line = got[key]
        assert (line.quantity, line.unit_price_usd) == (quantity, unit_price), key
        assert figures.line_usd(line) == usd, key
    assert sum(usd for _, _, usd in hand.values()) == Decimal("1932.58")
    assert figures.total(report) == Decimal("1932.58")
