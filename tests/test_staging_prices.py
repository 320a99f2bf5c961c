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
