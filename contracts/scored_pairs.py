"""The gate on Splink's scored pairs (releases/<R>/linkage/pairs.parquet).

No self-pairs, each pair once, probabilities in [0, 1], and both records known
in int_person_records: a pair that fails any of these means the model's input
or its blocking went wrong, and nothing downstream should trust the clusters.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow


def scored_pairs_schema(known_ids: set[str] | None = None) -> pa.DataFrameSchema:
    string = pd.ArrowDtype(pyarrow.string())
    known = (
        [pa.Check(lambda s: s.isin(known_ids), name="record_known")]
        if known_ids is not None
        else []
    )
    return pa.DataFrameSchema(
        {
            "unique_id_l": pa.Column(string, known),
            "unique_id_r": pa.Column(string, known),
            "match_weight": pa.Column(pd.ArrowDtype(pyarrow.float64())),
            "match_probability": pa.Column(
                pd.ArrowDtype(pyarrow.float64()), pa.Check.in_range(0.0, 1.0)
            ),
        },
        checks=[
            pa.Check(lambda df: df["unique_id_l"] != df["unique_id_r"], name="no_self_pairs"),
            pa.Check(
                lambda df: ~df[["unique_id_l", "unique_id_r"]].duplicated(),
                name="each_pair_once",
            ),
        ],
        strict="filter",  # diagnostic columns may follow
        name="scored_pairs",
    )
