"""Every AWS-reading command against the shared misbehaving endpoint (tests/hostile/fake_aws.py).

A truncated body, an HTML page, a JSON list, a reply without its list, HTTP 500, a page token
that repeats, endless empty pages with new tokens, and a body dripping one byte a second: each
is one ``planner: error:`` line (exit 2), bounded in calls and in time, and nothing is written.
Before the guards, truncated and HTML replies were read as "no data" (a $0.00 bill, an empty
usage file, a dry run planning to create budgets that exist), a JSON list was a traceback, a
new-token loop ran 1,000 paid calls, and a drip hung past any read timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile.fake_aws import fake_aws
from planner.cli import main

COMMANDS: dict[str, list[str]] = {
    "actuals-pull": ["actuals", "pull", "staging", "-o", "{tmp}/bill.parquet"],
    "usage-pull": [
        "usage",
        "pull",
        "staging",
        "--days",
        "1",
        "--no-progress",
        "--out",
        "{tmp}/usage.parquet",
    ],
    "alerts-apply": ["alerts", "apply", "staging", "--account-id", "123456789012"],
    "prices-refresh": [
        "prices",
        "refresh",
        "--scenario",
        "staging",
        "--services",
        "AmazonEKS",
        "--out",
        "{tmp}/snap",
    ],
    "alerts-apply-sts": ["alerts", "apply", "staging", "--only", "budgets"],
}
# mode -> a fragment of the one line
MODES = {
    "truncated": "not complete",
    "html": "HTML page",
    "wrong-shape": "not",
    "token-loop": "twice",
    "new-token": "empty pages in a row",
    "drip": "no complete answer from AWS within",
    "http-500": "InternalFailure",
}


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "PLANNER_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/planner-test-aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/planner-test-aws-creds")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("PLANNER_AWS_DEADLINE_S", "20")  # a drip of 1 byte/s needs 60+ s
    yield monkeypatch


# GetCallerIdentity is not paginated: a pagination-token loop cannot happen on it.
CASES = [
    (command, mode)
    for command in sorted(COMMANDS)
    for mode in sorted(MODES)
    if not (command == "alerts-apply-sts" and mode in ("token-loop", "new-token"))
]


@pytest.mark.parametrize(("command", "mode"), CASES)
def test_a_misbehaving_endpoint_is_one_line_and_writes_nothing(
    command: str,
    mode: str,
    tmp_path: Path,
    aws_env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[command]]
    if mode == "drip" and command != "alerts-apply-sts":
        # the body needs 60+ s at 1 byte/s: a 1 s deadline ends it as surely as 20 does.
        # (STS's reply is 2 bytes: it arrives whole in 2 s, well within the 20 s, and is no XML)
        aws_env.setenv("PLANNER_AWS_DEADLINE_S", "1")
    with fake_aws(mode, drip_s=1.0) as server:
        aws_env.setenv("AWS_ENDPOINT_URL", server.url)
        capsys.readouterr()
        code = main(argv)
        out, err = capsys.readouterr()
    assert code == 2, (code, err)
    lines = [line for line in err.splitlines() if line.startswith("planner:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    fragment = MODES[mode]
    if command == "alerts-apply-sts" and mode in ("wrong-shape", "truncated", "drip"):
        fragment = "not complete XML"  # STS speaks XML: the endpoint's JSON is no XML
    if command == "alerts-apply-sts" and mode == "http-500":
        fragment = "unreadable reply"
    assert fragment in lines[0], lines[0]
    assert out == ""
    # bounded: a loop stops within a dozen calls, a drip by the deadline
    assert server.calls <= 12, server.calls
    assert sorted(p.name for p in tmp_path.iterdir()) == [], list(tmp_path.iterdir())


def test_a_proxy_password_in_the_endpoint_never_reaches_the_snapshot(
    tmp_path: Path, aws_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """AWS_ENDPOINT_URL=http://user:password@host is recorded as http://REDACTED@host."""
    import json

    from aws_records import staging_records
    from pricing_server import pricing_server

    with pricing_server(staging_records("us-east-1")) as server:
        url = server.url.replace("http://", "http://planner-user:s3cret-Pw@")
        aws_env.setenv("AWS_ENDPOINT_URL", url)
        code = main(
            [
                "prices",
                "refresh",
                "--scenario",
                "staging",
                "--services",
                "AmazonEKS",
                "--out",
                str(tmp_path / "snap"),
            ]
        )
    assert code == 0, capsys.readouterr().err
    text = (tmp_path / "snap" / "manifest.json").read_text()
    assert "s3cret-Pw" not in text and "planner-user" not in text
    endpoint = json.loads(text)["refreshes"][-1]["endpoint"]
    assert endpoint == server.url.replace("http://", "http://REDACTED@")


def test_a_password_in_an_error_line_is_redacted(
    aws_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    aws_env.setenv("AWS_ENDPOINT_URL", f"http://me:hunter2-secret@127.0.0.1:{port}")
    code = main(["actuals", "pull", "staging", "-o", str(tmp_path / "b.parquet")])
    err = capsys.readouterr().err
    assert code == 2
    assert "hunter2-secret" not in err, err
