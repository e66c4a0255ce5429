"""Value-level defects: quarantined and counted, never fatal (landing contract, "Defects").

Small landing tables go through the real dbt staging and quarantine models;
each reason code is asserted on the value that provokes it, the value is
nulled in staging, and every other row stays clean. The gate
(orchestration/defs/quarantine.py) is run on the warehouse's aggregates.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pytest
from dbt_invoke import STAGING_MODELS, build_staging, query, run_dbt
from landing_rows import CLEAN, CRO, PNC_LONG, PNC_SHORT, D, clean_row, wrong_letter

from contracts import defects
from contracts.landing import LANDING_TABLES
from contracts.landing_schemas import LANDING_SCHEMAS
from contracts.validation import validate
from orchestration.defs.quarantine import gate_result, read_aggregates

# {table: [(record id, column, bad value, reason)]}: each row is CLEAN with one value changed.
CASES_BY_TABLE: dict[str, list[tuple[str, str, object, str]]] = {
    "magistrates_defendants": [
        ("m-dob-979", "date_of_birth", "20/05/979", defects.UNPARSEABLE),
        ("m-dob-iso", "date_of_birth", "1980-03-05", defects.UNPARSEABLE),
        ("m-dob-30-feb", "date_of_birth", "30/02/1987", defects.IMPOSSIBLE_DATE),
        ("m-dob-1890", "date_of_birth", "03/05/1890", defects.BEFORE_1900),
        ("m-dob-1900", "date_of_birth", "01/01/1900", defects.PLACEHOLDER),
        ("m-hearing-2090", "first_hearing_date", "15/06/2090", defects.IN_FUTURE),
        ("m-hearing-empty", "first_hearing_date", "", defects.MISSING_REQUIRED),
        ("m-case-empty", "libra_case_id", " ", defects.MISSING_REQUIRED),
        ("m-surname-empty", "surname", "", defects.MISSING_REQUIRED),
        ("m-surname-junk", "surname", "NOT KNOWN", defects.JUNK_VALUE),
        ("m-name-nul", "forename1", "Jo\x00hn", defects.CONTROL_CHARACTER),
        ("m-name-tab", "surname", "Smi\tth", defects.CONTROL_CHARACTER),
        ("m-address-1mb", "address_line1", "x" * 1_000_000, defects.TOO_LONG),
        ("m-title", "title", "Lord High", defects.NOT_IN_CODE_LIST),
        ("m-sex", "sex", "X", defects.NOT_IN_CODE_LIST),
        ("m-committed", "committed_to_crown", "Maybe", defects.NOT_IN_CODE_LIST),
        ("m-pnc-letter", "pnc_id", wrong_letter(PNC_LONG), defects.BAD_CHECK_LETTER),
        ("m-pnc-shape", "pnc_id", "1998/45678N", defects.BAD_FORMAT),
        ("m-cro-letter", "cro_number", wrong_letter(CRO), defects.BAD_CHECK_LETTER),
        ("m-cro-shape", "cro_number", "SF 99/123456", defects.BAD_FORMAT),
        ("m-postcode", "postcode", "NOT A POSTCODE", defects.BAD_FORMAT),
        ("m-ethnicity", "ethnicity", "Q7", defects.NOT_IN_CODE_LIST),
    ],
    "crown_defendants": [
        ("x-gender", "gender", 7, defects.NOT_IN_CODE_LIST),
        ("x-dob-future", "date_of_birth", D(2090, 6, 15), defects.IN_FUTURE),
        ("x-dob-1890", "date_of_birth", D(1890, 5, 3), defects.BEFORE_1900),
        ("x-case-type", "case_type", "Retrial", defects.NOT_IN_CODE_LIST),
        ("x-case-number", "case_number", None, defects.MISSING_REQUIRED),
        ("x-days", "custodial_days", -1, defects.OUT_OF_RANGE),
    ],
    "family_parties": [
        ("f-dob-future", "date_of_birth", "2090-06-15", defects.IN_FUTURE),
        ("f-dob-uk", "date_of_birth", "24/12/1985", defects.UNPARSEABLE),
        ("f-role", "party_role", "Intervener", defects.NOT_IN_CODE_LIST),
        ("f-issue", "issue_date", "2024-13-01", defects.IMPOSSIBLE_DATE),
    ],
    "civil_parties": [
        ("v-name-empty", "party_name", "", defects.MISSING_REQUIRED),
        ("v-dob-future", "date_of_birth", "2090-06-15", defects.IN_FUTURE),
        ("v-amount", "amount_claimed", "12,50", defects.UNPARSEABLE),
        ("v-type", "party_type", "Trust", defects.NOT_IN_CODE_LIST),
    ],
    "probation_events": [
        ("p-dob-1970", "date_of_birth", D(1970, 1, 1), defects.PLACEHOLDER),
        ("p-ethnicity", "ethnicity_desc", "Z_Dummy Ethnicity 04", defects.JUNK_VALUE),
        ("p-refusal", "ethnicity_desc", "Refusal", defects.JUNK_VALUE),
        ("p-crn", "crn", "X12", defects.BAD_FORMAT),
        ("p-noms", "noms_number", "12345", defects.BAD_FORMAT),
        ("p-gender", "gender", "Q", defects.NOT_IN_CODE_LIST),
    ],
    "prison_journeys": [
        ("j-noms", "prison_number", "bad", defects.BAD_FORMAT),
        ("j-sentence", "sentence_type", "Life", defects.NOT_IN_CODE_LIST),
        ("j-reception", "reception_date", D(2090, 1, 1), defects.IN_FUTURE),
    ],
    "prison_aliases": [
        ("a-dob", "birth_date", D(1900, 1, 1), defects.PLACEHOLDER),
        ("a-name", "last_name", "MIG_ERROR_12", defects.JUNK_VALUE),
    ],
    "oasys_assessments": [
        ("o-need", "drugs", 7, defects.OUT_OF_RANGE),
        ("o-ogrs3", "ogrs3", 1.5, defects.OUT_OF_RANGE),
        ("o-pnc", "pnc", wrong_letter(PNC_SHORT), defects.BAD_CHECK_LETTER),
    ],
}
CASES = [(table, *case) for table, cases in CASES_BY_TABLE.items() for case in cases]

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
    rows = {t: [clean_row(t, f"{t}-clean")] for t in LANDING_TABLES}
    for table, record_id, column, value, _ in CASES:
        rows[table].append(clean_row(table, record_id, **{column: value}))
    for table, record_id, changes in NOT_DEFECTS:
        rows[table].append(clean_row(table, record_id, **changes))
    return rows


def build(tmp_path: Path, rows: dict[str, list[dict]]) -> Path:
    """Landing rows -> staging, quarantine.value_defects and intermediate, with data tests
    (the unit tests run in tests/dbt)."""
    return build_staging(tmp_path, rows, "--exclude", "resource_type:unit_test")[0]


def gate(warehouse: Path):
    con = duckdb.connect(str(warehouse))  # dbt keeps a read-write one open in-process
    try:
        return gate_result(*read_aggregates(con))
    finally:
        con.close()


@pytest.fixture(scope="module")
def cases_warehouse(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("quarantine_cases"), landing_rows())


# --- the landing check keeps only file-level rules ------------------------------------


def landing_check(name: str, rows: list[dict]):
    """The landing check's report on rows of one landing table."""
    table = pa.Table.from_pylist(rows, schema=LANDING_TABLES[name].arrow_schema)
    return validate(LANDING_SCHEMAS[name], pl.from_arrow(table))


def test_landing_check_passes_every_value_defect():
    for name, rows in landing_rows().items():
        report = landing_check(name, rows)
        assert report.passed, (name, report.summary())


def test_landing_check_still_fails_a_duplicated_or_null_key():
    rows = [{"record_id": "r1"}, {"record_id": "r1"}, {"record_id": None}]
    report = landing_check("magistrates_defendants", rows)
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


def test_defective_values_are_null_in_staging_and_the_record_goes_on(cases_warehouse):
    checked = 0
    for table, record_id, column, _, _ in CASES:
        staged = STAGED_VALUE.get(table, {}).get(column)
        if staged is None:
            continue
        key, model = key_of(table), STAGING_MODELS[table]
        [(value, rest)] = query(
            cases_warehouse,
            f"select {staged}, {key} from staging.{model} where {key} = '{record_id}'",
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
    for table, model in STAGING_MODELS.items():
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
    warehouse = build(tmp_path, _magistrates(10_000, 2))
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
    warehouse = build(tmp_path, _magistrates(10_000, 150))
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
