"""Rules the suite keeps so that a busy machine never fails it (issue 19).

One hypothesis profile (tests/conftest.py) with no wall-clock deadline and no timing health
check; tests do not set their own deadline or health checks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

TESTS = Path(__file__).resolve().parent


@pytest.mark.xdist_group("suite-rules")
def test_xdist_groups_keep_their_tests_on_one_worker(request: pytest.FixtureRequest) -> None:
    """``make test`` runs ``-n 2 --dist loadgroup``: a module's tests that share its lab
    server, wheel or browser visit carry one ``xdist_group`` and xdist sends them to one worker
    by the group it appends to their node id. On pytest 9.2 that append stopped taking effect
    and nothing failed: every group was split, each worker started its own servers and
    browsers (pyproject.toml pins pytest below 9.2)."""
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("only under xdist's --dist loadgroup, as make test runs the suite")
    assert request.node.nodeid.endswith("@suite-rules"), request.node.nodeid


def test_the_profile_has_no_deadline_and_no_timing_health_check() -> None:
    current = settings()
    assert current.deadline is None
    assert HealthCheck.too_slow in current.suppress_health_check
    assert current.max_examples >= 20


def test_no_test_sets_its_own_deadline_or_health_checks() -> None:
    offenders = [
        f"{path.name}:{n}"
        for path in sorted(TESTS.glob("test_*.py"))
        if path.name != Path(__file__).name
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bdeadline=|suppress_health_check|register_profile", line)
    ]
    assert offenders == [], "set these in tests/conftest.py's profile: " + ", ".join(offenders)


def test_no_test_asserts_how_long_something_took() -> None:
    timing = re.compile(r"assert .*(\belapsed\b|\btook\b|stopped_in|monotonic\(\) -)")
    offenders = [
        f"{path.name}:{n}"
        for path in sorted(TESTS.glob("test_*.py"))
        if path.name != Path(__file__).name
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if timing.search(line)
    ]
    assert offenders == [], "speed belongs in benchmarks/: " + ", ".join(offenders)
