# Two commands on a fresh machine: `make up` runs the hub, `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8080

.PHONY: up test install lint bench clean

$(BIN)/omshub: pyproject.toml tests/sample_plugin/pyproject.toml \
              $(wildcard tests/sample_plugin/omshub_sample/*.py)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test]'
	# The sample third-party plug-in installs like any other: from its own pyproject.
	$(BIN)/pip install -q tests/sample_plugin
	touch $@

install: $(BIN)/omshub

up: install
	$(BIN)/omshub up --port $(PORT)

# The suite runs on $(WORKERS) pytest-xdist workers (its tests wait on brokers, databases and
# subprocesses more than they compute); the tests that stop and start the shared RabbitMQ run
# alone afterwards, as they would disturb every other test (pytest's 5: none selected).
WORKERS ?= 3
test: install
	$(BIN)/python -m pytest -q -n $(WORKERS) -m "not restarts_broker" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -q -m restarts_broker $(PYTEST_ARGS) || [ $$? -eq 5 ]

# ruff, strict mypy, and the layers of docs/design.md (import-linter, [tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

bench: install
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) var build *.egg-info
