# Two commands for a newcomer: `make run` (set up and serve the app) and `make test` (set up and run the suite).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test lint install install-dev db sample bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

db: install
	$(BIN)/flask db upgrade

run: db
	$(BIN)/flask market load-sample
	$(BIN)/flask run --host 127.0.0.1 --port $${PORT:-5000}

# Lint and format check first (ruff.toml), then the suite. A fast loop without the browser tests:
# make test PYTEST_ARGS="-m 'not browser'"
test: install-dev lint
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-dev
	$(BIN)/python bench/market.py
	$(BIN)/python bench/portfolio.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/predictions.py
	$(BIN)/python bench/prices.py
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) .pytest_cache
