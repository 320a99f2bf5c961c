"""Benchmark: a widget change in the explore notebook against ``planner price`` on the same
overlay, measured side by side in one run.

The widget path re-prices in-process (scenario loaded, overlay merged, engine run); the CLI
path is what a user would otherwise do: save the overlay and run ``planner price`` on it.
The goal is a re-price under 0.5 s on this machine.

    .venv/bin/python benchmarks/explore.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from planner.notebooks.explore import Explorer

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each (median)")
    args = parser.parse_args()
    explorer = Explorer("staging")
    sizes = ["t3.large", "t3.medium"]
    widget: list[float] = []
    cli: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.repeat):
            start = time.perf_counter()
            explorer.set_node_group("general", instance_type=sizes[i % 2], nodes=2 + i % 3)
            widget.append(time.perf_counter() - start)
            path = explorer.save(f"bench-{i}", folder=Path(folder))
            start = time.perf_counter()
            subprocess.run(
                [str(BIN / "planner"), "price", str(path), "--format", "json"],
                check=True,
                capture_output=True,
            )
            cli.append(time.perf_counter() - start)
    w, c = statistics.median(widget), statistics.median(cli)
    print(f"widget re-price:        median {w * 1000:.0f} ms over {args.repeat}")
    print(f"planner price overlay:  median {c * 1000:.0f} ms over {args.repeat}")
    goal = "yes" if w < 0.5 else "no"
    print(
        f"explore: ratio={w / c:.3f} widget_ms={w * 1000:.0f} cli_ms={c * 1000:.0f} "
        f"under_0.5s={goal}"
    )


if __name__ == "__main__":
    main()
