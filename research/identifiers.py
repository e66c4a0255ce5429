"""Direct identifiers of the landing drop, and a scan of a research folder for them.

The Pandera schemas (strict, whitelisted columns) keep identifiers out by
construction; this scan checks the result independently: no value of any
direct-identifier column of the drop appears anywhere in the published folder.
It reports counts only. The drop's values and the released tables' cells are
matched in DuckDB (temporary tables on the warehouse connection), never gathered
into Python; only the text files' words and the small aggregate CSVs are.

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


IDENTIFIERS, VOCABULARY, SENSITIVE = "_xjs_identifiers", "_xjs_vocabulary", "_xjs_sensitive"


def normalise_sql(expr: str) -> str:
    """normalise() of one value, as SQL (upper case, letters and digits only)."""
    return f"regexp_replace(upper(cast({expr} as varchar)), '[^0-9A-Z]', '', 'g')"


def _insert(con: duckdb.DuckDBPyConnection, table: str, values: set[str]) -> None:
    if values:
        con.execute(f"insert into {table} select unnest(?::varchar[])", [sorted(values)])


def load_landing_values(con: duckdb.DuckDBPyConnection) -> None:
    """Temporary tables of the drop's identifier values and content vocabulary, normalised,
    built in DuckDB (only the distinct dates of birth pass through Python, to be spelt in
    their other forms)."""
    present = {
        t
        for (t,) in con.sql(
            "select table_name from information_schema.tables where table_schema = ?",
            params=[LANDING_SCHEMA],
        ).fetchall()
    }
    for name in (IDENTIFIERS, VOCABULARY):
        con.execute(f"create or replace temp table {name} (v varchar)")
    for table in LANDING_TABLES.values():
        if table.name not in present:
            continue
        ident_cols = DIRECT_IDENTIFIERS[table.name]
        for col in table.columns:
            if col in ident_cols and ("date" in col or col == "birth_date"):
                _insert(con, IDENTIFIERS, normalise(_date_forms(con, table.name, col)))
                continue
            target = IDENTIFIERS if col in ident_cols else VOCABULARY
            con.execute(
                f"insert into {target} select distinct v from "
                f"(select {normalise_sql(col)} as v from {LANDING_SCHEMA}.{table.name}) "
                "where v <> ''"
            )


def _sensitive(con: duckdb.DuckDBPyConnection) -> None:
    """The identifier values the scan looks for: not in the drop's or the release's own
    vocabulary, MIN_CHARS or longer; `textual` marks those with a digit (see the module)."""
    _insert(con, VOCABULARY, release_vocabulary())
    con.execute(
        f"""
        create or replace temp table {SENSITIVE} as
        select distinct i.v, regexp_matches(i.v, '[0-9]') as textual
        from {IDENTIFIERS} i anti join {VOCABULARY} w using (v)
        where length(i.v) >= {MIN_CHARS}
        """
    )


def _hits(con: duckdb.DuckDBPyConnection, values: set[str], textual_only: bool) -> int:
    con.execute("create or replace temp table _xjs_found (v varchar)")
    _insert(con, "_xjs_found", values)
    where = "where s.textual" if textual_only else ""
    (n,) = con.execute(
        f"select count(distinct f.v) from _xjs_found f join {SENSITIVE} s using (v) {where}"
    ).fetchone()
    return int(n)


def _parquet_hits(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Distinct sensitive values among the string cells of a Parquet file, in DuckDB."""
    schema = pq.read_schema(path)
    cols = [f.name for f in schema if str(f.type) in ("string", "large_string")]
    if not cols:
        return 0
    source = "read_parquet('" + str(path).replace("'", "''") + "')"
    cells = " union ".join(
        f"select {normalise_sql(chr(34) + c + chr(34))} as v from {source}" for c in cols
    )
    (n,) = con.execute(f"select count(*) from ({cells}) c join {SENSITIVE} s using (v)").fetchone()
    return int(n)


def _csv_cells(path: Path) -> set[str]:
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


def scan(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    """Counts of distinct identifier values found, per released file (relative path).

    con: the release's warehouse (its landing tables); the values stay in DuckDB."""
    load_landing_values(con)
    _sensitive(con)
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            hits = _parquet_hits(con, path)
        elif path.suffix == ".csv":
            hits = _hits(con, _csv_cells(path), textual_only=False)
        elif path.suffix in TEXT_SUFFIXES:
            hits = _hits(con, _text_windows(path), textual_only=True)
        else:
            hits = 1  # an unexpected file is a failure in itself
        if hits:
            found[str(path.relative_to(folder))] = hits
    for name in (IDENTIFIERS, VOCABULARY, SENSITIVE, "_xjs_found"):
        con.execute(f"drop table if exists {name}")
    return found
