# The two commands of the README: `make run` and `make test`.
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
PYTHON_FOR_VENV = $(shell scripts/find-python)
TEST_VAR := $(CURDIR)/var/test
# Tests close every connection they open, so the throwaway database can be dropped.
TEST_ENV := RCMDESK_VAR_DIR=$(TEST_VAR) RCMDESK_CONN_MAX_AGE=0 RCMDESK_SQLITE_SYNC=OFF
PYTEST_ARGS ?=

.PHONY: run test install install-test lint check test-sqlite test-postgres lock clean

$(BIN)/python:
	$(PYTHON_FOR_VENV) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Dependencies come from the hash-pinned locks (requirements/, made by `make lock`): pip
# refuses any file whose sha256 is not recorded there. The project itself goes in after,
# editable and without dependencies, since a local tree has no hash to pin.
$(VENV)/.installed: pyproject.toml requirements/run.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/run.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements/test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make run: install, migrate, build the demo back office and serve it on 127.0.0.1:8000,
## with the clearinghouse simulator beside it (SFTP on 127.0.0.1:8022, var/sim/connection.json)
run: install
	RCMDESK_HTTPS=false $(BIN)/rcmdesk migrate
	$(BIN)/rcmdesk sim --prepare
	RCMDESK_HTTPS=false $(BIN)/rcmdesk demo
	RCMDESK_HTTPS=false $(BIN)/rcmdesk serve --host 127.0.0.1 --port 8000 --sim

## make test: lint, type-check, then the whole suite on SQLite and on PostgreSQL
test: install-test
	scripts/system-deps
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

check:
	$(BIN)/ruff check rcmdesk $(wildcard bench)
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(TEST_ENV) $(BIN)/rcmdesk manage makemigrations --check --dry-run

test-sqlite:
	@echo "== pytest on SQLite"
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== pytest on PostgreSQL"
	$(TEST_ENV) scripts/with-postgres $(BIN)/pytest $(PYTEST_ARGS)

## make lock: after changing a pin in pyproject.toml, record the resolved set with hashes
## (requirements/run.txt, requirements/test.txt) and the CycloneDX SBOM of what ships
TOOLS := .venv-tools
LOCK := $(TOOLS)/bin/uv pip compile --quiet --python-version 3.12 --generate-hashes --annotation-style line
lock:
	test -x $(TOOLS)/bin/python || $(PYTHON_FOR_VENV) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --require-hashes -r requirements/tools.txt
	$(LOCK) pyproject.toml -o requirements/run.txt
	$(LOCK) pyproject.toml --extra test -o requirements/test.txt
	$(TOOLS)/bin/cyclonedx-py requirements requirements/run.txt --pyproject pyproject.toml \
	  --output-reproducible -o requirements/sbom.cdx.json

clean:
	rm -rf $(VENV) $(TOOLS) var/test
