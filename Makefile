# The README's commands. Each target sets up .venv with uv on first use.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
RUN := $(UV) run --frozen
DATA_DIR ?= $(CURDIR)/data
RELEASE ?= 2024-12
PEOPLE ?= 20000
SEED ?= 42
export DAGSTER_HOME := $(CURDIR)/dagster_home
export XJS_DATA_DIR := $(DATA_DIR)

.PHONY: setup demo test test-slow test-crash ui lint format bench bench-pipeline bench-quality clean

$(UV):
	python3 -m pip install --user --quiet uv || python3 -m pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	$(RUN) dbt parse --project-dir dbt_project --profiles-dir dbt_project --quiet
	touch $@

setup: .venv/.synced

demo: setup  ## a synthetic drop of about 20,000 people, then the whole release job (one screen)
	@$(RUN) xjs synth --data-dir $(DATA_DIR) --release $(RELEASE) --people $(PEOPLE) --seed $(SEED)
	@$(RUN) python -m research.keys  # a local pseudonym key (.secrets/, 0600) unless XJS_PSEUDONYM_KEY is set
	@$(RUN) xjs run --data-dir $(DATA_DIR) --release $(RELEASE)  # full log: $(DATA_DIR)/logs/<R>/

# the tests take the bench extra too: the FEBRL adapter's and the baseline's tests need it
TEST_RUN := $(RUN) --extra bench pytest

test: setup  ## the tests but the slow end-to-end ones (test-slow) and the kill-point test (test-crash)
	$(TEST_RUN) -n 2 --dist loadgroup -m "not slow and not crash"

test-slow: setup  ## the slow end-to-end tests (whole releases, 300k-row checks, the benchmarks' harnesses)
	$(TEST_RUN) -n 2 --dist loadgroup -m "slow and not crash"

test-crash: setup  ## SIGKILL `xjs run` at every kill point (xjs/faults.py); a plain re-run is byte-identical
	$(TEST_RUN) -n 2 -m crash tests/crash

UI_PORT ?= 3000
ui: setup  ## the Dagster UI on http://127.0.0.1:3000, bound to localhost only
	$(RUN) dagster dev -w workspace.yaml --host 127.0.0.1 --port $(UI_PORT)

lint: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) sqlfluff lint dbt_project/models dbt_project/macros dbt_project/tests

format: setup
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

bench: setup  ## speed and memory: the generator at ~1M landing records (BENCH_ARGS=--10m for 10M)
	$(RUN) python -m benchmarks.bench_synthetic $(BENCH_ARGS)

bench-quality: setup  ## linkage quality: own, hard, FEBRL 1-4 x (baseline, project) (BENCH_ARGS=--people 5000)
	$(RUN) --extra bench python -m benchmarks.bench_quality $(BENCH_ARGS)

BENCH_DIR ?= /tmp/xjs-bench
bench-pipeline: setup  ## the release job per stage beside bare Splink, ~1M landing records (BENCH_ARGS=--4m, --10m)
	@$(RUN) python -m research.keys  # the pseudonym key the research release needs, as make demo
	$(RUN) python -m benchmarks.bench_pipeline --data-root $(BENCH_DIR) $(BENCH_ARGS)

clean:
	rm -rf data dbt_project/target dbt_project/logs
