# make demo: set up, extract the bundled corpus into db/claims.db and serve it.
# make test: set up and run the test suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -e '.[test,dask]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/annotator extract corpus/ --db db/claims.db || test $$? -eq 1
	$(BIN)/annotator serve --db db/claims.db

test: lint
	$(BIN)/pytest -q

# ruff and mypy (check_untyped_defs) over the package, in seconds: part of make test.
lint: $(STAMP)
	$(BIN)/ruff check annotator
	$(BIN)/mypy annotator

bench: $(STAMP)
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf $(VENV) db/*.db db/*.db-wal db/*.db-shm
