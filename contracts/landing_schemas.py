"""Pandera schemas of the landing contract: one per landing table, file-level rules only.

Types come from contracts.landing (exact Arrow types, validated on Arrow-backed
pandas). A landing table fails only on file-level defects (landing-contract.md,
"Defects"): a column missing, unexpected, out of order or of the wrong type, or
the key null or duplicated. Value conventions (formats, code lists, required
values, ranges) are value-level defects: staging nulls and quarantines them
(dbt_project/macros/defects.sql), so a mistyped value never fails ingest.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from contracts.landing import LANDING_TABLES


def landing_schema(table_name: str) -> pa.DataFrameSchema:
    """The file-level landing contract of one table: exact columns in order, exact types, a key."""
    table = LANDING_TABLES[table_name]
    columns = {
        name: pa.Column(
            pd.ArrowDtype(arrow_type),
            nullable=name != table.key,
            unique=name == table.key,
        )
        for name, arrow_type in table.columns.items()
    }
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=f"landing.{table_name}")


LANDING_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    name: landing_schema(name) for name in LANDING_TABLES
}
