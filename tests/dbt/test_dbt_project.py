"""The dbt project end to end on a handful of hand-written landing rows.

A temporary DuckDB gets the `landing` schema exactly as ingest makes it (the
contract's columns; CSV tables all VARCHAR), then `dbt build` runs models, data
tests and unit tests into it. The check-letter rule of the SQL macros is held
to contracts/identifiers.py on many generated identifiers.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dbt_invoke import STAGING_MODELS, build_staging, query, run_dbt
from landing_rows import CRO, PNC_LONG, PNC_SHORT, D, clean_row, wrong_letter

from contracts.identifiers import cro_number, is_valid_cro, is_valid_pnc, pnc_long, pnc_short
from contracts.landing import LANDING_TABLES
from contracts.person_records import (
    ETHNIC_GROUPS,
    PERSON_RECORD_COLUMNS,
    PLACEHOLDER_DATES_OF_BIRTH,
    POSTCODE_PATTERN,
)
from contracts.xjs_link import XJS_LINK_SCHEMA
from xjs import layout

LANDING_ROWS: dict[str, list[dict]] = {
    "magistrates_defendants": [
        clean_row(
            "magistrates_defendants",
            "m1",
            asn="01zd 0300",
            forename2="Paul",
            surname="O'Brien",
            pnc_id=PNC_SHORT.lower(),
            address_line1="Flat 2b, 1 High St.",
        ),
        {
            "record_id": "m2",
            "libra_case_id": "c2",
            "libra_defendant_id": "d2",
            "asn": "",
            "title": "",
            "forename1": "NOT ENTERED",
            "forename2": None,
            "forename3": None,
            "surname": "MIG_ERROR_123",
            "date_of_birth": "01/01/1900",
            "sex": "NK",
            "address_line1": "",
            "postcode": "NF1 1NF",
            "pnc_id": wrong_letter(PNC_LONG),
            "cro_number": "junk",
            "ethnicity": "",
            "court_code": "B01",
            "first_hearing_date": "31/02/2024",
            "offence_category": "",
            "plea": None,
            "outcome": "Withdrawn",
            "disposal": "",
            "committed_to_crown": "Y",
        },
    ],
    "crown_defendants": [
        {
            "record_id": "x1",
            "defendant_on_case_id": "doc1",
            "defendant_id": "def1",
            "court_id": "C1",
            "case_number": "T2024001",
            "first_name": "Zoë",
            "middle_name": "Anne Marie",
            "surname": "Smith - Jones",
            "date_of_birth": D(1990, 7, 1),
            "gender": 2,
            "is_company": False,
            "pnc_id": PNC_LONG,
            "asn": "01ZD0300",
            "postcode": "M1 1AE",
            "ethnicity": "B2",
            "case_type": "Trial",
            "date_received": D(2024, 2, 1),
            "offence_category": "Violence",
            "verdict": "Guilty",
            "sentence_type": "Custody",
            "sentence_date": D(2024, 5, 1),
            "custodial_days": 365,
        },
        {
            "record_id": "x2",
            "defendant_on_case_id": "doc2",
            "defendant_id": "def2",
            "court_id": "C1",
            "case_number": "T2024002",
            "first_name": None,
            "middle_name": None,
            "surname": "ACME LTD",
            "gender": 0,
            "is_company": True,
            "case_type": "Trial",
            "date_received": D(2024, 3, 1),
            "offence_category": "Fraud",
        },
    ],
    "family_parties": [
        clean_row("family_parties", "f1", forenames="Mary  Jane Ann"),
        {
            "record_id": "f2",
            "case_number": "FM2",
            "case_type": "Public law",
            "party_role": "Applicant",
            "party_type": "Local authority",
            "forenames": None,
            "surname": "Leeds City Council",
            "date_of_birth": None,
            "sex": None,
            "postcode": "LS1 1UR",
            "court_code": "F02",
            "issue_date": "2024-04-02",
            "final_order": "Care order",
        },
    ],
    "civil_parties": [
        clean_row(
            "civil_parties",
            "v1",
            postcode="b33 8th",
            address_line1="FLAT 3",
            address_line2="2 Low Rd",
        ),
        {
            "record_id": "v2",
            "claim_number": "K1",
            "claim_type": "Money claim",
            "party_role": "Defendant",
            "party_type": "Individual",
            "party_name": "Smith, John",
            "postcode": None,
            "date_of_birth": "2030-01-01",
            "issue_date": "2024-06-01",
            "latest_event": "Claim issued",
            "amount_claimed": None,
        },
        {
            "record_id": "v3",
            "claim_number": "K1",
            "claim_type": "Money claim",
            "party_role": "Claimant",
            "party_type": "Company",
            "party_name": "ACME LTD",
            "postcode": "EC1A 1BB",
            "issue_date": "2024-06-01",
            "latest_event": "Judgment",
        },
    ],
    "probation_events": [
        clean_row(
            "probation_events",
            "p1",
            crn=" x123456",
            second_forename="Paul",
            surname="OBRIEN",
            date_of_birth=D(1970, 1, 1),
            gender="N",
            cro_number=wrong_letter(CRO),
            noms_number="a1234bc",
            ethnicity_desc="Z_Dummy Ethnicity 04",
        ),
    ],
    "prison_journeys": [
        clean_row(
            "prison_journeys",
            "j1",
            first_name="JOHN",
            last_name="SMITH",
            cro_number=CRO,
            release_date=None,
        ),
        {
            "record_id": "j2",
            "booking_id": "b2",
            "prison_number": "bad",
            "offender_id": "po2",
            "first_name": "Anna",
            "middle_names": "B",
            "last_name": "Lee",
            "birth_date": None,
            "sex_code": "NK",
            "reception_date": D(2024, 9, 1),
            "establishment_code": "BAI",
            "sentence_type": "Determinate",
        },
    ],
    "prison_aliases": [
        clean_row("prison_aliases", "a1", journey_record_id="j1"),
        {
            "alias_id": "a2",
            "journey_record_id": "j1",
            "first_name": "JON",
            "last_name": "Smith",
            "birth_date": D(1900, 1, 1),
        },
    ],
    "oasys_assessments": [
        clean_row("oasys_assessments", "o1", pnc=PNC_SHORT, cro=None),
    ],
}


@pytest.fixture(scope="module")
def dbt_build(tmp_path_factory):
    # staging and intermediate: the marts need the linkage's lookup (end-to-end tests)
    return build_staging(tmp_path_factory.mktemp("dbt_build"), LANDING_ROWS)


@pytest.fixture(scope="module")
def built_warehouse(dbt_build) -> Path:
    return dbt_build[0]


def test_build_runs_models_data_tests_and_unit_tests(dbt_build):
    _, results = dbt_build
    statuses: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for r in results:
        kind = str(r.node.resource_type)
        statuses.setdefault(kind, set()).add(str(r.status))
        counts[kind] = counts.get(kind, 0) + 1
    assert counts.get("model") == 11  # 8 staging + quarantine.value_defects + 2 intermediate
    assert counts.get("test", 0) > 50 and statuses["test"] == {"pass"}
    assert counts.get("unit_test", 0) >= 12 and statuses["unit_test"] == {"pass"}
    assert statuses["model"] == {"success"}


def test_person_records_have_exactly_the_contract_columns(built_warehouse):
    columns = query(
        built_warehouse,
        "select column_name, data_type from information_schema.columns"
        " where table_schema = 'intermediate' and table_name = 'int_person_records'"
        " order by ordinal_position",
    )
    assert columns == list(PERSON_RECORD_COLUMNS.items())


def test_person_records_leave_out_non_person_parties(built_warehouse):
    ids = [
        r[0]
        for r in query(
            built_warehouse, "select unique_id from intermediate.int_person_records order by 1"
        )
    ]
    assert ids == sorted(
        [
            "magistrates_defendants:m1",
            "magistrates_defendants:m2",
            "crown_defendants:x1",
            "family_parties:f1",
            "civil_parties:v1",
            "civil_parties:v2",
            "probation_events:p1",
            "prison_journeys:j1",
            "prison_journeys:j2",
            "oasys_assessments:o1",
        ]
    )


def test_staging_keeps_all_rows(built_warehouse):
    for table, model in STAGING_MODELS.items():
        [(n,)] = query(built_warehouse, f"select count(*) from staging.{model}")
        assert n == len(LANDING_ROWS[table]), model


def _record(warehouse: Path, unique_id: str) -> dict:
    con = duckdb.connect(str(warehouse))
    try:
        cur = con.execute(
            "select * from intermediate.int_person_records where unique_id = ?", [unique_id]
        )
        names = [d[0] for d in cur.description]
        return dict(zip(names, cur.fetchone(), strict=True))
    finally:
        con.close()


def test_prison_aliases_are_folded_into_their_journey(built_warehouse):
    j1 = _record(built_warehouse, "prison_journeys:j1")
    assert j1["first_name_aliases"] == ["JON"]
    assert j1["last_name_aliases"] == ["SMITH", "SMYTH"]
    assert j1["date_of_birth_aliases"] == [D(1980, 5, 3)]  # the 1900-01-01 placeholder dropped
    j2 = _record(built_warehouse, "prison_journeys:j2")
    assert j2["first_name_aliases"] is None and j2["date_of_birth_aliases"] is None
    m1 = _record(built_warehouse, "magistrates_defendants:m1")
    assert m1["last_name_aliases"] is None


# unique_id -> the standardised values of some of its int_person_records columns.
STANDARDISED: dict[str, dict] = {
    "magistrates_defendants:m1": {
        "first_name": "JOHN",
        "middle_names": "PAUL",
        "last_name": "OBRIEN",
        "date_of_birth": D(1980, 3, 5),
        "event_date": D(2024, 1, 10),
        "sex": "M",
        "postcode": "SW1A 1AA",
        "postcode_outcode": "SW1A",
        "address": "1 HIGH ST",  # the flat dropped, punctuation a space
        "pnc": "20" + PNC_SHORT,
        "cro": CRO,
        "asn": "01ZD0300",
        "ethnic_group": "White",
        "party_role": None,
    },
    "magistrates_defendants:m2": dict.fromkeys(
        (
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "postcode",
            "address",
            "pnc",
            "cro",
            "asn",
            "event_date",
            "ethnic_group",
        ),
        None,
    ),
    "crown_defendants:x1": {
        "first_name": "ZOE",
        "middle_names": "ANNE MARIE",
        "last_name": "SMITH-JONES",
        "sex": "F",
        "pnc": PNC_LONG,
        "ethnic_group": "Black",
        "address": None,  # XHIBIT keys no address
    },
    "family_parties:f1": {
        "first_name": "MARY",
        "middle_names": "JANE ANN",
        "sex": "F",
        "party_role": "Applicant",
    },
    "civil_parties:v1": {
        "first_name": "JOHN",
        "middle_names": "A",
        "last_name": "SMITH",
        "postcode": "B33 8TH",
        "address": "2 LOW RD",  # the first line held only the flat
    },
    "civil_parties:v2": {
        "first_name": "JOHN",
        "middle_names": None,
        "last_name": "SMITH",
        "date_of_birth": None,  # after the release date
        "address": None,
    },
    "probation_events:p1": {
        "date_of_birth": None,
        "sex": None,
        "ethnic_group": None,
        "cro": None,
        "noms_number": "A1234BC",
        "crn": "X123456",
    },
    "prison_journeys:j2": {"noms_number": None, "sex": None},
}


def test_person_records_are_standardised(built_warehouse):
    for unique_id, expected in STANDARDISED.items():
        record = _record(built_warehouse, unique_id)
        assert {column: record[column] for column in expected} == expected, unique_id


# --- the check-letter rule: SQL macros against contracts/identifiers.py -----------------


def _generated_identifiers(n: int = 3000) -> list[str]:
    rng = random.Random(20241209)
    values: list[str] = []
    for _ in range(n):
        year, serial = rng.randint(1900, 2099), rng.randrange(10**7)
        kind = rng.choice(["long", "short", "cro"])
        if kind == "long":
            value = pnc_long(year, serial)
        elif kind == "short":
            value = pnc_short(year, serial)
        else:
            value = cro_number(year, serial % 10**6)
        mutation = rng.random()
        if mutation < 0.3:  # any letter, so some stay valid by chance
            value = value[:-1] + rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        elif mutation < 0.4:  # a digit changed
            i = rng.choice([i for i, c in enumerate(value) if c.isdigit()])
            value = value[:i] + str((int(value[i]) + 1) % 10) + value[i + 1 :]
        elif mutation < 0.45:  # a broken shape
            value = value.replace("/", "")
        values.append(value)
    return values


def test_sql_check_letters_agree_with_python(tmp_path):
    warehouse = tmp_path / "identifiers.duckdb"
    values = _generated_identifiers()
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create table identifiers (value varchar)")
        con.executemany("insert into identifiers values (?)", [[v] for v in values])
    finally:
        con.close()

    inline = (
        "select value, {{ standardise_pnc('value') }} as pnc,"
        " {{ standardise_cro('value') }} as cro from identifiers"
    )
    result = run_dbt(["compile", "--inline", inline], warehouse, tmp_path)
    assert result.success, "dbt compile --inline failed"
    [node_result] = result.result.results
    compiled_sql = node_result.node.compiled_code

    con = duckdb.connect(str(warehouse))
    try:
        rows = con.execute(compiled_sql).fetchall()
    finally:
        con.close()

    assert len(rows) == len(values)
    valid_pnc = valid_cro = 0
    for value, pnc, cro in rows:
        assert (pnc is not None) == is_valid_pnc(value), "PNC rule disagrees"
        assert (cro is not None) == is_valid_cro(value), "CRO rule disagrees"
        if pnc is not None:
            valid_pnc += 1
            # long form kept as is; short form gets its century (pivot at release year 24)
            expected = (
                value if len(value) == 13 else (("20" if int(value[:2]) <= 24 else "19") + value)
            )
            assert pnc == expected
        if cro is not None:
            valid_cro += 1
            assert cro == value
    # the generated sample holds plenty of both outcomes
    assert valid_pnc > 300 and valid_cro > 300
    assert len(rows) - valid_pnc - valid_cro > 300


@pytest.fixture(scope="module")
def marts_build(dbt_build, tmp_path_factory):
    """The marts on a copy of the built warehouse, reading a lookup from a Parquet file
    (as the release's xjs_link.parquet): the person ids come from it, not the warehouse."""
    tmp_path = tmp_path_factory.mktemp("dbt_marts")
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(dbt_build[0], warehouse)
    link_path = tmp_path / "linkage" / layout.XJS_LINK_FILE
    link_path.parent.mkdir()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        records = con.sql(
            "select source_table, record_id from intermediate.int_person_records"
            " order by source_table, record_id"
        ).fetchall()
    finally:
        con.close()
    # m1 and the crown record share a person; every other record is a person alone
    person = {r: f"P{i:012x}" for i, r in enumerate(records)}
    shared = person[("magistrates_defendants", "m1")]
    person[next(r for r in records if r[0] == "crown_defendants")] = shared
    rows = [
        {
            "source_table": t,
            "record_id": r,
            "person_id": person[(t, r)],
            "cluster_high": "H" + person[(t, r)][1:],
            "cluster_low": "L" + person[(t, r)][1:],
            "match_confidence": 1.0,
        }
        for t, r in records
    ]
    pq.write_table(pa.Table.from_pylist(rows, schema=XJS_LINK_SCHEMA), link_path)
    result = run_dbt(
        ["build", "--select", "path:models/marts"],
        warehouse,
        tmp_path,
        xjs_link_path=str(link_path),
    )
    assert result.exception is None
    return warehouse, result, len(records), len(set(person.values()))


def test_marts_build_from_the_lookup_parquet_and_pass_their_tests(marts_build):
    warehouse, result, n_records, n_persons = marts_build
    assert result.success, "dbt build of the marts failed (see the dbt log above)"
    statuses = {str(r.node.resource_type): set() for r in result.result.results}
    for r in result.result.results:
        statuses[str(r.node.resource_type)].add(str(r.status))
    assert statuses["model"] == {"success"} and statuses["test"] == {"pass"}
    assert query(warehouse, "select count(*), sum(records) from marts.persons") == [
        (n_persons, n_records)
    ]
    # the lookup is read where it lies: no second copy in the warehouse
    schemas = {
        s for (s,) in query(warehouse, "select schema_name from information_schema.schemata")
    }
    assert "linkage" not in schemas


def test_marts_without_the_lookup_path_fail(dbt_build, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(dbt_build[0], warehouse)
    result = run_dbt(["build", "--select", "persons"], warehouse, tmp_path)
    assert not result.success


# --- values the contract fixes: SQL macros against contracts/person_records.py ---------


def test_sql_contract_values_agree_with_python(tmp_path):
    warehouse = tmp_path / "values.duckdb"
    duckdb.connect(str(warehouse)).close()
    codes = ["W1", "W3", "M2", "A1", "A4", "B2", "O1", "O9", "WHITE BRITISH", "INDIAN", "X9", ""]
    inline = (
        "select '{{ placeholder_dates_of_birth() | join(',') }}' as placeholders,"
        " '{{ postcode_shape() }}' as shape,"
        " (select list(distinct {{ ethnic_group('v') }}) from (values "
        + ", ".join(f"('{c}')" for c in codes)
        + ") as t(v)) as groups"
    )
    result = run_dbt(["compile", "--inline", inline], warehouse, tmp_path)
    assert result.success, "dbt compile --inline failed"
    [node_result] = result.result.results
    con = duckdb.connect(str(warehouse))
    try:
        [(placeholders, shape, groups)] = con.execute(node_result.node.compiled_code).fetchall()
    finally:
        con.close()
    assert tuple(placeholders.split(",")) == PLACEHOLDER_DATES_OF_BIRTH
    assert "^" + shape[: -len("[0-9][A-Z]{2}")] + " [0-9][A-Z]{2}$" == POSTCODE_PATTERN
    assert {g for g in groups if g is not None} == set(ETHNIC_GROUPS)


def test_sql_staging_models_agree_with_python(tmp_path):
    """macros/staging_models.sql against contracts/landing.py and the tests' STAGING_MODELS."""
    warehouse = tmp_path / "models.duckdb"
    duckdb.connect(str(warehouse)).close()
    result = run_dbt(["compile", "--inline", "{{ tojson(staging_models()) }}"], warehouse, tmp_path)
    assert result.success, "dbt compile --inline failed"
    [node_result] = result.result.results
    staged = json.loads(node_result.node.compiled_code)
    assert {s["source_table"]: s["model"] for s in staged} == STAGING_MODELS
    for s in staged:
        table = LANDING_TABLES[s["source_table"]]
        assert s["key"] == table.key, s["source_table"]
        assert s.get("is_person_table", True) == table.is_person_table, s["source_table"]
