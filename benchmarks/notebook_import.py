"""Import time of what ``planner report`` and ``planner run`` load to read and execute
notebooks (nbformat, papermill), with planner's guard against jsonschema's slow optional IRI
checker against without it (a plain ``import nbformat, papermill``).

Both run as subprocesses, interleaved, several times in the same run; the medians are
compared. ``python benchmarks/notebook_import.py [REPETITIONS]``
"""

from __future__ import annotations

import sys

from startup import medians


def main(argv: list[str]) -> int:
    repetitions = int(argv[0]) if argv else 7
    guarded = [sys.executable, "-c", "import planner.notebooks, nbformat, papermill"]
    plain = [sys.executable, "-c", "import nbformat, papermill"]
    g, p = medians(guarded, plain, repetitions)
    print(f"import planner.notebooks, nbformat, papermill: median {g * 1000:.0f} ms")
    print(f"import nbformat, papermill:                    median {p * 1000:.0f} ms")
    print(
        f"notebook_import: repetitions={repetitions} planner_ms={g * 1000:.0f} "
        f"plain_ms={p * 1000:.0f} ratio={g / p:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
