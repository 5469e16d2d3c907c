# The README's commands. Each one sets itself up: a local virtual environment
# in .venv, built from the pinned lock files, rebuilt only when they change.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8888
LAB_ARGS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# The course's JupyterLab settings defaults (binder/overrides.json: widget state saved with a
# lesson, no news prompt), installed into every environment that serves the lessons.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.d/gradlib-lessons.json

# The local course JupyterHub (make hub, make test-hub): its own environment in .hub/, what a
# hub's image holds (lessons' lock + requirements-hub.txt + gradlib + lab settings), and
# configurable-http-proxy from npm in .hub/node_modules.
HUB_DIR   := .hub
HUB_PY    := $(HUB_DIR)/venv/bin/python
HUB_STAMP := $(HUB_DIR)/venv/.installed
HUB_PROXY := $(HUB_DIR)/node_modules/.bin/configurable-http-proxy
HUB_PORT  ?= 8000

.PHONY: lab test test-browser test-hub hub hub-env bench lock nav clean book test-book assignments teach-env lock-teach

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(LAB_SETTINGS): binder/overrides.json scripts/lab_settings.py
	python3 scripts/lab_settings.py --settings-dir $(VENV)/share/jupyter/lab/settings

## Open JupyterLab on the first lesson.
lab: $(STAMP) $(LAB_SETTINGS)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=$(PORT) --ServerApp.root_dir=. $(ROOT_FLAG) $(LAB_ARGS) notebooks/00_start_here.ipynb

## Run the whole test suite: the linter (ruff), unit, property, doctests, lessons (nbval).
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --quiet $$(git ls-files '*.py')
	$(PY) -m pytest -n 2 --dist loadfile

## The browser tests: JupyterLab in headless Chromium (needs Debian's chromium).
test-browser: $(STAMP)
	$(PY) -m pytest -m browser -p no:xdist -o addopts="" --ignore=tests/repo/test_book.py tests

## The course JupyterHub, end to end in headless Chromium (needs git, npm and Debian's chromium).
test-hub: $(STAMP) hub-env
	$(PY) -m pytest -m hub -p no:xdist -o addopts="" tests/hub

## Try a course JupyterHub on this machine: http://127.0.0.1:8000, any name logs in.
hub: hub-env
	$(HUB_PY) scripts/local_hub.py --port $(HUB_PORT)

hub-env: $(HUB_DIR)/venv/.gradlib $(HUB_PROXY)

$(HUB_STAMP): requirements.txt requirements-hub.txt
	python3 -m venv $(HUB_DIR)/venv
	$(HUB_PY) -m pip install --quiet --upgrade pip
	$(HUB_PY) -m pip install --quiet -r requirements.txt -r requirements-hub.txt
	touch $@

# gradlib installed as an image installs it (not editable), again whenever it changes.
$(HUB_DIR)/venv/.gradlib: $(HUB_STAMP) pyproject.toml $(shell find gradlib -name '*.py') binder/overrides.json scripts/lab_settings.py
	$(HUB_PY) -m pip install --quiet --no-deps --force-reinstall .
	$(HUB_PY) scripts/lab_settings.py
	touch $@

$(HUB_PROXY): hub/package.json hub/package-lock.json
	mkdir -p $(HUB_DIR)
	cp hub/package.json hub/package-lock.json $(HUB_DIR)/
	cd $(HUB_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Benchmarks against the peers; they print tables, they are not tests.
bench: $(STAMP) hub-env
	$(PY) bench/bench_numeric.py
	$(PY) bench/bench_symbolic.py
	$(PY) bench/bench_widgets.py
	$(PY) bench/bench_widgets_browser.py
	$(PY) bench/bench_autodiff.py
	$(PY) bench/bench_hub.py

## Regenerate the pinned locks from the loose *.in files.
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements-hub.txt requirements-hub.in
	$(PY) scripts/check_locks.py --write-binder

## Regenerate the lessons' navigation cells, lesson 0's index and the README's generated blocks.
nav:
	python3 scripts/nav.py

# ---- For course teams: the web book and grading (nbgrader) ------------------------------------
# Their tools (requirements-teach.txt: jupyter-book, nbgrader) live in a venv of their own,
# .venv-teach, so they never change the lessons' environment; MathJax comes from the npm
# registry (book/package-lock.json) into book/node_modules and is served with the site.
TEACH  ?= .venv-teach
TPY    := $(TEACH)/bin/python
TSTAMP := $(TEACH)/.installed
MATHJAX := book/node_modules/mathjax/es5/tex-chtml.js

$(TSTAMP): requirements.txt requirements-teach.txt pyproject.toml
	python3 -m venv $(TEACH)
	$(TPY) -m pip install --quiet --upgrade pip
	$(TPY) -m pip install --quiet -r requirements.txt -r requirements-teach.txt
	$(TPY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(TSTAMP)

## The teachers' environment alone (nbgrader, jupyter-book): .venv-teach.
teach-env: $(TSTAMP)

$(MATHJAX): book/package.json book/package-lock.json
	npm ci --prefix book --no-audit --no-fund --loglevel=error
	touch $(MATHJAX)

## The web book: a static site of every lesson from its stored outputs, in build/book/_build/html.
book: $(TSTAMP) $(MATHJAX)
	$(TPY) scripts/book.py

## Build the book (make book) and open every page in headless Chromium (needs Debian's chromium).
test-book: $(STAMP)
	$(PY) -m pytest -m browser -p no:xdist -o addopts="" tests/repo/test_book.py

## nbgrader source notebooks from the exercise registry, in assignments/source/.
assignments: $(TSTAMP)
	$(TPY) scripts/assignments.py

## Regenerate the teachers' pinned lock from requirements-teach.in.
lock-teach: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements-teach.txt requirements-teach.in

clean:
	rm -rf $(VENV) $(TEACH) $(HUB_DIR) book/node_modules results .pytest_cache assignments
