"""Cost of checking the snapshot files' sha256 on load, as ``planner price`` does.

Prices the bundled staging scenario with a fresh catalog, with the check and with it
patched out, interleaved, and compares the medians. ``python benchmarks/snapshot_verify.py
[REPETITIONS]``. Last line: ``snapshot_verify: ... ratio=<with / without>``. (For the whole
command's start-up against ``import pandas`` see benchmarks/startup.py.)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    from planner.catalog import PriceCatalog
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    repetitions = int(argv[0]) if argv else 15
    scenario = load_scenario(str(ROOT / "scenarios" / "staging.yaml"))
    snapshot = ROOT / "pricing" / "snapshot"
    check = PriceCatalog._check

    def run(verify: bool) -> float:
        PriceCatalog._check = check if verify else (lambda self, entry: None)  # type: ignore[method-assign]
        start = time.perf_counter()
        price_scenario(scenario, PriceCatalog(snapshot))
        return time.perf_counter() - start

    run(True), run(False)  # warm caches and imports
    with_s, without_s = [], []
    for _ in range(repetitions):
        with_s.append(run(True))
        without_s.append(run(False))
    PriceCatalog._check = check  # type: ignore[method-assign]
    a, b = statistics.median(with_s), statistics.median(without_s)
    print(f"price staging, sha256 checked:  median {a * 1000:.1f} ms over {repetitions} runs")
    print(f"price staging, no sha256 check: median {b * 1000:.1f} ms over {repetitions} runs")
    print(
        f"snapshot_verify: with_ms={a * 1000:.1f} without_ms={b * 1000:.1f} "
        f"extra_ms={(a - b) * 1000:.1f} ratio={a / b:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
