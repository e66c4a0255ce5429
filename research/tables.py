"""The research tables, built from the release's warehouse and lookup: per-source
record tables (staging), the research xjs_link (from releases/<R>/linkage/xjs_link.parquet,
the one copy of the lookup), and the journey tables (dbt marts models/marts/research).
Ids are replaced by keyed pseudonyms, dates coarsened.

The internal frames (`Internal`) keep real ids only in memory, to build the
aggregates; nothing here logs or raises with a row value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from contracts.landing import OASYS_NEEDS
from research import coarsen, schemas
from research.pseudonyms import pseudonymise, pseudonymise_records

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


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The schema's columns, in its order and dtypes (a missing column is a bug: KeyError)."""
    return pd.DataFrame(
        {c.name: frame[c.name].astype(c.dtype) for c in schemas.columns(table)}
    ).reset_index(drop=True)


def _query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.sql(sql, params=params).df()


def source_table(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    key: bytes,
    release_date: pd.Timestamp,
    link_path: Path,
) -> pd.DataFrame:
    """The research table of one source: its staging records that are in the lookup
    (link_path: the release's xjs_link.parquet), pseudonymised and coarsened."""
    wanted = ["date_of_birth", source.event_date, *source.months, *source.keep]
    if source.postcode:
        wanted.append("postcode")
    if source.sex:
        wanted.append("sex")
    if source.case:
        wanted.append(source.case)
    cols = ", ".join(f"s.{c}" for c in dict.fromkeys(wanted))
    raw = _query(
        con,
        f"select s.record_id, l.person_id, {cols} from {source.staging} s "
        "inner join read_parquet(?) l "
        f"on l.source_table = '{source.table}' and l.record_id = s.record_id",
        [str(link_path)],
    )
    out = pd.DataFrame(index=raw.index)
    out["record_pseudonym"] = pseudonymise_records(
        key, pd.Series(source.table, index=raw.index), raw["record_id"]
    )
    out["person_pseudonym"] = pseudonymise(key, "person", raw["person_id"])
    if source.case:
        case_ref = source.table + "\x1f" + raw[source.case].astype("string")
        out["case_pseudonym"] = pseudonymise(key, "case", case_ref)
    out["year_of_birth"] = coarsen.year_of_birth(raw["date_of_birth"], release_date)
    out["age_band"] = coarsen.age_band(raw["date_of_birth"], raw[source.event_date])
    if source.sex:
        out["sex"] = raw["sex"]
    if source.postcode:
        out["postcode_area"] = coarsen.postcode_area(raw["postcode"])
    for date_col, month_col in source.months.items():
        out[month_col] = coarsen.month(raw[date_col])
    for col in source.keep:
        out[col] = raw[col]
    if source.table == "prison_journeys":
        spell = pd.to_datetime(raw["release_date"]) - pd.to_datetime(raw["reception_date"])
        out["custody_days"] = spell.dt.days.astype("Int64")
    if source.table == "civil_parties":
        out["amount_claimed_rounded"] = coarsen.round_to(raw["amount_claimed"], 100)
    if source.table == "oasys_assessments":
        out["ogrs3"] = pd.to_numeric(raw["ogrs3"]).round(3)
    return conform(out, source.table).sort_values("record_pseudonym", ignore_index=True)


def link_table(con: duckdb.DuckDBPyConnection, key: bytes, link_path: Path) -> pd.DataFrame:
    """The research xjs_link: the lookup (link_path: xjs_link.parquet) with pseudonyms."""
    raw = _query(con, "select * from read_parquet(?)", [str(link_path)])
    out = pd.DataFrame(
        {
            "source_table": raw["source_table"],
            "record_pseudonym": pseudonymise_records(key, raw["source_table"], raw["record_id"]),
            "person_pseudonym": pseudonymise(key, "person", raw["person_id"]),
            "cluster_high_pseudonym": pseudonymise(key, "cluster_high", raw["cluster_high"]),
            "cluster_low_pseudonym": pseudonymise(key, "cluster_low", raw["cluster_low"]),
            "match_confidence": raw["match_confidence"].round(3),
        }
    )
    return conform(out, "xjs_link").sort_values("record_pseudonym", ignore_index=True)


@dataclass
class Internal:
    """The journey marts as read (real ids, exact dates): input of the aggregates."""

    events: pd.DataFrame
    repeat_users: pd.DataFrame
    overlaps: pd.DataFrame
    sentences: pd.DataFrame


def read_journeys(con: duckdb.DuckDBPyConnection) -> Internal:
    def mart(table: str) -> pd.DataFrame:
        return _query(con, f"select * from {MARTS_SCHEMA}.{JOURNEY_MARTS[table]}")

    return Internal(
        events=mart("person_timeline"),
        repeat_users=mart("repeat_users"),
        overlaps=mart("jurisdiction_overlaps"),
        sentences=mart("sentence_reappearance"),
    )


def journey_tables(
    internal: Internal, key: bytes, release_date: pd.Timestamp
) -> dict[str, pd.DataFrame]:
    ev = internal.events
    timeline = pd.DataFrame(
        {
            "person_pseudonym": pseudonymise(key, "person", ev["person_id"]),
            "event_seq": ev["event_seq"],
            "event_month": coarsen.month(ev["event_date"]),
            "jurisdiction": ev["jurisdiction"],
            "source_table": ev["source_table"],
            "record_pseudonym": pseudonymise_records(key, ev["source_table"], ev["record_id"]),
        }
    )
    ru = internal.repeat_users
    repeat = ru.assign(
        person_pseudonym=pseudonymise(key, "person", ru["person_id"]),
        year_of_birth=coarsen.year_of_birth(ru["date_of_birth"], release_date),
        age_band=coarsen.age_band(ru["date_of_birth"], release_date),
        first_event_month=coarsen.month(ru["first_event_date"]),
        last_event_month=coarsen.month(ru["last_event_date"]),
    )
    ov = internal.overlaps
    overlaps = ov.assign(
        person_pseudonym=pseudonymise(key, "person", ov["person_id"]),
        first_criminal_month=coarsen.month(ov["first_criminal_date"]),
        first_family_month=coarsen.month(ov["first_family_date"]),
        first_civil_month=coarsen.month(ov["first_civil_date"]),
    )
    se = internal.sentences.merge(
        ru[["person_id", "sex", "date_of_birth"]], on="person_id", how="left"
    )
    sentences = se.assign(
        record_pseudonym=pseudonymise_records(key, se["source_table"], se["record_id"]),
        person_pseudonym=pseudonymise(key, "person", se["person_id"]),
        sentence_month=coarsen.month(se["sentence_date"]),
        age_band=coarsen.age_band(se["date_of_birth"], se["sentence_date"]),
    )
    return {
        "person_timeline": conform(timeline, "person_timeline").sort_values(
            ["person_pseudonym", "event_seq"], ignore_index=True
        ),
        "repeat_users": conform(repeat, "repeat_users").sort_values(
            "person_pseudonym", ignore_index=True
        ),
        "jurisdiction_overlaps": conform(overlaps, "jurisdiction_overlaps").sort_values(
            "person_pseudonym", ignore_index=True
        ),
        "sentence_reappearance": conform(sentences, "sentence_reappearance").sort_values(
            "record_pseudonym", ignore_index=True
        ),
    }
