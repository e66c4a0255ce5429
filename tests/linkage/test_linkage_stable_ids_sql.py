"""The SQL stable ids (linkage/stable_ids.py) against a copy of the earlier pandas
implementation: the same ids, byte for byte, and the same counts."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from linkage import stable_ids
from linkage.stable_ids import assign_person_ids, label_ids

KEY = ["source_table", "record_id"]


# --- the pandas implementation these replaced (commit 26bf070), hash length a parameter --


def _old_hashed_id(prefix, source_table, record_id, used, hex_chars):
    counter = 0
    while True:
        text = f"{source_table}\x1f{record_id}" + (f"\x1f{counter}" if counter else "")
        candidate = prefix + hashlib.sha256(text.encode()).hexdigest()[:hex_chars]
        if candidate not in used:
            used.add(candidate)
            return candidate
        counter += 1


def _old_smallest_keys(records, cluster_col):
    ordered = records.sort_values(KEY, kind="mergesort")
    first = ordered.drop_duplicates(cluster_col, keep="first")
    return first[[cluster_col, *KEY]].reset_index(drop=True)


def old_label_ids(records, cluster_col, prefix, hex_chars=12):
    used = set()
    keys = _old_smallest_keys(records, cluster_col)
    mapping = {}
    for cluster, table, record in keys[[cluster_col, *KEY]].itertuples(index=False):
        mapping[cluster] = _old_hashed_id(prefix, table, record, used, hex_chars)
    return records[cluster_col].map(mapping)


def old_assign_person_ids(records, cluster_col, previous, hex_chars=12):
    keys = _old_smallest_keys(records, cluster_col)
    order = {c: i for i, c in enumerate(keys[cluster_col])}
    assigned = {}
    counts = {"merged": 0, "split": 0, "retired": 0}
    previous_ids = set()
    if previous is not None and len(previous):
        prev = previous[[*KEY, "person_id"]].astype({"person_id": str})
        previous_ids = set(prev["person_id"])
        shared = records[[*KEY, cluster_col]].merge(prev, on=KEY, how="inner")
        overlap = shared.groupby([cluster_col, "person_id"]).size().rename("n").reset_index()
        overlap["order"] = overlap[cluster_col].map(order)
        overlap = overlap.sort_values(
            ["n", "person_id", "order"], ascending=[False, True, True], kind="mergesort"
        )
        taken = set()
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
            assigned[cluster] = _old_hashed_id("P", table, record, used, hex_chars)
    ids = records[cluster_col].map(assigned)
    return ids, {"kept": kept, "new": len(keys) - kept, **counts}


# --- releases with every kind of change ------------------------------------------------


def releases(n_records: int, seed: int, hex_chars: int = 12):
    """Two releases' clusters over n_records records: the second re-clusters a random
    share (merges, splits), drops some records and adds new ones; the previous
    release's person ids are the old implementation's, so some of the new clusters'
    first hashes are taken by previous ids (a split's part keeping the smallest key)."""
    rng = np.random.default_rng(seed)
    tables = np.array(["civil_parties", "crown_defendants", "prison_journeys"])
    source = tables[rng.integers(0, len(tables), n_records)]
    record = np.array([f"r{i:07d}" for i in rng.permutation(n_records)])
    person = rng.integers(0, n_records // 3, n_records)
    first = pd.DataFrame({"source_table": source, "record_id": record, "cluster": person})
    first["cluster"] = first["cluster"].astype(str)
    prev_ids, _ = old_assign_person_ids(first, "cluster", None, hex_chars)
    previous = first[KEY].assign(person_id=prev_ids.to_numpy())
    second = first.copy()
    moved = rng.random(n_records) < 0.1
    second.loc[moved, "cluster"] = rng.integers(0, n_records // 3, int(moved.sum())).astype(str)
    split = rng.random(n_records) < 0.05
    second.loc[split, "cluster"] = second.loc[split, "cluster"] + "s"
    second = second[rng.random(n_records) >= 0.03]
    extra = n_records // 20
    new = pd.DataFrame(
        {
            "source_table": tables[rng.integers(0, len(tables), extra)],
            "record_id": [f"n{i:07d}" for i in range(extra)],
            "cluster": rng.integers(0, n_records // 3, extra).astype(str),
        }
    )
    return pd.concat([second, new], ignore_index=True), previous


@pytest.mark.slow
@pytest.mark.parametrize("n_records", [300_000])
def test_sql_ids_equal_the_pandas_implementation_at_scale(n_records):
    recs, previous = releases(n_records, seed=11)
    want, want_counts = old_assign_person_ids(recs, "cluster", previous)
    got, got_counts = assign_person_ids(recs, "cluster", previous)
    assert got.tolist() == want.tolist()
    assert got_counts.as_dict() == want_counts
    assert want_counts["merged"] and want_counts["split"] and want_counts["retired"]
    assert label_ids(recs, "cluster", "L").tolist() == old_label_ids(recs, "cluster", "L").tolist()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hash_collisions_resolve_as_the_sequential_definition(monkeypatch, seed):
    """With 3 hex characters (4,096 ids) first hashes collide with each other and with
    previous ids all the time: the counters must come out as hashed_id's, in key order."""
    monkeypatch.setattr(stable_ids, "HASH_HEX", 3)
    recs, previous = releases(3_000, seed=seed, hex_chars=3)
    want, want_counts = old_assign_person_ids(recs, "cluster", previous, hex_chars=3)
    got, got_counts = assign_person_ids(recs, "cluster", previous)
    assert got.tolist() == want.tolist()
    assert got_counts.as_dict() == want_counts
    # collisions did happen: some persons hold an id that is not their first hash
    smallest = recs.assign(id=want).sort_values(KEY).drop_duplicates("cluster")
    first_hash = [
        _old_hashed_id("P", t, r, set(), 3) for t, r in smallest[KEY].itertuples(index=False)
    ]
    assert (smallest["id"] != first_hash).sum() > 10
    want_labels = old_label_ids(recs, "cluster", "H", hex_chars=3)
    assert label_ids(recs, "cluster", "H").tolist() == want_labels.tolist()


def test_sql_sha256_equals_hashlib():
    recs = pd.DataFrame(
        {"source_table": ["family_parties"], "record_id": ["FÉ-0001 x"], "cluster": ["c"]}
    )
    got = label_ids(recs, "cluster", "H").iloc[0]
    assert got == stable_ids.hashed_id("H", "family_parties", "FÉ-0001 x", set())
