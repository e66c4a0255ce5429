"""Pandera schemas of the landing contract: one per landing table, file-level rules only.

Types come from contracts.landing (its exact Arrow types, as Polars types: the gate
runs Pandera's polars backend on the warehouse table, contracts.validation). A
landing table fails only on file-level defects (landing-contract.md, "Defects"): a
column missing, unexpected, out of order or of the wrong type, or the key null or
duplicated. Value conventions (formats, code lists, required values, ranges) are
value-level defects: staging nulls and quarantines them
(dbt_project/macros/defects.sql), so a mistyped value never fails ingest.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
import pyarrow

from contracts.landing import LANDING_TABLES


def polars_type(arrow_type: pyarrow.DataType) -> pl.DataType:
    """The Polars type of an Arrow type (date32 -> Date, int8 -> Int8, string -> String)."""
    return pl.from_arrow(pyarrow.array([], type=arrow_type)).dtype


def landing_schema(table_name: str) -> pa.DataFrameSchema:
    """The file-level landing contract of one table: exact columns in order, exact types, a key."""
    table = LANDING_TABLES[table_name]
    columns = {
        name: pa.Column(
            polars_type(arrow_type),
            nullable=name != table.key,
            unique=name == table.key,
        )
        for name, arrow_type in table.columns.items()
    }
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=f"landing.{table_name}")


LANDING_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    name: landing_schema(name) for name in LANDING_TABLES
}
