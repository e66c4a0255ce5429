"""The xjs_link lookup of the data contract, section 2: its shape and its gate.

Every person record of the release exactly once; ids well formed; confidence in
[0, 1]. The schema is Pandera's polars backend (the gate scans the Parquet
lazily, contracts.validation). The record-set comparison with int_person_records
is `reconcile_records`, two anti-joins in DuckDB, so the gate reports counts of
missing and extra records and no record set ever reaches Python.
"""

from __future__ import annotations

import duckdb
import pandera.polars as pa
import polars as pl
import pyarrow

from contracts.landing import PERSON_RECORD_TABLES

XJS_LINK_SCHEMA = pyarrow.schema(
    [
        ("source_table", pyarrow.string()),
        ("record_id", pyarrow.string()),
        ("person_id", pyarrow.string()),
        ("cluster_high", pyarrow.string()),
        ("cluster_low", pyarrow.string()),
        ("match_confidence", pyarrow.float64()),
    ]
)

PERSON_ID_PATTERN = r"^P[0-9a-f]{12}$"
CLUSTER_HIGH_PATTERN = r"^H[0-9a-f]{12}$"
CLUSTER_LOW_PATTERN = r"^L[0-9a-f]{12}$"


def xjs_link_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "source_table": pa.Column(pl.String, pa.Check.isin(list(PERSON_RECORD_TABLES))),
            "record_id": pa.Column(pl.String),
            "person_id": pa.Column(pl.String, pa.Check.str_matches(PERSON_ID_PATTERN)),
            "cluster_high": pa.Column(pl.String, pa.Check.str_matches(CLUSTER_HIGH_PATTERN)),
            "cluster_low": pa.Column(pl.String, pa.Check.str_matches(CLUSTER_LOW_PATTERN)),
            "match_confidence": pa.Column(pl.Float64, pa.Check.in_range(0.0, 1.0)),
        },
        unique=["source_table", "record_id"],
        strict=True,
        ordered=True,
        name="xjs_link",
    )


RECONCILE_KEY = ("source_table", "record_id")


def reconcile_records(con: duckdb.DuckDBPyConnection, link: str, records: str) -> dict[str, int]:
    """Counts of person records missing from the lookup and lookup rows with no record.

    link, records: relations in SQL on `con` (a table name, or `read_parquet('...')`),
    both with source_table and record_id. Counts only come back.
    """
    key = ", ".join(RECONCILE_KEY)
    missing, extra = con.execute(
        f"select (select count(*) from (select {key} from {records}) as r"
        f" anti join (select {key} from {link}) as l using ({key})),"
        f" (select count(*) from (select {key} from {link}) as l"
        f" anti join (select {key} from {records}) as r using ({key}))"
    ).fetchall()[0]
    return {"records_missing_from_link": int(missing), "link_rows_without_record": int(extra)}
