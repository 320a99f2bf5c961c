"""Golden files: bundled scenarios priced as JSON and table, compared to tests/golden/.

A mismatch prints a unified diff. ``PLANNER_UPDATE_GOLDEN=1 pytest tests/test_golden.py``
rewrites them and still fails (a rewritten golden is a change to review with ``git diff``, not
a pass); a missing golden fails. Each golden has a twin worked by hand that pins its numbers
(tests/test_staging_prices.py, tests/test_capacity_plan.py, tests/test_alerts_policy.py).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from conftest import REPO

GOLDEN = Path(__file__).resolve().parent / "golden"
SCENARIOS = ["staging", "production", "whatif/staging-graviton"]


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PLANNER_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.read_text(encoding="utf-8") == actual:
            return
        path.write_text(actual, encoding="utf-8")
        pytest.fail(f"{path} rewritten: review it with git diff, then run without the variable")
    if not path.is_file():
        pytest.fail(f"{path} is missing; run with PLANNER_UPDATE_GOLDEN=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{path} (golden)",
            tofile="actual",
        )
        pytest.fail(
            "output differs from the golden file (PLANNER_UPDATE_GOLDEN=1 rewrites it):\n"
            + "".join(diff),
            pytrace=False,
        )


@pytest.mark.parametrize("fmt", ["json", "table"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_price_matches_golden(run_cli, scenario: str, fmt: str) -> None:
    result = run_cli(["price", scenario, "--format", fmt])
    assert result.code == 0, result.err
    # the scenario's absolute path differs per checkout
    text = result.out.replace(str(REPO) + os.sep, "")
    ext = "json" if fmt == "json" else "txt"
    assert_golden(f"price-{scenario.replace('/', '-')}.{ext}", text)


def test_golden_mismatch_prints_a_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANNER_UPDATE_GOLDEN", raising=False)
    monkeypatch.setattr(f"{__name__}.GOLDEN", tmp_path)
    (tmp_path / "x.txt").write_text("a\nb\n")
    with pytest.raises(pytest.fail.Exception) as info:
        assert_golden("x.txt", "a\nc\n")
    assert "-b\n+c" in str(info.value)
    monkeypatch.setenv("PLANNER_UPDATE_GOLDEN", "1")
    with pytest.raises(pytest.fail.Exception, match="rewritten"):
        assert_golden("x.txt", "a\nc\n")  # a rewrite is never a pass
    assert (tmp_path / "x.txt").read_text() == "a\nc\n"
    assert_golden("x.txt", "a\nc\n")  # already equal: nothing to review
    monkeypatch.delenv("PLANNER_UPDATE_GOLDEN")
    with pytest.raises(pytest.fail.Exception, match="missing"):
        assert_golden("absent.txt", "a\n")
    assert not (tmp_path / "absent.txt").exists()
