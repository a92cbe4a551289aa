# Two commands: `make run` and `make test`. Each creates/refreshes .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast venv bench lint i18n clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,pg]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/safezone run

test: lint
	$(PY) -m pytest -n 2 --dist loadfile

# The edit-test loop: no browser, no kill -9, no PostgreSQL, no slow end-to-end runs.
test-fast: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile -q -m "not browser and not kill9 and not postgres and not slow"

bench: $(STAMP)
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check safezone kiosk games admin launcher tests bench tools
	$(VENV)/bin/mypy
	$(PY) tools/i18n_import_table.py check

# After editing a .po catalog: rebuild the committed .mo files.
i18n: $(STAMP)
	$(PY) tools/i18n_import_table.py compile

clean:
	rm -rf $(VENV) var .pytest_cache
