"""Write the SAMPLE charges (:mod:`planner.actuals.sample`) in the CUR 2.0 and FOCUS layouts.

Sample data, not a real bill. CUR 2.0: covered usage, its negation and the recurring fee as
AWS writes them. FOCUS: no negation lines; a Savings Plan fee is a Purchase row plus an Unused
row carrying the unused commitment as EffectiveCost.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from decimal import ROUND_HALF_EVEN
from pathlib import Path
from typing import Any

from planner.actuals.layouts import CUR2_COLUMNS, FOCUS_COLUMNS, MAP, STRING, TIMESTAMP
from planner.actuals.sample import (
    ACCOUNT,
    ACCOUNT_NAME,
    Q10,
    REGION,
    SP_ARN,
    SP_T3_MEDIUM_RATE,
    Charge,
    charges,
)
from planner.costing.lines import CostLine


def _period(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(day.year, day.month, 1)
    end = dt.datetime(day.year + day.month // 12, day.month % 12 + 1, 1)
    return start, end


def cur2_rows(items: list[Charge]) -> list[dict[str, Any]]:
    """CUR 2.0 rows (every column of the layout; unused ones null)."""
    rows = []
    for n, c in enumerate(items):
        start, end = _period(c.day)
        day_start = dt.datetime(c.day.year, c.day.month, c.day.day)
        row: dict[str, Any] = {name: None for name, _ in CUR2_COLUMNS}
        cost = c.cost
        row.update(
            bill_bill_type="Anniversary",
            bill_billing_entity="AWS",
            bill_billing_period_start_date=start,
            bill_billing_period_end_date=end,
            bill_invoicing_entity="Amazon Web Services, Inc.",
            bill_payer_account_id=ACCOUNT,
            bill_payer_account_name=ACCOUNT_NAME,
            identity_line_item_id=f"sample-{n:06d}",
            identity_time_interval=f"{day_start:%Y-%m-%dT%H:%M:%SZ}/"
            f"{day_start + dt.timedelta(days=1):%Y-%m-%dT%H:%M:%SZ}",
            line_item_availability_zone="us-east-1a" if c.resource_id.startswith("i-") else "",
            line_item_currency_code="USD",
            line_item_legal_entity="Amazon Web Services, Inc.",
            line_item_line_item_description=c.description,
            line_item_line_item_type=c.kind,
            line_item_operation=c.operation,
            line_item_product_code=c.product_code,
            line_item_resource_id=c.resource_id,
            line_item_unblended_cost=float(cost),
            line_item_unblended_rate=str(c.rate),
            line_item_blended_cost=float(cost),
            line_item_blended_rate=str(c.rate),
            line_item_net_unblended_cost=float(cost),
            line_item_usage_account_id=ACCOUNT,
            line_item_usage_account_name=ACCOUNT_NAME,
            line_item_usage_amount=float(c.quantity),
            line_item_usage_start_date=day_start,
            line_item_usage_end_date=day_start + dt.timedelta(days=1),
            line_item_usage_type=c.usage_type,
            pricing_currency="USD",
            pricing_public_on_demand_cost=float(
                (c.quantity * c.od_rate).quantize(Q10, ROUND_HALF_EVEN)
            ),
            pricing_public_on_demand_rate=str(c.od_rate),
            pricing_term=c.term,
            pricing_unit=c.unit,
            product={"servicecode": c.service, "region": REGION},
            product_region_code=REGION,
            product_servicecode=c.service,
            product_usagetype=c.usage_type,
            resource_tags=c.tags,
            cost_category={},
            discount={},
        )
        if c.kind == "SavingsPlanNegation":
            row["pricing_public_on_demand_cost"] = 0.0
        if c.kind == "SavingsPlanCoveredUsage":
            row["savings_plan_savings_plan_effective_cost"] = float(c.sp_effective_cost)
            row["savings_plan_savings_plan_rate"] = float(SP_T3_MEDIUM_RATE)
        if c.kind == "SavingsPlanRecurringFee":
            row["savings_plan_total_commitment_to_date"] = float(c.sp_commitment)
            row["savings_plan_used_commitment"] = float(c.sp_used)
            row["savings_plan_recurring_commitment_for_billing_period"] = float(c.sp_commitment)
            row["pricing_public_on_demand_cost"] = 0.0
        if c.extra.get("sp_arn"):
            row["savings_plan_savings_plan_a_r_n"] = c.extra["sp_arn"]
            row["savings_plan_offering_type"] = "ComputeSavingsPlans"
            row["savings_plan_payment_option"] = "No Upfront"
            row["savings_plan_purchase_term"] = "1yr"
        rows.append(row)
    return rows


# FOCUS columns of every charge under the sample's Compute Savings Plan (fee, unused, covered)
SP_COMMITTED: dict[str, Any] = {
    "PricingCategory": "Committed",
    "CommitmentDiscountId": SP_ARN,
    "CommitmentDiscountCategory": "Spend",
    "CommitmentDiscountType": "Compute Savings Plans",
}


def focus_rows(items: list[Charge]) -> list[dict[str, Any]]:
    """FOCUS 1.0 (AWS columns) rows: no negation lines; SP fees as purchase + unused."""
    rows = []
    for c in items:
        if c.kind == "SavingsPlanNegation":
            continue
        start, end = _period(c.day)
        day_start = dt.datetime(c.day.year, c.day.month, c.day.day)
        cost = c.cost
        list_cost = (c.quantity * c.od_rate).quantize(Q10, ROUND_HALF_EVEN)
        base: dict[str, Any] = {name: None for name, _ in FOCUS_COLUMNS}
        base.update(
            AvailabilityZone="us-east-1a" if c.resource_id.startswith("i-") else None,
            BillingAccountId=ACCOUNT,
            BillingAccountName=ACCOUNT_NAME,
            BillingCurrency="USD",
            BillingPeriodStart=start,
            BillingPeriodEnd=end,
            ChargeClass=None,
            ChargeDescription=c.description,
            ChargeFrequency="Usage-Based",
            ChargePeriodStart=day_start,
            ChargePeriodEnd=day_start + dt.timedelta(days=1),
            InvoiceIssuerName="Amazon Web Services, Inc.",
            ProviderName="AWS",
            PublisherName="AWS",
            RegionId=REGION,
            RegionName="US East (N. Virginia)",
            ResourceId=c.resource_id or None,
            ServiceName=c.service,
            SubAccountId=ACCOUNT,
            SubAccountName=ACCOUNT_NAME,
            Tags=c.tags,
            x_CostCategories={},
            x_Discounts={},
            x_Operation=c.operation,
            x_ServiceCode=c.service,
            x_UsageType=c.usage_type,
        )
        if c.kind == "SavingsPlanRecurringFee":
            purchase = dict(base)
            purchase.update(
                ChargeCategory="Purchase",
                ChargeFrequency="Recurring",
                BilledCost=float(c.sp_commitment),
                EffectiveCost=0.0,
                ListCost=0.0,
                ContractedCost=0.0,
                **SP_COMMITTED,
                PricingQuantity=24.0,
                PricingUnit="Hrs",
            )
            unused = dict(base)
            unused.update(
                ChargeCategory="Usage",
                ChargeFrequency="Recurring",
                BilledCost=0.0,
                EffectiveCost=float(c.sp_commitment - c.sp_used),
                ListCost=0.0,
                ContractedCost=0.0,
                **SP_COMMITTED,
                CommitmentDiscountStatus="Unused",
            )
            rows.extend([purchase, unused])
            continue
        row = dict(base)
        row.update(
            ChargeCategory="Usage",
            BilledCost=float(cost),
            EffectiveCost=float(cost),
            ListCost=float(list_cost),
            ListUnitPrice=float(c.od_rate),
            ContractedCost=float(cost),
            ContractedUnitPrice=float(c.rate),
            ConsumedQuantity=float(c.quantity),
            ConsumedUnit=c.unit,
            PricingQuantity=float(c.quantity),
            PricingUnit=c.unit,
            PricingCategory="Dynamic" if c.term == "Spot" else "Standard",
        )
        if c.kind == "SavingsPlanCoveredUsage":
            row.update(
                BilledCost=0.0,
                EffectiveCost=float(c.sp_effective_cost),
                **SP_COMMITTED,
                CommitmentDiscountStatus="Used",
            )
        rows.append(row)
    return rows


def arrow_schema(columns: tuple[tuple[str, str], ...]) -> Any:
    import pyarrow as pa

    types = {
        STRING: pa.string(),
        "double": pa.float64(),
        TIMESTAMP: pa.timestamp("ms"),
        MAP: pa.map_(pa.string(), pa.string()),
    }
    return pa.schema([pa.field(name, types[kind]) for name, kind in columns])


def _map_cells(rows: list[dict[str, Any]], columns: tuple[tuple[str, str], ...]) -> None:
    for row in rows:
        for name, kind in columns:
            if kind == MAP and isinstance(row[name], dict):
                row[name] = sorted(row[name].items())


def write_sample(out_dir: Path, lines: tuple[CostLine, ...]) -> dict[str, Path]:
    """Write the CUR 2.0 Parquet, FOCUS Parquet and FOCUS CSV sample files."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    items = charges(lines)
    paths = {
        "cur2": out_dir / "cur2" / "sample-cur2-2025-08_2025-10.parquet",
        "focus_parquet": out_dir / "focus" / "sample-focus-2025-08_2025-10.parquet",
        "focus_csv": out_dir / "focus-csv" / "sample-focus-2025-08_2025-10.csv.gz",
    }
    for path in paths.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    cur = cur2_rows(items)
    _map_cells(cur, CUR2_COLUMNS)
    pq.write_table(
        pa.Table.from_pylist(cur, schema=arrow_schema(CUR2_COLUMNS)),
        paths["cur2"],
        compression="zstd",
    )
    focus = focus_rows(items)
    csv_rows = [
        {k: json.dumps(v, sort_keys=True) if isinstance(v, dict) else v for k, v in row.items()}
        for row in focus
    ]
    _map_cells(focus, FOCUS_COLUMNS)
    pq.write_table(
        pa.Table.from_pylist(focus, schema=arrow_schema(FOCUS_COLUMNS)),
        paths["focus_parquet"],
        compression="zstd",
    )
    csv_schema = pa.schema(
        [
            pa.field(name, pa.string() if kind == MAP else arrow_schema(((name, kind),))[0].type)
            for name, kind in FOCUS_COLUMNS
        ]
    )
    buffer = pa.BufferOutputStream()
    pacsv.write_csv(pa.Table.from_pylist(csv_rows, schema=csv_schema), buffer)
    # gzip as Data Exports writes CSV; mtime=0 keeps the file byte-for-byte reproducible
    with gzip.GzipFile(paths["focus_csv"], "wb", mtime=0) as handle:
        handle.write(buffer.getvalue().to_pybytes())
    return paths
