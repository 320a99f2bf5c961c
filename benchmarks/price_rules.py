"""Cost of the price rules when the catalog reads a snapshot, as ``planner price`` does.

A gated snapshot (every file's manifest entry carries ``price_rules``, as the builder and a
refresh write it) is not checked again on load; a snapshot written before the gate is. This
prices the bundled staging scenario with a fresh catalog both ways, interleaved, and compares
the medians; it also times the rules over every row of the snapshot (what the builder runs).
``python benchmarks/price_rules.py [REPETITIONS]``. Last line: ``price_rules: ...
ratio=<checked on load / gated>``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    from planner.catalog import PriceCatalog
    from planner.price_rules import check
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    repetitions = int(argv[0]) if argv else 15
    scenario = load_scenario(str(ROOT / "scenarios" / "staging.yaml"))
    snapshot = ROOT / "pricing" / "snapshot"

    def run(gated: bool) -> float:
        catalog = PriceCatalog(snapshot)
        if not gated:  # as a snapshot written before the gate: no "price_rules" mark
            services: dict[str, Any] = catalog.manifest["services"]
            for entry in services.values():
                entry.pop("price_rules", None)
        start = time.perf_counter()
        price_scenario(scenario, catalog)
        return time.perf_counter() - start

    run(True), run(False)  # warm caches and imports
    gated_s, checked_s = [], []
    for _ in range(repetitions):
        gated_s.append(run(True))
        checked_s.append(run(False))
    a, b = statistics.median(checked_s), statistics.median(gated_s)
    catalog = PriceCatalog(snapshot)
    rows = [r for service in catalog.manifest["services"] for r in catalog.rows(service)]
    start = time.perf_counter()
    check(rows)
    whole = time.perf_counter() - start
    print(f"price staging, gated snapshot:       median {b * 1000:.1f} ms over {repetitions} runs")
    print(f"price staging, rules checked on load: median {a * 1000:.1f} ms over {repetitions} runs")
    print(f"the rules over all {len(rows)} rows (the build's gate): {whole * 1000:.0f} ms")
    print(
        f"price_rules: gated_ms={b * 1000:.1f} checked_ms={a * 1000:.1f} "
        f"all_rows_ms={whole * 1000:.0f} ratio={a / b:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
