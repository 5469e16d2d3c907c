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

.PHONY: lab test test-browser bench lock nav clean

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

## Run the whole test suite: unit, property, doctests, lessons (nbval).
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile

## The browser tests: JupyterLab in headless Chromium (needs Debian's chromium).
test-browser: $(STAMP)
	$(PY) -m pytest -m browser -p no:xdist -o addopts="" tests/browser

## Benchmarks against the peers; they print tables, they are not tests.
bench: $(STAMP)
	$(PY) bench/bench_numeric.py
	$(PY) bench/bench_symbolic.py
	$(PY) bench/bench_widgets.py
	$(PY) bench/bench_widgets_browser.py

## Regenerate the pinned locks from the loose *.in files.
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in
	$(PY) scripts/check_locks.py --write-binder

## Regenerate the lessons' navigation cells, lesson 0's index and the README's generated blocks.
nav:
	python3 scripts/nav.py

clean:
	rm -rf $(VENV) results .pytest_cache
