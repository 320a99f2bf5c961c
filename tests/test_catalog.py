"""The bundled snapshot: manifest checks, provenance on every row, indexed lookups, derived
prices that say how, and a byte-identical rebuild from the vendored pricing/sources."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SNAPSHOT_DIR

from planner.catalog import ON_DEMAND, PriceCatalog, load_catalog
from planner.errors import PlannerError

MANIFEST = json.loads((SNAPSHOT_DIR / "manifest.json").read_text())
SOURCES = REPO / "pricing" / "sources"


@pytest.fixture(scope="module")
def catalog() -> PriceCatalog:
    return PriceCatalog(SNAPSHOT_DIR)


def test_manifest_sha256_and_row_counts_match(catalog: PriceCatalog) -> None:
    assert catalog.verify() == []
    assert sum(e["rows"] for e in MANIFEST["services"].values()) == MANIFEST["total_rows"]


def test_verify_reports_a_tampered_file(tmp_path: Path) -> None:
    for f in SNAPSHOT_DIR.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    s3 = tmp_path / "AmazonS3.csv"
    s3.write_text(s3.read_text().replace("0.023", "0.024"))
    problems = PriceCatalog(tmp_path).verify()
    assert len(problems) == 1 and problems[0].startswith("AmazonS3.csv: sha256 ")


def test_every_row_has_a_source_and_a_source_date(catalog: PriceCatalog) -> None:
    for service in MANIFEST["services"]:
        rows = catalog.rows(service)
        assert len(rows) == MANIFEST["services"][service]["rows"]
        for row in rows:
            assert row.source.strip(), row
            assert len(row.source_date) == 10 and row.source_date[4] == "-", row


class NoScan(dict):  # type: ignore[type-arg]
    """A table that allows key lookups only: any scan fails the test."""

    def _scan(self, *args: object) -> None:
        raise AssertionError("a lookup scanned the table")

    __iter__ = keys = values = items = __contains__ = __len__ = copy = _scan  # type: ignore[assignment]


def test_lookups_are_dict_accesses_in_the_region_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """find() must be one dict access in the (service, region) table: no scan of that table,
    and no load of any other table (e.g. the whole service through rows())."""
    fresh = PriceCatalog(SNAPSHOT_DIR)
    row = fresh.get("AmazonEC2", "us-east-1", "instance/t3.medium")
    assert list(fresh._index) == [("AmazonEC2", "us-east-1")]
    table = fresh._index[("AmazonEC2", "us-east-1")]
    assert (
        type(table) is dict
        and table[("AmazonEC2", "us-east-1", "instance/t3.medium", ON_DEMAND)] is row
    )
    fresh._index[("AmazonEC2", "us-east-1")] = NoScan(table)

    def no_load(*args: object) -> None:
        raise AssertionError("a lookup loaded another table")

    monkeypatch.setattr(fresh, "_load", no_load)
    assert fresh.find("AmazonEC2", "us-east-1", "instance/t3.medium") is row
    assert fresh.find("AmazonEC2", "us-east-1", "instance/t3.nonesuch") is None


def test_a_tampered_file_is_refused_on_load(tmp_path: Path) -> None:
    for f in SNAPSHOT_DIR.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    s3 = tmp_path / "AmazonS3.csv"
    s3.write_text(s3.read_text().replace("0.023", "0.024"))
    catalog = PriceCatalog(tmp_path)
    assert catalog.get("AmazonEKS", "us-east-1", "cluster/standard").usd > 0  # others load
    with pytest.raises(PlannerError) as err:
        catalog.get("AmazonS3", "us-east-1", "storage/standard")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{s3}: sha256 does not match {tmp_path / 'manifest.json'}")


def test_the_price_command_names_a_tampered_file(tmp_path: Path, run_cli) -> None:
    for f in SNAPSHOT_DIR.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    ec2 = tmp_path / "AmazonEC2.csv"
    ec2.write_bytes(ec2.read_bytes() + b"\n")
    result = run_cli(["price", "staging", "--prices", str(tmp_path)])
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1
    assert f"{ec2}: sha256 does not match" in result.err


def test_derived_rows_say_how(catalog: PriceCatalog) -> None:
    derived = [
        r for s in MANIFEST["services"] for r in catalog.rows(s) if r.price_kind == "derived"
    ]
    assert derived
    for row in derived:
        assert row.derivation.strip(), row


def test_rds_multi_az_is_twice_single_az(catalog: PriceCatalog) -> None:
    multi = [
        r
        for r in catalog.rows("AmazonRDS")
        if r.product.startswith("db/") and r.product.endswith("/Multi-AZ")
    ]
    assert len(multi) > 100
    for row in multi:
        # on-demand and (PostgreSQL, MySQL, MariaDB) reserved: twice the same term's Single-AZ
        single = catalog.find(
            "AmazonRDS", row.region, row.product[: -len("Multi-AZ")] + "Single-AZ", row.term
        )
        assert single is not None, row
        assert row.usd == 2 * single.usd
        assert "2 x Single-AZ" in row.derivation
        kind = "derived" if row.term.kind == "OnDemand" else "effective hourly"
        assert row.price_kind == kind, row


def test_msk_m5_sizes_derive_from_24xlarge(catalog: PriceCatalog) -> None:
    """Each m5 broker size is the 24xlarge price in proportion to vCPUs (instance specs)."""
    specs = REPO / "planner" / "data" / "instance_specs" / "msk_broker_types.csv"
    with specs.open(newline="") as handle:
        vcpus = {
            r["broker_type"]: int(r["vcpu"])
            for r in csv.DictReader(handle)
            if r["broker_type"].startswith("kafka.m5.")
        }
    big = catalog.get("AmazonMSK", "us-east-1", "broker/kafka.m5.24xlarge")
    assert len(vcpus) == 8 and vcpus["kafka.m5.24xlarge"] == 96
    for broker, vcpu in vcpus.items():
        row = catalog.get("AmazonMSK", "us-east-1", f"broker/{broker}")
        assert row.usd == big.usd * vcpu / 96
        if broker != "kafka.m5.24xlarge":
            assert row.price_kind == "derived"
            assert "kafka.m5.24xlarge" in row.derivation


def test_missing_price_names_item_region_and_nearest() -> None:
    catalog = load_catalog()
    text = catalog.explain_missing(
        "AmazonEC2", "us-east-1", "instance/t3.mediun", ON_DEMAND, "t3.mediun"
    )
    assert text.startswith("no on-demand price for t3.mediun in us-east-1; did you mean t3.medium")


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    """The builder reads only the vendored pricing/sources (run from an unrelated folder)."""
    out = tmp_path / "snapshot"
    subprocess.run(
        [sys.executable, str(REPO / "pricing" / "build_snapshot.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    built = sorted(p.name for p in out.iterdir())
    assert built == sorted(p.name for p in SNAPSHOT_DIR.iterdir())
    for name in built:
        assert (out / name).read_bytes() == (SNAPSHOT_DIR / name).read_bytes(), name
    for entry in MANIFEST["services"].values():
        assert hashlib.sha256((out / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]


def test_vendored_sources_are_only_what_the_builder_reads() -> None:
    """Every vendored file is read by the builder or documents the others."""
    text = (REPO / "pricing" / "build_snapshot.py").read_text()
    files = sorted(p.relative_to(SOURCES).as_posix() for p in SOURCES.rglob("*") if p.is_file())
    docs = [f for f in files if f.endswith(".md") or f.endswith("PROVENANCE.tsv")]
    data = [f for f in files if f not in docs]
    assert data == [
        "api-response-samples/ec2_describe_spot_price_history_m5.large_linux_us-east-1_2021-02.json",
        "commitments/commitment_rates_us-east-1.csv",
        "ec2instancesinfo/ec2_instances_linux_2019-04-05.json.gz",
        "ec2instancesinfo/elasticache-instances_2025-04-24.json.gz",
        "infracost/elastic_beanstalk_environment_test_eu-west-1.golden",
        "prices_extract.csv",
    ]
    for name in data:
        assert Path(name).name in text, name
    assert sum((SOURCES / f).stat().st_size for f in files) < 6_500_000


def test_a_region_lookup_reads_only_that_regions_rows() -> None:
    fresh = PriceCatalog(SNAPSHOT_DIR)
    row = fresh.get("AmazonRDS", "us-east-1", "db/db.t3.medium/PostgreSQL/Single-AZ")
    loaded = {key: len(rows) for key, rows in fresh._index.items()}
    assert loaded == {
        ("AmazonRDS", "us-east-1"): MANIFEST["services"]["AmazonRDS"]["rows"]
        - sum(1 for r in PriceCatalog(SNAPSHOT_DIR).rows("AmazonRDS") if r.region != "us-east-1")
    }
    whole = {(r.region, r.product, r.term): r for r in PriceCatalog(SNAPSHOT_DIR).rows("AmazonRDS")}
    assert whole[("us-east-1", row.product, row.term)] == row
