"""Proof that a lookup passed its blocking checks: releases/<R>/linkage/_verified.json.

Only a verified lookup seeds the next release's person ids
(xjs.layout.previous_release_with_link). The marker holds the sha256 of the
xjs_link.parquet the checks read and, per required check, whether it passed.
Each check records its own outcome (`record`); a lookup rewritten afterwards
no longer matches the sha256, so an old marker never vouches for a new file.
Written atomically (xjs.atomic). Counts and check names only.
"""

from __future__ import annotations

import json
from pathlib import Path

from xjs import atomic, faults, layout
from xjs.atomic import sha256_of

MARKER_FILE = "_verified.json"
XJS_LINK_CHECK = "xjs_link_contract"
SCORED_PAIRS_CHECK = "scored_pairs_contract"
REQUIRED_CHECKS = (XJS_LINK_CHECK, SCORED_PAIRS_CHECK)


def read_marker(linkage_dir: Path) -> dict | None:
    """The marker, or None if absent or unreadable (never trusted when in doubt)."""
    try:
        data = json.loads((Path(linkage_dir) / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("checks"), dict):
        return None
    return data


def record(linkage_dir: Path, check: str, passed: bool, link_sha256: str) -> None:
    """Record one check's outcome for the lookup with this sha256 (the one the check read).

    A marker for another sha256 is replaced, so outcomes never mix across files.
    """
    if check not in REQUIRED_CHECKS:
        raise ValueError(f"unknown check {check!r}; expected one of {REQUIRED_CHECKS}")
    linkage_dir = Path(linkage_dir)
    marker = read_marker(linkage_dir)
    if marker is None or marker.get("xjs_link_sha256") != link_sha256:
        marker = {"xjs_link_sha256": link_sha256, "checks": {}}
    marker["checks"][check] = bool(passed)
    faults.kill_point("marker:before_write")
    atomic.write_json(linkage_dir / MARKER_FILE, marker)
    faults.kill_point("marker:after_write")


def is_verified(linkage_dir: Path) -> bool:
    """True if every required check passed on exactly the lookup now in linkage_dir."""
    linkage_dir = Path(linkage_dir)
    link = linkage_dir / layout.XJS_LINK_FILE
    marker = read_marker(linkage_dir)
    if marker is None or not link.is_file():
        return False
    if not all(marker["checks"].get(c) is True for c in REQUIRED_CHECKS):
        return False
    return marker.get("xjs_link_sha256") == sha256_of(link)
