"""The dbt project end to end on a handful of hand-written landing rows.

A temporary DuckDB gets the `landing` schema exactly as ingest makes it (the
contract's columns; CSV tables all VARCHAR), then `dbt build` runs models, data
tests and unit tests into it. The check-letter rule of the SQL macros is held
to contracts/identifiers.py on many generated identifiers.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dbt_invoke import run_dbt

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

# A valid short PNC (24 -> 2024 at release 2024-12), CRO and long PNC.
PNC_SHORT_VALID = pnc_short(2024, 123)
PNC_LONG_VALID = pnc_long(1998, 4567890)
CRO_VALID = cro_number(1999, 54321)


def _wrong_letter(identifier: str) -> str:
    return identifier[:-1] + ("A" if identifier[-1] != "A" else "B")


D = dt.date

LANDING_ROWS: dict[str, list[dict]] = {
    "magistrates_defendants": [
        {
            "record_id": "m1",
            "libra_case_id": "c1",
            "libra_defendant_id": "d1",
            "asn": "01zd 0300",
            "title": "Mr",
            "forename1": "John",
            "forename2": "Paul",
            "forename3": "",
            "surname": "O'Brien",
            "date_of_birth": "05/03/1980",
            "sex": "M",
            "address_line1": "1 High St",
            "postcode": "sw1a1aa",
            "pnc_id": PNC_SHORT_VALID.lower(),
            "cro_number": CRO_VALID,
            "ethnicity": "W1",
            "court_code": "B01",
            "first_hearing_date": "10/01/2024",
            "offence_category": "Theft",
            "plea": "Guilty",
            "outcome": "Convicted",
            "disposal": "Fine",
            "committed_to_crown": "N",
        },
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
            "pnc_id": _wrong_letter(PNC_LONG_VALID),
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
            "pnc_id": PNC_LONG_VALID,
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
        {
            "record_id": "f1",
            "case_number": "FM1",
            "case_type": "Private law",
            "party_role": "Applicant",
            "party_type": "Person",
            "forenames": "Mary  Jane Ann",
            "surname": "Brown",
            "date_of_birth": "1985-12-24",
            "sex": "Female",
            "postcode": "",
            "court_code": "F01",
            "issue_date": "2024-04-01",
            "final_order": "",
        },
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
        {
            "record_id": "v1",
            "claim_number": "K1",
            "claim_type": "Money claim",
            "party_role": "Defendant",
            "party_type": "Individual",
            "party_name": "MR JOHN A SMITH",
            "address_line1": "2 Low Rd",
            "address_line2": "",
            "postcode": "b33 8th",
            "date_of_birth": "",
            "issue_date": "2024-06-01",
            "latest_event": "Judgment",
            "amount_claimed": "1250.00",
        },
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
        {
            "record_id": "p1",
            "event_id": "e1",
            "crn": " x123456",
            "offender_id": "o1",
            "forename": "John",
            "second_forename": "Paul",
            "surname": "OBRIEN",
            "date_of_birth": D(1970, 1, 1),
            "gender": "N",
            "pnc_number": PNC_LONG_VALID,
            "cro_number": _wrong_letter(CRO_VALID),
            "noms_number": "a1234bc",
            "postcode": "SW1A 1AA",
            "ethnicity_desc": "Z_Dummy Ethnicity 04",
            "referral_date": D(2024, 7, 1),
            "sentence_type": "Community order",
            "probation_area": "London",
        },
    ],
    "prison_journeys": [
        {
            "record_id": "j1",
            "booking_id": "b1",
            "prison_number": "A1234BC",
            "offender_id": "po1",
            "first_name": "JOHN",
            "middle_names": None,
            "last_name": "SMITH",
            "birth_date": D(1980, 3, 5),
            "sex_code": "M",
            "pnc_id": None,
            "cro_number": CRO_VALID,
            "reception_date": D(2024, 8, 1),
            "establishment_code": "BAI",
            "sentence_type": "Remand",
            "ethnicity_code": "A1",
        },
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
        {
            "alias_id": "a1",
            "journey_record_id": "j1",
            "first_name": "Jon",
            "last_name": "Smyth",
            "birth_date": D(1980, 5, 3),
        },
        {
            "alias_id": "a2",
            "journey_record_id": "j1",
            "first_name": "JON",
            "last_name": "Smith",
            "birth_date": D(1900, 1, 1),
        },
    ],
    "oasys_assessments": [
        {
            "record_id": "o1",
            "assessment_id": "as1",
            "oasys_offender_pk": "k1",
            "forename_1": "John",
            "forename_2": None,
            "family_name": "Smith",
            "date_of_birth": D(1980, 3, 5),
            "gender": "M",
            "pnc": PNC_SHORT_VALID,
            "cro": None,
            "prison_number": "A1234BC",
            "crn": "X123456",
            "assessment_date": D(2024, 10, 1),
            "assessment_type": "Layer 3",
            "accommodation": 1,
            "ogrs3": 0.42,
        },
    ],
}


def write_landing(path: Path) -> None:
    """A warehouse with the landing schema as ingest makes it."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema landing")
        for name, table in LANDING_TABLES.items():
            arrow = pa.Table.from_pylist(LANDING_ROWS[name], schema=table.arrow_schema)
            con.register("rows", arrow)
            con.execute(f"create table landing.{name} as select * from rows")
            con.unregister("rows")
    finally:
        con.close()


@pytest.fixture(scope="module")
def dbt_build(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("dbt_build")
    warehouse = tmp_path / "warehouse.duckdb"
    write_landing(warehouse)
    # staging and intermediate: the marts need the linkage's lookup (end-to-end tests)
    result = run_dbt(
        [
            "build",
            "--select",
            "path:models/staging",
            "path:models/quarantine",
            "path:models/intermediate",
        ],
        warehouse,
        tmp_path,
    )
    assert result.exception is None
    assert result.success, "dbt build failed (see the dbt log above)"
    return warehouse, result.result.results


@pytest.fixture(scope="module")
def built_warehouse(dbt_build) -> Path:
    return dbt_build[0]


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


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
    for model, table in [
        ("stg_xhibit__defendants", "crown_defendants"),
        ("stg_familyman__parties", "family_parties"),
        ("stg_caseman__parties", "civil_parties"),
        ("stg_pnomis__aliases", "prison_aliases"),
    ]:
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


def test_person_records_are_standardised(built_warehouse):
    m1 = _record(built_warehouse, "magistrates_defendants:m1")
    assert (m1["first_name"], m1["middle_names"], m1["last_name"]) == ("JOHN", "PAUL", "OBRIEN")
    assert m1["date_of_birth"] == D(1980, 3, 5)
    assert m1["event_date"] == D(2024, 1, 10)
    assert (m1["sex"], m1["postcode"], m1["postcode_outcode"]) == ("M", "SW1A 1AA", "SW1A")
    assert m1["pnc"] == "20" + PNC_SHORT_VALID
    assert m1["cro"] == CRO_VALID
    assert (m1["asn"], m1["ethnic_group"], m1["party_role"]) == ("01ZD0300", "White", None)

    m2 = _record(built_warehouse, "magistrates_defendants:m2")
    for column in (
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "postcode",
        "pnc",
        "cro",
        "asn",
        "event_date",
        "ethnic_group",
    ):
        assert m2[column] is None, column

    x1 = _record(built_warehouse, "crown_defendants:x1")
    assert (x1["first_name"], x1["middle_names"], x1["last_name"]) == (
        "ZOE",
        "ANNE MARIE",
        "SMITH-JONES",
    )
    assert (x1["sex"], x1["pnc"], x1["ethnic_group"]) == ("F", PNC_LONG_VALID, "Black")

    f1 = _record(built_warehouse, "family_parties:f1")
    assert (f1["first_name"], f1["middle_names"], f1["sex"], f1["party_role"]) == (
        "MARY",
        "JANE ANN",
        "F",
        "Applicant",
    )

    v1 = _record(built_warehouse, "civil_parties:v1")
    assert (v1["first_name"], v1["middle_names"], v1["last_name"], v1["postcode"]) == (
        "JOHN",
        "A",
        "SMITH",
        "B33 8TH",
    )
    v2 = _record(built_warehouse, "civil_parties:v2")
    assert (v2["first_name"], v2["middle_names"], v2["last_name"]) == ("JOHN", None, "SMITH")
    assert v2["date_of_birth"] is None  # after the release date

    p1 = _record(built_warehouse, "probation_events:p1")
    assert (p1["date_of_birth"], p1["sex"], p1["ethnic_group"], p1["cro"]) == (
        None,
        None,
        None,
        None,
    )
    assert (p1["noms_number"], p1["crn"]) == ("A1234BC", "X123456")

    j2 = _record(built_warehouse, "prison_journeys:j2")
    assert (j2["noms_number"], j2["sex"]) == (None, None)


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
