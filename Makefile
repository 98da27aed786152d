# Hydra: `make run` starts everything, `make test` runs lint and the whole suite.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
# full mode when DATABASE_URL or REDIS_URL is set, embedded otherwise
PROCFILE := $(if $(REDIS_URL),Procfile,Procfile.embedded)
# HYDRA_DEMO=0 make run: no simulator feeding demo data
HYDRA_DEMO ?= 1
PROCESSES := $(if $(filter 0,$(HYDRA_DEMO)),$(if $(REDIS_URL),web worker loadgen beat scrape,web),)

.PHONY: run test lint format typecheck test-suite migrate venv clean bench-ingest protos

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Hydra needs Python 3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --upgrade pip
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

migrate: venv
	$(MANAGE) migrate --noinput

run: migrate
	$(MANAGE) ensure_admin
	$(if $(filter 0,$(HYDRA_DEMO)),,$(MANAGE) seed_demo)
	@echo "Hydra on http://127.0.0.1:$${HYDRA_PORT:-8000}/ ($(if $(REDIS_URL),full,embedded) mode). Ctrl-C stops it."
	PYTHONUNBUFFERED=1 PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho -f $(PROCFILE) start $(PROCESSES)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/mypy .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# browser tests get their own pass: Playwright's sync API keeps an event loop running in
# its worker, which breaks later tests that call asyncio.run()
test-suite: venv
	$(BIN)/pytest -n 2 -m "not browser" $(PYTEST_ARGS)
	$(BIN)/pytest -n 2 -m browser $(subst .xml,-browser.xml,$(PYTEST_ARGS))

test: lint test-suite

bench-ingest: venv
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts

# prom/protos/*_pb2.py from the committed .proto files (dev-time: pip install grpcio-tools
# into the venv; not a runtime requirement). The generated files are committed.
protos:
	$(PY) -m grpc_tools.protoc -Iprom/protos --python_out=prom/protos --pyi_out=prom/protos \
		prom/protos/types.proto prom/protos/remote.proto prom/protos/write_view.proto
	sed -i 's/^import types_pb2 as/from prom.protos import types_pb2 as/' \
		prom/protos/remote_pb2.py prom/protos/write_view_pb2.py
