"""Reading data drops: the manifest, strict file reads and carry-forward.

Plain Python shared by ingest and the drop sensor. Every error names the file
and the problem, never a row value.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from contracts.landing import LANDING_TABLES, LandingTable
from xjs import layout


class DropError(Exception):
    """A drop or one of its files is not what the contract and manifest say."""


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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(root: Path, release_id: str) -> Manifest:
    path = layout.manifest_path(root, release_id)
    if not path.exists():
        raise DropError(f"{path}: no manifest, so the drop is not complete")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw["release_id"] != release_id:
            raise DropError(f"{path}: release_id does not match the drop folder")
        files: dict[str, ManifestFile] = {}
        for entry in raw["files"]:
            item = ManifestFile(
                table=str(entry["table"]),
                path=str(entry["path"]),
                format=str(entry["format"]),
                rows=int(entry["rows"]),
                sha256=str(entry["sha256"]).lower(),
            )
            spec = LANDING_TABLES.get(item.table)
            if spec is None:
                raise DropError(f"{path}: lists an unknown table {item.table!r}")
            if item.format != spec.format:
                raise DropError(
                    f"{path}: table {item.table} is listed as {item.format}, "
                    f"the contract says {spec.format}"
                )
            if item.table in files:
                raise DropError(f"{path}: lists table {item.table} twice")
            if Path(item.path).is_absolute() or ".." in Path(item.path).parts:
                raise DropError(f"{path}: file path for {item.table} leaves the drop folder")
            files[item.table] = item
        return Manifest(release_id, str(raw["created_at"]), files, path.parent)
    except (KeyError, TypeError, ValueError) as err:
        raise DropError(f"{path}: malformed manifest ({type(err).__name__}: {err})") from err


def unlisted_files(manifest: Manifest) -> list[str]:
    """Files in the drop folder the manifest does not list: ignored, and reported."""
    listed = {f.path for f in manifest.files.values()} | {layout.MANIFEST_NAME}
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


def _check_checksum(path: Path, entry: ManifestFile) -> None:
    if not path.exists():
        raise DropError(f"{path}: listed in the manifest but missing")
    actual = sha256_of(path)
    if actual != entry.sha256:
        raise DropError(f"{path}: sha256 does not match the manifest")


def _read_csv(path: Path, spec: LandingTable) -> pa.Table:
    try:
        with path.open("r", encoding="utf-8", newline="") as handle:
            columns = next(csv.reader(handle), [])
    except UnicodeDecodeError as err:
        raise DropError(f"{path}: header is not UTF-8") from err
    if columns != list(spec.columns):
        missing = [c for c in spec.columns if c not in columns]
        extra = [c for c in columns if c not in spec.columns]
        raise DropError(
            f"{path}: header does not match the contract for {spec.name} "
            f"(missing: {missing}, unexpected: {extra}, order must match)"
        )
    try:
        return pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(encoding="utf8"),
            parse_options=pcsv.ParseOptions(delimiter=",", quote_char='"'),
            convert_options=pcsv.ConvertOptions(
                column_types={c: pa.string() for c in spec.columns},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
                include_columns=list(spec.columns),
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as err:
        # Arrow's message quotes the offending row: keep only the column counts.
        counts = re.search(r"Expected \d+ columns, got \d+", str(err))
        kind = counts.group(0) if counts else type(err).__name__
        raise DropError(f"{path}: not valid UTF-8 CSV per the contract ({kind})") from err


def _read_parquet(path: Path, spec: LandingTable) -> pa.Table:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as err:
        raise DropError(f"{path}: not a readable Parquet file ({type(err).__name__})") from err
    actual = {f.name: f.type for f in table.schema}
    if list(actual) != list(spec.columns):
        missing = [c for c in spec.columns if c not in actual]
        extra = [c for c in actual if c not in spec.columns]
        raise DropError(
            f"{path}: columns do not match the contract for {spec.name} "
            f"(missing: {missing}, unexpected: {extra}, order must match)"
        )
    wrong = [
        f"{name} is {actual[name]}, expected {expected}"
        for name, expected in spec.columns.items()
        if actual[name] != expected
    ]
    if wrong:
        raise DropError(f"{path}: column types differ from the contract: {'; '.join(wrong)}")
    return table.replace_schema_metadata(None)


def read_table(root: Path, release_id: str, table: str) -> pa.Table:
    """Read one landing table of one drop strictly, verified against its manifest."""
    manifest = read_manifest(root, release_id)
    if table not in manifest.files:
        raise DropError(f"{manifest.drop_dir / layout.MANIFEST_NAME}: does not list {table}")
    entry = manifest.files[table]
    path = manifest.file_path(table)
    _check_checksum(path, entry)
    spec = LANDING_TABLES[table]
    data = _read_csv(path, spec) if spec.format == "csv" else _read_parquet(path, spec)
    if data.num_rows != entry.rows:
        raise DropError(f"{path}: has {data.num_rows} rows, the manifest says {entry.rows}")
    return data


def empty_table(table: str) -> pa.Table:
    return LANDING_TABLES[table].arrow_schema.empty_table()


def verify_drop(root: Path, release_id: str) -> None:
    """Raise DropError unless the drop is complete: manifest, every file, rows, checksums."""
    manifest = read_manifest(root, release_id)
    for table in manifest.files:
        read_table(root, release_id, table)


def drop_fingerprint(root: Path, release_id: str) -> str:
    """Identifies one drop: the sha256 of its manifest, which lists every file's sha256."""
    return sha256_of(layout.manifest_path(root, release_id))


@dataclass
class LandingScan:
    """What the drop sensor found: complete drops not yet run, and why others wait."""

    ready: list[tuple[str, str]]  # (release_id, fingerprint), in release order
    problems: dict[str, str]  # folder name -> reason (file and problem, no row values)


def scan_landing(root: Path, seen: dict[str, str]) -> LandingScan:
    """Complete, verified drops whose fingerprint is not in `seen` (release -> fingerprint)."""
    scan = LandingScan(ready=[], problems={})
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
        fingerprint = drop_fingerprint(root, name)
        if seen.get(name) == fingerprint:
            continue
        try:
            verify_drop(root, name)
        except DropError as err:
            scan.problems[name] = str(err)
            continue
        scan.ready.append((name, fingerprint))
    return scan
