"""`planner alerts --format terraform` is `terraform fmt`-clean, checked without the binary.

:func:`fmt_problems` applies the layout rules of hclwrite's formatter (hashicorp/hcl,
hclwrite/format.go, the code behind `terraform fmt`) to each line:

- indentation: two spaces per open bracket level (a line that opens brackets is indented at
  the level before it, a line that closes them at the level after);
- alignment: a line ``key = value`` whose value closes every bracket it opens is an
  *assignment*; consecutive assignments form a run, broken by any other line (a blank line, a
  comment line, a block header, ``key = {`` opening a multi-line value, a closing brace); in a
  run every ``=`` stands one space after the longest ``indent + key``;
- no trailing whitespace.

Strings are skipped when counting brackets (an interpolation inside one opens and closes).
"""

from __future__ import annotations

from typing import Any

import pytest


def _code(line: str) -> str:
    """The line with string contents blanked (same columns) and no trailing ``#`` comment."""
    out, quoted, escaped = [], False, False
    for ch in line:
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
                out.append('"')
                continue
            out.append("_")
            continue
        if ch == '"':
            quoted = True
            out.append('"')
        elif ch == "#":
            break
        else:
            out.append(ch)
    return "".join(out)


def _brackets(code: str) -> int:
    return sum(code.count(c) for c in "{[(") - sum(code.count(c) for c in "}])")


def _assignment(line: str) -> int | None:
    """Column of the ``=`` of a one-line assignment, else None."""
    code = _code(line)
    for i, ch in enumerate(code):
        if ch != "=":
            continue
        if code[i + 1 : i + 2] in ("=", ">") or (i and code[i - 1] in "=!<>"):
            continue  # ==, =>, !=, <=, >=
        if not code[:i].strip():
            return None
        return i if _brackets(code[i:]) == 0 else None
    return None


def fmt_problems(text: str) -> list[str]:
    problems: list[str] = []
    lines = text.split("\n")
    indents: list[int] = []
    run: list[int] = []

    def close_run() -> None:
        width = max(len(lines[i][: _assignment(lines[i])].rstrip()) for i in run) if run else 0
        for i in run:
            at = _assignment(lines[i])
            if at != width + 1:
                problems.append(f"line {i + 1}: '=' at column {at}, expected {width + 1}")
        run.clear()

    for n, line in enumerate(lines):
        if line != line.rstrip():
            problems.append(f"line {n + 1}: trailing whitespace")
        stripped = line.strip()
        if stripped:
            net = _brackets(_code(stripped))
            if net > 0:
                want = 2 * len(indents)
                indents.append(net)
            else:
                closed = -net
                while closed > 0 and indents:
                    if closed >= indents[-1]:
                        closed -= indents.pop()
                    else:
                        indents[-1] -= closed
                        closed = 0
                want = 2 * len(indents)
            have = len(line) - len(line.lstrip(" "))
            if have != want:
                problems.append(f"line {n + 1}: indented {have}, expected {want}")
        if _assignment(line) is None:
            close_run()
        else:
            run.append(n)
    close_run()
    return problems


def test_the_checker_finds_what_terraform_fmt_would_change() -> None:
    clean = (
        'resource "a" "b" {\n'
        "  name      = var.x\n"
        "  long_name = 1\n"
        "  tags = {\n"
        '    "k"   = "v"\n'
        '    "key" = "${var.x}"\n'
        "  }\n"
        "  # a comment breaks the run\n"
        '  count = var.y == "" ? 0 : 1\n'
        "}\n"
    )
    assert fmt_problems(clean) == []
    misaligned = clean.replace("  name      = var.x", "  name = var.x")
    assert fmt_problems(misaligned) == ["line 2: '=' at column 7, expected 12"]
    inner = clean.replace('    "k"   = "v"', '    "k" = "v"')
    assert fmt_problems(inner) == ["line 5: '=' at column 8, expected 10"]
    # a block opener ends a run: aligning across it is what fmt would undo
    across = clean.replace("  tags = {", "  tags      = {")
    assert fmt_problems(across) == []  # an opener's own '=' is not aligned (not an assignment)
    joined = clean.replace("  # a comment breaks the run\n", "").replace(
        '  count = var.y == "" ? 0 : 1', '  count     = var.y == "" ? 0 : 1'
    )
    # the closing brace before it ends the run too: fmt puts this '=' right after "count"
    assert fmt_problems(joined) == ["line 8: '=' at column 12, expected 8"]
    assert fmt_problems(clean.replace("  long_name", "   long_name")) == [
        "line 3: indented 3, expected 2",
        "line 2: '=' at column 12, expected 13",  # the longer lead moves the run's '='
    ]
    assert fmt_problems(clean.replace("var.x\n", "var.x \n")) == ["line 2: trailing whitespace"]


def _policy(scenario: str, **options: Any) -> Any:
    from test_alerts_policy import _policy as build

    return build(scenario, **options)


@pytest.mark.parametrize("scenario", ["staging", "production"])
def test_terraform_output_is_fmt_clean(run_cli: Any, scenario: str) -> None:
    result = run_cli(["alerts", scenario, "--format", "terraform"])
    assert result.code == 0, result.err
    assert fmt_problems(result.out) == []


def test_terraform_with_a_forecast_and_a_service_monitor_is_fmt_clean() -> None:
    """The other shapes: planned limits month by month, and a DIMENSIONAL anomaly monitor."""
    from test_alerts_policy import SERIES

    from planner.alerts.terraform import alerts_terraform

    text = alerts_terraform(_policy("staging", forecast=SERIES))
    assert "planned_limit {" in text and fmt_problems(text) == []
    dimensional = alerts_terraform(_policy("staging", anomaly_monitor="service"))
    assert 'monitor_dimension = "SERVICE"' in dimensional
    assert fmt_problems(dimensional) == []
