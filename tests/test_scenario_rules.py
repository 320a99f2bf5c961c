"""Scenario loading rules stated one by one (mutation survivors of the scenario area):
the YAML node budget at its boundary, the hint for an ambiguous number, the messages naming
the bad ``extends:`` value and the cycle, and the plain names and dollar effects of the
assumptions (planner/assumptions.py).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from planner.assumptions import plain_name, with_effects
from planner.errors import ScenarioError
from planner.pricing import price_scenario
from planner.safe_yaml import MAX_EXPANDED_NODES, YamlProblem, load_documents
from planner.scenario import load_scenario

# --- the alias budget: 200,000 nodes allowed, 200,001 not -------------------------------------


def _sequence_doc(scalars: int) -> str:
    """A list: one anchored list of 99 zeros (1 + 99 = 100 nodes), 1,998 aliases of it (each
    counts its 100 nodes again), then ``scalars`` plain zeros. Nodes: 1 (the outer list)
    + 1,999 x 100 + scalars = 199,901 + scalars."""
    inner = "[" + ", ".join(["0"] * 99) + "]"
    return "\n".join(["- &x " + inner, *(["- *x"] * 1998), *(["- 0"] * scalars)]) + "\n"


def _mapping_doc(pairs: int) -> str:
    """A mapping: key a with an anchored list of 99 zeros (1 key + 100 nodes), 1,978 keys
    with an alias of it (101 each), then ``pairs`` keys with a 0 (2 each). Nodes: 1 (the
    mapping) + 1,979 x 101 + 2 x pairs = 199,880 + 2 x pairs."""
    inner = "[" + ", ".join(["0"] * 99) + "]"
    lines = ["a: &x " + inner, *(f"k{i}: *x" for i in range(1978))]
    return "\n".join([*lines, *(f"s{i}: 0" for i in range(pairs))]) + "\n"


def test_the_node_budget_in_a_list_at_its_boundary() -> None:
    assert MAX_EXPANDED_NODES == 200_000
    (doc,) = load_documents(_sequence_doc(99))  # 199,901 + 99 = 200,000: allowed
    assert len(doc.data) == 1 + 1998 + 99
    # 200,001: refused, although the count reaches exactly 200,000 one item before the end
    with pytest.raises(YamlProblem, match="to 200,001 nodes, more than the 200,000 allowed"):
        load_documents(_sequence_doc(100))


def test_the_node_budget_in_a_mapping_at_its_boundary() -> None:
    (doc,) = load_documents(_mapping_doc(60))  # 199,880 + 120 = 200,000: allowed
    assert len(doc.data) == 1 + 1978 + 60
    # 199,880 + 122 = 200,002, passing 200,000 exactly after the 60th pair
    with pytest.raises(YamlProblem, match="to 200,002 nodes"):
        load_documents(_mapping_doc(61))


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("0b11", "3"),  # binary 11 = 2 + 1
        ("-0b101", "-5"),  # binary 101 = 4 + 1
        ("1:30", "90"),  # base 60: 1 x 60 + 30
        ("1:02:03", "3723"),  # (1 x 60 + 2) x 60 + 3
        ("1:30.5", "90.5"),
        ("1_000", "1000"),  # the separator dropped
        ("0x1_f", "31"),  # hex 1f = 16 + 15
        ("010", "10"),  # leading zeros dropped
        ("00.5", "0.5"),
    ],
)
def test_the_hint_for_an_ambiguous_number(text: str, hint: str) -> None:
    with pytest.raises(YamlProblem) as caught:
        load_documents(f"size: {text}\n")
    assert f"(e.g. {hint})" in caught.value.message
    assert caught.value.key == ("size",) and caught.value.line == 1


# --- extends: the value and the cycle are named ---------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [("5", "5"), ("true", "True"), ("[a]", "a list")])
def test_an_extends_that_is_not_a_path_is_shown(tmp_path: Path, value: str, shown: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\nextends: {value}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert (
        f"line 2: extends: {shown} is not a path; expected a scenario file relative to this one"
        in str(caught.value)
    )


def test_a_cycle_is_named_file_by_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nname: a\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nname: b\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "a.yaml")
    assert "extends itself through a cycle: a.yaml -> b.yaml -> a.yaml" in str(caught.value)


# --- assumptions: plain names and dollar effects ---------------------------------------------


@pytest.mark.parametrize(
    ("field", "name", "unit"),
    [
        ("kms.keys", "KMS: KMS customer managed keys", "keys"),
        (
            "eks.node_groups[general].disk_gb",
            "node group general: root disk per node",
            "GB",
        ),
        ("nat_gateways.data_processed_gb", "NAT gateways: data processed a month", "GB"),
        # unknown fields: the words of the name, the unit from its suffix
        ("s3.glacier_gb", "S3: glacier", "GB"),
        ("rds[db].warm_pct", "RDS db: warm", "%"),
        ("thing.uptime_hours", "thing: uptime", "hours"),
        ("x.flow_gb_per_hour", "x: flow", "GB/hour"),
        ("eks.extra_things", "extra things", ""),  # eks owns everything: no prefix
        ("node_pools[a].disk_gb", "node pools a: root disk per node", "GB"),
        ("", "", ""),
    ],
)
def test_plain_name(field: str, name: str, unit: str) -> None:
    assert plain_name(field) == (name, unit)


def test_dollar_effects_of_the_staging_assumptions() -> None:
    """The effect is what the assumption adds to the monthly total (us-east-1 list prices):
    kms.keys 3 x $1.00 per key-month = $3.00; NAT data processed 100 GB x $0.045 = $4.50;
    CloudWatch logs stored 50 GB x $0.03 = $1.50; an assumption of 0 adds nothing."""
    scenario = load_scenario("staging")
    report = price_scenario(scenario)
    effects = {a.field: a for a in with_effects(scenario.topology, report)}
    assert effects["kms.keys"].monthly_usd_effect == Decimal("3.00")
    assert effects["kms.keys"].value == Decimal(3) and effects["kms.keys"].unit == "keys"
    assert effects["nat_gateways.data_processed_gb"].monthly_usd_effect == Decimal("4.50")
    assert effects["cloudwatch_logs.storage_gb"].monthly_usd_effect == Decimal("1.50")
    assert effects["kms.requests_10k"].monthly_usd_effect == Decimal(0)
    assert effects["data_transfer.inter_az_gb"].monthly_usd_effect == Decimal(0)
    assert effects["kms.keys"].reason.startswith("the report prices 'Encryption keys' at $3")


def test_dollar_effect_of_a_spot_discount_in_a_named_node_group() -> None:
    """Zeroing eks.node_groups[compute].spot_discount_pct prices that group's one t3.large at
    on-demand: $0.0832/h x 730 h = $60.736, shown $60.74; at 70% off it is $18.2208, shown
    $18.22. The discount's effect on the total is 18.22 - 60.74 = -$42.52 (it lowers the bill)."""
    scenario = load_scenario("staging")
    report = price_scenario(scenario)
    effects = {a.field: a for a in with_effects(scenario.topology, report)}
    spot = effects["eks.node_groups[compute].spot_discount_pct"]
    assert spot.name == "node group compute: spot discount off on-demand" and spot.unit == "%"
    assert spot.value == Decimal(70)
    assert spot.monthly_usd_effect == Decimal("-42.52")


# --- overlays: how a scenario merges over its base --------------------------------------------


def _overlay(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "o.yaml"
    path.write_text("extends: staging\nname: o\n" + text)
    return path


def test_named_lists_merge_by_name_and_remove_drops(tmp_path: Path) -> None:
    """staging has node groups general (t3.medium x 2) and compute (t3.large, SPOT)."""
    text = (
        "eks:\n  node_groups:\n"
        "    - name: general\n      desired_size: 3\n"  # merged into the base's item
        "    - name: compute\n      remove: true\n"  # dropped
        "    - name: extra\n      instance_type: t3.small\n      capacity_type: ON_DEMAND\n"
        "      min_size: 1\n      desired_size: 1\n      max_size: 1\n"  # appended
    )
    groups = load_scenario(_overlay(tmp_path, text)).topology.eks.node_groups  # type: ignore[union-attr]
    assert [(g.name, g.instance_type, g.desired_size) for g in groups] == [
        ("general", "t3.medium", 3),
        ("extra", "t3.small", 1),
    ]


def test_an_empty_list_clears_and_a_mapping_merges_key_by_key(tmp_path: Path) -> None:
    text = "load_balancers: []\ns3:\n  storage_gb: 20\n"
    topology = load_scenario(_overlay(tmp_path, text)).topology
    assert topology.load_balancers == ()
    assert topology.s3 is not None and topology.s3.storage_gb.value == 20
    assert topology.region == "us-east-1"  # not in the overlay: the base's


def test_two_entries_of_one_name_are_refused(tmp_path: Path) -> None:
    text = "eks:\n  node_groups:\n    - name: general\n    - name: general\n"
    path = _overlay(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(path) in str(caught.value)  # the file that has the two entries
    assert "eks.node_groups[general]" in str(caught.value)
    assert "has two entries named 'general'; names must be unique" in str(caught.value)


def test_remove_of_a_name_the_base_lacks_is_refused(tmp_path: Path) -> None:
    text = "eks:\n  node_groups:\n    - name: nope\n      remove: true\n"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_overlay(tmp_path, text))
    assert "eks.node_groups[nope]" in str(caught.value)
    assert "remove names no item of the base" in str(caught.value)


def test_an_unknown_field_names_the_closest_one_and_its_line(tmp_path: Path) -> None:
    path = _overlay(tmp_path, "s3:\n  storage_gbs: 5\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert "line 4: s3.storage_gbs" in text
    assert "unknown field 'storage_gbs'; did you mean 'storage_gb'?" in text


# --- naming a scenario: a path, or a bundled name ----------------------------------------------


def test_a_bundled_name_or_a_path() -> None:
    from planner.scenario import bundled_scenarios_dir, resolve_scenario_path

    bundled = bundled_scenarios_dir()
    assert resolve_scenario_path(None) == bundled / "staging.yaml"
    assert resolve_scenario_path("staging") == bundled / "staging.yaml"
    assert resolve_scenario_path("whatif/staging-graviton") == (
        bundled / "whatif" / "staging-graviton.yaml"
    )
    # a .yaml/.yml name, or three parts or more, is a path as given (even if missing)
    assert resolve_scenario_path("nope.yaml") == Path("nope.yaml")
    assert resolve_scenario_path("nope.yml") == Path("nope.yml")
    assert resolve_scenario_path("a/b/c") == Path("a/b/c")
    # one or two parts, no such file, no such bundled name: the bundled names are listed
    for name in ("nope", "a/b"):
        with pytest.raises(ScenarioError) as caught:
            resolve_scenario_path(name)
        assert "no such file and no bundled scenario of that name" in str(caught.value)
        assert "staging, whatif/production-graviton" in str(caught.value)


def test_the_text_size_bound_at_its_boundary() -> None:
    """10,000,000 characters are read (here one comment); one more is refused unparsed."""
    from planner.safe_yaml import MAX_TEXT_CHARS

    assert MAX_TEXT_CHARS == 10_000_000
    (doc,) = load_documents("#" + "x" * (MAX_TEXT_CHARS - 1))
    assert doc.data is None
    with pytest.raises(YamlProblem, match="larger than 10,000,000 characters"):
        load_documents("#" + "x" * MAX_TEXT_CHARS)


def test_yaml_11_number_resolvers_are_dropped() -> None:
    """The loader keeps PyYAML's resolvers except bool, int, float and timestamp (replaced by
    YAML 1.2 ones). Built once at import, so called here directly."""
    from planner.safe_yaml import _resolvers

    tags = {tag for entries in _resolvers().values() for tag, _ in entries}
    for dropped in ("bool", "int", "float", "timestamp"):
        assert f"tag:yaml.org,2002:{dropped}" not in tags
    assert {"tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"} <= tags


def test_a_syntax_error_gives_context_then_problem() -> None:
    with pytest.raises(YamlProblem) as caught:
        load_documents("a: [1, 2\n")
    # PyYAML's context ("while parsing a flow sequence") and problem, one space between
    assert caught.value.message.startswith(
        "YAML syntax error: while parsing a flow sequence did not find expected ','"
    )


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("rds:\n  - name: postgres\n    instance_class: db.nope.large\n", "rds[postgres]"),
        ("elasticache:\n  - name: redis\n    node_type: cache.nope.micro\n", "elasticache[redis]"),
        ("msk:\n  - name: kafka\n    broker_type: kafka.nope.small\n", "msk[kafka]"),
    ],
)
def test_an_unknown_type_names_its_line_and_field(tmp_path: Path, text: str, field: str) -> None:
    path = _overlay(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(path) in str(caught.value)
    assert f"line 5: {field}." in str(caught.value)


def test_read_utf8_reads_one_byte_past_the_bound(tmp_path: Path) -> None:
    """A file of exactly 10,000,000 bytes is read whole; a longer one is read to 10,000,001
    bytes, enough for load_documents to refuse it (never a silently cut text)."""
    from planner.safe_yaml import MAX_TEXT_CHARS, read_utf8

    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" + b"x" * (MAX_TEXT_CHARS - 1))
    assert len(read_utf8(path, ValueError)) == MAX_TEXT_CHARS
    path.write_bytes(b"#" + b"x" * (MAX_TEXT_CHARS + 1))  # 10,000,002 bytes
    assert len(read_utf8(path, ValueError)) == MAX_TEXT_CHARS + 1


def test_an_unknown_kubernetes_version_is_named(tmp_path: Path) -> None:
    path = _overlay(tmp_path, 'eks:\n  kubernetes_version: "1.99"\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}: line 4: eks.kubernetes_version: ")


def test_a_missing_base_lists_the_bundled_names(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("extends: missing.yaml\nname: s\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).endswith(
        "(bundled scenarios, named without a path: production, staging, "
        "whatif/production-graviton, whatif/staging-eks-upgrade, whatif/staging-graviton, "
        "whatif/staging-multi-az)"
    )
