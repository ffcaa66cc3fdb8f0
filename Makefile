# bankcore developer commands. The two a newcomer needs:
#   make run   - the service with demo data on SQLite and an in-process cache, at 127.0.0.1:8000
#   make test  - the test suite (on PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FUZZ_VENV ?= .venv-fuzz

.PHONY: run test lint imports fuzz bench check-deploy clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(BIN)/.installed
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py sanctions_load kyc/fixtures/sdn.csv --alt kyc/fixtures/alt.csv
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

# pytest exits 5 when it collects no tests; make fails on it like on any non-zero exit.
test: $(BIN)/.installed
	$(BIN)/python -m pytest

# schemathesis lives in its own virtualenv: the app's requirements never include it.
$(FUZZ_VENV)/.installed: .ci/fuzz-requirements.txt
	$(PYTHON) -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(FUZZ_VENV)/bin/python -m pip install --quiet -r .ci/fuzz-requirements.txt
	touch $@

# Needs PostgreSQL and Redis; see .ci/fuzz for the database it recreates.
fuzz: $(BIN)/.installed $(FUZZ_VENV)/.installed
	bash .ci/fuzz

# The speed benchmark: bankcore's hot paths against their ceilings, a few minutes. Needs
# PostgreSQL and Redis on 127.0.0.1, wrk and pgbench (apt-get install -y wrk postgresql-client);
# it recreates the databases bankcore_bench and bankcore_bench_pgbench. Options, e.g.
# make bench BENCH_ARGS="--rounds 8 --parts transfers,balance": python loadtest/bench.py --help.
$(BIN)/.bench-installed: $(BIN)/.installed loadtest/bench-requirements.txt
	$(BIN)/python -m pip install --quiet -r loadtest/bench-requirements.txt
	touch $@

bench: $(BIN)/.bench-installed
	$(BIN)/python loadtest/bench.py $(BENCH_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The dependency rule between the apps (contracts in pyproject.toml). The graph takes a
# second to build: no cache directory to keep.
imports: $(BIN)/.installed
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) $(FUZZ_VENV) var staticfiles .pytest_cache .ruff_cache
