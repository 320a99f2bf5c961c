"""Start-up time of ``planner price`` as a ratio to ``python -c "import pandas"``.

Both run as subprocesses, interleaved, several times in the same run; the medians are
compared. Aim: <= 1.5x. ``python benchmarks/startup.py [REPETITIONS]``
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
TARGET = 1.5


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def medians(first: list[str], second: list[str], repetitions: int) -> tuple[float, float]:
    """Median seconds of two commands, run interleaved after one warm-up run each."""
    timed(first), timed(second)  # warm the file cache
    first_s: list[float] = []
    second_s: list[float] = []
    for _ in range(repetitions):
        first_s.append(timed(first))
        second_s.append(timed(second))
    return statistics.median(first_s), statistics.median(second_s)


def main(argv: list[str]) -> int:
    repetitions = int(argv[0]) if argv else 9
    planner = [str(BIN / "planner"), "price", "--format", "json"]
    pandas = [sys.executable, "-c", "import pandas"]
    p, q = medians(planner, pandas, repetitions)
    ratio = p / q
    verdict = "ok" if ratio <= TARGET else f"over the {TARGET}x target"
    print(f"planner price --format json: median {p * 1000:.0f} ms over {repetitions} runs")
    print(f"python -c 'import pandas':   median {q * 1000:.0f} ms over {repetitions} runs")
    print(f"ratio: {ratio:.2f}x ({verdict}; target <= {TARGET}x)")
    print(f"startup: ratio={ratio:.2f} planner_ms={p * 1000:.0f} import_pandas_ms={q * 1000:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
