"""The capacity range (HPA min / expected / max priced) honours ``allow_missing``.

Staging with 61,440 GB of S3 Standard: the bundled catalog prices the first 50 TB tier but
has no price for the next 450 TB tier, so the S3 line needs ``allow_missing`` (as
``planner price --allow-missing`` does, tests/hostile/test_hostile_pricing.py). The capacity
range prices the same lines once per state, so it must pass the flag on: with it, every state
is priced and the missing price is flagged; without it, one error names the scenario file and
the missing item.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SCENARIOS_DIR

from planner.errors import PriceNotFoundError
from planner.pricing import price_states, scenario_capacity_range
from planner.scenario import Scenario, load_scenario


def _big_s3(tmp_path: Path) -> Scenario:
    path = tmp_path / "s3.yaml"
    base = (SCENARIOS_DIR / "staging.yaml").resolve()
    path.write_text(f"extends: {base}\ns3:\n  storage_gb: 61440\n", encoding="utf-8")
    return load_scenario(path)


def test_capacity_range_with_allow_missing_prices_every_state(tmp_path: Path) -> None:
    scenario = _big_s3(tmp_path)
    result, costs = scenario_capacity_range(scenario, allow_missing=True)
    assert sorted(costs) == ["expected", "max", "min"]
    # staging's node counts (tests/test_capacity_plan.py::test_staging_numbers)
    assert costs["min"].nodes == {"general": 2, "compute": 1}
    assert costs["max"].nodes == {"general": 4, "compute": 2}
    assert result.nodes("max") == {"general": 4, "compute": 2}
    reports = price_states(scenario.topology, result, allow_missing=True)
    for state, report in reports.items():
        s3 = [ln for ln in report.lines if ln.resource == "s3"]
        assert [ln.missing for ln in s3] == [False, True], state


def test_capacity_range_without_allow_missing_names_the_file(tmp_path: Path) -> None:
    scenario = _big_s3(tmp_path)
    with pytest.raises(PriceNotFoundError) as info:
        scenario_capacity_range(scenario)
    message = str(info.value)
    assert message.startswith(f"{scenario.path}: ")
    assert "next 450 TB tier" in message
