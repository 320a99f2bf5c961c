"""What each §9.2 claim line says it priced ("how"), and every set of levers the best
combination tried, for staging at the bundled snapshot's rates.

Figures (tests/test_commitments_claims.py, tests/test_one_money.py): staging 815.77 a month;
off-hours (12 h x 5 d, nodes to zero, RDS stopped) saves 87.64, or 33.80 with nodes at
min_size; the general group on-demand 2 x 730 x 0.0416 = 60.736 -> 60.74 + root volumes 3.20
= 63.94, reserved 1yr Standard No Upfront 2 x 730 x 0.0261 = 38.106 -> 38.11 + 3.20 = 41.31:
saves 22.63; the database's instance 730 x 0.072 = 52.56, with 100 GB x 0.115 = 11.50 of
storage 64.06; no reserved rate for db.t3.medium PostgreSQL in the snapshot.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.catalog import default_catalog
from planner.commitments.claims import Claim, best_combination, seed_claims
from planner.scenario import load_scenario

D = Decimal


@pytest.fixture  # per test: mutmut selects a test only if it calls the code itself
def claims() -> dict[str, Claim]:
    return {c.claim: c for c in seed_claims(load_scenario("staging"), default_catalog())}


def test_the_claims_in_order(claims: dict[str, Claim]) -> None:
    assert list(claims) == [
        "Off-hours scaling (nights and weekends)",
        "Reserved RDS, 1 year (30%)",
        "Reserved EKS nodes, 1 year (30%)",
        "Reserved capacity total",
        "Total potential savings (incl. right-sizing $50-100)",
        "Optimised monthly cost",
    ]
    # the report's figures: ~$100, ~$45, ~$35, ~$80, $230-280, $550-600
    claimed = [(c.claimed_low_usd, c.claimed_high_usd) for c in claims.values()]
    assert claimed == [
        (D(100), D(100)),
        (D(45), D(45)),
        (D(35), D(35)),
        (D(80), D(80)),
        (D(230), D(280)),
        (D(550), D(600)),
    ]


def test_off_hours_says_both_schedules(claims: dict[str, Claim]) -> None:
    assert claims["Off-hours scaling (nights and weekends)"].how == (
        "12h x 5d, nodes to zero, RDS stopped: saves 87.64; with nodes at min_size instead of "
        "zero 33.80. EKS control plane, NAT, NLB, MSK and ElastiCache bill every hour"
    )


def test_the_database_line_names_instance_storage_and_the_missing_rate(
    claims: dict[str, Claim],
) -> None:
    how = claims["Reserved RDS, 1 year (30%)"].how
    assert how.startswith(
        "db.t3.medium PostgreSQL: on-demand instance 52.56/month, with storage 64.06 "
        "(storage is not reserved); rds/postgres: "
    )
    assert "planner prices refresh" in how


def test_the_nodes_line_names_each_group(claims: dict[str, Claim]) -> None:
    assert claims["Reserved EKS nodes, 1 year (30%)"].how == (
        "general 2 x t3.medium: on-demand 63.94, saves 22.63; "
        "compute is spot: a reservation would replace, not add to, spot"
    )


def test_the_total_cannot_be_checked_without_the_database_rate(
    claims: dict[str, Claim],
) -> None:
    total = claims["Reserved capacity total"]
    assert total.model_usd is None
    assert (
        total.how == "RDS + EKS nodes above; fill the missing rates with `planner prices refresh`"
    )


def test_the_optimised_cost_names_its_base_and_combination(claims: dict[str, Claim]) -> None:
    optimised = claims["Optimised monthly cost"]
    assert optimised.how == (
        "modelled staging 815.77 (the report's base is $837.30) less the best combination "
        "(off-hours)"
    )
    assert optimised.model_usd == D("728.13")  # 815.77 - 87.64
    # the claimed $550-600 is below the model: the claim understates the optimised cost
    assert optimised.verdict == "understated"


def test_every_set_of_levers_is_tried() -> None:
    combo = best_combination(load_scenario("staging").topology, default_catalog())
    # 3 levers: 7 sets; every set with the database reservation lacks its rate. Totals:
    # off-hours 815.77 - 87.64 = 728.13; the general nodes reserved 815.77 - 22.63 = 793.14;
    # both together 815.77 - 71.22 = 744.55 (the reservation bills through the off-hours)
    assert combo.tried == (
        ("off-hours", D("728.13")),
        ("reserved RDS postgres", None),
        ("reserved nodes general", D("793.14")),
        ("off-hours + reserved RDS postgres", None),
        ("off-hours + reserved nodes general", D("744.55")),
        ("reserved RDS postgres + reserved nodes general", None),
        ("off-hours + reserved RDS postgres + reserved nodes general", None),
    )
    assert (combo.label, combo.saving) == ("off-hours", D("87.64"))
    assert combo.how.startswith(
        "best combination, priced together: off-hours saves 87.64 a month. Each set "
        "(saving against 815.77): off-hours 87.64; reserved RDS postgres rate missing; "
        "reserved nodes general 22.63; "
    )


def test_the_database_line_prices_its_own_instance_only() -> None:
    staging = load_scenario("staging")
    second = staging.topology.rds[0].model_copy(update={"name": "analytics"})
    topology = staging.topology.model_copy(update={"rds": (*staging.topology.rds, second)})
    scenario = type(staging)(topology=topology, path=staging.path, chain=staging.chain)
    found = {c.claim: c for c in seed_claims(scenario, default_catalog())}
    # the claim is about the first database: its instance alone, 52.56 (not both, 105.12)
    assert found["Reserved RDS, 1 year (30%)"].how.startswith(
        "db.t3.medium PostgreSQL: on-demand instance 52.56/month, with storage 64.06 "
    )
