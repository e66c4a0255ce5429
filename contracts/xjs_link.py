"""The xjs_link lookup of the data contract, section 2: its shape and its gate.

Every person record of the release exactly once; ids well formed; confidence in
[0, 1]. The record-set comparison with int_person_records is in
`reconcile_records` so the gate can report counts of missing and extra records.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
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
    string = pd.ArrowDtype(pyarrow.string())
    return pa.DataFrameSchema(
        {
            "source_table": pa.Column(string, pa.Check.isin(list(PERSON_RECORD_TABLES))),
            "record_id": pa.Column(string),
            "person_id": pa.Column(string, pa.Check.str_matches(PERSON_ID_PATTERN)),
            "cluster_high": pa.Column(string, pa.Check.str_matches(CLUSTER_HIGH_PATTERN)),
            "cluster_low": pa.Column(string, pa.Check.str_matches(CLUSTER_LOW_PATTERN)),
            "match_confidence": pa.Column(
                pd.ArrowDtype(pyarrow.float64()), pa.Check.in_range(0.0, 1.0)
            ),
        },
        unique=["source_table", "record_id"],
        strict=True,
        ordered=True,
        name="xjs_link",
    )


def reconcile_records(link: pd.DataFrame, records: pd.DataFrame) -> dict[str, int]:
    """Counts of person records missing from the lookup and lookup rows with no record."""
    key = ["source_table", "record_id"]
    merged = (
        link[key].astype(str).merge(records[key].astype(str), on=key, how="outer", indicator=True)
    )
    return {
        "records_missing_from_link": int((merged["_merge"] == "right_only").sum()),
        "link_rows_without_record": int((merged["_merge"] == "left_only").sum()),
    }
