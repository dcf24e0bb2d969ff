# Two jobs for a new user (see README.md):
#   make demo   - install into .venv, build the bundled examples into ./jxkg-store and show what is in it
#   make test   - install into .venv (with test extras) and run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install clean

$(BIN)/jxkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(BIN)/jxkg

install: $(BIN)/jxkg

demo: install
	$(BIN)/jxkg build examples --store jxkg-store
	$(BIN)/jxkg stats --store jxkg-store
	$(BIN)/jxkg query funded-projects --store jxkg-store --param fundingDoc=冀财社〔2021〕88号

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf jxkg-store .pytest_cache
