"""Person ids carried across releases: kept, new, merged, split, deterministic."""

import pandas as pd
import pytest

from linkage.stable_ids import ID_PATTERN, assign_person_ids, hashed_id, label_ids


def clusters(groups: dict[str, list[str]]) -> pd.DataFrame:
    rows = [("t", r, c) for c, rs in groups.items() for r in rs]
    return pd.DataFrame(rows, columns=["source_table", "record_id", "cluster"])


def previous(groups: dict[str, list[str]]) -> pd.DataFrame:
    return clusters(groups).rename(columns={"cluster": "person_id"})


def by_cluster(records: pd.DataFrame, ids: pd.Series) -> dict[str, str]:
    return dict(zip(records["cluster"], ids, strict=True))


def test_first_release_all_new_well_formed_and_deterministic():
    recs = clusters({"x": ["r1", "r2"], "y": ["r3"], "z": ["r4", "r5", "r6"]})
    ids, counts = assign_person_ids(recs, "cluster", None)
    assert counts.as_dict() == {"kept": 0, "new": 3, "merged": 0, "split": 0, "retired": 0}
    assert ids.map(lambda i: bool(ID_PATTERN.match(i)) and i.startswith("P")).all()
    assert ids.nunique() == 3
    shuffled = recs.sample(frac=1, random_state=1).assign(cluster=lambda d: d.cluster + "_")
    again, _ = assign_person_ids(shuffled, "cluster", None)
    assert dict(zip(shuffled.record_id, again, strict=True)) == dict(
        zip(recs.record_id, ids, strict=True)
    )


def test_unchanged_persons_keep_their_ids():
    prev = previous({"P1": ["r1", "r2"], "P2": ["r3"]})
    recs = clusters({"a": ["r1", "r2"], "b": ["r3"]})
    ids, counts = assign_person_ids(recs, "cluster", prev)
    assert by_cluster(recs, ids) == {"a": "P1", "b": "P2"}
    assert (counts.kept, counts.new, counts.merged, counts.split) == (2, 0, 0, 0)


def test_merge_takes_the_larger_overlap_and_retires_the_other():
    prev = previous({"PB": ["r1", "r2"], "PA": ["r3"]})
    recs = clusters({"m": ["r1", "r2", "r3"]})
    ids, counts = assign_person_ids(recs, "cluster", prev)
    assert set(ids) == {"PB"}
    assert counts.as_dict() == {"kept": 1, "new": 0, "merged": 1, "split": 0, "retired": 1}


def test_split_gives_old_id_to_the_largest_part_only():
    prev = previous({"P1": ["r1", "r2", "r3", "r4", "r5"]})
    recs = clusters({"small": ["r1", "r2"], "big": ["r3", "r4", "r5"]})
    ids, counts = assign_person_ids(recs, "cluster", prev)
    got = by_cluster(recs, ids)
    assert got["big"] == "P1" and got["small"] != "P1" and ID_PATTERN.match(got["small"])
    assert counts.as_dict() == {"kept": 1, "new": 1, "merged": 0, "split": 1, "retired": 0}


def test_ties_broken_by_old_id_and_next_best_taken():
    prev = previous({"P2": ["r2"], "P1": ["r1"], "P9": ["r8", "r9"]})
    recs = clusters({"x": ["r1", "r2"], "y": ["r9"], "z": ["r8"]})
    ids, counts = assign_person_ids(recs, "cluster", prev)
    got = by_cluster(recs, ids)
    assert got["x"] == "P1"  # x ties between P1 and P2: the smaller old id
    assert got["z"] == "P9"  # y and z tie for P9: the cluster with the smaller key (r8)
    assert got["y"] not in {"P1", "P2", "P9"} and ID_PATTERN.match(got["y"])
    assert counts.merged == 1 and counts.split == 1 and counts.retired == 1


def test_new_records_get_new_ids_never_reusing_previous_ids():
    taken = hashed_id("P", "t", "r7", set())
    prev = previous({taken: ["r1"]})
    recs = clusters({"old": ["r1"], "fresh": ["r7"]})
    ids, counts = assign_person_ids(recs, "cluster", prev)
    got = by_cluster(recs, ids)
    assert got["old"] == taken
    assert got["fresh"] != taken and ID_PATTERN.match(got["fresh"])
    assert (counts.kept, counts.new) == (1, 1)


def test_hash_collisions_take_a_counter():
    used: set[str] = set()
    first = hashed_id("H", "t", "r1", used)
    second = hashed_id("H", "t", "r1", used)
    assert first != second and ID_PATTERN.match(second) and used == {first, second}


def test_label_ids_for_high_and_low_clusters():
    recs = clusters({"1": ["r1", "r2"], "2": ["r3"]})
    ids = label_ids(recs, "cluster", "L")
    assert ids.str.match(ID_PATTERN.pattern).all() and ids.str.startswith("L").all()
    assert ids.nunique() == 2 and ids.iloc[0] == ids.iloc[1]


def test_bad_previous_rejected_without_values():
    prev = previous({"P1": ["r1", "r1"]})
    with pytest.raises(ValueError, match="1 duplicated"):
        assign_person_ids(clusters({"a": ["r1"]}), "cluster", prev)


def test_kept_new_merged_and_split_together():
    """One release step with every kind of change, counted once each."""
    prev = previous(
        {
            "PK": ["k1", "k2"],  # kept as is
            "PM1": ["m1", "m2", "m3"],  # merged with PM2: the larger keeps its id
            "PM2": ["m4"],
            "PS": ["s1", "s2", "s3", "s4"],  # split 3 + 1
            "PGONE": ["g1"],  # its record left the release
        }
    )
    recs = clusters(
        {
            "k": ["k1", "k2", "k3"],  # kept, with a new record
            "m": ["m1", "m2", "m3", "m4"],
            "s_big": ["s1", "s2", "s3"],
            "s_small": ["s4"],
            "fresh": ["n1", "n2"],  # a new person
        }
    )
    ids, counts = assign_person_ids(recs, "cluster", prev)
    got = by_cluster(recs, ids)
    assert got["k"] == "PK" and got["m"] == "PM1" and got["s_big"] == "PS"
    new = {got["s_small"], got["fresh"]}
    assert len(new) == 2 and not new & set(prev["person_id"])
    assert all(ID_PATTERN.match(i) for i in new)
    assert counts.as_dict() == {"kept": 3, "new": 2, "merged": 1, "split": 1, "retired": 2}


def test_carry_over_is_independent_of_row_order():
    prev = previous({"PA": ["a1", "a2"], "PB": ["b1"]})
    recs = clusters({"x": ["a1", "a2", "b1"], "y": ["c1"]})
    ids, counts = assign_person_ids(recs, "cluster", prev)
    shuffled = recs.iloc[::-1].reset_index(drop=True)
    again, counts2 = assign_person_ids(shuffled, "cluster", prev.iloc[::-1])
    assert dict(zip(recs.record_id, ids, strict=True)) == dict(
        zip(shuffled.record_id, again, strict=True)
    )
    assert counts == counts2
