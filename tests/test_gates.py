"""The Pandera gates on Polars LazyFrames: each still rejects what it rejected on pandas.

The frames come as the gates get them: from DuckDB (contracts.validation.duckdb_frame)
or pl.scan_parquet, so value checks must run on a LazyFrame (Pandera checks only the
schema there unless data validation is on). Every failure is reported as a count per
(column, check), never with the value: MARKER, planted in each failing value, must
not appear in a report.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandera.config
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from contracts.landing import LANDING_TABLES
from contracts.landing_schemas import LANDING_SCHEMAS
from contracts.person_records import PERSON_RECORD_COLUMNS, person_records_schema
from contracts.scored_pairs import EACH_PAIR_ONCE, pair_set_failures, scored_pairs_schema
from contracts.validation import ValidationReport, duckdb_frame, validate
from contracts.xjs_link import reconcile_records, xjs_link_schema

MARKER = "QXMARKERZ"
CROWN = LANDING_TABLES["crown_defendants"]


@pytest.fixture
def con():
    con = duckdb.connect()
    yield con
    con.close()


def _no_values(report: ValidationReport) -> None:
    assert MARKER not in report.summary()
    assert MARKER not in repr(report.failures)


def _crown_rows() -> list[dict]:
    rows = [
        {"record_id": f"c{i}", "surname": "SMITH", "gender": 1, "is_company": False}
        for i in range(5)
    ]
    return rows


def _landing_frame(con, rows, schema=CROWN.arrow_schema, sql="select * from incoming"):
    con.register("incoming", pa.Table.from_pylist(rows, schema=schema))
    con.execute(f"create or replace table landing_table as {sql}")
    con.unregister("incoming")
    return duckdb_frame(con, "select * from landing_table")


def test_landing_gate_passes_a_valid_table_from_duckdb(con):
    report = validate(LANDING_SCHEMAS[CROWN.name], _landing_frame(con, _crown_rows()))
    assert report.passed, report.summary()
    assert report.rows == 5


def test_landing_gate_rejects_a_null_and_a_repeated_key_by_count(con):
    rows = _crown_rows()
    rows[1]["record_id"] = f"{MARKER}1"
    rows[2]["record_id"] = f"{MARKER}1"
    rows[3]["record_id"] = None
    report = validate(LANDING_SCHEMAS[CROWN.name], _landing_frame(con, rows))
    assert report.failures == {"record_id: not_nullable": 1, "record_id: field_uniqueness": 2}
    assert report.rows == 5
    _no_values(report)


def test_landing_gate_rejects_a_wrong_type(con):
    frame = _landing_frame(
        con,
        _crown_rows(),
        sql="select * replace (cast(gender as integer) as gender, "
        "cast(date_of_birth as varchar) as date_of_birth) from incoming",
    )
    report = validate(LANDING_SCHEMAS[CROWN.name], frame)
    assert set(report.failures) == {"gender: dtype('Int8')", "date_of_birth: dtype('Date')"}


def test_landing_gate_rejects_missing_extra_and_reordered_columns(con):
    missing = _landing_frame(con, _crown_rows(), sql="select * exclude (pnc_id) from incoming")
    report = validate(LANDING_SCHEMAS[CROWN.name], missing)
    assert report.failures == {"landing.crown_defendants: column_in_dataframe": 1}
    extra = _landing_frame(con, _crown_rows(), sql="select *, 'x' as notes from incoming")
    report = validate(LANDING_SCHEMAS[CROWN.name], extra)
    assert any("column_in_schema" in k for k in report.failures), report.failures
    reordered = _landing_frame(
        con, _crown_rows(), sql="select surname, * exclude (surname) from incoming"
    )
    report = validate(LANDING_SCHEMAS[CROWN.name], reordered)
    assert any("column_ordered" in k for k in report.failures), report.failures


def test_value_checks_run_even_when_pandera_is_set_to_schema_only(con):
    rows = _crown_rows()
    rows[0]["record_id"] = None
    previous = pandera.config.get_config_global().validation_depth
    pandera.config.set_config(validation_depth="SCHEMA_ONLY")
    try:
        report = validate(LANDING_SCHEMAS[CROWN.name], _landing_frame(con, rows))
    finally:
        pandera.config.CONFIG.validation_depth = previous
    assert report.failures == {"record_id: not_nullable": 1}


# --- int_person_records ----------------------------------------------------------------


def _person_records(con, edits: dict[int, dict]) -> pl.LazyFrame:
    """Five valid person records, with edits[row] applied, as a DuckDB table."""
    rows = []
    for i in range(5):
        row = {name: None for name in PERSON_RECORD_COLUMNS}
        row.update(
            unique_id=f"crown_defendants:c{i}",
            source_table="crown_defendants",
            record_id=f"c{i}",
            first_name="JOHN",
            last_name="SMITH",
            date_of_birth=dt.date(1980, 1, 2),
            sex="M",
            postcode="SW1A 1AA",
            pnc="1980/0000001L",
            cro="000001/80L",
            noms_number="A1234BC",
            crn="X123456",
            ethnic_group="White",
        )
        row.update(edits.get(i, {}))
        rows.append(row)
    types = ", ".join(f"{n} {t}" for n, t in PERSON_RECORD_COLUMNS.items())
    con.execute(f"create or replace table int_person_records ({types})")
    con.executemany(
        f"insert into int_person_records values ({', '.join('?' for _ in PERSON_RECORD_COLUMNS)})",
        [list(r.values()) for r in rows],
    )
    return duckdb_frame(con, "select * from int_person_records")


def test_person_records_gate_passes_valid_records(con):
    report = validate(person_records_schema(), _person_records(con, {}))
    assert report.passed, report.summary()


def test_person_records_gate_rejects_each_rule_by_count(con):
    edits = {
        0: {"sex": f"X{MARKER}", "postcode": f"{MARKER} 1AA"},
        1: {"pnc": f"80/{MARKER}", "crn": MARKER, "ethnic_group": MARKER},
        2: {"date_of_birth": dt.date(1900, 1, 1), "cro": MARKER, "noms_number": MARKER},
        3: {"unique_id": f"crown_defendants:{MARKER}"},  # not source_table:record_id
        4: {"unique_id": "crown_defendants:c0", "record_id": "c0", "source_table": None},
    }
    report = validate(person_records_schema(), _person_records(con, edits))
    assert report.failures == {
        "sex: isin(['M', 'F'])": 1,
        "postcode: str_matches('^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$')": 1,
        "pnc: str_matches('^(\\d{4})/(\\d{7})([A-Z])$')": 1,
        "crn: str_matches('^[A-Z]\\d{6}$')": 1,
        "ethnic_group: isin(['White', 'Mixed', 'Asian', 'Black', 'Other'])": 1,
        "date_of_birth: not_placeholder_date": 1,
        "cro: str_matches('^(\\d{6})/(\\d{2})([A-Z])$')": 1,
        "noms_number: str_matches('^[A-Z]\\d{4}[A-Z]{2}$')": 1,
        "unique_id: field_uniqueness": 2,
        "source_table: not_nullable": 1,
        # row 3; row 4's null source_table fails not_nullable, not this check too
        "int_person_records: unique_id_is_source_table_and_record_id": 1,
    }
    _no_values(report)


def test_person_records_gate_rejects_a_wrong_type_and_an_extra_column(con):
    _person_records(con, {})
    frame = duckdb_frame(
        con,
        "select * replace (cast(date_of_birth as varchar) as date_of_birth), 1 as extra "
        "from int_person_records",
    )
    report = validate(person_records_schema(), frame)
    assert "date_of_birth: dtype('Date')" in report.failures
    assert any("column_in_schema" in k for k in report.failures), report.failures


# --- xjs_link and scored pairs (Parquet files) --------------------------------------------


def _link_rows() -> list[dict]:
    return [
        {
            "source_table": "crown_defendants",
            "record_id": f"c{i}",
            "person_id": f"P{i:012x}",
            "cluster_high": f"H{i:012x}",
            "cluster_low": f"L{i:012x}",
            "match_confidence": 1.0,
        }
        for i in range(5)
    ]


def _parquet(tmp_path, name, rows, schema=None):
    path = tmp_path / name
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def test_xjs_link_gate_rejects_each_rule_by_count(tmp_path):
    rows = _link_rows()
    rows[0]["person_id"] = f"P{MARKER}"
    rows[1]["match_confidence"] = 1.5
    rows[2]["source_table"] = f"{MARKER}_table"
    rows[3]["record_id"] = "c4"  # (crown_defendants, c4) twice
    rows[3]["cluster_low"] = f"L{MARKER}"
    path = _parquet(tmp_path, "xjs_link.parquet", rows)
    report = validate(xjs_link_schema(), pl.scan_parquet(path))
    assert report.failures == {
        "person_id: str_matches('^P[0-9a-f]{12}$')": 1,
        "match_confidence: in_range(0.0, 1.0)": 1,
        "source_table: isin(['magistrates_defendants', 'crown_defendants', 'family_parties',"
        " 'civil_parties', 'probation_events', 'prison_journeys', 'oasys_assessments'])": 1,
        "cluster_low: str_matches('^L[0-9a-f]{12}$')": 1,
        "xjs_link: multiple_fields_uniqueness": 2,
    }
    _no_values(report)
    assert validate(
        xjs_link_schema(), pl.scan_parquet(_parquet(tmp_path, "ok.parquet", _link_rows()))
    ).passed


def test_xjs_link_gate_rejects_a_wrong_type(tmp_path):
    rows = [{**r, "match_confidence": 1} for r in _link_rows()]
    report = validate(xjs_link_schema(), pl.scan_parquet(_parquet(tmp_path, "l.parquet", rows)))
    assert report.failures == {"match_confidence: dtype('Float64')": 1}


def test_reconcile_counts_missing_and_extra_records_in_duckdb(con, tmp_path):
    path = _parquet(tmp_path, "xjs_link.parquet", _link_rows()[1:])  # c0 missing
    con.execute(
        "create table records as select 'crown_defendants' as source_table, 'c' || i as record_id"
        " from range(4) as t(i)"  # c4 has no record
    )
    counts = reconcile_records(con, f"read_parquet('{path}')", "records")
    assert counts == {"records_missing_from_link": 1, "link_rows_without_record": 1}


def _pair_rows() -> list[dict]:
    return [
        {
            "unique_id_l": f"crown_defendants:c{i}",
            "unique_id_r": f"crown_defendants:c{i + 1}",
            "match_weight": 1.0,
            "match_probability": 0.5,
            "possible_relatives": False,
        }
        for i in range(4)
    ]


def test_scored_pairs_gate_rejects_each_row_rule_by_count(tmp_path):
    rows = _pair_rows()
    rows[0]["unique_id_r"] = rows[0]["unique_id_l"]  # a self-pair
    rows[1]["match_probability"] = 1.5
    rows[2]["unique_id_l"] = None
    path = _parquet(tmp_path, "pairs.parquet", rows)
    report = validate(scored_pairs_schema(), pl.scan_parquet(path))
    assert report.failures == {
        "scored_pairs: no_self_pairs": 1,
        "match_probability: in_range(0.0, 1.0)": 1,
        "unique_id_l: not_nullable": 1,
    }
    assert validate(
        scored_pairs_schema(), pl.scan_parquet(_parquet(tmp_path, "ok.parquet", _pair_rows()))
    ).passed


def test_scored_pairs_set_rules_count_repeats_and_unknown_records(con, tmp_path):
    rows = _pair_rows()
    rows.append(dict(rows[0]))  # the first pair again
    rows.append({**rows[1], "unique_id_r": f"crown_defendants:{MARKER}"})  # unknown record
    path = _parquet(tmp_path, "pairs.parquet", rows)
    con.execute(
        "create table records as select 'crown_defendants:c' || i as unique_id from range(5) t(i)"
    )
    failures = pair_set_failures(con, f"read_parquet('{path}')", "records")
    assert failures == {EACH_PAIR_ONCE: 1, "unique_id_r: record_known": 1}
    assert MARKER not in repr(failures)
    ok = _parquet(tmp_path, "ok.parquet", _pair_rows())
    assert pair_set_failures(con, f"read_parquet('{ok}')", "records") == {}
