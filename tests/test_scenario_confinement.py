"""Scenario path confinement, called directly: ``extends:``, ``workloads_from:`` and
``discounts.rate_card`` may name files only inside the scenario's own folder tree, the bundled
scenarios, or an ``--allow-path`` folder; the same for an overlay given as data.

The faults these pin down got through before: confinement by string prefix (a sibling folder
``scenarios-evil/`` starts with the text ``scenarios`` and passed), and no confinement for an
overlay held in memory (the explore notebook's ``load_overlay``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import ScenarioError
from planner.scenario import (
    MAX_EXTENDS_DEPTH,
    bundled_scenarios_dir,
    load_overlay,
    load_scenario,
    load_stacked,
    load_text,
)

BUNDLED = bundled_scenarios_dir()
STAGING_TEXT = (BUNDLED / "staging.yaml").read_text(encoding="utf-8")


def _tree(tmp: Path) -> tuple[Path, Path]:
    """``scenarios/`` (the user's folder) and its sibling ``scenarios-evil/`` (whose name
    starts with the text of the first: a string-prefix check lets it through)."""
    home = tmp / "scenarios"
    evil = tmp / "scenarios-evil"
    home.mkdir()
    evil.mkdir()
    (evil / "base.yaml").write_text(STAGING_TEXT, encoding="utf-8")
    return home, evil


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_sibling_folder_sharing_the_name_prefix_is_outside(tmp_path: Path) -> None:
    home, evil = _tree(tmp_path)
    top = _write(home / "s.yaml", "extends: ../scenarios-evil/base.yaml\nname: s\n")
    assert str(evil.resolve()).startswith(str(home.resolve()))  # the trap: a prefix match
    with pytest.raises(ScenarioError) as caught:
        load_scenario(top)
    text = str(caught.value)
    assert "outside the scenario's folder" in text
    assert str(evil.resolve() / "base.yaml") in text  # the resolved target is named
    assert str(home.resolve()) in text  # and the folder it had to be in
    assert "line 1: extends" in text  # the line and field that name it
    assert "; extends may only name files there" in text  # the field whose rule it is


def test_the_sibling_folder_is_admitted_by_allow_path(tmp_path: Path) -> None:
    home, evil = _tree(tmp_path)
    top = _write(home / "s.yaml", "extends: ../scenarios-evil/base.yaml\nname: s\n")
    scenario = load_scenario(top, allow_paths=[evil])
    assert scenario.name == "s"
    assert scenario.chain == (evil.resolve() / "base.yaml", top)
    # ...and an allowed folder admits its files only, not its own prefix siblings
    (tmp_path / "scenarios-evil2").mkdir()
    (tmp_path / "scenarios-evil2" / "base.yaml").write_text(STAGING_TEXT, encoding="utf-8")
    other = _write(home / "t.yaml", "extends: ../scenarios-evil2/base.yaml\nname: t\n")
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        load_scenario(other, allow_paths=[evil])


def test_files_in_the_folder_and_below_are_inside_and_above_is_outside(tmp_path: Path) -> None:
    home, _ = _tree(tmp_path)
    _write(home / "base.yaml", STAGING_TEXT)
    _write(home / "deep" / "base.yaml", STAGING_TEXT)
    _write(tmp_path / "above.yaml", STAGING_TEXT)
    same = _write(home / "a.yaml", "extends: base.yaml\nname: a\n")
    below = _write(home / "b.yaml", "extends: deep/base.yaml\nname: b\n")
    above = _write(home / "c.yaml", "extends: ../above.yaml\nname: c\n")
    assert load_scenario(same).chain == (home.resolve() / "base.yaml", same)
    assert load_scenario(below).chain == (home.resolve() / "deep" / "base.yaml", below)
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        load_scenario(above)


def test_a_base_may_not_reach_outside_the_top_files_folder(tmp_path: Path) -> None:
    """The roots are those of the file loaded, for every level of the chain."""
    home, _ = _tree(tmp_path)
    _write(home / "mid.yaml", "extends: ../scenarios-evil/base.yaml\nname: mid\n")
    top = _write(home / "top.yaml", "extends: mid.yaml\nname: top\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(top)
    assert "mid.yaml" in str(caught.value)  # the file whose extends points out is named


def test_a_bundled_name_is_admitted_from_anywhere(tmp_path: Path) -> None:
    top = _write(tmp_path / "far" / "away" / "s.yaml", "extends: staging\nname: s\n")
    scenario = load_scenario(top)
    assert scenario.chain == (BUNDLED.resolve() / "staging.yaml", top)


def test_allow_path_must_be_a_folder(tmp_path: Path) -> None:
    home, _ = _tree(tmp_path)
    top = _write(home / "s.yaml", "extends: staging\nname: s\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(top, allow_paths=[top])  # a file, not a folder
    assert "--allow-path" in str(caught.value) and "is not a folder" in str(caught.value)
    assert load_scenario(top, allow_paths=[home]).name == "s"


def _chain(home: Path, files: int) -> Path:
    """``files`` scenario files, each extending the one before; the first has no extends."""
    _write(home / "l0.yaml", STAGING_TEXT.replace("name: staging", "name: l0", 1))
    for i in range(1, files):
        _write(home / f"l{i}.yaml", f"extends: l{i - 1}.yaml\nname: l{i}\n")
    return home / f"l{files - 1}.yaml"


def test_extends_depth_boundary(tmp_path: Path) -> None:
    """The top file is at depth 0 and its base at depth 1...; a file deeper than
    MAX_EXTENDS_DEPTH (10) is refused. So 11 files (depths 0 to 10) load and 12 do not."""
    assert MAX_EXTENDS_DEPTH == 10
    ok = _chain(tmp_path / "ok", 11)
    assert len(load_scenario(ok).chain) == 11
    deep = _chain(tmp_path / "deep", 12)
    with pytest.raises(ScenarioError, match="more than 10 levels deep"):
        load_scenario(deep)


# --- an overlay given as data (the explore notebook): the same confinement ---------------


def test_an_in_memory_overlay_is_confined_like_a_file(tmp_path: Path) -> None:
    home, evil = _tree(tmp_path)
    where = home / "whatif.yaml"  # never written
    overlay = {"extends": "../scenarios-evil/base.yaml", "name": "w"}
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        load_overlay(overlay, where)
    assert not where.exists()
    scenario = load_overlay(overlay, where, allow_paths=[evil])
    assert scenario.name == "w"
    assert scenario.chain == (evil.resolve() / "base.yaml", where)


def test_an_in_memory_overlay_with_an_absolute_outside_base_is_refused(tmp_path: Path) -> None:
    home, evil = _tree(tmp_path)
    overlay = {"extends": str(evil / "base.yaml"), "name": "w"}
    with pytest.raises(ScenarioError) as caught:
        load_overlay(overlay, home / "w.yaml")
    # the overlay's (would-be) path and its field
    assert str(caught.value).startswith(f"{home / 'w.yaml'}: extends: ")


def test_an_in_memory_overlay_cannot_reach_out_through_its_base(tmp_path: Path) -> None:
    home, _ = _tree(tmp_path)
    _write(home / "mid.yaml", "extends: ../scenarios-evil/base.yaml\nname: mid\n")
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        load_overlay({"extends": "mid.yaml"}, home / "w.yaml")


def test_an_in_memory_overlay_workloads_from_is_confined(tmp_path: Path) -> None:
    home, _ = _tree(tmp_path)
    _write(home / "base.yaml", STAGING_TEXT)
    overlay = {"extends": "base.yaml", "eks": {"workloads_from": "../scenarios-evil"}}
    with pytest.raises(ScenarioError) as caught:
        load_overlay(overlay, home / "w.yaml")
    assert "eks.workloads_from" in str(caught.value)
    assert "outside the scenario's folder" in str(caught.value)


def test_an_in_memory_overlay_needs_a_base(tmp_path: Path) -> None:
    for bad in (None, "", "   ", 3):
        overlay = {"name": "w"} if bad is None else {"extends": bad, "name": "w"}
        with pytest.raises(ScenarioError) as caught:
            load_overlay(overlay, tmp_path / "w.yaml")
        assert f"{bad!r} is not a path to a base scenario" in str(caught.value)


def test_an_in_memory_overlay_extending_itself_is_a_cycle(tmp_path: Path) -> None:
    """The overlay's own (would-be) path is on the stack: a base extending it is a cycle."""
    _write(tmp_path / "base.yaml", "extends: w.yaml\nname: base\n")
    _write(tmp_path / "w.yaml", STAGING_TEXT)  # what is on disk there is not the overlay
    with pytest.raises(ScenarioError, match="cycle"):
        load_overlay({"extends": "base.yaml"}, tmp_path / "w.yaml")


def test_workloads_from_outside_names_the_line_that_wrote_it(tmp_path: Path) -> None:
    home, _ = _tree(tmp_path)
    _write(home / "base.yaml", STAGING_TEXT)
    text = "extends: base.yaml\nname: s\neks:\n  workloads_from: ../scenarios-evil\n"
    top = _write(home / "s.yaml", text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(top)
    message = str(caught.value)
    assert str(top) in message and "line 4: eks.workloads_from" in message
    assert str(tmp_path.resolve() / "scenarios-evil") in message


def test_a_text_scenario_is_its_own_chain(tmp_path: Path) -> None:
    text = tmp_path / "x.yaml"
    scenario = load_text(STAGING_TEXT, text)
    assert scenario.chain == (text,) and scenario.path == text and not text.exists()


def test_text_scenario_cannot_extend(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot extend"):
        load_text("extends: staging\nname: x\n", tmp_path / "x.yaml")


def test_stacked_overlays_apply_in_order_and_ignore_their_own_extends(tmp_path: Path) -> None:
    """``commitments staging a.yaml b.yaml``: b merges over a, over staging; an overlay's
    ``extends:`` is dropped (it applies to what stands before it)."""
    a = _write(tmp_path / "a.yaml", "extends: /etc/shadow\nname: from-a\ndescription: a\n")
    b = _write(tmp_path / "b.yaml", "name: from-b\n")
    scenario = load_stacked("staging", [a, b])
    assert scenario.name == "from-b"  # b's name replaces a's
    assert scenario.topology.description == "a"  # a's field b does not set is kept
    assert scenario.chain[-2:] == (a, b)
    assert load_stacked("production", []).name == "production"  # no overlays: the scenario


def test_a_stacked_overlays_error_names_the_overlay(tmp_path: Path) -> None:
    bad = _write(
        tmp_path / "bad.yaml",
        "eks:\n  node_groups:\n    - name: general\n    - name: general\n",
    )
    with pytest.raises(ScenarioError) as caught:
        load_stacked("staging", [bad])
    assert str(caught.value).startswith(f"{bad}: eks.node_groups[general]: ")


RATES = "service,product,term,usd,source\nAmazonEC2,instance/t3.medium,OnDemand,0.03,test card\n"


def test_a_rate_card_outside_the_folder_is_refused(tmp_path: Path) -> None:
    home, evil = _tree(tmp_path)
    (evil / "rates.csv").write_text(RATES)
    top = _write(
        home / "s.yaml",
        "extends: staging\nname: s\ndiscounts:\n  rate_card: ../scenarios-evil/rates.csv\n",
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(top)
    message = str(caught.value)
    assert str(top) in message and "line 4: discounts.rate_card" in message
    assert (
        f"'../scenarios-evil/rates.csv' resolves to {evil.resolve() / 'rates.csv'}, outside "
        f"the scenario's folder ({home.resolve()}) and the bundled scenarios; rate_card may "
        "only name files there (pass --allow-path DIR to allow another folder)"
    ) in message
    assert load_scenario(top, allow_paths=[evil]).topology.discounts is not None


def test_a_rate_card_is_read_relative_to_the_file_naming_it(tmp_path: Path) -> None:
    home, _ = _tree(tmp_path)
    _write(home / "base" / "rates.csv", RATES)
    _write(
        home / "base" / "b.yaml",
        "extends: staging\nname: b\ndiscounts:\n  rate_card: rates.csv\n",
    )
    top = _write(home / "s.yaml", "extends: base/b.yaml\nname: s\n")
    discounts = load_scenario(top).topology.discounts
    assert discounts is not None
    (rate,) = discounts.private_rates
    assert rate.product == "instance/t3.medium" and str(rate.usd) == "0.03"


def test_an_in_memory_overlay_reads_its_rate_card_beside_its_path(tmp_path: Path) -> None:
    # an overlay held in memory has no lines to point at: its rate card is relative to the
    # path it stands for (home/w.yaml), so home/rates.csv
    home, _ = _tree(tmp_path)
    _write(home / "base.yaml", STAGING_TEXT)
    _write(home / "rates.csv", RATES)
    overlay = {"extends": "base.yaml", "discounts": {"rate_card": "rates.csv"}}
    discounts = load_overlay(overlay, home / "w.yaml").topology.discounts
    assert discounts is not None
    (rate,) = discounts.private_rates
    assert rate.product == "instance/t3.medium" and str(rate.usd) == "0.03"
