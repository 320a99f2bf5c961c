"""``planner prices refresh`` over real HTTP against a local Price List endpoint, and its
safety: one-line errors for every AWS failure, a folder of the user's never replaced, an
interrupted refresh that keeps the old snapshot, a partial refresh that keeps other rows."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from aws_records import staging_records
from conftest import SCENARIOS_DIR, SNAPSHOT_DIR, CliResult
from pricing_server import pricing_server

from planner.catalog import MARKER, PriceCatalog, Term

RunCli = Callable[[Sequence[str]], CliResult]
STAGING = str(SCENARIOS_DIR / "staging.yaml")


@pytest.fixture
def snapshot_copy(tmp_path: Path) -> Path:
    out = tmp_path / "snap"
    shutil.copytree(SNAPSHOT_DIR, out)
    return out


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, fake_aws_credentials: None) -> pytest.MonkeyPatch:
    return monkeypatch


def refresh(run_cli: RunCli, out: Path, *options: str) -> CliResult:
    """``planner prices refresh OPTIONS --out OUT``."""
    return run_cli(["prices", "refresh", *options, "--out", str(out)])


def test_staging_refresh_over_http_throttled_first(
    run_cli: RunCli, snapshot_copy: Path, aws_env: pytest.MonkeyPatch
) -> None:
    before = PriceCatalog(snapshot_copy)
    untouched = before.get("AmazonEC2", "us-east-1", "instance/m5.xlarge")
    with pricing_server(staging_records("us-east-1"), "throttle-first") as server:
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
        result = refresh(run_cli, snapshot_copy, "--scenario", STAGING)
    assert result.code == 0, result.err
    assert result.err.count("warning") == 0, result.err
    calls = server.calls
    assert calls[0] == calls[1]  # the throttled call was retried as it was
    assert all(c["target"] == "AWSPriceListService.GetProducts" for c in calls)
    assert {c["ServiceCode"] for c in calls} == {
        "AmazonEC2",
        "AmazonRDS",
        "AmazonElastiCache",
        "AmazonMSK",
        "AWSELB",
        "AmazonEKS",
        "AmazonCloudWatch",
        "AmazonS3",
        "awskms",
        "AmazonECR",
        "AWSDataTransfer",
    }
    catalog = PriceCatalog(snapshot_copy)
    assert catalog.verify() == []
    # every product staging uses now comes from the endpoint, dated by publicationDate
    from planner.prices.needs import scenario_needs

    _, asked = scenario_needs(STAGING)
    spot = Term("Spot")
    assert [n for n in asked if n[3] != Term()] == [
        ("AmazonEC2", "us-east-1", "instance/t3.large", spot)
    ]
    needs = [n for n in asked if n[3] == Term()]
    assert len(needs) == 21
    for service, region, product, term in needs:
        row = catalog.get(service, region, product, term)
        assert row.source.startswith("AWS Price List API GetProducts sku "), row
        assert row.source_date == "2026-11-02", row
    # rows the refresh did not touch are kept as they were
    assert catalog.get("AmazonEC2", "us-east-1", "instance/m5.xlarge") == untouched
    assert catalog.manifest["total_rows"] >= before.manifest["total_rows"]
    (entry,) = catalog.manifest["refreshes"]
    assert entry["endpoint"] == server.url
    assert sum(entry["calls"].values()) == len(calls) - 1  # the throttled attempt is a retry
    assert entry["publication_dates"]["AmazonEC2"] == ["2026-11-02", "2026-11-02"]
    # reserved offers of the instance types come with their records (t3.medium: 12 offers)
    reserved = [
        r
        for r in catalog.rows("AmazonEC2")
        if r.product == "instance/t3.medium"
        and r.term.kind == "Reserved"
        and r.region == "us-east-1"
    ]
    assert len(reserved) == 12
    # priced staging is the same total as with the bundled prices (placeholders are those)
    priced = run_cli(["price", "staging", "--prices", str(snapshot_copy), "--format", "json"])
    bundled = run_cli(["price", "staging", "--format", "json"])
    assert (
        priced.code == 0
        and json.loads(priced.out)["total_monthly_usd"]
        == json.loads(bundled.out)["total_monthly_usd"]
    )
    status = run_cli(["prices", "status", "--prices", str(snapshot_copy), "--region", "us-east-1"])
    assert status.code == 0
    assert f"from {server.url}" in status.out
    assert "AmazonEKS          us-east-1" in status.out


def test_partial_refresh_touches_only_its_service(
    run_cli: RunCli, snapshot_copy: Path, aws_env: pytest.MonkeyPatch
) -> None:
    before = {
        (r.region, r.product, r.term): r for r in PriceCatalog(snapshot_copy).rows("AmazonRDS")
    }
    with pricing_server(staging_records("us-east-1")) as server:
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
        result = refresh(run_cli, snapshot_copy, "--scenario", STAGING, "--services", "AmazonEKS")
    assert result.code == 0, result.err
    assert {c["ServiceCode"] for c in server.calls} == {"AmazonEKS"}
    catalog = PriceCatalog(snapshot_copy)
    after = {(r.region, r.product, r.term): r for r in catalog.rows("AmazonRDS")}
    assert after == before
    eks = catalog.get("AmazonEKS", "us-east-1", "cluster/extended")
    assert eks.source.startswith("AWS Price List API") and eks.usd == Decimal("0.6")


def test_refresh_by_region_fetches_the_whole_region(
    run_cli: RunCli, snapshot_copy: Path, aws_env: pytest.MonkeyPatch
) -> None:
    with pricing_server(staging_records("eu-west-1")) as server:
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
        result = refresh(
            run_cli, snapshot_copy, "--region", "eu-west-1", "--services", "AmazonS3", "awskms"
        )
    assert result.code == 0, result.err
    catalog = PriceCatalog(snapshot_copy)
    tiers = {r.product: r.usd for r in catalog.rows("AmazonS3") if r.region == "eu-west-1"}
    assert tiers == {
        "storage/standard": Decimal("0.023"),
        "storage/standard/from-51200": Decimal("0.022"),
        "storage/standard/from-512000": Decimal("0.021"),
    }
    kms = {r.product: (r.usd, r.unit) for r in catalog.rows("awskms") if r.region == "eu-west-1"}
    # 0.000003 per request x 10,000 = 0.03 per 10k requests; the first 20,000 are free
    assert kms["requests/10k"] == (Decimal("0.03"), "10k requests")
    assert kms["requests/10k/free-up-to-20000"] == (Decimal(0), "10k requests")


@pytest.mark.parametrize(
    ("mode", "fragment"),
    [
        ("http-500", "AWS pricing GetProducts failed: HTTP 500 InternalErrorException"),
        (
            "throttle-always",
            "HTTP 400 ThrottlingException: Rate exceeded (still throttled after 3 attempts",
        ),
        ("bad-json", "Pricing GetProducts: the reply is not complete JSON"),
        ("no-pricelist", "Pricing GetProducts: the reply has no PriceList list"),
        ("same-token", "bad page token"),
    ],
)
def test_every_aws_failure_is_one_line_and_keeps_the_snapshot(
    mode: str, fragment: str, run_cli: RunCli, snapshot_copy: Path, aws_env: pytest.MonkeyPatch
) -> None:
    files = {p.name: p.read_bytes() for p in snapshot_copy.iterdir()}
    with pricing_server(staging_records("us-east-1"), mode) as server:
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
        result = refresh(run_cli, snapshot_copy, "--scenario", STAGING)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert fragment in result.err
    assert {p.name: p.read_bytes() for p in snapshot_copy.iterdir()} == files
    assert sorted(p.name for p in snapshot_copy.parent.iterdir()) == ["snap"]


def test_connection_refused_is_one_line(
    run_cli: RunCli, tmp_path: Path, aws_env: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    aws_env.setenv("AWS_ENDPOINT_URL_PRICING", f"http://127.0.0.1:{port}")
    result = refresh(run_cli, tmp_path / "new", "--scenario", STAGING)
    assert result.code == 2 and result.err.count("\n") == 1
    assert "cannot reach the AWS pricing endpoint" in result.err
    assert not (tmp_path / "new").exists()


def test_a_silent_endpoint_fails_within_the_bound(
    run_cli: RunCli, tmp_path: Path, aws_env: pytest.MonkeyPatch
) -> None:
    """With the read timeout shrunk to 1 s the bound is 3 x 1 s + backoff: three attempts,
    then one line. (No wall-clock assert: the attempt count is the bound.)"""
    from planner.aws import session

    aws_env.setattr(session, "READ_TIMEOUT_S", 1)
    with pricing_server(staging_records("us-east-1"), "hang") as server:
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
        result = refresh(
            run_cli, tmp_path / "new", "--scenario", STAGING, "--services", "AmazonEKS"
        )
    assert result.code == 2 and result.err.count("\n") == 1
    assert "did not answer within 1 s after 3 attempts" in result.err
    assert len(server.calls) == 3


def test_no_credentials_is_one_line_naming_the_chain_and_profile(
    run_cli: RunCli, tmp_path: Path, aws_env: pytest.MonkeyPatch
) -> None:
    aws_env.delenv("AWS_ACCESS_KEY_ID")
    aws_env.delenv("AWS_SECRET_ACCESS_KEY")
    with pricing_server(staging_records("us-east-1")) as server:
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
        result = refresh(run_cli, tmp_path / "new", "--scenario", STAGING)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1
    assert (
        "no AWS credentials for pricing: none found in the standard AWS credential chain"
        in result.err
    )
    assert "--profile" in result.err and "AWS_PROFILE" in result.err
    assert server.calls == []
    bad = refresh(run_cli, tmp_path / "new", "--scenario", STAGING, "--profile", "nope")
    assert bad.code == 2 and bad.err.count("\n") == 1 and "AWS profile 'nope'" in bad.err


def test_out_never_replaces_a_folder_of_the_users(
    run_cli: RunCli, tmp_path: Path, aws_env: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "mine"
    (mine / "sub").mkdir(parents=True)
    (mine / "notes.txt").write_text("keep me")
    (mine / "sub" / "deep.txt").write_text("me too")
    with pricing_server(staging_records("us-east-1")) as server:
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
        result = refresh(run_cli, mine, "--scenario", STAGING)
        assert (
            result.code == 2
            and "refusing to replace a folder that is not a planner price snapshot" in result.err
        )
        assert server.calls == []  # refused before any AWS call
        empty = tmp_path / "empty"
        empty.mkdir()
        ok = refresh(run_cli, empty, "--scenario", STAGING, "--services", "AmazonEKS")
    assert (mine / "notes.txt").read_text() == "keep me" and (
        mine / "sub" / "deep.txt"
    ).read_text() == "me too"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "mine"]
    assert ok.code == 0 and (empty / MARKER).is_file() and PriceCatalog(empty).verify() == []
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    assert refresh(run_cli, afile, "--region", "us-east-1").code == 2
    assert afile.read_text() == "x"


def test_an_interrupted_write_keeps_the_old_snapshot(
    run_cli: RunCli, snapshot_copy: Path, aws_env: pytest.MonkeyPatch
) -> None:
    import os

    from planner import owned

    files = {p.name: p.read_bytes() for p in snapshot_copy.iterdir()}
    real_rename = os.rename
    calls: list[str] = []

    def interrupted(src: str | Path, dst: str | Path) -> None:
        calls.append(str(dst))
        if len(calls) == 2:  # old folder moved aside, new one about to go in: Ctrl-C
            raise KeyboardInterrupt
        real_rename(src, dst)

    aws_env.setattr(owned.os, "rename", interrupted)  # type: ignore[attr-defined]
    with pricing_server(staging_records("us-east-1")) as server:
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
        result = refresh(run_cli, snapshot_copy, "--scenario", STAGING, "--services", "AmazonEKS")
    assert result.code == 130
    assert {p.name: p.read_bytes() for p in snapshot_copy.iterdir()} == files
    assert sorted(p.name for p in snapshot_copy.parent.iterdir()) == ["snap"]


def test_a_zero_price_from_aws_is_refused_naming_the_sku(
    run_cli: RunCli, snapshot_copy: Path, aws_env: pytest.MonkeyPatch
) -> None:
    records = staging_records("us-east-1")
    t3 = records["AmazonEC2"][0]
    for offer in t3["terms"]["OnDemand"].values():
        for dim in offer["priceDimensions"].values():
            dim["pricePerUnit"]["USD"] = "0.0000000000"
    files = {p.name: p.read_bytes() for p in snapshot_copy.iterdir()}
    with pricing_server(records) as server:
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
        result = refresh(run_cli, snapshot_copy, "--scenario", STAGING)
    assert result.code == 2 and result.err.count("\n") == 1
    assert f"AmazonEC2 price record sku {t3['product']['sku']} rate" in result.err
    assert "for instance/t3.medium in us-east-1 refused" in result.err
    assert {p.name: p.read_bytes() for p in snapshot_copy.iterdir()} == files


def test_missing_products_are_warned_and_keep_their_rows(
    run_cli: RunCli, snapshot_copy: Path, aws_env: pytest.MonkeyPatch
) -> None:
    records = staging_records("us-east-1")
    records["AmazonMSK"] = []
    before = PriceCatalog(snapshot_copy).get("AmazonMSK", "us-east-1", "broker/kafka.t3.small")
    with pricing_server(records) as server:
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
        result = refresh(run_cli, snapshot_copy, "--scenario", STAGING, "--services", "AmazonMSK")
    assert result.code == 0
    assert (
        "warning: AWS returned no price for AmazonMSK broker/kafka.t3.small in us-east-1"
        in result.err
    )
    catalog = PriceCatalog(snapshot_copy)
    assert catalog.get("AmazonMSK", "us-east-1", "broker/kafka.t3.small") == before
    assert catalog.manifest["refreshes"][-1]["not_found"] == [
        "AmazonMSK broker/kafka.t3.small in us-east-1",
        "AmazonMSK storage/gb in us-east-1",
    ]
    assert Term() == Term("OnDemand")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        ([], "give --scenario FILE or --region REGION"),
        (["--region", "us-east-1", "--spot"], "--spot and --savings-plans need --scenario"),
        (
            ["--region", "us-east-1", "--services", "AmazonSNS"],
            "unknown service code(s) AmazonSNS; valid: AmazonEKS",
        ),
        (["--scenario", "nonesuch"], "nonesuch"),
        (["--scenario", "staging", "--region", "eu-west-1"], "nothing to fetch"),
    ],
)
def test_bad_refresh_arguments_are_one_line(
    argv: list[str], fragment: str, run_cli: RunCli, tmp_path: Path, aws_env: pytest.MonkeyPatch
) -> None:
    result = refresh(run_cli, tmp_path / "new", *argv)
    assert result.code == 2 and result.err.count("\n") == 1 and fragment in result.err
    assert not (tmp_path / "new").exists()


def test_a_refresh_rewrites_untouched_rows_byte_for_byte(tmp_path: Path) -> None:
    """So that a refresh of pricing/snapshot is a reviewable diff of the rows it changed."""
    from planner.prices.refresh import base_rows, extra_fields
    from planner.prices.snapshot import write_snapshot

    base = PriceCatalog(SNAPSHOT_DIR)
    out = write_snapshot(
        list(base_rows(base)), tmp_path / "same", "2026-11-25", extra=extra_fields(base)
    )
    for entry in base.manifest["services"].values():
        assert (out / entry["file"]).read_bytes() == (SNAPSHOT_DIR / entry["file"]).read_bytes()
    manifest = json.loads((out / "manifest.json").read_text())
    for service, entry in base.manifest["services"].items():
        assert manifest["services"][service] == entry


@pytest.mark.parametrize(("sig", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_during_a_refresh_stops_it_and_keeps_the_old_snapshot(
    snapshot_copy: Path, aws_env: pytest.MonkeyPatch, sig: str, code: int
) -> None:
    """A refresh waiting on a silent endpoint, stopped as a person or a supervisor would."""
    import os
    import signal
    import subprocess
    import sys

    files = {p.name: p.read_bytes() for p in snapshot_copy.iterdir()}
    planner = str(Path(sys.executable).with_name("planner"))
    with pricing_server(staging_records("us-east-1"), "hang") as server:
        aws_env.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
        proc = subprocess.Popen(
            [planner, "prices", "refresh", "--scenario", STAGING, "--out", str(snapshot_copy)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 300
        while not server.calls and time.monotonic() < deadline:  # the request is in flight
            time.sleep(0.05)
        assert server.calls, "the refresh never reached the endpoint"
        os.kill(proc.pid, getattr(signal, sig))
        try:
            _, err = proc.communicate(timeout=120)  # a hang guard, not a timing check
        finally:
            proc.kill()
        server.stopping.set()
    # it stopped on the signal while the request was still unanswered (the endpoint never
    # answers): no wall-clock assert, a busy machine must not fail this
    assert proc.returncode == code, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert {p.name: p.read_bytes() for p in snapshot_copy.iterdir()} == files
    assert sorted(p.name for p in snapshot_copy.parent.iterdir()) == ["snap"]
