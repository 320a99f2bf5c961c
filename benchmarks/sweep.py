"""Sweep throughput: vectorised variants/s vs the scalar Decimal engine, same run.

    python benchmarks/sweep.py          # small grid (~40,000 variants), a 60-variant sample
    python benchmarks/sweep.py --full   # ~1,000,000 variants (40 x 40 types, 8 purchases,
                                        # 10 schedules), a 200-variant sample

The vector time is the array computation over every variant; the set-up (one capacity run per
type combination, the fixed services priced once per schedule) is reported apart. The scalar
engine prices a random sample of the same variants one by one (capacity model + Decimal
pricing, what `planner price` does); both are compared to the cent on that sample.
Peak memory: tracemalloc's peak during the sweep (numpy reports its arrays to it) and the
process's maximum resident set size.
"""

from __future__ import annotations

import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.catalog import default_catalog  # noqa: E402
from planner.commitments.grid import Grid  # noqa: E402
from planner.commitments.sweep import run_grid, scalar_cost  # noqa: E402
from planner.money import cents  # noqa: E402
from planner.scenario import load_scenario  # noqa: E402
from planner.topology import Schedule  # noqa: E402

TYPES = [
    "t3.medium", "t3.large", "t3.xlarge", "t3a.medium", "t3a.large", "t3a.xlarge",
    "m5.large", "m5.xlarge", "m5.2xlarge", "m5a.large", "m5a.xlarge", "m5a.2xlarge",
    "m6i.large", "m6i.xlarge", "m6i.2xlarge", "m6a.large", "m6a.xlarge", "m6a.2xlarge",
    "m7i.large", "m7i.xlarge", "c5.large", "c5.xlarge", "c5.2xlarge", "c6i.large",
    "c6i.xlarge", "c6i.2xlarge", "c6a.large", "c6a.xlarge", "c6a.2xlarge", "r5.large",
    "r5.xlarge", "r6i.large", "r6i.xlarge", "m5.4xlarge", "m6i.4xlarge", "c5.4xlarge",
    "c6i.4xlarge", "m6a.4xlarge", "r5.2xlarge", "r6i.2xlarge",
]  # fmt: skip
PURCHASES = [
    "on_demand", "spot", "reserved:1yr:no_upfront:standard",
    "reserved:1yr:partial_upfront:standard", "reserved:1yr:all_upfront:standard",
    "reserved:3yr:no_upfront:standard", "reserved:3yr:partial_upfront:standard",
    "reserved:3yr:all_upfront:standard",
]  # fmt: skip


def schedules(n: int) -> list[Schedule]:
    out = [Schedule(name="always")]
    for hours in (8, 10, 12, 14, 16):
        for off in ("min", "zero"):
            out.append(
                Schedule(
                    name=f"{hours}x5-{off}",
                    hours_per_day=hours,
                    days_per_week=5,
                    start_hour=6,
                    node_groups_off=off,
                )
            )
    return out[:n]


def main(argv: list[str]) -> int:
    full = "--full" in argv
    n_types, n_purchases, n_sched, sample = (40, 8, 10, 200) if full else (20, 6, 3, 60)
    grid = Grid.model_validate(
        {
            "node_groups": {
                "general": {"instance_types": TYPES[:n_types]},
                "compute": {"instance_types": TYPES[:n_types]},
            },
            "purchases": PURCHASES[:n_purchases],
            "schedules": [s.model_dump() for s in schedules(n_sched)],
        }
    )
    scenario = load_scenario("staging")
    catalog = default_catalog()
    tracemalloc.start()
    start = time.perf_counter()
    result = run_grid(scenario, grid, catalog)
    total_s = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = result.count
    vector_rate = n / result.seconds_vector
    rng = random.Random(10)
    picks = [rng.randrange(n) for _ in range(sample)]
    start = time.perf_counter()
    scalar = [scalar_cost(scenario, grid, result, i, catalog) for i in picks]
    scalar_s = time.perf_counter() - start
    scalar_rate = sample / scalar_s
    same = sum(
        1
        for i, v in zip(picks, scalar, strict=True)
        if (v is None and not result.priced[i])
        or (v is not None and result.priced[i] and result.monthly_cents(i) == int(cents(v) * 100))
    )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"variants: {n:,} ({len(result.combos):,} type combinations x {n_purchases}^2 "
        f"purchases x {n_sched} schedules)"
    )
    print(
        f"vector: {result.seconds_vector:.3f} s = {vector_rate:,.0f} variants/s; with set-up "
        f"(capacity per combination): {total_s:.2f} s = {n / total_s:,.0f} variants/s"
    )
    print(
        f"scalar Decimal engine: {sample} variants in {scalar_s:.2f} s = "
        f"{scalar_rate:,.0f} variants/s"
    )
    print(f"identical to the cent on the sample: {same}/{sample}")
    print(f"peak memory: tracemalloc {peak / 2**20:.0f} MiB, max RSS {rss_mb:.0f} MiB")
    print(
        f"sweep: variants={n} vector_per_s={vector_rate:.0f} scalar_per_s={scalar_rate:.1f} "
        f"ratio={vector_rate / scalar_rate:.0f} ratio_with_setup={n / total_s / scalar_rate:.0f} "
        f"same_to_cent={same}/{sample} peak_mib={peak / 2**20:.0f}"
    )
    return 0 if same == sample else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
