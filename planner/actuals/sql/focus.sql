-- Tidy billing table from a FOCUS 1.0 with AWS columns export (AWS Data Exports table
-- FOCUS_1_0_AWS), Parquet or CSV. Same output columns as cur2.sql; {{...}} marks the dialect
-- differences filled in by planner/actuals/sql.py.
-- BilledCost is the invoiced (unblended) cost, EffectiveCost the amortised cost.
SELECT
  {{month:BillingPeriodStart}} AS month,
  COALESCE(NULLIF(x_ServiceCode, ''), ServiceName) AS service,
  COALESCE(x_UsageType, '') AS usage_type,
  COALESCE(x_Operation, '') AS operation,
  COALESCE(ResourceId, '') AS resource_id,
  {{tags_json:Tags}} AS tags,
  COALESCE(ChargeCategory, '') AS charge_category,
  COALESCE(PricingCategory, 'Standard') AS pricing_category,
  COALESCE(CommitmentDiscountStatus, '') AS commitment_status,
  COALESCE(CommitmentDiscountId, '') AS commitment_id,
  COALESCE(ConsumedUnit, PricingUnit, '') AS unit,
  SUM(CASE WHEN ChargeCategory = 'Usage' AND COALESCE(CommitmentDiscountStatus, '') <> 'Unused'
           THEN {{dec:ConsumedQuantity}} ELSE 0 END) AS usage_quantity,
  SUM({{dec:BilledCost}}) AS unblended_usd,
  SUM({{dec:EffectiveCost}}) AS amortised_usd,
  SUM({{dec:ListCost}}) AS list_usd,
  COUNT(*) AS line_items
FROM {{source}}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
