# Two commands for a fresh machine: `make demo` and `make test`.
# The virtual environment is (re)built only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install clean-data

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pipelines.warmup
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/wijkradar demo

# two test processes: CI and the reference machine have 2 cores (set TEST_WORKERS=1 to run serially);
# tests sharing a module-scoped fixture stay in one process (tests/conftest.py), so it is built once
TEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

clean-data:
	rm -rf data/warehouse.duckdb data/warehouse.duckdb.wal data/inbox data/exports data/reports data/archive
