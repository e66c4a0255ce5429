"""Reading data drops: the manifest, strict file reads and carry-forward.

Plain Python shared by ingest and the drop sensor. It implements the
file-level half of the data contract's "Defects" section: a drop whose
manifest or files are not what the contract says fails, with a DropError that
names the file and the problem. Value-level defects (a mistyped date, an empty
name, a control character) are not looked at here: staging quarantines them.

No row value ever reaches a message. Arrow's CSV errors quote the offending
row, so they are reduced to counts and column names, and no DropError carries
a cause or a context: Dagster and `traceback` print the whole chain, so a
chained Arrow error would carry the row text with it (see `_clean_chain`).

Reads stream: a CSV goes through Arrow's streaming CSV reader (the same strict
parse options as ever) straight into DuckDB, a Parquet file is checked against
the contract from its footer and read by DuckDB; the row count and the key are
checked in DuckDB, inside the transaction that loads the table, so a failing
file leaves nothing behind. No table passes through pandas or Python rows.
(DuckDB's own read_csv is not used: it skips empty lines, which the contract
counts as rows, and its UTF-8 error does not say which column.)

Decisions where the contract leaves room (docs/operations.md, "Hostile input"):
a UTF-8 byte-order mark fails the file (the contract says UTF-8, and a BOM
would make the first column `\\ufeffrecord_id`); CRLF line ends are valid CSV
and accepted, and no line-end `\\r` reaches a value; a table with a header and
no rows loads (ingest warns).
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import duckdb
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from contracts.landing import LANDING_SCHEMA, LANDING_TABLES, LandingTable
from xjs import layout
from xjs.atomic import sha256_of
from xjs.limits import duckdb_limits

CHUNK_BYTES = 1 << 20
CSV_BLOCK_BYTES = 1 << 24  # Arrow's CSV block: a row (a 1 MB field, say) must fit in one
HEADER_MAX_BYTES = 1 << 16  # a header line longer than this is not a contract header
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
# Names a message may quote: lower-case identifiers, as the contract spells its tables and
# columns. Anything else a file offers where a name belongs (a "header" that is really
# a data row) is counted, not shown.
SHOWABLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}


class DropError(Exception):
    """A drop or one of its files is not what the contract and manifest say.

    The message names the file and the problem, never a row value, and the
    exception carries no cause and no context.
    """


def _clean_chain(func):
    """Raise DropErrors from `func` with no __cause__ or __context__ attached.

    `raise ... from None` only hides the context: the exception Arrow raised
    (which quotes the row) would still hang off __context__. A bare re-raise of
    the same object does not set a new context.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DropError as err:
            err.__cause__ = None
            err.__context__ = None
            err.__suppress_context__ = True
            raise

    return wrapper


def _name(value: object) -> str:
    """A name from a file, quoted if it looks like a name, else withheld."""
    if isinstance(value, str) and SHOWABLE_NAME.fullmatch(value):
        return repr(value)
    return "(a value that is not a name, not shown)"


def _names(values) -> str:
    values = list(values)
    shown = [v for v in values if isinstance(v, str) and SHOWABLE_NAME.fullmatch(v)]
    hidden = len(values) - len(shown)
    text = "[" + ", ".join(repr(v) for v in shown) + "]"
    return f"{text} and {hidden} more that are not names" if hidden else text


@dataclass(frozen=True)
class ManifestFile:
    table: str
    path: str
    format: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    release_id: str
    created_at: str
    files: dict[str, ManifestFile]  # by table name
    drop_dir: Path

    def file_path(self, table: str) -> Path:
        return self.drop_dir / self.files[table].path


# --- the manifest ------------------------------------------------------------------------


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _reject_constant(name: str):
    raise ValueError(name)  # NaN, Infinity: not JSON


def _load_manifest_json(path: Path) -> object:
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        raise DropError(f"{path}: starts with a UTF-8 byte-order mark; the manifest is plain UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DropError(f"{path}: not UTF-8 (first bad byte at offset {err.start})") from None
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as err:
        raise DropError(
            f"{path}: not valid JSON ({err.msg} at line {err.lineno} column {err.colno})"
        ) from None
    except _DuplicateKey as err:
        raise DropError(f"{path}: an object has the key {_name(err.args[0])} twice") from None
    except ValueError:
        raise DropError(f"{path}: not valid JSON (NaN or Infinity)") from None


JSON_KINDS = {str: "string", int: "integer", list: "array"}


def _field(path: Path, obj: dict, key: str, kind: type, where: str):
    if key not in obj:
        raise DropError(f"{path}: {where} has no {key!r}")
    value = obj[key]
    if type(value) is not kind:  # exact: a bool is not an int, 632.5 is not an int
        raise DropError(f"{path}: {where}: {key!r} must be a JSON {JSON_KINDS[kind]}")
    return value


def _checked_path(path: Path, drop_dir: Path, table: str, relative: str) -> Path:
    """The file `relative` names, resolved; it must stay inside the drop folder."""
    where = f"file path for {table}"
    if not relative or "\x00" in relative:
        raise DropError(f"{path}: {where} is empty or not a path")
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise DropError(f"{path}: {where} leaves the drop folder (absolute or '..')")
    if relative == layout.MANIFEST_NAME:
        raise DropError(f"{path}: {where} is the manifest itself")
    target = (drop_dir / candidate).resolve()
    if not target.is_relative_to(drop_dir.resolve()):
        raise DropError(f"{path}: {where} leaves the drop folder (a symlink resolving outside it)")
    return target


@_clean_chain
def read_manifest(root: Path, release_id: str) -> Manifest:
    path = layout.manifest_path(root, release_id)
    if not path.is_file():
        raise DropError(f"{path}: no manifest, so the drop is not complete")
    raw = _load_manifest_json(path)
    if not isinstance(raw, dict):
        raise DropError(f"{path}: not a JSON object")
    if _field(path, raw, "release_id", str, "the manifest") != release_id:
        raise DropError(f"{path}: release_id does not match the drop folder")
    created_at = _field(path, raw, "created_at", str, "the manifest")
    entries = _field(path, raw, "files", list, "the manifest")
    files: dict[str, ManifestFile] = {}
    targets: set[Path] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"files[{number}]"
        if not isinstance(entry, dict):
            raise DropError(f"{path}: {where} is not a JSON object")
        table = _field(path, entry, "table", str, where)
        spec = LANDING_TABLES.get(table)
        if spec is None:
            raise DropError(f"{path}: {where} lists an unknown table {_name(table)}")
        where = f"{where} ({table})"
        item = ManifestFile(
            table=table,
            path=_field(path, entry, "path", str, where),
            format=_field(path, entry, "format", str, where),
            rows=_field(path, entry, "rows", int, where),
            sha256=_field(path, entry, "sha256", str, where).lower(),
        )
        if item.table in files:
            raise DropError(f"{path}: lists table {item.table} twice")
        if item.format != spec.format:
            raise DropError(
                f"{path}: table {item.table} is listed as {_name(item.format)}, "
                f"the contract says {spec.format}"
            )
        if item.rows < 0:
            raise DropError(f"{path}: {where}: 'rows' must be a non-negative JSON integer")
        if not SHA256_PATTERN.fullmatch(item.sha256):
            raise DropError(f"{path}: {where}: 'sha256' must be 64 hexadecimal digits")
        target = _checked_path(path, path.parent, item.table, item.path)
        if target in targets:
            raise DropError(f"{path}: {where}: its file is listed for another table too")
        targets.add(target)
        files[item.table] = item
    return Manifest(release_id, created_at, files, path.parent)


def unlisted_files(manifest: Manifest) -> list[str]:
    """Files in the drop folder the manifest does not list: ignored, and reported."""
    listed = {Path(f.path).parts[0] for f in manifest.files.values()} | {layout.MANIFEST_NAME}
    return sorted(p.name for p in manifest.drop_dir.iterdir() if p.name not in listed)


def releases_with_manifest(root: Path) -> list[str]:
    landing = layout.landing_root(root)
    if not landing.exists():
        return []
    return layout.sort_release_ids(
        p.name
        for p in landing.iterdir()
        if p.is_dir()
        and layout.RELEASE_ID_PATTERN.fullmatch(p.name)
        and (p / layout.MANIFEST_NAME).exists()
    )


@_clean_chain
def source_release_for(root: Path, release_id: str, table: str) -> str | None:
    """The release whose file serves `table` in `release_id`'s snapshot.

    A table absent from a drop is carried forward from the newest earlier drop
    that has it; None when no drop up to this one has it yet.
    """
    read_manifest(root, release_id)  # the drop itself must be complete
    for candidate in reversed(releases_with_manifest(root)):
        if candidate > release_id:
            continue
        if table in read_manifest(root, candidate).files:
            return candidate
    return None


# --- the files ---------------------------------------------------------------------------


@dataclass
class _Scan:
    """One pass over a file's bytes: its checksum, and what a CSV check needs."""

    sha256: str
    starts_with_bom: bool
    quotes: int  # `"` bytes: an odd count is an unterminated quoted field or a stray quote


def _scan(path: Path) -> _Scan:
    digest, quotes, first = hashlib.sha256(), 0, b""
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            if not first:
                first = chunk[:3]
            digest.update(chunk)
            quotes += chunk.count(b'"')
    return _Scan(digest.hexdigest(), first.startswith(codecs.BOM_UTF8), quotes)


def _check_file(path: Path, entry: ManifestFile) -> _Scan:
    if not path.exists():
        problem = "a broken symlink" if path.is_symlink() else "missing"
        raise DropError(f"{path}: listed in the manifest but {problem}")
    if not path.is_file():
        raise DropError(f"{path}: listed in the manifest but not a regular file")
    if path.stat().st_size == 0:
        raise DropError(f"{path}: is empty (0 bytes)")
    scan = _scan(path)
    if scan.sha256 != entry.sha256:
        raise DropError(f"{path}: sha256 does not match the manifest (changed or truncated)")
    return scan


def _header(path: Path) -> list[str]:
    with path.open("rb") as handle:
        head = handle.read(HEADER_MAX_BYTES + 1)
    line, newline, _ = head.partition(b"\n")
    if not newline and len(head) > HEADER_MAX_BYTES:
        raise DropError(f"{path}: no header line in the first {HEADER_MAX_BYTES} bytes")
    try:
        text = line.removesuffix(b"\r").decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None:
        raise DropError(f"{path}: header is not UTF-8")
    try:
        return next(csv.reader([text], delimiter=",", quotechar='"', strict=True), [])
    except csv.Error:
        pass
    raise DropError(f"{path}: header is not parseable as CSV")


def _check_header(path: Path, spec: LandingTable, columns: list[str]) -> None:
    if columns == list(spec.columns):
        return
    known = sum(c in spec.columns for c in columns)
    if len(columns) == 1:
        for char, name in OTHER_DELIMITERS.items():
            if columns[0].count(char) >= len(spec.columns) - 1:
                raise DropError(
                    f"{path}: header is separated by {name}s; the contract's CSV uses commas"
                )
    if known * 2 < len(spec.columns):
        raise DropError(
            f"{path}: the first line is not the contract's header for {spec.name} "
            f"({known} of {len(spec.columns)} column names match; is the header row missing?)"
        )
    missing = [c for c in spec.columns if c not in columns]
    extra = [c for c in columns if c not in spec.columns]
    twice = sorted({c for c in columns if columns.count(c) > 1} & set(spec.columns))
    problems = [f"missing: {_names(missing)}", f"unexpected: {_names(extra)}"]
    if twice:
        problems.append(f"twice: {_names(twice)}")
    if not missing and not extra and not twice:
        problems.append("the columns are out of order")
    raise DropError(
        f"{path}: header does not match the contract for {spec.name} ({', '.join(problems)})"
    )


def _arrow_csv_problem(message: str, spec: LandingTable) -> str:
    """What went wrong, from Arrow's message, without the row text it quotes."""
    counts = re.search(r"Expected (\d+) columns, got (\d+)", message)
    if counts:
        return (
            f"a row has {counts.group(2)} columns, the header {counts.group(1)} "
            "(a ragged row, or a delimiter or quote out of place)"
        )
    column = re.search(
        r"In CSV column #(\d+): CSV conversion error to string: invalid UTF8", message
    )
    if column:
        names = list(spec.columns)
        index = int(column.group(1))
        name = names[index] if index < len(names) else f"#{index}"
        return f"column {name} is not UTF-8"
    return "not parseable as the contract's CSV (quoting, delimiter or line ends)"


def _open_csv(path: Path, spec: LandingTable, scan: _Scan) -> pa.RecordBatchReader:
    """The CSV as a stream of Arrow batches, after the checks that need no parse."""
    if scan.starts_with_bom:
        raise DropError(
            f"{path}: starts with a UTF-8 byte-order mark (BOM); the contract's CSV is "
            "UTF-8 without one"
        )
    _check_header(path, spec, _header(path))
    if scan.quotes % 2:
        raise DropError(
            f"{path}: unbalanced quotes (an unterminated quoted field or a stray quote)"
        )
    problem = None
    try:
        reader = pcsv.open_csv(
            path,
            read_options=pcsv.ReadOptions(encoding="utf8", block_size=CSV_BLOCK_BYTES),
            parse_options=pcsv.ParseOptions(
                delimiter=",",
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,  # a quoted field may hold a line break
                ignore_empty_lines=False,  # an empty line is a row, and a wrong one
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={c: pa.string() for c in spec.columns},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
                include_columns=list(spec.columns),
                check_utf8=True,
            ),
        )
    except (pa.ArrowException, UnicodeDecodeError, ValueError) as err:
        # Arrow's message quotes the offending row: keep only what names the problem.
        problem = _arrow_csv_problem(str(err), spec)
    if problem is not None:
        raise DropError(f"{path}: {problem}")
    return reader


def _parquet_rows(path: Path, spec: LandingTable) -> int:
    """The Parquet file's footer agrees with the contract; its declared row count."""
    problem = None
    try:
        with pq.ParquetFile(path) as parquet:
            _check_parquet_schema(path, spec, parquet.schema_arrow)
            declared = parquet.metadata.num_rows
    except (pa.ArrowException, OSError, ValueError) as err:
        problem = type(err).__name__
    if problem is not None:
        raise DropError(f"{path}: not a readable Parquet file, truncated or corrupt ({problem})")
    return declared


def _check_parquet_schema(path: Path, spec: LandingTable, schema: pa.Schema) -> None:
    names = schema.names
    if names != list(spec.columns):
        missing = [c for c in spec.columns if c not in names]
        extra = [c for c in names if c not in spec.columns]
        order = "" if missing or extra else ", the columns are out of order"
        raise DropError(
            f"{path}: columns do not match the contract for {spec.name} "
            f"(missing: {_names(missing)}, unexpected: {_names(extra)}{order})"
        )
    wrong = [
        f"{name} is {schema.field(name).type}, expected {expected}"
        for name, expected in spec.columns.items()
        if schema.field(name).type != expected
    ]
    if wrong:
        raise DropError(f"{path}: column types differ from the contract: {'; '.join(wrong)}")


def _check_key(path: Path, spec: LandingTable, rows: int, present: int, distinct: int) -> None:
    """The key is present and unique: a file-level defect, checked before the load commits."""
    nulls = rows - present
    if nulls:
        raise DropError(f"{path}: {spec.key} is empty in {nulls} rows (the key must be present)")
    if distinct != rows:
        raise DropError(f"{path}: {spec.key} is not unique ({rows - distinct} rows repeat a value)")


INCOMING = "__xjs_incoming"  # the name a CSV stream is registered under while it loads


@_clean_chain
def load_table(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    release_id: str,
    table: str,
    target: str | None,
) -> int:
    """Read one landing table of one drop strictly into `target` on `con`; its row count.

    Verified against the manifest (checksum, row count), the contract (header or
    footer, types, parse) and its key (present, unique). target None: verify only,
    streaming the file through one DuckDB aggregate, keeping nothing. The load is
    one transaction: a file that fails leaves `target` as it was.
    """
    manifest = read_manifest(root, release_id)
    if table not in manifest.files:
        raise DropError(f"{manifest.drop_dir / layout.MANIFEST_NAME}: does not list {table}")
    entry = manifest.files[table]
    path = manifest.file_path(table)
    scan = _check_file(path, entry)
    spec = LANDING_TABLES[table]
    declared = None
    if spec.format == "csv":
        con.register(INCOMING, _open_csv(path, spec, scan))
        source = INCOMING
    else:
        declared = _parquet_rows(path, spec)
        source = "read_parquet('" + str(path).replace("'", "''") + "')"
    problem = None
    # The file's row order is kept (it feeds everything downstream, and a re-run must
    # write the same bytes), whatever the connection's limits say.
    keep_order = con.execute("select current_setting('preserve_insertion_order')").fetchall()
    con.execute("set preserve_insertion_order = true")
    con.execute("begin transaction")
    try:
        if target is not None:
            con.execute(f"create or replace table {target} as select * from {source}")
            source = target
        key = f'"{spec.key}"'
        rows, present, distinct = con.execute(
            f"select count(*), count({key}), count(distinct {key}) from {source}"
        ).fetchall()[0]
    except duckdb.Error as err:
        # DuckDB's text carries Arrow's, which quotes the row: keep only the problem.
        if spec.format == "csv":
            problem = _arrow_csv_problem(str(err), spec)
        else:
            problem = f"not a readable Parquet file, truncated or corrupt ({type(err).__name__})"
        con.execute("rollback")
    finally:
        if spec.format == "csv":
            con.unregister(INCOMING)
        con.execute(f"set preserve_insertion_order = {bool(keep_order[0][0])}")
    try:
        if problem is not None:
            raise DropError(f"{path}: {problem}")
        if declared is not None and rows != declared:
            raise DropError(
                f"{path}: not a readable Parquet file, truncated or corrupt (row count)"
            )
        if rows != entry.rows:
            raise DropError(f"{path}: has {rows} rows, the manifest says {entry.rows}")
        _check_key(path, spec, rows, present, distinct)
    except DropError:
        if problem is None:  # else rolled back above
            con.execute("rollback")
        raise
    con.execute("commit")
    return int(rows)


@_clean_chain
def read_table(root: Path, release_id: str, table: str) -> pa.Table:
    """One landing table of one drop, read strictly (load_table), as Arrow: for small drops.

    The pipeline loads tables with load_table into the warehouse; this is for
    tests and tools that want the rows of a small drop in hand.
    """
    con = duckdb_limits(root).connect()
    try:
        load_table(con, root, release_id, table, "read_back")
        data = con.sql("select * from read_back").to_arrow_table()
    finally:
        con.close()
    return data.cast(LANDING_TABLES[table].arrow_schema)


def empty_table(table: str) -> pa.Table:
    return LANDING_TABLES[table].arrow_schema.empty_table()


def _stamp(path: Path) -> list[int] | None:
    """What says a file is unchanged without reading it: [size, mtime_ns]; None if absent."""
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


@_clean_chain
def verify_drop(root: Path, release_id: str, verdicts: dict[str, list] | None = None) -> None:
    """Raise DropError unless the drop is complete: manifest, every file, rows, checksums.

    Every listed file is read as ingest reads it (load_table), streamed through
    DuckDB with nothing kept. verdicts (the sensor's memory): path -> [size,
    mtime_ns, manifest sha256, manifest rows, problem or None]; a file whose
    stamp and manifest entry match its verdict is not read again, and each file
    read here leaves its verdict. Every file is judged (so a waiting drop's files
    are each read once), and the first problem in manifest order is raised.
    """
    manifest = read_manifest(root, release_id)
    con = None
    first_problem = None
    try:
        for table, entry in manifest.files.items():
            path = manifest.file_path(table)
            stamp = _stamp(path)
            key = [*stamp, entry.sha256, entry.rows] if stamp else None
            known = verdicts.get(str(path)) if verdicts is not None and key else None
            if known is not None and known[:-1] == key:
                problem = known[-1]
            else:
                con = con or duckdb_limits(root).connect()
                try:
                    load_table(con, root, release_id, table, None)
                    problem = None
                except DropError as err:
                    problem = str(err)
                if verdicts is not None and key:
                    verdicts[str(path)] = [*key, problem]
            first_problem = first_problem or problem
    finally:
        if con is not None:
            con.close()
    if first_problem is not None:
        raise DropError(first_problem)


def drop_fingerprint(root: Path, release_id: str) -> str:
    """Identifies one drop: the sha256 of its manifest, which lists every file's sha256."""
    return sha256_of(layout.manifest_path(root, release_id))


# --- record ids reused across releases ---------------------------------------------------


class Identity(NamedTuple):
    """The columns that say who a record is about."""

    surname: str
    forename: str | None
    date_of_birth: str


IDENTITY_COLUMNS: dict[str, Identity] = {
    "magistrates_defendants": Identity("surname", "forename1", "date_of_birth"),
    "crown_defendants": Identity("surname", "first_name", "date_of_birth"),
    "family_parties": Identity("surname", "forenames", "date_of_birth"),
    "civil_parties": Identity("party_name", None, "date_of_birth"),
    "probation_events": Identity("surname", "forename", "date_of_birth"),
    "prison_journeys": Identity("last_name", "first_name", "birth_date"),
    "prison_aliases": Identity("last_name", "first_name", "birth_date"),
    "oasys_assessments": Identity("family_name", "forename_1", "date_of_birth"),
}

PREVIOUS_ALIAS = "previous_release"


def previous_warehouse(root: Path, release_id: str) -> tuple[str, Path] | None:
    """The newest earlier release that has a warehouse, and its path."""
    folder = layout.warehouse_path(root, release_id).parent
    if not folder.is_dir():
        return None
    earlier = [
        p.stem
        for p in folder.glob("*.duckdb")
        if layout.RELEASE_ID_PATTERN.fullmatch(p.stem) and p.stem < release_id
    ]
    if not earlier:
        return None
    release = max(earlier)
    return release, layout.warehouse_path(root, release)


def reused_record_ids_sql(table: str, schema: str = LANDING_SCHEMA) -> str:
    """Record ids of `table` that now describe a different person than in the previous release.

    A correction keeps its record_id and may fix the name or the date of birth;
    a record whose surname and date of birth both differ (trimmed, upper-cased,
    both present on both sides; a surname that was the forename counts as a
    swap, not a change) describes someone else.
    """
    spec = LANDING_TABLES[table]
    who = IDENTITY_COLUMNS[table]

    def norm(side: str, column: str) -> str:
        return f"nullif(upper(trim(cast({side}.{column} as varchar))), '')"

    conditions = [
        f"{norm('cur', who.surname)} <> {norm('prev', who.surname)}",
        f"{norm('cur', who.date_of_birth)} <> {norm('prev', who.date_of_birth)}",
    ]
    if who.forename is not None:
        swap = f"{norm('cur', who.surname)} is distinct from {norm('prev', who.forename)}"
        conditions.append(swap)
    where = "\n  and ".join(conditions)
    return (
        f"select count(*) from {schema}.{table} as cur\n"
        f"join {PREVIOUS_ALIAS}.{schema}.{table} as prev using ({spec.key})\n"
        f"where {where}"
    )


def reused_record_ids(
    con: duckdb.DuckDBPyConnection, table: str, previous: Path, schema: str = LANDING_SCHEMA
) -> int | None:
    """How many record ids of `schema.table` on `con` changed person since `previous`.

    Attaches the previous release's warehouse read-only; None when it has no
    such table. Counts only: nothing of the rows leaves DuckDB.
    """
    quoted = str(previous).replace("'", "''")
    con.execute(f"attach '{quoted}' as {PREVIOUS_ALIAS} (read_only)")
    try:
        found = con.execute(
            "select count(*) from duckdb_tables() "
            "where database_name = ? and schema_name = ? and table_name = ?",
            [PREVIOUS_ALIAS, schema, table],
        ).fetchone()[0]
        if not found:
            return None
        return int(con.execute(reused_record_ids_sql(table, schema)).fetchone()[0])
    finally:
        con.execute(f"detach {PREVIOUS_ALIAS}")


# --- the sensor --------------------------------------------------------------------------


@dataclass
class LandingScan:
    """What the drop sensor found: complete drops not yet run, and why others wait."""

    ready: list[tuple[str, str]]  # (release_id, fingerprint), in release order
    problems: dict[str, str]  # folder name -> reason (file and problem, no row values)
    # What the next scan may trust without reading (SensorMemory.as_json), bounded by
    # what is in landing/ now.
    memory: dict = field(default_factory=dict)


@dataclass
class SensorMemory:
    """Hashes and verdicts from earlier scans, so an unchanged file is never read twice.

    manifests: release -> [size, mtime_ns, sha256] of its manifest (the drop's
    fingerprint); files: path -> verify_drop's verdict. Only entries for what a
    scan looked at are kept, so it stays as small as landing/.
    """

    manifests: dict[str, list] = field(default_factory=dict)
    files: dict[str, list] = field(default_factory=dict)

    @classmethod
    def from_json(cls, doc: dict | None) -> SensorMemory:
        doc = doc or {}
        return cls(dict(doc.get("manifests", {})), dict(doc.get("files", {})))

    def as_json(self) -> dict:
        return {"manifests": self.manifests, "files": self.files}

    def fingerprint(self, root: Path, release_id: str) -> str:
        path = layout.manifest_path(root, release_id)
        stamp = _stamp(path)
        known = self.manifests.get(release_id)
        if stamp is not None and known is not None and known[:2] == stamp:
            return known[2]
        fingerprint = drop_fingerprint(root, release_id)
        if stamp is not None:
            self.manifests[release_id] = [*stamp, fingerprint]
        return fingerprint


def scan_landing(root: Path, seen: dict[str, str], memory: dict | None = None) -> LandingScan:
    """Complete, verified drops whose fingerprint is not in `seen` (release -> fingerprint).

    memory: the previous scan's LandingScan.memory; with it, a drop already seen
    and unchanged costs a stat of its manifest, and a waiting drop's unchanged
    files are not hashed or parsed again.
    """
    scan = LandingScan(ready=[], problems={})
    before = SensorMemory.from_json(memory)
    after = SensorMemory()
    landing = layout.landing_root(root)
    if not landing.exists():
        return scan
    for folder in sorted(p for p in landing.iterdir() if p.is_dir()):
        name = folder.name
        if not layout.RELEASE_ID_PATTERN.fullmatch(name):
            scan.problems[name] = f"{folder}: folder name is not a release id"
            continue
        if not layout.manifest_path(root, name).exists():
            scan.problems[name] = f"{folder}: incomplete, no {layout.MANIFEST_NAME} yet"
            continue
        fingerprint = before.fingerprint(root, name)
        if name in before.manifests:
            after.manifests[name] = before.manifests[name]
        if seen.get(name) == fingerprint:
            continue
        verdicts = {
            path: verdict for path, verdict in before.files.items() if folder in Path(path).parents
        }
        try:
            verify_drop(root, name, verdicts)
        except DropError as err:
            scan.problems[name] = str(err)
            after.files.update(verdicts)  # a waiting drop: what it is waiting on is known
        else:
            scan.ready.append((name, fingerprint))  # runs, and is seen from now on
    scan.memory = after.as_json()
    return scan
