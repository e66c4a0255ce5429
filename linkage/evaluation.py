"""Evaluation of a release's linkage against ground truth (synthetic drops only).

Pairwise and B-cubed precision, recall and F1 of predicted persons, overall,
per pair of sources and per subgroup; precision and recall over a grid of
thresholds (Splink's clustering at multiple thresholds over the scored pairs);
blocking recall; full_evaluation gathers them for evaluation.json. It reads the
lookup, the scored pairs and truth, hangs off the lookup and never feeds back:
nothing on the linkage path (linkage/pipeline.py and what it imports) imports
this module (tests/linkage/test_linkage_evaluation.py walks the imports).
Counts and rates only; no row values.

Pairwise metrics are exact and O(records): a pair of records is a true
positive when both sit in the same predicted and the same true person, so every
count comes from cluster sizes. With n(p, t) the records in predicted person p and true person t,
    TP = sum C(n(p,t), 2),  predicted positives = sum C(n(p), 2),
    actual positives = sum C(n(t), 2).
Per pair of source tables (A, B), A != B, the pairs are those with one record in
each: sums of n_A * n_B over the same cells; for A == A, C(n_A, 2).
Precision and recall are 1.0 when their denominator is 0 (nothing predicted,
nothing to find): no false links made, no true links missed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import combinations_with_replacement

import pandas as pd
from splink import DuckDBAPI
from splink.internals.clustering import cluster_pairwise_predictions_at_multiple_thresholds

KEY = ["source_table", "record_id"]
THRESHOLD_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)


@dataclass(frozen=True)
class PairMetrics:
    true_positives: int
    predicted_positives: int
    actual_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_positives if self.predicted_positives else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.actual_positives if self.actual_positives else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class Evaluation:
    overall: PairMetrics
    by_source_pair: dict[tuple[str, str], PairMetrics]
    records: int

    def as_dict(self) -> dict:
        """Plain numbers; source pairs keyed 'table_a|table_b' (sorted)."""
        return {
            "records": self.records,
            "overall": self.overall.as_dict(),
            "by_source_pair": {
                f"{a}|{b}": m.as_dict() for (a, b), m in self.by_source_pair.items()
            },
        }


def _pairs(n: pd.Series) -> int:
    return int((n * (n - 1) // 2).sum())


def _cross(a: pd.Series, b: pd.Series) -> int:
    both = pd.concat([a, b], axis=1, join="inner").fillna(0)
    return int((both.iloc[:, 0] * both.iloc[:, 1]).sum())


def _check(predicted: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    for name, df in (("predicted", predicted), ("truth", truth)):
        missing = [c for c in [*KEY, "person_id"] if c not in df.columns]
        if missing:
            raise ValueError(f"{name} lacks columns: {missing}")
        dupes = int(df.duplicated(KEY).sum())
        if dupes:
            raise ValueError(f"{name} has {dupes} duplicated (source_table, record_id)")
        nulls = int(df["person_id"].isna().sum())
        if nulls:
            raise ValueError(f"{name} has {nulls} null person_id values")
    joined = predicted[[*KEY, "person_id"]].merge(
        truth[[*KEY, "person_id"]],
        on=KEY,
        how="outer",
        suffixes=("_pred", "_true"),
        indicator=True,
    )
    only_pred = int((joined["_merge"] == "left_only").sum())
    only_true = int((joined["_merge"] == "right_only").sum())
    if only_pred or only_true:
        raise ValueError(
            f"predicted and truth cover different records: {only_pred} only in predicted, "
            f"{only_true} only in truth"
        )
    return joined.drop(columns="_merge")


def evaluate(predicted: pd.DataFrame, truth: pd.DataFrame) -> Evaluation:
    """Pairwise metrics of predicted person_id against true person_id, overall and per source pair.

    Both frames: source_table, record_id, person_id, covering the same records.
    """
    j = _check(predicted, truth)
    cell = j.groupby(["source_table", "person_id_pred", "person_id_true"]).size()
    pred = j.groupby(["source_table", "person_id_pred"]).size()
    true = j.groupby(["source_table", "person_id_true"]).size()
    tables = sorted(j["source_table"].unique())

    by_pair: dict[tuple[str, str], PairMetrics] = {}
    for a, b in combinations_with_replacement(tables, 2):
        if a == b:
            m = PairMetrics(_pairs(cell[a]), _pairs(pred[a]), _pairs(true[a]))
        else:
            m = PairMetrics(
                _cross(cell[a], cell[b]), _cross(pred[a], pred[b]), _cross(true[a], true[b])
            )
        by_pair[(a, b)] = m

    overall = PairMetrics(
        _pairs(j.groupby(["person_id_pred", "person_id_true"]).size()),
        _pairs(j.groupby("person_id_pred").size()),
        _pairs(j.groupby("person_id_true").size()),
    )
    return Evaluation(overall=overall, by_source_pair=by_pair, records=len(j))


@dataclass(frozen=True)
class BCubed:
    """Cluster-level (B-cubed) precision and recall: per record, averaged over records.

    For record i in predicted person P and true person T:
    precision_i = |P & T| / |P|, recall_i = |P & T| / |T|. Unlike pairwise
    metrics, a large person does not count quadratically.
    """

    precision: float
    recall: float
    records: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "f1": self.f1}


def _per_record(j: pd.DataFrame) -> pd.DataFrame:
    """Per record: n_cell, n_pred, n_true (sizes of its cell, predicted and true person)."""
    out = pd.DataFrame(index=j.index)
    out["n_cell"] = j.groupby(["person_id_pred", "person_id_true"])["record_id"].transform("size")
    out["n_pred"] = j.groupby("person_id_pred")["record_id"].transform("size")
    out["n_true"] = j.groupby("person_id_true")["record_id"].transform("size")
    return out


def _bcubed(sizes: pd.DataFrame) -> BCubed:
    if not len(sizes):
        return BCubed(1.0, 1.0, 0)
    return BCubed(
        float((sizes.n_cell / sizes.n_pred).mean()),
        float((sizes.n_cell / sizes.n_true).mean()),
        len(sizes),
    )


def _anchored(sizes: pd.DataFrame) -> PairMetrics:
    """Pairwise counts over ordered pairs anchored at these records (see subgroup_metrics)."""
    return PairMetrics(
        int((sizes.n_cell - 1).sum()), int((sizes.n_pred - 1).sum()), int((sizes.n_true - 1).sum())
    )


def bcubed(predicted: pd.DataFrame, truth: pd.DataFrame) -> BCubed:
    """B-cubed precision, recall and F1 of predicted person_id against the truth."""
    return _bcubed(_per_record(_check(predicted, truth)))


def subgroup_metrics(
    predicted: pd.DataFrame, truth: pd.DataFrame, groups: pd.DataFrame
) -> dict[str, dict[str, dict]]:
    """Metrics per value of each group column, so that biased linkage shows.

    groups: source_table, record_id and one column per grouping (nulls become
    "unknown"). A record's pairs are credited to its own group: pairwise counts
    are over ordered pairs (i, j) with i in the group, which sum to twice the
    overall counts; B-cubed averages over the group's records.
    Returns {group column: {value: {"records", "pairwise": {...}, "bcubed": {...}}}}.
    """
    j = _check(predicted, truth)
    sizes = _per_record(j)
    g = j[KEY].merge(groups, on=KEY, how="left")
    out: dict[str, dict[str, dict]] = {}
    for col in [c for c in groups.columns if c not in KEY]:
        values = g[col].astype("string").fillna("unknown")
        out[col] = {}
        for value in sorted(values.unique()):
            mask = (values == value).to_numpy()
            s = sizes[mask]
            out[col][str(value)] = {
                "records": int(mask.sum()),
                "pairwise": _anchored(s).as_dict(),
                "bcubed": _bcubed(s).as_dict(),
            }
    return out


def _nodes(link: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": link["source_table"] + ":" + link["record_id"]})


def _truth_by_uid(truth: pd.DataFrame) -> pd.Series:
    return pd.Series(
        truth["person_id"].to_numpy(),
        index=(truth["source_table"] + ":" + truth["record_id"]).to_numpy(),
    )


def _clusters_at(nodes: pd.DataFrame, pairs: pd.DataFrame, thresholds: list[float]) -> pd.DataFrame:
    """unique_id -> cluster id per threshold (columns named by threshold)."""
    db_api = DuckDBAPI()
    try:
        sdf = cluster_pairwise_predictions_at_multiple_thresholds(
            nodes,
            pairs[["unique_id_l", "unique_id_r", "match_probability"]],
            db_api,
            "unique_id",
            match_probability_thresholds=thresholds,
        )
        df = sdf.as_pandas_dataframe()
    finally:
        db_api.duckdb_con.close()
    cols = [c for c in df.columns if c.startswith("cluster_p_")]
    return df.set_index("unique_id")[cols].set_axis(thresholds, axis=1)


def _frame(uids: pd.Index, person: pd.Series) -> pd.DataFrame:
    key = uids.to_series().str.split(":", n=1, expand=True)
    return pd.DataFrame(
        {"source_table": key[0].to_numpy(), "record_id": key[1].to_numpy(), "person_id": person}
    ).reset_index(drop=True)


def threshold_curve(
    link: pd.DataFrame, pairs: pd.DataFrame, truth: pd.DataFrame, thresholds=THRESHOLD_GRID
) -> list[dict]:
    """Pairwise and B-cubed precision / recall of clusters at each threshold."""
    clusters = _clusters_at(_nodes(link), pairs, list(thresholds))
    out = []
    for t in thresholds:
        predicted = _frame(clusters.index, clusters[t].astype(str).to_numpy())
        pw = evaluate(predicted, truth).overall
        b3 = bcubed(predicted, truth)
        out.append(
            {
                "threshold": t,
                "precision": pw.precision,
                "recall": pw.recall,
                "f1": pw.f1,
                "bcubed_precision": b3.precision,
                "bcubed_recall": b3.recall,
                "bcubed_f1": b3.f1,
            }
        )
    return out


def blocking_recall(link: pd.DataFrame, pairs: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """How many true pairs the blocking rules let the model see.

    direct: share of true pairs that were scored at all. reachable: pairwise
    recall of the persons formed by the scored true pairs alone, the best any
    model and threshold could do with these blocking rules.
    """
    true_person = _truth_by_uid(truth)
    same = (
        pairs["unique_id_l"].map(true_person).to_numpy()
        == pairs["unique_id_r"].map(true_person).to_numpy()
    )
    n = truth.groupby("person_id").size()
    actual = int((n * (n - 1) // 2).sum())
    true_pairs = pairs.loc[same, ["unique_id_l", "unique_id_r"]].assign(match_probability=1.0)
    clusters = _clusters_at(_nodes(link), true_pairs, [0.5])
    reach = evaluate(_frame(clusters.index, clusters[0.5].astype(str).to_numpy()), truth).overall
    return {
        "comparisons": len(pairs),
        "true_pairs": actual,
        "true_pairs_scored": int(same.sum()),
        "direct_recall": int(same.sum()) / actual if actual else 1.0,
        "reachable_recall": reach.recall,
    }


def full_evaluation(
    link: pd.DataFrame,
    pairs: pd.DataFrame,
    truth: pd.DataFrame,
    groups: pd.DataFrame,
    thresholds: dict[str, float],
) -> dict:
    """Everything measurable against truth, as plain numbers (for evaluation.json)."""
    at = {}
    for name, col in (("high", "cluster_high"), ("default", "person_id"), ("low", "cluster_low")):
        predicted = link[[*KEY, col]].rename(columns={col: "person_id"})
        ev = evaluate(predicted, truth)
        at[name] = {
            "threshold": thresholds[name],
            "pairwise": ev.overall.as_dict(),
            "bcubed": bcubed(predicted, truth).as_dict(),
        }
        if name == "default":
            by_pair = {f"{a}|{b}": m.as_dict() for (a, b), m in ev.by_source_pair.items()}
    return {
        "records": len(link),
        "at_thresholds": at,
        "by_source_pair": by_pair,
        "subgroups": subgroup_metrics(link[[*KEY, "person_id"]], truth, groups),
        "curve": threshold_curve(link, pairs, truth),
        "blocking": blocking_recall(link, pairs, truth),
    }


def worst_subgroup_gap(evaluation: dict, min_records: int = 200) -> tuple[str, float]:
    """The subgroup whose pairwise recall is furthest below the overall (label, gap)."""
    overall = evaluation["at_thresholds"]["default"]["pairwise"]["recall"]
    worst, gap = "none", 0.0
    for col, values in evaluation["subgroups"].items():
        for value, m in values.items():
            if m["records"] >= min_records and overall - m["pairwise"]["recall"] > gap:
                worst, gap = f"{col}={value}", overall - m["pairwise"]["recall"]
    return worst, gap
