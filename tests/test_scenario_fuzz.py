"""Mutated staging scenarios never produce a traceback: exit 0, or exit 2 with one line."""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from conftest import SCENARIOS_DIR
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.cli import main

STAGING_TEXT = (SCENARIOS_DIR / "staging.yaml").read_text(encoding="utf-8")
STAGING = yaml.safe_load(STAGING_TEXT)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


ALL_PATHS = paths(STAGING)


def get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


MAPPINGS = [p for p in [(), *ALL_PATHS] if isinstance(get(STAGING, p), dict)]

junk_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["1e999999", "-1", "NaN", "Infinity", "250M", "512Mb", "0x10", "1_000", ""]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    doc = copy.deepcopy(STAGING)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["drop", "replace", "negate", "insert", "indent"]))
        if kind == "indent":
            text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
            lines = text.splitlines()
            i = draw(st.integers(0, len(lines) - 1))
            shift = draw(st.sampled_from([-4, -2, -1, 1, 2, 3]))
            line = lines[i]
            lines[i] = (
                line[-shift:]
                if shift < 0 and line.startswith(" " * -shift)
                else (" " * max(shift, 0) + line)
            )
            try:
                doc = yaml.safe_load("\n".join(lines))
            except yaml.YAMLError:
                return "\n".join(lines) + "\n"
            if not isinstance(doc, dict):
                return "\n".join(lines) + "\n"
            continue
        candidates = paths(doc)
        if kind == "insert":
            mappings = [p for p in [(), *candidates] if isinstance(get(doc, p), dict)]
            where = get(doc, draw(st.sampled_from(mappings)))
            where[draw(st.text(min_size=1, max_size=12))] = draw(junk_values)
            continue
        if not candidates:
            continue
        path = draw(st.sampled_from(candidates))
        parent = get(doc, path[:-1])
        if kind == "drop":
            del parent[path[-1]]
        elif kind == "replace":
            parent[path[-1]] = draw(junk_values)
        else:
            value = parent[path[-1]]
            if isinstance(value, int | float) and not isinstance(value, bool):
                parent[path[-1]] = -value - draw(st.integers(0, 5))
            else:
                parent[path[-1]] = -draw(st.integers(1, 10**6))
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


YAML11_SCALARS = [
    "010",
    "0777",
    "1:30",
    "1:30:00",
    "0b101",
    "1_000",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "~",
    "true",
    "false",
    "0x1F",
    "0o17",
    "1e3",
    ".inf",
    "2025-13-45",
    "00",
    "-0",
    "+1",
    "1.",
    ".5",
]


@st.composite
def text_mutated(draw: st.DrawFn) -> str:
    """Mutate the YAML text itself: duplicate keys, anchors and aliases, YAML 1.1 scalars."""
    lines = STAGING_TEXT.splitlines()
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*(- )?[A-Za-z_]+:", line)]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["duplicate", "scalar", "alias", "anchor-bomb", "merge"]))
        i = draw(st.sampled_from(keyed))
        line = lines[i]
        indent = line[: len(line) - len(line.lstrip())]
        key = line.strip().removeprefix("- ").split(":", 1)[0]
        if kind == "duplicate":
            # the same key again in the same mapping, with a different value
            value = draw(st.sampled_from(YAML11_SCALARS))
            pad = indent + ("  " if line.strip().startswith("- ") else "")
            lines.insert(i + 1, f"{pad}{key}: {value}")
        elif kind == "scalar":
            value = draw(st.sampled_from(YAML11_SCALARS))
            head = line.split(":", 1)[0]
            lines[i] = f"{head}: {value}"
        elif kind == "alias":
            # anchor one value, refer to it from another key
            head, _, rest = line.partition(":")
            body = rest.split("#", 1)[0].strip()
            lines[i] = f"{head}: &a{i} {body}" if body else f"{head}: &a{i}"
            j = draw(st.sampled_from(keyed))
            head_j = lines[j].split(":", 1)[0]
            lines[j] = f"{head_j}: *a{i}"
        elif kind == "merge":
            head = line.split(":", 1)[0]
            lines[i] = f"{head}: {{<<: {{x: 1}}, y: 2}}"
        else:
            width = draw(st.integers(2, 12))
            bomb = ["bomb0: &b0 [" + ", ".join(["x"] * width) + "]"]
            for level in range(1, draw(st.integers(1, 12))):
                refs = ", ".join([f"*b{level - 1}"] * width)
                bomb.append(f"bomb{level}: &b{level} [{refs}]")
            lines = bomb + lines
            keyed = [k + len(bomb) for k in keyed]
    return "\n".join(lines) + "\n"


def _check_run(capsys: Any, text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "mutant.yaml"
        scenario.write_text(text, encoding="utf-8")
        out = Path(tmp) / "out.json"
        out.write_text("previous\n")
        capsys.readouterr()
        code = main(["price", str(scenario), "--format", "json", "-o", str(out)])
        err = capsys.readouterr().err
        if code == 0:
            # a valid mutant may warn (prices older than a year on as_of, pods that do not
            # fit), one line each, and nothing else
            assert all(line.startswith("warning: ") for line in err.splitlines()), err
            json.loads(out.read_text())
        else:
            assert code == 2
            lines = err.splitlines()
            assert len(lines) == 1, err
            assert lines[0].startswith(f"planner: error: {scenario}"), err
            assert out.read_text() == "previous\n"
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["mutant.yaml", "out.json"]


@settings(max_examples=int(os.environ.get("PLANNER_FUZZ_TEXT_EXAMPLES", "60")))
@given(text=text_mutated())
def test_mutated_yaml_text_never_tracebacks(capsys: Any, text: str) -> None:
    _check_run(capsys, text)


def test_yaml11_scalars_never_silently_change_a_number(capsys: Any) -> None:
    """010 is not 8 (or 10), 1:30 is not 90, a boolean is not 1, each in a numeric field."""
    for old, new in (
        ("max_size: 4", "max_size: 010"),
        ("storage_gb: 10 ", "storage_gb: 1:30 "),
        ("nodes: 1 ", "nodes: true "),
        ("count: 2 ", "count: false "),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            scenario = Path(tmp) / "s.yaml"
            scenario.write_text(STAGING_TEXT.replace(old, new, 1), encoding="utf-8")
            capsys.readouterr()
            assert main(["price", str(scenario)]) == 2, new
            field = new.split(":")[0]
            assert field in capsys.readouterr().err


@settings(max_examples=int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "80")))
@given(text=mutated())
def test_mutated_staging_never_tracebacks(capsys: Any, text: str) -> None:
    _check_run(capsys, text)


def test_unmutated_staging_passes(capsys: Any) -> None:
    assert main(["price", str(SCENARIOS_DIR / "staging.yaml"), "--format", "json"]) == 0
