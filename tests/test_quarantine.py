"""Value-level defects: quarantined and counted, never fatal (landing contract, "Defects").

Small landing tables go through the real dbt staging and quarantine models;
each reason code is asserted on the value that provokes it, the value is
nulled in staging, and every other row stays clean. The gate
(orchestration/defs/quarantine.py) is run on the warehouse's aggregates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pytest
from dbt_invoke import run_dbt

from contracts import defects
from contracts.identifiers import cro_number, pnc_long, pnc_short
from contracts.landing import LANDING_TABLES
from contracts.landing_schemas import LANDING_SCHEMAS
from contracts.validation import validate
from orchestration.defs.quarantine import gate_result, read_aggregates

D = dt.date

PNC = pnc_long(1998, 4567890)
PNC_SHORT = pnc_short(2024, 123)
CRO = cro_number(1999, 54321)


def wrong_letter(identifier: str) -> str:
    return identifier[:-1] + ("A" if identifier[-1] != "A" else "B")


# One clean row per landing table: no defect at all.
CLEAN: dict[str, dict] = {
    "magistrates_defendants": {
        "libra_case_id": "c1",
        "libra_defendant_id": "d1",
        "asn": "01ZD0300",
        "title": "Mr",
        "forename1": "John",
        "forename2": "",
        "forename3": "",
        "surname": "Smith",
        "date_of_birth": "05/03/1980",
        "sex": "M",
        "address_line1": "1 High St",
        "postcode": "sw1a1aa",
        "pnc_id": PNC_SHORT,
        "cro_number": CRO,
        "ethnicity": "W1",
        "court_code": "B01",
        "first_hearing_date": "10/01/2024",
        "offence_category": "Theft",
        "plea": "Guilty",
        "outcome": "Convicted",
        "disposal": "Fine",
        "committed_to_crown": "N",
    },
    "crown_defendants": {
        "defendant_on_case_id": "doc1",
        "defendant_id": "def1",
        "court_id": "C1",
        "case_number": "T1",
        "first_name": "Ann",
        "surname": "Lee",
        "date_of_birth": D(1990, 7, 1),
        "gender": 2,
        "is_company": False,
        "pnc_id": PNC,
        "case_type": "Trial",
        "date_received": D(2024, 2, 1),
        "offence_category": "Fraud",
        "custodial_days": 30,
    },
    "family_parties": {
        "case_number": "FM1",
        "case_type": "Private law",
        "party_role": "Applicant",
        "party_type": "Person",
        "forenames": "Mary Jane",
        "surname": "Brown",
        "date_of_birth": "1985-12-24",
        "sex": "Female",
        "postcode": "",
        "court_code": "F01",
        "issue_date": "2024-04-01",
        "final_order": "",
    },
    "civil_parties": {
        "claim_number": "K1",
        "claim_type": "Money claim",
        "party_role": "Defendant",
        "party_type": "Individual",
        "party_name": "MR JOHN A SMITH",
        "address_line1": "2 Low Rd",
        "address_line2": "",
        "postcode": "B33 8TH",
        "date_of_birth": "",
        "issue_date": "2024-06-01",
        "latest_event": "Judgment",
        "amount_claimed": "1250.00",
    },
    "probation_events": {
        "event_id": "e1",
        "crn": "X123456",
        "offender_id": "o1",
        "forename": "John",
        "surname": "Smith",
        "date_of_birth": D(1980, 3, 5),
        "gender": "M",
        "pnc_number": PNC,
        "cro_number": CRO,
        "noms_number": "A1234BC",
        "postcode": "SW1A 1AA",
        "ethnicity_desc": "White: British",
        "referral_date": D(2024, 7, 1),
        "sentence_type": "Community order",
        "probation_area": "London",
    },
    "prison_journeys": {
        "booking_id": "b1",
        "prison_number": "A1234BC",
        "offender_id": "po1",
        "first_name": "John",
        "last_name": "Smith",
        "birth_date": D(1980, 3, 5),
        "sex_code": "M",
        "reception_date": D(2024, 8, 1),
        "release_date": D(2026, 8, 1),  # a scheduled release may be after the release date
        "establishment_code": "BAI",
        "sentence_type": "Remand",
        "ethnicity_code": "A1",
    },
    "prison_aliases": {
        "journey_record_id": "prison_journeys-clean",
        "first_name": "Jon",
        "last_name": "Smyth",
        "birth_date": D(1980, 5, 3),
    },
    "oasys_assessments": {
        "assessment_id": "as1",
        "oasys_offender_pk": "k1",
        "forename_1": "John",
        "family_name": "Smith",
        "date_of_birth": D(1980, 3, 5),
        "gender": "M",
        "pnc": PNC,
        "cro": CRO,
        "prison_number": "A1234BC",
        "crn": "X123456",
        "assessment_date": D(2024, 10, 1),
        "assessment_type": "Layer 3",
        "accommodation": 1,
        "ogrs3": 0.42,
    },
}

# (table, record id, column, bad value, reason): each row is CLEAN with one value changed.
CASES: list[tuple[str, str, str, object, str]] = [
    ("magistrates_defendants", "m-dob-979", "date_of_birth", "20/05/979", defects.UNPARSEABLE),
    ("magistrates_defendants", "m-dob-iso", "date_of_birth", "1980-03-05", defects.UNPARSEABLE),
    (
        "magistrates_defendants",
        "m-dob-30-feb",
        "date_of_birth",
        "30/02/1987",
        defects.IMPOSSIBLE_DATE,
    ),
    ("magistrates_defendants", "m-dob-1890", "date_of_birth", "03/05/1890", defects.BEFORE_1900),
    ("magistrates_defendants", "m-dob-1900", "date_of_birth", "01/01/1900", defects.PLACEHOLDER),
    (
        "magistrates_defendants",
        "m-hearing-2090",
        "first_hearing_date",
        "15/06/2090",
        defects.IN_FUTURE,
    ),
    (
        "magistrates_defendants",
        "m-hearing-empty",
        "first_hearing_date",
        "",
        defects.MISSING_REQUIRED,
    ),
    ("magistrates_defendants", "m-case-empty", "libra_case_id", " ", defects.MISSING_REQUIRED),
    ("magistrates_defendants", "m-surname-empty", "surname", "", defects.MISSING_REQUIRED),
    ("magistrates_defendants", "m-surname-junk", "surname", "NOT KNOWN", defects.JUNK_VALUE),
    ("magistrates_defendants", "m-name-nul", "forename1", "Jo\x00hn", defects.CONTROL_CHARACTER),
    ("magistrates_defendants", "m-name-tab", "surname", "Smi\tth", defects.CONTROL_CHARACTER),
    ("magistrates_defendants", "m-address-1mb", "address_line1", "x" * 1_000_000, defects.TOO_LONG),
    ("magistrates_defendants", "m-title", "title", "Lord High", defects.NOT_IN_CODE_LIST),
    ("magistrates_defendants", "m-sex", "sex", "X", defects.NOT_IN_CODE_LIST),
    (
        "magistrates_defendants",
        "m-committed",
        "committed_to_crown",
        "Maybe",
        defects.NOT_IN_CODE_LIST,
    ),
    (
        "magistrates_defendants",
        "m-pnc-letter",
        "pnc_id",
        wrong_letter(PNC),
        defects.BAD_CHECK_LETTER,
    ),
    ("magistrates_defendants", "m-pnc-shape", "pnc_id", "1998/45678N", defects.BAD_FORMAT),
    (
        "magistrates_defendants",
        "m-cro-letter",
        "cro_number",
        wrong_letter(CRO),
        defects.BAD_CHECK_LETTER,
    ),
    ("magistrates_defendants", "m-cro-shape", "cro_number", "SF 99/123456", defects.BAD_FORMAT),
    ("magistrates_defendants", "m-postcode", "postcode", "NOT A POSTCODE", defects.BAD_FORMAT),
    ("magistrates_defendants", "m-ethnicity", "ethnicity", "Q7", defects.NOT_IN_CODE_LIST),
    ("crown_defendants", "x-gender", "gender", 7, defects.NOT_IN_CODE_LIST),
    ("crown_defendants", "x-dob-future", "date_of_birth", D(2090, 6, 15), defects.IN_FUTURE),
    ("crown_defendants", "x-dob-1890", "date_of_birth", D(1890, 5, 3), defects.BEFORE_1900),
    ("crown_defendants", "x-case-type", "case_type", "Retrial", defects.NOT_IN_CODE_LIST),
    ("crown_defendants", "x-case-number", "case_number", None, defects.MISSING_REQUIRED),
    ("crown_defendants", "x-days", "custodial_days", -1, defects.OUT_OF_RANGE),
    ("family_parties", "f-dob-future", "date_of_birth", "2090-06-15", defects.IN_FUTURE),
    ("family_parties", "f-dob-uk", "date_of_birth", "24/12/1985", defects.UNPARSEABLE),
    ("family_parties", "f-role", "party_role", "Intervener", defects.NOT_IN_CODE_LIST),
    ("family_parties", "f-issue", "issue_date", "2024-13-01", defects.IMPOSSIBLE_DATE),
    ("civil_parties", "v-name-empty", "party_name", "", defects.MISSING_REQUIRED),
    ("civil_parties", "v-dob-future", "date_of_birth", "2090-06-15", defects.IN_FUTURE),
    ("civil_parties", "v-amount", "amount_claimed", "12,50", defects.UNPARSEABLE),
    ("civil_parties", "v-type", "party_type", "Trust", defects.NOT_IN_CODE_LIST),
    ("probation_events", "p-dob-1970", "date_of_birth", D(1970, 1, 1), defects.PLACEHOLDER),
    (
        "probation_events",
        "p-ethnicity",
        "ethnicity_desc",
        "Z_Dummy Ethnicity 04",
        defects.JUNK_VALUE,
    ),
    ("probation_events", "p-refusal", "ethnicity_desc", "Refusal", defects.JUNK_VALUE),
    ("probation_events", "p-crn", "crn", "X12", defects.BAD_FORMAT),
    ("probation_events", "p-noms", "noms_number", "12345", defects.BAD_FORMAT),
    ("probation_events", "p-gender", "gender", "Q", defects.NOT_IN_CODE_LIST),
    ("prison_journeys", "j-noms", "prison_number", "bad", defects.BAD_FORMAT),
    ("prison_journeys", "j-sentence", "sentence_type", "Life", defects.NOT_IN_CODE_LIST),
    ("prison_journeys", "j-reception", "reception_date", D(2090, 1, 1), defects.IN_FUTURE),
    ("prison_aliases", "a-dob", "birth_date", D(1900, 1, 1), defects.PLACEHOLDER),
    ("prison_aliases", "a-name", "last_name", "MIG_ERROR_12", defects.JUNK_VALUE),
    ("oasys_assessments", "o-need", "drugs", 7, defects.OUT_OF_RANGE),
    ("oasys_assessments", "o-ogrs3", "ogrs3", 1.5, defects.OUT_OF_RANGE),
    ("oasys_assessments", "o-pnc", "pnc", wrong_letter(PNC_SHORT), defects.BAD_CHECK_LETTER),
]

# Values a company row may leave empty: not a person, so no name is required.
NOT_DEFECTS: list[tuple[str, str, dict]] = [
    ("civil_parties", "v-company-no-name", {"party_type": "Company", "party_name": ""}),
    ("crown_defendants", "x-company-no-surname", {"is_company": True, "surname": None}),
    ("family_parties", "f-la-no-surname", {"party_type": "Local authority", "surname": ""}),
    ("magistrates_defendants", "m-nfa", {"postcode": "NF1 1NF", "sex": "NK", "title": ""}),
    ("probation_events", "p-no-ids", {"pnc_number": None, "cro_number": None, "noms_number": None}),
]


def key_of(table: str) -> str:
    return LANDING_TABLES[table].key


def landing_rows() -> dict[str, list[dict]]:
    rows = {t: [{key_of(t): f"{t}-clean", **CLEAN[t]}] for t in LANDING_TABLES}
    for table, record_id, column, value, _ in CASES:
        rows[table].append({**CLEAN[table], key_of(table): record_id, column: value})
    for table, record_id, changes in NOT_DEFECTS:
        rows[table].append({**CLEAN[table], key_of(table): record_id, **changes})
    return rows


def write_landing(path: Path, rows: dict[str, list[dict]]) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema landing")
        for name, table in LANDING_TABLES.items():
            arrow = pa.Table.from_pylist(rows.get(name, []), schema=table.arrow_schema)
            con.register("rows", arrow)
            con.execute(f"create table landing.{name} as select * from rows")
            con.unregister("rows")
    finally:
        con.close()


def build_staging(tmp_path: Path, rows: dict[str, list[dict]]) -> Path:
    """Landing rows -> staging, quarantine.value_defects and intermediate, with data tests."""
    warehouse = tmp_path / "warehouse.duckdb"
    write_landing(warehouse, rows)
    result = run_dbt(
        [
            "build",
            "--select",
            "path:models/staging",
            "path:models/quarantine",
            "path:models/intermediate",
            "--exclude",
            "resource_type:unit_test",
        ],
        warehouse,
        tmp_path,
    )
    assert result.exception is None
    assert result.success, "dbt build failed (see the dbt log above)"
    return warehouse


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse))  # dbt keeps a read-write one open in-process
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def gate(warehouse: Path):
    con = duckdb.connect(str(warehouse))  # dbt keeps a read-write one open in-process
    try:
        return gate_result(*read_aggregates(con))
    finally:
        con.close()


@pytest.fixture(scope="module")
def cases_warehouse(tmp_path_factory) -> Path:
    return build_staging(tmp_path_factory.mktemp("quarantine_cases"), landing_rows())


# --- the landing check keeps only file-level rules ------------------------------------


def test_landing_check_passes_every_value_defect():
    for name, rows in landing_rows().items():
        table = pa.Table.from_pylist(rows, schema=LANDING_TABLES[name].arrow_schema)
        report = validate(LANDING_SCHEMAS[name], pl.from_arrow(table))
        assert report.passed, (name, report.summary())


def test_landing_check_still_fails_a_duplicated_or_null_key():
    table = LANDING_TABLES["magistrates_defendants"]
    rows = [{"record_id": "r1"}, {"record_id": "r1"}, {"record_id": None}]
    report = validate(
        LANDING_SCHEMAS[table.name],
        pl.from_arrow(pa.Table.from_pylist(rows, schema=table.arrow_schema)),
    )
    assert not report.passed
    assert set(report.failures) == {"record_id: field_uniqueness", "record_id: not_nullable"}


# --- each reason code on the value that provokes it -----------------------------------


def test_each_defect_is_quarantined_with_its_reason_and_nothing_else(cases_warehouse):
    got = set(
        query(
            cases_warehouse,
            f"select source_table, record_id, column_name, reason from {defects.QUARANTINE_TABLE}",
        )
    )
    expected = {(t, r, c, reason) for t, r, c, _, reason in CASES}
    assert got == expected
    # every reason code of the contract is exercised here
    assert {reason for *_, reason in CASES} == set(defects.REASONS)


def test_quarantine_holds_codes_only(cases_warehouse):
    columns = query(
        cases_warehouse,
        "select column_name from information_schema.columns where table_schema = "
        f"'{defects.QUARANTINE_SCHEMA}' and table_name = 'value_defects' order by ordinal_position",
    )
    assert tuple(c for (c,) in columns) == defects.QUARANTINE_COLUMNS
    [(longest,)] = query(
        cases_warehouse,
        f"select max(greatest(length(record_id), length(column_name), length(reason))) "
        f"from {defects.QUARANTINE_TABLE}",
    )
    assert longest < 40  # ids and codes; the 1 MB value is not there


STAGED_VALUE = {  # landing column -> staging column holding its standardised value
    "magistrates_defendants": {
        "date_of_birth": "date_of_birth",
        "first_hearing_date": "first_hearing_date",
        "libra_case_id": "case_id",
        "surname": "last_name",
        "forename1": "first_name",
        "address_line1": "address_line_1",
        "title": "title",
        "sex": "sex",
        "committed_to_crown": "is_committed_to_crown",
        "pnc_id": "pnc",
        "cro_number": "cro",
        "postcode": "postcode",
        "ethnicity": "ethnic_group",
    },
    "family_parties": {"date_of_birth": "date_of_birth", "issue_date": "issue_date"},
    "civil_parties": {"date_of_birth": "date_of_birth", "amount_claimed": "amount_claimed"},
    "crown_defendants": {"gender": "sex", "date_of_birth": "date_of_birth"},
    "probation_events": {"crn": "crn", "ethnicity_desc": "ethnic_group"},
    "oasys_assessments": {"drugs": "need_drugs", "ogrs3": "ogrs3"},
}
MODELS = {
    "magistrates_defendants": "stg_libra__defendants",
    "crown_defendants": "stg_xhibit__defendants",
    "family_parties": "stg_familyman__parties",
    "civil_parties": "stg_caseman__parties",
    "probation_events": "stg_ndelius__events",
    "prison_journeys": "stg_pnomis__journeys",
    "prison_aliases": "stg_pnomis__aliases",
    "oasys_assessments": "stg_oasys__assessments",
}


def test_defective_values_are_null_in_staging_and_the_record_goes_on(cases_warehouse):
    checked = 0
    for table, record_id, column, _, _ in CASES:
        staged = STAGED_VALUE.get(table, {}).get(column)
        if staged is None:
            continue
        key = key_of(table)
        [(value, rest)] = query(
            cases_warehouse,
            f"select {staged}, {key} from staging.{MODELS[table]} where {key} = '{record_id}'",
        )
        assert value is None, (table, record_id, column)
        checked += 1
    assert checked >= 25
    # the clean row of the same table keeps its values
    [(dob, name)] = query(
        cases_warehouse,
        "select date_of_birth, last_name from staging.stg_libra__defendants"
        " where record_id = 'magistrates_defendants-clean'",
    )
    assert (dob, name) == (D(1980, 3, 5), "SMITH")


def test_staging_keeps_every_landing_row(cases_warehouse):
    rows = landing_rows()
    for table, model in MODELS.items():
        [(n,)] = query(cases_warehouse, f"select count(*) from staging.{model}")
        assert n == len(rows[table]), model


def test_dbt_reason_codes_and_length_limit_are_the_contracts(tmp_path):
    warehouse = tmp_path / "empty.duckdb"
    duckdb.connect(str(warehouse)).close()
    inline = "select {{ quoted_list(defect_reason_codes()) }}, {{ max_text_length() }}"
    result = run_dbt(["compile", "--inline", inline], warehouse, tmp_path)
    assert result.success
    [node_result] = result.result.results
    compiled = node_result.node.compiled_code
    [row] = duckdb.connect().execute(compiled).fetchall()
    assert row[:-1] == defects.REASONS
    assert row[-1] == defects.MAX_TEXT_LENGTH


# --- the gate -------------------------------------------------------------------------


def test_gate_counts_every_case(cases_warehouse):
    # each case is one or two rows of a tiny table: over 1%, but below MIN_DEFECTS_TO_FAIL
    result = gate(cases_warehouse)
    assert result.passed, result.description
    assert result.metadata["over_tolerance"].value == 0
    assert result.metadata["defects"].value == len(CASES)
    key = "magistrates_defendants.date_of_birth.unparseable"
    assert result.metadata[key].value == 2


def _magistrates(n: int, mistyped: int) -> dict[str, list[dict]]:
    rows = [
        {**CLEAN["magistrates_defendants"], "record_id": f"m{i:05d}", "libra_case_id": f"c{i}"}
        for i in range(n)
    ]
    for row in rows[:mistyped]:
        row["date_of_birth"] = "20/05/979"
    return {"magistrates_defendants": rows}


def test_two_mistyped_dates_of_birth_in_10000_rows_pass_and_are_quarantined(tmp_path):
    warehouse = build_staging(tmp_path, _magistrates(10_000, 2))
    [(n,)] = query(warehouse, "select count(*) from staging.stg_libra__defendants")
    assert n == 10_000
    assert query(
        warehouse,
        f"select record_id, column_name, reason from {defects.QUARANTINE_TABLE} order by 1",
    ) == [
        ("m00000", "date_of_birth", "unparseable"),
        ("m00001", "date_of_birth", "unparseable"),
    ]
    result = gate(warehouse)
    assert result.passed, result.description
    assert result.metadata["magistrates_defendants.date_of_birth.unparseable"].value == 2
    assert result.metadata["defects magistrates_defendants"].value == 2
    assert result.metadata["rows magistrates_defendants"].value == 10_000
    assert result.metadata["defects crown_defendants"].value == 0  # stable keys


def test_a_column_over_tolerance_fails_the_gate_by_name_without_values(tmp_path):
    warehouse = build_staging(tmp_path, _magistrates(10_000, 150))
    result = gate(warehouse)
    assert not result.passed
    assert result.description == (
        "value defects over tolerance: magistrates_defendants.date_of_birth unparseable: "
        "150 of 10000 rows (1.50%, tolerance 1.00%)"
    )
    assert "979" not in result.description
    assert result.metadata["over_tolerance"].value == 1


# --- tolerances -----------------------------------------------------------------------


def test_tolerances_name_real_columns_and_reasons():
    for (table, column, reason), share in defects.TOLERANCES.items():
        assert column in LANDING_TABLES[table].columns
        assert reason in defects.REASONS
        assert defects.DEFAULT_TOLERANCE < share < 1
    assert defects.tolerance("magistrates_defendants", "surname", defects.UNPARSEABLE) == 0.01


def test_empty_names_pass_at_the_rates_outside_drops_have():
    """FEBRL 2-4 leave 1.3-2.3% of surnames empty: within tolerance; a dropped column not."""
    [febrl, dropped] = defects.defect_counts(
        [
            ("crown_defendants", "surname", defects.MISSING_REQUIRED, 32),
            ("family_parties", "surname", defects.MISSING_REQUIRED, 1200),
        ],
        {"crown_defendants": 1394, "family_parties": 2000},
    )
    assert febrl.within_tolerance
    assert not dropped.within_tolerance


def test_rates_against_tolerance():
    [ok, over] = defects.defect_counts(
        [
            ("civil_parties", "party_name", "control_character", 12),
            ("family_parties", "sex", "not_in_code_list", 30),
        ],
        {"civil_parties": 1200, "family_parties": 2000},
    )
    assert ok.rate == 0.01 and ok.within_tolerance  # at the tolerance passes
    assert over.rate == 0.015 and not over.within_tolerance
    assert defects.over_tolerance([ok, over]) == [over]
    # a handful of defects on a tiny table is noise; MIN_DEFECTS_TO_FAIL of them is not
    floor = defects.MIN_DEFECTS_TO_FAIL
    [enough, few] = defects.defect_counts(  # sorted by table
        [
            ("probation_events", "crn", "bad_format", floor - 1),
            ("prison_aliases", "first_name", "junk_value", floor),
        ],
        {"probation_events": floor, "prison_aliases": floor},
    )
    assert few.within_tolerance and not enough.within_tolerance
    # defects on a table of no rows fail
    [empty] = defects.defect_counts([("prison_aliases", "birth_date", "placeholder", floor)], {})
    assert not empty.within_tolerance
