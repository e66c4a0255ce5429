"""Evaluation of the mags_crown_journey mart (dbt) against truth.

The mart links each Crown Court defendant-on-case record to the magistrates'
court record it came from. Truth is truth/<R>/mags_crown_truth.parquet
(xjs.layout.mags_crown_truth_path: crown_record_id, magistrates_record_id) when
the generator writes it; tests can
derive it from a drop itself (the same ASN in both landing tables). Precision:
share of the mart's links that are true; recall: share of true links found.
Counts and rates only, computed in DuckDB SQL: the mart is never read into Python.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from linkage.evaluation import Table, as_relation, columns_of, connection

JOURNEY_COLUMNS = ["crown_record_id", "magistrates_record_id", "score"]
SCORE_LEVELS = (1.0, 0.8, 0.6, 0.3)


def truth_from_asn(crown: pd.DataFrame, magistrates: pd.DataFrame) -> pd.DataFrame:
    """Drop-derived truth: crown and magistrates records sharing an ASN (one per crown record)."""
    c = crown[["record_id", "asn"]].dropna().rename(columns={"record_id": "crown_record_id"})
    m = magistrates[["record_id", "asn"]].dropna()
    m = m.rename(columns={"record_id": "magistrates_record_id"})
    pairs = c.merge(m, on="asn").sort_values(["crown_record_id", "magistrates_record_id"])
    return pairs.drop_duplicates("crown_record_id")[["crown_record_id", "magistrates_record_id"]]


def _distinct_pairs(relation: str, where: str = "true") -> str:
    return f"(select distinct crown_record_id, magistrates_record_id from {relation} where {where})"


def _scores(con, journey: str, truth: str, min_score: float) -> dict[str, float]:
    got_sql = _distinct_pairs(
        journey, f"magistrates_record_id is not null and score >= {float(min_score)!r}"
    )
    got, true, correct = con.execute(
        f"""
        select (select count(*) from {got_sql}), (select count(*) from {_distinct_pairs(truth)}),
            (select count(*) from {got_sql} g join {_distinct_pairs(truth)} t
             using (crown_record_id, magistrates_record_id))
        """
    ).fetchone()
    precision = correct / got if got else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "links": int(got),
        "correct": int(correct),
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def evaluate_journey(
    journey: Table, truth: Table, con: duckdb.DuckDBPyConnection | None = None
) -> dict:
    """Precision, recall and F1 of the mart's links, overall and at each score level.

    journey and truth: Parquet files, relations on the connection or frames (see
    linkage.evaluation.Table); computed in DuckDB, only counts come back."""
    with connection(con) as c:
        j, t = as_relation(c, journey, "journey"), as_relation(c, truth, "journey_truth")
        missing = [col for col in JOURNEY_COLUMNS if col not in columns_of(c, j)]
        if missing:
            raise ValueError(f"journey lacks columns: {missing}")
        crown_records, true_links = c.execute(
            f"select (select count(*) from {j}), (select count(*) from {t})"
        ).fetchone()
        overall = _scores(c, j, t, 0.0)
        return {
            "crown_records": int(crown_records),
            "true_links": int(true_links),
            **overall,
            "by_min_score": {str(s): _scores(c, j, t, s) for s in SCORE_LEVELS},
        }
