# evalkit — the entry points. On a fresh machine with Python 3.11+ and make:
#   make report   create .venv, install the locked environment, register the `evalkit` kernel, render the report
#   make test     same set-up (plus the test and bench extras), then run the test suite
# Dependencies are installed from the committed lock files in lock/ (exact versions and hashes; nothing is
# resolved from the network) with uv, which is bootstrapped with pip into .tools/ when it is not on PATH.
# `make lock` re-resolves them after pyproject.toml changes.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_HOME := .tools/uv
UV ?= $(shell command -v uv 2>/dev/null || echo $(UV_HOME)/bin/uv)
UV_ENV := UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1
PARAMS ?= params/default.yaml
LANG_OPT := $(if $(REPORT_LANG),--lang $(REPORT_LANG),)
JOBS ?=
JOBS_OPT := $(if $(JOBS),--jobs $(JOBS),)
PYTEST_ARGS ?=
# one BLAS/OpenMP thread per process: the tests run on two xdist workers (solver-heavy code oversubscribes)
THREADS := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: setup report test test-fast test-all lint lab validate bench benchmark strip clean help browser golden lock

help:
	@echo "make report      render $(PARAMS) into outputs/ (REPORT_LANG=en for English)"
	@echo "make test        lint, then run the test suite (what CI runs)"
	@echo "make lint        ruff check, ruff format --check and mypy on src/evalkit (pyproject.toml configures them)"
	@echo "make test-fast   the suite without the tests that render reports (-m 'not e2e'), for the edit loop"
	@echo "make lab         open JupyterLab on notebooks/ with the evalkit kernel"
	@echo "make validate    check every params/*.yaml"
	@echo "make lock        re-resolve lock/run.txt and lock/dev.txt from pyproject.toml"
	@echo "make bench       run benchmarks/ (ratios against floors/references, pass/fail; results in benchmarks/results/)"

# uv itself is pinned with its hashes in lock/uv.txt (`make lock` leaves it; bump it by hand)
$(UV_HOME)/bin/uv:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes --target $(UV_HOME) -r lock/uv.txt

$(BIN)/python: | $(UV)
	$(PYTHON) -c 'import sys; sys.exit("evalkit needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(UV_ENV) $(UV) venv --quiet --python $(PYTHON) $(VENV)

# install exactly the locked versions (--no-deps: no resolution) and then the project itself, editable
define install_locked
	$(UV_ENV) $(UV) pip install --quiet --python $(BIN)/python --no-deps --require-hashes -r $(1)
	$(UV_ENV) $(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name evalkit --display-name "Python (evalkit)" >/dev/null
endef

$(VENV)/.installed: $(BIN)/python lock/run.txt pyproject.toml
	$(call install_locked,lock/run.txt)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed lock/dev.txt
	$(call install_locked,lock/dev.txt)
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-test
	touch $@

# rfc3987-syntax (and lark, which only it needs) are left out of the locks: jsonschema imports it, when present,
# for the iri format that no schema of evalkit or Jupyter uses, and it compiles 35 Lark parsers at import, which
# costs about 1 s in every process that imports nbformat (each evalkit command, kernel start and test
# subprocess); jsonschema skips that format without it (jupyter_server #1559, jsonschema #1428).
LOCK_OPTS := --universal --python-version 3.11 --generate-hashes --no-header --quiet \
  --no-emit-package rfc3987-syntax --no-emit-package lark

lock: | $(UV)
	$(UV_ENV) $(UV) pip compile pyproject.toml lock/build.in $(LOCK_OPTS) --extra test --extra bench -o lock/dev.txt
	$(UV_ENV) $(UV) pip compile pyproject.toml lock/build.in $(LOCK_OPTS) -c lock/dev.txt -o lock/run.txt

setup: $(VENV)/.installed

report: $(VENV)/.installed
	$(BIN)/evalkit run $(PARAMS) $(JOBS_OPT) $(LANG_OPT)

# the browser test drives Debian's chromium (installed here when missing and when we may use apt)
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } || \
	  echo "chromium not available: the browser test will be skipped"

# ruff (lint, format) and mypy, configured in pyproject.toml; .pre-commit-config.yaml runs the same before a commit
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: $(VENV)/.installed-test browser lint
	$(THREADS) $(BIN)/python -m pytest -n 2 --dist worksteal $(PYTEST_ARGS)

test-fast: $(VENV)/.installed-test
	$(THREADS) $(BIN)/python -m pytest -n 2 -m "not e2e" $(PYTEST_ARGS)

test-all: $(VENV)/.installed-test browser
	$(THREADS) $(BIN)/python -m pytest -n 2 --runslow $(PYTEST_ARGS)

lab: $(VENV)/.installed
	cd notebooks && ../$(BIN)/jupyter lab

validate: $(VENV)/.installed
	$(BIN)/evalkit validate params/*.yaml

# the default report's tables as the golden copies the tests compare with (tests/golden/README.md)
golden: $(VENV)/.installed
	rm -rf .tmp/golden && mkdir -p .tmp/golden/data && cp -r pyproject.toml params notebooks .tmp/golden/
	cd .tmp/golden && EVALKIT_SALT=e2e-test-salt ../../$(BIN)/evalkit run params/default.yaml --no-cache --quiet
	rm -f tests/golden/default/*.csv && cp .tmp/golden/outputs/default/latest/tables/*.csv tests/golden/default/
	rm -rf .tmp/golden

# about 12 minutes on 2 cores; each script also runs on its own (see benchmarks/README.md). setup.py measures
# `make report` and `make test` in clean clones of the committed HEAD; the last line writes the recorded
# figures into README.md (its Performance section), so the README quotes only measured numbers.
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/estimators.py
	$(BIN)/python benchmarks/few_treated_size.py
	$(BIN)/python benchmarks/placebo_coverage.py
	$(BIN)/python benchmarks/simulator_coverage.py
	$(BIN)/python benchmarks/budget.py
	$(BIN)/python benchmarks/verify.py
	$(BIN)/python benchmarks/panel_io.py
	$(BIN)/python benchmarks/setup.py
	$(BIN)/python benchmarks/summary.py
	$(BIN)/python benchmarks/summary.py --readme

benchmark: bench

strip: $(VENV)/.installed-test
	$(BIN)/nbstripout --keep-id notebooks/*.ipynb

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
