"""Price List records (GetProducts elements, bulk offer file products) into price rows.

A record is ``{"product": {"sku", "productFamily", "attributes"}, "terms": {"OnDemand": ...,
"Reserved": ...}, "publicationDate": ...}``. Each price dimension becomes one row:

- OnDemand dimensions: the product's list price; tiered dimensions (``beginRange`` /
  ``endRange``) become one row per tier (see :func:`tier_product`).
- Reserved offers: ``LeaseContractLength``, ``PurchaseOption``, ``OfferingClass``; the
  recurring ``Hrs`` rate on the product, the upfront fee (unit ``Quantity``) apart on
  ``<product>/upfront``.

``source_date`` is the record's ``publicationDate`` (the date AWS published the price), never
the date of the refresh. A zero price is refused unless the dimension is known to be free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from planner.catalog import PriceRow, Term
from planner.errors import PlannerError
from planner.money import price_problem

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
    "eu-south-1": "EU (Milan)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-northeast-3": "Asia Pacific (Osaka)",
    "ap-east-1": "Asia Pacific (Hong Kong)",
    "sa-east-1": "South America (Sao Paulo)",
    "me-south-1": "Middle East (Bahrain)",
    "af-south-1": "Africa (Cape Town)",
}
REGION_OF_LOCATION = {v: k for k, v in LOCATIONS.items()}

# AWS spells the same unit several ways across services and years.
UNITS = {
    "hrs": "Hrs",
    "hr": "Hrs",
    "hour": "Hrs",
    "hours": "Hrs",
    "gb-mo": "GB-Mo",
    "gb-month": "GB-Mo",
    "gb-months": "GB-Mo",
    "gb": "GB",
    "gigabytes": "GB",
    "quantity": "Quantity",
    "lcu-hrs": "LCU-Hrs",
    "lcu-hr": "LCU-Hrs",
    "nlcu-hrs": "LCU-Hrs",
    "keys": "Keys-Mo",
    "keys-mo": "Keys-Mo",
    "requests": "Requests",
    "request": "Requests",
}
PURCHASE_OPTIONS = ("No Upfront", "Partial Upfront", "All Upfront")
INF = Decimal("Infinity")


def normalise_unit(unit: str) -> str:
    """``hrs`` -> ``Hrs``, ``GB-month`` -> ``GB-Mo``; unknown spellings are kept as given."""
    return UNITS.get(unit.strip().lower(), unit.strip())


def region_of(attributes: dict[str, Any]) -> str:
    code = attributes.get("regionCode") or attributes.get("fromRegionCode")
    if code:
        return str(code)
    return REGION_OF_LOCATION.get(str(attributes.get("location", "")), "")


@dataclass(frozen=True)
class Mapped:
    """What a record prices in planner's terms: the product key and how to state it."""

    product: str
    attributes: str
    scale: Decimal = Decimal(1)  # e.g. KMS: AWS lists per request, the snapshot per 10k
    unit: str = ""  # the snapshot's unit where it differs from AWS's (after scale)
    derivation: str = ""
    tier_names: dict[Decimal, str] | None = None  # beginRange -> product, for named tiers


# service code -> function(productFamily, attributes) -> Mapped | None (None: not priced here)
Mapper = Callable[[str, dict[str, Any]], "Mapped | None"]


def tier_product(
    mapped: Mapped, begin: Decimal, end: Decimal, tiered: bool, free: bool, lowest_paid: Decimal
) -> str:
    """The product key of one tier of a tiered price.

    Named tiers (data transfer out) use their names; otherwise the lowest paid tier is the
    product itself, later tiers ``<product>/from-<begin>``, and a free first tier
    ``<product>/free-up-to-<end>``.
    """
    if not tiered:
        return mapped.product
    if free and end != INF:
        return f"{mapped.product}/free-up-to-{_plain(end)}"
    if mapped.tier_names is not None:
        for start in sorted(mapped.tier_names, reverse=True):
            if begin >= start:
                return mapped.tier_names[start]
    if begin == lowest_paid:
        return mapped.product
    return f"{mapped.product}/from-{_plain(begin)}"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _decimal(text: Any, what: str) -> Decimal:
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise ValueError(f"{what} {text!r} is not a number") from None
    if not value.is_finite() and value != INF:
        raise ValueError(f"{what} {text!r} is not a number")
    return value


def record_rows(
    record: dict[str, Any], service: str, mapper: Mapper, *, source: str
) -> list[PriceRow]:
    """Rows of one record; [] when the record is not a product planner prices.

    ``source`` names where the record came from (API call or offer file); the SKU and rate
    code are appended. Malformed records raise :class:`PlannerError` naming the SKU.
    """
    product = record.get("product") if isinstance(record, dict) else None
    sku = str(product.get("sku", "?")) if isinstance(product, dict) else "?"
    try:
        return _record_rows(record, service, mapper, source, sku)
    except PlannerError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise PlannerError(f"{service} price record sku {sku} is malformed: {what}") from None


def _record_rows(
    record: dict[str, Any], service: str, mapper: Mapper, source: str, sku: str
) -> list[PriceRow]:
    product = record["product"]
    attributes = product["attributes"]
    if not isinstance(attributes, dict):
        raise TypeError("product.attributes is not an object")
    mapped = mapper(str(product.get("productFamily", "")), attributes)
    if mapped is None:
        return []
    region = region_of(attributes)
    if not region:
        raise ValueError(f"unknown location {attributes.get('location')!r}")
    published = str(record.get("publicationDate", ""))[:10]
    terms = record.get("terms") or {}
    if not isinstance(terms, dict):
        raise TypeError("terms is not an object")
    rows: list[PriceRow] = []
    for kind in ("OnDemand", "Reserved"):
        for offer in (terms.get(kind) or {}).values():
            ta = offer.get("termAttributes") or {}
            term = Term(kind)
            if kind == "Reserved":
                option = ta.get("PurchaseOption", "")
                if option not in PURCHASE_OPTIONS:
                    continue  # legacy "Heavy Utilization" offers and the like
                term = Term(
                    kind,
                    ta.get("LeaseContractLength", ""),
                    option,
                    ta.get("OfferingClass", ""),
                )
            date = published or str(offer.get("effectiveDate", ""))[:10]
            dims = list(offer["priceDimensions"].values())
            paid = [d for d in dims if normalise_unit(str(d["unit"])) != "Quantity"]
            tiered = len(paid) > 1
            begins = [
                _decimal(d.get("beginRange", "0"), "beginRange")
                for d in paid
                if _decimal(d["pricePerUnit"]["USD"], "pricePerUnit.USD") > 0
            ]
            lowest = min(begins, default=Decimal(0))
            for dim in dims:
                rows.append(
                    _dim_row(
                        dim, mapped, service, region, term, (tiered, lowest), sku, source, date
                    )
                )
    return rows


def _dim_row(
    dim: dict[str, Any],
    mapped: Mapped,
    service: str,
    region: str,
    term: Term,
    tiering: tuple[bool, Decimal],
    sku: str,
    source: str,
    date: str,
) -> PriceRow:
    tiered, lowest_paid = tiering
    unit = normalise_unit(str(dim["unit"]))
    usd = _decimal(dim["pricePerUnit"]["USD"], "pricePerUnit.USD")
    rate = str(dim.get("rateCode", "?"))
    begin = _decimal(dim.get("beginRange", "0"), "beginRange")
    end = _decimal(dim.get("endRange", "Inf"), "endRange")
    upfront = unit == "Quantity"
    free = _known_free(term, unit, begin, end, str(dim.get("description", "")), tiered)
    problem = price_problem(usd)
    if problem is not None and usd > 0:
        raise PlannerError(
            f"{service} price record sku {sku} rate {rate}: pricePerUnit.USD {problem} for "
            f"{mapped.product} in {region}; refused"
        )
    if usd < 0 or (usd == 0 and not free):
        raise PlannerError(
            f"{service} price record sku {sku} rate {rate}: {usd} USD per {unit} for "
            f"{mapped.product} in {region} refused: a zero or negative price is accepted only "
            "for a dimension known to be free (All Upfront hourly rate, a free tier)"
        )
    if upfront:
        product = mapped.product + "/upfront"
    else:
        product = tier_product(mapped, begin, end, tiered, free and usd == 0, lowest_paid)
    attributes = mapped.attributes
    if tiered and not upfront:
        attributes += f";beginRange={_plain(begin)};endRange={'Inf' if end == INF else _plain(end)}"
    derivation = ""
    if mapped.scale != 1 and not upfront:
        usd = usd * mapped.scale
        unit = mapped.unit or unit
        derivation = mapped.derivation
    elif mapped.unit and not upfront:
        unit = mapped.unit
    return PriceRow(
        service=service,
        region=region,
        product=product,
        attributes=attributes,
        term=term,
        unit=unit,
        usd=usd.normalize() if usd != 0 else Decimal(0),
        price_kind="derived" if derivation else "list",
        derivation=derivation,
        source=f"{source} sku {sku} rate {rate}",
        source_date=date,
    )


def _known_free(
    term: Term, unit: str, begin: Decimal, end: Decimal, description: str, tiered: bool
) -> bool:
    """Dimensions AWS prices at zero on purpose."""
    if term.kind == "Reserved" and term.purchase_option == "All Upfront" and unit != "Quantity":
        return True  # All Upfront: everything is paid up front, the hourly rate is 0
    if tiered and begin == 0 and end != INF:
        return True  # a free first tier ("first 1 GB free")
    return "free" in description.lower()


class Deduper:
    """Rows by key; two records giving one key different prices are both dropped, counted."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str, Term], PriceRow] = {}
        self.clashes: set[tuple[str, str, str, Term]] = set()

    def add(self, row: PriceRow) -> None:
        key = (row.service, row.region, row.product, row.term)
        if key in self.clashes:
            return
        old = self.rows.get(key)
        if old is not None and old.usd != row.usd:
            del self.rows[key]  # two records disagree: neither can be trusted
            self.clashes.add(key)
            return
        self.rows[key] = row


def attrs_text(attributes: dict[str, Any], keys: Iterable[str]) -> str:
    return ";".join(f"{k}={attributes[k]}" for k in keys if k in attributes)
