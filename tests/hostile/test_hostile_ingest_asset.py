"""Hostile cases through the ingest asset itself (dagster.materialize, no dbt).

A file-level case fails the step with a dg.Failure whose description is
exactly the drop error's message; nothing of the corrupted row reaches the
event log, the step's error info (with its cause and context chain), metadata
or the process output. Header-only tables and reused record ids load with a
warning and a numeric metadata flag.
"""

from __future__ import annotations

import json
import shutil

import dagster as dg
import pytest
from dagster._serdes import serialize_value
from hostile_cases import (
    CASES,
    MAGS,
    MARKER,
    RELEASE,
    REUSE_CASE,
    WARNING,
    csv_rows,
    csv_text,
)

from contracts.landing import LANDING_TABLES
from orchestration.defs.ingest import build_ingest
from orchestration.defs.partitions import release_partitions
from orchestration.defs.resources import XjsStorage
from xjs import drops, layout

LATER = "2025-03"
VIA_ASSET = (
    "csv_ragged_short",
    "csv_unterminated_quote",
    "csv_latin1_value",
    "csv_no_header",
    "manifest_symlink_out",
    "manifest_rows_fraction",
    "parquet_truncated",
    "parquet_duplicate_record_id",
)


def _case(case_id):
    (case,) = [c for c in CASES if c.id == case_id]
    return case


def _materialize(root, table, release=RELEASE):
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(release_partitions.name, [release])
    asset, check = build_ingest(table)
    result = dg.materialize(
        [asset, check],
        partition_key=release,
        resources={"storage": XjsStorage(data_dir=str(root))},
        instance=instance,
        raise_on_error=False,
    )
    logged = "\n".join(serialize_value(e) for e in instance.all_logs(result.run_id))
    return result, logged


def _metadata(result):
    (event,) = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}


def _no_chain(error):
    assert error.cause is None and error.context is None


@pytest.mark.parametrize("case_id", VIA_ASSET)
def test_a_file_level_case_fails_the_asset_with_the_drop_error(case_id, hostile_copy, capfd):
    case = _case(case_id)
    case.corrupt(hostile_copy)
    with pytest.raises(drops.DropError) as expected:
        drops.read_table(hostile_copy, RELEASE, case.table)

    result, logged = _materialize(hostile_copy, case.table)

    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    data = failure.step_failure_data
    assert data.user_failure_data.description == str(expected.value)
    assert case.names.split(",")[0] in data.error.message
    _no_chain(data.error)
    assert result.get_asset_materialization_events() == []
    assert not layout.warehouse_path(hostile_copy, RELEASE).exists()  # nothing half-written
    out, err = capfd.readouterr()
    for text in (logged, out, err, serialize_value(data.error)):
        assert MARKER not in text


@pytest.mark.parametrize("case_id", [c.id for c in CASES if c.outcome == WARNING])
def test_a_header_only_table_loads_empty_with_a_warning(case_id, hostile_copy, capfd):
    case = _case(case_id)
    case.corrupt(hostile_copy)
    result, logged = _materialize(hostile_copy, case.table)
    assert result.success
    metadata = _metadata(result)
    assert metadata["rows"] == 0 and metadata["header_only"] == 1
    assert "has a header and no rows" in logged
    (check,) = result.get_asset_check_evaluations()
    assert check.passed
    out, err = capfd.readouterr()
    assert MARKER not in logged + out + err


def test_an_intact_table_is_not_flagged(hostile_base, tmp_path):
    root = tmp_path / "data"
    shutil.copytree(hostile_base, root)
    result, logged = _materialize(root, MAGS)
    assert result.success
    metadata = _metadata(result)
    assert metadata["header_only"] == 0
    assert metadata["reused_record_ids"] == 0 and metadata["reuse_compared_with"] == "none"
    assert metadata["rows"] == drops.read_manifest(root, RELEASE).files[MAGS].rows
    assert MARKER not in logged + serialize_value(metadata)


def _later_drop(root, edit):
    """Release LATER: the same files, magistrates_defendants edited by `edit(rows)`."""
    source, later = layout.landing_dir(root, RELEASE), layout.landing_dir(root, LATER)
    shutil.copytree(source, later)
    rows = csv_rows(root, MAGS)
    edit(rows)
    path = later / f"{MAGS}.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    manifest = drops.read_manifest(root, RELEASE)
    doc = {
        "release_id": LATER,
        "created_at": manifest.created_at,
        "files": [
            {
                "table": e.table,
                "path": e.path,
                "format": e.format,
                "rows": e.rows,
                "sha256": drops.sha256_of(later / e.path),
            }
            for e in manifest.files.values()
        ],
    }
    layout.manifest_path(root, LATER).write_text(json.dumps(doc), encoding="utf-8")


def test_record_ids_reused_for_other_people_are_counted_not_shown(hostile_copy, capfd):
    first, _ = _materialize(hostile_copy, MAGS)
    assert first.success

    def edit(rows):
        header = rows[0]
        surname, forename = header.index("surname"), header.index("forename1")
        dob = header.index("date_of_birth")
        dated = [i for i in range(1, len(rows)) if rows[i][dob] and rows[i][surname]]
        marked, unmarked = dated[:6], [i for i in dated if rows[i][surname] != MARKER][:3]
        for i in marked[:3]:  # another person under the same record_id
            rows[i][surname] = f"{MARKER}OTHER"
            rows[i][dob] = "01/01/1911" if rows[i][dob] != "01/01/1911" else "02/02/1922"
        rows[marked[3]][surname] = f"{MARKER}CORRECTED"  # a corrected surname only
        rows[marked[4]][dob] = "03/03/1933"  # a corrected date of birth only
        swap = unmarked[0]  # forename and surname swapped back, and the DOB fixed
        rows[swap][surname], rows[swap][forename] = rows[swap][forename], rows[swap][surname]
        rows[swap][dob] = "04/04/1944"
        rows[marked[5]][surname] = f"  {rows[marked[5]][surname].lower()} "  # case, spaces
        rows[marked[5]][dob] = "05/05/1955"  # and a corrected DOB: the same person

    _later_drop(hostile_copy, edit)
    result, logged = _materialize(hostile_copy, MAGS, release=LATER)

    assert result.success
    metadata = _metadata(result)
    assert metadata["reused_record_ids"] == 3
    assert metadata["reuse_compared_with"] == RELEASE
    assert "3 record ids now describe a different person" in logged
    out, err = capfd.readouterr()
    assert MARKER not in logged + out + err + serialize_value(metadata)
    assert REUSE_CASE.outcome == WARNING


def test_identity_columns_are_contract_columns():
    assert set(drops.IDENTITY_COLUMNS) == set(LANDING_TABLES)
    for table, who in drops.IDENTITY_COLUMNS.items():
        for column in who:
            assert column is None or column in LANDING_TABLES[table].columns, (table, column)
