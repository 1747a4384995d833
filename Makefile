# Qingshou: `make run` serves the API and the staff page, `make test` runs the whole suite.
# Both bootstrap themselves on a fresh clone with only Python 3.11 and make.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
QS := $(VENV)/bin/qingshou
DEMO_CASES ?= 2000
HOST ?= 127.0.0.1
PORT ?= 8000
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=
export HF_HUB_OFFLINE := 1

.DEFAULT_GOAL := help
.PHONY: help install run test lint typecheck evals bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed ## Create .venv and install the project

run: $(VENV)/.installed ## Create the database and demo portfolio if missing, serve on 127.0.0.1:8000
	$(QS) data ensure-demo --cases $(DEMO_CASES)
	$(QS) serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed ## Run the whole test suite
	$(PY) -m pytest -q

lint: $(VENV)/.installed ## ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed ## mypy (strict on the library code)
	$(VENV)/bin/mypy

evals: $(VENV)/.installed ## Run every eval suite, reports under reports/
	@for suite in triage valuation retrieval compliance negotiation extraction copilot; do \
		$(QS) eval run $$suite --report reports/$$suite || exit $$?; done

bench: $(VENV)/.installed ## Throughput and memory benchmarks
	$(PY) benchmarks/run_all.py

clean: ## Remove local state (var/) and reports
	rm -rf var reports
