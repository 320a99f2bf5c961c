"""One money path (issue 18): hand-worked figures for purchases, schedules, time and budgets.

Every expected value below is worked by hand from the public list prices of the bundled
snapshot (us-east-1; each rate is named where it is used), never taken from the code under
test. The rule for every figure shown: each line is rounded to the cent, half up, first; a
total is the sum of the rounded lines.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from planner.catalog import default_catalog
from planner.commitments.forecast import forecast_scenario
from planner.commitments.model import cash_flow
from planner.pricing import price_scenario, price_states
from planner.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]
M5 = str(REPO / "scenarios" / "commitments" / "staging-m5-reserved.yaml")
UPGRADE = str(REPO / "scenarios" / "whatif" / "staging-eks-upgrade.yaml")
D = Decimal


def c(value: Decimal | str | int) -> Decimal:
    """Round half up to the cent (the one display rule)."""
    return D(value).quantize(D("0.01"), rounding=ROUND_HALF_UP)


# Staging's lines at list prices, exact, by hand (see tests/test_staging_prices.py):
FIXED = {  # fees that no load changes
    "EKS extended support 730 x 0.60": D("438.00"),
    "NAT hours 2 x 730 x 0.045": D("65.70"),
    "NLB hours 730 x 0.0225": D("16.425"),
    "KMS keys 3 x 1": D("3.00"),
}
LOAD = {  # lines that follow the load (node groups, databases, brokers, storage, traffic)
    "general 2 x 730 x 0.0416 (t3.medium)": D("60.736"),
    "general EBS 2 x 20 GB x 0.08": D("3.20"),
    "compute 730 x 0.0832 x 0.30 (t3.large spot, 70% off: assumption)": D("18.2208"),
    "compute EBS 20 GB x 0.08": D("1.60"),
    "RDS 730 x 0.072 (db.t3.medium PostgreSQL)": D("52.56"),
    "RDS storage 100 GB x 0.115": D("11.50"),
    "RDS backup 0 GB": D("0"),
    "Redis 730 x 0.017 (cache.t3.micro)": D("12.41"),
    "MSK brokers 2 x 730 x 0.0456": D("66.576"),
    "MSK storage 200 GB x 0.10": D("20.00"),
    "NAT 100 GB x 0.045": D("4.50"),
    "NLB 100.01 LCU-hours x 0.006": D("0.60006"),
    "egress 100 GB x 0.09": D("9.00"),
    "logs ingestion 50 GB x 0.50": D("25.00"),
    "logs storage 50 GB-Mo x 0.03": D("1.50"),
    "S3 10 GB x 0.023": D("0.23"),
    "KMS requests 0": D("0"),
    "ECR 50 GB x 0.10": D("5.00"),
}
STAGING = sum((c(v) for v in (*FIXED.values(), *LOAD.values())), D(0))


def test_staging_total_by_hand_is_the_sum_of_rounded_lines() -> None:
    assert D("815.77") == STAGING
    assert price_scenario(load_scenario("staging")).total_monthly_usd == STAGING


# --- 1. the cost range of a scenario that buys reservations ---------------------------------


def test_m5_reserved_at_min_expected_and_max_by_hand() -> None:
    from planner.capacity.plan import plan_capacity

    scenario = load_scenario(M5)
    states = price_states(scenario.topology, plan_capacity(scenario.topology, base_dir=REPO))
    # general: 2 x m5.large 1yr Standard Partial Upfront: recurring 2 x 730 x 0.029 = 42.34,
    # upfront 2 x 252 / 12 = 42.00 (the amortised share), EBS 2 x 20 x 0.08 = 3.20; the rest
    # is staging without the general group: 815.77 - 60.74 - 3.20 = 751.83
    rest = STAGING - c(LOAD["general 2 x 730 x 0.0416 (t3.medium)"]) - D("3.20")
    priced = rest + D("42.34") + D("42.00") + D("3.20")
    assert priced == D("839.37") == price_scenario(scenario).total_monthly_usd
    # capacity: 2 general + 1 compute nodes at min and at expected replicas: the same lines
    assert states["min"].total_monthly_usd == states["expected"].total_monthly_usd == priced
    # at max: general 4 nodes, compute 2. The 2 reservations stay 2: the other 2 general nodes
    # run on-demand, 2 x 730 x 0.096 = 140.16, EBS 4 x 20 x 0.08 = 6.40; compute 2 spot nodes
    # 2 x 730 x 0.02496 = 36.4416 -> 36.44, EBS 2 x 20 x 0.08 = 3.20
    at_max = (
        rest
        - D("18.22")
        - D("1.60")
        + D("42.34")
        + D("42.00")
        + D("140.16")
        + D("6.40")
        + D("36.44")
        + D("3.20")
    )
    assert at_max == D("1002.55")
    assert states["max"].total_monthly_usd == at_max
    for state in ("min", "expected", "max"):
        reserved = [
            ln
            for ln in states[state].lines
            if ln.node_group == "general" and ln.driver == "commitment"
        ]
        # recurring hours of 2 instances, and the amortised upfront of 2 instances: fixed
        assert [ln.quantity for ln in reserved] == [D(1460), D(2)], state
        # every line of a node group carries its group
        assert all(
            ln.node_group for ln in states[state].lines if ln.resource.startswith("eks-node-group/")
        )


def test_reservation_billed_when_idle_at_hpa_min() -> None:
    # 3 reservations on a group that runs 2 nodes: the third is billed every hour anyway
    scenario = load_scenario(M5)
    topology = scenario.topology
    assert topology.eks is not None
    groups = tuple(
        g.model_copy(update={"purchase": g.purchase.model_copy(update={"count": 3})})
        if g.name == "general"
        else g
        for g in topology.eks.node_groups
    )
    three = topology.model_copy(
        update={"eks": topology.eks.model_copy(update={"node_groups": groups})}
    )
    from planner.costing.engine import price_topology

    report = price_topology(three)
    general = [ln for ln in report.lines if ln.node_group == "general"]
    # recurring 3 x 730 x 0.029 = 63.51; upfront 3 x 252 / 12 = 63.00; no on-demand line
    # (2 nodes run, 3 are reserved); EBS for the 2 running nodes 3.20
    assert [c(ln.monthly_usd or 0) for ln in general] == [D("63.51"), D("63.00"), D("3.20")]
    assert general[0].quantity == 3 * 730


# --- 2. a 1-year reservation expires: renew or revert ---------------------------------------


def test_three_m5_large_1yr_all_upfront_over_36_months() -> None:
    # m5.large 1yr Standard All Upfront: 494 up front per instance, 0 an hour (snapshot row,
    # aws/amazon-ec2-instance-selector GetProducts record); on-demand 0.096/h; 20 GB gp3 each.
    upfront = 3 * D(494)  # 1,482.00
    ebs = 3 * 20 * D("0.08")  # 4.80 a month, the recurring cash
    on_demand = c(3 * 730 * D("0.096")) + ebs  # 210.24 + 4.80 = 215.04
    reverted = cash_flow(upfront, ebs, term_months=12, after_monthly=on_demand)
    renewed = cash_flow(upfront, ebs, term_months=12, renew=True)
    # reverted: 1,482 + 12 x 4.80 + 24 x 215.04 = 1,482 + 57.60 + 5,160.96 = 6,700.56
    assert reverted[35] == D("6700.56")
    # renewed: 3 x 1,482 + 36 x 4.80 = 4,446 + 172.80 = 4,618.80
    assert renewed[35] == D("4618.80")
    assert reverted[11] == renewed[11] == upfront + 12 * ebs  # the same first year
    assert renewed[12] - renewed[11] == upfront + ebs  # the fee again in month 13
    # 3-year All Upfront, 949 per instance: 2,847 + 36 x 4.80 = 3,019.80, below either
    three_year = cash_flow(3 * D(949), ebs, term_months=36, after_monthly=on_demand)
    assert three_year[35] == D("3019.80") < renewed[35] < reverted[35]


def test_options_cash_flow_reverts_and_renews(run_cli) -> None:
    import json

    result = run_cli(["commitments", M5, "--format", "json"])
    assert result.code == 0, result.err
    options = {o["name"]: o for o in json.loads(result.out)["options"]}
    allup = options["general: reserved 1yr standard All Upfront x 2"]
    # 2 x 494 = 988 up front; recurring EBS 3.20; on-demand 2 x 70.08 + 3.20 = 143.36
    # revert: 988 + 12 x 3.20 + 24 x 143.36 = 988 + 38.40 + 3,440.64 = 4,467.04
    # renew:  3 x 988 + 36 x 3.20 = 2,964 + 115.20 = 3,079.20
    assert allup["cash_36_months_usd"] == 4467.04
    assert allup["cash_36_months_renewed_usd"] == 3079.2
    assert allup["term_months"] == 12


def test_forecast_renews_or_reverts_at_expiry() -> None:
    scenario = load_scenario(M5)
    reverted = forecast_scenario(scenario, default_catalog(), months=14)
    renewed = forecast_scenario(scenario, default_catalog(), months=14, at_expiry="renew")
    # months 1-12 both: 839.37 amortised; cash month 1 = 839.37 - 42.00 + 504 = 1,301.37
    for series in (reverted, renewed):
        assert series[0].amortised_usd == D("839.37")
        assert series[0].cash_usd == D("1301.37")
        assert series[1].cash_usd == D("797.37")
    # month 13 reverted: general on-demand again: 839.37 - 42.34 - 42.00 + 140.16 = 895.19
    assert reverted[12].amortised_usd == D("895.19") == reverted[12].cash_usd
    assert not reverted[12].active_commitments
    # month 13 renewed: the reservation again, its 504 fee paid again
    assert renewed[12].amortised_usd == D("839.37")
    assert renewed[12].upfront_paid_usd == D("504.00")
    assert renewed[12].cash_usd == D("1301.37")
    assert renewed[13].upfront_paid_usd == 0
    # over a whole term, cash and amortised agree
    assert sum((f.cash_usd for f in reverted[:12]), D(0)) == 12 * D("839.37")


# --- 3. the support calendars in the forecast -----------------------------------------------


def test_forecast_applies_the_eks_calendar_across_2025_11_26() -> None:
    series = forecast_scenario(load_scenario(UPGRADE), default_catalog(), months=3)
    # Kubernetes 1.31 leaves standard support on 2025-11-26. November 2025 has 30 days:
    # 25 at 0.10/h and 5 at 0.60/h: 730 x 25/30 x 0.10 = 60.8333 -> 60.83 and
    # 730 x 5/30 x 0.60 = 73.00; staging otherwise (815.77 - 438.00 = 377.77): 511.60
    assert series[0].amortised_usd == D("377.77") + D("60.83") + D("73.00") == D("511.60")
    # from December on, extended support all month: 730 x 0.60 = 438.00, 815.77
    assert series[1].amortised_usd == series[2].amortised_usd == STAGING
    # `planner price` prices as_of (2025-11-11, standard support): 377.77 + 73.00 = 450.77
    assert price_scenario(load_scenario(UPGRADE)).total_monthly_usd == D("450.77")


def test_forecast_month_one_is_the_priced_total_when_nothing_dated_changes() -> None:
    for name in ("staging", "production", M5):
        scenario = load_scenario(name)
        first = forecast_scenario(scenario, default_catalog(), months=1)[0]
        assert first.amortised_usd == price_scenario(scenario).total_monthly_usd, name


def test_rds_extended_support_is_priced_in_its_months() -> None:
    # PostgreSQL 11 left standard support on 2024-02-29: from 2024-03-01, $0.100 per
    # vCPU-hour (years 1-2); db.t3.medium has 2 vCPUs, Single-AZ: 2 x 730 x 0.100 = 146.00
    staging = load_scenario("staging")
    rds = tuple(d.model_copy(update={"engine_version": "11.22"}) for d in staging.topology.rds)
    old = type(staging)(
        topology=staging.topology.model_copy(update={"rds": rds}),
        path=staging.path,
        chain=staging.chain,
    )
    march = price_scenario(old, period=(dt.date(2024, 3, 1), dt.date(2024, 4, 1)))
    feb = price_scenario(old, period=(dt.date(2024, 2, 1), dt.date(2024, 3, 1)))
    extended = [ln for ln in march.lines if "Extended Support" in ln.component]
    assert [c(ln.monthly_usd or 0) for ln in extended] == [D("146.00")]
    assert not [ln for ln in feb.lines if "Extended Support" in ln.component]
    # year 3 (from 2026-03-01): 0.200 per vCPU-hour: 292.00
    year3 = price_scenario(old, period=(dt.date(2026, 3, 1), dt.date(2026, 4, 1)))
    assert [c(ln.monthly_usd or 0) for ln in year3.lines if "Extended" in ln.component] == [
        D("292.00")
    ]


# --- 4. growth on the load only --------------------------------------------------------------


def test_two_percent_growth_on_staging_at_month_12() -> None:
    factor = D("1.02") ** 11
    expected = sum((c(v) for v in FIXED.values()), D(0)) + sum(
        (c(v * factor) for v in LOAD.values()), D(0)
    )
    series = forecast_scenario(
        load_scenario("staging"), default_catalog(), months=12, growth_pct_per_month=D(2)
    )
    # 523.13 fixed (EKS 438.00, NAT hours 65.70, NLB hours 16.43, KMS keys 3.00) + the load
    # lines x 1.02^11 = 1.2433743, each rounded: 887.01 (the whole bill grown would be 1,014.30)
    assert expected == D("887.01")
    assert series[11].amortised_usd == expected
    assert series[0].amortised_usd == STAGING
    eks = [
        ln
        for ln in price_scenario(
            load_scenario("staging"),
            growth=factor,
            period=(dt.date(2026, 10, 1), dt.date(2026, 11, 1)),
        ).lines
        if ln.driver == "fixed"
    ]
    assert [c(ln.monthly_usd or 0) for ln in eks] == [
        D("438.00"),
        D("65.70"),
        D("16.43"),
        D("3.00"),
    ]


def test_growth_keeps_reservations_and_bills_the_extra_nodes_on_demand() -> None:
    series = forecast_scenario(
        load_scenario(M5), default_catalog(), months=3, growth_pct_per_month=D(10)
    )
    # the reservation is a fixed 2 x (0.029 x 730) + 2 x 252 / 12 = 42.34 + 42.00 = 84.34
    assert [f.committed_usd for f in series] == [D("84.34")] * 3
    # month 3: general grows to 2 x 1.21 = 2.42 nodes: 0.42 on-demand, 0.42 x 730 x 0.096 =
    # 29.4336 -> 29.43; EBS 2.42 x 20 x 0.08 = 3.872 -> 3.87
    third = price_scenario(load_scenario(M5), growth=D("1.21"))
    general = {
        ln.component: c(ln.monthly_usd or 0) for ln in third.lines if ln.node_group == "general"
    }
    assert sorted(general.values()) == sorted([D("42.34"), D("42.00"), D("29.43"), D("3.87")])


# --- 5. savings that combine -----------------------------------------------------------------


def test_section_9_2_best_combination_is_off_hours_alone() -> None:
    from planner.commitments.claims import best_combination

    combo = best_combination(load_scenario("staging").topology, default_catalog())
    # Off-hours, 12 h x 5 d = 60 h a week: 60 x 730 / 168 = 260.714 h a month.
    # general 2 x 260.714 x 0.0416 = 21.69 (was 60.74); EBS 2 x 60/168 x 20 x 0.08 = 1.14
    # (3.20); compute 260.714 x 0.02496 = 6.51 (18.22); EBS 0.57 (1.60); RDS stopped:
    # 260.714 x 0.072 = 18.77 (52.56): saves 39.05 + 2.06 + 11.71 + 1.03 + 33.79 = 87.64.
    # With the t3.medium reservations (1yr Standard No Upfront 0.0261/h, billed every hour:
    # 2 x 730 x 0.0261 = 38.11 against 21.69 scheduled on-demand) it saves 87.64 - 16.42 =
    # 71.22: the best combination is off-hours alone.
    assert combo.label == "off-hours"
    assert combo.saving == D("87.64")
    tried = dict(combo.tried)
    assert STAGING - (tried["off-hours + reserved nodes general"] or 0) == D("71.22")
    assert STAGING - (tried["reserved nodes general"] or 0) == D("22.63")
    assert tried["reserved RDS postgres"] is None  # no db.t3.medium reserved rate: named


# --- 6. savings against what the scenario buys today ---------------------------------------


def test_compute_options_against_its_current_spot_price(run_cli) -> None:
    import json

    result = run_cli(["commitments", "staging", "--format", "json"])
    assert result.code == 0, result.err
    options = json.loads(result.out)["options"]
    compute = {o["name"]: o for o in options if o["resource"] == "eks-node-group/compute"}
    # today: spot, 730 x 0.0832 x 0.30 = 18.22 + EBS 1.60 = 19.82
    spot = compute["compute: spot (all nodes)"]
    assert spot["current"] and spot["current_monthly_usd"] == 19.82
    # 3yr Standard No Upfront t3.large, 0.036/h: 26.28 + 1.60 = 27.88, 8.06 MORE than today
    reserved = compute["compute: reserved 3yr standard No Upfront x 1"]
    assert reserved["monthly_usd"] == 27.88
    assert reserved["savings_monthly_usd"] == -8.06
    # on-demand 730 x 0.0832 = 60.74 + 1.60 = 62.34: 34.46 less than on-demand
    assert reserved["savings_vs_on_demand_monthly_usd"] == 34.46
    # and so no compute option is the headline saving
    from planner.commitments.cli import compute_commitments
    from planner.commitments.notebook import headline

    class Data:
        scenario = "staging"
        commitments = compute_commitments(load_scenario("staging"), default_catalog(), D(0))

        def total(self, decimals: int = 2) -> Decimal:
            return STAGING

    text = headline(Data()).replace("\\$", "$")  # type: ignore[arg-type]  # Markdown: \$ is $
    assert "compute:" not in text
    # the largest saving not yet taken: general 3yr Standard All Upfront, effective 0.015677/h
    # (All Upfront: the fee is the rate x 26,280 h = 411.99 per instance, 823.98 for 2);
    # amortised 2 x 411.99156 / 36 = 22.89 + EBS 3.20 = 26.09 against 63.94 today: 37.85
    assert "general: reserved 3yr standard All Upfront x 2, $37.85 a month" in text
    assert "($63.94), risk high, $823.98 up front" in text


# --- 7. budgets from the calendar ------------------------------------------------------------


def test_budget_covers_the_longest_month_by_hand() -> None:
    from planner.alerts.costs import plan_costs
    from planner.alerts.policy import build_policy

    scenario = load_scenario("staging")
    policy = build_policy(
        "staging", scenario.topology.alerts, plan_costs(scenario), {"Environment": "staging"}
    )
    # hourly lines at 744 h (31 days): EKS 744 x 0.60 = 446.40; general 2 x 744 x 0.0416 =
    # 61.90; compute 744 x 0.02496 = 18.57; RDS 744 x 0.072 = 53.57; Redis 744 x 0.017 =
    # 12.65; MSK 2 x 744 x 0.0456 = 67.85; NAT 2 x 744 x 0.045 = 66.96; NLB 744 x 0.0225 =
    # 16.74; LCU 0.137 x 744 x 0.006 = 0.61 -> 745.25; the monthly lines as in the plan:
    # 3.20 + 1.60 + 11.50 + 20.00 + 4.50 + 9.00 + 25.00 + 1.50 + 0.23 + 3.00 + 5.00 = 84.53
    assert policy.total.limit_usd == D("745.25") + D("84.53") == D("829.78")
    assert policy.total.planned_usd == STAGING == policy.expected_usd
    assert policy.total.threshold("warning").monthly_usd == D("829.78")


def test_budget_cost_types_are_explicit() -> None:
    from planner.alerts.budgets import budget_body
    from planner.alerts.costs import plan_costs
    from planner.alerts.policy import build_policy

    scenario = load_scenario("staging")
    policy = build_policy("staging", scenario.topology.alerts, plan_costs(scenario), {})
    types = budget_body(policy.total, "USD")["CostTypes"]
    assert types["UseAmortized"] is True
    assert types["IncludeTax"] is False
    assert types["IncludeUpfront"] is False
    assert types["UseBlended"] is False


def test_alerts_name_the_prerequisites(run_cli) -> None:
    result = run_cli(["alerts", "staging"])
    assert result.code == 0, result.err
    assert "billing alerts enabled" in result.out
    assert "cost allocation tag 'Environment' activated" in result.out


def test_apply_checks_the_prerequisites_with_stubber() -> None:
    import boto3
    from botocore.stub import Stubber

    from planner.alerts.costs import plan_costs
    from planner.alerts.policy import build_policy
    from planner.alerts.prerequisites import check

    scenario = load_scenario("staging")
    policy = build_policy(
        "staging", scenario.topology.alerts, plan_costs(scenario), {"Environment": "staging"}
    )
    cw = boto3.client(
        "cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )
    ce = boto3.client(
        "ce", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )
    with Stubber(cw) as cws, Stubber(ce) as ces:
        cws.add_response(
            "list_metrics",
            {
                "Metrics": [
                    {
                        "Namespace": "AWS/Billing",
                        "MetricName": "EstimatedCharges",
                        "Dimensions": [{"Name": "Currency", "Value": "USD"}],
                    }
                ]
            },
            {"Namespace": "AWS/Billing", "MetricName": "EstimatedCharges"},
        )
        ces.add_response(
            "list_cost_allocation_tags",
            {
                "CostAllocationTags": [
                    {"TagKey": "Environment", "Type": "UserDefined", "Status": "Inactive"}
                ]
            },
            {"TagKeys": ["Environment"], "Type": "UserDefined"},
        )
        held = check(policy, cw, ce)
    assert [p.status for p in held] == ["holds", "does not hold"]
    assert held[1].detail == "Inactive"
    # a denied check is "not checked", never "holds"
    with Stubber(cw) as cws, Stubber(ce) as ces:
        cws.add_client_error("list_metrics", "AccessDenied", "not allowed")
        ces.add_client_error("list_cost_allocation_tags", "AccessDeniedException", "no")
        denied = check(policy, cw, ce)
    assert [p.status for p in denied] == ["not checked", "not checked"]
    assert "AccessDenied" in denied[0].detail


def test_a_dated_change_shows_in_its_month() -> None:
    staging = load_scenario("staging")
    graviton = load_scenario(str(REPO / "scenarios" / "whatif" / "staging-graviton.yaml"))
    series = forecast_scenario(staging, default_catalog(), months=4, changes=[(3, graviton)])
    # months 1-2 staging (815.77), from month 3 the graviton what-if at its own price
    assert [f.scenario for f in series] == ["staging", "staging", *["staging-graviton"] * 2]
    assert series[1].amortised_usd == STAGING
    assert series[2].amortised_usd == price_scenario(graviton).total_monthly_usd != STAGING


def test_budget_counts_a_schedules_weekdays_in_the_dearest_month() -> None:
    from planner.alerts.costs import plan_costs
    from planner.alerts.policy import build_policy

    scenario = load_scenario(str(REPO / "scenarios" / "commitments" / "staging-offhours.yaml"))
    policy = build_policy("offhours", scenario.topology.alerts, plan_costs(scenario), {})
    # 12 h x 5 d: December 2025 has 23 weekdays, 276 on-hours (744 x 60/168 would say 265.7).
    # general 2 x 276 x 0.0416 = 22.96; compute 276 x 0.02496 = 6.89; RDS (stopped
    # off-hours) 276 x 0.072 = 19.87; root volumes live with their nodes: general
    # 2 x 276/744 node-months x 20 GB x 0.08 = 1.19, compute 0.59; every other line at 744 h:
    # EKS 446.40 + NAT 66.96 + 4.50 + NLB 16.74 + 0.61 + RDS storage 11.50 + Redis 12.65
    # + MSK 67.85 + 20.00 + egress 9.00 + logs 26.50 + S3 0.23 + KMS 3.00 + ECR 5.00 = 690.94
    assert policy.total.limit_usd == D("22.96") + D("6.89") + D("19.87") + D("1.19") + D(
        "0.59"
    ) + D("690.94")
    assert policy.total.limit_usd == D("742.44")


def test_budget_applies_the_support_step_of_the_year_ahead() -> None:
    from planner.alerts.costs import plan_costs
    from planner.alerts.policy import build_policy

    scenario = load_scenario(UPGRADE)
    policy = build_policy("upgrade", scenario.topology.alerts, plan_costs(scenario), {})
    # 1.31 is priced at 0.10/h on as_of ($450.77 a month), but from 2025-11-26 it is in
    # extended support: a 31-day month then bills 744 x 0.60 = 446.40, as staging: 829.78
    assert policy.expected_usd == D("450.77")
    assert policy.total.limit_usd == D("829.78")
    eks = next(b for b in policy.budgets if b.scope == "AmazonEKS")
    assert eks.limit_usd == D("446.40")


def test_a_scenario_switched_to_buys_its_reservation_at_the_switch() -> None:
    staging = load_scenario("staging")
    m5 = load_scenario(M5)
    series = forecast_scenario(staging, default_catalog(), months=15, changes=[(3, m5)])
    # month 3 (2026-01) switches to the reserved scenario: its 1yr reservation is bought then
    # (504 up front, cash 839.37 - 42.00 + 504 = 1,301.37) and ends after 2026-12
    assert series[2].upfront_paid_usd == D("504.00") and series[2].cash_usd == D("1301.37")
    assert series[13].active_commitments and not series[14].active_commitments
    assert series[14].amortised_usd == D("895.19")
    # 2 x 815.77 + 12 x 839.37 + 895.19 = 12,599.17, in both views over the whole term
    total = 2 * STAGING + 12 * D("839.37") + D("895.19")
    assert sum((f.amortised_usd for f in series), D(0)) == total == D("12599.17")
    assert sum((f.cash_usd for f in series), D(0)) == total


def _with(scenario, **update):
    return type(scenario)(
        topology=scenario.topology.model_copy(update=update),
        path=scenario.path,
        chain=scenario.chain,
    )


def test_a_replaced_scenarios_reservation_bills_to_the_end_of_its_term() -> None:
    m5 = load_scenario(M5)
    series = forecast_scenario(
        m5, default_catalog(), months=13, changes=[(3, load_scenario("staging"))]
    )
    # from month 3 staging runs (815.77), but the m5 reservation bought in 2025-11 cannot be
    # cancelled: 84.34 a month amortised (42.34 recurring cash + 42.00 of the upfront) until
    # 2026-10; in 2026-11 (month 13) the term is over
    assert series[2].amortised_usd == STAGING + D("84.34") == D("900.11")
    assert series[2].cash_usd == STAGING + D("42.34")
    assert series[11].amortised_usd == D("900.11")
    assert series[12].amortised_usd == STAGING
    assert any("still billed" in c for c in series[2].active_commitments)


def test_a_savings_plans_upfront_is_paid_in_its_first_month_and_reverts() -> None:
    from planner.topology import SavingsPlan

    plan = SavingsPlan(
        type="compute",
        payment="all_upfront",
        commitment_usd_per_hour=D("0.01"),
        rate_card={"t3.medium": D("0.03")},
        rate_card_source="a quote",
    )
    scenario = _with(load_scenario("staging"), savings_plans=(plan,))
    series = forecast_scenario(scenario, default_catalog(), months=13)
    # 0.01 $/h at the plan rate 0.03 covers a third of a t3.medium every hour: the general
    # group's on-demand line is 5/3 x 730 x 0.0416 = 50.61 (was 60.74); the commitment line
    # 730 x 0.01 = 7.30 (the compute group is spot: a plan does not cover it):
    # 815.77 - 60.74 + 50.61 + 7.30 = 812.94; All Upfront: 0.01 x 8,760 h = 87.60 in month 1
    assert series[0].amortised_usd == D("812.94")
    assert series[0].upfront_paid_usd == D("87.60")
    assert series[0].cash_usd == D("812.94") - D("7.30") + D("87.60")
    assert series[1].cash_usd == D("812.94") - D("7.30")
    assert series[12].amortised_usd == STAGING  # after 12 months: on-demand again


def test_an_rds_reservation_reverts_after_its_term() -> None:
    from planner.topology import Purchase, RateCard

    staging = load_scenario("staging")
    card = RateCard(source="a quote", recurring_hourly_usd=D("0.05"), upfront_usd=D(0))
    rds = tuple(
        d.model_copy(update={"purchase": Purchase(type="reserved", rate_card=card)})
        for d in staging.topology.rds
    )
    series = forecast_scenario(_with(staging, rds=rds), default_catalog(), months=13)
    # 730 x 0.05 = 36.50 instead of 52.56 for 12 months, then on-demand again
    assert series[0].amortised_usd == STAGING - D("52.56") + D("36.50")
    assert series[12].amortised_usd == STAGING


def test_every_addition_applies_from_its_month() -> None:
    production = load_scenario("production")
    series = forecast_scenario(
        load_scenario("staging"),
        default_catalog(),
        months=3,
        additions=[(20, production), (2, production)],
    )
    # the addition in month 20 is beyond the forecast; the one in month 2 still applies
    assert series[1].scenario == "staging + production"
    assert series[1].amortised_usd == STAGING + price_scenario(production).total_monthly_usd


def test_a_month_inside_one_support_tier_is_one_eks_line() -> None:
    # 1.28 leaves extended support on 2025-11-26; after that EKS upgrades the cluster itself
    # and the planner keeps the extended rate: November 2025 is extended support all month,
    # one line of 730 h x 0.60 = 438.00 (not two lines of the same tier)
    report = price_scenario(
        load_scenario("staging"), period=(dt.date(2025, 11, 1), dt.date(2025, 12, 1))
    )
    eks = [ln for ln in report.lines if ln.service == "AmazonEKS"]
    assert [(ln.quantity, c(ln.monthly_usd or 0)) for ln in eks] == [(D(730), D("438.00"))]


def test_a_rate_cards_effective_rate_includes_its_upfront() -> None:
    from planner.costing.rates import rate_card_offer
    from planner.topology import Purchase, RateCard

    card = RateCard(source="a quote", recurring_hourly_usd=D("0.05"), upfront_usd=D(100))
    offer = rate_card_offer(Purchase(type="reserved", payment="partial_upfront"), card)
    # 100 / 8,760 h + 0.05 = 0.0614155...
    assert offer.effective_hourly_usd == D(100) / D(8760) + D("0.05")
    assert (offer.upfront_usd, offer.recurring_hourly_usd) == (D(100), D("0.05"))
