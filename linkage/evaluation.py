"""Pairwise precision, recall and F1 of predicted persons against the truth.

Exact and O(records): a pair of records is a true positive when both sit in the
same predicted and the same true person, so every count comes from cluster
sizes. With n(p, t) the records in predicted person p and true person t,
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

KEY = ["source_table", "record_id"]


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


def age_band(date_of_birth: pd.Series, on: pd.Series) -> pd.Series:
    """Age at the record's event in bands; unknown when either date is missing."""
    dob = pd.to_datetime(date_of_birth, errors="coerce")
    at = pd.to_datetime(on, errors="coerce")
    age = (at - dob).dt.days / 365.25
    bands = pd.cut(age, [-1, 17.999, 24.999, 34.999, 49.999, 200], labels=BANDS)
    return bands.astype("string").fillna("unknown")


BANDS = ["under 18", "18-24", "25-34", "35-49", "50+"]
