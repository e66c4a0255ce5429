"""Evaluation against truth: pairwise metrics (hand-computed and brute force), B-cubed,
subgroups, the threshold curve and blocking recall. That the linkage path cannot import
any of it is tests/test_import_rules.py's."""

import random
from itertools import combinations

import pandas as pd
import pytest

from linkage import evaluation
from linkage.evaluation import PairMetrics, bcubed, evaluate, subgroup_metrics


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


def test_bcubed_hand_computed():
    # per record (cell/pred, cell/true): a1,a2 (2/2, 2/3); b1 (1/3, 1/3); a3,b2 (2/3, 2/2)
    b3 = bcubed(PRED, TRUTH)
    assert b3.precision == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert b3.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
    assert b3.records == 5
    perfect = bcubed(TRUTH, TRUTH)
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)


def test_subgroups_sum_to_twice_the_overall_pairs():
    groups = pd.DataFrame(
        {
            "source_table": TRUTH.source_table,
            "record_id": TRUTH.record_id,
            "sex": ["M", "M", None, "F", "F"],
        }
    )
    out = subgroup_metrics(PRED, TRUTH, groups)["sex"]
    assert set(out) == {"M", "F", "unknown"}
    assert sum(v["records"] for v in out.values()) == 5
    overall = evaluate(PRED, TRUTH).overall
    for field in ("true_positives", "predicted_positives", "actual_positives"):
        assert sum(v["pairwise"][field] for v in out.values()) == 2 * getattr(overall, field)
    # a1, a2 (M): true person of 3 records, predicted together only with each other
    assert out["M"]["pairwise"]["recall"] == pytest.approx(2 / 4)
    assert out["F"]["pairwise"]["precision"] == pytest.approx(2 / 4)


def test_threshold_curve_and_blocking_recall():
    truth = frame({("A", "a1"): "T1", ("A", "a2"): "T1", ("B", "b1"): "T1", ("B", "b2"): "T2"})
    link = truth.assign(person_id="x")
    pairs = pd.DataFrame(
        {
            "unique_id_l": ["A:a1", "A:a2", "A:a1"],
            "unique_id_r": ["A:a2", "B:b1", "B:b2"],
            "match_probability": [0.99, 0.7, 0.6],
        }
    )
    curve = {
        c["threshold"]: c for c in evaluation.threshold_curve(link, pairs, truth, (0.5, 0.65, 0.95))
    }
    assert curve[0.95]["precision"] == 1.0 and curve[0.95]["recall"] == pytest.approx(1 / 3)
    assert curve[0.65]["recall"] == 1.0 and curve[0.65]["precision"] == 1.0
    assert curve[0.5]["precision"] == pytest.approx(3 / 6)
    b = evaluation.blocking_recall(link, pairs, truth)
    # true pairs a1-a2, a2-b1, a1-b1: two scored, the third reachable through them
    assert (b["true_pairs"], b["true_pairs_scored"]) == (3, 2)
    assert b["direct_recall"] == pytest.approx(2 / 3) and b["reachable_recall"] == 1.0
