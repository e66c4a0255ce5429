"""Clusters at the three thresholds, and each record's match confidence, in the database.

match_confidence: for a record in a person of several records, the highest match
probability among its scored pairs with other records of the same person (its
strongest tie to the person; always >= the default threshold, since clusters are
the connected components of pairs at or above it). 1.0 for a person of one record.
The max, not a mean, because a person is a chain of links: one strong link is
enough to place a record; weak ties to far members of the chain are expected.
"""

from __future__ import annotations

from splink import Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from linkage.settings import Thresholds

CLUSTER_COLUMNS = ("cluster_default", "cluster_high", "cluster_low")


def cluster_at(linker: Linker, predictions: SplinkDataFrame, threshold: float) -> SplinkDataFrame:
    """Splink's clusters table (unique_id, cluster_id): connected components of pairs
    at or above threshold."""
    return linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )


def cluster_all(
    con,
    linker: Linker,
    predictions: SplinkDataFrame,
    records: str,
    thresholds: Thresholds,
    out: str,
) -> int:
    """Create table out (unique_id, source_table, record_id, cluster_default, cluster_high,
    cluster_low): every record of records with its raw cluster label (VARCHAR) at each
    threshold. Returns the number of records Splink left unclustered (0 when all is well)."""
    tables = {
        "cluster_default": cluster_at(linker, predictions, thresholds.default),
        "cluster_high": cluster_at(linker, predictions, thresholds.high),
        "cluster_low": cluster_at(linker, predictions, thresholds.low),
    }
    try:
        joins = " ".join(
            f"LEFT JOIN (SELECT unique_id, CAST(cluster_id AS VARCHAR) AS {col}"
            f" FROM {t.physical_name}) USING (unique_id)"
            for col, t in tables.items()
        )
        con.execute(
            f"""CREATE OR REPLACE TABLE {out} AS
            SELECT unique_id, source_table, record_id, {", ".join(tables)}
            FROM (SELECT unique_id, source_table, record_id FROM {records}) {joins}"""
        )
    finally:
        for t in tables.values():
            t.drop_table_from_database_and_remove_from_cache()
    nulls = " OR ".join(f"{c} IS NULL" for c in CLUSTER_COLUMNS)
    return int(con.execute(f"SELECT count(*) FROM {out} WHERE {nulls}").fetchall()[0][0])


def singletons(con, records: str, out: str) -> None:
    """Table out as cluster_all makes it, for a release with nothing to link: each alone."""
    labels = ", ".join(f"unique_id AS {c}" for c in CLUSTER_COLUMNS)
    con.execute(
        f"CREATE OR REPLACE TABLE {out} AS"
        f" SELECT unique_id, source_table, record_id, {labels} FROM {records}"
    )


def match_confidence_sql(edges: str) -> str:
    """SELECT unique_id, match_confidence: the max probability of each record's pairs at
    or above the default threshold (edges: unique_id_l, unique_id_r, match_probability,
    every pair within one default cluster). Records with none take 1.0 (the caller's
    coalesce)."""
    return f"""SELECT unique_id, max(match_probability) AS match_confidence FROM (
        SELECT unique_id_l AS unique_id, match_probability FROM {edges}
        UNION ALL SELECT unique_id_r, match_probability FROM {edges}) GROUP BY unique_id"""
