"""``import-offer`` throughput and peak RSS on a generated offer file, against ``json.load``.

Generates an EC2 offer file in AWS's format (the real m5.large record's products and terms,
repeated as Windows "filler" products planner skips, plus the staging records), streams it
with :func:`planner.prices.offer_file.import_offers` in a child process, and ``json.load``s
a file of ``--json-mb`` in another child; each child reports its own peak RSS.

``python benchmarks/import_offer.py [--mb 100] [--json-mb 100]``; the issue's size is
``--mb 1000``. Last line: ``import_offer: ... ratio=<import MB/s / json.load MB/s>``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

CHILD_IMPORT = """
import resource, sys, time
from pathlib import Path
from planner.prices.offer_file import import_offers
start = time.perf_counter()
rows, summary = import_offers([Path(sys.argv[1])])
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(rows))
"""
CHILD_JSON = """
import json, resource, sys, time
start = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    doc = json.load(handle)
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(doc["products"]))
"""


def generate(path: Path, megabytes: float) -> int:
    """An offer file of about ``megabytes`` MB; returns the number of filler products."""
    from aws_records import m5_large_record, offer_file, staging_records

    record = m5_large_record()
    per_product = len(json.dumps(record["product"])) + len(json.dumps(record["terms"]))
    filler = max(1, int(megabytes * 1e6 / per_product))
    offer_file("AmazonEC2", staging_records("us-east-1")["AmazonEC2"], path, filler=filler)
    return filler


def child(code: str, path: Path) -> tuple[float, float, int]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=100, help="offer file size to stream (MB)")
    parser.add_argument("--json-mb", type=float, default=100, help="json.load file size (MB)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
        big, small = Path(tmp) / "big.json", Path(tmp) / "small.json"
        t0 = time.perf_counter()
        generate(big, args.mb)
        generate(small, args.json_mb)
        print(
            f"generated {big.stat().st_size / 1e6:.0f} MB and {small.stat().st_size / 1e6:.0f} MB "
            f"offer files in {time.perf_counter() - t0:.1f} s"
        )
        size_big, size_small = big.stat().st_size / 1e6, small.stat().st_size / 1e6
        j_s, j_rss, _ = child(CHILD_JSON, small)
        i_s, i_rss, rows = child(CHILD_IMPORT, big)
    i_mbps, j_mbps = size_big / i_s, size_small / j_s
    print(
        f"import-offer: {size_big:.0f} MB in {i_s:.1f} s = {i_mbps:.1f} MB/s, peak RSS "
        f"{i_rss:.0f} MB, {rows} rows kept"
    )
    print(
        f"json.load:    {size_small:.0f} MB in {j_s:.1f} s = {j_mbps:.1f} MB/s, peak RSS "
        f"{j_rss:.0f} MB"
    )
    verdict = "ok" if i_rss < 200 else "over the 200 MB target"
    print(
        f"import_offer: file_mb={size_big:.0f} mb_per_s={i_mbps:.1f} peak_rss_mb={i_rss:.0f} "
        f"json_load_mb={size_small:.0f} json_load_mb_per_s={j_mbps:.1f} "
        f"json_load_peak_rss_mb={j_rss:.0f} rss_target=200 ({verdict}) "
        f"ratio={i_mbps / j_mbps:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
