# Two commands for a fresh machine:  make app  (serve the sample hub)  and  make test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= careers-review-data
PORT   ?= 8866

.PHONY: app test lint format strip clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed-app

SAMPLE_EVIDENCE = $(DATA)/evidence/oakfield-academy

app: $(VENV)/.installed-app
	$(BIN)/careers-review import sample_data --data-dir $(DATA)
	mkdir -p $(SAMPLE_EVIDENCE)
	cp -n sample_data/evidence/*_survey_*.csv sample_data/evidence/encounters_*.csv \
	   sample_data/evidence/ks5_destinations_sample.csv $(SAMPLE_EVIDENCE)/
	$(BIN)/careers-review serve --data-dir $(DATA) --port $(PORT)

# axe-core, which the browser tests run in each page to find accessibility faults.
AXE = $(VENV)/node/node_modules/axe-core/axe.min.js
$(AXE): | $(BIN)/python
	npm install --no-audit --no-fund --silent --prefix $(VENV)/node axe-core@4.10.3

test: $(VENV)/.installed-test $(AXE)
	$(BIN)/python -m pytest --durations=30 $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy careers_review

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

strip: $(VENV)/.installed-test
	$(BIN)/nbstripout workbooks/*.ipynb

clean:
	rm -rf $(VENV) .pytest_cache
