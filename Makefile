# Two commands for a new machine: `make run` and `make test`. See README.md.

# Django 6 needs Python 3.12: find it on PATH or in pyenv, never fall back to another version.
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint install system-deps serve

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 is required (python3.12 on PATH or in pyenv)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed --address $(HOST)
	$(BIN)/python manage.py runserver $(HOST)

# The browser tests drive Debian's Chromium and the PDF tests read PDFs with poppler's pdftotext;
# root installs them, anyone else is told how.
system-deps:
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "The browser tests need:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

test: install system-deps
	$(BIN)/python -m pytest

# The tree as ruff formats it, and clean under the rule set in pyproject.toml.
lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# Production: gunicorn on PostgreSQL. Needs DATABASE_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG=false,
# DJANGO_ALLOWED_HOSTS and DJANGO_CSRF_TRUSTED_ORIGINS in the environment (see README).
WORKERS ?= $(shell python3 -c 'import os; print(2 * os.cpu_count() + 1)')
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn config.wsgi --workers $(WORKERS) --bind $(HOST) --access-logfile - --timeout 60
