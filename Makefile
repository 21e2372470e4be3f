# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The app listens on this machine only unless told otherwise (KEZHUAN_HOST=0.0.0.0 behind a log-in proxy).
KEZHUAN_HOST ?= 127.0.0.1

.PHONY: run test index lint eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

index: $(STAMP)
	$(BIN)/kezhuan ingest knowledge/

run: index
	$(BIN)/streamlit run ui/app.py --server.address $(KEZHUAN_HOST) --server.headless true --browser.gatherUsageStats false

test: $(STAMP)
	$(BIN)/ruff check assistant tests evals benchmarks ui
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check assistant tests evals benchmarks ui
	$(BIN)/ruff format --check assistant tests evals benchmarks ui
	$(BIN)/lint-imports

eval: $(STAMP)
	$(BIN)/kezhuan eval --suite retrieval
	$(BIN)/kezhuan eval --suite kb

# Speed (#13): each target with its measured value and its ratio to the floor or the peer, measured in one run.
bench: index
	$(BIN)/python benchmarks/bench_start.py --json .kezhuan/bench-start.json
	$(BIN)/python benchmarks/bench_scale.py --cache .kezhuan/embeddings.sqlite --json .kezhuan/bench-scale.json
	$(BIN)/python benchmarks/bench_peer.py --cache-dir .kezhuan --json .kezhuan/bench-peer.json
	$(BIN)/python benchmarks/bench_workflows.py --json .kezhuan/bench-workflows.json
	$(BIN)/python benchmarks/targets.py .kezhuan

clean:
	rm -rf .kezhuan $(VENV)
