# evalkit — the entry points. On a fresh machine with Python 3.11+ and make:
#   make report   create .venv, install, register the `evalkit` kernel, render the default report
#   make test     same set-up (plus test extras), then run the test suite
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PARAMS ?= params/default.yaml
LANG_OPT := $(if $(REPORT_LANG),--lang $(REPORT_LANG),)
JOBS ?=
JOBS_OPT := $(if $(JOBS),--jobs $(JOBS),)
PYTEST_ARGS ?=

.PHONY: setup report test test-all lab validate bench benchmark strip clean help browser golden

help:
	@echo "make report      render $(PARAMS) into outputs/ (REPORT_LANG=en for English)"
	@echo "make test        run the test suite (what CI runs)"
	@echo "make lab         open JupyterLab on notebooks/ with the evalkit kernel"
	@echo "make validate    check every params/*.yaml"
	@echo "make bench       run benchmarks/ (ratios against floors/references, pass/fail; results in benchmarks/results/)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("evalkit needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name evalkit --display-name "Python (evalkit)" >/dev/null
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $@

setup: $(VENV)/.installed

report: $(VENV)/.installed
	$(BIN)/evalkit run $(PARAMS) $(JOBS_OPT) $(LANG_OPT)

# the browser test drives Debian's chromium (installed here when missing and when we may use apt)
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } || \
	  echo "chromium not available: the browser test will be skipped"

test: $(VENV)/.installed-test browser
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-all: $(VENV)/.installed-test browser
	$(BIN)/python -m pytest -n 2 --dist loadfile --runslow $(PYTEST_ARGS)

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

# about 6 minutes on 2 cores; each script also runs on its own (see benchmarks/README.md)
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/estimators.py
	$(BIN)/python benchmarks/few_treated_size.py
	$(BIN)/python benchmarks/budget.py
	$(BIN)/python benchmarks/verify.py
	$(BIN)/python benchmarks/panel_io.py
	$(BIN)/python benchmarks/summary.py

benchmark: bench

strip: $(VENV)/.installed-test
	$(BIN)/nbstripout --keep-id notebooks/*.ipynb

clean:
	rm -rf $(VENV) .pytest_cache
