"""The multi-region rates vendored in pricing/sources: EC2 in every region the 2019 table has,
reserved rates for the classes in use, and an eu-west-1 staging priced from them offline."""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from types import ModuleType
from typing import Any

import yaml
from conftest import REPO, SNAPSHOT_DIR

from planner.catalog import PriceCatalog, Term
from planner.rightsize.classes import FAMILIES, NODE_SIZES
from planner.scenario import bundled_scenario_names, load_scenario

D = Decimal
EU_STAGING = REPO / "tests" / "data" / "regions" / "staging-eu-west-1.yaml"
EC2_2019 = "LeanerCloud/ec2-instances-info:data/generated_bindata.go@83e9ebdd6081"


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_snapshot", REPO / "pricing" / "build_snapshot.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_eu_west_1_staging_prices_its_ec2_nodes_from_the_regional_table(run_cli: Any) -> None:
    result = run_cli(["price", str(EU_STAGING), "--allow-missing", "--format", "json"])
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["region"] == "eu-west-1"
    nodes = [ln for ln in doc["lines"] if ln["component"].startswith("Instance usage")]
    assert len(nodes) == 2 and not any(ln["missing"] for ln in nodes)
    for ln in nodes:
        assert ln["price_ref"].startswith("AmazonEC2/eu-west-1/instance/"), ln
        assert EC2_2019 in ln["price_source"]
    general, compute = nodes
    # t3.medium eu-west-1 0.0456/h: 2 nodes x 730 h = 1460 h x 0.0456 = 66.576
    assert (general["unit_price_usd"], general["monthly_usd"]) == (0.0456, 66.58)
    # t3.large eu-west-1 0.0912/h at the stated 70% spot discount: 0.0912 x 0.3 = 0.02736;
    # 730 h x 0.02736 = 19.9728
    assert (compute["unit_price_usd"], compute["monthly_usd"]) == (0.02736, 19.97)
    # the NLB hours come from infracost's eu-west-1 golden: 18.40 / 730 = 0.0252
    nlb = next(ln for ln in doc["lines"] if ln["component"] == "Network load balancer hours")
    assert (nlb["unit_price_usd"], nlb["monthly_usd"]) == (0.0252, 18.4)
    # what no vendored source has for eu-west-1 is named, never $0
    missing = [ln for ln in doc["lines"] if ln["missing"]]
    assert missing and all(ln["monthly_usd"] is None for ln in missing)
    assert all(ln["price_source"].startswith("MISSING: no on-demand price") for ln in missing)
    named = {ln["component"] for ln in missing}
    assert {"EBS root volume (gp3)", "NAT gateway hours"} <= named
    assert doc["missing_count"] == len(missing)


def test_regional_on_demand_equals_karpenter_where_both_list_a_type() -> None:
    """The 2019 table's us-east-1 figures are the check (the build fails otherwise); here the
    served eu-west-1 rows are AWS's eu-west-1 list prices for the staging and production
    types (EC2 pricing page, EU (Ireland), Linux: t3.medium 0.0456, t3.large 0.0912,
    m5.large 0.107, m5.xlarge 0.214)."""
    catalog = PriceCatalog(SNAPSHOT_DIR)
    for itype, usd in (("t3.medium", "0.0456"), ("t3.large", "0.0912"), ("m5.large", "0.107"),
                       ("m5.xlarge", "0.214")):  # fmt: skip
        row = catalog.get("AmazonEC2", "eu-west-1", f"instance/{itype}")
        assert row.usd == D(usd) and row.source == EC2_2019, itype
    regions = {r.region for r in catalog.rows("AmazonEC2") if r.product == "instance/m5.large"}
    assert len(regions) >= 15


def _classes_in_use() -> dict[str, set[str]]:
    """Every class the bundled scenarios, what-ifs and sweep grids name."""
    out: dict[str, set[str]] = {"ec2": set(), "cache": set(), "rds": set()}
    for name in bundled_scenario_names():
        topology = load_scenario(name).topology
        if topology.eks is not None:
            out["ec2"] |= {g.instance_type for g in topology.eks.node_groups}
        out["cache"] |= {c.node_type for c in topology.elasticache}
        out["rds"] |= {d.instance_class for d in topology.rds}
    for grid in (REPO / "scenarios" / "grids").glob("*.yaml"):
        for group in yaml.safe_load(grid.read_text())["node_groups"].values():
            out["ec2"] |= set(group["instance_types"])
    return out


def test_reserved_classes_cover_the_bundled_scenarios_and_right_sizing() -> None:
    """The builder takes reserved rates for the classes the scenarios, what-ifs, grids and
    right-sizing node-group candidates use (a class added to one of them fails here first)."""
    b = _builder()
    used = _classes_in_use()
    for itype in used["ec2"]:
        assert b.reserved_class(itype, b.EC2_RESERVED_FAMILIES, b.EC2_RESERVED_SIZES), itype
    for family in FAMILIES["node_group"]:
        for size in NODE_SIZES:
            name = f"{family}.{size}"
            assert b.reserved_class(name, b.EC2_RESERVED_FAMILIES, b.EC2_RESERVED_SIZES), name
    for node in used["cache"]:
        assert b.reserved_class(node, b.CACHE_RESERVED_FAMILIES, b.CACHE_RESERVED_SIZES), node
    assert set(FAMILIES["elasticache"]) <= set(b.CACHE_RESERVED_FAMILIES)


def test_every_class_in_use_has_its_published_reserved_rates() -> None:
    """Where the vendored sources publish a class's reserved rates, the snapshot serves them
    in every region they cover: t3/m5 (2019 table, 12 offers) and the ElastiCache nodes
    (2025 table, 5 offers: its scraper never computes 1yr All Upfront)."""
    catalog = PriceCatalog(SNAPSHOT_DIR)
    used = _classes_in_use()
    ri = Term("Reserved", "1yr", "No Upfront", "standard")
    for itype in ("t3.medium", "t3.large", "m5.large", "m5.xlarge"):
        assert itype in used["ec2"]
        for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
            assert catalog.find("AmazonEC2", region, f"instance/{itype}", ri), (itype, region)
    for node in used["cache"]:
        for region in ("us-east-1", "eu-west-1"):
            for engine in ("Redis", "Valkey"):
                product = f"node/{node}/{engine}"
                assert catalog.find("AmazonElastiCache", region, product, ri), (product, region)


def test_rds_multi_az_reserved_is_twice_single_az() -> None:
    catalog = PriceCatalog(SNAPSHOT_DIR)
    ri = Term("Reserved", "1yr", "No Upfront", "standard")
    single = catalog.get("AmazonRDS", "us-east-1", "db/db.m5.large/PostgreSQL/Single-AZ", ri)
    multi = catalog.get("AmazonRDS", "us-east-1", "db/db.m5.large/PostgreSQL/Multi-AZ", ri)
    assert single.usd == D("0.114")  # ec2instances.info 2018-12-05, effective hourly
    assert multi.usd == 2 * single.usd == D("0.228")
    assert multi.price_kind == "effective hourly" and "2 x Single-AZ 0.114" in multi.derivation


def test_staging_and_production_commitment_options(run_cli: Any) -> None:
    """What is priced offline, and what is named as missing with the sources searched."""
    staging = json.loads(run_cli(["commitments", "staging", "--format", "json"]).out)
    production = json.loads(run_cli(["commitments", "production", "--format", "json"]).out)
    for doc in (staging, production):
        assert doc["missing_rates_sources_searched"].startswith("docs/prices.md")
        reserved = [o for o in doc["options"] if o["purchase"]["type"] == "reserved"]
        assert reserved
    # production's Multi-AZ db.m5.large: its 6 reserved options are priced (2 x Single-AZ)
    names = [o["name"] for o in production["options"]]
    assert sum(n.startswith("postgres: reserved") for n in names) == 6
    # staging: 34 priced; the 32 missing are Savings Plans (24), general's spot (1), the
    # db.t3.medium reserved offers (6) and Redis 1yr All Upfront (1), each named
    assert len(staging["options"]) == 34
    kinds = [m["purchase"] for m in staging["missing_rates"]]
    assert sum("Savings Plan" in k for k in kinds) == 24
    assert sum(k.startswith("postgres: reserved") for k in kinds) == 6
    assert len(kinds) == 32
    doc = (REPO / "docs" / "prices.md").read_text()
    assert "Rates no public source holds" in doc
    for what in ("Savings Plans", "db.t3.medium", "1yr All Upfront", "spot"):
        assert what in doc, what
