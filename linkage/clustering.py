"""Clusters at the three thresholds, and each record's match confidence.

match_confidence: for a record in a person of several records, the highest match
probability among its scored pairs with other records of the same person (its
strongest tie to the person; always >= the default threshold, since clusters are
the connected components of pairs at or above it). 1.0 for a person of one record.
The max, not a mean, because a person is a chain of links: one strong link is
enough to place a record; weak ties to far members of the chain are expected.
"""

from __future__ import annotations

import pandas as pd
from splink import Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from linkage.predict import query
from linkage.settings import Thresholds


def cluster_at(
    linker: Linker, predictions: SplinkDataFrame, threshold: float, keep: bool = False
) -> tuple[pd.Series, SplinkDataFrame | None]:
    """Splink's cluster id per unique_id (connected components of pairs >= threshold).

    keep: also return Splink's clusters table (for the cluster studio), else drop it.
    """
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    df = query(linker, f"SELECT unique_id, cluster_id FROM {clusters.templated_name}", [clusters])
    if not keep:
        clusters.drop_table_from_database_and_remove_from_cache()
        clusters = None
    return df.set_index("unique_id")["cluster_id"].astype(str), clusters


def cluster_all(
    linker: Linker, predictions: SplinkDataFrame, thresholds: Thresholds
) -> tuple[pd.DataFrame, SplinkDataFrame]:
    """unique_id -> raw cluster ids at the three thresholds, and the default clusters table."""
    default, table = cluster_at(linker, predictions, thresholds.default, keep=True)
    frame = pd.DataFrame(
        {
            "cluster_default": default,
            "cluster_high": cluster_at(linker, predictions, thresholds.high)[0],
            "cluster_low": cluster_at(linker, predictions, thresholds.low)[0],
        }
    ).rename_axis("unique_id")
    return frame, table


def match_confidence(unique_ids: pd.Index, edges: pd.DataFrame) -> pd.Series:
    """Max probability of each record's pairs at or above the default threshold; 1.0 if none.

    edges: pairs at or above the default threshold (unique_id_l, unique_id_r,
    match_probability); every such pair lies within one default cluster.
    """
    both = pd.concat(
        [
            edges[["unique_id_l", "match_probability"]].rename(columns={"unique_id_l": "uid"}),
            edges[["unique_id_r", "match_probability"]].rename(columns={"unique_id_r": "uid"}),
        ]
    )
    best = both.groupby("uid")["match_probability"].max()
    return best.reindex(unique_ids).fillna(1.0).astype("float64")
