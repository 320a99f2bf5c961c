"""The installed package works on its own: build the wheel, install it into a fresh virtual
environment outside the repository, and run the main commands from an empty folder.

Nothing of the repository is on the path there: the price snapshot, the scenarios, the
notebooks and the report templates must all come from the wheel.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

from planner.notebooks.execute import discover

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("wheel")]

UV = Path(sys.executable).parent / "uv"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stderr}"
    return done


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built once for this module (an isolated build, as a release does)."""
    assert UV.is_file(), f"{UV} is missing: make setup installs uv into the virtual environment"
    dist = tmp_path_factory.mktemp("dist")
    _run([str(UV), "build", "-q", "--wheel", "-o", str(dist), str(REPO)], dist, _env())
    wheels = list(dist.glob("planner-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_ships_the_snapshot_and_scenarios(wheel: Path) -> None:
    manifest_file = REPO / "pricing" / "snapshot" / "manifest.json"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        prefix = "planner/_pricing/snapshot/"
        manifest = json.loads(zf.read(prefix + "manifest.json"))
        assert manifest == json.loads(manifest_file.read_text())
        for entry in manifest["services"].values():
            data = zf.read(prefix + entry["file"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert "planner/_scenarios/staging.yaml" in names
        assert "planner/_scenarios/production.yaml" in names


def test_installed_wheel_prices_runs_and_reports(wheel: Path, tmp_path: Path) -> None:
    env = _env()
    venv, work = tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    wheels = [wheel]
    _run([str(UV), "venv", "-q", "--python", sys.executable, str(venv)], tmp_path, env)
    python = venv / "bin" / "python"
    _run(
        [
            str(UV),
            "pip",
            "install",
            "-q",
            # hard links into uv's cache: the same files as a copy, without copying
            # jupyterlab and pandas (or compiling them) for one test
            "--link-mode",
            "hardlink",
            "--python",
            str(python),
            str(wheels[0]),
        ],
        tmp_path,
        env,
    )
    planner = str(venv / "bin" / "planner")

    # the package imports from the venv, not from the repository
    where = _run([str(python), "-c", "import planner; print(planner.__file__)"], work, env)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout

    price = json.loads(_run([planner, "price", "--format", "json"], work, env).stdout)
    assert price["scenario"] == "staging" and not price["missing_prices"]
    assert price["total_monthly_usd"] > 0

    out = work / "run" / "cost_overview.ipynb"
    (work / "run").mkdir()
    _run([planner, "run", "cost_overview", "-o", str(out)], work, env)
    assert out.is_file() and out.with_suffix(".finance.html").is_file()

    report = work / "report"
    _run([planner, "report", "staging", "--out", str(report)], work, env)
    assert (report / "index.html").is_file()
    pages = sorted(p.name for p in (report / "staging").glob("*.finance.html"))
    notebooks = sorted(p.stem for p in discover(REPO / "notebooks"))
    assert pages == [f"{n}.finance.html" for n in notebooks]
