"""One output writer for every command: what `price -o` always did, now everywhere.

For each command that writes a file (a table, a Parquet bill, a usage file, an overlay, a
notebook), the same hostile targets: a read-only file is refused and kept; a symlink is
followed and stays a symlink; a FIFO stays a FIFO (written through); a device node stays a
device node; the command's own input is refused and kept. Before, `actuals import -o`,
`usage import --out` and `run -o` replaced them blindly, and `price s.yaml -o s.yaml`,
`forecast s.yaml -o s.yaml` and `actuals rebase s.yaml -o s.yaml` overwrote the scenario.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile.hostile_cases import REPO, STAGING
from planner.cli import main

CUR2 = REPO / "scenarios" / "actuals" / "cur2" / "sample-cur2-2025-08_2025-10.parquet"


def _usage_dir(tmp: Path) -> Path:
    folder = tmp / "exports" / "rds" / "postgres"
    folder.mkdir(parents=True)
    rows = "".join(f"2025-10-01T{h:02d}:00:00Z,{20 + h}\n" for h in range(24))
    (folder / "CPUUtilization.csv").write_text("timestamp,value\n" + rows)
    return tmp / "exports"


# command name -> argv builder given (tmp, output path)
WRITERS: dict[str, Callable[[Path, str], list[str]]] = {
    "price": lambda tmp, out: ["price", "staging", "-o", out],
    "actuals-import": lambda tmp, out: ["actuals", "import", str(CUR2), "-o", out],
    "usage-import": lambda tmp, out: ["usage", "import", str(_usage_dir(tmp)), "--out", out],
    "forecast": lambda tmp, out: ["forecast", "staging", "--months", "2", "-o", out],
    "variance": lambda tmp, out: ["variance", "staging", "--actuals", "sample", "-o", out],
    "capacity": lambda tmp, out: ["capacity", "staging", "-o", out],
    "commitments": lambda tmp, out: ["commitments", "staging", "-o", out],
    "rebase": lambda tmp, out: ["actuals", "rebase", "staging", "--actuals", "sample", "-o", out],
}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(argv)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_read_only_file_is_refused_and_kept(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "keep.out"
    target.write_text("mine\n")
    target.chmod(0o444)
    code, err = _run(WRITERS[command](tmp_path, str(target)), capsys)
    assert code == 2, err
    assert "read-only" in err.splitlines()[-1]
    assert target.read_text() == "mine\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_symlink_is_followed_and_stays_a_symlink(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real.out"
    real.write_text("old\n")
    link = tmp_path / "link.out"
    link.symlink_to(real.name)
    code, err = _run(WRITERS[command](tmp_path, str(link)), capsys)
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.read_bytes() != b"old\n" and real.stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_fifo_stays_a_fifo(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe.out"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            got.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    code, err = _run(WRITERS[command](tmp_path, str(fifo)), capsys)
    if code != 0:  # unblock the reader
        with open(fifo, "wb"):
            pass
    thread.join(30)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and len(got[0]) > 0


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device needs root")
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_device_node_stays_a_device(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a /dev/null of our own
    code, err = _run(WRITERS[command](tmp_path, str(null)), capsys)
    assert code == 0, err
    assert stat.S_ISCHR(os.lstat(null).st_mode)


SELF: dict[str, Callable[[Path], tuple[list[str], Path]]] = {
    "price": lambda t: (["price", str(t / "s.yaml"), "-o", str(t / "s.yaml")], t / "s.yaml"),
    "forecast": lambda t: (["forecast", str(t / "s.yaml"), "-o", str(t / "s.yaml")], t / "s.yaml"),
    "capacity": lambda t: (["capacity", str(t / "s.yaml"), "-o", str(t / "s.yaml")], t / "s.yaml"),
    "rebase": lambda t: (
        ["actuals", "rebase", str(t / "s.yaml"), "--actuals", "sample", "-o", str(t / "s.yaml")],
        t / "s.yaml",
    ),
    "rebase-extended-base": lambda t: (
        ["actuals", "rebase", str(t / "o.yaml"), "--actuals", "sample", "-o", str(t / "s.yaml")],
        t / "s.yaml",
    ),
    "actuals-import": lambda t: (
        ["actuals", "import", str(t / "bill.parquet"), "-o", str(t / "bill.parquet")],
        t / "bill.parquet",
    ),
    "variance": lambda t: (
        [
            "variance",
            "staging",
            "--actuals",
            str(t / "bill.parquet"),
            "-o",
            str(t / "bill.parquet"),
        ],
        t / "bill.parquet",
    ),
    "sweep-grid": lambda t: (
        ["sweep", "staging", "--grid", str(t / "grid.yaml"), "-o", str(t / "grid.yaml")],
        t / "grid.yaml",
    ),
    "price-through-symlink": lambda t: (
        ["price", str(t / "s.yaml"), "-o", str(t / "alias.txt")],
        t / "s.yaml",
    ),
    "alerts-forecast": lambda t: (
        ["alerts", "staging", "--forecast", str(t / "fc.csv"), "-o", str(t / "fc.csv")],
        t / "fc.csv",
    ),
}


@pytest.mark.parametrize("case", sorted(SELF))
def test_a_command_never_overwrites_its_own_input(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "s.yaml").write_text(STAGING.read_text())
    (tmp_path / "o.yaml").write_text("extends: s.yaml\n")
    (tmp_path / "bill.parquet").write_bytes(CUR2.read_bytes())
    (tmp_path / "grid.yaml").write_text(
        "node_groups:\n  general:\n    instance_types: [t3.medium, t3.large]\n"
    )
    (tmp_path / "fc.csv").write_text("month,monthly_usd\n2026-01,815.76\n")
    (tmp_path / "alias.txt").symlink_to("s.yaml")
    argv, victim = SELF[case](tmp_path)
    before = victim.read_bytes()
    code, err = _run(argv, capsys)
    assert code == 2, err
    assert "its own input" in err.splitlines()[-1], err
    assert victim.read_bytes() == before


def test_run_refuses_a_read_only_notebook_before_executing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Checked before minutes of kernel work (and again when written)."""
    target = tmp_path / "ro.ipynb"
    target.write_text("{}")
    target.chmod(0o444)
    code, err = _run(["run", "cost_overview", "--scenario", "staging", "-o", str(target)], capsys)
    assert code == 2 and "read-only" in err
    assert target.read_text() == "{}"


def test_several_outputs_are_replaced_together_or_not_at_all(tmp_path: Path) -> None:
    """A notebook and its two pages: a failure producing the last leaves all three as they
    were (the renames happen only once every content is produced)."""
    from planner.errors import PlannerError
    from planner.output import write_files

    paths = [tmp_path / n for n in ("a.ipynb", "a.html", "a.finance.html")]
    for p in paths:
        p.write_text("old\n")

    def fail(_path: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(PlannerError, match="No space left on device"):
        write_files(
            [
                (paths[0], _text("new\n")),
                (paths[1], _text("new\n")),
                (paths[2], fail),
            ]
        )
    assert [p.read_text() for p in paths] == ["old\n"] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)


def test_an_interrupted_run_does_not_claim_unchanged_outputs(tmp_path: Path) -> None:
    """cancel_writes reports what was written; no write starts after it."""
    from planner.output import cancel_writes, forget_inputs, write_files

    forget_inputs()
    first = tmp_path / "first.txt"
    write_files([(first, _text("x"))])
    assert cancel_writes() == [str(first)]  # `planner run` then says what it replaced
    late = tmp_path / "late.txt"
    with pytest.raises(KeyboardInterrupt):
        write_files([(late, _text("x"))])
    assert not late.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["first.txt"]
    forget_inputs()


def _text(content: str) -> Callable[[Path], None]:
    def produce(path: Path) -> None:
        path.write_text(content)

    return produce
