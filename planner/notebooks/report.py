"""Build the report: every notebook x every scenario, in parallel, then swap it into place.

The report is built in a temporary folder next to the target and renamed over it only when
every notebook succeeded, so a failure leaves the previous report intact. Layout::

    <out>/index.html                      links and headline numbers
    <out>/<scenario>/<notebook>.ipynb     executed notebook
    <out>/<scenario>/<notebook>.html      with code (engineers)
    <out>/<scenario>/<notebook>.finance.html   without code (finance)
"""

from __future__ import annotations

import html
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.errors import NotebookError
from planner.notebooks.execute import NOTEBOOKS_DIR, RunResult, discover, execute
from planner.notebooks.html import GLOSSARY, PLOTLY_JS, Page, copy_plotly_js, export_html, warm_up
from planner.notebooks.kernels import KernelSession, close_thread_event_loop, kill_all
from planner.notebooks.params import resolve_scenario
from planner.notebooks.stamp import stamp, stamp_text

DEFAULT_SCENARIOS = ("staging", "production")
WORKERS = 2
MARKER = "<!-- planner report -->"

Progress = Callable[[str], None]


_PRINT = threading.Lock()


def stderr_progress(line: str) -> None:
    """One whole line per event, even from two workers at once."""
    with _PRINT:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


@dataclass(frozen=True)
class Job:
    index: int
    notebook: Path
    scenario: str
    slug: str
    parameters: tuple[tuple[str, Any], ...] = ()
    """Parameters besides the scenario (``planner report -p``), those the notebook has."""

    def output(self, root: Path) -> Path:
        return root / self.slug / f"{self.notebook.stem}.ipynb"


def scenario_slug(ref: str) -> str:
    """Folder name for a scenario: ``staging``; ``whatif/staging-graviton`` -> its stem."""
    return Path(ref).stem if ref.endswith((".yaml", ".yml")) else Path(ref).name


def notebook_title(path: Path) -> str:
    """The notebook's first ``# heading``, else its file name in words."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        cells = []
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem.replace("_", " ").capitalize()


def build_report(
    scenarios: Sequence[str] = DEFAULT_SCENARIOS,
    out: Path = Path("reports"),
    *,
    notebooks: Sequence[Path] | None = None,
    workers: int = WORKERS,
    progress: Progress = stderr_progress,
    parameters: Mapping[str, Any] | None = None,
) -> Path:
    """Run every notebook on every scenario into ``out``; returns the index path.

    ``parameters`` (``planner report -p``) go to every notebook that has them; a name no
    notebook has, or a value a notebook refuses, is an error before any kernel starts.
    """
    books = list(notebooks) if notebooks is not None else discover()
    if not books:
        raise NotebookError("no notebooks to run (every notebooks/*.ipynb not starting with _)")
    refs = list(scenarios) or list(DEFAULT_SCENARIOS)
    for ref in refs:
        try:
            resolve_scenario(ref)
        except ValueError as exc:
            raise NotebookError(f"scenario {exc}") from None
    given = dict(parameters or {})
    given.pop("scenario", None)  # the scenarios are the report's arguments
    taken = check_report_parameters(books, refs, given)
    slugs = [scenario_slug(r) for r in refs]
    if len(set(slugs)) != len(slugs):
        raise NotebookError(f"two scenarios share a report folder name: {', '.join(slugs)}")
    target = out.resolve()
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        building.chmod(0o755)  # mkdtemp makes it private; a report is meant to be shared
        jobs = [
            Job(i, nb, ref, slug, taken[nb])
            for i, (ref, slug, nb) in enumerate(
                ((r, s, n) for r, s in zip(refs, slugs, strict=True) for n in books), start=1
            )
        ]
        copy_plotly_js(building)
        facts: dict[str, Facts] = {}

        def meanwhile() -> None:  # while the kernels start: downloads, dates, warnings
            began = time.perf_counter()
            warm_up()
            _add_timings({"HTML templates compiled (main thread)": time.perf_counter() - began})
            began = time.perf_counter()
            for ref, slug in zip(refs, slugs, strict=True):
                facts[slug] = scenario_facts(ref, building / slug)
            _add_timings({"downloads, dates, warnings (main thread)": time.perf_counter() - began})

        TIMINGS.clear()
        results = _run_all(jobs, building, workers, progress, target, start, meanwhile)
        began = time.perf_counter()
        decimals = int((parameters or {}).get("usd_decimals", 2))
        write_index(building / "index.html", jobs, results, facts, decimals=decimals)
        write_marker(building)
        _swap(building, target)
        _add_timings({"index and swap": time.perf_counter() - began})
    except BaseException:
        kill_all()
        raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    progress(
        f"report: {len(jobs)} notebooks in {time.perf_counter() - start:.1f} s; "
        f"open {target / 'index.html'}"
    )
    return target / "index.html"


def check_report_parameters(
    books: Sequence[Path], refs: Sequence[str], given: Mapping[str, Any]
) -> dict[Path, tuple[tuple[str, Any], ...]]:
    """Per notebook, the given parameters it has; every name must belong to one notebook and
    every value pass each notebook's check (:func:`check_parameters`), on every scenario."""
    from planner.notebooks.execute import check_parameters, parameter_names, read_notebook
    from planner.notebooks.params import unknown_message

    if not given:  # the scenarios alone were checked already
        return {book: () for book in books}
    read = {book: read_notebook(book) for book in books}
    names = {book: parameter_names(nb) for book, nb in read.items()}
    known = list(dict.fromkeys(n for book in books for n in names[book]))
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise NotebookError(f"report: {unknown_message(unknown, known)}")
    taken = {book: tuple((k, v) for k, v in given.items() if k in names[book]) for book in books}
    for book in books:
        for ref in refs:
            check_parameters(book, read[book], {"scenario": ref, **dict(taken[book])})
    return taken


@dataclass(frozen=True)
class Facts:
    """What the index shows per scenario besides the notebooks' headlines."""

    total: Decimal
    partial: str
    dates: Any
    warnings: list[Any]
    downloads: tuple[tuple[str, str], ...]


def scenario_facts(ref: str, folder: Path) -> Facts:
    """Price the scenario once here: downloads, price-date range, warnings, completeness."""
    from planner import figures, provenance
    from planner.catalog import load_catalog
    from planner.lookahead import look_ahead
    from planner.notebooks.downloads import write_downloads
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    scenario = load_scenario(resolve_scenario(ref))
    catalog = load_catalog(None)
    report = price_scenario(scenario, catalog, allow_missing=True)
    eks = scenario.topology.eks
    result = None
    if eks is not None and (eks.workloads or eks.workloads_from):
        from planner.capacity.plan import plan_capacity

        result = plan_capacity(scenario.topology, base_dir=scenario.path.parent)
    warnings = look_ahead(scenario.topology, report, catalog, capacity=result)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{folder.name}-cost-lines"
    csv_path, xlsx_path = write_downloads(report, folder, stem)
    return Facts(
        figures.total(report),
        figures.partial_note(report),
        provenance.date_range(report),
        warnings,
        (("CSV", csv_path.name), ("XLSX", xlsx_path.name)),
    )


_sessions = threading.local()


TIMINGS: dict[str, float] = {}
"""Seconds spent per part of the last report, summed over workers (benchmarks/report.py)."""
_TIMINGS_LOCK = threading.Lock()


def _add_timings(parts: dict[str, float]) -> None:
    with _TIMINGS_LOCK:
        for key, seconds in parts.items():
            TIMINGS[key] = TIMINGS.get(key, 0.0) + seconds


def _session() -> KernelSession:
    """This worker thread's warm kernel (a fresh one after a failure closed the last)."""
    session: KernelSession | None = getattr(_sessions, "session", None)
    if session is None or session.pid is None:
        session = KernelSession(NOTEBOOKS_DIR)
        _sessions.session = session
        _add_timings(session.timings)
    return session


def _end_worker() -> None:
    """At the end of a worker thread: stop its kernel, close its event loop."""
    session: KernelSession | None = getattr(_sessions, "session", None)
    _sessions.session = None
    if session is not None:
        session.close()
    close_thread_event_loop()


def _run_all(
    jobs: list[Job],
    root: Path,
    workers: int,
    progress: Progress,
    target: Path,
    start: float,
    meanwhile: Callable[[], None] = lambda: None,
) -> dict[int, RunResult]:
    """Run the jobs on ``workers`` threads, each with its warm kernel; stop at the first failure.

    The threads are daemons and the main thread only waits in short joins, so Ctrl-C and
    SIGTERM reach it at once (the caller kills the kernels and leaves).
    """
    width = len(str(len(jobs)))
    stamp_values = stamp()

    def run(job: Job) -> RunResult:
        tag = f"[{job.index:>{width}}/{len(jobs)}] {job.notebook.stem} ({job.slug})"
        progress(f"{tag} started, {time.perf_counter() - start:.1f} s elapsed")
        params = {"scenario": job.scenario, **dict(job.parameters)}
        title = f"{notebook_title(job.notebook)}: {job.slug}"
        page = Page(
            plotly_src=f"../{PLOTLY_JS}",
            downloads=_facts_downloads(job.slug),
            stamp=stamp_values,
            extra='<span><a href="../index.html">report index</a></span>',
            glossary=f"../{GLOSSARY}",
        )
        try:
            result = execute(job.notebook, job.output(root), params, html=False, session=_session())
        except NotebookError as exc:
            progress(f"{tag} FAILED after {time.perf_counter() - start:.1f} s")
            failed = getattr(exc, "failed", None)
            kept = _keep_failed(failed, target.with_name(f"{target.name}.failed"), job)
            where = f" (executed notebook kept at {kept})" if kept else ""
            raise NotebookError(f"scenario {job.slug}: {exc}{where}") from None
        progress(
            f"{tag} done in {result.seconds:.1f} s, {time.perf_counter() - start:.1f} s elapsed"
        )
        _add_timings({"notebook execute (computation and drawing)": result.seconds})
        # the HTML is rendered on the exporter thread while this kernel runs the next notebook
        exports[job.index] = exporter.submit(_export, result, title, page)
        return result

    exporter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planner-html")
    exports: dict[int, Future[RunResult]] = {}
    queue = deque(jobs)
    lock = threading.Lock()
    stop = threading.Event()
    results: dict[int, RunResult] = {}
    errors: list[tuple[int, BaseException]] = []

    def worker() -> None:
        try:
            while not stop.is_set():
                with lock:
                    if not queue:
                        return
                    job = queue.popleft()
                try:
                    results[job.index] = run(job)
                except BaseException as exc:
                    errors.append((job.index, exc))
                    stop.set()
                    return
        finally:
            _end_worker()

    threads = [
        threading.Thread(target=worker, name=f"planner-report-{i}", daemon=True)
        for i in range(max(1, min(workers, len(jobs))))
    ]
    try:
        for thread in threads:
            thread.start()
        meanwhile()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.1)
        if not errors:
            for index, future in exports.items():
                results[index] = future.result()
    except BaseException:
        stop.set()
        exporter.shutdown(wait=False, cancel_futures=True)
        kill_all()
        raise
    exporter.shutdown(wait=True, cancel_futures=True)
    if errors:
        exc = min(errors, key=lambda e: e[0])[1]
        if isinstance(exc, NotebookError):
            raise NotebookError(f"{exc}; the previous report is unchanged")
        raise exc
    return results


def _export(result: RunResult, title: str, page: Page) -> RunResult:
    if result.nb is None:  # nothing to render (a stand-in execute)
        return result
    began = time.perf_counter()
    code, finance = export_html(result.nb, result.output, title, page)
    seconds = time.perf_counter() - began
    _add_timings({"notebook HTML export (both pages)": seconds})
    return replace(result, html=code, finance_html=finance, nb=None)


def _facts_downloads(slug: str) -> tuple[tuple[str, str], ...]:
    """The scenario's downloads (written by :func:`scenario_facts` while kernels start)."""
    stem = f"{slug}-cost-lines"
    return (("CSV", f"{stem}.csv"), ("XLSX", f"{stem}.xlsx"))


def _keep_failed(failed: Path | None, folder: Path, job: Job) -> Path | None:
    """Keep a failed executed notebook (it shows the failing cell) outside the build folder."""
    if failed is None or not failed.is_file():
        return None
    kept = folder / job.slug / failed.name
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(failed, kept)
    return kept


MARKER_FILE = ".planner-report"


def write_marker(folder: Path) -> None:
    """List every file planner wrote; only a folder whose files are all listed is replaced."""
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    (folder / MARKER_FILE).write_text(
        json.dumps({"planner_report": 1, "files": files}, indent=1) + "\n", encoding="utf-8"
    )


def check_target(target: Path) -> None:
    """Refuse a --out planner did not create (one line, nothing deleted).

    A folder is usable when it is missing, empty, or a planner report (its marker file lists
    the files planner wrote). What a user added inside a report is kept: it is carried into
    the new report (:mod:`planner.owned`).
    """
    if not target.exists() and not target.is_symlink():
        return
    if target.is_symlink() or not target.is_dir():
        raise NotebookError(f"{target}: --out exists and is not a folder; choose a folder")
    if not any(target.iterdir()):
        return
    if _listed(target) is None:
        raise NotebookError(
            f"{target}: --out is a folder that is not a planner report (no {MARKER_FILE} "
            "marker); choose an empty or new folder"
        )


def _listed(target: Path) -> set[str] | None:
    try:
        data = json.loads((target / MARKER_FILE).read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, list):
            return None
        return {str(f) for f in files} | {MARKER_FILE}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _swap(new: Path, target: Path) -> None:
    """Swap ``new`` in for ``target`` under a lock on the parent folder (one swap at a
    time), keeping whatever the user added to the old report."""
    import fcntl

    from planner.owned import swap_in

    lock = os.open(target.parent, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        check_target(target)  # again: the folder may have changed while we built
        ours = _listed(target) if target.exists() else set()
        kept = swap_in(new, target, ours or set())
        if kept:
            more = f" and {len(kept) - 1} more" if len(kept) > 1 else ""
            print(f"kept your {target / kept[0]}{more} in the new report", file=sys.stderr)
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)


STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 60em;
       color: #222; line-height: 1.45; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } .meta { color: #666; margin-top: 0; }
section { border-top: 1px solid #ddd; margin-top: 1.5em; padding-top: 0.5em; }
.total { font-size: 1.6em; font-weight: bold; margin: 0.2em 0; }
ul.headlines { padding-left: 1.2em; } table { border-collapse: collapse; margin-top: 0.6em; }
td, th { text-align: left; padding: 0.3em 1em 0.3em 0; border-bottom: 1px solid #eee; }
a { color: #1f5fa8; } .partial { color: #b00; font-size: 0.6em; }
ul.warnings li { margin-bottom: 0.3em; }
@media print { @page { size: A4; margin: 12mm; } body { max-width: none; margin: 0; } }
"""


def write_index(
    path: Path,
    jobs: Sequence[Job],
    results: dict[int, RunResult],
    facts: dict[str, Facts] | None = None,
    *,
    decimals: int = 2,
) -> None:
    """index.html: per scenario, the total, the price dates, the warnings, the headlines and
    a link to every rendered notebook and download. The index is in cents; with pages at
    ``decimals`` below 2 it says how their totals come about."""
    from planner.figures import annual, usd
    from planner.views import md_plain

    esc = html.escape
    facts = facts or {}
    values = stamp()
    parts = [
        "<!DOCTYPE html>",
        MARKER,
        '<html lang="en"><head><meta charset="utf-8"><title>planner report</title>',
        f"<style>{STYLE}</style></head><body>",
        "<h1>AWS cost and capacity report</h1>",
        '<p class="meta">US dollars at AWS list prices; each cost line is rounded to the cent '
        "and totals add the rounded lines. Open the <em>finance</em> pages for tables and "
        f'charts without code; the <a href="{GLOSSARY}">glossary</a> explains their words.</p>'
        + (
            ""
            if decimals == 2
            else f'<p class="meta">The pages show US dollars to {decimals} decimal(s): each '
            "line is rounded to that first and the totals add the rounded lines, so a page's "
            "total can differ from the cent figures here by the rounding of its lines.</p>"
        ),
        f'<p class="meta">{esc(stamp_text(values))}</p>',
    ]
    for slug in dict.fromkeys(j.slug for j in jobs):
        mine = [j for j in jobs if j.slug == slug]
        summaries = [results[j.index].summary for j in mine if j.index in results]
        fact = facts.get(slug)
        parts.append(f"<section><h2>{esc(slug)}</h2>")
        if fact is not None:
            partial = (
                f' <span class="partial">{esc(fact.partial.upper())}</span>' if fact.partial else ""
            )
            parts.append(
                f'<p class="total">{esc(usd(fact.total))} a month{partial}</p>'
                f'<p class="meta">{esc(usd(annual(fact.total)))} a year. Prices: '
                f"{esc(fact.dates.sentence())}.</p>"
            )
        else:
            total = next(
                (s["total_monthly_usd"] for s in summaries if "total_monthly_usd" in s), None
            )
            if total is not None:
                parts.append(f'<p class="total">{esc(usd(total))} a month</p>')
        lines = [s["headline"] for s in summaries if s.get("headline")]
        if lines:
            parts.append(
                '<ul class="headlines">'
                # a headline is Markdown in its notebook: plain text here
                + "".join(f"<li>{esc(md_plain(str(h)))}</li>" for h in lines)
                + "</ul>"
            )
        if fact is not None and fact.warnings:
            parts.append(
                '<h3>Warnings</h3><ul class="warnings">'
                + "".join(
                    f"<li><b>{esc(w.date or 'now')}</b> {esc(w.message)}</li>"
                    for w in fact.warnings
                )
                + "</ul>"
            )
        parts.append(
            "<table><tr><th>notebook</th><th>for finance</th><th>with code</th>"
            "<th>notebook file</th></tr>"
        )
        for job in mine:
            stem = job.notebook.stem
            base = f"{esc(slug)}/{esc(stem)}"
            parts.append(
                f"<tr><td>{esc(notebook_title(job.notebook))}</td>"
                f'<td><a href="{base}.finance.html">finance view</a></td>'
                f'<td><a href="{base}.html">with code</a></td>'
                f'<td><a href="{base}.ipynb">{esc(stem)}.ipynb</a></td></tr>'
            )
        parts.append("</table>")
        if fact is not None and fact.downloads:
            links = " · ".join(
                f'<a href="{esc(slug)}/{esc(href)}" download>{esc(label)}</a>'
                for label, href in fact.downloads
            )
            parts.append(f'<p class="meta">Cost lines and assumptions: {links}</p>')
        parts.append("</section>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
