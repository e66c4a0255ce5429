"""Person ids that survive from one release to the next.

Each new default-threshold cluster takes the previous person_id it shares most
records with. Candidates (new cluster, old id, shared records) are taken
greedily, largest overlap first, ties broken by old id then by the cluster's
smallest record key, so an old id goes to at most one cluster (the one with the
largest overlap) and a cluster whose best old id went elsewhere may take its next
best. Clusters left over get a new id: a prefix plus 12 hex chars of a hash of
their smallest (source_table, record_id), with a counter mixed in on collision.
New ids never reuse any id of the previous release.
cluster_high / cluster_low ids are hashed the same way (prefixes H / L); they are
deterministic within a release but not carried across releases.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass

import pandas as pd

KEY = ["source_table", "record_id"]
PERSON_PREFIX, HIGH_PREFIX, LOW_PREFIX = "P", "H", "L"
ID_PATTERN = re.compile(r"^[PHL][0-9a-f]{12}$")


@dataclass(frozen=True)
class StableIdCounts:
    """How persons changed since the previous release (all zero but `new` on a first run).

    kept: persons carrying a previous person_id. new: persons given a new id.
    merged: persons holding records of >= 2 previous persons.
    split: previous persons whose records now sit in >= 2 persons.
    retired: previous person_ids not carried to any person.
    """

    kept: int = 0
    new: int = 0
    merged: int = 0
    split: int = 0
    retired: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def hashed_id(prefix: str, source_table: str, record_id: str, used: set[str]) -> str:
    """prefix + 12 hex chars from the record key; a counter is mixed in until unused."""
    counter = 0
    while True:
        text = f"{source_table}\x1f{record_id}" + (f"\x1f{counter}" if counter else "")
        candidate = prefix + hashlib.sha256(text.encode()).hexdigest()[:12]
        if candidate not in used:
            used.add(candidate)
            return candidate
        counter += 1


def _smallest_keys(records: pd.DataFrame, cluster_col: str) -> pd.DataFrame:
    """One row per cluster: its smallest (source_table, record_id), in key order."""
    ordered = records.sort_values(KEY, kind="mergesort")
    first = ordered.drop_duplicates(cluster_col, keep="first")
    return first[[cluster_col, *KEY]].reset_index(drop=True)


def label_ids(records: pd.DataFrame, cluster_col: str, prefix: str) -> pd.Series:
    """Well-formed deterministic ids for raw cluster labels, aligned to records' index."""
    used: set[str] = set()
    keys = _smallest_keys(records, cluster_col)
    mapping: dict[object, str] = {}
    for cluster, table, record in keys[[cluster_col, *KEY]].itertuples(index=False):
        mapping[cluster] = hashed_id(prefix, table, record, used)
    return records[cluster_col].map(mapping)


def check_previous(previous: pd.DataFrame) -> None:
    """The previous xjs_link must have the key and person_id, each record once."""
    missing = [c for c in [*KEY, "person_id"] if c not in previous.columns]
    if missing:
        raise ValueError(f"previous xjs_link lacks columns: {missing}")
    dupes = int(previous.duplicated(KEY).sum())
    if dupes:
        raise ValueError(f"previous xjs_link has {dupes} duplicated (source_table, record_id)")
    nulls = int(previous["person_id"].isna().sum())
    if nulls:
        raise ValueError(f"previous xjs_link has {nulls} null person_id values")


def assign_person_ids(
    records: pd.DataFrame, cluster_col: str, previous: pd.DataFrame | None
) -> tuple[pd.Series, StableIdCounts]:
    """person_id for each record (aligned to records' index) and the change counts.

    records: source_table, record_id and a raw cluster label in cluster_col.
    previous: the previous release's xjs_link (source_table, record_id, person_id) or None.
    """
    keys = _smallest_keys(records, cluster_col)
    order = {c: i for i, c in enumerate(keys[cluster_col])}  # clusters in smallest-key order
    assigned: dict[object, str] = {}
    counts = {"merged": 0, "split": 0, "retired": 0}
    previous_ids: set[str] = set()

    if previous is not None and len(previous):
        check_previous(previous)
        prev = previous[[*KEY, "person_id"]].astype({"person_id": str})
        previous_ids = set(prev["person_id"])
        shared = records[[*KEY, cluster_col]].merge(prev, on=KEY, how="inner")
        overlap = shared.groupby([cluster_col, "person_id"]).size().rename("n").reset_index()
        overlap["order"] = overlap[cluster_col].map(order)
        overlap = overlap.sort_values(
            ["n", "person_id", "order"], ascending=[False, True, True], kind="mergesort"
        )
        taken: set[str] = set()
        for cluster, old_id in overlap[[cluster_col, "person_id"]].itertuples(index=False):
            if cluster in assigned or old_id in taken:
                continue
            assigned[cluster] = old_id
            taken.add(old_id)
        counts["merged"] = int((overlap.groupby(cluster_col)["person_id"].nunique() >= 2).sum())
        counts["split"] = int((overlap.groupby("person_id")[cluster_col].nunique() >= 2).sum())
        counts["retired"] = len(previous_ids - taken)

    used = set(previous_ids)
    kept = len(assigned)
    for cluster, table, record in keys[[cluster_col, *KEY]].itertuples(index=False):
        if cluster not in assigned:
            assigned[cluster] = hashed_id(PERSON_PREFIX, table, record, used)
    person_ids = records[cluster_col].map(assigned)
    return person_ids, StableIdCounts(kept=kept, new=len(keys) - kept, **counts)
