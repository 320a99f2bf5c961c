"""Column layouts of the billing exports the planner reads (names and types, in file order).

- CUR 2.0: the ``COST_AND_USAGE_REPORT`` table of AWS Data Exports (AWS Data Exports User
  Guide, "Cost and Usage Report (CUR) 2.0" data dictionary, table-dictionary-cur2*.html).
  Fixed schema; ``resource_tags``, ``product``, ``discount`` and ``cost_category`` are
  ``map<string, string>``. Only the columns AWS writes with "include resource IDs" and no
  split cost allocation data are listed; split_line_item_* columns are optional and unread.
- FOCUS 1.0 with AWS columns: the ``FOCUS_1_0_AWS`` table of AWS Data Exports (data
  dictionary table-dictionary-focus-1-0-aws-columns.html), i.e. the FOCUS 1.0 specification's
  columns (FinOps Foundation, focus.finops.org, v1.0, June 2024) plus ``x_CostCategories``,
  ``x_Discounts``, ``x_Operation``, ``x_ServiceCode`` and ``x_UsageType``.

The names and versions are also given in ``scenarios/actuals/SOURCES.md``.
"""

from __future__ import annotations

from typing import Literal

Layout = Literal["cur2", "focus"]

STRING = "string"
DOUBLE = "double"
TIMESTAMP = "timestamp"
MAP = "map"

CUR2_COLUMNS: tuple[tuple[str, str], ...] = (
    ("bill_bill_type", STRING),
    ("bill_billing_entity", STRING),
    ("bill_billing_period_end_date", TIMESTAMP),
    ("bill_billing_period_start_date", TIMESTAMP),
    ("bill_invoice_id", STRING),
    ("bill_invoicing_entity", STRING),
    ("bill_payer_account_id", STRING),
    ("bill_payer_account_name", STRING),
    ("cost_category", MAP),
    ("discount", MAP),
    ("discount_bundled_discount", DOUBLE),
    ("discount_total_discount", DOUBLE),
    ("identity_line_item_id", STRING),
    ("identity_time_interval", STRING),
    ("line_item_availability_zone", STRING),
    ("line_item_blended_cost", DOUBLE),
    ("line_item_blended_rate", STRING),
    ("line_item_currency_code", STRING),
    ("line_item_legal_entity", STRING),
    ("line_item_line_item_description", STRING),
    ("line_item_line_item_type", STRING),
    ("line_item_net_unblended_cost", DOUBLE),
    ("line_item_net_unblended_rate", STRING),
    ("line_item_normalization_factor", DOUBLE),
    ("line_item_normalized_usage_amount", DOUBLE),
    ("line_item_operation", STRING),
    ("line_item_product_code", STRING),
    ("line_item_resource_id", STRING),
    ("line_item_tax_type", STRING),
    ("line_item_unblended_cost", DOUBLE),
    ("line_item_unblended_rate", STRING),
    ("line_item_usage_account_id", STRING),
    ("line_item_usage_account_name", STRING),
    ("line_item_usage_amount", DOUBLE),
    ("line_item_usage_end_date", TIMESTAMP),
    ("line_item_usage_start_date", TIMESTAMP),
    ("line_item_usage_type", STRING),
    ("pricing_currency", STRING),
    ("pricing_lease_contract_length", STRING),
    ("pricing_offering_class", STRING),
    ("pricing_public_on_demand_cost", DOUBLE),
    ("pricing_public_on_demand_rate", STRING),
    ("pricing_purchase_option", STRING),
    ("pricing_rate_code", STRING),
    ("pricing_rate_id", STRING),
    ("pricing_term", STRING),
    ("pricing_unit", STRING),
    ("product", MAP),
    ("product_comment", STRING),
    ("product_fee_code", STRING),
    ("product_fee_description", STRING),
    ("product_from_location", STRING),
    ("product_from_location_type", STRING),
    ("product_from_region_code", STRING),
    ("product_instance_family", STRING),
    ("product_instance_type", STRING),
    ("product_instancesku", STRING),
    ("product_location", STRING),
    ("product_location_type", STRING),
    ("product_operation", STRING),
    ("product_pricing_unit", STRING),
    ("product_product_family", STRING),
    ("product_region_code", STRING),
    ("product_servicecode", STRING),
    ("product_sku", STRING),
    ("product_to_location", STRING),
    ("product_to_location_type", STRING),
    ("product_to_region_code", STRING),
    ("product_usagetype", STRING),
    ("reservation_amortized_upfront_cost_for_usage", DOUBLE),
    ("reservation_amortized_upfront_fee_for_billing_period", DOUBLE),
    ("reservation_availability_zone", STRING),
    ("reservation_effective_cost", DOUBLE),
    ("reservation_end_time", STRING),
    ("reservation_modification_status", STRING),
    ("reservation_net_amortized_upfront_cost_for_usage", DOUBLE),
    ("reservation_net_amortized_upfront_fee_for_billing_period", DOUBLE),
    ("reservation_net_effective_cost", DOUBLE),
    ("reservation_net_recurring_fee_for_usage", DOUBLE),
    ("reservation_net_unused_amortized_upfront_fee_for_billing_period", DOUBLE),
    ("reservation_net_unused_recurring_fee", DOUBLE),
    ("reservation_net_upfront_value", DOUBLE),
    ("reservation_normalized_units_per_reservation", STRING),
    ("reservation_number_of_reservations", STRING),
    ("reservation_recurring_fee_for_usage", DOUBLE),
    ("reservation_reservation_a_r_n", STRING),
    ("reservation_start_time", STRING),
    ("reservation_subscription_id", STRING),
    ("reservation_total_reserved_normalized_units", STRING),
    ("reservation_total_reserved_units", STRING),
    ("reservation_units_per_reservation", STRING),
    ("reservation_unused_amortized_upfront_fee_for_billing_period", DOUBLE),
    ("reservation_unused_normalized_unit_quantity", DOUBLE),
    ("reservation_unused_quantity", DOUBLE),
    ("reservation_unused_recurring_fee", DOUBLE),
    ("reservation_upfront_value", DOUBLE),
    ("resource_tags", MAP),
    ("savings_plan_amortized_upfront_commitment_for_billing_period", DOUBLE),
    ("savings_plan_end_time", STRING),
    ("savings_plan_instance_type_family", STRING),
    ("savings_plan_net_amortized_upfront_commitment_for_billing_period", DOUBLE),
    ("savings_plan_net_recurring_commitment_for_billing_period", DOUBLE),
    ("savings_plan_net_savings_plan_effective_cost", DOUBLE),
    ("savings_plan_offering_type", STRING),
    ("savings_plan_payment_option", STRING),
    ("savings_plan_purchase_term", STRING),
    ("savings_plan_recurring_commitment_for_billing_period", DOUBLE),
    ("savings_plan_region", STRING),
    ("savings_plan_savings_plan_a_r_n", STRING),
    ("savings_plan_savings_plan_effective_cost", DOUBLE),
    ("savings_plan_savings_plan_rate", DOUBLE),
    ("savings_plan_start_time", STRING),
    ("savings_plan_total_commitment_to_date", DOUBLE),
    ("savings_plan_used_commitment", DOUBLE),
)

FOCUS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("AvailabilityZone", STRING),
    ("BilledCost", DOUBLE),
    ("BillingAccountId", STRING),
    ("BillingAccountName", STRING),
    ("BillingCurrency", STRING),
    ("BillingPeriodEnd", TIMESTAMP),
    ("BillingPeriodStart", TIMESTAMP),
    ("ChargeCategory", STRING),
    ("ChargeClass", STRING),
    ("ChargeDescription", STRING),
    ("ChargeFrequency", STRING),
    ("ChargePeriodEnd", TIMESTAMP),
    ("ChargePeriodStart", TIMESTAMP),
    ("CommitmentDiscountCategory", STRING),
    ("CommitmentDiscountId", STRING),
    ("CommitmentDiscountName", STRING),
    ("CommitmentDiscountStatus", STRING),
    ("CommitmentDiscountType", STRING),
    ("ConsumedQuantity", DOUBLE),
    ("ConsumedUnit", STRING),
    ("ContractedCost", DOUBLE),
    ("ContractedUnitPrice", DOUBLE),
    ("EffectiveCost", DOUBLE),
    ("InvoiceIssuerName", STRING),
    ("ListCost", DOUBLE),
    ("ListUnitPrice", DOUBLE),
    ("PricingCategory", STRING),
    ("PricingQuantity", DOUBLE),
    ("PricingUnit", STRING),
    ("ProviderName", STRING),
    ("PublisherName", STRING),
    ("RegionId", STRING),
    ("RegionName", STRING),
    ("ResourceId", STRING),
    ("ResourceName", STRING),
    ("ResourceType", STRING),
    ("ServiceCategory", STRING),
    ("ServiceName", STRING),
    ("SkuId", STRING),
    ("SkuPriceId", STRING),
    ("SubAccountId", STRING),
    ("SubAccountName", STRING),
    ("Tags", MAP),
    ("x_CostCategories", MAP),
    ("x_Discounts", MAP),
    ("x_Operation", STRING),
    ("x_ServiceCode", STRING),
    ("x_UsageType", STRING),
)

# Columns whose presence identifies a layout (and which the tidy SQL reads).
SIGNATURE: dict[Layout, tuple[str, ...]] = {
    "cur2": ("line_item_usage_type", "line_item_unblended_cost", "bill_billing_period_start_date"),
    "focus": ("x_UsageType", "BilledCost", "EffectiveCost", "BillingPeriodStart"),
}
# FOCUS itself (any version) and the AWS columns planner reads from it.
FOCUS_CORE = ("BilledCost", "EffectiveCost", "BillingPeriodStart", "ChargeCategory")
AWS_COLUMNS = ("x_UsageType", "x_ServiceCode", "x_Operation")
# Columns a FOCUS version added (FinOps Foundation FOCUS specification, 1.1 to 1.3; AWS Data
# Exports' FOCUS_1_2_AWS table adds BillingAccountType, CapacityReservationId, ...):
FOCUS_VERSIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("1.3", ("ServiceProviderName", "HostProviderName")),
    ("1.2", ("BillingAccountType", "InvoiceId", "PricingCurrency", "SubAccountType")),
    ("1.1", ("ServiceSubcategory", "SkuMeter", "CapacityReservationId")),
)
KNOWN = "CUR 2.0, or FOCUS 1.0, 1.2 or 1.3 with AWS columns"


def focus_version(columns: list[str]) -> str:
    """The FOCUS version a file's columns say (the newest whose added columns it has)."""
    present = set(columns)
    for version, added in FOCUS_VERSIONS:
        if any(c in present for c in added):
            return version
    return "1.0"


def layout_label(columns: list[str]) -> str:
    """``CUR 2.0`` or ``FOCUS 1.x with AWS columns``, from the columns."""
    if all(c in columns for c in SIGNATURE["cur2"]):
        return "CUR 2.0"
    return f"FOCUS {focus_version(columns)} with AWS columns"


def detect_layout(columns: list[str], where: str) -> Layout:
    """``cur2`` or ``focus`` from a file's column names; an unknown layout is named, never
    half-read."""
    from planner.errors import InputError

    present = set(columns)
    if all(c in present for c in SIGNATURE["cur2"]):
        return "cur2"
    if all(c in present for c in FOCUS_CORE):
        version = focus_version(columns)
        missing = [c for c in AWS_COLUMNS if c not in present]
        if missing:
            raise InputError(
                f"{where}: a FOCUS {version} export without the AWS columns ({', '.join(missing)} "
                "missing); planner matches bills by AWS usage type: export the 'FOCUS with AWS "
                "columns' table of AWS Data Exports"
            )
        return "focus"
    if any(c.startswith(("line_item_", "bill_")) for c in present):
        needed = [c for c in SIGNATURE["cur2"] if c not in present]
        raise InputError(
            f"{where}: looks like a CUR export but lacks {', '.join(needed)}; planner reads "
            "CUR 2.0 (AWS Data Exports), not the legacy CUR's lineItem/... columns"
        )
    if any(c in present for c in ("lineItem/UsageType", "lineItem/UnblendedCost")):
        raise InputError(f"{where}: a legacy CUR (lineItem/... columns); planner reads {KNOWN}")
    raise InputError(
        f"{where}: unknown billing layout; planner reads {KNOWN} "
        f"(CUR 2.0 needs {', '.join(SIGNATURE['cur2'])}; FOCUS needs "
        f"{', '.join(FOCUS_CORE + AWS_COLUMNS)}); found {len(columns)} columns starting "
        f"{', '.join(columns[:4]) or '(none)'}"
    )
