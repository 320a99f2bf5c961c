"""Mutated staging scenarios never produce a traceback: exit 0, or exit 2 with one line."""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from conftest import SCENARIOS_DIR
from hypothesis import HealthCheck, given, settings
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


@settings(
    max_examples=int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=mutated())
def test_mutated_staging_never_tracebacks(capsys: Any, text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "mutant.yaml"
        scenario.write_text(text, encoding="utf-8")
        out = Path(tmp) / "out.json"
        out.write_text("previous\n")
        capsys.readouterr()
        code = main(["price", str(scenario), "--format", "json", "-o", str(out)])
        err = capsys.readouterr().err
        if code == 0:
            # the only warning a valid staging may give: prices older than a year on as_of
            assert all(" days older than the scenario's as_of " in w for w in err.splitlines())
            json.loads(out.read_text())
        else:
            assert code == 2
            lines = err.splitlines()
            assert len(lines) == 1, err
            assert lines[0].startswith(f"planner: error: {scenario}"), err
            assert out.read_text() == "previous\n"
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["mutant.yaml", "out.json"]


def test_unmutated_staging_passes(capsys: Any) -> None:
    assert main(["price", str(SCENARIOS_DIR / "staging.yaml"), "--format", "json"]) == 0
