# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Django 6 needs Python 3.12+; the machine's default python3 may be older, so look further.
PYTHON_CANDIDATES := python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) python3


.PHONY: run test lint format check-migrations install page-tools audit bench load clean

$(PY):
	@found=""; for candidate in $(PYTHON_CANDIDATES); do \
	  if command -v $$candidate >/dev/null 2>&1 && $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then found=$$candidate; break; fi; \
	done; \
	if [ -z "$$found" ]; then echo "No Python 3.12 or newer found (tried: $(PYTHON_CANDIDATES)). Install Python 3.12+ (for example 'pyenv install 3.12') and run make again." >&2; exit 1; fi; \
	echo "Using $$found ($$($$found --version))"; \
	$$found -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The page checks need the Nu HTML Checker (Java), axe-core and Lighthouse (npm) and a headless Chromium.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

page-tools: node_modules/.installed
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages for the page checks:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "Run as root or install them yourself: apt-get install$$missing" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_roles
	$(PY) manage.py load_fixtures
	$(PY) manage.py createinitialrevisions newsroom --comment "Phiên bản ban đầu, từ dữ liệu nạp sẵn"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install page-tools lint check-migrations
	$(PY) -m pytest -n 2 -p no:cacheprovider
	$(MAKE) --no-print-directory audit AUDIT_CATEGORIES=accessibility,best-practices,seo

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

# Lighthouse on one page of every public kind, served with DEBUG off from a fresh database with the fixtures.
# Performance is timed on this machine, so a busy machine lowers it: `make test` (CI, shared machine)
# checks the three categories that do not depend on timing; run `make audit` on a quiet machine for all four.
AUDIT_PORT ?= 8765
AUDIT_CATEGORIES ?= performance,accessibility,best-practices,seo
audit: install page-tools
	@set -e; workdir=$$(mktemp -d); export DATABASE_URL=sqlite:///$$workdir/audit.sqlite3 DEBUG=0 SECRET_KEY=audit-only ALLOWED_HOSTS=127.0.0.1 STATIC_ROOT=$$workdir/static; \
	$(PY) manage.py migrate --noinput -v0; $(PY) manage.py load_fixtures -v0; $(PY) manage.py collectstatic --noinput -v0; \
	$(PY) manage.py runserver 127.0.0.1:$(AUDIT_PORT) --nostatic --noreload >$$workdir/server.log 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null; rm -rf $$workdir' EXIT; sleep 3; \
	$(PY) manage.py audit_pages --base-url http://127.0.0.1:$(AUDIT_PORT) --categories $(AUDIT_CATEGORIES) --attempts 3

# gunicorn on PostgreSQL and Redis under wrk, uncached then cached; see README "Benchmark".
bench: install
	$(PY) bench/run.py

# Load: the production settings under gunicorn on PostgreSQL, 32 concurrent visitors for 60 s after a warm-up;
# fails on any error or if a worker's memory still grows (over 4 MB in the run's second half). LOAD_DATABASE_URL is emptied and refilled.
LOAD_PORT ?= 8766
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsroom_load
LOAD_CLIENTS ?= 32
LOAD_SECONDS ?= 60
load: install
	@set -e; workdir=$$(mktemp -d); \
	export DJANGO_SETTINGS_MODULE=config.settings.production DATABASE_URL=$(LOAD_DATABASE_URL) DEBUG=0 \
	  SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=127.0.0.1 \
	  EMAIL_HOST=localhost MEDIA_ROOT=$$workdir/media; \
	$(PY) -c 'import os, psycopg, dj_database_url as d; c = d.parse(os.environ["DATABASE_URL"]); \
	  db = psycopg.connect(host=c["HOST"], port=c["PORT"], user=c["USER"], dbname="postgres", autocommit=True); \
	  db.execute("DROP DATABASE IF EXISTS " + c["NAME"]); db.execute("CREATE DATABASE " + c["NAME"])'; \
	$(PY) manage.py migrate --noinput -v0; $(PY) manage.py load_fixtures -v0; \
	$(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(LOAD_PORT) --workers 4 --threads 8 --worker-class gthread \
	  --pid $$workdir/gunicorn.pid --log-level warning >$$workdir/server.log 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null; rm -rf $$workdir' EXIT; \
	for _ in $$(seq 1 50); do [ -s $$workdir/gunicorn.pid ] && break; sleep 0.2; done; sleep 2; \
	$(PY) manage.py load_test --base-url http://127.0.0.1:$(LOAD_PORT) --host 127.0.0.1 --clients $(LOAD_CLIENTS) \
	  --seconds $(LOAD_SECONDS) --server-pid $$(cat $$workdir/gunicorn.pid) | { mkdir -p test-artifacts; tee test-artifacts/load.txt; }; \
	cat $$workdir/server.log

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
