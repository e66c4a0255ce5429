"""Scoring the blocked pairs with the trained model."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from splink import Linker
from splink.internals.pipeline import CTEPipeline
from splink.internals.splink_dataframe import SplinkDataFrame


def query(linker: Linker, sql: str, inputs: list[SplinkDataFrame]) -> pd.DataFrame:
    """Run one SELECT over Splink tables on its backend and fetch the (small) result.

    Goes through Splink's pipeline so it works on any backend; refer to inputs by
    their templated names.
    """
    pipeline = CTEPipeline(inputs)
    pipeline.enqueue_sql(sql, "__xjs_query")
    sdf = linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)
    try:
        return sdf.as_pandas_dataframe()
    finally:
        sdf.drop_table_from_database_and_remove_from_cache()


def predict_pairs(linker: Linker) -> SplinkDataFrame:
    """Every pair the blocking rules admit, with its match probability."""
    return linker.inference.predict(warning_mode="never")


def count_pairs(linker: Linker, predictions: SplinkDataFrame, threshold: float) -> tuple[int, int]:
    """(pairs scored, pairs at or above threshold)."""
    df = query(
        linker,
        f"SELECT count(*) AS scored, count(*) FILTER (WHERE match_probability >= {threshold})"
        f" AS links FROM {predictions.templated_name}",
        [predictions],
    )
    return int(df["scored"].iloc[0]), int(df["links"].iloc[0])


def edges_at_or_above(
    linker: Linker, predictions: SplinkDataFrame, threshold: float
) -> pd.DataFrame:
    """Pairs at or above threshold: source_table_l/r, unique_id_l/r, match_probability."""
    return query(
        linker,
        "SELECT source_table_l, unique_id_l, source_table_r, unique_id_r, match_probability"
        f" FROM {predictions.templated_name} WHERE match_probability >= {threshold}",
        [predictions],
    )


def count_guarded(linker: Linker, predictions: SplinkDataFrame) -> int:
    """Scored pairs the relatives guard held down (relatives.py)."""
    df = query(
        linker,
        f"SELECT count(*) FILTER (WHERE possible_relatives) AS n FROM {predictions.templated_name}",
        [predictions],
    )
    return int(df["n"].iloc[0])


SCORED_PAIRS_SCHEMA = pa.schema(
    [
        ("unique_id_l", pa.string()),
        ("unique_id_r", pa.string()),
        ("match_weight", pa.float64()),
        ("match_probability", pa.float64()),
        ("possible_relatives", pa.bool_()),
    ]
)


def no_scored_pairs() -> pa.Table:
    """The scored pairs of a release with nothing to score (fewer than 2 records)."""
    return SCORED_PAIRS_SCHEMA.empty_table()


def scored_pairs(linker: Linker, predictions: SplinkDataFrame) -> pa.Table:
    """Every scored pair (ids, weight, probability, guard flag): evaluation reads these."""
    pipeline = CTEPipeline([predictions])
    pipeline.enqueue_sql(
        "SELECT unique_id_l, unique_id_r, match_weight, match_probability, possible_relatives"
        f" FROM {predictions.templated_name} ORDER BY unique_id_l, unique_id_r",
        "__xjs_pairs",
    )
    sdf = linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)
    try:
        return pa.Table.from_pandas(sdf.as_pandas_dataframe(), preserve_index=False)
    finally:
        sdf.drop_table_from_database_and_remove_from_cache()
