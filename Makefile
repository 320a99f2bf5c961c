# All targets set themselves up: a fresh clone needs only python3 (>= 3.11) and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup test report lint bench lab notebooks mutate clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv
	@$(BIN)/uv pip install -q --python $(BIN)/python --compile-bytecode -e '.[dev]'
	@$(BIN)/python -m ipykernel install --sys-prefix --name planner --display-name "Python (planner)" >/dev/null
	@# the package is installed editable: compile it too, or every planner process (and
	@# every kernel) compiles it again where PYTHONDONTWRITEBYTECODE is set
	@$(BIN)/python -m compileall -q planner >/dev/null
	@touch $(STAMP)

setup: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

report: $(STAMP)
	$(BIN)/planner report

lab: $(STAMP)
	$(BIN)/planner lab

# Each notebook is paired with a jupytext percent-format .py (what a pull request shows):
# after editing either side, sync the other.
notebooks: $(STAMP)
	$(BIN)/jupytext --sync notebooks/*.ipynb

# Mutation testing, one area at a time (docs/mutation.md): make mutate AREA=capacity
# (SAMPLE=40 tries a fixed random sample of 40 of its mutants; SEED=N picks another sample)
mutate: $(STAMP)
	$(BIN)/python benchmarks/mutation.py --run $(AREA) $(if $(SAMPLE),--sample $(SAMPLE)) $(if $(SEED),--seed $(SEED))

lint: $(STAMP)
	$(BIN)/ruff check planner tests benchmarks pricing
	$(BIN)/ruff format --check planner tests benchmarks pricing
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/notebook_import.py
	$(BIN)/python benchmarks/capacity_pack.py
	$(BIN)/python benchmarks/pack_scale.py
	$(BIN)/python benchmarks/report.py
	$(BIN)/python benchmarks/explore.py
	$(BIN)/python benchmarks/actuals_import.py
	$(BIN)/python benchmarks/sweep.py
	$(BIN)/python benchmarks/usage_api_calls.py
	$(BIN)/python benchmarks/rightsize_scale.py
	$(BIN)/python benchmarks/snapshot_verify.py
	$(BIN)/python benchmarks/price_rules.py
	$(BIN)/python benchmarks/refresh_calls.py
	$(BIN)/python benchmarks/import_offer.py
	$(BIN)/python benchmarks/terraform_import.py

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
