"""User errors: one line naming the file, the field and the value; exit code 2; no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SCENARIOS_DIR, CliResult

STAGING = (SCENARIOS_DIR / "staging.yaml").read_text(encoding="utf-8")


def variant(tmp_path: Path, old: str, new: str, name: str = "broken.yaml") -> Path:
    assert old in STAGING, old
    path = tmp_path / name
    path.write_text(STAGING.replace(old, new, 1), encoding="utf-8")
    return path


def one_error_line(result: CliResult) -> str:
    assert result.code == 2, result
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("planner: error: ")
    assert "Traceback" not in result.err
    return lines[0]


def line_of(path: Path, text: str) -> int:
    return next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if text in ln)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # unknown field, with a suggestion
        (
            "      capacity_type: ON_DEMAND",
            "      capacity_typ: ON_DEMAND",
            [
                "eks.node_groups[general].capacity_typ",
                "unknown field 'capacity_typ'",
                "did you mean 'capacity_type'",
            ],
        ),
        ("region: us-east-1 ", "regoin: us-east-1 ", ["regoin", "did you mean 'region'"]),
        # wrong types
        ("    nodes: 1 ", "    nodes: two ", ["elasticache[redis].nodes", "'two'"]),
        (
            "    multi_az: false               # §2.3",
            "    multi_az: maybe  # §2.3",
            ["rds[postgres].multi_az", "'maybe'"],
        ),
        ("  ingestion_gb: 50 ", "  ingestion_gb: lots ", ["cloudwatch_logs.ingestion_gb", "lots"]),
        # negative numbers
        ("  count: 2 ", "  count: -2 ", ["nat_gateways.count", "-2"]),
        (
            "    storage_gb_per_broker: 100",
            "    storage_gb_per_broker: -100",
            ["msk[kafka].storage_gb_per_broker", "-100"],
        ),
        # min <= desired <= max
        (
            "      desired_size: 2 ",
            "      desired_size: 5 ",
            ["eks.node_groups[general]:", "min_size <= desired_size <= max_size", "2 <= 5 <= 4"],
        ),
        # unknown names with "did you mean"
        (
            "instance_type: t3.medium",
            "instance_type: t3.mediun",
            ["eks.node_groups[general].instance_type", "'t3.mediun'", "did you mean t3.medium"],
        ),
        (
            "region: us-east-1 ",
            "region: us-east-7 ",
            ["region", "'us-east-7'", "did you mean us-east-2 or us-east-1"],
        ),
        (
            "instance_class: db.t3.medium",
            "instance_class: db.t3.mediun",
            ["rds[postgres].instance_class", "did you mean db.t3.medium"],
        ),
    ],
)
def test_scenario_error_names_file_line_field_and_value(
    run_cli, tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    path = variant(tmp_path, old, new)
    message = one_error_line(run_cli(["price", str(path)]))
    assert message.startswith(f"planner: error: {path}: line ")
    if "node_groups[general]:" in message:  # a group-level error points at the group
        assert f"line {line_of(path, '- name: general')}: eks.node_groups[general]:" in message
    else:
        assert f"{path}: line {line_of(path, new.strip().split()[0])}: " in message
    for part in expected:
        assert part in message


def test_yaml_syntax_error_names_the_line(run_cli, tmp_path: Path) -> None:
    path = variant(tmp_path, "  cluster_name: emrtask-staging", "  cluster_name: [emrtask")
    message = one_error_line(run_cli(["price", str(path)]))
    assert f"{path}: line " in message and "YAML syntax error" in message
    line = int(message.split(": line ")[1].split(":")[0])
    assert abs(line - line_of(path, "[emrtask")) <= 1


def test_broken_indentation(run_cli, tmp_path: Path) -> None:
    path = variant(tmp_path, "    node_type: cache.t3.micro", "  node_type: cache.t3.micro")
    message = one_error_line(run_cli(["price", str(path)]))
    assert str(path) in message and "line " in message


@pytest.mark.parametrize("kind", ["missing", "directory", "not-utf8", "empty", "a-list"])
def test_unreadable_or_missing_file(run_cli, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "s.yaml"
    if kind == "directory":
        path.mkdir()
    elif kind == "not-utf8":
        path.write_bytes(b"name: \xff\xfe\n")
    elif kind == "empty":
        path.write_text("")
    elif kind == "a-list":
        path.write_text("- 1\n- 2\n")
    message = one_error_line(run_cli(["price", str(path)]))
    assert str(path) in message


def test_missing_extends_file(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "over.yaml"
    path.write_text("extends: nowhere.yaml\nname: over\n")
    message = one_error_line(run_cli(["price", str(path)]))
    assert f"{path}: line 1: extends: 'nowhere.yaml'" in message and "not found" in message


@pytest.mark.parametrize("base", ["staging", "whatif/staging-graviton"])
def test_extends_a_bundled_name_from_anywhere(run_cli, tmp_path: Path, base: str) -> None:
    """A file outside the repository extends a bundled scenario by its name alone."""
    path = tmp_path / "elsewhere" / "mine.yaml"
    path.parent.mkdir()
    path.write_text(f"extends: {base}\nname: mine\n")
    mine = run_cli(["price", str(path), "--format", "json"])
    bundled = run_cli(["price", base, "--format", "json"])
    assert mine.code == 0, mine.err
    assert json.loads(mine.out)["total_monthly_usd"] == json.loads(bundled.out)["total_monthly_usd"]


@pytest.mark.parametrize(
    ("ref", "hint"),
    [
        # a bundled file written as a path that is not there: how to name it instead
        ("staging.yaml", "a bundled scenario is named without a path: extends: staging"),
        ("../scenarios/whatif/staging-graviton.yaml", "extends: whatif/staging-graviton"),
        # a misspelt name: the closest bundled name
        ("stagin", "did you mean the bundled 'staging'?"),
    ],
)
def test_extends_error_hints_at_bundled_names(run_cli, tmp_path: Path, ref: str, hint: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(f"extends: {ref}\nname: mine\n")
    message = one_error_line(run_cli(["price", str(path)]))
    assert f"{path}: line 1: extends: '{ref}'" in message and hint in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a valid region with no EC2 (or EKS) prices in the snapshot
        (
            "region: us-east-1 ",
            "region: eu-west-1 ",
            "no on-demand price for EKS extended support in eu-west-1; the snapshot has it in "
            "us-east-1",
        ),
        # a valid RDS class the snapshot lacks
        (
            "instance_class: db.t3.medium",
            "instance_class: db.t4g.medium",
            "no on-demand price for db.t4g.medium PostgreSQL Single-AZ in us-east-1; "
            "did you mean db.t3.medium",
        ),
    ],
)
def test_missing_price_is_an_error_naming_item_region_and_nearest(
    run_cli, tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = variant(tmp_path, old, new)
    message = one_error_line(run_cli(["price", str(path)]))
    assert expected in message
    assert str(path) in message


def test_allow_missing_flags_the_line_and_keeps_it_out_of_the_total(
    run_cli, tmp_path: Path
) -> None:
    path = variant(tmp_path, "instance_class: db.t3.medium", "instance_class: db.t4g.medium")
    result = run_cli(["price", str(path), "--format", "json", "--allow-missing"])
    assert result.code == 0
    warnings = [w for w in result.err.splitlines() if "no on-demand price" in w]
    assert len(warnings) == 1 and warnings[0].startswith("warning: no on-demand price for ")
    assert "db.t4g.medium" in warnings[0] and "kept out of the total" in warnings[0]
    data = json.loads(result.out)
    assert data["complete"] is False and data["missing_count"] == 1
    assert data["partial"] == f"partial: 1 of {len(data['lines'])} lines unpriced"
    missing = [ln for ln in data["lines"] if ln["missing"]]
    assert len(missing) == 1
    assert missing[0]["monthly_usd"] is None and missing[0]["price_basis"] == "missing"
    assert missing[0]["price_source"].startswith("MISSING: no on-demand price for db.t4g.medium")
    assert data["missing_prices"] == [missing[0]["price_source"]]
    priced = sum(ln["monthly_usd"] for ln in data["lines"] if not ln["missing"])
    assert data["total_monthly_usd"] == pytest.approx(priced)
    table = run_cli(["price", str(path), "--allow-missing"])
    assert "NOT in the total" in table.out
    assert f"PARTIAL: 1 OF {len(data['lines'])} LINES UNPRICED" in table.out
    csv_text = run_cli(["price", str(path), "--allow-missing", "--format", "csv"]).out
    assert f"TOTAL (partial: 1 of {len(data['lines'])} lines unpriced)" in csv_text


def test_allow_missing_warns_once_per_missing_spot_line(run_cli, tmp_path: Path) -> None:
    path = variant(tmp_path, "region: us-east-1 ", "region: eu-west-1 ")
    result = run_cli(["price", str(path), "--format", "json", "--allow-missing"])
    assert result.code == 0
    data = json.loads(result.out)
    missing = [w for w in result.err.splitlines() if "price for" in w]
    assert (
        len(missing)
        == len(data["missing_prices"])
        == len(data["warnings"]) - len(data["look_ahead"])
    )
    # the case: 19 of 23 lines unpriced must not print a bare TOTAL
    assert data["complete"] is False
    assert (
        data["partial"]
        == f"partial: {data['missing_count']} of {len(data['lines'])} lines unpriced"
    )
    assert data["missing_count"] == len(data["missing_prices"]) > 0
    assert data["total_monthly_usd"] == pytest.approx(
        sum(ln["monthly_usd"] for ln in data["lines"] if not ln["missing"])
    )


def test_failed_run_leaves_existing_output_unchanged(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("previous\n")
    path = variant(tmp_path, "instance_type: t3.medium", "instance_type: t3.mediun")
    one_error_line(run_cli(["price", str(path), "--format", "json", "-o", str(out)]))
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml", "out.json"]


def test_bad_arguments_are_one_line(run_cli) -> None:
    message = one_error_line(run_cli(["price", "--format", "xml"]))
    assert "xml" in message


def test_unknown_bundled_name_lists_the_bundled_scenarios(run_cli) -> None:
    message = one_error_line(run_cli(["price", "prod"]))
    assert message.startswith("planner: error: prod:")
    for name in ("production", "staging", "whatif/staging-graviton"):
        assert name in message


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    from planner.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"planner {version('planner')}"


def test_every_argument_has_help() -> None:
    import argparse

    from planner.cli import _build_parser

    missing: list[str] = []

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, f"{prefix} {name}")
            elif not isinstance(action, argparse._HelpAction) and not action.help:
                missing.append(f"{prefix} {'/'.join(action.option_strings) or action.dest}")

    walk(_build_parser(), "planner")
    assert not missing, f"arguments without help text: {missing}"
