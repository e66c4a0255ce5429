"""Direct identifiers of the landing drop, and a scan of a research folder for them.

The Pandera schemas (strict, whitelisted columns) keep identifiers out by
construction; this scan checks the result independently: no value of any
direct-identifier column of the drop appears anywhere in the published folder.
It reports counts only.

Matching is on normalised values (upper case, letters and digits only):
- every cell of every string column of the released tables, and every cell of
  the aggregate CSVs, against every identifier value of 3 or more characters
  that is not also a value of the drop's own content vocabulary (an ethnic
  group "White" is not the surname White);
- every word, and every run of two or three words, of the text files (README,
  dictionary, JSON) against identifier values that contain a digit (numbers,
  postcodes, dates, addresses) or several words (full names, addresses):
  single-word names are ordinary English words too often to test in prose,
  and bare numbers in prose and JSON are counts and rates (a purely numeric
  source id is still tested against every string cell of every table).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from contracts.landing import LANDING_SCHEMA, LANDING_TABLES

DIRECT_IDENTIFIERS: dict[str, list[str]] = {
    "magistrates_defendants": [
        "record_id",
        "libra_case_id",
        "libra_defendant_id",
        "asn",
        "forename1",
        "forename2",
        "forename3",
        "surname",
        "date_of_birth",
        "address_line1",
        "postcode",
        "pnc_id",
        "cro_number",
    ],
    "crown_defendants": [
        "record_id",
        "defendant_on_case_id",
        "defendant_id",
        "case_number",
        "first_name",
        "middle_name",
        "surname",
        "date_of_birth",
        "pnc_id",
        "asn",
        "postcode",
    ],
    "family_parties": [
        "record_id",
        "case_number",
        "forenames",
        "surname",
        "date_of_birth",
        "postcode",
    ],
    "civil_parties": [
        "record_id",
        "claim_number",
        "party_name",
        "address_line1",
        "address_line2",
        "postcode",
        "date_of_birth",
    ],
    "probation_events": [
        "record_id",
        "event_id",
        "crn",
        "offender_id",
        "forename",
        "second_forename",
        "surname",
        "date_of_birth",
        "pnc_number",
        "cro_number",
        "noms_number",
        "postcode",
    ],
    "prison_journeys": [
        "record_id",
        "booking_id",
        "prison_number",
        "offender_id",
        "first_name",
        "middle_names",
        "last_name",
        "birth_date",
        "pnc_id",
        "cro_number",
    ],
    "prison_aliases": ["alias_id", "journey_record_id", "first_name", "last_name", "birth_date"],
    "oasys_assessments": [
        "record_id",
        "assessment_id",
        "oasys_offender_pk",
        "forename_1",
        "forename_2",
        "family_name",
        "date_of_birth",
        "pnc",
        "cro",
        "prison_number",
        "crn",
    ],
}
MIN_CHARS = 3
TEXT_SUFFIXES = {".md", ".json", ".txt"}
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def normalise(values: Iterable) -> set[str]:
    out = set()
    for v in values:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            continue
        n = _NOT_ALNUM.sub("", str(v).upper())
        if n:
            out.add(n)
    return out


def _date_forms(con, table: str, col: str) -> list[str]:
    """A date of birth as the drop may hold it, and as ISO and DD/MM/YYYY text."""
    rows = con.sql(
        f"select distinct cast({col} as varchar) from {LANDING_SCHEMA}.{table}"
        f" where {col} is not null"
    ).fetchall()
    forms = []
    for (text,) in rows:
        forms.append(text)
        stamp = pd.to_datetime(text, errors="coerce", dayfirst="/" in text)
        if not pd.isna(stamp):
            forms += [stamp.strftime("%Y-%m-%d"), stamp.strftime("%d/%m/%Y")]
    return forms


def landing_identifier_values(con: duckdb.DuckDBPyConnection) -> tuple[set[str], set[str]]:
    """(identifier values, content vocabulary) of the drop, normalised."""
    present = {
        t
        for (t,) in con.sql(
            "select table_name from information_schema.tables where table_schema = ?",
            params=[LANDING_SCHEMA],
        ).fetchall()
    }
    identifiers, vocabulary = set(), set()
    for table in LANDING_TABLES.values():
        if table.name not in present:
            continue
        ident_cols = DIRECT_IDENTIFIERS[table.name]
        for col in table.columns:
            if col in ident_cols and ("date" in col or col == "birth_date"):
                identifiers |= normalise(_date_forms(con, table.name, col))
            else:
                values = con.sql(
                    f"select distinct cast({col} as varchar) from {LANDING_SCHEMA}.{table.name}"
                ).fetchall()
                (identifiers if col in ident_cols else vocabulary).update(
                    normalise(v for (v,) in values)
                )
    return identifiers, vocabulary


def _table_cells(path: Path) -> set[str]:
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        cells = set()
        for name in table.column_names:
            column = table.column(name)
            if str(column.type) in ("string", "large_string"):
                cells |= normalise(column.to_pylist())
        return cells
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(
        columns=["count"], errors="ignore"
    )
    return normalise(frame.to_numpy().ravel()) | normalise(frame.columns)


def _text_windows(path: Path) -> set[str]:
    words = re.findall(r"[0-9A-Za-z/'\-]+", path.read_text(encoding="utf-8"))
    words = [_NOT_ALNUM.sub("", w.upper()) for w in words]
    windows = set(words)
    for size in (2, 3):
        windows |= {"".join(words[i : i + size]) for i in range(len(words) - size + 1)}
    return {w for w in windows if not w.isdigit()}


def release_vocabulary() -> set[str]:
    """Labels the release itself introduces: schema value lists and aggregate categories."""
    from research import aggregates, schemas

    labels = set(aggregates.LABELS)
    for table in schemas.TABLES:
        for col in schemas.columns(table):
            for check in col.checks:
                labels.update(map(str, (check.statistics or {}).get("allowed_values", [])))
    return normalise(labels)


def scan(folder: Path, identifiers: set[str], vocabulary: set[str]) -> dict[str, int]:
    """Counts of distinct identifier values found, per released file (relative path)."""
    vocabulary = vocabulary | release_vocabulary()
    sensitive = {v for v in identifiers - vocabulary if len(v) >= MIN_CHARS}
    textual = {v for v in sensitive if any(ch.isdigit() for ch in v)}
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix in (".parquet", ".csv"):
            hits = len(_table_cells(path) & sensitive)
        elif path.suffix in TEXT_SUFFIXES:
            hits = len(_text_windows(path) & textual)
        else:
            hits = 1  # an unexpected file is a failure in itself
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found
