"""The two sides of a diff: a scenario, a Terraform plan or ``.tf`` folder, possibly at a git
ref (the whole repository at that commit is laid out in a temporary folder, so ``extends:``,
``workloads_from:`` and Terraform modules resolve as they did then)."""

from __future__ import annotations

import datetime as dt
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.errors import InputError

if TYPE_CHECKING:
    from planner.scenario import Scenario
    from planner.terraform.importer import Imported


@dataclass(frozen=True)
class Side:
    """One side as read: its label (``path`` or ``path@ref``), scenario and import notes."""

    label: str
    scenario: Scenario
    imported: Imported | None = None


@dataclass(frozen=True)
class ReadOptions:
    usage_file: Path | None = None
    as_of: dt.date | None = None
    region: str | None = None
    allow_paths: tuple[str, ...] = ()


def is_terraform(spec: Path) -> bool:
    return spec.is_dir() or spec.suffix == ".json"


def read_side(spec: str, options: ReadOptions, *, label: str | None = None) -> Side:
    """A scenario (YAML or bundled name), a plan JSON, or a folder of ``.tf`` files."""
    path = Path(spec)
    if is_terraform(path):
        from planner.terraform.importer import import_terraform

        imported = import_terraform(
            path,
            usage_path=options.usage_file,
            as_of=options.as_of,
            region=options.region,
        )
        return Side(label or spec, imported.scenario, imported)
    from planner.scenario import load_scenario

    return Side(label or spec, load_scenario(spec, allow_paths=options.allow_paths))


def at_ref(spec: str, ref: str, workdir: Path) -> Path:
    """Where ``spec`` is in a copy of its repository at ``ref`` (laid out under ``workdir``)."""
    from planner.scenario import resolve_scenario_path

    path = Path(spec) if is_terraform(Path(spec)) else resolve_scenario_path(spec)
    path = path.resolve()
    folder = path if path.is_dir() else path.parent
    top = _git(folder, "rev-parse", "--show-toplevel", what=f"{spec}: not in a git repository")
    root = Path(top.strip())
    relative = path.relative_to(root)
    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", what=_bad_ref(ref, root))
    archive = subprocess.Popen(
        ["git", "-C", str(root), "archive", "--format=tar", ref],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert archive.stdout is not None
    try:
        with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
            tar.extractall(workdir, filter="data")
        # the tar stream ends before git's block padding: read it, or git dies of SIGPIPE
        while archive.stdout.read(65536):
            pass
    except (tarfile.TarError, OSError) as exc:
        raise InputError(f"--base-ref {ref}: cannot lay out {root} at {ref}: {exc}") from None
    finally:
        archive.stdout.close()
        stderr = archive.stderr.read().decode(errors="replace") if archive.stderr else ""
        if archive.stderr is not None:
            archive.stderr.close()
        code = archive.wait()
    if code != 0:
        raise InputError(f"--base-ref {ref}: git archive failed: {_first(stderr)}")
    target = workdir / relative
    if not target.exists():
        raise InputError(
            f"--base-ref {ref}: {relative} does not exist at {ref} (a new file has no base; "
            "compare with an empty or older scenario instead)"
        )
    return target


def _bad_ref(ref: str, root: Path) -> str:
    return f"--base-ref {ref}: not a commit in {root} (fetch it first, e.g. git fetch origin)"


def _git(folder: Path, *args: str, what: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise InputError("--base-ref needs git, which is not installed") from None
    if done.returncode != 0:
        detail = _first(done.stderr)
        raise InputError(what + (f" ({detail})" if detail else ""))
    return done.stdout


def _first(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[0][:200] if lines else ""
