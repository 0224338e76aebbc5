# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app learnset
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
STATIC := learnset/static
ASSETS := $(STATIC)/nhsuk/nhsuk-frontend.min.css
PYTEST := $(PY) -m pytest -p no:cacheprovider

.PHONY: run test lint format assets install install-dev test-sqlite test-postgresql test-browser bench clean

run: install $(ASSETS)
	$(FLASK) init
	@# The demo refuses (and says why) beside real accounts or production settings; serve anyway.
	-$(FLASK) demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install-dev $(ASSETS)
ifeq ($(CI),true)
	.ci/install-system-packages
endif
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgresql
	$(MAKE) --no-print-directory test-browser

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	@# The layers: an import that runs upward fails here (pyproject.toml, [tool.importlinter]).
	$(VENV)/bin/lint-imports
	@# Types: pyproject.toml, [tool.mypy].
	$(VENV)/bin/mypy

format: install-dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test-sqlite: install-dev $(ASSETS)
	$(PYTEST) -n 2 --db=sqlite --ignore=tests/browser

test-postgresql: install-dev $(ASSETS)
	$(PYTEST) -n 2 --db=postgresql --ignore=tests/browser

test-browser: install-dev $(ASSETS)
	$(PYTEST) tests/browser

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit("Learnset needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

install-dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The NHS.UK CSS, JS and images are served from our own origin under /assets; never committed.
assets: $(ASSETS)
$(ASSETS): node_modules/.package-lock.json
	rm -rf $(STATIC)/nhsuk $(STATIC)/images
	mkdir -p $(STATIC)/nhsuk
	cp $(NHSUK)/nhsuk-frontend.min.css $(NHSUK)/nhsuk-frontend.min.js $(STATIC)/nhsuk/
	cp -R $(NHSUK)/assets/images $(STATIC)/images
	cp $(NHSUK)/assets/manifest.json $(STATIC)/manifest.json

# National scale on SQLite and (when installed) PostgreSQL; writes bench/results.json.
bench: install-dev $(ASSETS)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk </dev/null; } \
		|| { echo "The benchmark needs wrk: apt-get install wrk"; exit 1; }
	$(PY) bench/run.py
	$(PY) bench/growth.py

clean:
	rm -rf $(VENV) node_modules $(STATIC)/nhsuk $(STATIC)/images $(STATIC)/manifest.json
