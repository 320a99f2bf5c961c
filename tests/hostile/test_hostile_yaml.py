"""Hostile YAML: YAML 1.1 surprises, booleans as numbers, duplicate keys, alias bombs."""

from __future__ import annotations

import resource
import time
import tracemalloc
from pathlib import Path

import pytest

from hostile.hostile_cases import STAGING, Case, ids, overlay, run_case, staging_with
from planner.errors import ScenarioError
from planner.safe_yaml import MAX_EXPANDED_NODES, YamlProblem, load_documents
from planner.scenario import load_scenario


def _bomb(levels: int = 9, width: int = 10) -> str:
    """The classic "billion laughs": width**levels nodes from about 300 bytes."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "name: bomb\n" + "\n".join(lines) + "\n"


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


CASES = [
    # YAML 1.1 would read 010 as 8 and 1:30 as 90; YAML 1.2 as 10 and "1:30": refuse both.
    Case(
        "octal-max-size",
        staging_with("max_size: 4", "max_size: 010"),
        2,
        "line 25: eks.node_groups[general].max_size: '010' is read differently by YAML 1.1",
    ),
    Case(
        "sexagesimal-storage",
        staging_with("storage_gb: 100               #", "storage_gb: 1:30               #"),
        2,
        "rds[postgres].storage_gb: '1:30' is read differently",
    ),
    Case("sexagesimal-hint", staging_with("storage_gb: 10 ", "storage_gb: 1:30 "), 2, "e.g. 90"),
    Case("binary", staging_with("brokers: 2 ", "brokers: 0b10 "), 2, "msk[kafka].brokers: '0b10'"),
    Case(
        "digit-separator",
        staging_with("internet_egress_gb: 100", "internet_egress_gb: 1_000"),
        2,
        "data_transfer.internet_egress_gb: '1_000'",
    ),
    Case(
        "leading-zero-float",
        staging_with("internet_egress_gb: 100", "internet_egress_gb: 007.5"),
        2,
        "e.g. 7.5",
    ),
    # a boolean is not a number (pydantic alone would take true as 1)
    Case(
        "bool-nodes",
        staging_with("nodes: 1 ", "nodes: true "),
        2,
        "elasticache[redis].nodes: a boolean (True) is not a number",
    ),
    Case(
        "bool-count-false",
        staging_with("count: 2 ", "count: false "),
        2,
        "nat_gateways.count: a boolean (False) is not a number",
    ),
    Case(
        "bool-desired",
        staging_with("desired_size: 2 ", "desired_size: true "),
        2,
        "eks.node_groups[general].desired_size: a boolean",
    ),
    Case(
        "bool-replicas",
        staging_with("replicas_max: 6", "replicas_max: true"),
        2,
        "eks.workloads[api-gateway].replicas_max: a boolean",
    ),
    Case(
        "bool-retention",
        staging_with("backup_retention_days: 7", "backup_retention_days: false"),
        2,
        "rds[postgres].backup_retention_days: a boolean",
    ),
    Case("bool-amount", staging_with("storage_gb: 10 ", "storage_gb: true "), 2, "s3.storage_gb"),
    # duplicate keys: PyYAML keeps the last silently
    Case(
        "duplicate-top-level",
        staging_with("region: us-east-1", "region: us-east-1\nregion: us-west-2"),
        2,
        "key 'region' is given twice (lines 9 and 10)",
    ),
    Case(
        "duplicate-nested",
        staging_with("    brokers: 2 ", "    brokers: 2\n    brokers: 3 "),
        2,
        "msk[kafka].brokers: key 'brokers' is given twice",
    ),
    Case(
        "duplicate-in-overlay",
        overlay("s3:\n  storage_gb: 1\n  storage_gb: 2\n"),
        2,
        "line 4: s3.storage_gb: key 'storage_gb' is given twice",
    ),
    # aliases
    Case(
        "alias-bomb",
        lambda tmp: ["price", str(_write(tmp, "bomb.yaml", _bomb()))],
        2,
        f"more than the {MAX_EXPANDED_NODES:,} allowed (an alias bomb?)",
    ),
    Case(
        "recursive-alias",
        lambda tmp: ["price", str(_write(tmp, "rec.yaml", "name: &n [*n]\n"))],
        2,
        "line 1: name[0]: an alias refers to the mapping or list that contains it",
    ),
    Case(
        "undefined-alias",
        lambda tmp: ["price", str(_write(tmp, "undef.yaml", "name: *nope\n"))],
        2,
        "line 1: YAML syntax error: found undefined alias",
    ),
    # not text, not a mapping, too deep
    Case(
        "non-utf8-scenario",
        lambda tmp: ["price", str(_write_bytes(tmp, "latin1.yaml", b"name: caf\xe9\n"))],
        2,
        "is not UTF-8 text (bad byte at offset 9)",
    ),
    Case(
        "empty-document",
        lambda tmp: ["price", str(_write(tmp, "empty.yaml", "# nothing\n"))],
        2,
        "the document is empty",
    ),
    Case(
        "list-document",
        lambda tmp: ["price", str(_write(tmp, "list.yaml", "- a\n- b\n"))],
        2,
        "the document is a list",
    ),
    Case(
        "deep-nesting",
        lambda tmp: ["price", str(_write(tmp, "deep.yaml", "name: " + "[" * 5000 + "]" * 5000))],
        2,
        "deep.yaml",
    ),
    Case(
        "tab-indent",
        staging_with("  cluster_name:", "\tcluster_name:"),
        2,
        "YAML syntax error",
    ),
]


def _write_bytes(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", ids(CASES))
def test_hostile_yaml(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_case(case, tmp_path, capsys)


def test_alias_bomb_is_refused_fast_with_bounded_memory(tmp_path: Path) -> None:
    """Resource limits asserted in this process: < 1 s and < 200 MB."""
    path = _write(tmp_path, "bomb.yaml", _bomb(levels=12))  # 10**12 nodes if expanded
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match="alias bomb"):
        load_scenario(path)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert elapsed < 1.0, elapsed
    assert peak < 200 * 2**20, peak
    assert rss_growth_mb < 200, rss_growth_mb


def test_shared_aliases_within_budget_load_and_index_once(tmp_path: Path) -> None:
    """Legitimate aliases still work; the line index does not follow an alias twice."""
    text = STAGING.read_text(encoding="utf-8").replace(
        "  limit_range:", "  limit_range: &limits", 1
    )
    docs = load_documents(text + "\nextra_anchor_use: *limits\n")
    assert docs[0].data["extra_anchor_use"]["max_memory"] == "8Gi"
    assert ("eks", "limit_range", "max_memory") in docs[0].lines
    assert ("extra_anchor_use", "max_memory") not in docs[0].lines  # the alias, not indexed


def test_yaml12_scalars() -> None:
    data = load_documents(
        "a: yes\nb: on\nc: true\nd: 0x10\ne: 0o10\nf: 1e3\ng: 2025-11-11\nh: 0\ni: -3\n"
    )[0].data
    assert data == {
        "a": "yes",
        "b": "on",
        "c": True,
        "d": 16,
        "e": 8,
        "f": 1000.0,
        "g": "2025-11-11",
        "h": 0,
        "i": -3,
    }
    with pytest.raises(YamlProblem, match="given twice"):
        load_documents("a: 1\nb:\n  c: 1\n  c: 2\n")


def test_csafeloader_used_when_available() -> None:
    import yaml

    from planner.safe_yaml import StrictLoader

    if getattr(yaml, "__with_libyaml__", False):
        assert issubclass(StrictLoader, yaml.CSafeLoader)
    else:
        assert issubclass(StrictLoader, yaml.SafeLoader)
