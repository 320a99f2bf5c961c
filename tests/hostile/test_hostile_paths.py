"""Hostile file references: extends/workloads_from outside the tree, secrets, cycles, loops."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hostile.hostile_cases import MANIFESTS, STAGING, Case, ids, run_case

SECRET = "s3cr3t-hash-$6$rounds"


def _secret_dir(tmp: Path) -> Path:
    """A folder outside the scenario's tree with files that must never be echoed."""
    outside = tmp / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "shadow").write_text(f"root:{SECRET}:19000:0:99999:7:::\n", encoding="utf-8")
    (outside / "secret.yaml").write_text(f"root: {SECRET}\n", encoding="utf-8")
    (outside / "base.yaml").write_text(STAGING.read_text(encoding="utf-8"), encoding="utf-8")
    return outside


def _scenario(tmp: Path, text: str, name: str = "s.yaml") -> Path:
    folder = tmp / "scenarios"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def extends_abs(target: str, *extra: str) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        _secret_dir(tmp)
        return ["price", str(_scenario(tmp, f"extends: {target}\nname: x\n")), *extra]

    return make


def extends_outside(name: str, *, allow: bool) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        outside = _secret_dir(tmp)
        path = _scenario(tmp, f"extends: ../outside/{name}\nname: x\n")
        return ["price", str(path), *(["--allow-path", str(outside)] if allow else [])]

    return make


def cycle(tmp: Path) -> list[str]:
    _scenario(tmp, "extends: b.yaml\nname: a\n", "a.yaml")
    _scenario(tmp, "extends: c.yaml\nname: b\n", "b.yaml")
    _scenario(tmp, "extends: a.yaml\nname: c\n", "c.yaml")
    return ["price", str(tmp / "scenarios" / "a.yaml")]


def self_extend(tmp: Path) -> list[str]:
    return ["price", str(_scenario(tmp, "extends: s.yaml\nname: a\n"))]


def deep_chain(tmp: Path) -> list[str]:
    _scenario(tmp, f"extends: {STAGING}\nname: l0\n", "l0.yaml")
    for i in range(1, 13):
        _scenario(tmp, f"extends: l{i - 1}.yaml\nname: l{i}\n", f"l{i}.yaml")
    return ["price", str(tmp / "scenarios" / "l12.yaml")]


def symlink_loop(tmp: Path) -> list[str]:
    folder = tmp / "scenarios"
    folder.mkdir()
    (folder / "loop1.yaml").symlink_to(folder / "loop2.yaml")
    (folder / "loop2.yaml").symlink_to(folder / "loop1.yaml")
    return ["price", str(folder / "loop1.yaml")]


def symlink_loop_in_extends(tmp: Path) -> list[str]:
    symlink_loop(tmp)
    return ["price", str(_scenario(tmp, "extends: loop1.yaml\nname: x\n"))]


def symlink_escape(tmp: Path) -> list[str]:
    """A symlink inside the tree that points outside it is outside."""
    outside = _secret_dir(tmp)
    folder = tmp / "scenarios"
    folder.mkdir()
    (folder / "innocent.yaml").symlink_to(outside / "secret.yaml")
    return ["price", str(_scenario(tmp, "extends: innocent.yaml\nname: x\n"))]


def workloads_from(target: str, *, allow: bool = False) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        outside = _secret_dir(tmp)
        text = f"extends: {STAGING}\neks:\n  workloads: []\n  workloads_from: {target}\n"
        args = ["capacity", str(_scenario(tmp, text))]
        return [*args, "--allow-path", str(outside)] if allow else args

    return make


def extends_not_a_string(tmp: Path) -> list[str]:
    return ["price", str(_scenario(tmp, "extends: {a: 1}\nname: x\n"))]


def allow_path_missing(tmp: Path) -> list[str]:
    path = _scenario(tmp, f"extends: {STAGING}\nname: x\n")
    return ["price", str(path), "--allow-path", str(tmp / "nope")]


CASES = [
    Case(
        "extends-etc-shadow",
        extends_abs("/etc/shadow"),
        2,
        "extends: '/etc/shadow' resolves to /etc/shadow, outside the scenario's folder",
        absent=("root:",),
    ),
    Case(
        "extends-outside-tree",
        extends_outside("shadow", allow=False),
        2,
        "pass --allow-path DIR",
        absent=(SECRET,),
    ),
    Case(
        "extends-non-yaml-even-if-allowed",
        extends_outside("shadow", allow=True),
        2,
        "'../outside/shadow' is not a scenario file (.yaml or .yml)",
        absent=(SECRET,),
    ),
    Case(
        "extends-yaml-non-scenario-allowed",
        extends_outside("secret.yaml", allow=True),
        2,
        "secret.yaml",
        absent=(SECRET,),
    ),
    Case("extends-symlink-escape", symlink_escape, 2, "outside the scenario's folder"),
    Case("extends-cycle", cycle, 2, "extends itself through a cycle: a.yaml -> b.yaml -> c.yaml"),
    Case("extends-self", self_extend, 2, "cycle: s.yaml -> s.yaml"),
    Case("extends-too-deep", deep_chain, 2, "more than 10 levels deep"),
    Case("extends-not-a-path", extends_not_a_string, 2, "extends: a dict is not a path"),
    Case("symlink-loop", symlink_loop, 2, "cannot resolve the path: Symlink loop"),
    Case("symlink-loop-in-extends", symlink_loop_in_extends, 2, "Symlink loop"),
    Case(
        "workloads-from-outside",
        workloads_from("/etc"),
        2,
        "eks.workloads_from: '/etc' resolves to /etc, outside the scenario's folder",
    ),
    Case(
        "workloads-from-relative-escape",
        workloads_from("../outside"),
        2,
        "outside the scenario's folder",
    ),
    Case("allow-path-missing", allow_path_missing, 2, "--allow-path: is not a folder"),
]


@pytest.mark.parametrize("case", ids(CASES))
def test_hostile_paths(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_case(case, tmp_path, capsys)


def test_allow_path_admits_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = Case("allowed", extends_outside("base.yaml", allow=True), 0, "")
    run_case(ok, tmp_path, capsys)


def test_bundled_manifests_are_inside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = Case("bundled-manifests", workloads_from(str(MANIFESTS)), 0, "")
    run_case(ok, tmp_path, capsys)
