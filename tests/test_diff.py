"""``planner diff``: the staging plan against its changed copy, worked by hand; scenarios at a
git ref; upfront cash, new warnings and unpriced lines; the Markdown limit; CI policies.

Prices (bundled snapshot, us-east-1, on-demand): t3.medium $0.0416/h, gp3 EBS $0.08/GB-month,
db.t3.medium PostgreSQL $0.072/h, db.t3.large PostgreSQL $0.145/h, cache.t3.micro Redis
$0.017/h, NAT gateway $0.045/h and $0.045/GB processed; 730 hours a month.
"""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SCENARIOS_DIR
from snapshot_csv import on_demand_row

DATA = REPO / "tests" / "data" / "terraform"
PLAN = DATA / "staging-plan.json"
CHANGED = DATA / "staging-changed-plan.json"
USAGE = DATA / "staging-usage.yml"
STAGING = SCENARIOS_DIR / "staging.yaml"
D = Decimal


def _diff_json(run_cli, *args: str) -> dict[str, Any]:
    result = run_cli(["diff", *args, "--format", "json"])
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def _resources(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["resource"]: r for r in data["resources"]}


def _usd(value: Any) -> Decimal:
    return D(str(value))


def test_the_prices_used_by_hand_are_the_snapshot_rows() -> None:
    for ref, usd in (
        ("AmazonEC2/us-east-1/instance/t3.medium", "0.0416"),
        ("AmazonEC2/us-east-1/ebs/gp3", "0.08"),
        ("AmazonRDS/us-east-1/db/db.t3.medium/PostgreSQL/Single-AZ", "0.072"),
        ("AmazonRDS/us-east-1/db/db.t3.large/PostgreSQL/Single-AZ", "0.145"),
        ("AmazonElastiCache/us-east-1/node/cache.t3.micro/Redis", "0.017"),
        ("AmazonEC2/us-east-1/nat/hours", "0.045"),
        ("AmazonEC2/us-east-1/nat/gb", "0.045"),
    ):
        assert D(on_demand_row(ref)["usd"]) == D(usd), ref


def test_changed_plan_diff_worked_by_hand(run_cli) -> None:
    data = _diff_json(run_cli, str(PLAN), str(CHANGED), "--usage-file", str(USAGE))
    res = _resources(data)
    # type change: db.t3.medium 730 h x $0.072 = $52.56 -> db.t3.large 730 x $0.145 = $105.85
    rds = res["rds/postgres"]
    assert rds["status"] == "changed" and rds["terraform"] == "aws_db_instance.postgres"
    assert _usd(rds["delta_usd"]) == D("105.85") - D("52.56") == D("53.29")
    old_line = next(ln for ln in rds["lines"] if "db.t3.medium" in ln["component"])
    new_line = next(ln for ln in rds["lines"] if "db.t3.large" in ln["component"])
    assert (old_line["base_monthly_usd"], old_line["head_monthly_usd"]) == (52.56, None)
    assert (new_line["base_monthly_usd"], new_line["head_monthly_usd"]) == (None, 105.85)
    # node count change: general 2 -> 3 t3.medium, 20 GB gp3 each
    #   instances 1460 h x $0.0416 = $60.736 -> $60.74; 2190 h = $91.104 -> $91.10
    #   EBS 40 GB x $0.08 = $3.20; 60 GB = $4.80
    general = res["eks-node-group/general"]
    assert _usd(general["delta_usd"]) == (D("91.10") + D("4.80")) - (D("60.74") + D("3.20"))
    assert _usd(general["delta_usd"]) == D("31.96")
    # added replica: num_cache_clusters 1 -> 2 cache.t3.micro, 730 h x $0.017 = $12.41 each
    redis = res["elasticache/redis"]
    assert (_usd(redis["base_monthly_usd"]), _usd(redis["head_monthly_usd"])) == (
        D("12.41"),
        D("24.82"),
    )
    # removed NAT: 2 -> 1 gateway (1460 -> 730 h x $0.045 = $65.70 -> $32.85) and its 50 GB of
    # the usage file's 50 GB per gateway (100 -> 50 GB x $0.045 = $4.50 -> $2.25)
    nat = res["nat-gateways"]
    assert _usd(nat["delta_usd"]) == (D("32.85") + D("2.25")) - (D("65.70") + D("4.50"))
    assert _usd(nat["delta_usd"]) == D("-35.10")
    assert nat["terraform"] == (
        "module.vpc.aws_nat_gateway.this[0], module.vpc.aws_nat_gateway.this[1] (removed)"
    )
    # nothing else moved; the total change is the sum of the four
    moved = {r["resource"] for r in data["resources"] if r["status"] != "unchanged"}
    assert moved == {"rds/postgres", "eks-node-group/general", "elasticache/redis", "nat-gateways"}
    assert _usd(data["delta_monthly_usd"]) == D("53.29") + D("31.96") + D("12.41") - D("35.10")
    assert _usd(data["delta_monthly_usd"]) == D("62.56")
    # each side's total is the sum of its displayed resource figures
    for side in ("base", "head"):
        shown = sum(
            (_usd(r[f"{side}_monthly_usd"]) for r in data["resources"] if r[f"{side}_monthly_usd"]),
            D(0),
        )
        assert shown == _usd(data[f"{side}_total_monthly_usd"])
    assert data["delta_pct"] == 7.7  # 62.56 / 815.77 = 7.67 %
    assert data["head"]["not_supported"] == [
        "aws_secretsmanager_secret.db",
        "module.vpc.aws_eip.nat[0]",
    ]
    assert data["base"]["not_supported"][-1] == "module.vpc.aws_eip.nat[1]"
    assert data["new_warnings"] == [] and data["newly_unpriced"] == []
    assert data["upfront"]["delta_usd"] == 0


def test_the_range_moves_with_the_capacity_model(run_cli) -> None:
    data = _diff_json(run_cli, str(PLAN), str(CHANGED), "--usage-file", str(USAGE))
    base, head = data["base"]["range"], data["head"]["range"]
    assert base["basis"] == head["basis"] == "capacity model"
    # the capacity model does not read desired_size: node counts are the same on both sides,
    # so the range moves by the other changes only: 53.29 + 12.41 - 35.10 = 30.60
    assert base["nodes"] == head["nodes"]
    for state in ("min", "expected", "max"):
        change = _usd(head["monthly_usd"][state]) - _usd(base["monthly_usd"][state])
        assert change == D("53.29") + D("12.41") - D("35.10") == D("30.60")


def test_markdown_comment_has_a_headline_a_table_and_details(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "comment.md"
    result = run_cli(
        [
            "diff",
            str(PLAN),
            str(CHANGED),
            "--usage-file",
            str(USAGE),
            "--format",
            "markdown",
            "-o",
            str(out),
        ]
    )
    assert result.code == 0, result.err
    text = out.read_text()
    first = text.splitlines()[0]
    assert first.startswith(
        "**planner diff** · monthly cost +$62.56 (+7.7%): $815.77 → $878.33; min..max "
    )
    assert "2 Terraform resources not priced" in first
    assert "<!-- planner diff -->" in text
    assert text.count("<details>") == text.count("</details>") == 4
    assert "| **TOTAL** | | | **$815.77** | **$878.33** | **+$62.56** |" in text
    assert "| 9 unchanged resources | | | $605.16 | $605.16 | |" in text
    # rows: 4 changed + the unchanged row = the TOTAL: 64.06 + 70.20 + 63.94 + 12.41 + 605.16
    assert D("64.06") + D("70.20") + D("63.94") + D("12.41") + D("605.16") == D("815.77")
    assert "Truncated" not in text
    assert len(text) < 65_536


def test_markdown_stays_under_githubs_limit_and_says_what_it_left_out(
    run_cli, tmp_path: Path
) -> None:
    head = tmp_path / "many.yaml"
    dbs = "".join(
        f"  - {{name: db-{i:04d}, engine: PostgreSQL, instance_class: db.t3.medium, "
        f"storage_gb: {10 + i % 50}}}\n"
        for i in range(500)
    )
    head.write_text(f"extends: {STAGING}\nname: many\nrds:\n{dbs}")
    result = run_cli(["diff", str(STAGING), str(head), "--format", "markdown"])
    assert result.code == 0, result.err
    text = result.out
    assert len(text) < 65_536
    assert "**Truncated:**" in text and "left out to stay under GitHub's 65,536-character" in text
    data = _diff_json(run_cli, str(STAGING), str(head))
    total = f"**{'${:,.2f}'.format(D(str(data['head_total_monthly_usd'])))}**"
    assert f"| **TOTAL** | | | **$815.77** | {total} |" in text
    rows = [ln for ln in text.splitlines() if ln.startswith("| rds/db-")]
    details = text.count("<details>")
    assert len(rows) == 500  # every added database has its row
    assert 0 < details < 500  # 500 added databases changed; staging's postgres did not
    assert f"0 table rows and {500 - details} resources' details left out" in text


def test_markdown_leaves_out_table_rows_too_and_the_total_still_foots() -> None:
    from planner.diff.inputs import ReadOptions, read_side
    from planner.diff.markdown import markdown
    from planner.diff.model import build_diff, price_side

    options = ReadOptions(usage_file=USAGE)
    sides = [price_side(read_side(str(p), options)) for p in (PLAN, CHANGED)]
    text = markdown(build_diff(*sides), limit=3_000)
    assert len(text) < 3_000
    lines = text.splitlines()
    left = next(ln for ln in lines if "more changed resources (left out)" in ln)
    rows = [ln for ln in lines if ln.startswith("| ") and "| changed |" in ln]
    assert int(left.split()[1]) + len(rows) == 4
    assert rows[0].startswith("| rds/postgres |")  # the largest change is kept
    # left-out rows are summed in their row, so the table still foots to its TOTAL
    money = [D(c.strip(" *$").replace(",", "")) for c in left.split("|")[4:6]]
    shown_base = sum((D(r.split("|")[4].strip(" $")) for r in rows), D(0))
    assert shown_base + money[0] + D("605.16") == D("815.77")
    assert "**Truncated:**" in text


def test_fail_above_gives_exit_code_1_for_ci(run_cli, tmp_path: Path) -> None:
    args = [str(PLAN), str(CHANGED), "--usage-file", str(USAGE)]
    out = tmp_path / "d.txt"
    above = run_cli(["diff", *args, "--fail-above", "50", "-o", str(out)])
    assert above.code == 1
    assert (
        "planner: cost policy: the monthly cost rises by $62.56, above --fail-above 50"
        in above.err.splitlines()
    )
    assert "COST POLICY FAILED" in out.read_text()  # the output is still written
    assert run_cli(["diff", *args, "--fail-above", "62.56"]).code == 0  # not above
    pct = run_cli(["diff", *args, "--fail-above-pct", "7.5"])
    assert pct.code == 1 and "rises by 7.7%, above --fail-above-pct 7.5" in pct.err
    assert run_cli(["diff", *args, "--fail-above-pct", "8"]).code == 0
    # a decrease never fails
    assert run_cli(["diff", str(CHANGED), str(PLAN), "--usage-file", str(USAGE),
                    "--fail-above", "0", "--fail-above-pct", "0"]).code == 0  # fmt: skip
    md = run_cli(["diff", *args, "--fail-above", "50", "--format", "markdown"])
    assert md.code == 1 and "**Cost policy failed:** the monthly cost rises by $62.56" in md.out


def test_upfront_cash_new_warnings_and_unpriced_lines(run_cli, tmp_path: Path) -> None:
    text = STAGING.read_text()
    head = tmp_path / "head.yaml"
    head.write_text(
        text.replace('engine_version: "15.4"', 'engine_version: "12.19"').replace(
            "    backup_retention_days: 7      # §2.3\n",
            "    backup_retention_days: 7\n    purchase: {type: reserved, term: 1yr, payment: "
            'all_upfront, rate_card: {source: "a quote", recurring_hourly_usd: 0, '
            "upfront_usd: 400}}\n",
        )
    )
    data = _diff_json(run_cli, str(STAGING), str(head))
    # $400 paid once; the month carries 400 / 8760 h x 730 h = $33.33 instead of $52.56;
    # PostgreSQL 12 has been in RDS Extended Support since 2025-03-01: on as_of it bills
    # 2 vCPUs x 730 h x $0.100 = $146.00 a month (the engine prices it; staging's 15 does not)
    assert data["upfront"]["head_usd"] == 400 and data["upfront"]["delta_usd"] == 400
    assert [f["upfront_usd"] for f in data["upfront"]["new_fees"]] == [400]
    delta = D("33.33") - D("52.56") + D("146.00")
    assert _usd(_resources(data)["rds/postgres"]["delta_usd"]) == delta
    # PostgreSQL 12 is in RDS Extended Support: a warning staging (15.4) does not have
    kinds = [(w["kind"], w["subject"]) for w in data["new_warnings"]]
    assert kinds == [("rds-extended-support", "rds/postgres")]
    # a class without a price: refused, or with --allow-missing a line that became unpriced
    unpriced = tmp_path / "unpriced.yaml"
    unpriced.write_text(
        text.replace("instance_class: db.t3.medium", "instance_class: db.t4g.medium")
    )
    refused = run_cli(["diff", str(STAGING), str(unpriced)])
    assert refused.code == 2 and "db.t4g.medium" in refused.err
    data = _diff_json(run_cli, str(STAGING), str(unpriced), "--allow-missing")
    assert [(u["resource"], u["component"]) for u in data["newly_unpriced"]] == [
        ("rds/postgres", "DB instance (PostgreSQL, db.t4g.medium, Single-AZ)")
    ]
    assert data["head"]["complete"] is False and data["head"]["missing_count"] == 1
    assert "1 line became unpriced (not in totals)" in data["headline"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        check=True,
        capture_output=True,
    )


def test_one_scenario_at_two_git_refs(run_cli, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "envs").mkdir(parents=True)
    scenario = repo / "envs" / "staging.yaml"
    scenario.write_text(STAGING.read_text())
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    scenario.write_text(
        STAGING.read_text().replace("instance_class: db.t3.medium", "instance_class: db.t3.large")
    )
    data = _diff_json(run_cli, str(scenario), "--base-ref", "HEAD")
    assert data["base"]["label"] == f"{scenario}@HEAD"
    assert _usd(data["delta_monthly_usd"]) == D("105.85") - D("52.56")
    bad = run_cli(["diff", str(scenario), "--base-ref", "no-such-ref"])
    assert bad.code == 2 and len(bad.err.strip().splitlines()) == 2  # progress + the error
    assert bad.err.splitlines()[-1].startswith(
        "planner: error: --base-ref no-such-ref: not a commit in "
    )


def test_diff_needs_two_sides_or_a_base_ref(run_cli) -> None:
    result = run_cli(["diff", str(STAGING)])
    assert result.code == 2
    assert result.err == (
        "planner: error: planner diff: give BASE and HEAD, or one file with --base-ref REF "
        "(not both)\n"
    )


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_two_bundled_scenarios_foot_in_every_format(run_cli, fmt: str) -> None:
    result = run_cli(["diff", "staging", "whatif/staging-graviton", "--format", fmt])
    assert result.code == 0, result.err
    data = _diff_json(run_cli, "staging", "whatif/staging-graviton")
    compared = json.loads(
        run_cli(["compare", "staging", "whatif/staging-graviton", "--format", "json"]).out
    )
    # the same displayed totals as planner compare, which diff builds on
    assert data["base_total_monthly_usd"] == compared["base_total_monthly_usd"]
    assert data["head_total_monthly_usd"] == compared["other_total_monthly_usd"]
    assert data["delta_monthly_usd"] == compared["delta_total_usd"]


def test_the_github_actions_example_runs_a_diff_planner_accepts() -> None:
    """The workflow's command line parses (no network: the workflow is read, not run)."""
    import shlex

    import yaml

    from planner.cli import _build_parser

    workflow = yaml.safe_load((REPO / "examples/github-actions/cost-diff.yml").read_text())
    steps = workflow["jobs"]["cost-diff"]["steps"]
    script = next(s["run"] for s in steps if "planner diff" in s.get("run", ""))
    line = next(ln for ln in script.splitlines() if ln.strip().startswith("planner diff"))
    env = {f"${k}": v for k, v in workflow["env"].items()}
    words = [env.get(w, w) for w in shlex.split(line.replace("${{ github.base_ref }}", "main"))]
    args = _build_parser().parse_args(words[1:])
    assert args.command == "diff" and args.base_ref == "origin/main"
    assert args.format == "markdown" and args.output == "cost-diff.md"
    assert args.fail_above == D(500) and args.fail_above_pct == D(20)
    assert args.base == "infra/environments/staging"
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
    post = next(s for s in steps if s.get("uses", "").startswith("actions/github-script"))
    assert "<!-- planner diff -->" in post["with"]["script"]  # updates its own comment


def test_measured_usage_replaces_assumptions_on_both_sides(run_cli) -> None:
    sample = str(SCENARIOS_DIR / "usage" / "sample-staging.parquet")
    data = _diff_json(run_cli, "staging", "whatif/staging-graviton", "--usage", sample)
    line = next(
        ln
        for ln in _resources(data)["nat-gateways"]["lines"]
        if ln["component"] == "NAT gateway data processed"
    )
    priced = json.loads(run_cli(["price", "staging", "--usage", sample, "--format", "json"]).out)
    measured = next(ln for ln in priced["lines"] if ln["component"] == "NAT gateway data processed")
    assert measured["measured_basis"] == "measured"
    # the same measured GB as planner price --usage, on both sides, in place of the assumed 100
    assert line["base_quantity"] == line["head_quantity"] == measured["measured_quantity"]
    assert line["base_quantity"] != "100"
    # 42.310986 GB x $0.045 = $1.904 -> $1.90
    assert measured["measured_quantity"] == "42.310986" and line["base_monthly_usd"] == 1.9
