"""The ``planner`` kernel spec is installed without a window where it is half there.

Jupyter installs a spec by deleting its folder and copying the new one in; two xdist workers
(or two ``planner lab``) doing that at once made one of them fail with ``FileNotFoundError:
logo-64x64.png``, and a kernel starting meanwhile could find no spec. An identical spec is
therefore left alone, and a different one is replaced.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from planner.notebooks.lab import KERNEL_DISPLAY, KERNEL_NAME, _install_spec, install_kernel


def test_an_identical_spec_is_left_alone_and_a_different_one_replaced(tmp_path: Path) -> None:
    data = tmp_path / "share" / "jupyter"
    spec = _install_spec(data, prefix=str(tmp_path))
    assert spec == data / "kernels" / KERNEL_NAME
    kernel = json.loads((spec / "kernel.json").read_text())
    assert kernel["display_name"] == KERNEL_DISPLAY
    assert kernel["argv"][0] == sys.executable
    assert (spec / "logo-64x64.png").is_file()
    stamps = {f.name: f.stat().st_mtime_ns for f in spec.iterdir()}

    _install_spec(data, prefix=str(tmp_path))  # the same spec again: nothing is rewritten
    assert {f.name: f.stat().st_mtime_ns for f in spec.iterdir()} == stamps

    (spec / "kernel.json").write_text("{}")  # a stale spec is replaced whole
    (spec / "logo-64x64.png").unlink()
    _install_spec(data, prefix=str(tmp_path))
    assert json.loads((spec / "kernel.json").read_text()) == kernel
    assert (spec / "logo-64x64.png").is_file()


def test_concurrent_installs_all_succeed() -> None:
    """Four processes install into this environment at once (what two workers did)."""
    code = "from planner.notebooks.lab import install_kernel; install_kernel(user=False)"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [p.communicate()[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    (place,) = install_kernel(user=False)
    assert (place / "kernel.json").is_file() and (place / "logo-64x64.png").is_file()
