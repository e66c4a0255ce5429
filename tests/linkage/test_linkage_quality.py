"""B-cubed, subgroup metrics, link rates, size bands, graph flags and the threshold curve."""

import pandas as pd
import pytest

from linkage import quality
from linkage.evaluation import age_band, bcubed, evaluate, subgroup_metrics


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


def test_age_band():
    dob = pd.Series(pd.to_datetime(["2010-01-01", "1990-06-01", None, "1950-01-01"]))
    on = pd.Series(pd.to_datetime(["2020-01-01", "2020-01-01", "2020-01-01", None]))
    assert list(age_band(dob, on)) == ["under 18", "25-34", "unknown", "unknown"]


def test_link_and_duplicate_rates():
    link = frame({("A", "a1"): "P1", ("A", "a2"): "P1", ("B", "b1"): "P1", ("A", "a3"): "P2"})
    rates = quality.link_rates(link)
    assert rates["A|A"]["a_to_b"] == pytest.approx(2 / 3)  # a1, a2 have another A record
    assert rates["A|B"] == {"a_to_b": pytest.approx(2 / 3), "b_to_a": 1.0}
    assert rates["B|B"]["a_to_b"] == 0.0


def test_size_distribution_bands():
    ids = pd.Series(["p"] * 5 + ["q"] * 2 + ["r"])
    bands = quality.size_distribution(ids)
    assert bands["1"] == 1 and bands["2"] == 1 and bands["5-9"] == 1
    assert sum(bands.values()) == 3


def test_graph_flags_find_a_bridge_in_a_chain():
    keys = [("A", f"r{i}") for i in range(6)]
    link = frame({k: "P1" for k in keys})
    uid = [f"{t}:{r}" for t, r in keys]
    # a dense triangle r0-r1-r2, joined by one edge r2-r3 to a chain r3-r4-r5
    pairs = [(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (4, 5)]
    edges = pd.DataFrame(
        {"unique_id_l": [uid[a] for a, _ in pairs], "unique_id_r": [uid[b] for _, b in pairs]}
    )
    flags = quality.graph_flags(link, edges)
    assert flags["bridge_edges"] == 3
    assert flags["persons_with_bridges_size_5_plus"] == 1
    assert flags["mean_density"] == pytest.approx(6 / 15)
    assert flags["largest_person"] == 6 and flags["oversized_persons"] == 0


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
        c["threshold"]: c for c in quality.threshold_curve(link, pairs, truth, (0.5, 0.65, 0.95))
    }
    assert curve[0.95]["precision"] == 1.0 and curve[0.95]["recall"] == pytest.approx(1 / 3)
    assert curve[0.65]["recall"] == 1.0 and curve[0.65]["precision"] == 1.0
    assert curve[0.5]["precision"] == pytest.approx(3 / 6)
    b = quality.blocking_recall(link, pairs, truth)
    # true pairs a1-a2, a2-b1, a1-b1: two scored, the third reachable through them
    assert (b["true_pairs"], b["true_pairs_scored"]) == (3, 2)
    assert b["direct_recall"] == pytest.approx(2 / 3) and b["reachable_recall"] == 1.0
