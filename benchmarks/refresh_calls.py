"""GetProducts calls against rows for a ``--scenario`` refresh, next to a whole-region one.

Runs ``planner prices refresh`` in-process against the tests' local Price List endpoint
(127.0.0.1, AWS JSON 1.1) serving the staging records, once with ``--scenario`` and once
with ``--region`` for the same services, and counts the calls each made.
``python benchmarks/refresh_calls.py [SCENARIO]``. Last line:
``refresh_calls: ... ratio=<rows per call, scenario refresh>``.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def refresh(argv: list[str], out: Path) -> tuple[int, int, int, float]:
    from planner.catalog import PriceCatalog
    from planner.cli import main

    start = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["prices", "refresh", *argv, "--out", str(out)])
    if code != 0:
        raise SystemExit(f"refresh failed: {err.getvalue()}")
    entry = PriceCatalog(out).manifest["refreshes"][-1]
    return (
        sum(entry["calls"].values()),
        entry["records"],
        entry["rows"],
        time.perf_counter() - start,
    )


def main(argv: list[str]) -> int:
    from aws_records import staging_records
    from pricing_server import pricing_server

    scenario = argv[0] if argv else str(ROOT / "scenarios" / "staging.yaml")
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_EC2_METADATA_DISABLED="true"
    )
    records = staging_records("us-east-1")
    with (
        tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp,
        pricing_server(records) as server,
    ):
        os.environ["AWS_ENDPOINT_URL_PRICING"] = server.url
        snap = Path(tmp) / "snap"
        shutil.copytree(ROOT / "pricing" / "snapshot", snap)
        s_calls, s_records, s_rows, s_time = refresh(["--scenario", scenario], snap)
        r_calls, r_records, r_rows, r_time = refresh(["--region", "us-east-1"], snap)
    print(
        f"--scenario refresh: {s_calls} GetProducts calls, {s_records} records, "
        f"{s_rows} rows, {s_time:.1f} s"
    )
    print(
        f"--region refresh:   {r_calls} GetProducts calls, {r_records} records, "
        f"{r_rows} rows, {r_time:.1f} s"
    )
    print(
        f"refresh_calls: scenario_calls={s_calls} scenario_rows={s_rows} region_calls={r_calls} "
        f"region_rows={r_rows} rows_per_call={s_rows / s_calls:.2f} ratio={s_rows / s_calls:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
