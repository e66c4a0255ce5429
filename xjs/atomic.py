"""Atomic file writes: no partial file is ever visible at a final path.

Every output of the pipeline (the lookup, the model, the scored pairs, the
linkage metadata, evaluation, report and dashboards, the run summary and every
file of the research release) is written through this module: to a temporary
file in the same folder, flushed and fsync'ed, then renamed over the final
path with os.replace (one rename(2), atomic on POSIX), and the folder fsync'ed
so the rename survives a power cut. A reader sees the old complete file or the
new complete one, never a mix.

Temporary files are named `.<final name>.tmp-<pid>-<random>`: hidden, and never
ending in a final file's suffix, so readers that list `*.parquet` or `*.json`
never pick one up. A run killed mid-write leaves one behind; `clean_temp`
(called by the next run before it writes that folder) removes them.

File modes: a file written into an owner-only folder (no group or other bits,
see xjs.layout.secure_dir) is created 0600; elsewhere it gets the usual
0666 & ~umask, like any new file.

Ground floor: imports only xjs.faults, so linkage/, research/ and xjs/ can
all use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from xjs import faults

TEMP_MARK = ".tmp-"
CHUNK_BYTES = 1 << 20


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB blocks (manifests, markers, research files)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


def process_alive(pid: int) -> bool:
    """Whether process `pid` still runs here: a killed run's leftovers are safe to clean."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True


def temp_path(path: Path) -> Path:
    """A fresh temporary name beside path (same folder, so the rename stays on one filesystem)."""
    path = Path(path)
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def is_temp(path: Path) -> bool:
    """True for a temporary file this module writes (a leftover when no writer is running)."""
    name = Path(path).name
    return name.startswith(".") and TEMP_MARK in name


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode(folder: Path) -> int:
    """0600 in an owner-only folder, else 0666 & ~umask (what open() would give)."""
    if Path(folder).stat().st_mode & 0o077 == 0:
        return 0o600
    return 0o666 & ~_umask()


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit(tmp: Path, path: Path) -> None:
    """Make a finished temporary file final: mode, fsync, rename, fsync the folder."""
    os.chmod(tmp, file_mode(path.parent))
    _fsync_file(tmp)
    faults.kill_point(f"mid-write:{path.name}")
    os.replace(tmp, path)
    fsync_dir(path.parent)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write (by any writer: pyarrow, Splink, ...); commit on success.

    On an exception the temporary file is removed and the final path is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"the writer of {path.name} wrote nothing")
        commit(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        commit(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def dumps(data) -> str:
    """The project's JSON: sorted keys, indent 2, a final newline (deterministic bytes)."""
    return json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"


def write_json(path: Path, data) -> Path:
    return write_text(path, dumps(data))


def clean_temp(folder: Path) -> int:
    """Remove leftover temporary files (from a killed run) in folder and below; how many."""
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    removed = 0
    for p in folder.rglob(f".*{TEMP_MARK}*"):
        if p.is_file() and not p.is_symlink() and is_temp(p):
            p.unlink(missing_ok=True)
            removed += 1
    return removed
