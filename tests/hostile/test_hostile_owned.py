"""One rule for folders planner owns: replace only what planner created, keep the rest.

Price snapshots (`prices refresh`, `prices import-offer`), reports (`planner report`) and
`--out` folders: a user's NOTES.md, an archive/ folder or a symlink inside survive a rebuild.
Before, a marked snapshot folder was replaced whole and a report deleted a user's folder or
symlink inside it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from aws_records import offer_file, staging_records

from hostile.hostile_cases import REPO
from planner.cli import main

SNAPSHOT = REPO / "pricing" / "snapshot"


def _user_files(folder: Path) -> None:
    (folder / "NOTES.md").write_text("my notes\n")
    (folder / "archive").mkdir()
    (folder / "archive" / "old.csv").write_text("mine\n")
    (folder / "latest").symlink_to("archive")


def _kept(folder: Path) -> None:
    assert (folder / "NOTES.md").read_text() == "my notes\n"
    assert (folder / "archive" / "old.csv").read_text() == "mine\n"
    assert (folder / "latest").is_symlink()


def test_import_offer_keeps_what_the_user_added(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = tmp_path / "snap"
    shutil.copytree(SNAPSHOT, snap)
    _user_files(snap)
    offers = tmp_path / "offers"
    offers.mkdir()
    offer_file("AmazonEC2", staging_records("eu-west-1")["AmazonEC2"], offers / "ec2.json")
    assert main(["prices", "import-offer", str(offers), "--out", str(snap)]) == 0
    _kept(snap)
    assert "eu-west-1" in (snap / "AmazonEC2.csv").read_text()


def test_a_user_file_named_like_a_snapshot_file_is_refused_and_nothing_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV the old manifest does not list but the new snapshot writes: the user's."""
    snap = tmp_path / "snap"
    shutil.copytree(SNAPSHOT, snap)
    import json

    manifest = json.loads((snap / "manifest.json").read_text())
    del manifest["services"]["AmazonEC2"]  # so AmazonEC2.csv is not planner's any more
    (snap / "manifest.json").write_text(json.dumps(manifest))
    before = {p.name: p.read_bytes() for p in snap.iterdir()}
    offers = tmp_path / "offers"
    offers.mkdir()
    offer_file("AmazonEC2", staging_records("eu-west-1")["AmazonEC2"], offers / "ec2.json")
    code = main(
        ["prices", "import-offer", str(offers), "--out", str(snap), "--prices", str(SNAPSHOT)]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "AmazonEC2.csv: is yours" in err
    assert {p.name: p.read_bytes() for p in snap.iterdir()} == before


def test_swap_in_moves_the_users_entries_back_when_the_swap_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from planner import owned

    target = tmp_path / "out"
    target.mkdir()
    (target / "ours.txt").write_text("old\n")
    _user_files(target)
    new = tmp_path / "new"
    new.mkdir()
    (new / "ours.txt").write_text("new\n")
    real_rename = os.rename

    def failing(src: str | Path, dst: str | Path) -> None:
        if Path(src) == new:
            raise OSError(28, "No space left on device")
        real_rename(src, dst)

    monkeypatch.setattr("planner.owned.os.rename", failing)
    with pytest.raises(OSError):
        owned.swap_in(new, target, {"ours.txt"})
    _kept(target)
    assert (target / "ours.txt").read_text() == "old\n"


def test_user_entries_are_found_without_following_symlinks(tmp_path: Path) -> None:
    from planner.owned import user_entries

    (tmp_path / "staging").mkdir()
    (tmp_path / "staging" / "a.html").write_text("x")
    (tmp_path / "staging" / "mine.txt").write_text("x")
    (tmp_path / "elsewhere").symlink_to("/etc")
    (tmp_path / "index.html").write_text("x")
    found = user_entries(tmp_path, {"index.html", "staging/a.html"})
    assert found == ["elsewhere", "staging/mine.txt"]


def test_report_swap_keeps_a_users_folder_and_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report's swap (what `planner report` does once every notebook ran)."""
    from planner.notebooks.report import _swap, write_marker

    target = tmp_path / "reports"
    (target / "staging").mkdir(parents=True)
    (target / "staging" / "cost_overview.html").write_text("old")
    (target / "index.html").write_text("old")
    write_marker(target)
    (target / "my-notes").mkdir()  # a user's folder, empty
    (target / "staging" / "annotated.pdf").write_text("mine")
    (target / "shared").symlink_to(tmp_path)
    new = tmp_path / "building"
    (new / "staging").mkdir(parents=True)
    (new / "staging" / "cost_overview.html").write_text("new")
    (new / "index.html").write_text("new")
    write_marker(new)
    _swap(new, target)
    assert (target / "index.html").read_text() == "new"
    assert (target / "staging" / "cost_overview.html").read_text() == "new"
    assert (target / "my-notes").is_dir()
    assert (target / "staging" / "annotated.pdf").read_text() == "mine"
    assert (target / "shared").is_symlink()
    assert "kept your" in capsys.readouterr().err


def test_refresh_out_folder_of_the_users_is_still_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("x")
    offers = tmp_path / "offers"
    offers.mkdir()
    offer_file("AmazonEC2", staging_records("eu-west-1")["AmazonEC2"], offers / "ec2.json")
    assert main(["prices", "import-offer", str(offers), "--out", str(mine)]) == 2
    assert "not a planner price snapshot" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["thesis.tex"]
