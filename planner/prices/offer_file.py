"""AWS's public bulk offer files, streamed: memory stays flat whatever the file size.

Two formats (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/index.json):

- a service's per-region price list ``.../<ServiceCode>/current/<region>/index.json``:
  ``{"offerCode", "publicationDate", "products": {sku: product}, "terms": {"OnDemand":
  {sku: {offer}}, "Reserved": {sku: {offer}}}}``. Products come first; the products planner
  prices are kept (a few thousand at most), then each SKU's terms are read one at a time;
- a Savings Plans offer file ``.../savingsPlan/.../<region>/index.json``: ``{"products":
  [{sku, productFamily, attributes}], "terms": {"savingsPlan": [{sku, leaseContractLength,
  rates: [{discountedUsageType, discountedOperation, discountedRate}]}]}}``.

Each file is read with ijson (C backend) in passes over the stream; nothing builds the
whole document.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from planner.catalog import PriceRow, Term
from planner.errors import PlannerError
from planner.money import price_problem
from planner.prices.records import Deduper, record_rows, region_of
from planner.prices.services import SPECS

SP_CLASSES = {"ComputeSavingsPlans": "compute", "EC2InstanceSavingsPlans": "ec2instance"}
# EC2 usage-type prefixes of regions (us-east-1's usage types carry none).
USAGE_PREFIXES = {
    "": "us-east-1",
    "USE2": "us-east-2",
    "USW1": "us-west-1",
    "USW2": "us-west-2",
    "CAN1": "ca-central-1",
    "EUC1": "eu-central-1",
    "EU": "eu-west-1",
    "EUW2": "eu-west-2",
    "EUW3": "eu-west-3",
    "EUN1": "eu-north-1",
    "APS1": "ap-southeast-1",
    "APS2": "ap-southeast-2",
    "APS3": "ap-south-1",
    "APN1": "ap-northeast-1",
    "APN2": "ap-northeast-2",
    "SAE1": "sa-east-1",
}


def offer_files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not found:
                raise PlannerError(f"{path}: no .json offer files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise PlannerError(f"{path}: no such offer file or folder")
    return files


def _head(path: Path) -> dict[str, Any]:
    """The scalar fields before ``products`` (offerCode, publicationDate, version)."""
    import ijson

    head: dict[str, Any] = {}
    with path.open("rb") as handle:
        for prefix, event, value in ijson.parse(handle):
            if prefix in ("products", "terms"):
                break
            if event in ("string", "number") and "." not in prefix and prefix:
                head[prefix] = value
    return head


class _Progress:
    """Bytes read across passes, shown on stderr for imports longer than a second."""

    def __init__(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=total,
            unit="B",
            unit_scale=True,
            desc="import-offer",
            file=sys.stderr,
            delay=1.0,
            disable=None,
        )

    def wrap(self, handle: IO[bytes]) -> IO[bytes]:
        bar = self.bar

        class Reader:
            def read(self, size: int = -1) -> bytes:
                data = handle.read(size)
                bar.update(len(data))
                return data

        return Reader()  # type: ignore[return-value]


def import_offers(
    paths: Sequence[Path], regions: Sequence[str] = ()
) -> tuple[list[PriceRow], dict[str, Any]]:
    import ijson

    files = offer_files(paths)
    sizes = [f.stat().st_size for f in files]
    progress = _Progress(sum(sizes) * 3)
    dedupe = Deduper()
    codes: list[str] = []
    dates: dict[str, list[str]] = {}
    for path in files:
        try:
            got, code = _import_one(path, regions, progress)
        except PlannerError as exc:
            raise PlannerError(f"{path}: {exc}") from None
        except (ijson.JSONError, ValueError, KeyError, TypeError) as exc:
            raise PlannerError(
                f"{path}: not a readable AWS offer file ({' '.join(str(exc).split())[:200]})"
            ) from None
        for row in got:
            dedupe.add(row)
        codes.append(code)
        for r in got:
            span = dates.setdefault(r.service, [r.source_date, r.source_date])
            span[0], span[1] = min(span[0], r.source_date), max(span[1], r.source_date)
    progress.bar.close()
    rows = list(dedupe.rows.values())
    summary = {
        "conflicting_records_dropped": len(dedupe.clashes),
        "files": len(files),
        "mb": round(sum(sizes) / 1e6, 1),
        "services": sorted(set(codes)),
        "regions": sorted({r.region for r in rows}),
        "rows": len(rows),
        "publication_dates": dates,
    }
    return rows, summary


def _import_one(
    path: Path, regions: Sequence[str], progress: _Progress
) -> tuple[list[PriceRow], str]:
    head = _head(path)
    code = str(head.get("offerCode", ""))
    published = str(head.get("publicationDate", ""))
    if code in SPECS:
        return list(_price_list_rows(path, code, published, regions, progress)), code
    if code == "AWSComputeSavingsPlan" or "savingsPlan" in code or _is_savings_plan(path):
        return list(_savings_plan_rows(path, published, regions, progress)), "SavingsPlans"
    raise PlannerError(
        f"offerCode {code!r} is not a service planner prices "
        f"({', '.join(sorted(SPECS))}) nor a Savings Plans offer file"
    )


def _is_savings_plan(path: Path) -> bool:
    """Savings Plans offer files list their products; price lists map SKU -> product."""
    import ijson

    with path.open("rb") as handle:
        for prefix, event, _value in ijson.parse(handle):
            if prefix == "products" and event in ("start_array", "start_map"):
                return bool(event == "start_array")
    return False


def _price_list_rows(
    path: Path, code: str, published: str, regions: Sequence[str], progress: _Progress
) -> Iterator[PriceRow]:
    import ijson

    spec = SPECS[code]
    kept: dict[str, dict[str, Any]] = {}
    with path.open("rb") as handle:
        for sku, product in ijson.kvitems(progress.wrap(handle), "products", use_float=False):
            attributes = product.get("attributes", {})
            if regions and region_of(attributes) not in regions:
                continue
            if spec.mapper(str(product.get("productFamily", "")), attributes) is not None:
                kept[sku] = product
    source = f"AWS bulk offer file {code} {path.name}"
    for kind in ("OnDemand", "Reserved"):
        # One pass per term kind: ijson's C backend builds one SKU's offers at a time.
        with path.open("rb") as handle:
            stream = ijson.kvitems(progress.wrap(handle), f"terms.{kind}", use_float=False)
            for sku, offers in stream:
                product = kept.get(sku)
                if product is None:
                    continue
                record = {"product": product, "terms": {kind: offers}, "publicationDate": published}
                yield from record_rows(record, code, spec.mapper, source=source)


def _savings_plan_rows(
    path: Path, published: str, regions: Sequence[str], progress: _Progress
) -> Iterator[PriceRow]:
    import ijson

    plans: dict[str, dict[str, Any]] = {}
    with path.open("rb") as handle:
        for product in ijson.items(progress.wrap(handle), "products.item", use_float=False):
            klass = SP_CLASSES.get(str(product.get("productFamily", "")))
            if klass:
                plans[str(product["sku"])] = {"class": klass, **product.get("attributes", {})}
    date = published[:10]
    with path.open("rb") as handle:
        for term in ijson.items(progress.wrap(handle), "terms.savingsPlan.item", use_float=False):
            plan = plans.get(str(term.get("sku")))
            if plan is None:
                continue
            lease_text = plan.get("purchaseTerm") or _lease(term.get("leaseContractLength", {}))
            for rate in term.get("rates", []):
                row = _sp_rate_row(
                    rate, plan, str(lease_text), str(term.get("sku")), date, path.name
                )
                if row is not None and (not regions or row.region in regions):
                    yield row


def _lease(length: dict[str, Any]) -> str:
    return f"{length.get('duration')}yr" if str(length.get("unit", "")).startswith("year") else ""


def _sp_rate_row(
    rate: dict[str, Any], plan: dict[str, Any], lease: str, sku: str, date: str, name: str
) -> PriceRow | None:
    usage = str(rate.get("discountedUsageType", ""))
    if rate.get("discountedServiceCode", "AmazonEC2") != "AmazonEC2":
        return None
    if (
        "BoxUsage:" not in usage
        or rate.get("discountedOperation", "RunInstances") != "RunInstances"
    ):
        return None  # Linux/UNIX shared tenancy only
    prefix = usage.split("BoxUsage:", 1)[0].rstrip("-")
    region = str(
        rate.get("discountedRegionCode") or plan.get("regionCode") or USAGE_PREFIXES.get(prefix, "")
    )
    if not region:
        raise PlannerError(
            f"Savings Plan sku {sku} rate {rate.get('rateCode')}: no region for usage type "
            f"{usage!r}"
        )
    try:
        usd = Decimal(str(rate["discountedRate"]["price"]))
    except InvalidOperation:
        usd = Decimal("NaN")
    if price_problem(usd, allow_zero=False) is not None:
        raise PlannerError(
            f"Savings Plan sku {sku} rate {rate.get('rateCode')}: {usd} refused (zero or negative)"
        )
    instance = usage.split("BoxUsage:", 1)[1]
    return PriceRow(
        service="AmazonEC2",
        region=region,
        product=f"instance/{instance}",
        attributes=f"discountedUsageType={usage};discountedOperation=RunInstances",
        term=Term("SavingsPlan", lease, str(plan.get("purchaseOption", "")), str(plan["class"])),
        unit=str(rate.get("unit", "Hrs")) or "Hrs",
        usd=usd.normalize(),
        price_kind="list",
        derivation="",
        source=f"AWS bulk Savings Plans offer file {name} sku {sku} "
        f"rate {rate.get('rateCode', '?')}",
        source_date=date,
    )
