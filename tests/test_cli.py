"""The command line's messages: bad release ids, failures told at the top, stages and steps."""

from __future__ import annotations

import json
import logging
import math
import re
import stat
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.app import app
from contracts.defects import MIN_DEFECTS_TO_FAIL, NOT_IN_CODE_LIST, tolerance
from orchestration import runner
from orchestration.definitions import defs
from orchestration.defs.jobs import RELEASE_JOB
from xjs import drops, layout

RELEASE = "2024-12"


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--release", "../x"],
        ["synth", "--release", "../x", "--people", "10"],
        ["profile", "--release", "2024-1"],
        ["reappearance", "--release", "2024-1"],
        ["backfill", "--from", "../x"],
        ["backfill", "--to", "2024-12/../../etc"],
    ],
)
def test_a_bad_release_id_is_one_line_and_exit_code_2(args, tmp_path):
    result = CliRunner().invoke(app, [*args, "--data-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: --")
    assert "does not match" in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "landing").exists()


def _set_manifest_entry(root, table, **changes):
    path = layout.manifest_path(root, RELEASE)
    manifest = json.loads(path.read_text())
    for entry in manifest["files"]:
        if entry["table"] == table:
            entry.update(changes)
    path.write_text(json.dumps(manifest))


@pytest.fixture
def cli_env(drop_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("XJS_DATA_DIR", str(drop_copy))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)  # an ephemeral instance
    monkeypatch.setenv("XJS_PSEUDONYM_KEY", "cli-test-key-0123456789abcdef0123456789")
    return drop_copy


def test_a_file_level_failure_is_the_first_line_with_file_and_problem(cli_env):
    _set_manifest_entry(cli_env, "magistrates_defendants", sha256="0" * 64)

    result = CliRunner().invoke(app, ["run", "--release", RELEASE, "--data-dir", str(cli_env)])

    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    failed = [line for line in lines if line.startswith(f"Release {RELEASE} failed")]
    assert failed, result.output
    assert failed[0].startswith(f"Release {RELEASE} failed at landing/magistrates_defendants: ")
    assert "magistrates_defendants.csv: sha256 does not match the manifest" in failed[0]
    assert "DagsterExecutionStepExecutionError" not in result.output
    assert "Traceback" not in result.output
    log_line = next(line for line in lines if line.startswith("Full log: "))
    log_path = Path(log_line.removeprefix("Full log: "))
    assert log_path.parent == cli_env / "logs" / RELEASE
    assert log_path.exists() and (log_path.stat().st_mode & 0o777) == 0o600
    assert "sha256 does not match the manifest" in log_path.read_text()


def test_a_failed_check_prints_its_description_and_counts(cli_env):
    path = layout.landing_dir(cli_env, RELEASE) / "magistrates_defendants.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    # enough bad values to pass the quarantine gate's tolerance and its minimum count
    share = tolerance("magistrates_defendants", "sex", NOT_IN_CODE_LIST)
    bad = max(MIN_DEFECTS_TO_FAIL, math.floor(len(frame) * share) + 1)
    assert bad < len(frame)
    frame.loc[frame.index[:bad], "sex"] = "X"
    frame.to_csv(path, index=False)
    _set_manifest_entry(cli_env, "magistrates_defendants", sha256=drops.sha256_of(path))

    result = CliRunner().invoke(app, ["run", "--release", RELEASE, "--data-dir", str(cli_env)])

    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    first = next(line for line in lines if line.startswith(f"Release {RELEASE} failed"))
    # the landing contract, or (with value-level quarantine) a defect tolerance
    assert re.match(rf"Release {RELEASE} failed at check [\w/]+:\w+: .*\d", first), first
    assert "sex" in first or "tolerance" in first  # the column or rule, with counts
    assert "DagsterAssetCheckFailedError" not in result.output


def test_a_step_failure_is_told_by_its_cause_scrubbed():
    """Below Dagster's wrapper, the DuckDB error; without the value it quotes."""

    @dg.op
    def convert():
        duckdb.connect().execute("select cast('JOHN SMITH' as int)")

    @dg.job
    def conversion():
        convert()

    outcome = runner._outcome(conversion.execute_in_process(raise_on_error=False), frozenset())

    assert not outcome.success
    (failed,) = outcome.failed_steps
    assert failed.error_class == "ConversionException"
    assert failed.message.startswith("Conversion Error: Could not convert string")
    assert "JOHN" not in outcome.failure and "JOHN" not in failed.message
    assert outcome.failure_lines(RELEASE) == [
        f"Release {RELEASE} failed at convert: {failed.message}"
    ]


def test_every_step_of_the_release_job_belongs_to_a_stage():
    job = defs().resolve_job_def(RELEASE_JOB)
    stages = {node.name: runner.stage_of(node.name) for node in job.nodes}
    assert set(stages.values()) == set(runner.STAGES), stages


def test_stages_finish_when_their_last_step_does():
    heard = []
    tracker = runner.StageTracker(
        ["landing__a", "landing__b", "landing__a_landing_contract", "dbt_standardise"],
        lambda stage, state, seconds: heard.append((stage, state)),
    )
    for step, kind in [
        ("landing__a", "start"),
        ("landing__a", "success"),
        ("landing__b", "start"),
        ("landing__a_landing_contract", "start"),
        ("landing__a_landing_contract", "failure"),
        ("landing__b", "success"),
        ("dbt_standardise", "skipped"),
    ]:
        tracker.step(step, kind)
    assert heard == [
        (runner.INGEST, "started"),
        (runner.GATES, "started"),
        (runner.GATES, "failed"),
        (runner.INGEST, "done"),
        (runner.STANDARDISE, "started"),
        (runner.STANDARDISE, "skipped"),
    ]


def test_the_run_log_takes_what_is_printed_scrubbed_and_owner_only(tmp_path):
    path = tmp_path / "logs" / RELEASE / "run-x.log"
    with runner.RunLog(path, frozenset({"stg_libra__defendants"})).open():
        print("1 of 9 START sql table model staging.stg_libra__defendants [RUN]")
        print("Conversion Error: Could not convert string 'JOHN SMITH' to INT32")
        logging.getLogger("linkage.pipeline").info("linking 12 records")
    text = path.read_text()
    assert "START sql table model staging.stg_libra__defendants" in text
    assert "Could not convert string … to INT32" in text and "JOHN" not in text
    assert "linking 12 records" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_dbt_test_without_description_is_told_by_its_failing_rows():
    check = dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(["staging", "stg_libra__defendants"]),
        check_name="not_null_stg_libra__defendants_record_id",
        passed=False,
        metadata={"dagster_dbt/failed_row_count": 1234},
    )
    assert runner._check_description(check) == "1,234 failing rows"
