# Kith's menu. Everything installs into .venv from the project's own files.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
KITH := $(VENV)/bin/kith
STAMP := $(VENV)/.installed

.PHONY: install browser demo test lint bench serve clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Kith needs Python 3.11 ($(PYTHON) not found); set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium with playwright-core from npm (no browser download).
BROWSER_STAMP := node_modules/.kith-browser
$(BROWSER_STAMP): package.json package-lock.json
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium (needs root/sudo) ..."; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -q chromium fonts-noto-color-emoji fonts-noto-cjk >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(BROWSER_STAMP)

browser: $(BROWSER_STAMP)

demo: $(STAMP)
	$(KITH) demo

test: $(STAMP) $(BROWSER_STAMP)
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m mypy
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m ruff format --check src tests benchmarks
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) benchmarks/ingest.py

serve: $(STAMP)
	$(KITH) serve

clean:
	rm -rf $(VENV) kith.db kith.db-* demo-data test-artifacts
