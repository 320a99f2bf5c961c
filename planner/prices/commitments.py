"""Spot summaries and Savings Plans rates into price rows (conventions: pricing/README.md).

- Spot: ``term=Spot``, product ``instance/<type>``, ``usd`` the median of the samples,
  price_kind ``spot median``; the attributes give mean, max, samples, window and AZs.
- Savings Plans: ``term=SavingsPlan``, product ``instance/<type>``, lease ``1yr|3yr``,
  purchase option, offering class ``compute|ec2instance``, unit ``Hrs``, the plan's rate.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from planner.catalog import PriceRow, Term
from planner.errors import PlannerError
from planner.money import price_problem

SPOT = Term("Spot")
LEASES = {31536000: "1yr", 94608000: "3yr"}
PLAN_CLASSES = {"Compute": "compute", "EC2Instance": "ec2instance"}


def _stamp(value: Any) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.replace("+00:00", "Z")


def spot_rows(history: Iterable[dict[str, Any]], region: str, source: str) -> list[PriceRow]:
    """One row per instance type: the median of every sample over every AZ in the window."""
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in history:
        by_type[str(entry["InstanceType"])].append(entry)
    rows = []
    for instance, entries in sorted(by_type.items()):
        try:
            prices = [Decimal(str(e["SpotPrice"])) for e in entries]
        except (InvalidOperation, KeyError):
            raise PlannerError(
                f"spot price history for {instance}: a SpotPrice is not a number"
            ) from None
        for price in prices:
            problem = price_problem(price, allow_zero=False)
            if problem is not None:
                raise PlannerError(f"spot price history for {instance} in {region}: {problem}")
        stamps = sorted(_stamp(e["Timestamp"]) for e in entries)
        zones = sorted({str(e.get("AvailabilityZone", "")) for e in entries})
        median = statistics.median(prices)
        mean = (sum(prices, Decimal(0)) / len(prices)).quantize(Decimal("0.000001"))
        attributes = (
            f"mean={mean.normalize()};max={max(prices).normalize()};min={min(prices).normalize()};"
            f"samples={len(prices)};"
            f"window={stamps[0]}..{stamps[-1]};azs={','.join(zones)};"
            f"product={entries[0].get('ProductDescription', '')}"
        )
        rows.append(
            PriceRow(
                service="AmazonEC2",
                region=region,
                product=f"instance/{instance}",
                attributes=attributes,
                term=SPOT,
                unit="Hrs",
                usd=Decimal(median).normalize(),
                price_kind="spot median",
                derivation=f"median of {len(prices)} spot prices over {len(zones)} AZs",
                source=source,
                source_date=stamps[-1][:10],
            )
        )
    return rows


def savings_plan_rows(
    results: Iterable[dict[str, Any]], region: str, retrieved: str
) -> list[PriceRow]:
    rows: dict[tuple[str, Term], PriceRow] = {}
    for result in results:
        offering = result.get("savingsPlanOffering", {})
        props = {p.get("name"): p.get("value") for p in result.get("properties", [])}
        usage = str(result.get("usageType", ""))
        if "BoxUsage" not in usage or props.get("tenancy", "shared") != "shared":
            continue
        if props.get("region", region) != region or "instanceType" not in props:
            continue
        lease = LEASES.get(int(offering.get("durationSeconds", 0)))
        klass = PLAN_CLASSES.get(str(offering.get("planType", "")))
        option = str(offering.get("paymentOption", ""))
        if lease is None or klass is None:
            continue
        try:
            rate = Decimal(str(result["rate"]))
        except (InvalidOperation, KeyError):
            raise PlannerError(
                f"Savings Plans offering {offering.get('offeringId')}: rate "
                f"{result.get('rate')!r} is not a number"
            ) from None
        if price_problem(rate, allow_zero=False) is not None:
            raise PlannerError(
                f"Savings Plans offering {offering.get('offeringId')} for "
                f"{props['instanceType']} in {region}: rate {rate} refused (zero or negative)"
            )
        term = Term("SavingsPlan", lease, option, klass)
        product = f"instance/{props['instanceType']}"
        rows[(product, term)] = PriceRow(
            service="AmazonEC2",
            region=region,
            product=product,
            attributes=f"usageType={usage};operation={result.get('operation', '')};"
            f"productDescription={props.get('productDescription', '')};"
            f"retrieved {retrieved} (the API gives no publication date)",
            term=term,
            unit=str(result.get("unit", "Hrs")) or "Hrs",
            usd=rate.normalize(),
            price_kind="list",
            derivation="",
            source="AWS Savings Plans DescribeSavingsPlansOfferingRates offering "
            f"{offering.get('offeringId', '?')}",
            source_date=retrieved,
        )
    return list(rows.values())
