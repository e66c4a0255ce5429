"""The data directory layout of the data contract, defined once.

Everything lives under the data directory: $XJS_DATA_DIR, default ./data under
the repository root.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# YYYY-MM with a month 01-12, then an optional lower-case suffix: 2024-12, 2025-03-r2.
RELEASE_ID_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-[a-z0-9]+)?$")
MANIFEST_NAME = "_manifest.json"


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data directory: an explicit override, else $XJS_DATA_DIR, else ./data."""
    if override is not None:
        return Path(override).resolve()
    return Path(os.environ.get("XJS_DATA_DIR", REPO_ROOT / "data")).resolve()


def check_release_id(release_id: str) -> str:
    if not RELEASE_ID_PATTERN.fullmatch(release_id):
        raise ValueError(f"release id {release_id!r} does not match {RELEASE_ID_PATTERN.pattern}")
    return release_id


def landing_root(root: Path) -> Path:
    return root / "landing"


def landing_dir(root: Path, release_id: str) -> Path:
    return landing_root(root) / check_release_id(release_id)


def manifest_path(root: Path, release_id: str) -> Path:
    return landing_dir(root, release_id) / MANIFEST_NAME


def truth_path(root: Path, release_id: str) -> Path:
    return root / "truth" / check_release_id(release_id) / "truth.parquet"


def release_dir(root: Path, release_id: str) -> Path:
    return root / "releases" / check_release_id(release_id)


def linkage_dir(root: Path, release_id: str) -> Path:
    return release_dir(root, release_id) / "linkage"


# The files of releases/<R>/linkage/ (internal, secure) that code outside their writer
# names, named once; a file only its own module names is named there (linkage/: charts,
# dashboards, incremental state; xjs.verified: the marker). Code that works in an
# arbitrary linkage folder (linkage/, tests) joins these names; the rest calls linkage_file.
XJS_LINK_FILE = "xjs_link.parquet"
MODEL_FILE = "model.json"
METADATA_FILE = "linkage_metadata.json"
PAIRS_FILE = "pairs.parquet"
EVALUATION_FILE = "evaluation.json"
JOURNEY_EVALUATION_FILE = "journey_evaluation.json"
REPORT_FILE = "report.html"
RUN_SUMMARY_FILE = "run_summary.json"
# truth/<R>/ beside truth.parquet: the magistrates -> Crown Court links of a synthetic drop
MAGS_CROWN_TRUTH_FILE = "mags_crown_truth.parquet"


def linkage_file(root: Path, release_id: str, name: str) -> Path:
    """A file of releases/<R>/linkage/ (name: one of the *_FILE names above)."""
    return linkage_dir(root, release_id) / name


def xjs_link_path(root: Path, release_id: str) -> Path:
    return linkage_file(root, release_id, XJS_LINK_FILE)


def mags_crown_truth_path(root: Path, release_id: str) -> Path:
    return truth_path(root, release_id).with_name(MAGS_CROWN_TRUTH_FILE)


def research_dir(root: Path, release_id: str) -> Path:
    return release_dir(root, release_id) / "research"


def warehouse_path(root: Path, release_id: str) -> Path:
    """One DuckDB file per release: releases are isolated and reproducible."""
    return root / "warehouse" / f"{check_release_id(release_id)}.duckdb"


def run_log_path(root: Path, release_id: str, run_id: str) -> Path:
    """The full log of one run of a release (`xjs run`, `xjs backfill`)."""
    return root / "logs" / check_release_id(release_id) / f"run-{run_id}.log"


def previous_release_with_link(root: Path, release_id: str) -> str | None:
    """The newest earlier release whose lookup passed its blocking checks: ids carry over from it.

    A lookup counts only with its verification marker (xjs.verified): written by
    the xjs_link_contract and scored_pairs_contract checks when they pass, and
    matching the lookup's sha256. A failed or unchecked lookup never seeds.
    """
    from xjs import verified

    releases_root = root / "releases"
    if not releases_root.exists():
        return None
    earlier = sorted(
        (
            p.name
            for p in releases_root.iterdir()
            if RELEASE_ID_PATTERN.fullmatch(p.name) and p.name < release_id
        ),
        reverse=True,
    )
    for name in earlier:
        if verified.is_verified(linkage_dir(root, name)):
            return name
    return None


def secure_dir(path: Path) -> Path:
    """Create path (and parents) and make it owner-only (0700), whatever the umask.

    For the folders that hold record-level data or keys: the warehouse, each
    release's linkage/ and .secrets/. Files written into it through xjs.atomic
    are created 0600. The research release is not secured: it is meant to be shared.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o777 != 0o700:
        os.chmod(path, 0o700)
    return path


@contextlib.contextmanager
def owner_only_umask():
    """Files created meanwhile by this process (e.g. DuckDB's .wal) are 0600 from birth.

    The umask is per process: use it only around single-threaded work on a secure folder.
    """
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def secure_files(folder: Path) -> None:
    """Make the files directly in folder owner-only (0600): files another program created
    there (DuckDB creates the warehouse and its .wal 0666 & ~umask)."""
    for path in Path(folder).iterdir():
        if path.is_file() and not path.is_symlink() and path.stat().st_mode & 0o777 != 0o600:
            os.chmod(path, 0o600)


def sort_release_ids(release_ids) -> list[str]:
    """Release ids sort in time order by the contract: plain string order."""
    return sorted(check_release_id(r) for r in release_ids)
