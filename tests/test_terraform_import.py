"""``planner import terraform``: plans and .tf folders into scenarios that price like the YAML.

Fixtures (tests/data/terraform/README.md): the staging environment of the seed report as a
plan (``staging-plan.json``, every resource created), the same plan after a pull request
(``staging-changed-plan.json``), the same resources as ``.tf`` files with variables, locals,
tfvars and two local modules (``staging-hcl/``), and a usage file with the staging figures.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SCENARIOS_DIR, CliResult
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import figures
from planner.costing.engine import CostReport
from planner.pricing import price_scenario
from planner.scenario import load_scenario
from planner.terraform.importer import import_terraform
from planner.topology import Amount, Basis

DATA = REPO / "tests" / "data" / "terraform"
PLAN = DATA / "staging-plan.json"
CHANGED = DATA / "staging-changed-plan.json"
USAGE = DATA / "staging-usage.yml"
HCL = DATA / "staging-hcl"
PUBLIC = DATA / "public"
AS_OF = dt.date(2025, 11, 11)


def _plan() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PLAN.read_text(encoding="utf-8"))
    return data


def _write(tmp_path: Path, plan: dict[str, Any], name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def _resource(plan: dict[str, Any], address: str) -> dict[str, Any]:
    for module in [plan["planned_values"]["root_module"], *_children(plan)]:
        for res in module.get("resources", []):
            if res["address"] == address:
                return dict(res)
    raise KeyError(address)


def _children(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return list(plan["planned_values"]["root_module"].get("child_modules", []))


def _change(plan: dict[str, Any], address: str) -> dict[str, Any]:
    return next(rc for rc in plan["resource_changes"] if rc["address"] == address)


def one_line(result: CliResult) -> str:
    """The one error line of a refused input: exit 2, nothing on stdout, no traceback."""
    assert result.code == 2, result
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]


# --- the fixtures against HashiCorp's published plans -------------------------------------


def _keys(items: list[dict[str, Any]]) -> set[str]:
    return {k for item in items for k in item}


def test_fixtures_follow_the_format_of_hashicorps_public_plans() -> None:
    """Our hand-written plans use the keys, nesting and value kinds of terraform show -json
    output as published in hashicorp/terraform-json's fixtures (tests/data/terraform/public)."""
    public = json.loads((PUBLIC / "has_checks-plan.json").read_text())
    moved = json.loads((PUBLIC / "moved_block-plan.json").read_text())
    ours = [json.loads(PLAN.read_text()), json.loads(CHANGED.read_text())]
    for plan in ours:
        assert plan["format_version"] == public["format_version"] == "1.2"
        assert {"format_version", "terraform_version", "planned_values", "resource_changes"} <= (
            set(plan) & set(public)
        )
        assert isinstance(plan["timestamp"], str) and plan["timestamp"].endswith("Z")
        assert dt.datetime.fromisoformat(plan["timestamp"].replace("Z", "+00:00"))
        # planned_values: the same resource keys as HashiCorp's (index only when counted)
        public_res = public["planned_values"]["root_module"]["child_modules"][0]["resources"]
        our_res = [
            r
            for m in [plan["planned_values"]["root_module"], *_children(plan)]
            for r in m.get("resources", [])
        ]
        assert _keys(our_res) == _keys(public_res)
        for res in our_res:
            assert res["mode"] == "managed"
            assert res["address"].endswith(
                f"{res['type']}.{res['name']}" + _index_suffix(res.get("index"))
            )
        assert {m["address"] for m in _children(plan)} == {"module.vpc", "module.eks"}
        # resource_changes: the keys and change keys HashiCorp's plans use
        change_keys = _keys(public["resource_changes"]) | _keys(moved["resource_changes"])
        assert _keys(plan["resource_changes"]) <= change_keys | {"action_reason"}
        inner = _keys([rc["change"] for rc in public["resource_changes"]])
        for rc in plan["resource_changes"]:
            assert set(rc["change"]) == inner
            assert set(rc["change"]["actions"]) <= {"no-op", "create", "read", "update", "delete"}
            if "module_address" in rc:
                assert rc["address"].startswith(rc["module_address"] + ".")
        # configuration: provider_config and module_calls shaped like HashiCorp's
        config = plan["configuration"]
        assert set(config) == set(public["configuration"])
        call = next(iter(public["configuration"]["root_module"]["module_calls"].values()))
        for ours_call in config["root_module"]["module_calls"].values():
            assert set(ours_call) >= set(call) - {"expressions"}
            public_keys = set(call["module"]["resources"][0]) - {"for_each_expression"}
            assert set(ours_call["module"]["resources"][0]) >= public_keys
    assert "prior_state" in ours[1] and set(ours[1]["prior_state"]) == set(moved["prior_state"])


def _index_suffix(index: Any) -> str:
    if index is None:
        return ""
    return f"[{index}]" if isinstance(index, int) else f'["{index}"]'


def test_a_public_plan_of_another_provider_is_one_line(run_cli) -> None:
    result = run_cli(["import", "terraform", str(PUBLIC / "has_checks-plan.json")])
    line = one_line(result)
    assert "has_checks-plan.json: no AWS resources (2 resources of " in line
    assert "registry.terraform.io/hashicorp/local" in line and "hashicorp/aws" in line


# --- the staging plan prices like scenarios/staging.yaml ----------------------------------


def _imported_staging() -> Any:
    return import_terraform(PLAN, usage_path=USAGE)


def _line_key(line: Any, rename: dict[str, str]) -> tuple[Any, ...]:
    return (
        line.service,
        rename.get(line.resource, line.resource),
        line.component,
        line.quantity,
        line.unit_price_usd,
        line.monthly_usd,
        line.purchase_option,
        line.price_ref,
    )


def test_staging_plan_prices_line_by_line_like_the_staging_scenario() -> None:
    imported = _imported_staging()
    ours: CostReport = price_scenario(imported.scenario)
    theirs: CostReport = price_scenario(load_scenario(SCENARIOS_DIR / "staging.yaml"))
    # the Terraform resource is aws_lb.api_gateway; staging.yaml names it api-gateway
    rename = {"nlb/api_gateway": "nlb/api-gateway"}
    assert [_line_key(ln, rename) for ln in ours.lines] == [
        _line_key(ln, {}) for ln in theirs.lines
    ]
    assert len(ours.lines) == 22
    assert ours.total_monthly_usd == theirs.total_monthly_usd
    assert imported.scenario.topology.as_of == AS_OF  # the plan's timestamp, 2025-11-11T09:30Z


def test_every_value_names_its_terraform_address() -> None:
    imported = _imported_staging()
    topology = imported.scenario.topology
    plan_addresses = {r.address for r in imported.source.resources}
    eks = topology.eks
    assert eks is not None
    items = [eks, *eks.node_groups, *topology.rds, *topology.elasticache, *topology.msk]
    items += [*topology.load_balancers, topology.nat_gateways, topology.cloudwatch_logs]
    items += [topology.s3, topology.kms, topology.ecr]
    for item in items:
        assert item is not None
        assert item.source.startswith("terraform: "), item
        for address in item.source.removeprefix("terraform: ").split(", "):
            assert address in plan_addresses, address
    # quantities Terraform states carry basis terraform and the address
    rds = topology.rds[0]
    assert rds.storage_gb == Amount(
        value=Decimal(100),
        basis=Basis.TERRAFORM,
        source="aws_db_instance.postgres",
        note="allocated_storage",
    )
    assert topology.kms is not None and topology.kms.keys.basis is Basis.TERRAFORM
    assert topology.kms.keys.value == 3  # aws_kms_key.rds, .s3, .eks
    general = eks.node_groups[0]
    assert general.disk_gb.source == "module.eks.aws_launch_template.general"
    # every quantity says where it came from: Terraform, the usage file, or a reason; the
    # scenario: block of the usage file (data_transfer) and an NLB's rule evaluations (an ALB
    # dimension, the model's stated 0) are not Terraform's to say
    for path, amount in _amounts(topology, "topology"):
        if path.startswith("topology.data_transfer") or path.endswith(
            "rule_evaluations_per_second"
        ):
            continue
        if amount.basis is Basis.TERRAFORM:
            assert amount.source.split(", ")[0] in plan_addresses, path
        elif amount.source:
            assert amount.source.startswith(f"usage file {USAGE}"), path
        else:
            assert amount.basis is Basis.ASSUMPTION and amount.note, path  # model defaults
    # the YAML names the attribute of each plain field next to it
    text = imported.text
    assert "instance_class: db.t3.medium  # instance_class\n" in text
    assert "min_size: 2  # scaling_config[0].min_size\n" in text
    assert "instance_type: t3.medium  # module.eks.aws_launch_template.general instance_type" in (
        text
    )
    assert "basis: terraform" in text


def _amounts(value: Any, path: str) -> list[tuple[str, Amount]]:
    from pydantic import BaseModel

    if isinstance(value, Amount):
        return [(path, value)]
    if isinstance(value, BaseModel):
        return [
            a
            for name in type(value).model_fields
            for a in _amounts(getattr(value, name), f"{path}.{name}")
        ]
    if isinstance(value, tuple | list):
        return [a for i, item in enumerate(value) for a in _amounts(item, f"{path}[{i}]")]
    return []


def test_import_lists_and_counts_what_it_does_not_price(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "staging.yaml"
    result = run_cli(["import", "terraform", str(PLAN), "--usage-file", str(USAGE), "-o", str(out)])
    assert result.code == 0, result.err
    err = result.err.splitlines()
    assert err[0] == (f"imported 21 of 40 resources from {PLAN} (plan) into scenario staging-plan")
    assert (
        "3 not supported (not priced): aws_secretsmanager_secret.db, "
        "module.vpc.aws_eip.nat[0], module.vpc.aws_eip.nat[1]"
    ) in err
    assert any(line.startswith("16 with no charge of their own: aws_kms_alias.rds") for line in err)
    # values Terraform knows only after apply, that the planner does not need, are named
    after = next(line for line in err if "known only after apply" in line)
    assert after.startswith("5 values known only after apply")
    assert "module.vpc.aws_nat_gateway.this[0].id (gateway_ids for planner usage pull)" in after
    text = out.read_text()
    assert "# Not supported, not priced (3): aws_secretsmanager_secret.db" in text
    # 21 mapped + 3 not supported + 16 free = 40: nothing dropped silently
    assert len(json.loads(PLAN.read_text())["resource_changes"]) == 21 + 3 + 16
    # the written file is a scenario planner price reads, with the same total
    priced = run_cli(["price", str(out), "--format", "json"])
    assert priced.code == 0, priced.err
    expected = price_scenario(load_scenario(SCENARIOS_DIR / "staging.yaml"))
    assert Decimal(str(json.loads(priced.out)["total_monthly_usd"])) == figures.total(expected)


def test_hcl_with_a_variable_and_modules_imports_to_the_same_scenario() -> None:
    from_plan = import_terraform(PLAN, usage_path=USAGE, name="staging")
    from_hcl = import_terraform(HCL, usage_path=USAGE, name="staging", as_of=AS_OF)
    plan_doc = from_plan.scenario.topology.model_dump(mode="json")
    hcl_doc = from_hcl.scenario.topology.model_dump(mode="json")
    assert plan_doc.pop("source") == f"terraform plan {PLAN}"
    assert hcl_doc.pop("source") == f"terraform hcl {HCL}"
    assert hcl_doc == plan_doc
    # db_instance_class has no default: it comes from terraform.tfvars; desired_size of the
    # general group is a module argument; the cluster name a variable passed to module.eks
    assert from_hcl.scenario.topology.rds[0].instance_class == "db.t3.medium"
    assert from_hcl.mapped.unsupported == from_plan.mapped.unsupported


def test_hcl_names_what_it_cannot_resolve(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "hcl"
    shutil.copytree(HCL, folder)
    main = folder / "main.tf"
    text = main.read_text().replace(
        "instance_class          = var.db_instance_class",
        "instance_class          = data.aws_rds_orderable_db_instance.pick.instance_class",
    )
    main.write_text(text)
    line = one_line(run_cli(["import", "terraform", str(folder), "--usage-file", str(USAGE)]))
    assert line == (
        f"planner: error: {folder}: aws_db_instance.postgres: instance_class: "
        "`data.aws_rds_orderable_db_instance.pick.instance_class` is read from a data source "
        "when Terraform runs; the planner needs it for the instance price. Give it a literal "
        "value in the configuration (or import the plan after apply)"
    )


def test_an_imported_scenario_the_model_refuses_is_one_line(run_cli, tmp_path: Path) -> None:
    # Kubernetes 1.28 left EKS extended support on 2025-11-26: an as_of after it is refused,
    # naming the field, not a line of the generated YAML
    args = ["import", "terraform", str(PLAN), "--usage-file", str(USAGE), "--as-of", "2026-01-05"]
    line = one_line(run_cli(args))
    assert line.startswith(
        f"planner: error: {PLAN}: the imported scenario is not valid: eks.kubernetes_version: "
        "Kubernetes 1.28 left EKS extended support on 2025-11-26"
    )


def test_hcl_syntax_error_is_one_line(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "hcl"
    shutil.copytree(HCL, folder)
    broken = folder / "modules" / "eks" / "main.tf"
    broken.write_text(broken.read_text().replace("min_size     = 2\n", "min_size     = \n", 1))
    out = tmp_path / "out.yaml"
    out.write_text("kept\n")
    line = one_line(run_cli(["import", "terraform", str(folder), "-o", str(out)]))
    # line 66 of modules/eks/main.tf: "    min_size     = " (the value removed)
    assert line == (
        f"planner: error: {broken}: HCL syntax error at line 66, column 20: unexpected end of line"
    )
    assert out.read_text() == "kept\n"  # nothing a user had is lost


# --- bad plans: one line each -------------------------------------------------------------


def test_truncated_plan_is_one_line(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(PLAN.read_text()[:5000])
    line = one_line(run_cli(["import", "terraform", str(path)]))
    assert line.startswith(f"planner: error: {path}: not valid JSON at line ")
    assert "the file ends early (truncated?)" in line
    assert line.endswith("expected the output of `terraform show -json PLANFILE`")


def test_a_value_known_only_after_apply_that_prices_is_one_line(run_cli, tmp_path: Path) -> None:
    plan = _plan()
    db = _resource(plan, "aws_db_instance.postgres")
    for values in (db["values"], _change(plan, "aws_db_instance.postgres")["change"]["after"]):
        values.pop("instance_class")
    for module in [plan["planned_values"]["root_module"]]:
        for res in module["resources"]:
            if res["address"] == "aws_db_instance.postgres":
                res["values"].pop("instance_class", None)
    _change(plan, "aws_db_instance.postgres")["change"]["after_unknown"]["instance_class"] = True
    line = one_line(
        run_cli(["import", "terraform", str(_write(tmp_path, plan)), "--usage-file", str(USAGE)])
    )
    assert line == (
        f"planner: error: {tmp_path / 'plan.json'}: aws_db_instance.postgres: instance_class: "
        "known only after apply; the planner needs it for the instance price. Give it a literal "
        "value in the configuration (or import the plan after apply)"
    )


def test_an_unsupported_type_is_listed_and_counted_not_dropped(run_cli, tmp_path: Path) -> None:
    plan = _plan()
    queue = {
        "address": "aws_sqs_queue.jobs",
        "mode": "managed",
        "type": "aws_sqs_queue",
        "name": "jobs",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "schema_version": 0,
        "values": {"name": "emrtask-staging-jobs"},
        "sensitive_values": {},
    }
    plan["planned_values"]["root_module"]["resources"].append(queue)
    path = _write(tmp_path, plan)
    result = run_cli(["import", "terraform", str(path), "--usage-file", str(USAGE)])
    assert result.code == 0
    assert (
        "4 not supported (not priced): aws_secretsmanager_secret.db, aws_sqs_queue.jobs, "
        "module.vpc.aws_eip.nat[0], module.vpc.aws_eip.nat[1]"
    ) in result.err.splitlines()
    assert "# Not supported, not priced (4): " in result.out


def test_spot_without_a_discount_is_one_line_never_on_demand(run_cli, tmp_path: Path) -> None:
    line = one_line(run_cli(["import", "terraform", str(PLAN)]))
    assert line.startswith(
        f"planner: error: {PLAN}: module.eks.aws_eks_node_group.compute: capacity_type SPOT: "
        "give spot_discount_pct"
    )


def test_usage_not_given_is_a_labelled_assumption_never_a_silent_zero(
    run_cli, tmp_path: Path
) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text(
        "resource_usage:\n  module.eks.aws_eks_node_group.compute:\n"
        "    spot_discount_pct: {value: 70, basis: assumption, note: the report's claim}\n"
    )
    out = tmp_path / "s.yaml"
    result = run_cli(["import", "terraform", str(PLAN), "--usage-file", str(usage), "-o", str(out)])
    assert result.code == 0, result.err
    missing = next(ln for ln in result.err.splitlines() if "usage quantities not given" in ln)
    # 2 NAT gateways, 3 LB dimensions, 2 log groups x 2, 1 bucket, 3 keys, 5 repositories
    assert missing.startswith("18 usage quantities not given (assumed 0, labelled as assumptions)")
    scenario = load_scenario(out)
    nat = scenario.topology.nat_gateways
    assert nat is not None and nat.data_processed_gb.value == 0
    assert nat.data_processed_gb.basis is Basis.ASSUMPTION
    assert nat.data_processed_gb.note.startswith(
        "usage not given: no data_processed_gb (GB a month) for module.vpc.aws_nat_gateway.this[0]"
        ", module.vpc.aws_nat_gateway.this[1] in the usage file"
    )
    report = price_scenario(scenario)
    fields = {a["field"] for a in report.assumptions}
    assert "nat_gateways.data_processed_gb" in fields and "s3.storage_gb" in fields


def test_a_usage_file_cannot_override_what_terraform_describes(run_cli, tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text("scenario:\n  rds: []\n")
    line = one_line(run_cli(["import", "terraform", str(PLAN), "--usage-file", str(usage)]))
    assert line.startswith(f"planner: error: {usage}: scenario.rds: Terraform describes this")


# --- autoscaling node groups: a range, never max alone -------------------------------------


def test_an_autoscaling_node_group_is_priced_as_a_range_never_max_alone(tmp_path: Path) -> None:
    from planner.diff.inputs import Side
    from planner.diff.model import price_side

    plan = _plan()
    for values in (
        _resource_values(plan, "module.eks.aws_eks_node_group.general"),
        _change(plan, "module.eks.aws_eks_node_group.general")["change"]["after"],
    ):
        values["scaling_config"] = [{"min_size": 1, "desired_size": 2, "max_size": 6}]
    usage = tmp_path / "usage.yml"
    usage.write_text(
        "resource_usage:\n  module.eks.aws_eks_node_group.compute:\n"
        "    spot_discount_pct: {value: 70, basis: assumption, note: the report's claim}\n"
    )
    imported = import_terraform(_write(tmp_path, plan), usage_path=usage)
    group = imported.scenario.topology.eks.node_groups[0]  # type: ignore[union-attr]
    assert (group.min_size, group.desired_size, group.max_size) == (1, 2, 6)
    report = price_scenario(imported.scenario)
    hours = next(
        ln.quantity for ln in report.lines if ln.node_group == "general" and ln.unit == "Hrs"
    )
    assert hours == 2 * 730  # desired_size, not max_size (6 x 730)
    # no workloads known: the range is the scaling bounds, min 1 .. desired 2 .. max 6 nodes
    priced = price_side(Side("plan", imported.scenario, imported))
    assert priced.range is not None and priced.range.basis == "scaling bounds"
    assert priced.range.nodes["min"]["general"] == 1
    assert priced.range.nodes["expected"]["general"] == 2
    assert priced.range.nodes["max"]["general"] == 6
    # both groups move: general 1..6 t3.medium, compute 1..3 t3.large spot (70% off $0.0832 =
    # $0.02496 an hour); each line rounded first:
    # min: general 1 x 730 h x $0.0416 = $30.368 -> $30.37, EBS 20 GB x $0.08 = $1.60;
    #      compute 730 h x $0.02496 = $18.2208 -> $18.22, EBS $1.60
    # max: general 4380 h x $0.0416 = $182.208 -> $182.21, EBS 120 GB = $9.60;
    #      compute 2190 h x $0.02496 = $54.6624 -> $54.66, EBS 60 GB = $4.80
    t = priced.range.totals
    at_max = Decimal("182.21") + Decimal("9.60") + Decimal("54.66") + Decimal("4.80")
    at_min = Decimal("30.37") + Decimal("1.60") + Decimal("18.22") + Decimal("1.60")
    assert t["max"] - t["min"] == at_max - at_min == Decimal("199.48")
    assert t["expected"] == figures.total(report)  # desired_size: what price shows
    # with the workloads known, the capacity model narrows it (staging's: 2..4 general nodes)
    with_workloads = import_terraform(_write(tmp_path, plan), usage_path=USAGE)
    ranged = price_side(Side("plan", with_workloads.scenario, with_workloads))
    assert ranged.range is not None and ranged.range.basis == "capacity model"
    from planner.capacity.plan import plan_capacity

    planned = plan_capacity(with_workloads.scenario.topology)
    for state in ("min", "expected", "max"):
        assert ranged.range.nodes[state] == planned.nodes(state)
    # the staging workloads at HPA max need 5 general nodes (staging.yaml's max_size 4 caps
    # them at 4): below this group's max_size 6, so the range is not max alone
    assert ranged.range.nodes["max"]["general"] == 5


def _resource_values(plan: dict[str, Any], address: str) -> dict[str, Any]:
    for module in [plan["planned_values"]["root_module"], *_children(plan)]:
        for res in module.get("resources", []):
            if res["address"] == address:
                values: dict[str, Any] = res["values"]
                return values
    raise KeyError(address)


# --- the YAML writer: what it writes reads back the same ----------------------------------

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=40)


@settings(max_examples=200)
@given(
    text=_TEXT,
    number=st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False),
    flag=st.booleans(),
    items=st.lists(_TEXT, max_size=4),
)
def test_written_yaml_reads_back_the_same(
    text: str, number: Decimal, flag: bool, items: list[str]
) -> None:
    from planner.safe_yaml import load_documents
    from planner.terraform.emit import to_yaml

    document = {"a": text, "n": number, "f": flag, "l": items, "m": {"k": text}}
    written = to_yaml(document, {("a",): "a # comment"}, ["header"])
    data = load_documents(written)[0].data
    assert data["a"] == text and data["m"] == {"k": text}
    assert Decimal(str(data["n"])) == number
    assert data["f"] is flag
    assert data["l"] == (items or [])


def test_plan_helpers_survive_a_deep_copy() -> None:
    # the fixture is read, not changed, by the reader
    before = copy.deepcopy(_plan())
    import_terraform(PLAN, usage_path=USAGE)
    assert _plan() == before


def test_hcl_count_it_cannot_resolve_stops_only_where_it_prices(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "hcl"
    shutil.copytree(HCL, folder)
    vpc = folder / "modules" / "vpc" / "main.tf"
    text = vpc.read_text()
    # subnets cost nothing themselves: an unresolved count is named, the import goes on
    vpc.write_text(text.replace("count                   = 2", "count = length(local.azs)", 1))
    args = ["import", "terraform", str(folder), "--usage-file", str(USAGE), "--as-of", "2025-11-11"]
    result = run_cli(args)
    assert result.code == 0, result.err
    assert (
        "not counted: module.vpc.aws_subnet.public: count: `length(local.azs)` is not a literal "
        "(the planner resolves literal variables and locals only); the planner needs a literal "
        "count (or import a plan)"
    ) in result.err.splitlines()
    # NAT gateways are priced per instance: the same count there is one line and exit 2
    vpc.write_text(text.replace("count         = var.nat_gateways", "count = length(local.azs)"))
    line = one_line(run_cli(args))
    assert line.startswith(
        f"planner: error: {vpc.parent}: module.vpc.aws_nat_gateway.this: count: "
        "`length(local.azs)` is not a literal"
    )


def test_thousands_of_resources_stay_within_the_scenarios_text_bounds(tmp_path: Path) -> None:
    plan = _plan()
    for i in range(1500):
        plan["planned_values"]["root_module"]["resources"].append(
            {
                "address": f"aws_s3_bucket.logs[{i}]",
                "mode": "managed",
                "type": "aws_s3_bucket",
                "name": "logs",
                "index": i,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "schema_version": 0,
                "values": {"bucket": f"logs-{i}"},
                "sensitive_values": {},
            }
        )
    imported = import_terraform(_write(tmp_path, plan), usage_path=USAGE)
    s3 = imported.scenario.topology.s3
    assert s3 is not None and s3.storage_gb.value == 10  # only aws_s3_bucket.data has usage
    assert s3.storage_gb.basis is Basis.ASSUMPTION
    assert s3.storage_gb.note.endswith(
        "in the usage file; 0 until given there or measured (planner usage pull)"
    )
    assert " and 1,4" in s3.storage_gb.note and len(s3.storage_gb.note) < 10_000
    assert s3.source.startswith("terraform: aws_s3_bucket.data, aws_s3_bucket.logs[0]")
    assert s3.source.endswith(" more") and len(s3.source) < 10_000
    assert len(imported.mapped.notes.usage_missing) == 1500  # every one is still listed


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.text(max_size=12)
    | st.floats(allow_nan=False, allow_infinity=False)
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=40)
@given(data=st.data())
def test_any_changed_value_imports_or_is_one_planner_error(data: st.DataObject) -> None:
    """Whatever value a plan holds where a number or a name is expected, the import either
    works or raises the one user-error root (the CLI's one line), never another exception."""
    from planner.errors import PlannerError

    plan = _plan()
    resources = [
        r
        for m in [plan["planned_values"]["root_module"], *_children(plan)]
        for r in m.get("resources", [])
    ]
    resource = data.draw(st.sampled_from(resources))
    key = data.draw(st.sampled_from(sorted(resource["values"])))
    resource["values"][key] = data.draw(_JSON)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_text(json.dumps(plan))
        try:
            import_terraform(path, usage_path=USAGE)
        except PlannerError as exc:
            assert "\n" not in str(exc)


def _import_with(address: str, key: str, value: object) -> str:
    """The bundled plan with one resource's value changed: the import's one-line error."""
    from planner.errors import PlannerError

    plan = _plan()
    resources = [
        r
        for m in [plan["planned_values"]["root_module"], *_children(plan)]
        for r in m.get("resources", [])
    ]
    next(r for r in resources if r["address"] == address)["values"][key] = value
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_text(json.dumps(plan))
        with pytest.raises(PlannerError) as raised:
            import_terraform(path, usage_path=USAGE)
    return str(raised.value)


@pytest.mark.parametrize("value", [[], {"name": "postgres"}, 5])
def test_an_engine_that_is_not_a_name_is_one_line(value: object) -> None:
    """Found by the property above: ``engine = []`` crashed the RDS mapper (a list is not
    hashable). An engine that is not text is the one user error, naming the resource."""
    message = _import_with("aws_db_instance.postgres", "engine", value)
    assert f"aws_db_instance.postgres: engine: {json.dumps(value)} is not an engine" in message


@pytest.mark.parametrize("value", [[None, None], True, "t3.medium", [""]])
def test_instance_types_that_are_not_a_list_of_names_are_one_line(value: object) -> None:
    """Found by the property above: instance_types = true or [null, null] crashed the node
    group mapper. Anything but a list of instance type names is the one user error."""
    address = "module.eks.aws_eks_node_group.compute"
    message = _import_with(address, "instance_types", value)
    assert f"{address}: instance_types: {json.dumps(value)} is not a list" in message
