"""Writing a release deterministically and publishing it with one atomic step.

`releases/<R>/research` is a symbolic link to a complete, immutable folder
`releases/<R>/.research-<digest>` (digest: sha256 of its manifest). A new
release is written to a temporary folder, renamed to its digest name, and the
link is swapped with one rename(2): a reader resolving `research/` sees the
previous complete release or the new complete one, never a mix. The previous
folder is kept (a reader may be mid-way through it); older ones are removed.

Deterministic bytes: fixed row order (set by the builders), fixed Parquet
options and no schema metadata, CSV with "\n" line ends, JSON with sorted keys,
and no timestamps: republishing the same release under the same key gives the
same bytes, hence the same digest.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from xjs import atomic, faults
from xjs.atomic import sha256_of

MANIFEST = "manifest.json"
# The record that the folder passed the identifier scan before it was published: the
# manifest's sha256 it was scanned under. Written after the manifest, so not listed in it.
SCAN_RECORD = "_identifier_scan.json"
PREVIOUS_LINK = ".research-previous"  # the release published before the current one
PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "row_group_size": 1_000_000,
}


BATCH_ROWS = 100_000  # rows per batch streamed out of DuckDB (and per Pandera check)


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    with atomic.atomic_path(path) as tmp:
        pq.write_table(table, tmp, **PARQUET_OPTIONS)


def write_query(
    con, sql: str, path: Path, schema: pa.Schema, check: Callable[[pa.Table], None] | None = None
) -> int:
    """Stream a query's result into a Parquet file with bounded memory; returns its rows.

    The same bytes as write_parquet of the whole result: batches are cast to `schema` and
    gathered into row groups of exactly PARQUET_OPTIONS["row_group_size"] rows, as
    pyarrow's write_table cuts them. `check` sees every batch before it is written."""
    (kept,) = con.execute("select current_setting('preserve_insertion_order')").fetchone()
    con.execute("set preserve_insertion_order = true")  # stream in the ORDER BY's order
    try:
        return _stream(con.sql(sql).to_arrow_reader(BATCH_ROWS), path, schema, check)
    finally:
        con.execute(f"set preserve_insertion_order = {'true' if kept else 'false'}")


def _stream(reader, path: Path, schema: pa.Schema, check) -> int:
    options = dict(PARQUET_OPTIONS)
    group = options.pop("row_group_size")
    rows, pending, pending_rows = 0, [], 0
    with atomic.atomic_path(path) as tmp, pq.ParquetWriter(tmp, schema, **options) as writer:

        def flush(tables: list[pa.Table]) -> None:
            writer.write_table(pa.concat_tables(tables), row_group_size=group)

        for batch in reader:
            table = pa.Table.from_batches([batch]).cast(schema)
            if check is not None:
                check(table)
            rows += table.num_rows
            while table.num_rows:
                take = min(group - pending_rows, table.num_rows)
                pending.append(table.slice(0, take))
                pending_rows += take
                table = table.slice(take)
                if pending_rows == group:
                    flush(pending)
                    pending, pending_rows = [], 0
        if pending_rows or not rows:
            flush(pending or [schema.empty_table()])
    return rows


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    atomic.write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def write_json(data, path: Path) -> None:
    atomic.write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def write_text(text: str, path: Path) -> None:
    atomic.write_text(path, text if text.endswith("\n") else text + "\n")


def file_entries(folder: Path) -> list[dict]:
    """Every file but the manifest: path, bytes, sha256, in path order."""
    return [
        {
            "path": p.relative_to(folder).as_posix(),
            "bytes": p.stat().st_size,
            "sha256": sha256_of(p),
        }
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in (MANIFEST, SCAN_RECORD) and not atomic.is_temp(p)
    ]


def record_scan(folder: Path) -> None:
    """Record that the finished folder passed the identifier scan (call only then)."""
    write_json(
        {"manifest_sha256": sha256_of(folder / MANIFEST), "passed": True}, folder / SCAN_RECORD
    )


def scan_still_holds(folder: Path) -> bool:
    """True when the folder passed the identifier scan as it is now: its scan record names
    its manifest, and every file is byte for byte what the manifest lists, none added.
    Hashing the files costs seconds where a new scan of the drop's identifiers costs
    minutes (88 s at 1M records); anything else (a missing record, a changed or extra
    file) is False, and the caller scans again."""
    try:
        record = json.loads((folder / SCAN_RECORD).read_text(encoding="utf-8"))
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("passed") is True
        and record.get("manifest_sha256") == sha256_of(folder / MANIFEST)
        and isinstance(manifest, dict)
        and manifest.get("files") == file_entries(folder)
    )


TMP_PREFIX, LINK_PREFIX = ".research-tmp-", ".research-link-"


def clean_leftovers(release_dir: Path) -> int:
    """Remove the temporary folders and staged links of killed runs (their pid is gone)."""
    removed = 0
    if not release_dir.is_dir():
        return 0
    for p in release_dir.iterdir():
        if not p.name.startswith((TMP_PREFIX, LINK_PREFIX)):
            continue
        pid = p.name.split("-")[2]
        if pid.isdigit() and int(pid) != os.getpid() and atomic.process_alive(int(pid)):
            continue  # another live process is writing it
        if p.is_symlink() or p.is_file():
            p.unlink(missing_ok=True)
        else:
            shutil.rmtree(p, ignore_errors=True)
        removed += 1
    return removed


def temporary_folder(release_dir: Path) -> Path:
    release_dir.mkdir(parents=True, exist_ok=True)
    clean_leftovers(release_dir)
    tmp = release_dir / f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    return tmp


def publish(tmp: Path, link: Path) -> Path:
    """Rename the finished temporary folder to its digest name and swap the link to it."""
    digest = sha256_of(tmp / MANIFEST)[:16]
    final = link.parent / f".{link.name}-{digest}"
    if final.exists():  # the same release, byte for byte: keep the published copy
        shutil.rmtree(tmp)
    else:
        os.rename(tmp, final)
    previous = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():  # a plain folder from before: move it aside
        os.rename(link, link.parent / f".{link.name}-legacy-{secrets.token_hex(4)}")
    staged = link.parent / f"{LINK_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    os.symlink(final.name, staged)
    faults.kill_point("research:before_swap")
    os.replace(staged, link)  # the atomic step
    atomic.fsync_dir(link.parent)
    faults.kill_point("research:after_swap")
    if previous is not None and previous != final:  # where withdraw() goes back to
        back = link.parent / f"{LINK_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        os.symlink(previous.name, back)
        os.replace(back, link.parent / PREVIOUS_LINK)
    elif previous is None:
        (link.parent / PREVIOUS_LINK).unlink(missing_ok=True)
    keep = {final.name, previous.name if previous else None, PREVIOUS_LINK}
    for old in link.parent.glob(f".{link.name}-*"):
        in_progress = old.name.startswith((f".{link.name}-tmp-", f".{link.name}-link-"))
        if old.name not in keep and not in_progress and old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
    return final


def withdraw(link: Path) -> Path | None:
    """Take a published release back: the link returns to the release published before it
    (kept by publish), or is removed if there was none. Returns what it points to now."""
    current = link.resolve() if link.is_symlink() else None
    back = link.parent / PREVIOUS_LINK
    target = back.resolve() if back.is_symlink() else None
    if target is not None and target.is_dir() and target != current:
        staged = link.parent / f"{LINK_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        os.symlink(target.name, staged)
        os.replace(staged, link)
        back.unlink(missing_ok=True)
        atomic.fsync_dir(link.parent)
        return target
    if link.is_symlink():
        link.unlink()
        atomic.fsync_dir(link.parent)
    return None
