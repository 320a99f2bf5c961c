"""Build the report: every notebook x every scenario, in parallel, then swap it into place.

The report is built in a temporary folder next to the target and renamed over it only when
every notebook succeeded, so a failure leaves the previous report intact. Layout::

    <out>/index.html                      links and headline numbers
    <out>/<scenario>/<notebook>.ipynb     executed notebook
    <out>/<scenario>/<notebook>.html      with code (engineers)
    <out>/<scenario>/<notebook>.finance.html   without code (finance)
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from planner.errors import NotebookError
from planner.notebooks.execute import RunResult, discover, execute
from planner.notebooks.params import resolve_scenario

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
) -> Path:
    """Run every notebook on every scenario into ``out``; returns the index path."""
    books = list(notebooks) if notebooks is not None else discover()
    if not books:
        raise NotebookError("no notebooks to run (every notebooks/*.ipynb not starting with _)")
    refs = list(scenarios) or list(DEFAULT_SCENARIOS)
    for ref in refs:
        try:
            resolve_scenario(ref)
        except ValueError as exc:
            raise NotebookError(f"scenario {exc}") from None
    slugs = [scenario_slug(r) for r in refs]
    if len(set(slugs)) != len(slugs):
        raise NotebookError(f"two scenarios share a report folder name: {', '.join(slugs)}")
    target = out.resolve()
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    building.chmod(0o755)  # mkdtemp makes it private; a report is meant to be shared
    jobs = [
        Job(i, nb, ref, slug)
        for i, (ref, slug, nb) in enumerate(
            ((r, s, n) for r, s in zip(refs, slugs, strict=True) for n in books), start=1
        )
    ]
    start = time.perf_counter()
    try:
        results = _run_all(jobs, building, workers, progress, target)
        write_index(building / "index.html", jobs, results)
        _swap(building, target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    progress(
        f"report: {len(jobs)} notebooks in {time.perf_counter() - start:.1f} s; "
        f"open {target / 'index.html'}"
    )
    return target / "index.html"


def _run_all(
    jobs: list[Job], root: Path, workers: int, progress: Progress, target: Path
) -> dict[int, RunResult]:
    width = len(str(len(jobs)))

    def run(job: Job) -> RunResult:
        tag = f"[{job.index:>{width}}/{len(jobs)}] {job.notebook.stem} ({job.slug})"
        progress(f"{tag} started")
        params = {"scenario": job.scenario}
        title = f"{notebook_title(job.notebook)}: {job.slug}"
        try:
            result = execute(job.notebook, job.output(root), params, title=title)
        except NotebookError as exc:
            progress(f"{tag} FAILED")
            kept = _keep_failed(job.output(root), target.with_name(f"{target.name}.failed"), job)
            where = f" (executed notebook kept at {kept})" if kept else ""
            raise NotebookError(f"scenario {job.slug}: {exc}{where}") from None
        progress(f"{tag} done in {result.seconds:.1f} s")
        return result

    results: dict[int, RunResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures: dict[Future[RunResult], Job] = {pool.submit(run, j): j for j in jobs}
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [f for f in done if f.exception() is not None]
        if failed:
            for f in pending:
                f.cancel()
            raise _first(failed, futures)
        for f in done:
            results[futures[f].index] = f.result()
    return results


def _first(failed: list[Future[RunResult]], futures: dict[Future[RunResult], Job]) -> BaseException:
    failed.sort(key=lambda f: futures[f].index)
    exc = failed[0].exception()
    assert exc is not None
    if isinstance(exc, NotebookError):
        return NotebookError(f"{exc}; the previous report is unchanged")
    return exc


def _keep_failed(output: Path, folder: Path, job: Job) -> Path | None:
    """Keep a failed executed notebook (it shows the failing cell) outside the build folder."""
    if not output.is_file():
        return None
    kept = folder / job.slug / output.name
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(output, kept)
    return kept


def _check_target(target: Path) -> None:
    """Refuse to replace a folder that is not a report (``--out .`` must not wipe a project)."""
    if not target.exists():
        return
    if not target.is_dir():
        raise NotebookError(f"{target}: --out exists and is not a folder")
    index = target / "index.html"
    is_report = index.is_file() and MARKER in index.read_text(encoding="utf-8", errors="replace")
    if any(target.iterdir()) and not is_report:
        raise NotebookError(
            f"{target}: --out is a folder with other files, not a planner report; "
            "choose an empty or new folder"
        )


def _swap(new: Path, target: Path) -> None:
    """Rename ``new`` over ``target``; the old report is removed only after the swap."""
    old: Path | None = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 60em;
       color: #222; line-height: 1.45; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } .meta { color: #666; margin-top: 0; }
section { border-top: 1px solid #ddd; margin-top: 1.5em; padding-top: 0.5em; }
.total { font-size: 1.6em; font-weight: bold; margin: 0.2em 0; }
ul.headlines { padding-left: 1.2em; } table { border-collapse: collapse; margin-top: 0.6em; }
td, th { text-align: left; padding: 0.3em 1em 0.3em 0; border-bottom: 1px solid #eee; }
a { color: #1f5fa8; }
"""


def write_index(path: Path, jobs: Sequence[Job], results: dict[int, RunResult]) -> None:
    """index.html: per scenario, the headline numbers and a link to every rendered notebook."""
    esc = html.escape
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!DOCTYPE html>",
        MARKER,
        '<html lang="en"><head><meta charset="utf-8"><title>planner report</title>',
        f"<style>{STYLE}</style></head><body>",
        "<h1>AWS cost and capacity report</h1>",
        f'<p class="meta">Built {esc(now)}. US dollars per month at AWS list prices. '
        "Open the <em>finance</em> pages for tables and charts without code.</p>",
    ]
    snapshot = ""
    for slug in dict.fromkeys(j.slug for j in jobs):
        mine = [j for j in jobs if j.slug == slug]
        summaries = [results[j.index].summary for j in mine if j.index in results]
        total = next((s["total_monthly_usd"] for s in summaries if "total_monthly_usd" in s), None)
        snapshot = snapshot or next(
            (str(s["price_snapshot"]) for s in summaries if "price_snapshot" in s), ""
        )
        parts.append(f"<section><h2>{esc(slug)}</h2>")
        if total is not None:
            parts.append(f'<p class="total">${float(total):,.2f} a month</p>')
        lines = [s["headline"] for s in summaries if s.get("headline")]
        if lines:
            parts.append(
                '<ul class="headlines">'
                + "".join(f"<li>{esc(str(h))}</li>" for h in lines)
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
        parts.append("</table></section>")
    if snapshot:
        parts.append(f'<p class="meta">Price snapshot: {esc(snapshot)}.</p>')
    parts.append("</body></html>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
