"""Shared test fixtures. Append new fixtures; keep this file small."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, settings

# before any test module imports nbformat: planner.notebooks keeps jsonschema's slow optional
# IRI checker out of the process (1.5 s of every xdist worker's collection)
import planner.notebooks  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT_DIR = REPO / "pricing" / "snapshot"
SCENARIOS_DIR = REPO / "scenarios"

# One hypothesis profile for the suite: no wall-clock deadline and no health check that
# times anything (a busy machine must not fail a test), and a fixed budget of 50 examples
# (a test that runs a whole pricing per example may ask for fewer with @settings).
# "ci" (chosen when CI is set) is derandomised: the same examples on every run.
# "mutation" (benchmarks/mutation.py) is derandomised and smaller: one run per mutant.
settings.register_profile(
    "default",
    deadline=None,
    max_examples=50,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_BASE = settings.get_profile("default")
settings.register_profile("ci", _BASE, derandomize=True, database=None)
settings.register_profile("mutation", _BASE, max_examples=20, derandomize=True, database=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)


# Ctrl-C as at a terminal. A shell starts a background job (`make test &`, a script's step
# run in the background) with SIGINT ignored, and an ignored signal stays ignored across
# exec, so every `planner` a test starts would ignore the SIGINT the test sends it (as a
# background job should: Python keeps an inherited SIG_IGN). The tests that interrupt a
# command stand for a person pressing Ctrl-C, so the commands they start get SIGINT's
# default action: a caught signal is reset to its default in a child.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


class CliResult(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[[Sequence[str]], CliResult]:
    """Run ``planner.cli.main`` in-process; return (exit code, stdout, stderr)."""
    from planner.cli import main

    def run(argv: Sequence[str]) -> CliResult:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto server on 127.0.0.1 (a free port per xdist worker), for tests over real HTTP.

    Point boto3 at it with ``monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)`` and
    use :func:`fake_aws_credentials`. State is shared within the session: reset it with
    ``requests.post(f"{moto_endpoint}/moto-api/reset")`` where a test needs a clean account.
    """
    from moto.server import ThreadedMotoServer
    from moto_extensions import extend_moto_budgets

    extend_moto_budgets()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _no_waits_between_aws_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore waits between the attempts of planner's adaptive retries: exponential backoff
    and, once throttled, a client-side rate limit (seconds per test that throttles). Tests
    count attempts and read errors, never time them: here the attempts and their order are
    still botocore's, only the waits are zero."""
    from botocore.retries import adaptive, standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
    monkeypatch.setattr(
        adaptive.ClientRateLimiter, "on_sending_request", lambda self, request, **kw: None
    )


@pytest.fixture
def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake static credentials and no profile/config files: nothing can reach a real account."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/planner-test-aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/planner-test-aws-credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def moto_aws(
    moto_endpoint: str, fake_aws_credentials: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The moto server, reset to an empty account, as AWS_ENDPOINT_URL."""
    import requests

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=120)
    yield moto_endpoint
