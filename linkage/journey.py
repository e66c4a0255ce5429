"""Evaluation of the mags_crown_journey mart (dbt) against truth.

The mart links each Crown Court defendant-on-case record to the magistrates'
court record it came from. Truth is truth/<R>/mags_crown_truth.parquet
(xjs.layout.mags_crown_truth_path: crown_record_id, magistrates_record_id) when
the generator writes it; tests can
derive it from a drop itself (the same ASN in both landing tables). Precision:
share of the mart's links that are true; recall: share of true links found.
Counts and rates only.
"""

from __future__ import annotations

import pandas as pd

JOURNEY_COLUMNS = ["crown_record_id", "magistrates_record_id", "score"]
SCORE_LEVELS = (1.0, 0.8, 0.6, 0.3)


def truth_from_asn(crown: pd.DataFrame, magistrates: pd.DataFrame) -> pd.DataFrame:
    """Drop-derived truth: crown and magistrates records sharing an ASN (one per crown record)."""
    c = crown[["record_id", "asn"]].dropna().rename(columns={"record_id": "crown_record_id"})
    m = magistrates[["record_id", "asn"]].dropna()
    m = m.rename(columns={"record_id": "magistrates_record_id"})
    pairs = c.merge(m, on="asn").sort_values(["crown_record_id", "magistrates_record_id"])
    return pairs.drop_duplicates("crown_record_id")[["crown_record_id", "magistrates_record_id"]]


def _scores(journey: pd.DataFrame, truth: pd.DataFrame, min_score: float) -> dict[str, float]:
    links = journey[journey["magistrates_record_id"].notna() & (journey["score"] >= min_score)]
    true = set(zip(truth["crown_record_id"], truth["magistrates_record_id"], strict=True))
    got = set(zip(links["crown_record_id"], links["magistrates_record_id"], strict=True))
    correct = len(got & true)
    precision = correct / len(got) if got else 1.0
    recall = correct / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "links": len(got),
        "correct": correct,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def evaluate_journey(journey: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Precision, recall and F1 of the mart's links, overall and at each score level."""
    missing = [c for c in JOURNEY_COLUMNS if c not in journey.columns]
    if missing:
        raise ValueError(f"journey lacks columns: {missing}")
    overall = _scores(journey, truth, 0.0)
    return {
        "crown_records": len(journey),
        "true_links": len(truth),
        **overall,
        "by_min_score": {str(s): _scores(journey, truth, s) for s in SCORE_LEVELS},
    }
