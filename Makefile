# OneWindow 一窗通 — the two commands are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= config.toml
PORT ?= 8080

.PHONY: setup demo test bench lint format system-packages clean district

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@echo "安装 installing into $(VENV) (log: $(VENV)/install.log)"
	@$(PY) -m venv $(VENV)
	@$(BIN)/pip install --upgrade pip > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@$(BIN)/pip install -e '.[test]' >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@touch $@

# Debian packages the browser tests and the demo use (Chromium, CJK fonts, speech).
system-packages:
	@sh scripts/system-packages.sh

demo: setup
	@$(BIN)/python -m onewindow_cli.cli demo --config $(CONFIG) --port $(PORT) $(DEMO_ARGS)

# The sample district: its centre and 19 halls on this machine (district/, docs/district.md).
district: setup
	@$(BIN)/python -m onewindow_cli.cli district --config district/district.toml $(DISTRICT_ARGS)

test: setup system-packages
	$(BIN)/python -m pytest -q

bench: setup
	@sh scripts/system-packages.sh bench
	$(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
