"""The price catalog: normalized price rows behind one interface, with provenance.

Two sources yield the same :class:`PriceRow`: the bundled snapshot (offline, default; see
``pricing/``) and the live AWS Price List API (``planner prices refresh`` writes its rows in
the snapshot's format). Rows are indexed by ``(service, region, product, term...)``; a lookup
is a dict access, not a scan. Each service's file is read only when that service is first
priced, and checked against the manifest's sha256 first.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import PlannerError, PriceNotFoundError
from planner.money import price_problem

if TYPE_CHECKING:
    from planner.price_rules import Violation

SERVICES = (
    "AmazonEKS",
    "AmazonEC2",
    "AmazonRDS",
    "AmazonElastiCache",
    "AmazonMSK",
    "AWSELB",
    "AmazonCloudWatch",
    "AmazonS3",
    "awskms",
    "AmazonECR",
    "AWSDataTransfer",
)


# A snapshot folder carries this file: planner may replace such a folder, and no other.
MARKER = ".planner-snapshot"

# The snapshot files' columns (pricing/build_snapshot.py writes them in this order).
SNAPSHOT_COLUMNS = (
    "service",
    "region",
    "product",
    "attributes",
    "term",
    "lease",
    "purchase_option",
    "offering_class",
    "unit",
    "usd",
    "price_kind",
    "derivation",
    "source",
    "source_date",
)


@dataclass(frozen=True, slots=True)
class Term:
    """OnDemand, Spot, or Reserved / SavingsPlan with lease, purchase option and class."""

    kind: str = "OnDemand"
    lease: str = ""
    purchase_option: str = ""
    offering_class: str = ""

    @property
    def label(self) -> str:
        if self.kind not in ("Reserved", "SavingsPlan"):
            return self.kind
        parts = [self.lease, self.offering_class, self.purchase_option]
        return self.kind + " " + " ".join(p for p in parts if p)


ON_DEMAND = Term()


@dataclass(frozen=True, slots=True)
class PriceRow:
    service: str
    region: str
    product: str
    attributes: str
    term: Term
    unit: str
    usd: Decimal
    price_kind: str
    derivation: str
    source: str
    source_date: str

    @property
    def ref(self) -> str:
        """A short, stable reference to this row: how finance traces a figure to a price."""
        term = "" if self.term == ON_DEMAND else f" [{self.term.label}]"
        return f"{self.service}/{self.region}/{self.product}{term}"

    @property
    def provenance(self) -> str:
        kind = self.price_kind
        text = f"{self.ref} {kind} {self.source_date} ({self.source})"
        if self.derivation:
            text += f"; {self.derivation}"
        return text


Key = tuple[str, str, str, Term]


def price_row(fields: Mapping[str, str]) -> PriceRow:
    """A row from its snapshot columns by name (a ``csv.DictReader`` row of a snapshot or
    quarantine file, or the builder's rows)."""
    term = Term(
        fields["term"], fields["lease"], fields["purchase_option"], fields["offering_class"]
    )
    return PriceRow(
        fields["service"],
        fields["region"],
        fields["product"],
        fields["attributes"],
        term,
        fields["unit"],
        Decimal(fields["usd"]),
        fields["price_kind"],
        fields["derivation"],
        fields["source"],
        fields["source_date"],
    )


class PriceCatalog:
    """A read-only set of price rows from one snapshot directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        manifest_path = directory / "manifest.json"
        try:
            self.manifest: dict[str, Any] = json.loads(manifest_path.read_text())
        except FileNotFoundError:
            raise PlannerError(f"{manifest_path}: price snapshot manifest not found") from None
        except (OSError, ValueError) as exc:
            raise PlannerError(f"{manifest_path}: unreadable price manifest: {exc}") from None
        # (service, region) -> rows of that region; (service, None) -> every row of the service
        self._index: dict[tuple[str, str | None], dict[Key, PriceRow]] = {}
        self._verified: set[str] = set()
        # Rows the price rules refused on load (planner.price_rules), by key: never served.
        self.refused: dict[Key, Violation] = {}
        self._quarantine: dict[Key, tuple[str, str]] | None = None

    @property
    def snapshot_date(self) -> str:
        return str(self.manifest["snapshot_date"])

    def summary(self) -> dict[str, Any]:
        services = self.manifest["services"]
        dates = [d for s in services.values() for d in s["source_dates"]]
        return {
            "date": self.snapshot_date,
            "source_dates": [min(dates), max(dates)],
            "rows": self.manifest["total_rows"],
            "builder": self.manifest.get("builder", ""),
        }

    def _table(self, service: str, region: str | None = None) -> dict[Key, PriceRow]:
        """Rows of one service, of one region only where the manifest has its byte range."""
        entry = self.manifest["services"].get(service)
        if entry is None:
            return {}
        if region is not None and region not in entry.get("region_offsets", {}):
            region = None
        table = self._index.get((service, region))
        if table is None:
            whole = self._index.get((service, None))
            if whole is not None and region is not None:
                table = {k: v for k, v in whole.items() if k[1] == region}
            else:
                table = self._load(service, entry, region)
            self._index[(service, region)] = table
        return table

    def _digest(self, entry: dict[str, Any]) -> str:
        path = self.directory / entry["file"]
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise PlannerError(f"{path}: cannot read price file: {exc.strerror}") from None

    def _check(self, entry: dict[str, Any]) -> None:
        """The file must be the one the manifest describes (sha256), once per catalog."""
        name = str(entry["file"])
        if name in self._verified:
            return
        if self._digest(entry) != entry.get("sha256"):
            raise PlannerError(
                f"{self.directory / name}: sha256 does not match {self.directory / 'manifest.json'}"
                " (the file changed after the snapshot was written); restore it, or rebuild or "
                "refresh the snapshot"
            )
        self._verified.add(name)

    def _load(
        self, service: str, entry: dict[str, Any], region: str | None, *, gated: bool = True
    ) -> dict[Key, PriceRow]:
        path = self.directory / entry["file"]
        if (
            "/" in str(entry["file"])
            or "\\" in str(entry["file"])
            or str(entry["file"]).startswith(".")
        ):
            raise PlannerError(
                f"{self.directory / 'manifest.json'}: bad file name {entry['file']!r}"
            )
        self._check(entry)
        table: dict[Key, PriceRow] = {}
        with path.open("rb") as raw:
            header = tuple(next(csv.reader([raw.readline().decode("utf-8")]), ()))
            if header != SNAPSHOT_COLUMNS:
                raise PlannerError(
                    f"{path}: columns {list(header)} are not the snapshot's "
                    f"{list(SNAPSHOT_COLUMNS)}"
                )
            if region is None:
                data = raw.read()
            else:
                # The file is sorted by region; read only this region's rows.
                start, end = entry["region_offsets"][region]
                raw.seek(start)
                data = raw.read(end - start)
        # csv.reader with positional fields: about 3x faster than DictReader.
        reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
        terms: dict[tuple[str, ...], Term] = {}
        for r in reader:
            (
                svc,
                row_region,
                product,
                attributes,
                kind,
                lease,
                option,
                offering,
                unit,
                usd,
                price_kind,
                derivation,
                source,
                source_date,
            ) = r
            tkey = (kind, lease, option, offering)
            term = terms.get(tkey) or terms.setdefault(tkey, Term(*tkey))
            try:
                amount = Decimal(usd)
            except InvalidOperation:
                raise PlannerError(
                    f"{path}: {product} in {row_region}: usd {usd!r} is not a number"
                ) from None
            problem = price_problem(amount)
            if problem is not None:
                raise PlannerError(f"{path}: {product} in {row_region}: usd {problem}")
            row = PriceRow(
                svc,
                row_region,
                product,
                attributes,
                term,
                unit,
                amount,
                price_kind,
                derivation,
                source,
                source_date,
            )
            table[(row.service, row.region, row.product, term)] = row
        from planner.price_rules import RULES_VERSION

        if not gated or entry.get("price_rules") == RULES_VERSION:
            return table
        return self._gate(table)

    def _gate(self, table: dict[Key, PriceRow]) -> dict[Key, PriceRow]:
        """Refuse the rows that break a price rule (a snapshot written before the gate, or by
        another tool): they are left out, so a lookup names them as missing, never $0."""
        from planner.price_rules import check, key_of

        verdict = check(table.values(), correct=False)
        for violation in verdict.quarantined:
            key = key_of(violation.row)
            table.pop(key, None)
            self.refused[key] = violation
        return table

    def quarantined(self) -> dict[Key, tuple[str, str]]:
        """The rows the snapshot's builder or refresh quarantined (``quarantine.csv``): key ->
        (rule, evidence). Empty when the snapshot has no quarantine file."""
        if self._quarantine is None:
            self._quarantine = read_quarantine(self.directory)
        return self._quarantine

    def verify(self) -> list[str]:
        """Check every data file against the manifest's sha256 and row count."""
        problems = []
        for service, entry in self.manifest["services"].items():
            path = self.directory / entry["file"]
            digest = self._digest(entry)
            if digest != entry["sha256"]:
                problems.append(f"{path.name}: sha256 {digest} != manifest {entry['sha256']}")
                continue
            if len(self._table(service)) != entry["rows"]:
                problems.append(f"{path.name}: {len(self._table(service))} rows != {entry['rows']}")
            for region in entry.get("region_offsets", {}):
                sliced = self._load(service, entry, region)
                if any(k[1] != region for k in sliced) or len(sliced) != sum(
                    1 for k in self._table(service) if k[1] == region
                ):
                    problems.append(f"{path.name}: byte range of {region} does not match its rows")
        return problems

    def find(
        self, service: str, region: str, product: str, term: Term = ON_DEMAND
    ) -> PriceRow | None:
        return self._table(service, region).get((service, region, product, term))

    def get(
        self, service: str, region: str, product: str, term: Term = ON_DEMAND, *, what: str = ""
    ) -> PriceRow:
        """The row, or a :class:`PriceNotFoundError` naming the item, region and near misses."""
        row = self.find(service, region, product, term)
        if row is not None:
            return row
        raise PriceNotFoundError(self.explain_missing(service, region, product, term, what))

    def explain_missing(
        self, service: str, region: str, product: str, term: Term, what: str = ""
    ) -> str:
        table = self._table(service)
        label = what or product
        term_text = "on-demand" if term == ON_DEMAND else term.label
        same_region = sorted({k[2] for k in table if k[1] == region and k[3] == term})
        close = difflib.get_close_matches(product, same_region, n=3, cutoff=0.75)
        hints = []
        if close:
            hints.append("did you mean " + " or ".join(_item_name(c) for c in close) + "?")
        other_regions = sorted({k[1] for k in table if k[2] == product and k[3] == term})
        if other_regions:
            shown = ", ".join(other_regions[:5]) + (" ..." if len(other_regions) > 5 else "")
            hints.append(f"the snapshot has it in {shown}")
        elif not same_region:
            hints.append(f"the snapshot has no {service} prices for {region}")
        key = (service, region, product, term)
        refused = self.refused.get(key)
        if refused is not None:
            hints.insert(
                0,
                f"the snapshot's row was refused by the price rules ({refused.rule}: "
                f"{refused.evidence})",
            )
        elif key in self.quarantined():
            rule, evidence = self.quarantined()[key]
            hints.insert(0, f"the source's row is quarantined ({rule}: {evidence})")
        tail = ("; " + "; ".join(hints)) if hints else ""
        return f"no {term_text} price for {label} in {region}{tail}"

    def rows(self, service: str) -> list[PriceRow]:
        return list(self._table(service).values())

    def file_rows(self, service: str) -> list[PriceRow]:
        """Every row of the service's file, including any the price rules would refuse (what
        the file holds, for ``planner prices diff``); not cached."""
        entry = self.manifest["services"].get(service)
        return [] if entry is None else list(self._load(service, entry, None, gated=False).values())


def _item_name(product: str) -> str:
    """``instance/t3.medium`` -> ``t3.medium``; ``db/db.t3.medium/PostgreSQL/...`` -> class."""
    parts = product.split("/")
    return parts[1] if len(parts) > 1 else product


def bundled_snapshot_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "pricing" / "snapshot", here / "_pricing" / "snapshot"):
        if (candidate / "manifest.json").is_file():
            return candidate
    raise PlannerError("the bundled price snapshot is missing from this install")


def repository_snapshot_dir() -> Path | None:
    """``pricing/snapshot`` of a repository checkout (what a refresh updates), if any."""
    candidate = Path(__file__).resolve().parent.parent / "pricing" / "snapshot"
    return candidate if (candidate / "manifest.json").is_file() else None


class _Default:
    @cached_property
    def catalog(self) -> PriceCatalog:
        return PriceCatalog(bundled_snapshot_dir())


_default = _Default()


def default_catalog() -> PriceCatalog:
    return _default.catalog


def load_catalog(directory: str | Path | None = None) -> PriceCatalog:
    if directory is None:
        return default_catalog()
    path = Path(directory)
    if path.is_file():
        path = path.parent
    return PriceCatalog(path)


QUARANTINE_FILE = "quarantine.csv"
QUARANTINE_COLUMNS = (*SNAPSHOT_COLUMNS, "rule", "evidence")


def read_quarantine(directory: Path) -> dict[Key, tuple[str, str]]:
    """``quarantine.csv`` of a snapshot folder: key -> (rule, evidence); {} when absent."""
    path = directory / QUARANTINE_FILE
    if not path.is_file():
        return {}
    out: dict[Key, tuple[str, str]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            row = price_row(r)
            out[(row.service, row.region, row.product, row.term)] = (r["rule"], r["evidence"])
    return out


def region_offsets(path: Path) -> dict[str, list[int]]:
    """Byte range ``[start, end)`` of each region's rows in a snapshot CSV sorted by region.

    Recorded in the manifest so that pricing one region reads only that region's rows.
    """
    offsets: dict[str, list[int]] = {}
    with path.open("rb") as raw:
        raw.readline()  # header
        position = raw.tell()
        for line in iter(raw.readline, b""):
            region = next(csv.reader([line.decode("utf-8")]))[1]
            if region in offsets and offsets[region][1] != position:
                raise PlannerError(f"{path}: rows of {region} are not contiguous")
            offsets.setdefault(region, [position, position])[1] = position + len(line)
            position += len(line)
    return offsets
