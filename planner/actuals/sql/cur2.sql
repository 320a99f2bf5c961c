-- Tidy billing table from a CUR 2.0 export (AWS Data Exports table COST_AND_USAGE_REPORT).
-- One source for DuckDB and Athena: {{...}} marks the few dialect differences, filled in by
-- planner/actuals/sql.py ({{source}} is the files or the Athena table).
-- Amounts are summed as DECIMAL(38,10), so totals reconcile exactly.
-- amortised_usd follows AWS's amortized-cost rule: Savings Plans and RI usage at their effective
-- cost, the unused part of a commitment on its fee line, negations and upfront fees at zero.
SELECT
  {{month:bill_billing_period_start_date}} AS month,
  COALESCE(NULLIF(product_servicecode, ''), line_item_product_code) AS service,
  COALESCE(line_item_usage_type, '') AS usage_type,
  COALESCE(line_item_operation, '') AS operation,
  COALESCE(line_item_resource_id, '') AS resource_id,
  {{tags_json:resource_tags}} AS tags,
  CASE
    WHEN line_item_line_item_type = 'Tax' THEN 'Tax'
    WHEN line_item_line_item_type IN ('Credit', 'Refund') THEN 'Credit'
    WHEN line_item_line_item_type IN ('EdpDiscount', 'PrivateRateDiscount', 'BundledDiscount',
                                      'Discount', 'DistributorDiscount', 'SppDiscount')
      THEN 'Discount'
    WHEN line_item_line_item_type IN ('RIFee', 'Fee', 'SavingsPlanRecurringFee',
                                      'SavingsPlanUpfrontFee') THEN 'Purchase'
    ELSE 'Usage'
  END AS charge_category,
  CASE
    WHEN pricing_term = 'Spot' THEN 'Dynamic'
    WHEN line_item_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'Committed'
    ELSE 'Standard'
  END AS pricing_category,
  CASE
    WHEN line_item_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'Used'
    WHEN line_item_line_item_type IN ('RIFee', 'SavingsPlanRecurringFee') THEN 'Unused'
    ELSE ''
  END AS commitment_status,
  COALESCE(NULLIF(savings_plan_savings_plan_a_r_n, ''),
           NULLIF(reservation_reservation_a_r_n, ''), '') AS commitment_id,
  COALESCE(pricing_unit, '') AS unit,
  SUM(CASE WHEN line_item_line_item_type IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
           THEN {{dec:line_item_usage_amount}} ELSE 0 END) AS usage_quantity,
  SUM({{dec:line_item_unblended_cost}}) AS unblended_usd,
  SUM(CASE line_item_line_item_type
        WHEN 'SavingsPlanCoveredUsage' THEN {{dec:savings_plan_savings_plan_effective_cost}}
        WHEN 'SavingsPlanRecurringFee' THEN {{dec:savings_plan_total_commitment_to_date}}
                                            - {{dec:savings_plan_used_commitment}}
        WHEN 'SavingsPlanNegation' THEN 0
        WHEN 'SavingsPlanUpfrontFee' THEN 0
        WHEN 'DiscountedUsage' THEN {{dec:reservation_effective_cost}}
        WHEN 'RIFee' THEN {{dec:reservation_unused_amortized_upfront_fee_for_billing_period}}
                          + {{dec:reservation_unused_recurring_fee}}
        WHEN 'Fee' THEN CASE WHEN COALESCE(reservation_reservation_a_r_n, '') <> '' THEN 0
                             ELSE {{dec:line_item_unblended_cost}} END
        ELSE {{dec:line_item_unblended_cost}}
      END) AS amortised_usd,
  SUM({{dec:pricing_public_on_demand_cost}}) AS list_usd,
  COUNT(*) AS line_items
FROM {{source}}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
