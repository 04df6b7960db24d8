# Two commands matter: `make run` (the whole platform) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
SERVICES := programmes grants metrics gateway
STAMP := $(VENV)/.installed

.PHONY: run lint test unit test-unit test-service test-e2e migrate topology bench bench-quick docs contracts clean install fuzz chaos chaos-quick

$(STAMP): constraints.txt pyproject.toml $(foreach s,$(SERVICES),services/$(s)/pyproject.toml) tools/platformctl/pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e . $(foreach s,$(SERVICES),-e services/$(s)) -e tools/platformctl \
		pytest pytest-timeout hypothesis requests schemathesis ruff mypy types-PyYAML \
		selenium axe-core-python kubernetes-validate "moto[s3]" flask flask-cors
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m scripts.run_platform

migrate: $(STAMP)
	$(BIN)/python -m scripts.run_platform --migrate-only

topology: $(STAMP)
	$(BIN)/python -m shared.messaging.topology

# ruff (pyflakes, pycodestyle at 120 columns, isort, bugbear) and mypy (strict on shared/ and
# every domain model), both configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Three pytest processes side by side (scripts/run_tests.py); TEST_SERIAL=1 runs one.
test: lint
	$(BIN)/python scripts/run_tests.py

unit: $(STAMP)
	$(BIN)/python -m pytest -q -m "not broker and not e2e"

docs: $(STAMP)
	$(BIN)/python -m shared.events.docs > docs/events.md

# The contract snapshot (contracts/snapshot/: every event contract, the gateway's OpenAPI document)
# that tests/unit/test_contract_compatibility.py holds the code to. Refuses a breaking change;
# ACCEPT_BREAKING=1 writes it anyway (retiring a version nothing can still receive).
contracts: $(STAMP)
	$(BIN)/python -m scripts.contracts $(if $(ACCEPT_BREAKING),--accept-breaking)

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The same figures at small sizes and short rounds (under 5 minutes); both write docs/benchmarks.md.
bench-quick: $(STAMP)
	$(BIN)/python bench/run.py --quick

# schemathesis over the gateway's whole OpenAPI document: no 5xx, every response as documented.
# Its stateful phase follows the document's links (a create's id into the next request), with
# the admin key and then with a partner key it makes. Starts a platform of its own, or targets
# FUZZ_URL with FUZZ_KEY (an admin key). FUZZ_MAX_EXAMPLES (default 50) bounds each operation,
# FUZZ_MAX_TIME (600) the admin run, FUZZ_STATEFUL_MAX_TIME (120) the partner's stateful run,
# FUZZ_STATEFUL_MAX_STEPS (10) each stateful scenario.
fuzz: $(STAMP)
	$(BIN)/python -m tests.gateway.fuzz

# Fault injection under load (chaos/, docs/reliability.md): SIGKILLs, the broker and the database away,
# network faults, rolling restarts, replicas, duplicates, poison and a three-node RabbitMQ cluster
# losing nodes, on SQLite and PostgreSQL, each checked by id (lost, counted twice, unexpected);
# writes the figures to docs/reliability.md. Needs RabbitMQ (private nodes are started for the
# broker and cluster scenarios) and PostgreSQL. Under 20 minutes.
chaos: $(STAMP)
	$(BIN)/python -m chaos

# The short forms of every scenario (CI runs four of them: tests/chaos/test_chaos_quick.py).
chaos-quick: $(STAMP)
	$(BIN)/python -m chaos --quick

clean:
	rm -rf $(VENV) var/*.sqlite3*
