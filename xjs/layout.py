"""The data directory layout of the data contract, defined once.

Everything lives under the data directory: $XJS_DATA_DIR, default ./data under
the repository root.
"""

from __future__ import annotations

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


def xjs_link_path(root: Path, release_id: str) -> Path:
    return linkage_dir(root, release_id) / "xjs_link.parquet"


def research_dir(root: Path, release_id: str) -> Path:
    return release_dir(root, release_id) / "research"


def warehouse_path(root: Path, release_id: str) -> Path:
    """One DuckDB file per release: releases are isolated and reproducible."""
    return root / "warehouse" / f"{check_release_id(release_id)}.duckdb"


def run_log_path(root: Path, release_id: str, run_id: str) -> Path:
    """The full log of one run of a release (`xjs run`, `xjs backfill`)."""
    return root / "logs" / check_release_id(release_id) / f"run-{run_id}.log"


def quarantine_dir(root: Path, release_id: str) -> Path:
    return release_dir(root, release_id) / "quarantine"


def previous_release_with_link(root: Path, release_id: str) -> str | None:
    """The newest earlier release that has a lookup: person ids carry over from it."""
    releases_root = root / "releases"
    if not releases_root.exists():
        return None
    earlier = [
        p.name
        for p in releases_root.iterdir()
        if RELEASE_ID_PATTERN.fullmatch(p.name)
        and p.name < release_id
        and xjs_link_path(root, p.name).exists()
    ]
    return max(earlier) if earlier else None


def sort_release_ids(release_ids) -> list[str]:
    """Release ids sort in time order by the contract: plain string order."""
    return sorted(check_release_id(r) for r in release_ids)
