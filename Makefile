# The portal's commands. `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Development defaults for commands run by hand: embedded secret key, plain HTTP, SQLite.
DEV := DJANGO_DEBUG=1
# Python 3.12 or newer: python3.13, python3.12, or a python3 that is recent enough.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: run test fmt lint migrations-check messages makemessages static bench audit clean

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.12 or newer is required (Django 6). Install python3.12 and try again." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The bench extra (Locust) too: the test suite plays a small deadline night.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get install -y -qq gettext >/dev/null; } || { \
		echo "msgfmt is missing: install gettext (apt-get install gettext)" >&2; exit 1; }
	$(DEV) $(PY) manage.py compilemessages --ignore '.venv' --ignore 'var' -v 0

makemessages: $(VENV)/.installed
	$(DEV) $(PY) manage.py makemessages -l fr -l en --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --no-obsolete
	$(DEV) $(PY) manage.py makemessages -d djangojs -l fr -l en --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --no-obsolete

static: $(VENV)/.installed
	$(DEV) $(PY) manage.py collectstatic --noinput -v 0

run: messages
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

# Two processes (pytest-xdist), a file each at a time: each with its own test database and Redis
# databases (tests/settings.py). TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2
test: messages static
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

fmt: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

migrations-check: $(VENV)/.installed
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

# Every benchmark on PostgreSQL and Redis (this machine's, or BENCH_DATABASE_URL, BENCH_BROKER_URL
# and BENCH_REDIS_URL); writes benchmarks/results/latest.json and latest.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/anvt_bench
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/2
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/3
bench: messages
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { \
		echo "wrk is missing: install it (apt-get install wrk)" >&2; exit 1; }
	-psql "$(dir $(BENCH_DATABASE_URL))postgres" -qc "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))" 2>/dev/null
	$(DEV) DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v 0
	$(DEV) DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) \
		REDIS_URL=$(BENCH_REDIS_URL) LOG_LEVEL=WARNING $(PY) manage.py bench_all

# pip-audit needs a vulnerability database (PyPI's JSON API or OSV); it fails when none answers.
audit: $(VENV)/.installed
	$(PY) -m pip install --quiet pip-audit==2.10.1
	$(PY) -m pip_audit --strict --no-deps --disable-pip -r requirements.lock

clean:
	rm -rf $(VENV) var
