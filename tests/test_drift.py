"""planner drift: hand-made drift against the bundled staging plan, priced by hand.

Unit prices (bundled snapshot, us-east-1, on-demand, Linux): t3.medium $0.0416/h, t3.large
$0.0832/h, gp3 $0.08/GB-month, RDS PostgreSQL Single-AZ db.t3.medium $0.072/h, db.t3.large
$0.145/h. 730 hours a month; each cost line is rounded to the cent first, totals add lines.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SCENARIOS_DIR

STAGING = SCENARIOS_DIR / "staging.yaml"

DRIFTED = f"""\
extends: {STAGING}
name: staging-running
eks:
  node_groups:
    - name: general
      instance_type: t3.large
      desired_size: 3
  workloads:
    - name: api-gateway
      cpu_request: 1500m
      cpu_limit: 2000m
rds:
  - name: postgres
    instance_class: db.t3.large
discovery:
  at: 2026-12-02T12:00:00+00:00
  kubernetes: recorded cluster
"""


def _write(tmp_path: Path, text: str, name: str = "running.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_drift_names_each_difference_with_its_hand_worked_monthly_cost(run_cli, tmp_path):
    running = _write(tmp_path, DRIFTED)
    result = run_cli(["drift", "staging", str(running), "--format", "json"])
    assert result.code == 1, result.err  # drift: exit 1
    data = json.loads(result.out)
    got = [(d["path"], d["field"], d["plan"], d["discovered"]) for d in data["differences"]]
    assert got == [
        ("eks.node_groups[general]", "instance_type", "t3.medium", "t3.large"),
        ("eks.node_groups[general]", "desired_size", "2", "3"),
        ("rds[postgres]", "instance_class", "db.t3.medium", "db.t3.large"),
        ("eks.workloads[api-gateway]", "cpu_request", "250m", "1500m"),
        ("eks.workloads[api-gateway]", "cpu_limit", "1000m", "2000m"),
    ]
    usd = [Decimal(str(d["monthly_usd"])) for d in data["differences"]]
    # 1. type, at the planned 2 nodes: 1460 h x 0.0832 = 121.472 -> 121.47, was
    #    1460 h x 0.0416 = 60.736 -> 60.74: +60.73 (EBS unchanged: 2 x 20 GB)
    assert usd[0] == Decimal("121.47") - Decimal("60.74") == Decimal("60.73")
    # 2. count 2 -> 3 at the new type: 2190 h x 0.0832 = 182.208 -> 182.21 (+60.74), and
    #    EBS 60 GB x 0.08 = 4.80 instead of 40 GB x 0.08 = 3.20 (+1.60): +62.34
    assert usd[1] == (Decimal("182.21") - Decimal("121.47")) + (Decimal("4.80") - Decimal("3.20"))
    # 3. RDS class: 730 h x 0.145 = 105.85 instead of 730 h x 0.072 = 52.56: +53.29
    assert usd[2] == Decimal("105.85") - Decimal("52.56") == Decimal("53.29")
    # 4. api-gateway requests 1500m instead of 250m (capacity model, expected = 2 replicas of
    #    each of the 5 workloads, all with required anti-affinity). A t3.large node has
    #    1930m allocatable, 1805m after the 125m of DaemonSets. A node holding an
    #    api-gateway pod (1500m) has room for one 250m pod; a node without one holds at most
    #    one pod of each of the 4 other workloads. So 3 nodes (2 general + 1 compute, their
    #    minimum) hold at most 1 + 1 + 4 = 6 of the 8 small pods: a 4th node is needed, and
    #    the packer opens it in the first group below max_size in scenario order, general.
    #    One more general t3.large: +60.74 (as in 2.) and +20 GB EBS: +1.60 = +62.34
    assert usd[3] == Decimal("60.74") + Decimal("1.60")
    assert data["differences"][3]["priced_by"] == "capacity model, expected replicas"
    # 5. limits do not change what the scheduler reserves: $0
    assert usd[4] == 0
    assert Decimal(str(data["drift_monthly_usd"])) == sum(usd) == Decimal("238.70")


def test_drift_table_and_markdown_show_the_same_money(run_cli, tmp_path):
    running = _write(tmp_path, DRIFTED)
    table = run_cli(["drift", "staging", str(running)])
    assert table.code == 1
    assert "+$60.73" in table.out and "+$53.29" in table.out
    assert "drift +$238.70/month" in table.out
    md = run_cli(["drift", "staging", str(running), "--format", "markdown"])
    assert md.code == 1
    assert md.out.startswith("## Drift: staging against")
    assert "| rds[postgres] | instance_class | type | db.t3.medium | db.t3.large | +$53.29 |" in (
        md.out
    )
    assert "**5 difference(s), +$238.70 a month**" in md.out


def test_no_drift_exits_0(run_cli, tmp_path):
    same = _write(tmp_path, f"extends: {STAGING}\nname: same\n")
    result = run_cli(["drift", "staging", str(same)])
    assert result.code == 0, result.out
    assert "No drift" in result.out


def test_missing_and_extra_resources_cost_what_they_price_at(run_cli, tmp_path):
    # ElastiCache redis gone (730 h x $0.017 = 12.41), a second NAT gateway count (2 -> 3:
    # 730 h x 0.045 = 32.85 more)
    text = (
        f"extends: {STAGING}\nname: x\nelasticache: []\nnat_gateways:\n  count: 3\n"
        "discovery:\n  at: 2026-12-02T12:00:00+00:00\n"
    )
    result = run_cli(["drift", "staging", str(_write(tmp_path, text)), "--format", "json"])
    assert result.code == 1
    diffs = {(d["path"], d["field"]): d for d in json.loads(result.out)["differences"]}
    gone = diffs[("elasticache[redis]", "(resource)")]
    assert gone["kind"] == "missing"
    assert Decimal(str(gone["monthly_usd"])) == Decimal("-12.41")
    nat = diffs[("nat_gateways", "count")]
    assert Decimal(str(nat["monthly_usd"])) == Decimal("32.85")
    # workloads were not read (no kubernetes source): not compared, and said so
    assert "workloads (no Kubernetes source was read)" in json.loads(result.out)["not_compared"]


def test_a_part_discovery_could_not_read_is_not_drift(run_cli, tmp_path):
    text = (
        f"extends: {STAGING}\nname: x\nrds: []\n"
        "discovery:\n  at: 2026-12-02T12:00:00+00:00\n  missing:\n"
        "    - {part: rds, action: rds:DescribeDBInstances, reason: denied}\n"
    )
    result = run_cli(["drift", "staging", str(_write(tmp_path, text)), "--format", "json"])
    assert result.code == 0, result.out
    assert json.loads(result.out)["not_compared"][0] == "rds"


def test_assumed_values_are_not_drift(run_cli, tmp_path):
    # a discovered scenario's assumptions (log ingestion and NAT traffic no describe call
    # gives) differ from the plan's 50 GB and 100 GB, but they are not what runs: no drift
    text = (
        f"extends: {STAGING}\nname: x\n"
        "cloudwatch_logs:\n  ingestion_gb:\n    value: 0\n"
        "    basis: assumption\n    note: not discoverable\n"
        "nat_gateways:\n  data_processed_gb:\n    value: 0\n"
        "    basis: assumption\n    note: not discoverable\n"
        "discovery:\n  at: 2026-12-02T12:00:00+00:00\n"
    )
    result = run_cli(["drift", "staging", str(_write(tmp_path, text))])
    assert result.code == 0, result.out
    # the same 0 measured is drift: 50 GB x $0.50 = $25.00 less a month
    measured = text.replace("basis: assumption", "basis: measured", 1)
    result = run_cli(
        ["drift", "staging", str(_write(tmp_path, measured, "m.yaml")), "--format", "json"]
    )
    assert result.code == 1
    (diff,) = json.loads(result.out)["differences"]
    assert (diff["path"], diff["field"], diff["monthly_usd"]) == (
        "cloudwatch_logs",
        "ingestion_gb",
        -25.0,
    )


def test_drift_bad_input_is_one_line(run_cli, tmp_path):
    result = run_cli(["drift", "staging"])
    assert result.code == 2
    assert result.err.count("\n") == 1 and "give a discovered scenario" in result.err
    result = run_cli(["drift", "staging", str(tmp_path / "nope.yaml")])
    assert result.code == 2 and "nope.yaml" in result.err and "Traceback" not in result.err


@pytest.mark.notebook
def test_the_drift_notebook_shows_finance_the_money(run_cli, tmp_path):
    import nbformat

    running = _write(tmp_path, DRIFTED)
    out = tmp_path / "drift.ipynb"
    result = run_cli(
        ["run", "drift", "--scenario", "staging", "-p", "discovered", str(running), "-o", str(out)]
    )
    assert result.code == 0, result.err
    shown = json.dumps([c.get("outputs", []) for c in nbformat.read(out, 4).cells])
    assert "+$238.70 a month" in shown  # the hand-worked drift above
    assert "+$53.29" in shown and "$815.77" in shown
