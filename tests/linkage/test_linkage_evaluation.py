"""Pairwise metrics against hand-computed examples and a brute-force count."""

import random
from itertools import combinations

import pandas as pd
import pytest

from linkage.evaluation import PairMetrics, evaluate


def frame(assignments: dict[tuple[str, str], str]) -> pd.DataFrame:
    return pd.DataFrame(
        [(t, r, p) for (t, r), p in assignments.items()],
        columns=["source_table", "record_id", "person_id"],
    )


TRUTH = frame(
    {("A", "a1"): "T1", ("A", "a2"): "T1", ("B", "b1"): "T1", ("A", "a3"): "T2", ("B", "b2"): "T2"}
)
PRED = frame(
    {("A", "a1"): "P1", ("A", "a2"): "P1", ("B", "b1"): "P2", ("A", "a3"): "P2", ("B", "b2"): "P2"}
)


def test_hand_computed_overall_and_per_source_pair():
    ev = evaluate(PRED, TRUTH)
    assert ev.overall == PairMetrics(2, 4, 4)
    assert ev.overall.precision == 0.5 and ev.overall.recall == 0.5
    assert ev.by_source_pair[("A", "A")] == PairMetrics(1, 1, 1)
    assert ev.by_source_pair[("A", "B")] == PairMetrics(1, 2, 3)
    bb = ev.by_source_pair[("B", "B")]
    assert bb == PairMetrics(0, 1, 0)
    assert (bb.precision, bb.recall, bb.f1) == (0.0, 1.0, 0.0)
    assert ev.records == 5
    d = ev.as_dict()
    assert d["by_source_pair"]["A|B"]["recall"] == pytest.approx(1 / 3)


def test_perfect_prediction():
    ev = evaluate(TRUTH.assign(person_id="X" + TRUTH["person_id"]), TRUTH)
    assert ev.overall == PairMetrics(4, 4, 4)
    assert ev.overall.f1 == 1.0
    assert all(m.f1 == 1.0 for m in ev.by_source_pair.values() if m.actual_positives)


def test_all_singletons():
    singletons = TRUTH.assign(person_id=[f"S{i}" for i in range(len(TRUTH))])
    ev = evaluate(singletons, TRUTH)
    assert ev.overall == PairMetrics(0, 0, 4)
    assert (ev.overall.precision, ev.overall.recall, ev.overall.f1) == (1.0, 0.0, 0.0)


def test_matches_brute_force_pair_enumeration():
    rng = random.Random(3)
    keys = [(rng.choice("ABC"), f"r{i}") for i in range(60)]
    truth = frame({k: f"T{rng.randint(0, 15)}" for k in keys})
    pred = frame({k: f"P{rng.randint(0, 12)}" for k in keys})
    ev = evaluate(pred, truth)
    t = dict(
        zip(zip(truth.source_table, truth.record_id, strict=True), truth.person_id, strict=True)
    )
    p = dict(zip(zip(pred.source_table, pred.record_id, strict=True), pred.person_id, strict=True))
    counts: dict[tuple[str, str], list[int]] = {}
    for x, y in combinations(keys, 2):
        c = counts.setdefault(tuple(sorted((x[0], y[0]))), [0, 0, 0])
        same_p, same_t = p[x] == p[y], t[x] == t[y]
        c[0] += same_p and same_t
        c[1] += same_p
        c[2] += same_t
    for pair, (tp, pp, ap) in counts.items():
        assert ev.by_source_pair[pair] == PairMetrics(tp, pp, ap)
    assert ev.overall == PairMetrics(*(sum(c[i] for c in counts.values()) for i in range(3)))


def test_records_on_one_side_only_raise_with_counts_only():
    with pytest.raises(ValueError, match="1 only in predicted, 2 only in truth") as e:
        evaluate(pd.concat([PRED.iloc[2:], frame({("C", "secret"): "P9"})]), TRUTH)
    assert "secret" not in str(e.value)


def test_duplicates_raise():
    with pytest.raises(ValueError, match="1 duplicated"):
        evaluate(pd.concat([PRED, PRED.iloc[:1]]), TRUTH)
