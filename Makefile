# Wasla: the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Reinstall only when the dependencies change, so a second `make run` starts in seconds.
INSTALLED := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
TEST_INSTALLED := $(VENV)/.test-installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test lint contracts unit browser messages clean

$(INSTALLED):
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

$(TEST_INSTALLED): $(INSTALLED)
	$(PY) -m pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.test-installed-*
	@touch $@

run: $(INSTALLED)
	@PORT=$${PORT:-8000} scripts/run-dev

test: $(TEST_INSTALLED)
	@WASLA_DEBUG=1 $(PY) manage.py compile_translations -v0
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(TEST_INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Regenerate the .po files after changing strings (needs GNU gettext's xgettext).
messages: $(INSTALLED)
	cd wasla && WASLA_DEBUG=1 ../$(PY) ../manage.py makemessages -l ar -l fr -l en --no-obsolete --no-location

clean:
	rm -rf $(VENV) var test-artifacts
