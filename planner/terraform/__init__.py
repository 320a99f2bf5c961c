"""Terraform as input: a plan (``terraform show -json``) or ``.tf`` files into a scenario.

- :mod:`planner.terraform.resources`: one resource instance as the planner reads it (its
  address, attribute values, the attributes Terraform does not know yet, its references);
- :mod:`planner.terraform.plan` reads a plan's JSON, :mod:`planner.terraform.hcl` reads a
  folder of ``.tf`` files with python-hcl2 (literal variables and locals resolved);
- :mod:`planner.terraform.usage_file`: the quantities Terraform cannot know (GB processed,
  stored, requests), per resource address, each with its basis;
- :mod:`planner.terraform.mapping` turns the resources into a scenario document, every value
  naming its address, and lists the resources the planner does not model;
- :mod:`planner.terraform.emit` writes that document as commented scenario YAML, and
  :mod:`planner.terraform.importer` ties it together (the ``planner import terraform``
  command is in :mod:`planner.terraform.cli`).
"""
