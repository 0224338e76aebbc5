# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app learnset
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
STATIC := learnset/static
ASSETS := $(STATIC)/nhsuk/nhsuk-frontend.min.css
# The .pyc files are written even where PYTHONDONTWRITEBYTECODE is set: otherwise each test
# process, and each server they start, compiles Learnset and rewrites the tests' asserts again
# (about 5 s of CPU a process).
PYTEST := PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -p no:cacheprovider

.PHONY: run test lint format assets install install-dev lock wheel test-sqlite test-postgresql test-browser bench bench-upload clean

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
	$(PYTEST) -n 2 tests/browser

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit("Learnset needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

# uv installs the locks: the same pins and hashes as pip would, fetched in parallel (a fresh
# install-dev took 160-270 s with pip, about 40 s with uv). uv itself comes from the dev lock.
UV := $(VENV)/bin/uv
# --compile-bytecode, as pip does: with PYTHONDONTWRITEBYTECODE set, nothing would ever write
# the .pyc files, and every test process and server would compile its imports again.
UV_INSTALL := $(UV) pip install --quiet --compile-bytecode --python $(PY)
$(UV): requirements-dev.lock | $(PY)
	awk '/^uv==/ { found = 1 } found { print } found && !/\\$$/ { exit }' requirements-dev.lock \
		> $(VENV)/uv-requirement.txt
	$(PY) -m pip install --quiet --require-hashes -r $(VENV)/uv-requirement.txt
	@touch $@

# Dependencies come from the lock files, every one checked against its hash; then the app
# itself, editable, adding nothing. `make lock` brings them to the newest releases.
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml requirements.lock | $(UV)
	@# pip stays, newest, for `make wheel` and the packaging test.
	$(UV_INSTALL) --upgrade pip
	$(UV_INSTALL) --require-hashes -r requirements.lock
	$(UV_INSTALL) --no-deps -e .
	@touch $@

install-dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: pyproject.toml requirements-dev.lock $(VENV)/.installed
	$(UV_INSTALL) --require-hashes -r requirements-dev.lock
	@touch $@

# The newest releases that pyproject.toml allows, pinned with their hashes: run it after
# changing a dependency there, and commit both files. The dev lock keeps the app's pins.
# `make lock UPGRADE=` adds what is new in pyproject.toml and leaves every other pin as it is.
UPGRADE ?= --upgrade
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --quiet --generate-hashes --universal \
	--python-version 3.11 --custom-compile-command "make lock" $(UPGRADE)
lock: install-dev
	$(UV_COMPILE) --extra redis -o requirements.lock
	$(UV_COMPILE) --extra redis --extra dev --constraint requirements.lock -o requirements-dev.lock
	@touch pyproject.toml

# The wheel an operator installs (docs/deploy.md), in dist/, with the NHS.UK assets inside.
wheel: install-dev $(ASSETS)
	rm -rf dist build
	$(PY) -m pip wheel --quiet --no-deps --no-build-isolation -w dist .

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

# Only the 10 MB uploads beside the page load, on a few sets (a couple of minutes); the
# figures are added to bench/results.json.
bench-upload: install-dev $(ASSETS)
	@command -v wrk >/dev/null \
		|| { echo "The benchmark needs wrk: apt-get install wrk"; exit 1; }
	$(PY) bench/run.py --upload-only --db sqlite --sets 3

clean:
	rm -rf $(VENV) node_modules $(STATIC)/nhsuk $(STATIC)/images $(STATIC)/manifest.json
