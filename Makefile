# Two commands set everything up from a fresh clone: `make lab` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8888
# jlpm scripts call `jupyter-builder`, which must be on PATH (TOOLCHAIN.md pitfall 16).
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

EXT_SRC := $(shell find labextension/src labextension/style -type f 2>/dev/null) \
           labextension/package.json labextension/yarn.lock labextension/tsconfig.json

.PHONY: lab test test-fast bench build-ext chromium postgresql clean

# The Python environment: the package (editable), its test extras, a python3 kernel.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q "jupyterlab>=4.6,<4.7" hatchling hatch-jupyter-builder editables
	$(MAKE) build-ext
	$(PY) -m pip install -q --no-build-isolation -e ".[test]"
	$(VENV)/bin/jupyter labextension develop --overwrite . >/dev/null
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# The JupyterLab extension, built from labextension/ into mm_jupyter/labextension/.
mm_jupyter/labextension/package.json: $(EXT_SRC)
	test -x $(PY) || python3 -m venv $(VENV)
	test -x $(VENV)/bin/jupyter-builder || $(PY) -m pip install -q "jupyterlab>=4.6,<4.7"
	cd labextension && jlpm install && jlpm build:prod
	touch $@

build-ext: mm_jupyter/labextension/package.json

# Debian's Chromium for the browser tests (installed only if missing).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's PostgreSQL server binaries for the team-backend tests (installed only if missing;
# the tests run initdb/pg_ctl themselves in a temporary folder on a free port).
postgresql:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

# JupyterLab on examples/ with the sidebar, on the embedded SQLite registry (examples/.mm).
lab: $(VENV)/.installed build-ext
	cd examples && ../$(VENV)/bin/mm-jupyter init >/dev/null && \
	  ../$(VENV)/bin/jupyter lab --ip 127.0.0.1 --port $(PORT) --no-browser \
	    $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

# The tests that drive real kernels through nbclient (about a third of the magics suite's
# time): the PostgreSQL pass leaves them out, as the registry code they reach is the one
# the in-process magics tests run on PostgreSQL; they run on SQLite in the first pass.
KERNEL_TESTS := test_corpus.py test_tracebacks.py test_notebooks.py test_autolog_notebook.py \
                test_fit_lineage_notebook.py test_objects_kernel.py test_run_output_kernel.py \
                test_hidden_state_kernel.py test_written_files_kernel.py
RERUN_KERNEL_TESTS := tests/api/test_rerun.py tests/cli/test_rerun_cli.py tests/server/test_server_rerun.py
# A virtualenv and a pip install of a model package's pins (issue 17's done criterion):
# once, in the SQLite pass; the registry it reads is built before the virtualenv exists.
VENV_TESTS := tests/serving/test_package_venv.py

# Every test: store, capture, magics, CLI, notebooks (nbclient), REST, browser.
# Then the adapter suites again with every test registry on PostgreSQL (a fresh database
# per test), so a query that only SQLite accepts fails here; corpus and tracebacks are
# left out of that pass: they use registries of their own, on SQLite either way.
# The browser tests run in their own pytest process: Playwright's sync API keeps an
# event loop running for the session, which pytest-jupyter's loop fixtures must not see.
test: $(VENV)/.installed build-ext chromium postgresql
	$(VENV)/bin/ruff check mm_jupyter tests benchmarks
	$(VENV)/bin/mypy mm_jupyter
	$(VENV)/bin/mypy --strict mm_jupyter/core mm_jupyter/store mm_jupyter/services
	cd labextension && jlpm test
	cd labextension && jlpm lint:check
	$(PY) -m pytest -q -p no:cacheprovider -m "not browser" --ignore=tests/browser
	$(PY) -m pytest -q -p no:cacheprovider -m "not browser" --registry-backend=postgresql \
	  tests/api tests/server tests/cli tests/serving tests/monitoring tests/magics \
	  $(addprefix --ignore=tests/magics/,$(KERNEL_TESTS)) $(addprefix --ignore=,$(RERUN_KERNEL_TESTS)) \
	  $(addprefix --ignore=,$(VENV_TESTS))
	$(PY) -m pytest -q -p no:cacheprovider tests/browser

# Everything but the browser tests.
test-fast: $(VENV)/.installed
	$(PY) -m pytest -q -m "not browser"

# Benchmarks: prints one JSON object. The team backend's figures run on their own
# PostgreSQL and SeaweedFS (Debian's postgresql installed if missing, as for `make test`).
# BENCH_ARGS passes options, e.g. BENCH_ARGS="--blob-mb 256 --only bench_team.py".
bench: $(VENV)/.installed postgresql
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) mm_jupyter/labextension labextension/node_modules labextension/lib
