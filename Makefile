# The two commands a newcomer needs: `make run` and `make test`. Each sets up whatever is
# missing (system libraries, .venv, Python packages, front-end assets) and skips what is
# already done.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000

.PHONY: run test bench setup lint format lock clean

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo "Starting the Improvement Tracker on http://$(ADDR)/ and its PDF worker (Ctrl+C stops both)"
	PY=$(PY) scripts/run $(ADDR)

# The browser tests (tests/browser/) drive Debian's Chromium, with axe-core from npm.
test: setup .make/test-deps
	$(PY) -m pytest

# The benchmark suite (bench/): generates N = 2,000 and 20,000 actions on SQLite and
# PostgreSQL, measures, and writes docs/benchmarks.md. Options: `.venv/bin/python -m bench -h`.
bench: setup .make/bench-deps
	$(PY) -m bench

setup: .make/system-deps $(VENV)/.installed static/build/app.css

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-pin every Python package after changing the ranges in pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet ".[dev]"
	{ head -n 2 requirements.lock; .lock-venv/bin/pip freeze --exclude improvement-tracker; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules static/build staticfiles .make

.make/system-deps: scripts/system-deps
	scripts/system-deps
	@mkdir -p .make && touch $@

.make/test-deps: scripts/system-deps
	scripts/system-deps chromium
	@mkdir -p .make && touch $@

# What the load test needs beyond the virtualenv (wrk).
.make/bench-deps: scripts/bench-deps
	scripts/bench-deps
	@mkdir -p .make && touch $@

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: assets/app.scss node_modules/.installed
	npx --no-install sass --no-source-map --load-path=node_modules --style=compressed \
		--quiet-deps assets/app.scss $@
