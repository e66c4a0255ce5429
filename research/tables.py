"""The research tables, built from the release's warehouse and lookup: per-source
record tables (staging), the research xjs_link (from releases/<R>/linkage/xjs_link.parquet,
the one copy of the lookup), and the journey tables (dbt marts models/marts/research).
Ids are replaced by keyed pseudonyms, dates coarsened.

Each table is one DuckDB query (the functions here return its SQL): pseudonyms
(research.pseudonyms.pseudonym_sql, keyed on the connection by use_key) and
coarsening (research.coarsen.*_sql) run in the engine, and the result streams out
in batches (research.publish.write_query), so no table is ever whole in Python.
Columns come out in the schema's order and types (conform_sql); row order is
fixed by each query's ORDER BY. Nothing here logs or raises with a row value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from contracts.landing import OASYS_NEEDS
from research import coarsen, schemas
from research.pseudonyms import pseudonym_sql, record_pseudonym_sql

MARTS_SCHEMA = "marts"
# The journey tables of the release, each from its dbt mart (models/marts/research):
# released table -> mart. The research release asset depends on these marts.
JOURNEY_MARTS: dict[str, str] = {
    "person_timeline": "research_person_events",
    "repeat_users": "research_repeat_users",
    "jurisdiction_overlaps": "research_jurisdiction_overlaps",
    "sentence_reappearance": "research_sentence_reappearance",
}


@dataclass(frozen=True)
class Source:
    """Which staging columns of a source reach the research release, and how."""

    table: str
    staging: str
    event_date: str  # for the age band
    months: dict[str, str]  # staging date column -> released month column
    keep: list[str] = field(default_factory=list)  # released as they are
    case: str | None = None
    postcode: bool = True
    sex: bool = True


SOURCES = [
    Source(
        "magistrates_defendants",
        "staging.stg_libra__defendants",
        "first_hearing_date",
        {"first_hearing_date": "first_hearing_month"},
        [
            "ethnic_group",
            "court_code",
            "offence_category",
            "plea",
            "outcome",
            "disposal",
            "is_committed_to_crown",
        ],
        case="case_id",
    ),
    Source(
        "crown_defendants",
        "staging.stg_xhibit__defendants",
        "date_received",
        {"date_received": "received_month", "sentence_date": "sentence_month"},
        [
            "ethnic_group",
            "court_id",
            "case_type",
            "offence_category",
            "verdict",
            "sentence_type",
            "custodial_days",
        ],
        case="case_number",
    ),
    Source(
        "family_parties",
        "staging.stg_familyman__parties",
        "issue_date",
        {"issue_date": "issue_month"},
        ["court_code", "case_type", "party_role", "final_order"],
        case="case_number",
    ),
    Source(
        "civil_parties",
        "staging.stg_caseman__parties",
        "issue_date",
        {"issue_date": "issue_month"},
        ["claim_type", "party_role", "latest_event", "amount_claimed"],
        case="claim_number",
        sex=False,
    ),
    Source(
        "probation_events",
        "staging.stg_ndelius__events",
        "referral_date",
        {"referral_date": "referral_month"},
        [
            "ethnic_group",
            "sentence_type",
            "requirement_main_category",
            "probation_area",
            "termination_reason",
        ],
    ),
    Source(
        "prison_journeys",
        "staging.stg_pnomis__journeys",
        "reception_date",
        {"reception_date": "reception_month", "release_date": "release_month"},
        ["ethnic_group", "establishment_code", "sentence_type", "release_date"],
        postcode=False,
    ),
    Source(
        "oasys_assessments",
        "staging.stg_oasys__assessments",
        "assessment_date",
        {"assessment_date": "assessment_month"},
        [
            "assessment_type",
            *[f"need_{n}" for n in OASYS_NEEDS],
            "ogrs3",
        ],
        postcode=False,
    ),
]


# the schemas' pandas dtypes as DuckDB types (the Parquet files carry the matching Arrow types)
SQL_TYPES = {"string": "varchar", "Int64": "bigint", "Float64": "double", "boolean": "boolean"}


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def parquet_sql(path: Path) -> str:
    return f"read_parquet({_literal(path)})"


def round_sql(expr: str, decimals: int) -> str:
    """numpy's round (as pandas Series.round): scale, round half to even, unscale."""
    scale = float(10**decimals)
    return f"(round_even(cast({expr} as double) * {scale}, 0) / {scale})"


def conform_sql(table: str, computed: dict[str, str], alias: str = "r") -> str:
    """The select list of a research table: the schema's columns, in its order and types;
    a column not computed is the input column of the same name."""
    cols = []
    for c in schemas.columns(table):
        expr = computed.get(c.name, f'{alias}."{c.name}"')
        cols.append(f'cast({expr} as {SQL_TYPES[c.dtype]}) as "{c.name}"')
    return ",\n    ".join(cols)


def _date(release_date: pd.Timestamp) -> str:
    return f"date '{release_date:%Y-%m-%d}'"


def source_table_sql(source: Source, release_date: pd.Timestamp, link_path: Path) -> str:
    """The research table of one source: its staging records that are in the lookup
    (link_path: the release's xjs_link.parquet), pseudonymised and coarsened."""
    table = _literal(source.table)
    computed = {
        "record_pseudonym": record_pseudonym_sql(table, "r.record_id"),
        "person_pseudonym": pseudonym_sql("person", "r.__person_id"),
        "year_of_birth": coarsen.year_of_birth_sql("r.date_of_birth", release_date),
        "age_band": coarsen.age_band_sql("r.date_of_birth", f"r.{source.event_date}"),
    }
    if source.case:
        case_ref = f"{table} || chr(31) || cast(r.{source.case} as varchar)"
        computed["case_pseudonym"] = pseudonym_sql("case", case_ref)
    if source.postcode:
        computed["postcode_area"] = coarsen.postcode_area_sql("r.postcode")
    for date_col, month_col in source.months.items():
        computed[month_col] = coarsen.month_sql(f"r.{date_col}")
    if source.table == "prison_journeys":
        computed["custody_days"] = (
            "date_diff('day', try_cast(r.reception_date as date), try_cast(r.release_date as date))"
        )
    if source.table == "civil_parties":
        computed["amount_claimed_rounded"] = coarsen.round_to_sql("r.amount_claimed", 100)
    if source.table == "oasys_assessments":
        computed["ogrs3"] = round_sql("r.ogrs3", 3)
    return f"""
select {conform_sql(source.table, computed)}
from (
    select s.*, l.person_id as __person_id from {source.staging} s
    inner join {parquet_sql(link_path)} l
        on l.source_table = {table} and l.record_id = s.record_id
) r
order by record_pseudonym
"""


def link_table_sql(link_path: Path) -> str:
    """The research xjs_link: the lookup (link_path: xjs_link.parquet) with pseudonyms."""
    computed = {
        "record_pseudonym": record_pseudonym_sql("r.source_table", "r.record_id"),
        "person_pseudonym": pseudonym_sql("person", "r.person_id"),
        "cluster_high_pseudonym": pseudonym_sql("cluster_high", "r.cluster_high"),
        "cluster_low_pseudonym": pseudonym_sql("cluster_low", "r.cluster_low"),
        "match_confidence": round_sql("r.match_confidence", 3),
    }
    return f"""
select {conform_sql("xjs_link", computed)}
from {parquet_sql(link_path)} r
order by record_pseudonym
"""


def mart(table: str) -> str:
    """The dbt mart a journey table is built from."""
    return f"{MARTS_SCHEMA}.{JOURNEY_MARTS[table]}"


def journey_tables_sql(release_date: pd.Timestamp) -> dict[str, str]:
    """The journey tables' queries, from their marts (real ids in, pseudonyms out)."""
    on = _date(release_date)
    person = pseudonym_sql("person", "r.person_id")
    record = record_pseudonym_sql("r.source_table", "r.record_id")
    timeline = {
        "person_pseudonym": person,
        "event_month": coarsen.month_sql("r.event_date"),
        "record_pseudonym": record,
    }
    repeat = {
        "person_pseudonym": person,
        "year_of_birth": coarsen.year_of_birth_sql("r.date_of_birth", release_date),
        "age_band": coarsen.age_band_sql("r.date_of_birth", on),
        "first_event_month": coarsen.month_sql("r.first_event_date"),
        "last_event_month": coarsen.month_sql("r.last_event_date"),
    }
    overlaps = {
        "person_pseudonym": person,
        "first_criminal_month": coarsen.month_sql("r.first_criminal_date"),
        "first_family_month": coarsen.month_sql("r.first_family_date"),
        "first_civil_month": coarsen.month_sql("r.first_civil_date"),
    }
    sentences = {
        "record_pseudonym": record,
        "person_pseudonym": person,
        "sentence_month": coarsen.month_sql("r.sentence_date"),
        "follow_up_start_month": coarsen.month_sql("r.follow_up_start"),
        "age_band": coarsen.age_band_sql("r.date_of_birth", "r.sentence_date"),
    }
    return {
        "person_timeline": f"""
select {conform_sql("person_timeline", timeline)}
from {mart("person_timeline")} r
order by person_pseudonym, event_seq
""",
        "repeat_users": f"""
select {conform_sql("repeat_users", repeat)}
from {mart("repeat_users")} r
order by person_pseudonym
""",
        "jurisdiction_overlaps": f"""
select {conform_sql("jurisdiction_overlaps", overlaps)}
from {mart("jurisdiction_overlaps")} r
order by person_pseudonym
""",
        "sentence_reappearance": f"""
select {conform_sql("sentence_reappearance", sentences)}
from (
    select se.*, ru.sex, ru.date_of_birth
    from {mart("sentence_reappearance")} se
    left join (select person_id, sex, date_of_birth from {mart("repeat_users")}) ru
        using (person_id)
) r
order by record_pseudonym
""",
    }
