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

import hashlib
import json
import os
import secrets
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "row_group_size": 1_000_000,
}


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **PARQUET_OPTIONS)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")


def write_json(data, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_text(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entries(folder: Path) -> list[dict]:
    """Every file but the manifest: path, bytes, sha256, in path order."""
    return [
        {
            "path": p.relative_to(folder).as_posix(),
            "bytes": p.stat().st_size,
            "sha256": sha256_of(p),
        }
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    ]


def temporary_folder(release_dir: Path) -> Path:
    release_dir.mkdir(parents=True, exist_ok=True)
    tmp = release_dir / f".research-tmp-{os.getpid()}-{secrets.token_hex(4)}"
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
    staged = link.parent / f".{link.name}-link-{secrets.token_hex(4)}"
    os.symlink(final.name, staged)
    os.replace(staged, link)  # the atomic step
    keep = {final.name, previous.name if previous else None}
    for old in link.parent.glob(f".{link.name}-*"):
        in_progress = old.name.startswith((f".{link.name}-tmp-", f".{link.name}-link-"))
        if old.name not in keep and not in_progress and old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
    return final
