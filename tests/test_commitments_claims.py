"""The seed report's §9.2 claims against the model, worked by hand."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from planner.catalog import default_catalog
from planner.commitments.claims import seed_claims
from planner.scenario import load_scenario


def test_claims_against_the_model() -> None:
    claims = {c.claim: c for c in seed_claims(load_scenario("staging"), default_catalog())}
    off = claims["Off-hours scaling (nights and weekends)"]
    # Off 108 of 168 h a week = 469.2857 h a month, nodes to zero and RDS stopped:
    #   nodes (2 x 0.0416 + 1 x 0.02496 spot) x 469.2857 = 50.7580
    #   root volumes 60 GB x 0.08 = 4.80 a month x 108/168 = 3.0857
    #   RDS instance 0.072 x 469.2857 = 33.7886          total 87.6323 (claim ~$100)
    # as shown, each line rounded first: general 60.74 -> 21.69, EBS 3.20 -> 1.14, compute
    # 18.22 -> 6.51, EBS 1.60 -> 0.57, RDS 52.56 -> 18.77: 39.05 + 2.06 + 11.71 + 1.03 +
    # 33.79 = 87.64
    assert off.model_usd == Decimal("87.64")
    assert off.verdict == "overstated"  # more than 10% below ~$100
    # at min_size the nodes stay: RDS saves 33.79, and the general group shows as two lines
    # (on-hours 21.69 + off-hours 39.04 = 60.73 against 60.74 always-on): 33.80
    assert "33.80" in off.how
    # t3.medium 1yr standard No Upfront is in the snapshot (effective $0.0261/h, the published
    # rate LeanerCloud/ec2-instances-info collected in 2019): the general group's 2 nodes save
    # 2 x 730 h x (0.0416 - 0.0261) = 1,460 x 0.0155 = $22.63 (claim ~$35: overstated);
    # the compute group is spot, so reserving it would replace spot, not add to it
    nodes = claims["Reserved EKS nodes, 1 year (30%)"]
    assert nodes.model_usd == Decimal("22.63")
    assert nodes.verdict == "overstated"
    # no 1-year reserved rate for db.t3.medium PostgreSQL Single-AZ in the snapshot:
    rds = claims["Reserved RDS, 1 year (30%)"]
    assert rds.model_usd is None
    assert "planner prices refresh" in rds.how
    assert rds.verdict == "cannot check: rate missing"
    # the best combination, priced together (tests/test_one_money.py): off-hours alone
    total = claims["Total potential savings (incl. right-sizing $50-100)"]
    assert total.model_usd == Decimal("87.64")
    assert "off-hours + reserved nodes general 71.22" in total.how
    optimised = claims["Optimised monthly cost"]
    assert optimised.model_usd == Decimal("815.77") - Decimal("87.64")
    assert "815.77" in optimised.how


def test_the_claims_table_at_the_pages_decimals_and_no_sum_labelled_total() -> None:
    """The report's "Total potential savings" is its sum of the levers; the model's figure is
    the best combination priced together (off-hours alone, 87.64: a reservation bills through
    the off-hours), so the row must not read as a total of the rows above it."""
    from planner.commitments.model import Commitments
    from planner.commitments.notebook import CommitmentsData, claims_table

    claims = seed_claims(load_scenario("staging"), default_catalog())
    data = CommitmentsData(
        scenario="staging",
        total_monthly_usd=Decimal("815.77"),
        commitments=Commitments("staging", "us-east-1", [], [], None),
        forecast=[],
        sweep=None,
        grid_path=None,
        claims=claims,
    )
    cents, dollars = claims_table(data, 2), claims_table(data, 0)
    labels = list(cents["§9.2 claim"])
    assert not any(label.startswith(("Total", "TOTAL")) for label in labels)
    total = next(i for i, label in enumerate(labels) if "Total potential savings" in label)
    assert "not a sum of the rows" in labels[total]
    assert cents["model"][total] == "$87.64" and dollars["model"][total] == "$88"
    assert cents["claimed"][total] == "$230.00-$280.00" and dollars["claimed"][total] == "$230-$280"


def test_whole_dollar_savings_are_differences_of_the_figures_shown() -> None:
    """At whole dollars a saving is the difference of the two figures on the page: redis today
    $12.41 -> $12, 1yr No Upfront $8.76 -> $9, so it saves $3 (not $3.65 -> $4); the §9.2
    optimised cost is the page's $818 less the shown best combination $88 = $730."""
    from planner.commitments.cli import compute_commitments
    from planner.commitments.notebook import CommitmentsData, claims_table, options_table
    from planner.pricing import price_scenario

    scenario = load_scenario("staging")
    catalog = default_catalog()
    report = price_scenario(scenario, catalog)
    data = CommitmentsData(
        scenario="staging",
        total_monthly_usd=report.total_monthly_usd,
        commitments=compute_commitments(scenario, catalog, Decimal(0)),
        forecast=[],
        sweep=None,
        grid_path=None,
        claims=seed_claims(scenario, catalog),
        report=report,
    )
    table = options_table(data, 0).set_index("option")
    assert table.loc["redis: reserved 1yr No Upfront x 1", "saves / month"] == 3.0
    assert table.loc["general: reserved 3yr standard All Upfront x 2", "saves / month"] == 38.0

    def half_up(value: Decimal) -> Decimal:  # as every figure on the page
        return value.quantize(Decimal(1), ROUND_HALF_UP)

    for o in data.commitments.options:
        name = ("* " if o.current else "") + o.name
        today, monthly = half_up(o.baseline_usd), half_up(o.monthly_usd)
        assert table.loc[name, "saves / month"] == float(today - monthly), name
    claims = claims_table(data, 0).set_index("§9.2 claim")
    assert claims.loc["Optimised monthly cost", "model"] == "$730"
