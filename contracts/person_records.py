"""The shape of int_person_records: every person record of every source, one schema.

dbt builds it (models/intermediate/int_person_records.sql); linkage reads it.
Standardised values: names upper-case A-Z with single spaces and hyphens kept
inside surnames; dates as DATE with placeholders nulled; sex M/F or null;
postcode in canonical `OUTCODE INCODE` form or null (no fixed abode is null);
PNC in long form `YYYY/NNNNNNNC` and CRO `NNNNNN/YYC`, check letter valid or null.
"""

# Where dbt builds it in each release's warehouse (schema.table).
PERSON_RECORDS_TABLE = "intermediate.int_person_records"

# Standardised values the contract fixes; dbt_project/macros/contract_values.sql and
# macros/ethnicity.sql say the same in SQL (tests/dbt holds the two together).
PLACEHOLDER_DATES_OF_BIRTH: tuple[str, ...] = ("1900-01-01", "1970-01-01")
POSTCODE_PATTERN = r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"  # canonical OUTCODE INCODE
ETHNIC_GROUPS: tuple[str, ...] = ("White", "Mixed", "Asian", "Black", "Other")  # ONS 5 groups

PERSON_RECORD_COLUMNS: dict[str, str] = {
    "unique_id": "VARCHAR",  # "<source_table>:<record_id>", unique across the release
    "source_table": "VARCHAR",
    "record_id": "VARCHAR",
    "first_name": "VARCHAR",
    "middle_names": "VARCHAR",  # all other forenames, space-separated
    "last_name": "VARCHAR",
    "first_name_aliases": "VARCHAR[]",  # prison aliases; null elsewhere
    "last_name_aliases": "VARCHAR[]",
    "date_of_birth": "DATE",
    "date_of_birth_aliases": "DATE[]",
    "sex": "VARCHAR",  # M, F or null
    "postcode": "VARCHAR",
    "postcode_outcode": "VARCHAR",
    "address": "VARCHAR",  # street address key (LIBRA, CaseMan): upper A-Z 0-9, no flat
    "pnc": "VARCHAR",
    "cro": "VARCHAR",
    "noms_number": "VARCHAR",
    "crn": "VARCHAR",
    "asn": "VARCHAR",
    "event_date": "DATE",  # the record's own event: hearing, receipt, issue, referral...
    "ethnic_group": "VARCHAR",  # White, Mixed, Asian, Black, Other or null
    "party_role": "VARCHAR",  # family and civil role; null for criminal sources
}


def _polars_type(duckdb_type: str):
    import polars as pl

    base = {"VARCHAR": pl.String, "DATE": pl.Date}
    if duckdb_type.endswith("[]"):
        return pl.List(base[duckdb_type[:-2]])
    return base[duckdb_type]


def person_records_schema():
    """Pandera (polars) gate on int_person_records: the one shape linkage relies on."""
    import pandera.polars as pa
    import polars as pl

    from contracts.identifiers import CRN, NOMS_NUMBER, PNC_LONG
    from contracts.identifiers import CRO as CRO_PATTERN
    from contracts.landing import PERSON_RECORD_TABLES

    def not_placeholder(data) -> pl.LazyFrame:
        column = pl.col(data.key)
        return data.lazyframe.select(
            column.cast(pl.String).is_in(list(PLACEHOLDER_DATES_OF_BIRTH)).not_()
        )

    rules = {
        "unique_id": ([], False),
        "source_table": ([pa.Check.isin(list(PERSON_RECORD_TABLES))], False),
        "record_id": ([], False),
        "sex": ([pa.Check.isin(["M", "F"])], True),
        "postcode": ([pa.Check.str_matches(POSTCODE_PATTERN)], True),
        "pnc": ([pa.Check.str_matches(PNC_LONG.pattern)], True),
        "cro": ([pa.Check.str_matches(CRO_PATTERN.pattern)], True),
        "noms_number": ([pa.Check.str_matches(NOMS_NUMBER.pattern)], True),
        "crn": ([pa.Check.str_matches(CRN.pattern)], True),
        "date_of_birth": ([pa.Check(not_placeholder, name="not_placeholder_date")], True),
        "ethnic_group": (
            [pa.Check.isin(list(ETHNIC_GROUPS))],
            True,
        ),
    }
    columns = {}
    for name, duckdb_type in PERSON_RECORD_COLUMNS.items():
        checks, nullable = rules.get(name, ([], True))
        columns[name] = pa.Column(
            _polars_type(duckdb_type),
            checks=checks,
            nullable=nullable,
            unique=name == "unique_id",
        )

    def unique_id_is_source_and_record(data) -> pl.LazyFrame:
        expected = pl.concat_str(pl.col("source_table"), pl.lit(":"), pl.col("record_id"))
        return data.lazyframe.select(pl.col("unique_id") == expected)

    return pa.DataFrameSchema(
        columns,
        checks=[
            pa.Check(unique_id_is_source_and_record, name="unique_id_is_source_table_and_record_id")
        ],
        strict=True,
        ordered=True,
        name="int_person_records",
    )
