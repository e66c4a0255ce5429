"""Every hostile case through the ingest read path (xjs.drops.read_table), no dbt.

File-level cases fail by name with a clean DropError; the others are read in
full, rows reconciled with the manifest. No case lets MARKER (the corrupted
row's values) into a message, a log line or an exception chain.
"""

from __future__ import annotations

import logging
import re
import traceback

import pyarrow.compute as pc
import pytest
from hostile_cases import (
    ALL_CASES,
    CASES,
    FILE_LEVEL,
    MARKER,
    OUTCOMES,
    RELEASE,
    WARNING,
    Case,
    entry,
    file_of,
    manifest,
)

from contracts.landing import LANDING_TABLES
from xjs import drops, layout

OPERATIONS_DOC = layout.REPO_ROOT / "docs" / "operations.md"


def _chain(err: BaseException) -> list[BaseException]:
    seen = []
    while err is not None and err not in seen:
        seen.append(err)
        err = err.__cause__ or err.__context__
    return seen


def _read(root, case: Case, caplog):
    with caplog.at_level(logging.DEBUG):
        try:
            return drops.read_table(root, RELEASE, case.table), None
        except drops.DropError as err:
            return None, err


def test_the_suite_has_at_least_30_cases_of_every_outcome():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.outcome for c in CASES} == set(OUTCOMES)


@pytest.mark.parametrize("case", [c for c in CASES if c.outcome == FILE_LEVEL], ids=lambda c: c.id)
def test_file_level_case_fails_by_name_without_row_values(case, hostile_copy, caplog):
    case.corrupt(hostile_copy)
    data, err = _read(hostile_copy, case, caplog)
    assert data is None, f"{case.id} was accepted"
    message = str(err)
    assert re.search(case.expect, message), message
    named_file = case.names.split(",")[0]
    assert named_file in message
    # nothing of the row: not in the message, the chain, the traceback or the log
    assert err.__cause__ is None and err.__context__ is None
    assert _chain(err) == [err]
    printed = "".join(traceback.format_exception(err))
    assert MARKER not in printed
    assert MARKER not in caplog.text


@pytest.mark.parametrize("case", [c for c in CASES if c.outcome != FILE_LEVEL], ids=lambda c: c.id)
def test_other_cases_are_read_whole_and_reconcile(case, hostile_copy, caplog):
    case.corrupt(hostile_copy)
    data, err = _read(hostile_copy, case, caplog)
    assert err is None, str(err)
    assert data.num_rows == entry(manifest(hostile_copy), case.table)["rows"]
    assert data.schema.names == list(LANDING_TABLES[case.table].columns)
    assert MARKER not in caplog.text
    if case.outcome == WARNING:
        assert data.num_rows == 0  # header only: loaded empty, the asset warns
    if case.column:
        # ingest keeps the value as it came (empty is missing); staging judges it
        assert data.column(case.column)[case.row].as_py() == (case.value or None)


def _no_carriage_return(data):
    for name in data.schema.names:
        column = data.column(name)
        hits = pc.sum(pc.cast(pc.match_substring(column, "\r"), "int64")).as_py() or 0
        assert hits == 0, name


def test_crlf_line_ends_give_the_same_values_as_lf(hostile_base, hostile_copy):
    (case,) = [c for c in CASES if c.id == "csv_crlf"]
    case.corrupt(hostile_copy)
    assert b"\r\n" in file_of(hostile_copy, case.table).read_bytes()
    crlf = drops.read_table(hostile_copy, RELEASE, case.table)
    lf = drops.read_table(hostile_base, RELEASE, case.table)
    assert crlf.equals(lf)
    _no_carriage_return(crlf)


def test_an_embedded_newline_stays_inside_its_field(hostile_copy):
    (case,) = [c for c in CASES if c.id == "csv_embedded_newline"]
    case.corrupt(hostile_copy)
    data = drops.read_table(hostile_copy, RELEASE, case.table)
    assert data.column("address_line1")[0].as_py() == f"FLAT 1\n{MARKER} HOUSE"
    _no_carriage_return(data)


@pytest.mark.parametrize("case_id", ["formula_string", "sql_string"])
def test_formula_and_sql_looking_strings_are_kept_verbatim(hostile_copy, case_id):
    (case,) = [c for c in CASES if c.id == case_id]
    case.corrupt(hostile_copy)
    data = drops.read_table(hostile_copy, RELEASE, case.table)
    value = data.column("address_line1")[case.row].as_py()
    assert value.startswith(("=HYPERLINK(", "'; DROP TABLE")) and MARKER in value


def test_a_symlink_inside_the_drop_is_followed(hostile_copy):
    """Only links that leave the drop fail: one to another name inside it is read."""
    path = file_of(hostile_copy, "probation_events")
    inside = path.with_name("probation_events.v2.parquet")
    path.rename(inside)
    path.symlink_to(inside.name)
    assert drops.read_table(hostile_copy, RELEASE, "probation_events").num_rows > 0


def test_the_sensor_skips_a_hostile_drop_with_the_same_message(hostile_copy):
    (case,) = [c for c in CASES if c.id == "csv_ragged_short"]
    case.corrupt(hostile_copy)
    scan = drops.scan_landing(hostile_copy, seen={})
    assert scan.ready == []
    with pytest.raises(drops.DropError) as err:
        drops.read_table(hostile_copy, RELEASE, case.table)
    assert scan.problems[RELEASE] == str(err.value)
    assert MARKER not in scan.problems[RELEASE]


def test_manifest_of_the_base_drop_lists_every_table(hostile_base):
    listed = {e["table"] for e in manifest(hostile_base)["files"]}
    assert listed == set(LANDING_TABLES)
    assert layout.manifest_path(hostile_base, RELEASE).exists()


def test_the_operations_doc_lists_every_case_with_its_outcome():
    section = OPERATIONS_DOC.read_text(encoding="utf-8").split("## Hostile input", 1)[1]
    section = section.split("\n## ", 1)[0]
    documented = {
        m.group(1): (m.group(2).strip(), m.group(3).strip())
        for m in re.finditer(r"^\| `(\w+)`:.*?\| ([a-z -]+) \| (.+) \|$", section, re.M)
    }
    assert documented == {c.id: (c.outcome, c.names) for c in ALL_CASES}
