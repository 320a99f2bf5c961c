"""Every mutation area (benchmarks/mutation.py) names test files and modules that exist: a
renamed file would otherwise shrink an area's suite without a word."""

from __future__ import annotations

import importlib.util
import sys

from conftest import REPO


def _areas() -> dict[str, object]:
    spec = importlib.util.spec_from_file_location("mutation", REPO / "benchmarks" / "mutation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mutation", module)
    spec.loader.exec_module(module)
    return dict(module.AREAS)


def test_every_area_names_files_that_exist() -> None:
    areas = _areas()
    assert areas
    for name, area in areas.items():
        for test in area.tests:  # type: ignore[attr-defined]
            assert (REPO / test).is_file(), f"{name}: {test}"
        for pattern in area.modules:  # type: ignore[attr-defined]
            assert list(REPO.glob(pattern)), f"{name}: {pattern}"
