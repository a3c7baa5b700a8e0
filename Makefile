# İztim: `make run` starts the app on http://localhost:3000, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
BUN_VERSION := 1.4.4
PORT ?= 3000

export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := 0
export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)

.PHONY: run test test-unit test-browser setup migrate demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# bun comes from the npm registry (package `bun`), installed into the project only.
$(TOOLS)/node_modules/.bin/bun:
	mkdir -p $(TOOLS)
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)

setup: $(VENV)/.installed $(TOOLS)/node_modules/.bin/bun

migrate: setup
	$(BIN)/iztim db upgrade
	$(BIN)/iztim tariffs init

demo: migrate
	$(BIN)/iztim demo load --if-demo-mode

run: demo
	@echo ""
	@echo "  İztim starting on http://localhost:$(PORT)  (first start builds the front end: about a minute)"
	@echo "  Demo sign-ins (password Demo.2026): bt.admin (IT), gm.onay (approver), sube.ankara (branch),"
	@echo "  acente.a1 / acente.a2 (agency A), acente.b1 (agency B)"
	@echo ""
	IZTIM_PORT=$(PORT) $(BIN)/reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

# Browser tests run in their own pytest process (Playwright's loop stays apart from others).
# The rest runs on TEST_WORKERS processes (pytest-xdist), a test file to a worker: most of a
# test's time is spent waiting for the database, which the other worker fills.
TEST_WORKERS ?= 2
UNIT_TESTS = $(BIN)/python -m pytest -m "not browser" -q -n $(TEST_WORKERS) --dist loadfile

test: setup
	$(UNIT_TESTS)
	$(BIN)/python -m pytest -m browser -q

test-unit: setup
	$(UNIT_TESTS)

test-browser: setup
	$(BIN)/python -m pytest -m browser -q

bench: setup
	$(BIN)/python bench/pricing.py
	$(BIN)/python bench/demo_load.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/reports.py $(REPORTS_BENCH)

clean:
	rm -rf $(VENV) $(TOOLS) .web .states test-artifacts
