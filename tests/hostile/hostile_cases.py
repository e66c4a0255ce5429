"""The hostile-input catalogue: corrupted copies of one small valid drop.

Each case corrupts a private copy of the base drop (see conftest.py) and says
what must come of it: one of OUTCOMES. The base drop carries MARKER in the
names of the rows the cases corrupt, so a test can assert that no row value
leaks into a message, a log line, an exception chain or metadata.

docs/operations.md ("Hostile input") has one row per case; a test holds the
two to each other.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from contracts import defects
from contracts.landing import LANDING_TABLES
from xjs import drops, layout

RELEASE = "2024-12"
PEOPLE = 150
SEED = 11
MARKER = "QXMARKERZ"  # in no real name, no code and no message of the project

csv.field_size_limit(1 << 24)  # the 1 MB field case is read back by these helpers

FILE_LEVEL = "file-level failure"
QUARANTINE = "value-level quarantine"
WARNING = "accepted with warning"
ACCEPTED = "accepted"
OUTCOMES = (FILE_LEVEL, QUARANTINE, WARNING, ACCEPTED)

MAGS, FAMILY, CIVIL = "magistrates_defendants", "family_parties", "civil_parties"
CROWN, PROBATION, PRISON = "crown_defendants", "probation_events", "prison_journeys"

# The name columns that carry MARKER in the rows the cases corrupt.
MARKED_COLUMNS = {
    MAGS: ("forename1", "surname"),
    FAMILY: ("forenames", "surname"),
    CIVIL: ("party_name",),
    CROWN: ("first_name", "surname"),
    PROBATION: ("forename", "surname"),
    PRISON: ("first_name", "last_name"),
    "prison_aliases": ("first_name", "last_name"),
    "oasys_assessments": ("forename_1", "family_name"),
}
MARKED_ROWS = 12  # rows 0..11 of every table carry MARKER; each case uses its own row


@dataclass(frozen=True)
class Case:
    id: str
    outcome: str
    table: str  # the table whose file is read
    names: str  # what the message (or the quarantine row) names: file, column or code
    corrupt: Callable[[Path], None]
    expect: str = ""  # regex the DropError message matches (file-level cases)
    column: str = ""  # value-level: the column quarantined
    reason: str = ""  # value-level: the reason code (contracts.defects)
    row: int = 0  # value-level: the marked row corrupted
    value: object = None  # value-level: the value planted there (None: made empty)
    what: str = ""  # one line for the docs table


# --- helpers on a drop copy ----------------------------------------------------------------


def drop_dir(root: Path) -> Path:
    return layout.landing_dir(root, RELEASE)


def file_of(root: Path, table: str) -> Path:
    return drop_dir(root) / LANDING_TABLES[table].filename


def manifest(root: Path) -> dict:
    return json.loads(layout.manifest_path(root, RELEASE).read_text(encoding="utf-8"))


def write_manifest(root: Path, doc: dict) -> None:
    layout.manifest_path(root, RELEASE).write_text(json.dumps(doc, indent=2), encoding="utf-8")


def entry(doc: dict, table: str) -> dict:
    return next(e for e in doc["files"] if e["table"] == table)


def set_entry(root: Path, table: str, **values) -> None:
    doc = manifest(root)
    entry(doc, table).update(values)
    write_manifest(root, doc)


def reseal(root: Path, table: str, rows: int | None = None) -> None:
    """Make the manifest agree with the (corrupted) file: only its content is wrong."""
    path = file_of(root, table)
    values = {"sha256": drops.sha256_of(path)}
    if rows is not None:
        values["rows"] = rows
    set_entry(root, table, **values)


def write_bytes(root: Path, table: str, data: bytes, rows: int | None = None) -> None:
    file_of(root, table).write_bytes(data)
    reseal(root, table, rows)


def csv_rows(root: Path, table: str) -> list[list[str]]:
    text = file_of(root, table).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def csv_text(rows: list[list[str]], lineterminator: str = "\n", delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=lineterminator, delimiter=delimiter).writerows(rows)
    return buf.getvalue()


def csv_lines(root: Path, table: str) -> list[bytes]:
    return file_of(root, table).read_bytes().split(b"\n")


def edit_csv(root: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one field of data row `row`; the file stays valid CSV, the manifest consistent."""
    rows = csv_rows(root, table)
    rows[row + 1][rows[0].index(column)] = value
    write_bytes(root, table, csv_text(rows).encode("utf-8"))


def parquet(root: Path, table: str) -> pa.Table:
    return pq.read_table(file_of(root, table))


def write_parquet(root: Path, table: str, data: pa.Table) -> None:
    pq.write_table(data, file_of(root, table))
    reseal(root, table, rows=data.num_rows)


def edit_parquet(root: Path, table: str, row: int, column: str, value) -> None:
    data = parquet(root, table)
    index = data.schema.get_field_index(column)
    values = data.column(index).to_pylist()
    values[row] = value
    array = pa.array(values, type=data.schema.field(index).type)
    write_parquet(root, table, data.set_column(index, data.schema.field(index), array))


# --- manifest ------------------------------------------------------------------------------


def _remove_manifest(root):
    layout.manifest_path(root, RELEASE).unlink()


def _bad_json(root):
    path = layout.manifest_path(root, RELEASE)
    path.write_text(path.read_text(encoding="utf-8")[:-20], encoding="utf-8")


def _manifest_latin1(root):
    path = layout.manifest_path(root, RELEASE)
    doc = manifest(root)
    doc["created_at"] = "2024-12-09T10:00:00Z caf\u00e9"
    path.write_bytes(json.dumps(doc, ensure_ascii=False).encode("latin-1"))


def _release_mismatch(root):
    doc = manifest(root)
    doc["release_id"] = "2024-11"
    write_manifest(root, doc)


def _rows_off_by_one(root):
    set_entry(root, CROWN, rows=entry(manifest(root), CROWN)["rows"] + 1)


def _rows(value):
    return lambda root: set_entry(root, MAGS, rows=value)


def _sha_other(root):
    set_entry(root, FAMILY, sha256="0" * 64)


def _sha_not_hex(root):
    set_entry(root, FAMILY, sha256="not-a-checksum")


def _path_dotdot(root):
    outside = root / "elsewhere.csv"
    outside.write_bytes(file_of(root, MAGS).read_bytes())
    set_entry(root, MAGS, path="../../elsewhere.csv")


def _path_absolute(root):
    set_entry(root, MAGS, path=str(file_of(root, MAGS).resolve()))


def _symlink_out(root):
    path = file_of(root, PROBATION)
    outside = root / "outside.parquet"
    outside.write_bytes(path.read_bytes())  # same bytes: the checksum would match
    path.unlink()
    os.symlink(outside, path)


def _table_twice(root):
    doc = manifest(root)
    doc["files"].append(dict(entry(doc, CIVIL)))
    write_manifest(root, doc)


def _one_file_two_tables(root):
    doc = manifest(root)
    entry(doc, "prison_aliases")["path"] = "./" + LANDING_TABLES[PRISON].filename
    write_manifest(root, doc)


def _unknown_table(root):
    doc = manifest(root)
    doc["files"].append({**entry(doc, CIVIL), "table": "civil_partys"})
    write_manifest(root, doc)


def _wrong_format(root):
    set_entry(root, CROWN, format="csv")


def _file_missing(root):
    file_of(root, PRISON).unlink()


# --- encodings -----------------------------------------------------------------------------


def _latin1_value(root):
    rows = csv_rows(root, FAMILY)
    middle = len(rows) // 2
    rows[middle][rows[0].index("surname")] = f"{MARKER}\u00e9"  # deep in the file
    rows[middle][rows[0].index("forenames")] = MARKER
    write_bytes(root, FAMILY, csv_text(rows).encode("latin-1"))


def _latin1_header(root):
    text = file_of(root, CIVIL).read_text(encoding="utf-8")
    write_bytes(root, CIVIL, text.replace("claim_type", "claim_typ\u00e9", 1).encode("latin-1"))


def _bom(root):
    write_bytes(root, MAGS, b"\xef\xbb\xbf" + file_of(root, MAGS).read_bytes())


def _crlf(root):
    write_bytes(root, MAGS, csv_text(csv_rows(root, MAGS), lineterminator="\r\n").encode())


# --- CSV structure -------------------------------------------------------------------------


def _semicolons(root):
    write_bytes(root, CIVIL, csv_text(csv_rows(root, CIVIL), delimiter=";").encode())


def _unterminated_quote(root):
    lines = csv_lines(root, MAGS)
    lines[1] = lines[1] + b',"' + MARKER.encode()  # opens a quote that never closes
    lines[1] = lines[1].replace(b",", b"", 1)  # keep the column count
    write_bytes(root, MAGS, b"\n".join(lines))


def _stray_quote(root):
    rows = csv_rows(root, FAMILY)
    text = csv_text(rows).replace(MARKER, f'{MARKER[:3]}"{MARKER[3:]}', 1)
    write_bytes(root, FAMILY, text.encode())


def _embedded_newline(root):
    edit_csv(root, CIVIL, 0, "address_line1", f"FLAT 1\n{MARKER} HOUSE")


def _header_only(root):
    header = csv_lines(root, FAMILY)[0]
    write_bytes(root, FAMILY, header + b"\n", rows=0)


def _zero_bytes(root):
    write_bytes(root, CIVIL, b"", rows=0)


def _ragged_short(root):
    lines = csv_lines(root, MAGS)
    lines[1] = lines[1].rsplit(b",", 1)[0]
    write_bytes(root, MAGS, b"\n".join(lines))


def _ragged_long(root):
    lines = csv_lines(root, MAGS)
    lines[1] = lines[1] + b"," + MARKER.encode()
    write_bytes(root, MAGS, b"\n".join(lines))


def _blank_line(root):
    lines = csv_lines(root, FAMILY)
    write_bytes(root, FAMILY, b"\n".join([*lines[:2], b"", *lines[2:]]), rows=len(lines) - 1)


def _missing_column(root):
    rows = csv_rows(root, MAGS)
    drop = rows[0].index("asn")
    write_bytes(root, MAGS, csv_text([r[:drop] + r[drop + 1 :] for r in rows]).encode())


def _extra_column(root):
    rows = csv_rows(root, CIVIL)
    rows = [r + (["notes"] if i == 0 else [MARKER]) for i, r in enumerate(rows)]
    write_bytes(root, CIVIL, csv_text(rows).encode())


def _no_header(root):
    rows = csv_rows(root, MAGS)
    write_bytes(root, MAGS, csv_text(rows[1:]).encode(), rows=len(rows) - 2)


def _truncated_csv(root):
    data = file_of(root, FAMILY).read_bytes()
    cut = data.index(MARKER.encode()) + 3  # mid-field, in the marked row
    write_bytes(root, FAMILY, data[:cut])


def _truncated_stale_manifest(root):
    path = file_of(root, MAGS)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _csv_duplicate_key(root):
    rows = csv_rows(root, CIVIL)
    rows[2][0] = rows[1][0]
    write_bytes(root, CIVIL, csv_text(rows).encode())


def _csv_empty_key(root):
    edit_csv(root, MAGS, 0, "record_id", "")


# --- Parquet -------------------------------------------------------------------------------


def _parquet_truncated(root):
    data = file_of(root, CROWN).read_bytes()
    write_bytes(root, CROWN, data[: len(data) * 2 // 3])


def _parquet_not_parquet(root):
    write_bytes(root, PRISON, file_of(root, MAGS).read_bytes())


def _parquet_wrong_type(root):
    data = parquet(root, PROBATION)
    index = data.schema.get_field_index("date_of_birth")
    column = pc.cast(data.column(index), pa.string())
    write_parquet(root, PROBATION, data.set_column(index, "date_of_birth", column))


def _parquet_extra_column(root):
    data = parquet(root, PRISON)
    write_parquet(root, PRISON, data.append_column("notes", pa.array([MARKER] * data.num_rows)))


def _parquet_missing_column(root):
    write_parquet(root, CROWN, parquet(root, CROWN).drop_columns(["pnc_id"]))


def _parquet_null_key(root):
    edit_parquet(root, PROBATION, 0, "record_id", None)


def _parquet_duplicate_key(root):
    data = parquet(root, PRISON)
    ids = data.column("record_id").to_pylist()
    ids[1] = ids[0]
    write_parquet(root, PRISON, data.set_column(0, "record_id", pa.array(ids, pa.string())))


def _parquet_header_only(root):
    write_parquet(root, CROWN, parquet(root, CROWN).slice(0, 0))


def _parquet_zero_bytes(root):
    write_bytes(root, PROBATION, b"", rows=0)


# --- values: accepted at ingest, quarantined in staging ------------------------------------


def _csv_value(table: str, row: int, column: str, value: str):
    return lambda root: edit_csv(root, table, row, column, value)


def _parquet_value(table: str, row: int, column: str, value):
    return lambda root: edit_parquet(root, table, row, column, value)


def _civil_person_empty_name(row: int):
    def corrupt(root):
        rows = csv_rows(root, CIVIL)
        header = rows[0]
        rows[row + 1][header.index("party_type")] = "Individual"
        rows[row + 1][header.index("party_name")] = ""
        rows[row + 1][header.index("address_line1")] = MARKER  # the record still carries it
        write_bytes(root, CIVIL, csv_text(rows).encode())

    return corrupt


def value_case(id, outcome, table, row, column, value, reason="", what=""):
    """A case that plants one value in one marked row; the file stays valid."""
    if LANDING_TABLES[table].format == "csv":
        corrupt = _csv_value(table, row, column, value)
    else:
        corrupt = _parquet_value(table, row, column, value)
    names = f"{column}, reason {reason} (quarantine row)" if reason else "- (no message)"
    return Case(
        id,
        outcome,
        table,
        names,
        corrupt,
        column=column,
        reason=reason,
        row=row,
        value=value,
        what=what,
    )


ONE_MB = "A" * (1 << 20)
FORMULA = f'=HYPERLINK("http://example.invalid/{MARKER}","x")'
SQL_LIKE = f"'; DROP TABLE landing.{MAGS};-- {MARKER}"


def _d(year, month, day):
    return datetime.date(year, month, day)


CASES: tuple[Case, ...] = (
    # manifest
    Case(
        "manifest_missing",
        FILE_LEVEL,
        MAGS,
        "_manifest.json",
        _remove_manifest,
        r"_manifest\.json: no manifest",
        what="no _manifest.json",
    ),
    Case(
        "manifest_bad_json",
        FILE_LEVEL,
        MAGS,
        "_manifest.json",
        _bad_json,
        r"_manifest\.json: not valid JSON",
        what="manifest cut short (bad JSON)",
    ),
    Case(
        "manifest_not_utf8",
        FILE_LEVEL,
        MAGS,
        "_manifest.json",
        _manifest_latin1,
        r"_manifest\.json: not UTF-8",
        what="manifest in latin-1",
    ),
    Case(
        "manifest_release_mismatch",
        FILE_LEVEL,
        MAGS,
        "_manifest.json",
        _release_mismatch,
        r"_manifest\.json: release_id does not match",
        what="release_id of another drop",
    ),
    Case(
        "manifest_rows_wrong",
        FILE_LEVEL,
        CROWN,
        "crown_defendants.parquet",
        _rows_off_by_one,
        r"crown_defendants\.parquet: has \d+ rows, the manifest says \d+",
        what="row count one more than the file has",
    ),
    Case(
        "manifest_rows_fraction",
        FILE_LEVEL,
        MAGS,
        "_manifest.json",
        _rows(632.5),
        r"_manifest\.json: .*'rows' must be a .*integer",
        what="rows 632.5",
    ),
    Case(
        "manifest_rows_string",
        FILE_LEVEL,
        MAGS,
        "_manifest.json",
        _rows("12"),
        r"_manifest\.json: .*'rows' must be a .*integer",
        what='rows "12"',
    ),
    Case(
        "manifest_rows_negative",
        FILE_LEVEL,
        MAGS,
        "_manifest.json",
        _rows(-1),
        r"_manifest\.json: .*'rows' must be a non-negative",
        what="rows -1",
    ),
    Case(
        "manifest_rows_bool",
        FILE_LEVEL,
        MAGS,
        "_manifest.json",
        _rows(True),
        r"_manifest\.json: .*'rows' must be a .*integer",
        what="rows true",
    ),
    Case(
        "manifest_sha_mismatch",
        FILE_LEVEL,
        FAMILY,
        "family_parties.csv",
        _sha_other,
        r"family_parties\.csv: sha256 does not match",
        what="sha256 of other bytes",
    ),
    Case(
        "manifest_sha_not_hex",
        FILE_LEVEL,
        FAMILY,
        "_manifest.json",
        _sha_not_hex,
        r"_manifest\.json: .*'sha256' must be 64 hexadecimal",
        what="sha256 not 64 hex digits",
    ),
    Case(
        "manifest_path_dotdot",
        FILE_LEVEL,
        MAGS,
        "_manifest.json",
        _path_dotdot,
        r"_manifest\.json: file path for magistrates_defendants leaves the drop",
        what="path ../../elsewhere.csv",
    ),
    Case(
        "manifest_path_absolute",
        FILE_LEVEL,
        MAGS,
        "_manifest.json",
        _path_absolute,
        r"_manifest\.json: file path for magistrates_defendants leaves the drop",
        what="absolute path",
    ),
    Case(
        "manifest_symlink_out",
        FILE_LEVEL,
        PROBATION,
        "_manifest.json",
        _symlink_out,
        r"_manifest\.json: file path for probation_events leaves the drop .*symlink",
        what="listed file is a symlink to an identical file outside the drop",
    ),
    Case(
        "manifest_table_twice",
        FILE_LEVEL,
        CIVIL,
        "_manifest.json",
        _table_twice,
        r"_manifest\.json: lists table civil_parties twice",
        what="a table listed twice",
    ),
    Case(
        "manifest_one_file_two_tables",
        FILE_LEVEL,
        "prison_aliases",
        "_manifest.json",
        _one_file_two_tables,
        r"_manifest\.json: .*\(prison_aliases\): its file is listed for another table too",
        what="two tables listed with one file (./prison_journeys.parquet)",
    ),
    Case(
        "manifest_unknown_table",
        FILE_LEVEL,
        CIVIL,
        "_manifest.json",
        _unknown_table,
        r"_manifest\.json: .*unknown table 'civil_partys'",
        what="a table the contract lacks",
    ),
    Case(
        "manifest_wrong_format",
        FILE_LEVEL,
        CROWN,
        "_manifest.json",
        _wrong_format,
        r"_manifest\.json: table crown_defendants is listed as 'csv'",
        what="format csv for a Parquet table",
    ),
    Case(
        "file_missing",
        FILE_LEVEL,
        PRISON,
        "prison_journeys.parquet",
        _file_missing,
        r"prison_journeys\.parquet: listed in the manifest but missing",
        what="a listed file is absent",
    ),
    # encodings
    Case(
        "csv_latin1_value",
        FILE_LEVEL,
        FAMILY,
        "family_parties.csv, column surname",
        _latin1_value,
        r"family_parties\.csv: column surname is not UTF-8",
        what="latin-1 bytes in a row mid-file",
    ),
    Case(
        "csv_latin1_header",
        FILE_LEVEL,
        CIVIL,
        "civil_parties.csv",
        _latin1_header,
        r"civil_parties\.csv: header is not UTF-8",
        what="latin-1 bytes in the header",
    ),
    Case(
        "csv_bom",
        FILE_LEVEL,
        MAGS,
        "magistrates_defendants.csv",
        _bom,
        r"magistrates_defendants\.csv: starts with a UTF-8 byte-order mark",
        what="UTF-8 byte-order mark",
    ),
    Case(
        "csv_crlf",
        ACCEPTED,
        MAGS,
        "- (no message)",
        _crlf,
        what="CRLF line ends (valid RFC 4180); no \\r reaches a value",
    ),
    value_case(
        "csv_nul_byte",
        QUARANTINE,
        MAGS,
        1,
        "surname",
        f"{MARKER}\x00X",
        defects.CONTROL_CHARACTER,
        "NUL byte in a surname",
    ),
    # CSV structure
    Case(
        "csv_semicolons",
        FILE_LEVEL,
        CIVIL,
        "civil_parties.csv",
        _semicolons,
        r"civil_parties\.csv: header is separated by semicolons",
        what="; as delimiter",
    ),
    Case(
        "csv_unterminated_quote",
        FILE_LEVEL,
        MAGS,
        "magistrates_defendants.csv",
        _unterminated_quote,
        r"magistrates_defendants\.csv: unbalanced quotes",
        what="a quote opened in the last field and never closed",
    ),
    Case(
        "csv_stray_quote",
        FILE_LEVEL,
        FAMILY,
        "family_parties.csv",
        _stray_quote,
        r"family_parties\.csv: unbalanced quotes",
        what="a lone quote inside a name",
    ),
    Case(
        "csv_embedded_newline",
        ACCEPTED,
        CIVIL,
        "- (no message)",
        _embedded_newline,
        what="line break inside a quoted field (valid CSV)",
    ),
    Case(
        "csv_header_only",
        WARNING,
        FAMILY,
        "family_parties (header_only = 1)",
        _header_only,
        what="header and no rows; manifest rows 0",
    ),
    Case(
        "csv_zero_bytes",
        FILE_LEVEL,
        CIVIL,
        "civil_parties.csv",
        _zero_bytes,
        r"civil_parties\.csv: is empty \(0 bytes\)",
        what="file of 0 bytes",
    ),
    Case(
        "csv_ragged_short",
        FILE_LEVEL,
        MAGS,
        "magistrates_defendants.csv",
        _ragged_short,
        r"magistrates_defendants\.csv: a row has 22 columns, the header 23",
        what="a row one field short",
    ),
    Case(
        "csv_ragged_long",
        FILE_LEVEL,
        MAGS,
        "magistrates_defendants.csv",
        _ragged_long,
        r"magistrates_defendants\.csv: a row has 24 columns, the header 23",
        what="a row one field long",
    ),
    Case(
        "csv_blank_line",
        FILE_LEVEL,
        FAMILY,
        "family_parties.csv, column record_id",
        _blank_line,
        r"family_parties\.csv: record_id is empty in 1 rows",
        what="an empty line between rows",
    ),
    Case(
        "csv_missing_column",
        FILE_LEVEL,
        MAGS,
        "magistrates_defendants.csv, column asn",
        _missing_column,
        r"magistrates_defendants\.csv: header .*missing: \['asn'\]",
        what="column asn absent",
    ),
    Case(
        "csv_extra_column",
        FILE_LEVEL,
        CIVIL,
        "civil_parties.csv, column notes",
        _extra_column,
        r"civil_parties\.csv: header .*unexpected: \['notes'\]",
        what="an extra column notes",
    ),
    Case(
        "csv_no_header",
        FILE_LEVEL,
        MAGS,
        "magistrates_defendants.csv",
        _no_header,
        r"magistrates_defendants\.csv: the first line is not the contract's header",
        what="header row missing: the first data row is where the header belongs",
    ),
    Case(
        "csv_truncated",
        FILE_LEVEL,
        FAMILY,
        "family_parties.csv",
        _truncated_csv,
        r"family_parties\.csv: (a row has|has \d+ rows)",
        what="cut mid-row, manifest resealed",
    ),
    Case(
        "csv_truncated_stale_manifest",
        FILE_LEVEL,
        MAGS,
        "magistrates_defendants.csv",
        _truncated_stale_manifest,
        r"magistrates_defendants\.csv: sha256 does not match",
        what="cut in half, manifest as written",
    ),
    Case(
        "csv_duplicate_record_id",
        FILE_LEVEL,
        CIVIL,
        "civil_parties.csv, column record_id",
        _csv_duplicate_key,
        r"civil_parties\.csv: record_id is not unique \(1 rows",
        what="two rows share a record_id",
    ),
    Case(
        "csv_empty_record_id",
        FILE_LEVEL,
        MAGS,
        "magistrates_defendants.csv, column record_id",
        _csv_empty_key,
        r"magistrates_defendants\.csv: record_id is empty in 1 rows",
        what="a row with no record_id",
    ),
    # Parquet
    Case(
        "parquet_truncated",
        FILE_LEVEL,
        CROWN,
        "crown_defendants.parquet",
        _parquet_truncated,
        r"crown_defendants\.parquet: not a readable Parquet file",
        what="cut to two thirds, manifest resealed",
    ),
    Case(
        "parquet_not_parquet",
        FILE_LEVEL,
        PRISON,
        "prison_journeys.parquet",
        _parquet_not_parquet,
        r"prison_journeys\.parquet: not a readable Parquet file",
        what="CSV bytes in a .parquet",
    ),
    Case(
        "parquet_wrong_type",
        FILE_LEVEL,
        PROBATION,
        "probation_events.parquet, column date_of_birth",
        _parquet_wrong_type,
        r"probation_events\.parquet: column types .*date_of_birth is string, expected date32",
        what="date_of_birth written as text",
    ),
    Case(
        "parquet_extra_column",
        FILE_LEVEL,
        PRISON,
        "prison_journeys.parquet, column notes",
        _parquet_extra_column,
        r"prison_journeys\.parquet: columns .*unexpected: \['notes'\]",
        what="an extra column notes",
    ),
    Case(
        "parquet_missing_column",
        FILE_LEVEL,
        CROWN,
        "crown_defendants.parquet, column pnc_id",
        _parquet_missing_column,
        r"crown_defendants\.parquet: columns .*missing: \['pnc_id'\]",
        what="column pnc_id absent",
    ),
    Case(
        "parquet_null_record_id",
        FILE_LEVEL,
        PROBATION,
        "probation_events.parquet, column record_id",
        _parquet_null_key,
        r"probation_events\.parquet: record_id is empty in 1 rows",
        what="a null record_id",
    ),
    Case(
        "parquet_duplicate_record_id",
        FILE_LEVEL,
        PRISON,
        "prison_journeys.parquet, column record_id",
        _parquet_duplicate_key,
        r"prison_journeys\.parquet: record_id is not unique \(1 rows",
        what="two rows share a record_id",
    ),
    Case(
        "parquet_header_only",
        WARNING,
        CROWN,
        "crown_defendants (header_only = 1)",
        _parquet_header_only,
        what="schema and no rows; manifest rows 0",
    ),
    Case(
        "parquet_zero_bytes",
        FILE_LEVEL,
        PROBATION,
        "probation_events.parquet",
        _parquet_zero_bytes,
        r"probation_events\.parquet: is empty \(0 bytes\)",
        what="file of 0 bytes",
    ),
    # values: the file is fine, one value is not
    value_case(
        "dob_mistyped",
        QUARANTINE,
        MAGS,
        2,
        "date_of_birth",
        "20/05/979",
        defects.UNPARSEABLE,
        "date of birth 20/05/979",
    ),
    value_case(
        "dob_impossible",
        QUARANTINE,
        MAGS,
        3,
        "date_of_birth",
        "30/02/1987",
        defects.IMPOSSIBLE_DATE,
        "date of birth 30/02/1987",
    ),
    value_case(
        "dob_before_1900",
        QUARANTINE,
        MAGS,
        4,
        "date_of_birth",
        "03/05/1890",
        defects.BEFORE_1900,
        "date of birth 03/05/1890",
    ),
    value_case(
        "dob_future",
        QUARANTINE,
        FAMILY,
        2,
        "date_of_birth",
        "2090-06-15",
        defects.IN_FUTURE,
        "date of birth 2090-06-15",
    ),
    value_case(
        "parquet_dob_future",
        QUARANTINE,
        CROWN,
        2,
        "date_of_birth",
        _d(2090, 6, 15),
        defects.IN_FUTURE,
        "Parquet date of birth 2090-06-15",
    ),
    value_case(
        "parquet_dob_before_1900",
        QUARANTINE,
        PRISON,
        2,
        "birth_date",
        _d(1890, 5, 3),
        defects.BEFORE_1900,
        "Parquet birth date 1890-05-03",
    ),
    Case(
        "empty_name",
        QUARANTINE,
        CIVIL,
        f"party_name, reason {defects.MISSING_REQUIRED} (quarantine row)",
        _civil_person_empty_name(2),
        column="party_name",
        reason=defects.MISSING_REQUIRED,
        row=2,
        value=None,
        what="empty party_name of an Individual",
    ),
    value_case(
        "one_mb_field",
        QUARANTINE,
        MAGS,
        5,
        "address_line1",
        ONE_MB,
        defects.TOO_LONG,
        "1 MB address line",
    ),
    value_case(
        "control_character",
        QUARANTINE,
        FAMILY,
        3,
        "surname",
        f"{MARKER}\x07",
        defects.CONTROL_CHARACTER,
        "BEL (0x07) in a surname",
    ),
    value_case(
        "parquet_nul_byte",
        QUARANTINE,
        PROBATION,
        2,
        "surname",
        f"{MARKER}\x00",
        defects.CONTROL_CHARACTER,
        "NUL byte in a Parquet surname",
    ),
    value_case(
        "formula_string",
        ACCEPTED,
        MAGS,
        6,
        "address_line1",
        FORMULA,
        what="=HYPERLINK(...) in an address: text, stored verbatim, never evaluated",
    ),
    value_case(
        "sql_string",
        ACCEPTED,
        MAGS,
        7,
        "address_line1",
        SQL_LIKE,
        what="'; DROP TABLE ...;-- in an address: text, stored verbatim",
    ),
)

# Shown in docs/operations.md with the message, not run against one file:
REUSE_CASE = Case(
    "record_id_reused",
    WARNING,
    MAGS,
    "magistrates_defendants (reused_record_ids = count)",
    lambda root: None,
    what="a later release reuses record_ids for other people (surname and DOB both differ)",
)
ALL_CASES = (*CASES, REUSE_CASE)
VALUE_CASES = tuple(c for c in CASES if c.outcome == QUARANTINE)
# Planted together in one drop for the dbt run: every case that changes one value.
PLANTED_CASES = tuple(c for c in CASES if c.column)
