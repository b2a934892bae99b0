# One entry point: `make demo` serves the demonstration, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/spcomms
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test test-sqlite test-postgres check bench loadtest runtime-deps system-deps world-map clean

# The world map of reprisals (docs/reprisals.md) draws Natural Earth's countries at 1:50 million
# from the npm package world-atlas, installed here with the machine's npm (Debian's, installed
# as root when missing) and never committed. Only the 50m resolution has the small States.
WORLD_ATLAS := world-atlas@2.0.2
NPM_DIR := var/npm
WORLD_GEOMETRY := $(NPM_DIR)/node_modules/world-atlas/countries-50m.json

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Debian packages the application needs: Pango for WeasyPrint's PDF letters.
runtime-deps:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0'; then \
		echo "Installing Debian's Pango for the PDF letters..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	fi

# Debian packages the tests need as well: chromium for the browser tests.
system-deps: runtime-deps
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'library(brglm2); library(sandwich); library(lme4); library(lpSolve)' >/dev/null 2>&1; then \
		echo "Installing Debian's R, brglm2, sandwich, lme4 and lpSolve for the model's R agreement tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			r-base-core r-cran-brglm2 r-cran-sandwich r-cran-lme4 r-cran-lpsolve >/dev/null \
			|| echo "R could not be installed: the live R agreement test will be skipped."; \
	fi

$(WORLD_GEOMETRY):
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "Installing Debian's npm for the world map's country shapes..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	fi
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix $(NPM_DIR) $(WORLD_ATLAS)
	@test -s $@

world-map: $(WORLD_GEOMETRY)

demo: $(STAMP) runtime-deps $(WORLD_GEOMETRY)
	$(BIN)/spcomms demo

test: $(STAMP) system-deps $(WORLD_GEOMETRY)
	@$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python -m spcomms.core.pgcheck "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ "$$SPCOMMS_REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL does not answer at $(PG_URL) and SPCOMMS_REQUIRE_POSTGRES=1: failing."; exit 1; \
	else \
		echo "PostgreSQL does not answer at $(PG_URL): the PostgreSQL run was SKIPPED (set SPCOMMS_REQUIRE_POSTGRES=1 to make this an error)."; \
	fi

test-sqlite: $(STAMP)
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	@echo "== tests on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy src
	env -u DATABASE_URL $(BIN)/spcomms makemigrations --check --dry-run
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/spcomms SPCOMMS_ENV=production SPCOMMS_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		SPCOMMS_ALLOWED_HOSTS=spcomms.example.org $(BIN)/spcomms check --deploy --fail-level WARNING
	$(BIN)/python -m tools.dependency_audit

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

# The load test (benchmarks/loadtest.py; figures in BENCHMARKS.md): gunicorn on loopback
# against PostgreSQL, driven by Debian's wrk (installed when missing). Not run by CI.
loadtest: $(STAMP) runtime-deps
	@if ! command -v wrk >/dev/null 2>&1; then \
		echo "Installing Debian's wrk for the load test..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi
	$(BIN)/python -m benchmarks.loadtest

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# Refresh the French and Spanish catalogues from the source, then compile them.
# Needs GNU gettext (Debian: apt-get install gettext); the compiled .mo files are
# committed, so running spcomms does not. Fill every new msgstr before committing:
# tests/i18n fails on an empty or fuzzy one, or on a .mo that differs from its .po.
.PHONY: messages
messages: $(STAMP)
	cd src/spcomms && env -u DJANGO_SETTINGS_MODULE $(CURDIR)/$(BIN)/django-admin makemessages \
		-l fr -l es --ignore=migrations --no-obsolete --add-location=file
	cd src/spcomms && env -u DJANGO_SETTINGS_MODULE $(CURDIR)/$(BIN)/django-admin compilemessages -l fr -l es
