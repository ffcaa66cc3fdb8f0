# bankcore developer commands. The two a newcomer needs:
#   make run   - the service with demo data on SQLite and an in-process cache, at 127.0.0.1:8000
#   make test  - the test suite (on PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FUZZ_VENV ?= .venv-fuzz

.PHONY: run test e2e lint imports fuzz check-deploy clean

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

# The browser tests (transfers/tests/e2e): Playwright drives Debian's chromium
# (apt-get install chromium; .ci/run installs it) against a live server, on PostgreSQL when
# DATABASE_URL is set, as in CI. Screenshots of each step land in var/e2e/.
e2e: $(BIN)/.installed
	$(BIN)/python -m pytest -m e2e -p no:cacheprovider transfers/tests/e2e

# schemathesis lives in its own virtualenv: the app's requirements never include it.
$(FUZZ_VENV)/.installed: .ci/fuzz-requirements.txt
	$(PYTHON) -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(FUZZ_VENV)/bin/python -m pip install --quiet -r .ci/fuzz-requirements.txt
	touch $@

# Needs PostgreSQL and Redis; see .ci/fuzz for the database it recreates.
fuzz: $(BIN)/.installed $(FUZZ_VENV)/.installed
	bash .ci/fuzz

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The dependency rule between the apps (contracts in pyproject.toml). The graph takes a
# second to build: no cache directory to keep.
imports: $(BIN)/.installed
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) $(FUZZ_VENV) var staticfiles .pytest_cache .ruff_cache
