"""Regenerate the SAMPLE billing exports from the staging plan: python scenarios/actuals/make_sample.py

Sample data, not a real bill: see planner/actuals/sample.py for every deviation, and
SOURCES.md for the layouts. Deterministic: running it again gives the same rows.
"""

from __future__ import annotations

from pathlib import Path

from planner.actuals.sample_files import write_sample
from planner.pricing import price_scenario
from planner.scenario import load_scenario

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    report = price_scenario(load_scenario(HERE.parent / "staging.yaml"))
    for name, path in write_sample(HERE, report.lines).items():
        print(f"{name}: {path.relative_to(HERE.parent.parent)} ({path.stat().st_size:,} bytes)")
