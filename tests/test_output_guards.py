"""The output writer's guards, called directly (planner/output.py): an atomic replace through a
temporary file and a rename, the file's mode kept (or the umask's for a new one), a read-only
file, a folder and the command's own input refused, special files written through, and a
failed write leaving the old file and no temporary file. Then the rule for folders planner
owns (planner/owned.py): only what planner created is replaced.

The same rules seen through whole commands are tests/hostile/test_hostile_outputs.py and
test_hostile_writer.py; these are the fast, direct version.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from planner import output, owned
from planner.errors import PlannerError


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    output.forget_inputs()
    yield
    output.forget_inputs()


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


def _text(content: str) -> Callable[[Path], None]:
    def produce(path: Path) -> None:
        path.write_text(content, encoding="utf-8")

    return produce


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- stdout ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [None, "-"])
def test_no_output_or_dash_prints(
    target: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output.write_output("hello\n", target)
    assert capsys.readouterr().out == "hello\n"
    assert _names(tmp_path) == []


class _Stdout(io.StringIO):
    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error

    def fileno(self) -> int:
        raise ValueError("no file descriptor")  # so stdout is not really redirected


def test_stdout_on_a_full_disk_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout", _Stdout(OSError(28, "No space left on device")))
    with pytest.raises(PlannerError) as caught:
        output.write_output("x", None)
    assert str(caught.value) == "cannot write to standard output: No space left on device"


def test_after_a_failed_write_stdout_points_at_dev_null(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So the interpreter's last flush cannot fail again: stdout's descriptor is /dev/null."""
    fd = os.open(tmp_path / "stdout", os.O_WRONLY | os.O_CREAT)
    try:
        fake = _Stdout(OSError(28, "No space left on device"))
        monkeypatch.setattr(fake, "fileno", lambda: fd)
        monkeypatch.setattr("sys.stdout", fake)
        with pytest.raises(PlannerError):
            output.write_output("x", None)
        assert os.path.samestat(os.fstat(fd), os.stat(os.devnull))
    finally:
        os.close(fd)


def test_a_closed_pipe_on_stdout_is_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout", _Stdout(BrokenPipeError(32, "Broken pipe")))
    with pytest.raises(BrokenPipeError):
        output.write_output("x", "-")


def test_formatted_and_json() -> None:
    def table() -> str:
        return "T"

    def as_json() -> dict[str, object]:
        return {"a": "é", "n": 1}

    def as_csv() -> str:
        return "C"

    # indented by 2, UTF-8 kept (not \u00e9), one trailing newline
    assert output.to_json({"a": "é", "n": 1}) == '{\n  "a": "é",\n  "n": 1\n}\n'
    assert output.formatted("json", table, as_json, as_csv) == '{\n  "a": "é",\n  "n": 1\n}\n'
    assert output.formatted("csv", table, as_json, as_csv) == "C"
    assert output.formatted("csv", table, as_json) == "T"  # no CSV form: the table
    assert output.formatted("table", table, as_json, as_csv) == "T"


# --- a regular file: atomic, mode kept ------------------------------------------------------


def test_a_new_file_gets_0666_less_the_umask(tmp_path: Path, umask: Callable[[int], int]) -> None:
    first = tmp_path / "a.txt"
    assert output.write_file(first, _text("one\n")) == first
    assert first.read_text() == "one\n"
    assert stat.S_IMODE(first.stat().st_mode) == 0o644  # 0o666 & ~0o022
    umask(0o027)
    second = tmp_path / "b.txt"
    output.write_output("two\n", str(second))
    assert stat.S_IMODE(second.stat().st_mode) == 0o640  # 0o666 & ~0o027
    assert umask(0o027) == 0o027  # the writer left the umask as it found it
    assert _names(tmp_path) == ["a.txt", "b.txt"]


def test_an_existing_file_keeps_its_mode_and_is_renamed_into_place(
    tmp_path: Path, umask: Callable[[int], int]
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    target.chmod(0o604)
    inode = target.stat().st_ino
    seen: list[tuple[str, str]] = []

    def produce(path: Path) -> None:
        # written beside the target under a hidden temporary name, never to the target itself
        seen.append((path.parent.name, path.name))
        assert target.read_text() == "old\n"
        path.write_text("new\n")

    output.write_file(target, produce)
    ((folder, name),) = seen
    assert folder == tmp_path.name
    assert name.startswith(".out.txt.") and name.endswith(".tmp")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert target.stat().st_ino != inode  # renamed into place, not rewritten
    assert _names(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o000])
def test_a_read_only_file_is_refused_and_kept(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("precious\n")
    target.chmod(mode)
    with pytest.raises(PlannerError) as caught:
        output.write_file(target, _text("x"), option="--out")
    assert str(caught.value) == (
        f"{target}: the file is read-only; refusing to replace it (make it writable or "
        "choose another --out file)"
    )
    with pytest.raises(PlannerError, match="read-only"):
        output.check_output(target)  # refused before any work, too
    target.chmod(0o600)
    assert target.read_text() == "precious\n"
    assert _names(tmp_path) == ["keep.txt"]


@pytest.mark.parametrize("mode", [0o200, 0o020, 0o002])
def test_any_write_bit_means_writable(tmp_path: Path, mode: int) -> None:
    """Read-only is no write bit at all (owner, group or other: 0o222)."""
    target = tmp_path / "w.txt"
    target.write_text("old\n")
    target.chmod(mode)
    output.check_output(target)
    output.write_file(target, _text("new\n"))
    assert stat.S_IMODE(target.stat().st_mode) == mode
    target.chmod(0o600)
    assert target.read_text() == "new\n"


def test_a_folder_or_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlannerError) as caught:
        output.write_file(tmp_path, _text("x"), option="--out")
    assert str(caught.value) == f"{tmp_path}: --out is a directory; give a file name"
    missing = tmp_path / "nope" / "x.txt"
    with pytest.raises(PlannerError) as caught:
        output.check_output(missing)
    assert str(caught.value) == f"{missing}: --output folder {tmp_path / 'nope'} does not exist"
    assert _names(tmp_path) == []


def test_the_option_named_is_output_unless_told(tmp_path: Path) -> None:
    expected = f"{tmp_path}: --output is a directory; give a file name"
    with pytest.raises(PlannerError) as caught:
        output.write_file(tmp_path, _text("x"))
    assert str(caught.value) == expected
    with pytest.raises(PlannerError) as caught:
        output.write_files([(tmp_path, _text("x"))])
    assert str(caught.value) == expected


def test_a_path_through_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    bad = tmp_path / "file" / "x.txt"
    with pytest.raises(PlannerError) as caught:
        output.write_output("y", str(bad))
    assert str(caught.value) == f"{bad}: cannot use as --output: Not a directory"


def test_a_failed_produce_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n")

    def fail(path: Path) -> None:
        path.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(PlannerError) as caught:
        output.write_file(target, fail)
    assert str(caught.value) == f"{target}: cannot write: No space left on device"
    assert target.read_text() == "old\n"
    assert _names(tmp_path) == ["out.txt"]


def test_a_failed_rename_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n")

    def refuse(src: object, dst: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PlannerError) as caught:
        output.write_file(target, _text("new\n"))
    assert str(caught.value) == f"{target}: cannot write: Read-only file system"
    assert target.read_text() == "old\n"
    assert _names(tmp_path) == ["out.txt"]


def test_no_temporary_file_possible_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(PlannerError) as caught:
        output.write_file(tmp_path / "x.txt", _text("x"))
    assert str(caught.value) == f"{tmp_path / 'x.txt'}: cannot write: Permission denied"


def test_a_failed_chmod_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: object, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", refuse)
    with pytest.raises(PlannerError) as caught:
        output.write_file(tmp_path / "x.txt", _text("x"))
    assert str(caught.value) == f"{tmp_path / 'x.txt'}: cannot write: Operation not permitted"
    assert _names(tmp_path) == []


def test_the_rename_runs_with_sigint_and_sigterm_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    masks: list[set[int]] = []
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        masks.append(set(signal.pthread_sigmask(signal.SIG_BLOCK, [])))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    before = set(signal.pthread_sigmask(signal.SIG_BLOCK, []))
    output.write_file(tmp_path / "x.txt", _text("x"))
    assert {signal.SIGINT, signal.SIGTERM} <= masks[0]
    assert set(signal.pthread_sigmask(signal.SIG_BLOCK, [])) == before  # released after


def test_a_worker_thread_can_write(tmp_path: Path) -> None:
    """Signals can only be held in the main thread; a worker writes without."""
    errors: list[BaseException] = []

    def work() -> None:
        try:
            output.write_file(tmp_path / "t.txt", _text("from a thread\n"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert errors == []
    assert (tmp_path / "t.txt").read_text() == "from a thread\n"


# --- symlinks and special files --------------------------------------------------------------


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    output.write_output("new\n", str(link))
    assert link.is_symlink() and real.read_text() == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert _names(tmp_path) == ["link.txt", "real.txt"]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path, umask: object) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "made.txt")
    output.write_output("new\n", str(link))
    assert link.is_symlink() and (tmp_path / "made.txt").read_text() == "new\n"
    assert stat.S_IMODE((tmp_path / "made.txt").stat().st_mode) == 0o644  # 0o666 & ~0o022


def test_dev_null_is_written_through_even_by_a_link(tmp_path: Path) -> None:
    output.write_output("x", "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    link = tmp_path / "sink"
    link.symlink_to("/dev/null")
    output.write_output("x", str(link))
    assert link.is_symlink() and os.readlink(link) == "/dev/null"


def test_anything_under_proc_is_written_through_not_replaced(tmp_path: Path) -> None:
    """/proc/self/fd/N names an open file: written through it, the file keeps its inode (a
    replace would rename a new file over the path the link resolves to)."""
    target = tmp_path / "held.txt"
    target.write_text("old\n")
    inode = target.stat().st_ino
    with open(target, "rb") as held:
        output.write_output("new\n", f"/proc/self/fd/{held.fileno()}")
    assert target.read_text() == "new\n" and target.stat().st_ino == inode


def test_anything_under_dev_is_written_through_even_a_regular_file(tmp_path: Path) -> None:
    """/dev/shm holds regular files; planner never replaces anything under /dev, whether
    named directly or through a link."""
    if not os.path.isdir("/dev/shm"):
        pytest.skip("no /dev/shm on this machine")
    shm = Path(tempfile.mkdtemp(dir="/dev/shm"))
    try:
        target = shm / "out.txt"
        target.write_text("old\n")
        inode = target.stat().st_ino
        output.write_output("new\n", str(target))
        assert target.read_text() == "new\n" and target.stat().st_ino == inode
        link = tmp_path / "link"
        link.symlink_to(target)
        output.write_output("again\n", str(link))
        assert target.read_text() == "again\n" and target.stat().st_ino == inode
    finally:
        shutil.rmtree(shm)


def test_a_file_after_a_written_through_one_is_still_written(tmp_path: Path) -> None:
    output.write_files([("/dev/null", _text("x")), (tmp_path / "a.txt", _text("a"))])
    assert (tmp_path / "a.txt").read_text() == "a"


def test_a_full_device_is_one_line() -> None:
    if not os.path.exists("/dev/full"):
        pytest.fail("/dev/full is missing on this machine")
    with pytest.raises(PlannerError) as caught:
        output.write_output("x", "/dev/full")
    assert str(caught.value) == "/dev/full: cannot write: No space left on device"


def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    output.write_output("through\n", str(fifo))
    thread.join(timeout=60)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received == [b"through\n"]


# --- the command's own input -------------------------------------------------------------


def test_the_commands_own_input_is_refused(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\n")
    alias = tmp_path / "alias.yaml"
    alias.symlink_to(scenario)
    output.note_input(scenario)
    for target in (scenario, alias):
        with pytest.raises(PlannerError) as caught:
            output.write_file(target, _text("x"), option="-o")
        assert str(caught.value) == (
            f"{target}: -o names a file this command reads; refusing to overwrite its own "
            "input (choose another -o file)"
        )
    assert scenario.read_text() == "name: s\n"
    output.write_file(tmp_path / "other.txt", _text("x"))  # any other file is fine
    output.forget_inputs()  # a new command: nothing read yet
    output.write_file(scenario, _text("name: t\n"))
    assert scenario.read_text() == "name: t\n"


def test_an_input_noted_by_a_relative_path_is_refused_by_its_absolute_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bill.csv").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    output.note_input("bill.csv")
    with pytest.raises(PlannerError, match="its own input"):
        output.check_output(tmp_path / "bill.csv")


def test_several_files_after_a_cancel_are_not_written(tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    output.write_files([(first, _text("a")), (tmp_path / "b.txt", _text("b"))])
    assert output.cancel_writes() == [str(first), str(tmp_path / "b.txt")]
    with pytest.raises(KeyboardInterrupt):
        output.write_file(tmp_path / "c.txt", _text("c"))
    assert _names(tmp_path) == ["a.txt", "b.txt"]
    output.forget_inputs()  # the next command writes again, with nothing recorded
    assert output.cancel_writes() == []
    output.forget_inputs()
    output.write_file(tmp_path / "c.txt", _text("c"))
    assert (tmp_path / "c.txt").read_text() == "c"


# --- folders planner owns (owned.py) ---------------------------------------------------------


def _folder(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_user_entries_walk_only_into_folders_holding_planners_files(tmp_path: Path) -> None:
    target = _folder(
        tmp_path / "out",
        {
            "index.html": "ours",
            "staging/a.html": "ours",
            "staging/deep/b.html": "ours",
            "staging/deep/mine.md": "user",
            "staging/notes.txt": "user",
            "mine/x.txt": "user",  # a folder with nothing of planner's: the user's, whole
            "zzz.txt": "user",
        },
    )
    ours = {"index.html", "staging/a.html", "staging/deep/b.html"}
    assert owned.user_entries(target, ours) == [
        "mine",
        "staging/deep/mine.md",
        "staging/notes.txt",
        "zzz.txt",
    ]
    assert owned.user_entries(target, ours | {"zzz.txt", "mine/x.txt"}) == [
        "staging/deep/mine.md",
        "staging/notes.txt",
    ]


def test_swap_into_a_missing_folder(tmp_path: Path) -> None:
    new = _folder(tmp_path / "new", {"a.txt": "new"})
    target = tmp_path / "out"
    assert owned.swap_in(new, target, {"a.txt"}) == []
    assert (target / "a.txt").read_text() == "new" and not new.exists()


def test_swap_keeps_the_users_entries_and_replaces_planners(tmp_path: Path) -> None:
    target = _folder(
        tmp_path / "out",
        {"a.txt": "old", "gone.txt": "old", "NOTES.md": "mine", "sub/s.txt": "mine"},
    )
    new = _folder(tmp_path / "new", {"a.txt": "new"})
    kept = owned.swap_in(new, target, {"a.txt", "gone.txt"})
    assert kept == ["NOTES.md", "sub"]
    assert (target / "a.txt").read_text() == "new"
    assert not (target / "gone.txt").exists()  # planner's old file, not in the new build
    assert (target / "NOTES.md").read_text() == "mine"
    assert (target / "sub" / "s.txt").read_text() == "mine"
    assert _names(tmp_path) == ["out"]  # no new/ or .out.old-* left behind


def test_a_clash_names_the_out_option_by_default(tmp_path: Path) -> None:
    target = _folder(tmp_path / "out", {"a.txt": "mine"})
    new = _folder(tmp_path / "new", {"a.txt": "ours"})
    with pytest.raises(PlannerError, match=r"choose another --out \(nothing was changed\)$"):
        owned.swap_in(new, target, set())


def test_a_users_file_with_planners_name_is_refused_and_nothing_moves(tmp_path: Path) -> None:
    target = _folder(tmp_path / "out", {"a.txt": "old", "report.html": "mine"})
    new = _folder(tmp_path / "new", {"a.txt": "new", "report.html": "ours"})
    with pytest.raises(PlannerError) as caught:
        owned.swap_in(new, target, {"a.txt"}, option="--reports")
    assert str(caught.value) == (
        f"{target / 'report.html'}: is yours (not in planner's marker) but has the name of a "
        "file planner writes; move it away or choose another --reports (nothing was changed)"
    )
    assert (target / "report.html").read_text() == "mine"
    assert (target / "a.txt").read_text() == "old"
    assert (new / "report.html").read_text() == "ours"


def test_planners_temporary_folders_are_named_as_planners(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If one is ever left behind (a crash), its name says whose it is and what it held."""
    removed: list[str] = []
    real_rmtree = shutil.rmtree
    monkeypatch.setattr(shutil, "rmtree", lambda path, **kw: removed.append(str(path)))
    output.write_file(tmp_path / "x.txt", _text("x"))
    assert Path(removed[-1]).name.startswith("planner-out-")
    real_rmtree(removed[-1])  # the scratch folder is in the system's temporary folder
    target = _folder(tmp_path / "out", {"a.txt": "old"})
    new = _folder(tmp_path / "new", {"a.txt": "new"})
    owned.swap_in(new, target, {"a.txt"})
    assert Path(removed[-1]).name.startswith(".out.old-")
    assert Path(removed[-1]).parent == tmp_path  # beside the folder it replaced
