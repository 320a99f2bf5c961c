"""The price catalog on a small snapshot written by hand: term labels and references, the
manifest, region byte ranges, the checks on load (file name confinement, sha256, columns, a
price that is not a number or not a price), gating by the price rules, lookups and the
explanation of a missing price, quarantine, verify."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SNAPSHOT_DIR

from planner import catalog as catalog_mod
from planner.catalog import (
    ON_DEMAND,
    PriceCatalog,
    Term,
    _item_name,
    bundled_snapshot_dir,
    default_catalog,
    load_catalog,
    price_row,
    read_quarantine,
    region_offsets,
    repository_snapshot_dir,
)
from planner.errors import PlannerError, PriceNotFoundError

HEADER = (
    "service,region,product,attributes,term,lease,purchase_option,offering_class,unit,usd,"
    "price_kind,derivation,source,source_date\n"
)
RESERVED = Term("Reserved", "1yr", "All Upfront", "standard")
# six regions hold storage/glacier, none holds it in us-east-1
GLACIER_REGIONS = [
    "ap-east-1",
    "ap-south-1",
    "ca-central-1",
    "eu-north-1",
    "eu-west-2",
    "sa-east-1",
]
ROWS = sorted(
    [
        "AmazonS3,eu-west-1,storage/standard,S3 Standard,OnDemand,,,,GB-Mo,0.024,list,,src-a,"
        "2024-07-01\n",
        "AmazonS3,us-east-1,storage/standard,S3 Standard,OnDemand,,,,GB-Mo,0.023,list,,src-a,"
        "2024-07-01\n",
        "AmazonS3,us-east-1,storage/ia,S3 IA,OnDemand,,,,GB-Mo,0.0125,derived,half of x,src-b,"
        "2024-08-01\n",
        "AmazonS3,us-east-1,storage/standard,S3 Standard,Reserved,1yr,All Upfront,standard,"
        "Quantity,100,list,,src-c,2024-09-01\n",
    ]
    + [
        f"AmazonS3,{r},storage/glacier,Glacier,OnDemand,,,,GB-Mo,0.004,list,,src-a,2024-07-01\n"
        for r in GLACIER_REGIONS
    ],
    key=lambda line: line.split(",")[1],  # the file is sorted by region
)


def _offsets(rows: list[str]) -> dict[str, list[int]]:
    """Each region's [start, end) in bytes, counted here from the lines' lengths."""
    found: dict[str, list[int]] = {}
    position = len(HEADER.encode())
    for line in rows:
        region = line.split(",")[1]
        found.setdefault(region, [position, position])[1] = position + len(line.encode())
        position += len(line.encode())
    return found


def write_snapshot(
    folder: Path,
    rows: list[str] = ROWS,
    *,
    header: str = HEADER,
    entry: dict[str, Any] | None = None,
    rules: int | None = 1,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = (header + "".join(rows)).encode()
    (folder / "AmazonS3.csv").write_bytes(data)
    service: dict[str, Any] = {
        "file": "AmazonS3.csv",
        "rows": len(rows),
        "sha256": hashlib.sha256(data).hexdigest(),
        "source_dates": ["2024-07-01", "2024-09-01"],
        "region_offsets": _offsets(rows),
    }
    if rules is not None:
        service["price_rules"] = rules
    service.update(entry or {})
    manifest = {
        "snapshot_date": "2026-12-02",
        "total_rows": len(rows),
        "builder": "hand",
        "services": {"AmazonS3": service},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.fixture
def small(tmp_path: Path) -> PriceCatalog:
    return PriceCatalog(write_snapshot(tmp_path / "snap"))


def test_term_labels() -> None:
    assert Term("OnDemand") == ON_DEMAND and ON_DEMAND.label == "OnDemand"
    assert Term("Spot").label == "Spot"
    # lease, class, then purchase option; an empty part leaves no double space
    assert RESERVED.label == "Reserved 1yr standard All Upfront"
    assert Term("SavingsPlan", "3yr", "No Upfront").label == "SavingsPlan 3yr No Upfront"
    # a kind that is neither takes no parts even when they are set
    assert Term("Spot", "1yr", "x", "y").label == "Spot"


def test_rows_read_and_their_references(small: PriceCatalog) -> None:
    row = small.get("AmazonS3", "us-east-1", "storage/standard")
    assert (row.service, row.region, row.product, row.attributes) == (
        "AmazonS3",
        "us-east-1",
        "storage/standard",
        "S3 Standard",
    )
    assert (row.term, row.unit, row.usd, row.price_kind) == (
        ON_DEMAND,
        "GB-Mo",
        Decimal("0.023"),
        "list",
    )
    assert str(row.usd) == "0.023"  # the written digits, never a float
    assert row.ref == "AmazonS3/us-east-1/storage/standard"
    assert row.provenance == "AmazonS3/us-east-1/storage/standard list 2024-07-01 (src-a)"
    derived = small.get("AmazonS3", "us-east-1", "storage/ia")
    assert derived.provenance == (
        "AmazonS3/us-east-1/storage/ia derived 2024-08-01 (src-b); half of x"
    )
    reserved = small.get("AmazonS3", "us-east-1", "storage/standard", RESERVED)
    assert reserved.usd == 100 and reserved.term == RESERVED
    assert reserved.ref == (
        "AmazonS3/us-east-1/storage/standard [Reserved 1yr standard All Upfront]"
    )
    assert small.get("AmazonS3", "eu-west-1", "storage/standard").usd == Decimal("0.024")


def test_price_row_from_named_columns() -> None:
    fields = dict(zip(HEADER.strip().split(","), ROWS[-1].strip().split(","), strict=True))
    row = price_row(fields)
    assert row.term == RESERVED and str(row.usd) == "100" and row.unit == "Quantity"
    assert (row.derivation, row.source, row.source_date) == ("", "src-c", "2024-09-01")


def test_manifest_summary(small: PriceCatalog) -> None:
    assert small.snapshot_date == "2026-12-02"
    assert small.summary() == {
        "date": "2026-12-02",
        "source_dates": ["2024-07-01", "2024-09-01"],
        "rows": 10,  # 4 rows + 6 glacier rows
        "builder": "hand",
    }
    del small.manifest["builder"]
    assert small.summary()["builder"] == ""


def test_an_unreadable_manifest_is_named(tmp_path: Path) -> None:
    with pytest.raises(PlannerError) as err:
        PriceCatalog(tmp_path)
    assert str(err.value) == f"{tmp_path / 'manifest.json'}: price snapshot manifest not found"
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(PlannerError) as err:
        PriceCatalog(tmp_path)
    assert str(err.value).startswith(f"{tmp_path / 'manifest.json'}: unreadable price manifest: ")


def test_region_offsets_of_a_sorted_file(tmp_path: Path) -> None:
    write_snapshot(tmp_path)
    assert region_offsets(tmp_path / "AmazonS3.csv") == _offsets(ROWS)
    first = len(HEADER)
    assert region_offsets(tmp_path / "AmazonS3.csv")["ap-east-1"][0] == first
    scattered = [ROWS[0], ROWS[-1], ROWS[1]]  # ap-east-1, us-east-1, ap-south-1 ...
    scattered.append(ROWS[0].replace("0.004", "0.005"))  # ap-east-1 again, after the others
    (tmp_path / "bad.csv").write_text(HEADER + "".join(scattered))
    with pytest.raises(PlannerError, match=r"bad\.csv: rows of ap-east-1 are not contiguous"):
        region_offsets(tmp_path / "bad.csv")


def test_a_region_lookup_reads_only_its_rows(small: PriceCatalog) -> None:
    assert small.find("AmazonS3", "us-east-1", "storage/standard") is not None
    assert list(small._index) == [("AmazonS3", "us-east-1")]
    assert {k[1] for k in small._index[("AmazonS3", "us-east-1")]} == {"us-east-1"}
    assert len(small._index[("AmazonS3", "us-east-1")]) == 3


def test_a_region_table_is_cut_from_the_whole_service_once_loaded(
    small: PriceCatalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(small.rows("AmazonS3")) == 10
    monkeypatch.setattr(small, "_load", lambda *a, **k: pytest.fail("read the file again"))
    assert small.find("AmazonS3", "eu-west-1", "storage/standard") is not None
    assert len(small._index[("AmazonS3", "eu-west-1")]) == 1
    # a region the manifest has no byte range for is looked up in the whole service
    assert small.find("AmazonS3", "xx-none-1", "storage/standard") is None
    assert small.find("AmazonEC2", "us-east-1", "instance/t3.medium") is None  # no such service


def test_a_region_without_a_byte_range_is_read_from_the_whole_file(tmp_path: Path) -> None:
    offsets = _offsets(ROWS)
    del offsets["eu-west-1"]  # an older manifest: no byte range for this region
    catalog = PriceCatalog(write_snapshot(tmp_path / "a", entry={"region_offsets": offsets}))
    row = catalog.find("AmazonS3", "eu-west-1", "storage/standard")
    assert row is not None and row.usd == Decimal("0.024")
    assert list(catalog._index) == [("AmazonS3", None)]  # the whole service, read once
    folder = write_snapshot(tmp_path / "b")
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["services"]["AmazonS3"]["region_offsets"]  # none at all
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert PriceCatalog(folder).find("AmazonS3", "us-east-1", "storage/ia") is not None


def test_an_empty_file_has_no_columns(tmp_path: Path) -> None:
    folder = write_snapshot(tmp_path, [], header="", entry={"region_offsets": {}})
    with pytest.raises(PlannerError) as err:
        PriceCatalog(folder).rows("AmazonS3")
    assert str(err.value).startswith(f"{folder / 'AmazonS3.csv'}: columns [] are not the ")


def test_the_file_is_hashed_once_per_catalog(
    small: PriceCatalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    digests: list[str] = []
    real = small._digest

    def counted(entry: dict[str, Any]) -> str:
        digests.append("x")
        return real(entry)

    monkeypatch.setattr(small, "_digest", counted)
    small.find("AmazonS3", "us-east-1", "storage/standard")
    small.find("AmazonS3", "eu-west-1", "storage/standard")
    small.rows("AmazonS3")
    assert digests == ["x"]


@pytest.mark.parametrize("name", ["../AmazonS3.csv", "sub/AmazonS3.csv", "a\\b.csv", ".x.csv"])
def test_a_manifest_cannot_point_outside_its_folder(tmp_path: Path, name: str) -> None:
    folder = write_snapshot(tmp_path / "snap", entry={"file": name})
    # a file that would match, where the name points: only the name is at fault
    catalog = PriceCatalog(folder)
    with pytest.raises(PlannerError) as err:
        catalog.find("AmazonS3", "us-east-1", "storage/standard")
    assert str(err.value) == f"{folder / 'manifest.json'}: bad file name {name!r}"


def test_a_file_that_changed_is_refused(tmp_path: Path) -> None:
    folder = write_snapshot(tmp_path, entry={"sha256": "0" * 64})
    with pytest.raises(PlannerError, match=r"AmazonS3\.csv: sha256 does not match"):
        PriceCatalog(folder).find("AmazonS3", "us-east-1", "storage/standard")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    folder = write_snapshot(tmp_path)
    (folder / "AmazonS3.csv").unlink()
    with pytest.raises(PlannerError) as err:
        PriceCatalog(folder).find("AmazonS3", "us-east-1", "storage/standard")
    assert str(err.value) == (
        f"{folder / 'AmazonS3.csv'}: cannot read price file: No such file or directory"
    )


def test_columns_other_than_the_snapshots_are_refused(tmp_path: Path) -> None:
    header = HEADER.replace("usd,", "price,")
    folder = write_snapshot(tmp_path, header=header, entry={"region_offsets": {}})
    with pytest.raises(PlannerError) as err:
        PriceCatalog(folder).find("AmazonS3", "us-east-1", "storage/standard")
    assert f"{folder / 'AmazonS3.csv'}: columns [" in str(err.value)
    assert "'unit', 'price', 'price_kind'" in str(err.value)
    assert str(err.value).endswith(
        "are not the snapshot's ['service', 'region', 'product', 'attributes', 'term', 'lease', "
        "'purchase_option', 'offering_class', 'unit', 'usd', 'price_kind', 'derivation', "
        "'source', 'source_date']"
    )


@pytest.mark.parametrize(
    ("usd", "problem"),
    [
        ("abc", "usd 'abc' is not a number"),
        ("-0.01", "usd -0.01 is negative"),
        ("NaN", "usd NaN is not a finite number"),
        ("100000001", "usd 1.00000e+8 is above $100,000,000 (no AWS price comes near)"),
    ],
)
def test_a_row_that_is_not_a_price_stops_the_load(tmp_path: Path, usd: str, problem: str) -> None:
    rows = [ROWS[-1].replace("Quantity,100,", f"Quantity,{usd},")]
    folder = write_snapshot(tmp_path, rows)
    with pytest.raises(PlannerError) as err:
        PriceCatalog(folder).rows("AmazonS3")
    assert str(err.value) == f"{folder / 'AmazonS3.csv'}: storage/standard in us-east-1: {problem}"


def test_zero_is_a_price_on_load(tmp_path: Path) -> None:
    rows = [ROWS[-1].replace("Quantity,100,", "Quantity,0,")]
    assert PriceCatalog(write_snapshot(tmp_path, rows)).rows("AmazonS3")[0].usd == 0


BANANAS = "AmazonS3,us-east-1,storage/odd,Odd,OnDemand,,,,Bananas,1,list,,src-d,2024-07-01\n"


@pytest.mark.parametrize("rules", [None, 0])
def test_a_snapshot_not_checked_by_these_rules_is_gated_on_load(
    tmp_path: Path, rules: int | None
) -> None:
    folder = write_snapshot(tmp_path, sorted([*ROWS, BANANAS], key=lambda ln: ln.split(",")[1]))
    manifest = json.loads((folder / "manifest.json").read_text())
    if rules is None:
        del manifest["services"]["AmazonS3"]["price_rules"]
    else:
        manifest["services"]["AmazonS3"]["price_rules"] = rules
    (folder / "manifest.json").write_text(json.dumps(manifest))
    catalog = PriceCatalog(folder)
    # "Bananas" is no unit the price rules know: the row is refused, never served as $1
    assert catalog.find("AmazonS3", "us-east-1", "storage/odd") is None
    assert catalog.find("AmazonS3", "us-east-1", "storage/standard") is not None
    key = ("AmazonS3", "us-east-1", "storage/odd", ON_DEMAND)
    assert catalog.refused[key].rule == "unknown-unit"
    message = catalog.explain_missing("AmazonS3", "us-east-1", "storage/odd", ON_DEMAND)
    assert message.startswith(
        "no on-demand price for storage/odd in us-east-1; the snapshot's row was refused by the "
        "price rules (unknown-unit: unit 'Bananas' is not one of "
    )
    # what the file holds, refused rows included
    assert "storage/odd" in {r.product for r in catalog.file_rows("AmazonS3")}
    assert catalog.file_rows("AmazonEC2") == []


def test_a_snapshot_checked_by_these_rules_is_served_as_written(tmp_path: Path) -> None:
    rows = sorted([*ROWS, BANANAS], key=lambda ln: ln.split(",")[1])
    catalog = PriceCatalog(write_snapshot(tmp_path, rows, rules=1))
    assert catalog.get("AmazonS3", "us-east-1", "storage/odd").usd == 1
    assert catalog.refused == {}


def test_explain_a_missing_price(small: PriceCatalog) -> None:
    # a near miss in the same region: difflib ratio of "storage/standar" to "storage/standard"
    # is 30/31 = 0.97 (the cut-off is 0.75); shown by its item name
    assert small.explain_missing("AmazonS3", "us-east-1", "storage/standar", ON_DEMAND) == (
        "no on-demand price for storage/standar in us-east-1; did you mean standard?"
    )
    # the product elsewhere: its regions, the first five then "..."
    assert small.explain_missing("AmazonS3", "us-east-1", "storage/glacier", ON_DEMAND, "cold") == (
        "no on-demand price for cold in us-east-1; the snapshot has it in ap-east-1, "
        "ap-south-1, ca-central-1, eu-north-1, eu-west-2 ..."
    )
    # five regions exactly: no "..."
    assert small.explain_missing("AmazonS3", "eu-west-1", "storage/ia", ON_DEMAND).endswith(
        "; the snapshot has it in us-east-1"
    )
    # nothing for the service in that region
    assert small.explain_missing("AmazonS3", "xx-none-1", "storage/x", RESERVED) == (
        "no Reserved 1yr standard All Upfront price for storage/x in xx-none-1; "
        "the snapshot has no AmazonS3 prices for xx-none-1"
    )
    # the region has prices but nothing close to the name: no hint
    assert small.explain_missing("AmazonS3", "us-east-1", "zzz", ON_DEMAND) == (
        "no on-demand price for zzz in us-east-1"
    )
    with pytest.raises(PriceNotFoundError, match=r"^no on-demand price for tape in us-east-1"):
        small.get("AmazonS3", "us-east-1", "storage/tape", what="tape")


def test_several_near_misses_closest_first(tmp_path: Path) -> None:
    rows = [
        f"AmazonS3,us-east-1,storage/{name},S3,OnDemand,,,,GB-Mo,0.02,list,,src,2024-07-01\n"
        for name in ("abcdxy", "abcde")
    ]
    catalog = PriceCatalog(write_snapshot(tmp_path, rows))
    # difflib ratio 2 x matches / characters: "storage/abcd" (12) against "storage/abcde" (13)
    # 24/25 = 0.96, against "storage/abcdxy" (14) 24/26 = 0.92: both above 0.75, closest first
    assert catalog.explain_missing("AmazonS3", "us-east-1", "storage/abcd", ON_DEMAND) == (
        "no on-demand price for storage/abcd in us-east-1; did you mean abcde or abcdxy?"
    )


def test_the_first_five_regions_then_dots(tmp_path: Path) -> None:
    rows = sorted([ln for ln in ROWS if "eu-north-1" not in ln], key=lambda ln: ln.split(",")[1])
    catalog = PriceCatalog(write_snapshot(tmp_path, rows))
    # five regions hold glacier now: all five, no "..."
    assert catalog.explain_missing("AmazonS3", "us-east-1", "storage/glacier", ON_DEMAND) == (
        "no on-demand price for storage/glacier in us-east-1; the snapshot has it in ap-east-1, "
        "ap-south-1, ca-central-1, eu-west-2, sa-east-1"
    )


def test_the_reserved_term_of_a_near_miss_is_matched(small: PriceCatalog) -> None:
    # the same region's reserved products are the candidates for a reserved miss
    assert small.explain_missing("AmazonS3", "us-east-1", "storage/standart", RESERVED) == (
        "no Reserved 1yr standard All Upfront price for storage/standart in us-east-1; "
        "did you mean standard?"
    )
    # storage/ia has no reserved row anywhere: no region to name
    assert small.explain_missing("AmazonS3", "us-east-1", "storage/ia", RESERVED) == (
        "no Reserved 1yr standard All Upfront price for storage/ia in us-east-1"
    )


QUARANTINE_HEADER = HEADER.strip() + ",rule,evidence\n"


def test_quarantined_rows_are_named_when_missing(tmp_path: Path) -> None:
    folder = write_snapshot(tmp_path)
    assert read_quarantine(folder) == {}
    line = ROWS[0].strip().replace("ap-east-1", "us-east-1") + ",price-out-of-range,too dear\n"
    (folder / "quarantine.csv").write_text(QUARANTINE_HEADER + line)
    key = ("AmazonS3", "us-east-1", "storage/glacier", ON_DEMAND)
    assert read_quarantine(folder) == {key: ("price-out-of-range", "too dear")}
    catalog = PriceCatalog(folder)
    assert catalog.quarantined() == {key: ("price-out-of-range", "too dear")}
    assert catalog.explain_missing("AmazonS3", "us-east-1", "storage/glacier", ON_DEMAND) == (
        "no on-demand price for storage/glacier in us-east-1; the source's row is quarantined "
        "(price-out-of-range: too dear); the snapshot has it in ap-east-1, ap-south-1, "
        "ca-central-1, eu-north-1, eu-west-2 ..."
    )


def test_quarantine_evidence_is_read_as_written(tmp_path: Path) -> None:
    # a quoted field may hold a line break; the csv module needs the file opened with
    # newline="" to keep a "\r\n" inside it as written (Python csv documentation)
    line = ROWS[0].strip() + ',price-out-of-range,"first\r\nsecond"\n'
    (tmp_path / "quarantine.csv").write_bytes((QUARANTINE_HEADER + line).encode())
    [(rule, evidence)] = read_quarantine(tmp_path).values()
    assert (rule, evidence) == ("price-out-of-range", "first\r\nsecond")


def test_verify(tmp_path: Path) -> None:
    assert PriceCatalog(write_snapshot(tmp_path / "a")).verify() == []
    miscounted = PriceCatalog(write_snapshot(tmp_path / "b", entry={"rows": 11}))
    assert miscounted.verify() == ["AmazonS3.csv: 10 rows != 11"]
    offsets = _offsets(ROWS)
    offsets["us-east-1"] = offsets["sa-east-1"]  # us-east-1's range points at sa-east-1's rows
    moved = PriceCatalog(write_snapshot(tmp_path / "c", entry={"region_offsets": offsets}))
    assert moved.verify() == ["AmazonS3.csv: byte range of us-east-1 does not match its rows"]
    # two one-row regions' ranges swapped: the row counts agree (1 and 1), the regions do not
    swapped = _offsets(ROWS)
    swapped["ap-east-1"], swapped["ap-south-1"] = swapped["ap-south-1"], swapped["ap-east-1"]
    crossed = PriceCatalog(write_snapshot(tmp_path / "e", entry={"region_offsets": swapped}))
    assert crossed.verify() == [
        "AmazonS3.csv: byte range of ap-east-1 does not match its rows",
        "AmazonS3.csv: byte range of ap-south-1 does not match its rows",
    ]
    tampered = PriceCatalog(write_snapshot(tmp_path / "d", entry={"sha256": "f" * 64}))
    [problem] = tampered.verify()
    assert problem.startswith("AmazonS3.csv: sha256 ") and problem.endswith(
        f"!= manifest {'f' * 64}"
    )


def test_item_names() -> None:
    assert _item_name("instance/t3.medium") == "t3.medium"
    assert _item_name("db/db.t3.medium/PostgreSQL/Single-AZ") == "db.t3.medium"
    assert _item_name("standalone") == "standalone"


def test_where_the_snapshot_comes_from(tmp_path: Path) -> None:
    assert bundled_snapshot_dir() == SNAPSHOT_DIR == REPO / "pricing" / "snapshot"
    assert repository_snapshot_dir() == SNAPSHOT_DIR
    assert load_catalog() is default_catalog() is default_catalog()
    assert load_catalog(SNAPSHOT_DIR / "manifest.json").directory == SNAPSHOT_DIR
    assert load_catalog(str(SNAPSHOT_DIR)).directory == SNAPSHOT_DIR


def test_no_bundled_snapshot_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_mod, "__file__", str(tmp_path / "planner" / "catalog.py"))
    with pytest.raises(PlannerError, match="the bundled price snapshot is missing"):
        bundled_snapshot_dir()
    assert repository_snapshot_dir() is None
    # an installed wheel keeps it in planner/_pricing/snapshot
    write_snapshot(tmp_path / "planner" / "_pricing" / "snapshot")
    assert bundled_snapshot_dir() == tmp_path / "planner" / "_pricing" / "snapshot"
