# bankcore developer commands. The two a newcomer needs:
#   make run   - the service with demo data on SQLite and an in-process cache, at 127.0.0.1:8000
#   make test  - the test suite (on PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FUZZ_VENV ?= .venv-fuzz
LOAD_VENV ?= .venv-load
CLIENT_VENV ?= .venv-client
MUTATE_VENV ?= .venv-mutate
PROFILE ?= quick

.PHONY: run test worker beat e2e lint imports fuzz bench loadtest capacity loadtest-selftest slow-clients check-deploy clean screening-eval \
	client client-check mutate

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(BIN)/.installed
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py sanctions_load kyc/fixtures/sdn.csv --alt kyc/fixtures/alt.csv
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

# pytest exits 5 when it collects no tests; make fails on it like on any non-zero exit.
test: $(BIN)/.installed
	$(BIN)/python -m pytest

# Background work (bankcore.celery) on RabbitMQ: CELERY_BROKER_URL (amqp://guest:guest@127.0.0.1:5672//
# on a machine running one), with DATABASE_URL and REDIS_URL as the app's. make run needs neither:
# without a broker every task runs in the process that asks for it.
worker: $(BIN)/.installed
	$(BIN)/celery -A bankcore worker --pool threads --concurrency 4 --loglevel INFO

# The schedules (django-celery-beat, in the database; staff change them in the back office).
# Run one beat only.
beat: $(BIN)/.installed
	$(BIN)/celery -A bankcore beat --loglevel INFO

# The browser tests (bankcore/backoffice/tests/e2e): Playwright drives Debian's chromium
# (apt-get install chromium; .ci/run installs it) against a live server, on PostgreSQL when
# DATABASE_URL is set, as in CI. Screenshots of each step land in var/e2e/.
e2e: $(BIN)/.installed
	$(BIN)/python -m pytest -m e2e -p no:cacheprovider bankcore/backoffice/tests/e2e

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
# it recreates the databases bankcore_bench and bankcore_bench_pgbench. The ceilings run in a
# bare project of their own (loadtest/ceiling/); exits 2 when a ratio misses its target
# (--no-gate: print only). Options, e.g. make bench BENCH_ARGS="--rounds 8 --runs 3 --parts
# transfers,balance": python loadtest/bench.py --help. Results land in var/bench/<time>/.
$(BIN)/.bench-installed: $(BIN)/.installed loadtest/bench-requirements.txt
	$(BIN)/python -m pip install --quiet -r loadtest/bench-requirements.txt
	touch $@

bench: $(BIN)/.bench-installed
	$(BIN)/python loadtest/bench.py $(BENCH_ARGS)

# locust and matplotlib live in their own virtualenv: the app's requirements never include them.
$(LOAD_VENV)/.installed: loadtest/requirements.txt
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOAD_VENV)/bin/python -m pip install --quiet -r loadtest/requirements.txt
	touch $@

# The whole load test (loadtest/run.py): a fresh database (LOADTEST_DATABASE_URL), seed_load,
# gunicorn with production settings, locust headless, the gates, plots and verify commands.
# PROFILE=quick (1 min), full (5 min) or extended (15 min); GATES="GET /health=5" tightens
# or loosens p95 gates, RUN_GATES="p95_ms=80" the whole run's. Exits non-zero when a gate or a
# check fails. Needs PostgreSQL and Redis.
loadtest: $(BIN)/.installed $(LOAD_VENV)/.installed
	$(LOAD_VENV)/bin/python loadtest/run.py --profile $(PROFILE) --gate "$(GATES)" --run-gate "$(RUN_GATES)"

# Steps the users up (100, 150, ... ; CAPACITY_ARGS="--start 20 --step 20 --step-seconds 30")
# until a gate fails: the highest step that held is the capacity.
capacity: $(BIN)/.installed $(LOAD_VENV)/.installed
	$(LOAD_VENV)/bin/python loadtest/run.py --capacity --gate "$(GATES)" --run-gate "$(RUN_GATES)" $(CAPACITY_ARGS)

# The load test's own parts without a server: gates, stages, Server-Timing parsing, and that
# locust loads the scenario.
# test_bench.py checks the benchmark's Django side (its URLs, its wrk script against a
# recording server): `make test` runs it in the app's virtualenv, never here.
loadtest-selftest: $(LOAD_VENV)/.installed
	$(LOAD_VENV)/bin/python -m pytest -q -c loadtest/pytest.ini loadtest/tests --ignore=loadtest/tests/test_bench.py --ignore=loadtest/tests/test_scenario_data.py
	LOADTEST_CUSTOMERS_FILE=loadtest/tests/customers.json PYTHONPATH=. $(LOAD_VENV)/bin/locust \
		-f loadtest/locustfile.py --list

# 32 slow clients through HAProxy (deploy/haproxy/haproxy.cfg) and, as the control, straight
# at gunicorn: /health must answer within a second through the proxy (deploy/slow_clients.py;
# about 20 s after gunicorn boots, loopback only). Needs haproxy (apt-get install haproxy).
slow-clients: $(BIN)/.installed
	$(BIN)/python deploy/slow_clients.py --venv $(VENV)

# The sanctions matcher against its labelled set (kyc/tests/data/screening_eval.csv, written by
# kyc/tests/data/screening_eval_build.py): cases, hits and misses per form, recall and precision.
# Fails unless every true match is a hit and at least 95% of the near misses are not.
screening-eval: $(BIN)/.installed
	$(BIN)/python -m pytest -q -s -p no:cacheprovider kyc/tests/services/test_screening_eval.py

# openapi-python-client lives in its own virtualenv: the app's requirements never include it.
$(CLIENT_VENV)/.installed: clients/requirements.txt
	$(PYTHON) -m venv $(CLIENT_VENV)
	$(CLIENT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CLIENT_VENV)/bin/python -m pip install --quiet -r clients/requirements.txt
	touch $@

# The Python client for integrators (clients/python; pip install ./clients/python), generated
# from the OpenAPI schema, which is written first to clients/openapi.yaml. The schema is written
# with production settings, on PostgreSQL (the database decides some integer ranges; nothing
# connects to it) and with nothing else from the environment, so the same code always gives the
# same files. The generator's settings are clients/config.yaml; its README, clients/templates/.
# Nothing is kept from the last run: an operation the API dropped leaves no module behind.
client: $(BIN)/.installed $(CLIENT_VENV)/.installed
	env -i PATH="$$PATH" PYTHONUTF8=1 DEBUG=false SECRET_KEY=openapi-schema-only \
		DATABASE_URL=postgres://bankcore@127.0.0.1:5432/bankcore \
		$(BIN)/python manage.py spectacular --validate --fail-on-warn --file clients/openapi.yaml
	rm -rf clients/python
	PATH="$(CURDIR)/$(CLIENT_VENV)/bin:$$PATH" $(CLIENT_VENV)/bin/openapi-python-client generate \
		--path clients/openapi.yaml --config clients/config.yaml --custom-template-path clients/templates \
		--meta pdm --output-path clients/python --fail-on-warning

# Fails when the committed client is not what `make client` writes from the code (CI runs it).
client-check: client
	@if [ -n "$$(git status --porcelain -- clients)" ]; then \
		git status --short -- clients; git --no-pager diff --stat -- clients; \
		echo "clients/ is not what make client writes: run make client and commit it"; exit 1; \
	fi

# cosmic-ray lives in its own virtualenv: the app's requirements never include it.
$(MUTATE_VENV)/.installed: .ci/mutate-requirements.txt
	$(PYTHON) -m venv $(MUTATE_VENV)
	$(MUTATE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MUTATE_VENV)/bin/python -m pip install --quiet -r .ci/mutate-requirements.txt
	touch $@

# Mutation testing of the money paths (.ci/mutate.py): the modules and each one's tests are in
# .ci/mutate.toml, the explained (equivalent) survivors in .ci/mutate-equivalent.toml. Prints
# killed/survived/timeout per module; fails on a survivor that is not explained. On SQLite
# unless MUTATE_DATABASE_URL (and MUTATE_REDIS_URL) name PostgreSQL (and Redis). Every mutant
# of every module takes hours on two cores; choose with MUTATE_ARGS, e.g.
#   make mutate MUTATE_ARGS="ledger approvals"           two modules, every mutant
#   make mutate MUTATE_ARGS="--sample 20"                20 mutants, fixed seed
#   make mutate MUTATE_ARGS="--changed-since HEAD~1 --sample 5 --timeout 60"   CI's step (~1 min):
#                                    5 mutants of the modules whose code or tests the last commit changed
#   make mutate MUTATE_ARGS="--report"                   the last results again
mutate: $(BIN)/.installed $(MUTATE_VENV)/.installed
	$(MUTATE_VENV)/bin/python .ci/mutate.py $(MUTATE_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The dependency rule between the apps (contracts in pyproject.toml). The graph takes a
# second to build: no cache directory to keep.
imports: $(BIN)/.installed
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) $(FUZZ_VENV) $(LOAD_VENV) $(CLIENT_VENV) $(MUTATE_VENV) var staticfiles .pytest_cache .ruff_cache
