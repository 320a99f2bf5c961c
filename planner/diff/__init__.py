"""``planner diff BASE HEAD``: what a change costs, before it is merged.

BASE and HEAD are scenarios, Terraform plans, ``.tf`` folders, or one of them at a git ref
(``--base-ref``). Each side is priced by the one pricing path (:func:`planner.pricing.
price_scenario`), its range by the capacity model (:func:`planner.pricing.price_states`) or,
with no workloads, by its node groups' scaling bounds; the comparison builds on
:mod:`planner.compare`. The result (:mod:`planner.diff.model`) says, per resource, the
monthly change and its lines; the change of the min..max range; the upfront cash of
purchases; new look-ahead warnings; lines that became unpriced; and, for Terraform input,
the resources not priced. :mod:`planner.diff.markdown` writes it as a pull-request comment,
:mod:`planner.diff.render` as a table or JSON.
"""
