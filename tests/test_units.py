"""Unit tests: quantities, money, overlays, EKS tiers, LCUs, data-transfer tiers, audit, compare."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SCENARIOS_DIR, SNAPSHOT_DIR
from hypothesis import given
from hypothesis import strategies as st

from planner.audit import read_estimate
from planner.catalog import load_catalog
from planner.catalog_names import eks_support_tier
from planner.costing.services.data_transfer import split_tiers
from planner.costing.services.elb import lcus
from planner.errors import InputError, ScenarioError
from planner.money import HOURS_PER_MONTH, cents, to_decimal, usd
from planner.pricing import price_scenario
from planner.quantities import QuantityError, parse_cpu_millicores, parse_memory_bytes
from planner.scenario import load_scenario
from planner.topology import LoadBalancer


@pytest.mark.parametrize(("text", "m"), [("250m", 250), ("0.5", 500), ("2", 2000), (1, 1000)])
def test_cpu(text: str, m: int) -> None:
    assert parse_cpu_millicores(text) == m


@pytest.mark.parametrize(("text", "b"), [("1Gi", 2**30), ("512Mi", 512 * 2**20), ("1G", 10**9)])
def test_memory(text: str, b: int) -> None:
    assert parse_memory_bytes(text) == b


def test_quantity_mistakes_have_hints() -> None:
    with pytest.raises(QuantityError, match="did you mean 512Mi"):
        parse_memory_bytes("512Mb")
    with pytest.raises(QuantityError, match="did you mean 250m"):
        parse_cpu_millicores("250M")
    assert parse_cpu_millicores("0.0001") == 1  # rounds up, never to zero


def test_money_rounding() -> None:
    assert cents(Decimal("0.005")) == Decimal("0.01")
    assert cents(Decimal("0.0049")) == Decimal("0.00")
    assert cents(Decimal("-0.005")) == Decimal("-0.01")
    assert usd(Decimal("1234.565")) == "$1,234.57"
    assert usd(Decimal("-213.42")) == "-$213.42"
    assert to_decimal(0.1) == Decimal("0.1")
    with pytest.raises(TypeError):
        to_decimal(True)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_overlay_merges_named_lists(tmp_path: Path) -> None:
    base = (SCENARIOS_DIR / "staging.yaml").resolve()
    over = write(
        tmp_path / "o.yaml",
        f"""extends: {base}
name: o
eks:
  node_groups:
    - name: compute
      remove: true
    - name: general
      desired_size: 3
    - name: extra
      instance_type: m5.large
      min_size: 1
      desired_size: 1
      max_size: 2
""",
    )
    groups = load_scenario(over).topology.eks.node_groups  # type: ignore[union-attr]
    assert [g.name for g in groups] == ["general", "extra"]
    assert groups[0].desired_size == 3 and groups[0].instance_type == "t3.medium"
    graviton = load_scenario("whatif/staging-graviton").topology
    assert graviton.eks is not None and graviton.eks.node_groups[0].min_size == 2
    assert graviton.eks.node_groups[0].instance_type == "t4g.medium"


def test_overlay_remove_unknown_name(tmp_path: Path) -> None:
    base = (SCENARIOS_DIR / "staging.yaml").resolve()
    over = write(tmp_path / "o.yaml", f"extends: {base}\nrds:\n  - name: nope\n    remove: true\n")
    with pytest.raises(ScenarioError, match=r"rds\[nope\]: remove names no item"):
        load_scenario(over)


def test_overlay_empty_list_clears_and_manifests_match_inline_workloads(tmp_path: Path) -> None:
    base = (SCENARIOS_DIR / "staging.yaml").resolve()
    manifests = (SCENARIOS_DIR / "manifests" / "staging").resolve()
    over = write(
        tmp_path / "o.yaml",
        f"extends: {base}\nname: o\neks:\n  workloads: []\n  workloads_from: {manifests}\n",
    )
    eks = load_scenario(over).topology.eks
    assert eks is not None and eks.workloads == () and eks.workloads_from == str(manifests)
    from planner.capacity.plan import plan_capacity

    from_manifests = plan_capacity(load_scenario(over).topology)
    inline = plan_capacity(load_scenario("staging").topology)
    for state in ("min", "expected", "max"):
        assert from_manifests.nodes(state) == inline.nodes(state)


def test_extends_cycle_and_missing_file(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", "extends: b.yaml\nname: a\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\nname: b\n")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.yaml")
    write(tmp_path / "c.yaml", "extends: gone.yaml\nname: c\n")
    with pytest.raises(ScenarioError, match=r"c\.yaml: line 1: extends: 'gone.yaml'.*not found"):
        load_scenario(tmp_path / "c.yaml")


def test_eks_support_tier_by_date() -> None:
    assert eks_support_tier("1.28", dt.date(2024, 11, 25)) == "standard"
    assert eks_support_tier("1.28", dt.date(2024, 11, 26)) == "extended"
    assert eks_support_tier("1.28", dt.date(2025, 11, 26)) is None


def test_lcu_is_the_max_of_dimensions() -> None:
    nlb = LoadBalancer.model_validate(
        {
            "name": "n",
            "type": "network",
            "processed_gb_per_hour": "0.137",
            "new_connections_per_second": 5,
        }
    )
    assert lcus(nlb)[:2] == (Decimal("0.137"), "processed_gb_per_hour")
    alb = LoadBalancer.model_validate(
        {
            "name": "a",
            "type": "application",
            "processed_gb_per_hour": 1,
            "rule_evaluations_per_second": 2000,
            "new_connections_per_second": 25,
        }
    )
    assert lcus(alb)[:2] == (Decimal(2), "rule_evaluations_per_second")


# AWS's internet egress tiers, written out from the AWS price list (not from the code): the
# AWSDataTransfer offer's "Outbound data transfer to Internet" price dimensions have the
# ranges 0-10240, 10240-51200, 51200-153600 and 153600-Inf GB a month ("first 10 TB", "next
# 40 TB", "next 100 TB", "over 150 TB", a TB being 1,024 GB there).
AWS_TIERS = (
    ("internet-out/first-10tb", Decimal(10240)),
    ("internet-out/next-40tb", Decimal(51200 - 10240)),  # 40,960 GB
    ("internet-out/next-100tb", Decimal(153600 - 51200)),  # 102,400 GB
    ("internet-out/over-150tb", None),
)


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        ("0", []),
        ("1", [("first-10tb", "1")]),
        ("10240", [("first-10tb", "10240")]),  # exactly the first tier: nothing spills over
        ("10240.001", [("first-10tb", "10240"), ("next-40tb", "0.001")]),
        ("51200", [("first-10tb", "10240"), ("next-40tb", "40960")]),
        ("51201", [("first-10tb", "10240"), ("next-40tb", "40960"), ("next-100tb", "1")]),
        ("153600", [("first-10tb", "10240"), ("next-40tb", "40960"), ("next-100tb", "102400")]),
        (
            "200000",  # 200,000 - 153,600 = 46,400 GB over 150 TB
            [
                ("first-10tb", "10240"),
                ("next-40tb", "40960"),
                ("next-100tb", "102400"),
                ("over-150tb", "46400"),
            ],
        ),
    ],
)
def test_data_transfer_tier_boundaries(total: str, expected: list[tuple[str, str]]) -> None:
    got = [
        (product.removeprefix("internet-out/"), gb) for product, gb in split_tiers(Decimal(total))
    ]
    assert got == [(name, Decimal(gb)) for name, gb in expected]


@given(st.decimals(min_value=0, max_value=10**6, places=3))
def test_data_transfer_tiers_sum_to_total(total: Decimal) -> None:
    tiers = split_tiers(total)
    assert sum((gb for _, gb in tiers), Decimal(0)) == total
    sizes = dict(AWS_TIERS)
    names = [p for p, _ in AWS_TIERS]
    assert [p for p, _ in tiers] == names[: len(tiers)]
    for product, gb in tiers:
        assert gb > 0
        size = sizes[product]
        assert size is None or gb <= size
    for product, gb in tiers[:-1]:
        assert gb == sizes[product]  # every tier but the last is full


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ("x,AmazonFoo,1", r"row 2: service 'AmazonFoo' is not an AWS service code"),
        ("x,AmazonS3,abc", r"row 2: monthly_usd 'abc' is not a number"),
    ],
)
def test_audit_reader_errors(tmp_path: Path, row: str, match: str) -> None:
    path = write(tmp_path / "e.csv", f"label,service,monthly_usd\n{row}\n")
    with pytest.raises(InputError, match=match):
        read_estimate(path)


def od(service: str, product: str) -> Decimal:
    with (SNAPSHOT_DIR / f"{service}.csv").open(newline="") as handle:
        (row,) = [
            r
            for r in csv.DictReader(handle)
            if r["product"] == product and r["region"] == "us-east-1" and r["term"] == "OnDemand"
        ]
    return Decimal(row["usd"])


def test_audit_top_three_from_the_snapshot(run_cli) -> None:
    estimate = SCENARIOS_DIR / "estimates" / "seed-9.1-staging.csv"
    est = {r.resource: r.monthly_usd for r in read_estimate(estimate)}
    eks = od("AmazonEKS", "cluster/extended") * HOURS_PER_MONTH - est["eks/"]
    msk = (
        od("AmazonMSK", "broker/kafka.t3.small") * HOURS_PER_MONTH * 2
        + od("AmazonMSK", "storage/gb") * 200
        - est["msk/"]
    )
    rds = (
        od("AmazonRDS", "db/db.t3.medium/PostgreSQL/Single-AZ") * HOURS_PER_MONTH
        - est["rds/postgres#instance"]
    )
    result = run_cli(["audit", str(estimate), "--scenario", "staging", "--format", "json"])
    assert result.code == 0, result.err
    top = json.loads(result.out)["rows"][:3]
    assert [r["service"] for r in top] == ["AmazonEKS", "AmazonMSK", "AmazonRDS"]
    got = [cents(Decimal(str(r["difference_usd"]))) for r in top]
    assert got == [cents(eks), cents(msk), cents(rds)]
    assert [usd(v) for v in got] == ["$366.00", "-$213.42", "-$97.44"]
    table = run_cli(["audit", str(estimate), "--scenario", "staging"])
    assert "$366.00" in table.out and "TOTAL" in table.out


def _usd(value: float) -> Decimal:
    """A JSON dollar figure to the cent (json_number gives the float of an exact decimal)."""
    return cents(Decimal(str(value)))


def test_compare_deltas(run_cli) -> None:
    result = run_cli(["compare", "staging", "production", "--format", "json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["base"], data["other"]) == ("staging", "production")
    # each side against an independent pricing of its own scenario: a compare() that hands
    # the base's numbers for "other" (or swaps them) fails here
    catalog = load_catalog()
    base = price_scenario(load_scenario("staging"), catalog)
    other = price_scenario(load_scenario("production"), catalog)
    base_by, other_by = base.by_service(), other.by_service()
    services = {s["service"]: s for s in data["services"]}
    assert set(services) == set(base_by) | set(other_by)
    for code, s in services.items():
        assert _usd(s["base_monthly_usd"]) == cents(base_by.get(code, Decimal(0))), code
        assert _usd(s["other_monthly_usd"]) == cents(other_by.get(code, Decimal(0))), code
        assert s["delta_usd"] == pytest.approx(s["other_monthly_usd"] - s["base_monthly_usd"])
    assert (
        Decimal(data["delta_total_usd_exact"]) == other.exact_monthly_usd - base.exact_monthly_usd
    )
    assert data["delta_total_usd"] == pytest.approx(
        data["other_total_monthly_usd"] - data["base_total_monthly_usd"]
    )
    assert sum(s["base_monthly_usd"] for s in data["services"]) == pytest.approx(
        data["base_total_monthly_usd"]
    )
    # hand-worked (us-east-1 list prices, 730 h):
    hand = {
        # staging 1.28 on 2025-11-11 is in extended support: 730 x 0.60 = 438;
        # production 1.34 on 2025-12-01 is in standard support: 730 x 0.10 = 73
        "AmazonEKS": ("438.00", "73.00", "-365.00"),
        # staging 2 x kafka.t3.small: 1,460 h x 0.0456 = 66.576 + 2 x 100 GB x 0.10 = 20;
        # production 3 x kafka.m5.large: 2,190 h x 0.21 = 459.90 + 3 x 500 GB x 0.10 = 150
        "AmazonMSK": ("86.58", "609.90", "523.32"),
        # logs: 50 GB x 0.50 + 50 GB x 0.03 = 26.50; 250 x 0.50 + 250 x 0.03 = 132.50
        "AmazonCloudWatch": ("26.50", "132.50", "106.00"),
        # egress 100 GB x 0.09 = 9; 1,000 GB x 0.09 = 90 + inter-AZ 200 GB x 2 x 0.01 = 4
        "AWSDataTransfer": ("9.00", "94.00", "85.00"),
        # 3 keys x $1, no billable requests, on both sides
        "awskms": ("3.00", "3.00", "0.00"),
    }
    for code, (old, new, delta) in hand.items():
        s = services[code]
        assert _usd(s["base_monthly_usd"]) == Decimal(old), code
        assert _usd(s["other_monthly_usd"]) == Decimal(new), code
        assert _usd(s["delta_usd"]) == Decimal(delta), code
    # staging's total by hand: see tests/test_staging_prices.py (815.75786 exact); shown as the
    # sum of its lines rounded to the cent, $815.77 (docs/notebooks-and-report.md, "Rounding")
    assert _usd(data["base_total_monthly_usd"]) == Decimal("815.77")
    table = run_cli(["compare", "staging", "production"])
    assert "TOTAL" in table.out and "staging" in table.out and "production" in table.out
    assert "-$365.00" in table.out and "$523.32" in table.out


def test_compare_columns_keep_long_scenario_names_apart(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "bigger.yaml"
    path.write_text(
        "extends: staging\nname: staging-bigger-nodes-for-the-batch-jobs\n", encoding="utf-8"
    )
    table = run_cli(["compare", "staging", str(path)]).out
    head = table.splitlines()[2].split()
    assert head[:3] == ["service", "staging", "staging-bigger-nodes-for-the-batch-jobs"]
