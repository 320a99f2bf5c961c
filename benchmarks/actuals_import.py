"""Import + aggregate a generated CUR 2.0 export: DuckDB (the planner's SQL) vs pandas.

    python benchmarks/actuals_import.py            # 1,000,000 line items (default)
    python benchmarks/actuals_import.py --full     # 10,000,000 line items, as the issue asks

Each side runs in its own child process, so its peak memory (ru_maxrss) is its own. DuckDB
runs with memory_limit 512MB and 2 threads (a shared 2-core machine). pandas reads only the
columns the SQL reads (a fair, careful user) and sums floats; DuckDB sums DECIMAL(38,10).
Both group by month, service and usage type, and their totals are compared to the cent.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

CHILD = r"""
import json, sys, time
from decimal import Decimal
path, engine = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if engine == "duckdb":
    from planner.actuals.imports import import_exports
    table = import_exports([path], memory_limit="512MB", threads=2)
    groups = {}
    for month, service, usage, cost in zip(*(table.column(c).to_pylist() for c in
            ("month", "service", "usage_type", "unblended_usd"))):
        key = (month, service, usage)
        groups[key] = groups.get(key, Decimal(0)) + cost
    total = sum(groups.values(), Decimal(0))
else:
    import pandas as pd
    cols = ["bill_billing_period_start_date", "product_servicecode", "line_item_product_code",
            "line_item_usage_type", "line_item_operation", "line_item_resource_id",
            "resource_tags", "line_item_line_item_type", "pricing_term", "pricing_unit",
            "line_item_usage_amount", "line_item_unblended_cost",
            "pricing_public_on_demand_cost", "savings_plan_savings_plan_a_r_n",
            "reservation_reservation_a_r_n"]
    df = pd.read_parquet(path, columns=cols)
    df["month"] = df["bill_billing_period_start_date"].dt.strftime("%Y-%m")
    df["service"] = df["product_servicecode"].fillna(df["line_item_product_code"])
    agg = df.groupby(["month", "service", "line_item_usage_type", "line_item_resource_id"],
                     dropna=False)[["line_item_unblended_cost", "line_item_usage_amount",
                                    "pricing_public_on_demand_cost"]].sum()
    groups = agg.groupby(level=[0, 1, 2])["line_item_unblended_cost"].sum()
    total = Decimal(repr(float(groups.sum())))
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "groups": len(groups), "total": str(total)}))
"""


GENERATE = r"""
import json, sys
from pathlib import Path
from planner.actuals.synthetic import write_cur2
totals = write_cur2(Path(sys.argv[1]), int(sys.argv[2]))
print(json.dumps({k: str(v) for k, v in totals.items()}))
"""


def run(path: Path, engine: str) -> dict[str, float | int | str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), engine], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{engine} child failed ({proc.returncode})")
    result: dict[str, float | int | str] = json.loads(out)
    result["peak_mib"] = usage.ru_maxrss / 1024  # Linux: KiB
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--full", action="store_true", help="10,000,000 line items")
    args = parser.parse_args()
    rows = 10_000_000 if args.full else args.rows
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
        path = Path(tmp) / "cur2.parquet"
        start = time.perf_counter()
        # generated in a child: a forked child's ru_maxrss starts at the parent's RSS
        made_out = subprocess.run(
            [sys.executable, "-c", GENERATE, str(path), str(rows)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        expected = {k: Decimal(v) for k, v in json.loads(made_out).items()}
        made = time.perf_counter() - start
        size_mib = path.stat().st_size / 2**20
        print(
            f"generated {rows:,} CUR 2.0 line items: {size_mib:.0f} MiB Parquet in {made:.1f} s",
            flush=True,
        )
        duck = run(path, "duckdb")
        pandas = run(path, "pandas")
    exact = str(sum(expected.values()))
    print(f"{'engine':<8} {'seconds':>8} {'peak MiB':>9} {'groups':>7}  total")
    for name, r in (("duckdb", duck), ("pandas", pandas)):
        print(
            f"{name:<8} {r['seconds']:>8.2f} {r['peak_mib']:>9.0f} {r['groups']:>7}  {r['total']}"
        )
    cents = Decimal("0.01")
    agree = Decimal(str(duck["total"])).quantize(cents) == Decimal(exact).quantize(cents)
    agree_pd = Decimal(str(pandas["total"])).quantize(cents) == Decimal(exact).quantize(cents)
    print(
        f"actuals_import: rows={rows} duckdb_s={float(duck['seconds']):.2f} "
        f"pandas_s={float(pandas['seconds']):.2f} "
        f"ratio={float(pandas['seconds']) / float(duck['seconds']):.2f} "
        f"duckdb_peak_mib={float(duck['peak_mib']):.0f} "
        f"pandas_peak_mib={float(pandas['peak_mib']):.0f} "
        f"mem_ratio={float(pandas['peak_mib']) / float(duck['peak_mib']):.2f} "
        f"duckdb_exact={agree} pandas_cent={agree_pd}"
    )


if __name__ == "__main__":
    main()
