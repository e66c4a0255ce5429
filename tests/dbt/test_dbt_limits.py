"""dbt's DuckDB takes the memory limit, threads and spill directory of xjs.limits.

Dagster passes them as vars (orchestration/defs/dbt.py); profiles.yml hands them
to dbt-duckdb's `settings`, so dbt's own process is bounded like every other
DuckDB of a run. A bare developer's run falls back to the same defaults.
"""

from __future__ import annotations

import json

import duckdb
from dbt_invoke import run_dbt

from orchestration.defs.dbt import dbt_build_args
from xjs.limits import MEMORY_LIMIT_ENV, THREADS_ENV, duckdb_limits

SHOW = (
    "select current_setting('memory_limit') as memory_limit,"
    " current_setting('threads') as threads,"
    " current_setting('temp_directory') as temp_directory"
)


def _settings_in_dbt(tmp_path, **dbt_vars) -> dict:
    result = run_dbt(
        ["show", "--inline", SHOW, "--output", "json"], tmp_path / "w.duckdb", tmp_path, **dbt_vars
    )
    assert result.success, "dbt show failed (see its log)"
    table = result.result.results[0].agate_table
    (row,) = table.rows
    return {k: str(v) for k, v in zip(table.column_names, row, strict=True)}


def _settings_in_duckdb(limits) -> dict:
    con = duckdb.connect(config={k: v for k, v in limits.settings().items()})
    try:
        row = con.execute(SHOW).fetchall()[0]
    finally:
        con.close()
    return dict(zip(("memory_limit", "threads", "temp_directory"), map(str, row), strict=True))


def test_dbt_runs_with_the_limits_dagster_passes(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1234MB")
    monkeypatch.setenv(THREADS_ENV, "2")  # the bare fallback is 1
    limits = duckdb_limits(tmp_path / "data")
    limits.temp_directory.mkdir(parents=True)
    passed = json.loads(dbt_build_args("2024-12", tmp_path / "w.duckdb", tmp_path, limits)[2])
    monkeypatch.delenv(MEMORY_LIMIT_ENV)  # dbt must get them from the vars, not the env
    monkeypatch.delenv(THREADS_ENV)
    dbt_vars = {k: v for k, v in passed.items() if k.startswith("duckdb_")}
    got = _settings_in_dbt(tmp_path, **dbt_vars)
    assert got == _settings_in_duckdb(limits)
    assert got["threads"] == "2" and got["temp_directory"] == str(limits.temp_directory)


def test_a_bare_dbt_run_falls_back_to_the_same_memory_limit_and_spill_directory(
    tmp_path, monkeypatch
):
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    monkeypatch.setenv(THREADS_ENV, "1")
    monkeypatch.setenv("XJS_DATA_DIR", str(tmp_path / "data"))
    limits = duckdb_limits(tmp_path / "data")
    limits.temp_directory.mkdir(parents=True)
    assert _settings_in_dbt(tmp_path) == _settings_in_duckdb(limits)
