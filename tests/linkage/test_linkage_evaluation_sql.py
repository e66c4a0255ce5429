"""The SQL evaluation against an independent brute-force reference on a few hundred records.

The reference below enumerates every pair of records in plain Python, clusters with a
union-find and averages B-cubed per record: nothing shared with linkage/evaluation.py
but the definitions. The inputs go in as Parquet files, as in the asset."""

import random
from collections import defaultdict
from itertools import combinations

import pandas as pd
import pytest

from linkage import evaluation

TABLES = ["crown_defendants", "magistrates_defendants", "prison_journeys"]


def make_data(seed: int, n: int = 300):
    rng = random.Random(seed)
    keys = [(rng.choice(TABLES), f"r{i}") for i in range(n)]
    true = {k: f"T{rng.randint(0, 70)}" for k in keys}
    pred = {k: (f"P{true[k]}" if rng.random() < 0.8 else f"X{rng.randint(0, 90)}") for k in keys}
    high = {k: (p if rng.random() < 0.7 else f"H{k[1]}") for k, p in pred.items()}
    low = {k: (f"L{true[k]}" if rng.random() < 0.9 else p) for k, p in pred.items()}
    uid = {k: f"{k[0]}:{k[1]}" for k in keys}
    pairs = {}
    for a, b in combinations(keys, 2):
        same = true[a] == true[b]
        if rng.random() < (0.85 if same else 0.02):
            prob = rng.uniform(0.6, 1.0) if same else rng.uniform(0.0, 0.995)
            pairs[(uid[a], uid[b])] = prob
    link = pd.DataFrame(
        [(k[0], k[1], pred[k], high[k], low[k]) for k in keys],
        columns=["source_table", "record_id", "person_id", "cluster_high", "cluster_low"],
    )
    truth = pd.DataFrame(
        [(k[0], k[1], true[k]) for k in keys], columns=["source_table", "record_id", "person_id"]
    )
    scored = pd.DataFrame(
        [(a, b, p) for (a, b), p in pairs.items()],
        columns=["unique_id_l", "unique_id_r", "match_probability"],
    )
    groups = pd.DataFrame(
        {
            "source_table": [k[0] for k in keys],
            "record_id": [k[1] for k in keys],
            "sex": [rng.choice(["M", "F", None]) for _ in keys],
            "age_band": [rng.choice(["18-20", "30-39", None]) for _ in keys],
        }
    )
    return keys, true, pred, link, truth, scored, groups


# --- the reference ---------------------------------------------------------------------------


def ref_pairwise(keys, pred, true):
    """{(table_a, table_b): [tp, pp, ap]} and the overall [tp, pp, ap], by enumeration."""
    by_pair = defaultdict(lambda: [0, 0, 0])
    for a, b in combinations(keys, 2):
        c = by_pair[tuple(sorted((a[0], b[0])))]
        sp, st = pred[a] == pred[b], true[a] == true[b]
        c[0] += sp and st
        c[1] += sp
        c[2] += st
    overall = [sum(c[i] for c in by_pair.values()) for i in range(3)]
    return by_pair, overall


def ref_per_record(keys, pred, true):
    """Per record: (same pred and true, same pred, same true), itself included."""
    out = {}
    for i in keys:
        cell = sum(1 for j in keys if pred[j] == pred[i] and true[j] == true[i])
        out[i] = (
            cell,
            sum(1 for j in keys if pred[j] == pred[i]),
            sum(1 for j in keys if true[j] == true[i]),
        )
    return out


def ref_bcubed(keys, pred, true):
    sizes = ref_per_record(keys, pred, true)
    p = sum(c / n for c, n, _ in sizes.values()) / len(keys)
    r = sum(c / n for c, _, n in sizes.values()) / len(keys)
    return p, r


def ref_components(keys, edges):
    parent = {k: k for k in keys}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    return {k: find(k) for k in keys}


def ref_prf(tp, pp, ap):
    p = tp / pp if pp else 1.0
    r = tp / ap if ap else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@pytest.fixture(scope="module", params=[11, 29])
def data(request, tmp_path_factory):
    keys, true, pred, link, truth, scored, groups = make_data(request.param)
    d = tmp_path_factory.mktemp(f"eval{request.param}")
    paths = {}
    for name, frame in (("link", link), ("truth", truth), ("pairs", scored)):
        paths[name] = d / f"{name}.parquet"
        frame.to_parquet(paths[name], index=False)
    return keys, true, pred, link, truth, scored, groups, paths


def test_pairwise_and_bcubed_match_the_reference(data):
    keys, true, pred, _, _, _, _, paths = data
    ev = evaluation.evaluate(
        f"(select source_table, record_id, person_id from read_parquet('{paths['link']}'))",
        paths["truth"],
    )
    by_pair, overall = ref_pairwise(keys, pred, true)
    assert ev.records == len(keys)
    assert [
        ev.overall.true_positives,
        ev.overall.predicted_positives,
        ev.overall.actual_positives,
    ] == overall
    assert set(ev.by_source_pair) == {(a, b) for a in TABLES for b in TABLES if a <= b}
    for pair, m in ev.by_source_pair.items():
        assert [m.true_positives, m.predicted_positives, m.actual_positives] == by_pair[pair]
    b3 = evaluation.bcubed(
        f"(select source_table, record_id, person_id from read_parquet('{paths['link']}'))",
        paths["truth"],
    )
    assert (b3.precision, b3.recall) == pytest.approx(ref_bcubed(keys, pred, true), rel=1e-12)
    assert b3.records == len(keys)


def test_subgroups_match_the_reference(data):
    keys, true, pred, link, truth, _, groups, _ = data
    out = evaluation.subgroup_metrics(
        link[["source_table", "record_id", "person_id"]], truth, groups
    )
    sizes = ref_per_record(keys, pred, true)
    for col in ("sex", "age_band"):
        value_of = {
            (s, r): ("unknown" if v is None else v)
            for s, r, v in zip(groups.source_table, groups.record_id, groups[col], strict=True)
        }
        assert list(out[col]) == sorted(set(value_of.values()))
        for value, m in out[col].items():
            members = [k for k in keys if value_of[k] == value]
            assert m["records"] == len(members)
            tp, pp, ap = (sum(sizes[k][i] - 1 for k in members) for i in range(3))
            assert (m["pairwise"]["true_positives"], m["pairwise"]["predicted_positives"]) == (
                tp,
                pp,
            )
            assert m["pairwise"]["actual_positives"] == ap
            bp = sum(sizes[k][0] / sizes[k][1] for k in members) / len(members)
            br = sum(sizes[k][0] / sizes[k][2] for k in members) / len(members)
            assert (m["bcubed"]["precision"], m["bcubed"]["recall"]) == pytest.approx(
                (bp, br), rel=1e-12
            )


def test_threshold_curve_and_blocking_recall_match_the_reference(data):
    keys, true, _, _, _, scored, _, paths = data
    uid = {f"{k[0]}:{k[1]}": k for k in keys}
    thresholds = (0.5, 0.9, 0.99)
    curve = evaluation.threshold_curve(paths["link"], paths["pairs"], paths["truth"], thresholds)
    assert [c["threshold"] for c in curve] == list(thresholds)
    for c in curve:
        edges = [
            (uid[a], uid[b]) for a, b, p in scored.itertuples(index=False) if p >= c["threshold"]
        ]
        clusters = ref_components(keys, edges)
        _, (tp, pp, ap) = ref_pairwise(keys, clusters, true)
        p, r, f1 = ref_prf(tp, pp, ap)
        assert (c["precision"], c["recall"], c["f1"]) == pytest.approx((p, r, f1), rel=1e-12)
        bp, br = ref_bcubed(keys, clusters, true)
        assert (c["bcubed_precision"], c["bcubed_recall"]) == pytest.approx((bp, br), rel=1e-12)
    # the curve is not flat on these data: the thresholds matter
    assert curve[0]["precision"] < curve[-1]["precision"]

    b = evaluation.blocking_recall(paths["link"], paths["pairs"], paths["truth"])
    true_scored = [
        (uid[a], uid[b])
        for a, b, _ in scored.itertuples(index=False)
        if true[uid[a]] == true[uid[b]]
    ]
    _, (_, _, actual) = ref_pairwise(keys, true, true)
    reach = ref_components(keys, true_scored)
    _, (tp, _, ap) = ref_pairwise(keys, reach, true)
    assert b["comparisons"] == len(scored)
    assert (b["true_pairs"], b["true_pairs_scored"]) == (actual, len(true_scored))
    assert b["direct_recall"] == pytest.approx(len(true_scored) / actual, rel=1e-12)
    assert b["reachable_recall"] == pytest.approx(tp / ap, rel=1e-12)
    assert b["direct_recall"] < b["reachable_recall"] <= 1.0


def test_full_evaluation_from_parquet_files(data, tmp_path):
    keys, true, pred, link, _, _, groups, paths = data
    out = evaluation.full_evaluation(
        paths["link"],
        paths["pairs"],
        paths["truth"],
        groups,
        {"high": 0.99, "default": 0.9, "low": 0.5},
        root=tmp_path,
    )
    assert out["records"] == len(keys)
    for name, col in (("high", "cluster_high"), ("default", "person_id"), ("low", "cluster_low")):
        assigned = dict(
            zip(zip(link.source_table, link.record_id, strict=True), link[col], strict=True)
        )
        _, (tp, pp, ap) = ref_pairwise(keys, assigned, true)
        pw = out["at_thresholds"][name]["pairwise"]
        assert (pw["true_positives"], pw["predicted_positives"], pw["actual_positives"]) == (
            tp,
            pp,
            ap,
        )
        bp, br = ref_bcubed(keys, assigned, true)
        b3 = out["at_thresholds"][name]["bcubed"]
        assert (b3["precision"], b3["recall"]) == pytest.approx((bp, br), rel=1e-12)
    by_pair, _ = ref_pairwise(keys, pred, true)
    for k, m in out["by_source_pair"].items():
        assert [m["true_positives"], m["predicted_positives"], m["actual_positives"]] == by_pair[
            tuple(k.split("|"))
        ]
    assert set(out["subgroups"]) == {"sex", "age_band"}
    assert len(out["curve"]) == len(evaluation.THRESHOLD_GRID)
    assert (tmp_path / "tmp" / "duckdb").is_dir()  # the configured spill directory
