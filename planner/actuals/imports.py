"""``planner actuals import``: billing export files -> the tidy table, with DuckDB.

DuckDB reads the Parquet or CSV files out of core and runs the layout's SQL
(``planner/actuals/sql/{cur2,focus}.sql``). Memory and threads are capped for a shared
machine; larger-than-memory aggregations spill to a temporary folder.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planner.actuals.checks import DEFAULT_MAX_ROWS, check_group, check_overlap, check_size
from planner.actuals.layouts import (
    CUR2_COLUMNS,
    DOUBLE,
    FOCUS_COLUMNS,
    MAP,
    TIMESTAMP,
    Layout,
    detect_layout,
    layout_label,
)
from planner.actuals.sql import DECIMAL_TYPE, Dialect, render
from planner.errors import InputError

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

FileKind = Literal["parquet", "csv"]
DEFAULT_MEMORY_LIMIT = "512MB"
DEFAULT_THREADS = 2
_SUFFIXES: dict[str, FileKind] = {".parquet": "parquet", ".csv": "csv", ".gz": "csv"}


@dataclass(frozen=True)
class ExportFile:
    path: str
    kind: FileKind
    layout: Layout
    label: str = ""


def _kind(path: Path) -> FileKind | None:
    name = path.name.lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".csv") or name.endswith(".csv.gz"):
        return "csv"
    return None


def _header(path: Path, kind: FileKind) -> list[str]:
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            return next(csv.reader(io.StringIO(handle.readline())), [])
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the {kind} header ({exc})") from exc


def find_exports(paths: Sequence[str]) -> list[ExportFile]:
    """Every export file under the given files or folders, with its layout."""
    if not paths:
        raise InputError("planner actuals import: give at least one file or folder")
    found: list[ExportFile] = []
    for raw in paths:
        if raw.startswith("s3://"):
            found.append(_s3_file(raw))
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _kind(p))
            files = [p for p in files if not any(part.startswith(".") for part in p.parts[-1:])]
            if not files:
                raise InputError(f"{path}: no .parquet, .csv or .csv.gz files in this folder")
        elif path.is_file():
            if _kind(path) is None:
                raise InputError(f"{path}: not a .parquet, .csv or .csv.gz file")
            files = [path]
        else:
            raise InputError(f"{path}: no such file or folder")
        for file in files:
            kind = _kind(file)
            assert kind is not None
            header = _header(file, kind)
            layout = detect_layout(header, str(file))
            found.append(ExportFile(str(file), kind, layout, layout_label(header)))
    return found


def _s3_file(url: str) -> ExportFile:
    kind = _kind(Path(url))
    if kind is None:
        raise InputError(f"{url}: give s3:// URLs of .parquet or .csv files (a glob is fine)")
    if not httpfs_available():
        raise InputError(
            f"{url}: reading s3:// needs DuckDB's httpfs extension, which is not installed "
            "here (INSTALL httpfs downloads it); copy the export locally (aws s3 sync) or use "
            "--engine athena"
        )
    layout = detect_layout(_s3_columns(url, kind), url)
    return ExportFile(url, kind, layout)


def httpfs_available() -> bool:
    con = connect()
    try:
        con.execute("LOAD httpfs")
        return True
    except Exception:
        return False
    finally:
        con.close()


def _s3_columns(url: str, kind: FileKind) -> list[str]:  # pragma: no cover - needs httpfs
    con = connect()
    con.execute("LOAD httpfs")
    reader = "read_parquet" if kind == "parquet" else "read_csv"
    rel = con.sql(f"SELECT * FROM {reader}({_quote(url)}) LIMIT 0")
    return list(rel.columns)


def connect(
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int = DEFAULT_THREADS,
    spill: Path | None = None,
) -> Any:
    """A DuckDB connection sized for a shared machine, spilling to ``spill`` (a private
    folder of this run; without one, a fresh private folder removed with the connection)."""
    import duckdb

    check_limits(memory_limit, threads)
    if spill is None:
        import shutil
        import weakref

        spill = Path(tempfile.mkdtemp(prefix="planner-duckdb-"))  # mode 0700, ours
        owned: Path | None = spill
    else:
        owned = None
    try:
        con = duckdb.connect(
            config={
                "memory_limit": memory_limit,
                "threads": threads,
                "temp_directory": str(spill),
                "preserve_insertion_order": False,
            }
        )
    except duckdb.Error as exc:
        raise InputError(f"DuckDB refused the settings: {str(exc).splitlines()[0]}") from None
    if owned is not None:
        weakref.finalize(con, shutil.rmtree, owned, True)
    # the progress bar would print to stdout; in Jupyter without ipywidgets DuckDB refuses
    # to change the setting, and there it prints nothing anyway
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")
    return con


_MEMORY = re.compile(r"^\d{1,6}(\.\d{1,3})?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)
MAX_THREADS = 64


def check_limits(memory_limit: str, threads: int) -> None:
    """``--memory-limit`` like 512MB or 2GiB; ``--threads`` from 1 to 64."""
    if not isinstance(memory_limit, str) or not _MEMORY.match(memory_limit.strip()):
        raise InputError(
            f"--memory-limit {memory_limit!r}: give a size such as 512MB or 2GB "
            f"(default {DEFAULT_MEMORY_LIMIT})"
        )
    if not 1 <= threads <= MAX_THREADS:
        raise InputError(
            f"--threads {threads}: give 1 to {MAX_THREADS} (default {DEFAULT_THREADS})"
        )


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _csv_types(header: Iterable[str], layout: Layout) -> str:
    known = dict(CUR2_COLUMNS if layout == "cur2" else FOCUS_COLUMNS)
    sql_type = {DOUBLE: DECIMAL_TYPE, TIMESTAMP: "TIMESTAMP", MAP: "VARCHAR"}
    parts = [
        f"{_quote(name)}: {_quote(sql_type.get(known[name], 'VARCHAR'))}"
        for name in header
        if name in known
    ]
    return "{" + ", ".join(parts) + "}"


def source_expression(
    files: Sequence[ExportFile], paths: Mapping[str, str] | None = None, *, filename: bool = False
) -> str:
    """DuckDB's table function over one group of files of the same kind and layout.

    ``paths`` maps each file to the literal name DuckDB reads (a link without glob
    characters: DuckDB would expand ``*``, ``?`` and ``[`` in a name)."""
    listing = "[" + ", ".join(_quote((paths or {}).get(f.path, f.path)) for f in files) + "]"
    extra = ", filename = true" if filename else ""
    if files[0].kind == "parquet":
        return f"read_parquet({listing}, union_by_name = true{extra})"
    header = _header(Path(files[0].path), "csv") if not files[0].path.startswith("s3://") else []
    return (
        f"read_csv({listing}, header = true, union_by_name = true{extra}, "
        f"types = {_csv_types(header, files[0].layout)})"
    )


def query_for(files: Sequence[ExportFile], paths: Mapping[str, str] | None = None) -> str:
    dialect = Dialect("duckdb", tags_are_json_text=files[0].kind == "csv")
    return render(files[0].layout, dialect, source_expression(files, paths))


def import_exports(
    paths: Sequence[str],
    *,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int = DEFAULT_THREADS,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> pa.Table:
    """The tidy table of every export under ``paths`` (files or folders), after the checks
    of :mod:`planner.actuals.checks` (currency, periods, duplicates, signs, size)."""
    import os

    import pyarrow as pa

    from planner.actuals.tidy import conform, schema
    from planner.output import note_input

    check_limits(memory_limit, threads)
    groups: dict[tuple[FileKind, Layout], list[ExportFile]] = defaultdict(list)
    seen: dict[str, str] = {}
    for file in find_exports(paths):
        if not file.path.startswith("s3://"):
            real = os.path.realpath(file.path)
            if real in seen:
                raise InputError(
                    f"{file.path}: given twice (also as {seen[real]}); counting it twice would "
                    "double the bill"
                )
            seen[real] = file.path
            note_input(file.path)
        groups[(file.kind, file.layout)].append(file)
    labels: dict[str, int] = defaultdict(int)
    for g in groups.values():
        for f in g:
            labels[f.label or f.layout] += 1
    import sys

    print(
        "reading " + ", ".join(f"{n} {label} file(s)" for label, n in labels.items()),
        file=sys.stderr,
    )
    local = [(Path(f.path), f.kind) for g in groups.values() for f in g if "://" not in f.path]
    if local:
        check_size(local, max_rows)
    with tempfile.TemporaryDirectory(prefix="planner-duckdb-") as work:
        links = _literal_links([f for g in groups.values() for f in g], Path(work))
        spill = Path(work) / "spill"
        spill.mkdir()
        con = connect(memory_limit, threads, spill)
        try:
            if any(f.path.startswith("s3://") for g in groups.values() for f in g):
                con.execute("LOAD httpfs")  # pragma: no cover - needs httpfs
            spans: dict[str, set[tuple[str, str]]] = {}
            layouts: dict[str, str] = {}
            for (kind, layout), files in groups.items():
                names = {links.get(f.path, f.path): f.path for f in files}
                header = _header(Path(files[0].path), kind) if "://" not in files[0].path else []
                if header:
                    spans.update(
                        check_group(
                            con,
                            layout,
                            source_expression(files, links, filename=True),
                            names,
                            header,
                        )
                    )
                    layouts.update({f.path: layout for f in files})
            check_overlap(spans, layouts)
            tables = [conform(_run(con, query_for(files, links))) for files in groups.values()]
        finally:
            con.close()
    table = pa.concat_tables(tables) if tables else schema().empty_table()
    if table.num_rows == 0:
        raise InputError(
            f"{paths[0]}{' and others' if len(paths) > 1 else ''}: no billing lines; an empty "
            "bill would read as $0 spent"
        )
    return table


def _literal_links(files: Sequence[ExportFile], folder: Path) -> dict[str, str]:
    """Each local file under a plain name in ``folder`` (DuckDB reads names as globs)."""
    import os

    links: dict[str, str] = {}
    for i, f in enumerate(files):
        if "://" in f.path:
            continue
        suffix = ".csv.gz" if f.path.lower().endswith(".gz") else Path(f.path).suffix.lower()
        link = folder / f"export-{i:05d}{suffix}"
        os.symlink(os.path.abspath(f.path), link)
        links[f.path] = str(link)
    return links


def _run(con: duckdb.DuckDBPyConnection, query: str) -> pa.Table:
    import duckdb

    try:
        result = con.sql(query).to_arrow_table()
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        raise InputError(f"DuckDB could not read the export: {first}") from exc
    return result
