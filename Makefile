# Quick start: `make demo` (install + run the demo) and `make test` (install + run every test).
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= demo-out

.PHONY: demo test install install-test sysdeps clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python sysdeps
	$(BIN)/pip install -q -e '.[test]'

# Debian packages the formula and picture checks need (headless LibreOffice, pdftoppm, CJK fonts).
sysdeps:
	@bash scripts/install-sysdeps.sh

demo: install
	$(BIN)/kaohe demo --out $(OUT)

test: install-test
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info
