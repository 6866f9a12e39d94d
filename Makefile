# Two entry points (see README): `make run` and `make test`. Each creates .venv on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1

.PHONY: install run test lint clean

install: $(STAMP)

# torch is pinned and installed before sentence-transformers: an unpinned torch pulls CUDA wheels.
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Builds the store from the bundled corpus on first use (with a per-file report), then starts
# the app on http://127.0.0.1:7860 and keeps serving until Ctrl-C.
run: $(STAMP)
	@$(PY) -c "import sys; from qagraph.kb import Store, default_store_path; \
		sys.exit(0 if Store(default_store_path()).exists else 1)" || $(VENV)/bin/qagraph ingest
	$(VENV)/bin/qagraph serve

lint: $(STAMP)
	$(VENV)/bin/ruff check qagraph tests

# The full suite, slow tests (real model, headless Chromium) included; plain `pytest` skips them.
test: $(STAMP) lint
	$(VENV)/bin/python -m pytest -q --runslow

clean:
	rm -rf $(VENV) build *.egg-info
