"""The live AWS Price List API as a second source of :class:`~planner.catalog.PriceRow`.

``GetProducts`` returns each product as a JSON *string* with ``terms.OnDemand`` and
``terms.Reserved`` offers; every price dimension becomes one normalized row with the record's
SKU, rate code and publication date as its provenance, so live rows and snapshot rows are
interchangeable (``planner prices refresh`` writes them in the snapshot's format).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.catalog import SNAPSHOT_COLUMNS, PriceRow, Term, region_offsets
from planner.errors import PlannerError

# Price List "location" names for regions (older records carry no regionCode attribute).
LOCATIONS = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "ca-central-1": "Canada (Central)",
    "eu-central-1": "EU (Frankfurt)",
    "eu-west-1": "EU (Ireland)",
    "eu-west-2": "EU (London)",
    "eu-west-3": "EU (Paris)",
    "eu-north-1": "EU (Stockholm)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "sa-east-1": "South America (Sao Paulo)",
}
REGION_OF_LOCATION = {v: k for k, v in LOCATIONS.items()}


def ec2_filters(instance_type: str, region: str) -> list[dict[str, str]]:
    """Linux, shared tenancy, no pre-installed software, used capacity: the BoxUsage price."""
    return [
        {"Type": "TERM_MATCH", "Field": "instanceType", "Value": instance_type},
        {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region},
        {"Type": "TERM_MATCH", "Field": "operatingSystem", "Value": "Linux"},
        {"Type": "TERM_MATCH", "Field": "tenancy", "Value": "Shared"},
        {"Type": "TERM_MATCH", "Field": "preInstalledSw", "Value": "NA"},
        {"Type": "TERM_MATCH", "Field": "capacitystatus", "Value": "Used"},
    ]


def get_products(client: Any, service_code: str, filters: list[dict[str, str]]) -> Iterator[Any]:
    """Every product record (parsed) over all pages."""
    paginator = client.get_paginator("get_products")
    for page in paginator.paginate(
        ServiceCode=service_code, Filters=filters, FormatVersion="aws_v1"
    ):
        for item in page["PriceList"]:
            yield json.loads(item) if isinstance(item, str) else item


def ec2_rows(record: dict[str, Any]) -> list[PriceRow]:
    """Normalized rows of one EC2 instance record: OnDemand and every Reserved offer."""
    attributes = record["product"]["attributes"]
    region = attributes.get("regionCode") or REGION_OF_LOCATION.get(attributes.get("location", ""))
    if not region:
        raise PlannerError(f"price record {record['product'].get('sku')}: unknown location")
    instance = attributes["instanceType"]
    published = str(record.get("publicationDate", ""))[:10]
    sku = record["product"]["sku"]
    attrs = ";".join(
        f"{k}={attributes[k]}"
        for k in ("operatingSystem", "tenancy", "preInstalledSw", "licenseModel", "usagetype")
        if k in attributes
    )
    rows: list[PriceRow] = []
    for kind, offers in record.get("terms", {}).items():
        for offer in offers.values():
            ta = offer.get("termAttributes", {})
            term = Term(
                kind,
                ta.get("LeaseContractLength", ""),
                ta.get("PurchaseOption", ""),
                ta.get("OfferingClass", ""),
            )
            for dim in offer["priceDimensions"].values():
                upfront = dim["unit"] == "Quantity"
                rows.append(
                    PriceRow(
                        service="AmazonEC2",
                        region=region,
                        product=f"instance/{instance}" + ("/upfront" if upfront else ""),
                        attributes=attrs,
                        term=term,
                        unit=dim["unit"],
                        usd=Decimal(dim["pricePerUnit"]["USD"]),
                        price_kind="list",
                        derivation="",
                        source=f"AWS Price List API GetProducts sku {sku} rate {dim['rateCode']}",
                        source_date=published,
                    )
                )
    return rows


def fetch_ec2(client: Any, instance_types: Iterable[str], region: str) -> list[PriceRow]:
    rows: list[PriceRow] = []
    for instance_type in instance_types:
        found = [
            row
            for record in get_products(client, "AmazonEC2", ec2_filters(instance_type, region))
            for row in ec2_rows(record)
        ]
        if not found:
            raise PlannerError(
                f"the Price List API has no Linux price for {instance_type} in {region}"
            )
        rows.extend(found)
    return rows


def merge_rows(base: Iterable[PriceRow], live: Iterable[PriceRow]) -> list[PriceRow]:
    """Base rows with every key the live rows have replaced by the live row."""
    merged = {(r.service, r.region, r.product, r.term): r for r in base}
    for r in live:
        merged[(r.service, r.region, r.product, r.term)] = r
    return list(merged.values())


def write_snapshot(rows: list[PriceRow], out_dir: Path, snapshot_date: str) -> Path:
    """Write rows in the bundled snapshot's format (one CSV per service + manifest), atomically."""
    if not out_dir.parent.is_dir():
        raise PlannerError(f"{out_dir}: parent folder {out_dir.parent} does not exist")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    services: dict[str, Any] = {}
    by_service: dict[str, list[PriceRow]] = {}
    for row in sorted(rows, key=lambda r: (r.service, r.region, r.product)):
        by_service.setdefault(row.service, []).append(row)
    for service, items in sorted(by_service.items()):
        path = tmp / f"{service}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(SNAPSHOT_COLUMNS)
            for r in items:
                writer.writerow(
                    [
                        r.service,
                        r.region,
                        r.product,
                        r.attributes,
                        r.term.kind,
                        r.term.lease,
                        r.term.purchase_option,
                        r.term.offering_class,
                        r.unit,
                        format(r.usd, "f"),
                        r.price_kind,
                        r.derivation,
                        r.source,
                        r.source_date,
                    ]
                )
        dates = sorted({r.source_date for r in items})
        services[service] = {
            "file": path.name,
            "rows": len(items),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "source_dates": [dates[0], dates[-1]],
            "regions": sorted({r.region for r in items}),
            "region_offsets": region_offsets(path),
        }
    manifest = {
        "snapshot_date": snapshot_date,
        "currency": "USD",
        "built_from": "AWS Price List API (GetProducts)",
        "builder": "planner prices refresh",
        "columns": SNAPSHOT_COLUMNS,
        "services": services,
        "total_rows": len(rows),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old")
        os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        for f in old.iterdir():
            f.unlink()
        old.rmdir()
    else:
        os.replace(tmp, out_dir)
    return out_dir
