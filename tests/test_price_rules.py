"""The price rules (planner.price_rules): one test per rule on hand-made bad rows, the
Memcached correction, and the shipped snapshot breaking none of them."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from conftest import SNAPSHOT_DIR

from planner.catalog import ON_DEMAND, QUARANTINE_COLUMNS, PriceCatalog, PriceRow, Term
from planner.price_rules import RULES, RULES_VERSION, check

D = Decimal
RI_1YR_ALL = Term("Reserved", "1yr", "All Upfront", "standard")
RI_1YR_PARTIAL = Term("Reserved", "1yr", "Partial Upfront", "standard")
RI_1YR_NO = Term("Reserved", "1yr", "No Upfront", "standard")
RI_3YR_ALL = Term("Reserved", "3yr", "All Upfront", "standard")
EFFECTIVE = "Hrs (effective, upfront amortised)"


def row(
    product: str,
    usd: str,
    *,
    service: str = "AmazonEC2",
    term: Term = ON_DEMAND,
    unit: str = "Hrs",
    region: str = "us-east-1",
    source: str = "hand/made:rows.csv@0",
    kind: str = "list",
) -> PriceRow:
    return PriceRow(
        service, region, product, "", term, unit, D(usd), kind, "", source, "2026-01-01"
    )


def rules_of(rows: list[PriceRow], correct: bool = True) -> dict[str, str]:
    """product [term] -> rule, for every quarantined row."""
    verdict = check(rows, correct=correct)
    return {v.row.ref.split("/", 2)[2]: v.rule for v in verdict.quarantined}


def test_every_rule_is_described() -> None:
    assert set(RULES) == {
        "unknown-unit",
        "price-out-of-range",
        "engines-disagree",
        "multi-az-not-twice-single-az",
        "reserved-not-below-on-demand",
        "upfront-fee-in-hourly-column",
        "all-upfront-split",
        "partial-upfront-fee-too-high",
    }


def test_sound_rows_pass() -> None:
    # m5.large us-east-1 (GetProducts 2021-02-05): 0.096 on demand; 1yr All Upfront 494 up
    # front and 0/h: 494 / 8760 = 0.0564/h < 0.096; 1yr Partial 252 + 0.029/h:
    # 252 / 8760 + 0.029 = 0.0578/h < 0.096 and 252 < 8760 x 0.096 = 840.96
    rows = [
        row("instance/m5.large", "0.096"),
        row("instance/m5.large", "0", term=RI_1YR_ALL),
        row("instance/m5.large/upfront", "494", term=RI_1YR_ALL, unit="Quantity"),
        row("instance/m5.large", "0.029", term=RI_1YR_PARTIAL),
        row("instance/m5.large/upfront", "252", term=RI_1YR_PARTIAL, unit="Quantity"),
        row("instance/m5.large", "0.06", term=RI_1YR_NO),
    ]
    verdict = check(rows)
    assert verdict.quarantined == []
    assert len(verdict.served) == 6


def test_unknown_unit() -> None:
    assert rules_of([row("ebs/gp3", "0.08", unit="GB-month-ish")]) == {"ebs/gp3": "unknown-unit"}


@pytest.mark.parametrize(
    ("unit", "usd"),
    [
        ("Hrs", "1380"),  # above 1,000 $/h: no instance costs that
        ("GB-Mo", "80"),  # a per-TB price in a per-GB column
        ("GB", "0"),  # 0 is not a price outside All Upfront and free tiers
        ("Hrs", "-0.01"),
    ],
)
def test_price_out_of_range(unit: str, usd: str) -> None:
    assert rules_of([row("nat/x", usd, unit=unit)]) == {"nat/x": "price-out-of-range"}


def test_zero_is_a_price_for_a_free_tier() -> None:
    rows = [row("internet-out/free-up-to-100", "0", unit="GB", service="AWSDataTransfer")]
    assert check(rows).quarantined == []


def test_redis_disagreeing_with_memcached_is_replaced_by_the_memcached_value() -> None:
    # the 2022 scraper bug: cache.r5.large Redis 0.090/h, Memcached (AWS's list) 0.216/h
    src = "vantage-sh/ec2instances.info:www/cache/instances.json@3e75a5dddbf4"
    rows = [
        row("node/cache.r5.large/Redis", "0.09", service="AmazonElastiCache", source=src),
        row("node/cache.r5.large/Memcached", "0.216", service="AmazonElastiCache", source=src),
    ]
    verdict = check(rows)
    assert [(v.rule, v.row.usd) for v in verdict.quarantined] == [("engines-disagree", D("0.09"))]
    assert "Memcached 0.216" in verdict.quarantined[0].evidence
    served = {r.product: r for r in verdict.served}
    redis = served["node/cache.r5.large/Redis"]
    assert redis.usd == D("0.216")
    assert redis.price_kind == "derived"
    assert "Memcached value" in redis.derivation and "0.09" in redis.derivation
    assert verdict.corrected == [redis]


def test_redis_from_another_source_is_only_refused() -> None:
    rows = [
        row("node/cache.r5.large/Redis", "0.09", service="AmazonElastiCache", source="a"),
        row("node/cache.r5.large/Memcached", "0.216", service="AmazonElastiCache", source="b"),
    ]
    verdict = check(rows)
    assert [v.rule for v in verdict.quarantined] == ["engines-disagree"]
    assert [r.product for r in verdict.served] == ["node/cache.r5.large/Memcached"]


def test_no_correction_when_asked_for_none() -> None:
    rows = [
        row("node/cache.r5.large/Redis", "0.09", service="AmazonElastiCache"),
        row("node/cache.r5.large/Memcached", "0.216", service="AmazonElastiCache"),
    ]
    assert [r.product for r in check(rows, correct=False).served] == [
        "node/cache.r5.large/Memcached"
    ]


def test_valkey_at_other_than_its_published_discount() -> None:
    # Valkey = 0.8 x Redis: 0.8 x 0.216 = 0.1728 passes; 0.216 (no discount) does not
    good = [
        row("node/cache.r5.large/Redis", "0.216", service="AmazonElastiCache"),
        row("node/cache.r5.large/Valkey", "0.1728", service="AmazonElastiCache"),
    ]
    assert check(good).quarantined == []
    bad = [good[0], row("node/cache.r5.large/Valkey", "0.216", service="AmazonElastiCache")]
    assert rules_of(bad) == {"node/cache.r5.large/Valkey": "engines-disagree"}


def test_multi_az_not_twice_single_az() -> None:
    single = row("db/db.t3.medium/PostgreSQL/Single-AZ", "0.072", service="AmazonRDS")
    # 2 x 0.072 = 0.144 passes; 0.1 does not
    assert (
        check(
            [single, row(single.product.replace("Single", "Multi"), "0.144", service="AmazonRDS")]
        ).quarantined
        == []
    )
    bad = [single, row("db/db.t3.medium/PostgreSQL/Multi-AZ", "0.1", service="AmazonRDS")]
    assert rules_of(bad) == {"db/db.t3.medium/PostgreSQL/Multi-AZ": "multi-az-not-twice-single-az"}


def test_multi_az_rule_only_where_it_holds() -> None:
    # SQL Server Multi-AZ is priced on its own (not 2x): no rule
    rows = [
        row("db/db.m5.large/SQL Server/Single-AZ", "0.977", service="AmazonRDS"),
        row("db/db.m5.large/SQL Server/Multi-AZ", "1.954001", service="AmazonRDS"),
        row("db/db.m5.large/SQL Server/Multi-AZ", "3", service="AmazonRDS", region="eu-west-1"),
    ]
    assert check(rows).quarantined == []


def test_reserved_effective_rate_not_below_on_demand() -> None:
    # the 2022 ElastiCache rows: 1yr No Upfront 0.557/h effective vs on-demand 0.312/h
    rows = [
        row("node/cache.m5.2xlarge/Memcached", "0.312", service="AmazonElastiCache"),
        row(
            "node/cache.m5.2xlarge/Memcached",
            "0.557",
            service="AmazonElastiCache",
            term=RI_1YR_NO,
            unit=EFFECTIVE,
            kind="effective hourly",
        ),
    ]
    verdict = check(rows)
    assert [v.rule for v in verdict.quarantined] == ["reserved-not-below-on-demand"]
    assert "0.557/h >= on-demand 0.312/h" in verdict.quarantined[0].evidence


def test_split_offer_effective_rate_counts_the_fee() -> None:
    # 0.05/h + 500 / 8760 = 0.1071/h >= 0.096: the recurring rate alone is below on-demand
    rows = [
        row("instance/m5.large", "0.096"),
        row("instance/m5.large", "0.05", term=RI_1YR_PARTIAL),
        row("instance/m5.large/upfront", "500", term=RI_1YR_PARTIAL, unit="Quantity"),
    ]
    assert rules_of(rows) == {
        "instance/m5.large [Reserved 1yr standard Partial Upfront]": "reserved-not-below-on-demand",
        "instance/m5.large/upfront [Reserved 1yr standard Partial Upfront]": (
            "reserved-not-below-on-demand"
        ),
    }


def test_savings_plan_rate_not_below_on_demand() -> None:
    sp = Term("SavingsPlan", "1yr", "No Upfront", "compute")
    rows = [row("instance/t3.medium", "0.0416"), row("instance/t3.medium", "0.05", term=sp)]
    assert rules_of(rows) == {
        "instance/t3.medium [SavingsPlan 1yr compute No Upfront]": "reserved-not-below-on-demand"
    }


def test_upfront_fee_in_the_hourly_column() -> None:
    # the 2021 RDS row: 1yr All Upfront "1967" per hour against 1.057 on demand; 1967 is
    # 1967 / (8760 x 1.057) = 21.2% of a year at on-demand: where a fee would be
    rows = [
        row("db/db.m4.large/SQL Server/Single-AZ", "1.057", service="AmazonRDS"),
        row(
            "db/db.m4.large/SQL Server/Single-AZ",
            "1967",
            service="AmazonRDS",
            term=RI_1YR_ALL,
            unit=EFFECTIVE,
            kind="effective hourly",
        ),
    ]
    verdict = check(rows)
    assert [v.rule for v in verdict.quarantined] == ["upfront-fee-in-hourly-column"]
    assert "21.2% of on-demand" in verdict.quarantined[0].evidence


def test_all_upfront_with_an_hourly_rate() -> None:
    rows = [
        row("instance/m5.large", "0.096"),
        row("instance/m5.large", "0.01", term=RI_1YR_ALL),
        row("instance/m5.large/upfront", "400", term=RI_1YR_ALL, unit="Quantity"),
    ]
    assert set(rules_of(rows).values()) == {"all-upfront-split"}
    assert len(rules_of(rows)) == 2  # the recurring row and its fee row


def test_all_upfront_without_its_fee_row() -> None:
    rows = [row("instance/m5.large", "0.096"), row("instance/m5.large", "0", term=RI_3YR_ALL)]
    assert rules_of(rows) == {
        "instance/m5.large [Reserved 3yr standard All Upfront]": "all-upfront-split"
    }


def test_partial_upfront_fee_not_below_term_hours_times_on_demand() -> None:
    # 8760 h x 0.096 = 840.96: a fee of 841 buys nothing an on-demand year would not
    rows = [
        row("instance/m5.large", "0.096"),
        row("instance/m5.large", "0.001", term=RI_1YR_PARTIAL),
        row("instance/m5.large/upfront", "841", term=RI_1YR_PARTIAL, unit="Quantity"),
    ]
    verdict = check(rows)
    assert {v.rule for v in verdict.quarantined} == {"partial-upfront-fee-too-high"}
    fee = next(v for v in verdict.quarantined if v.row.unit == "Quantity")
    assert "841 >= 8760 h x on-demand 0.096/h = 840.96" in fee.evidence


def test_the_shipped_snapshot_breaks_no_rule() -> None:
    """Every served row of every service passes every rule (the builder gated them), and the
    manifest says so; the rows it refused are all in quarantine.csv with rule and evidence."""
    catalog = PriceCatalog(SNAPSHOT_DIR)
    for service, entry in catalog.manifest["services"].items():
        assert entry["price_rules"] == RULES_VERSION, service
        assert check(catalog.rows(service), correct=False).quarantined == [], service
    with (SNAPSHOT_DIR / "quarantine.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == QUARANTINE_COLUMNS
        quarantined = list(reader)
    assert quarantined and all(r["rule"] in RULES and r["evidence"] for r in quarantined)
    manifest = json.loads((SNAPSHOT_DIR / "manifest.json").read_text())
    assert manifest["quarantine"]["rows"] == len(quarantined)


def test_the_three_elasticache_rows_are_at_list() -> None:
    """The issue's rows (us-east-1 Redis): AWS's list prices, not the 2022 scraper's."""
    catalog = PriceCatalog(SNAPSHOT_DIR)
    for node, usd in (
        ("cache.r5.large", "0.216"),
        ("cache.m5.xlarge", "0.311"),
        ("cache.r5.2xlarge", "0.862"),
    ):
        got = catalog.get("AmazonElastiCache", "us-east-1", f"node/{node}/Redis")
        assert got.usd == D(usd), node


def test_a_snapshot_without_the_gate_is_checked_on_load(tmp_path) -> None:
    """A file the manifest does not mark as gated is checked when read: its bad rows are
    refused, and a lookup of one names the rule instead of serving it."""
    from planner.prices.snapshot import write_snapshot

    rows = [
        row("node/cache.r5.large/Redis", "0.09", service="AmazonElastiCache"),
        row("node/cache.r5.large/Memcached", "0.216", service="AmazonElastiCache"),
    ]
    out = tmp_path / "snap"
    write_snapshot(rows, out, "2026-01-01", gate=False)
    manifest = json.loads((out / "manifest.json").read_text())
    assert "price_rules" not in manifest["services"]["AmazonElastiCache"]
    catalog = PriceCatalog(out)
    assert catalog.find("AmazonElastiCache", "us-east-1", "node/cache.r5.large/Redis") is None
    text = catalog.explain_missing(
        "AmazonElastiCache", "us-east-1", "node/cache.r5.large/Redis", ON_DEMAND
    )
    assert "refused by the price rules (engines-disagree" in text


def test_an_imported_offer_goes_through_the_same_gate(tmp_path, run_cli) -> None:
    """import-offer (like refresh) writes through the gate: an imported Redis price that
    disagrees with the snapshot's Memcached row of the same node type is quarantined, with
    its evidence, and a lookup names it instead of serving it; status counts it."""
    import shutil

    from aws_records import offer_file, record

    bad = record(
        "AmazonElastiCache",
        "eu-west-1",
        "Cache Instance",
        {
            "instanceType": "cache.t3.micro",
            "cacheEngine": "Redis",
            "usagetype": "EU-NodeUsage:cache.t3.micro",
        },
        [("Hrs", "0.009", "0", "Inf")],  # eu-west-1 Memcached (2025 source): 0.018
    )
    offers = tmp_path / "offers"
    offers.mkdir()
    offer_file("AmazonElastiCache", [bad], offers / "AmazonElastiCache-eu-west-1.json")
    snap = tmp_path / "snap"
    shutil.copytree(SNAPSHOT_DIR, snap)
    result = run_cli(["prices", "import-offer", str(offers), "--out", str(snap)])
    assert result.code == 0, result.err
    catalog = PriceCatalog(snap)
    assert catalog.find("AmazonElastiCache", "eu-west-1", "node/cache.t3.micro/Redis") is None
    text = catalog.explain_missing(
        "AmazonElastiCache", "eu-west-1", "node/cache.t3.micro/Redis", ON_DEMAND
    )
    assert "quarantined (engines-disagree: Redis 0.009 vs Memcached 0.018" in text
    shipped = json.loads((SNAPSHOT_DIR / "manifest.json").read_text())["quarantine"]["rows"]
    assert catalog.manifest["quarantine"]["rows"] == shipped + 1
    status = run_cli(["prices", "status", "--prices", str(snap), "--format", "json"])
    assert json.loads(status.out)["quarantine"]["rows"] == shipped + 1
