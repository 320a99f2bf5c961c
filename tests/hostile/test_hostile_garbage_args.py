"""Every subcommand, walked from the parser itself, with garbage arguments: never a traceback.

The walk reads the subcommands from ``planner.cli``'s parser, so a new command is covered the
day it is added. Each gets the same garbage (unknown options, control characters, a NUL, a
huge number, a path that is a folder, option values that are not numbers, ...). Every run
must end with exit 0 or 2 and, on 2, exactly one ``planner: error:`` line: never the
internal-error exit (70) that the top level gives an unexpected exception, never a traceback.
AWS calls go to a closed local port with fake credentials, so nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.cli import _build_parser, main

EXIT_INTERNAL_ERROR = 70  # planner.cli's exit code for a bug (an unexpected exception)


def _subcommands() -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []

    def walk(parser: argparse.ArgumentParser, prefix: tuple[str, ...]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, (*prefix, name))
                return
        found.append(prefix)

    walk(_build_parser(), ())
    return found


SUBCOMMANDS = _subcommands()

GARBAGE: dict[str, list[str]] = {
    "unknown-option": ["--no-such-option"],
    "nul-byte": ["a\x00b"],
    "control-chars": ["\x1b[31mred\x1b[0m\n"],
    "empty-string": [""],
    "folder-as-file": ["{tmp}"],
    "huge-number": ["--months", "9" * 400],
    "not-a-number": ["--port", "lots"],
    "format-nope": ["--format", "nope"],
    "dangling-option": ["-o"],
    "missing-file": ["{tmp}/nope/nope.yaml"],
}


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(c) for c in SUBCOMMANDS}
    for expected in (
        "price",
        "actuals import",
        "actuals pull",
        "actuals rebase",
        "usage import",
        "usage pull",
        "alerts",
        "lab",
        "prices refresh",
        "prices import-offer",
        "run",
        "report",
        "forecast",
        "sweep",
        "rightsize",
        "variance",
        "commitments",
    ):
        assert expected in names, names


@pytest.fixture
def offline_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: connection refused
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/planner-test-aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/planner-test-aws-creds")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("PLANNER_AWS_DEADLINE_S", "30")
    yield


@pytest.mark.parametrize("garbage", sorted(GARBAGE), ids=sorted(GARBAGE))
@pytest.mark.parametrize("command", SUBCOMMANDS, ids=[" ".join(c) for c in SUBCOMMANDS])
def test_garbage_arguments_never_give_a_traceback(
    command: tuple[str, ...],
    garbage: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    offline_aws: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # anything a command writes by default lands here
    args = [a.replace("{tmp}", str(tmp_path)) for a in GARBAGE[garbage]]
    if command == ("lab",) and garbage in ("empty-string",):
        args = ["--port", ""]  # `planner lab` with no garbage would start a server
    capsys.readouterr()
    code = main([*command, *args])
    out, err = capsys.readouterr()
    assert code != EXIT_INTERNAL_ERROR, err
    assert "Traceback" not in err and "Traceback" not in out
    assert code in (0, 2), (code, err)
    if code == 2:
        lines = [line for line in err.splitlines() if not line.startswith(("warning", "reading"))]
        assert len(lines) == 1 and lines[0].startswith("planner: error: "), err
