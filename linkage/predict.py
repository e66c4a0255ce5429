"""Scoring the blocked pairs with the trained model, and the scored pairs' figures.

Everything stays in Splink's database: counts come back, pairs.parquet is written by
DuckDB's COPY.
"""

from __future__ import annotations

import math
import re

import pyarrow as pa
from splink import Linker
from splink.internals.splink_dataframe import SplinkDataFrame

# Chunked prediction (Splink's num_chunks_left): one pass of predict holds the blocked
# pairs of every rule, and the comparison columns of both records while it computes the
# comparison vectors. Measured at about PAIR_BYTES per scored pair (ids, gammas, weights
# and the working set of the join) at about PAIRS_PER_RECORD pairs per record (the
# blocking budget, blocking.py). The rule: split the left side into as many chunks as
# it takes for one chunk's pairs to fit in PASS_SHARE of DuckDB's memory_limit,
# chunks = ceil(records * PAIRS_PER_RECORD * PAIR_BYTES / (PASS_SHARE * memory_limit)).
# DuckDB spills past the limit rather than fail, so this bounds the working set, not
# correctness; every chunk re-reads the right side, so fewer chunks are faster.
PAIRS_PER_RECORD = 50
PAIR_BYTES = 160
PASS_SHARE = 0.5
_UNITS = {
    "": 1,
    "B": 1,
    "KB": 1e3,
    "MB": 1e6,
    "GB": 1e9,
    "TB": 1e12,
    "KIB": 2**10,
    "MIB": 2**20,
    "GIB": 2**30,
    "TIB": 2**40,
}


def memory_bytes(memory_limit: str) -> float:
    """DuckDB's memory_limit text ("4GB", "3.5 GiB") in bytes."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]*)\s*", memory_limit)
    if not m or m.group(2).upper() not in _UNITS:
        raise ValueError(f"memory limit {memory_limit!r} is not a size such as 4GB")
    return float(m.group(1)) * _UNITS[m.group(2).upper()]


def num_chunks(n_records: int, memory_limit: str) -> int:
    """Left chunks for predict (the rule above); 1 when one pass fits."""
    need = n_records * PAIRS_PER_RECORD * PAIR_BYTES
    return max(1, math.ceil(need / (PASS_SHARE * memory_bytes(memory_limit))))


def predict_pairs(linker: Linker, chunks: int = 1) -> SplinkDataFrame:
    """Every pair the blocking rules admit, with its match probability (chunked when
    chunks > 1: the left records in that many slices, each against all records)."""
    if chunks <= 1:
        return linker.inference.predict(warning_mode="never")
    return linker.inference.predict(
        num_chunks_left=chunks, num_chunks_right=1, warning_mode="never"
    )


def pair_counts(con, predictions: str, threshold: float) -> tuple[int, int, int]:
    """(pairs scored, pairs at or above threshold, pairs the relatives guard held down)."""
    scored, links, guarded = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE match_probability >= {threshold}),
                   count(*) FILTER (WHERE possible_relatives) FROM {predictions}"""
    ).fetchall()[0]
    return int(scored), int(links), int(guarded)


def edges_table(con, predictions: str, threshold: float, out: str) -> None:
    """Table out: pairs at or above threshold (unique_id_l, unique_id_r, match_probability)."""
    con.execute(
        f"""CREATE OR REPLACE TABLE {out} AS
        SELECT unique_id_l, unique_id_r, match_probability FROM {predictions}
        WHERE match_probability >= {threshold}"""
    )


def no_edges(con, out: str) -> None:
    con.execute(
        f"CREATE OR REPLACE TABLE {out}"
        " (unique_id_l VARCHAR, unique_id_r VARCHAR, match_probability DOUBLE)"
    )


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


def scored_pairs_sql(predictions: str) -> str:
    """SELECT of every scored pair (ids, weight, probability, guard flag) in pair order,
    typed as SCORED_PAIRS_SCHEMA: what pairs.parquet holds (evaluation reads it)."""
    return f"""SELECT CAST(unique_id_l AS VARCHAR) AS unique_id_l,
        CAST(unique_id_r AS VARCHAR) AS unique_id_r,
        CAST(match_weight AS DOUBLE) AS match_weight,
        CAST(match_probability AS DOUBLE) AS match_probability,
        CAST(possible_relatives AS BOOLEAN) AS possible_relatives
    FROM {predictions} ORDER BY unique_id_l, unique_id_r"""
