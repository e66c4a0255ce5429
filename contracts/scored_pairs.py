"""The gate on Splink's scored pairs (releases/<R>/linkage/pairs.parquet).

No self-pairs, each pair once, probabilities in [0, 1], and both records known
in int_person_records: a pair that fails any of these means the model's input
or its blocking went wrong, and nothing downstream should trust the clusters.

The pairs grow with the records times the comparisons per record (hundreds of
millions at ten million records), so the contract has two halves, both here:
`scored_pairs_schema`, the per-row rules, a Pandera polars schema that streams
over the Parquet (contracts.validation); and `pair_set_failures`, the two rules
about the whole set (each pair once, both records known), which need a hash of
every pair or every record id and so run in DuckDB, where they spill to disk
instead of growing Python's memory. Both report counts of failing rows under
"column: check" keys, never a value.
"""

from __future__ import annotations

import duckdb
import pandera.polars as pa
import polars as pl

SCHEMA_NAME = "scored_pairs"
EACH_PAIR_ONCE = f"{SCHEMA_NAME}: each_pair_once"
RECORD_KNOWN = "record_known"
ID_COLUMNS = ("unique_id_l", "unique_id_r")


def _no_self_pairs(data) -> pl.LazyFrame:
    return data.lazyframe.select(pl.col("unique_id_l") != pl.col("unique_id_r"))


def scored_pairs_schema() -> pa.DataFrameSchema:
    """The per-row rules: columns and types, probabilities in [0, 1], no self-pairs."""
    return pa.DataFrameSchema(
        {
            "unique_id_l": pa.Column(pl.String),
            "unique_id_r": pa.Column(pl.String),
            "match_weight": pa.Column(pl.Float64),
            "match_probability": pa.Column(pl.Float64, pa.Check.in_range(0.0, 1.0)),
        },
        checks=[pa.Check(_no_self_pairs, name="no_self_pairs")],
        strict="filter",  # diagnostic columns may follow
        name=SCHEMA_NAME,
    )


def pair_set_failures(con: duckdb.DuckDBPyConnection, pairs: str, known_ids: str) -> dict[str, int]:
    """The set rules, as failing-row counts (only the failing ones are returned).

    pairs: a relation in SQL on `con` with unique_id_l and unique_id_r (e.g.
    `read_parquet('...')`); known_ids: one with the release's `unique_id`s.
    each_pair_once counts the rows that repeat an earlier (l, r) pair; record_known
    the rows whose id (not null: a null id fails the schema's not_nullable) is
    not a known record.
    """
    l_col, r_col = ID_COLUMNS
    counts = con.execute(
        f"with pairs as (select {l_col}, {r_col} from {pairs}),"
        f" known as (select unique_id from {known_ids})"
        f" select count(*) - (select count(*) from (select distinct {l_col}, {r_col} from pairs)),"
        + ",".join(
            f" (select count(*) from pairs anti join known on pairs.{c} = known.unique_id"
            f" where pairs.{c} is not null)"
            for c in ID_COLUMNS
        )
        + " from pairs"
    ).fetchall()[0]
    found = {
        EACH_PAIR_ONCE: int(counts[0]),
        **{f"{c}: {RECORD_KNOWN}": int(n) for c, n in zip(ID_COLUMNS, counts[1:], strict=True)},
    }
    return {key: n for key, n in found.items() if n}
