"""Benchmark: the full report (every notebook x staging and production) against its floor.

The floor is what the report cannot go below: one papermill run of an empty notebook (kernel
start-up and shut-down) per notebook run, divided by the parallelism. Both are measured in
this run, side by side; the ratio is report time / floor.

    .venv/bin/python benchmarks/report.py [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from planner.importing import without_slow_optional_imports
from planner.notebooks import report as report_module
from planner.notebooks.execute import KERNEL, KERNEL_ARGS, discover
from planner.notebooks.report import DEFAULT_SCENARIOS, build_report


def empty_run_seconds(folder: Path, workers: int, repeat: int) -> float:
    """Median wall time of one papermill run of an empty notebook, ``workers`` at a time."""
    with without_slow_optional_imports():
        import papermill as pm

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    source = folder / "empty.ipynb"
    nbformat.write(nb, source)

    def one(i: int) -> float:
        start = time.perf_counter()
        pm.execute_notebook(
            str(source),
            str(folder / f"empty-{i}.ipynb"),
            kernel_name=KERNEL,
            progress_bar=False,
            extra_arguments=KERNEL_ARGS,
        )
        return time.perf_counter() - start

    one(-1)  # warm the disk cache like the report's first run
    with ThreadPoolExecutor(max_workers=workers) as pool:
        times = list(pool.map(one, range(repeat * workers)))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = len(discover()) * len(DEFAULT_SCENARIOS)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        empty = empty_run_seconds(folder, args.workers, args.repeat)
        start = time.perf_counter()
        build_report(DEFAULT_SCENARIOS, folder / "reports", workers=args.workers, progress=_quiet)
        report = time.perf_counter() - start
    floor = runs * empty / args.workers
    parts = dict(report_module.TIMINGS)
    busy = sum(parts.values())
    print("where the time goes (seconds summed over workers; shares of their sum):")
    for name, seconds in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<44}{seconds:6.2f} s {seconds / busy:6.1%}")
    print(f"notebook runs:           {runs} ({args.workers} at a time)")
    print(f"empty notebook run:      {empty:.2f} s (median, {args.workers} at a time)")
    print(f"floor:                   {floor:.2f} s = {runs} x {empty:.2f} / {args.workers}")
    print(f"full report:             {report:.2f} s (execute + HTML + index + swap)")
    print(f"ratio report / floor:    {report / floor:.2f}x")
    print(f"report: ratio={report / floor:.2f} floor_s={floor:.2f} report_s={report:.2f}")


def _quiet(_line: str) -> None:
    pass


if __name__ == "__main__":
    main()
