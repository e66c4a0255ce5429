"""A guard against merging relatives: twins and people of one household.

The Fellegi-Sunter model treats fields as independent, but relatives are not
random pairs: twins share surname, date of birth and address; spouses and
children share surname and address. Their many agreements can outweigh one
disagreeing forename. As in CPR's `filter_twins_sql` (hmpps-person-match), a
scored pair whose forenames clearly differ, whose surnames agree, which shares
no justice identifier, and which also shares a date of birth (possible twins) or
a postcode without an agreeing date of birth (possible household members) gets
a fixed low match weight, so it never joins a cluster by itself. The pair's
original weight is kept in unguarded_match_weight for the report.
"""

from __future__ import annotations

import pyarrow as pa
from splink import Linker
from splink.internals.pipeline import CTEPipeline
from splink.internals.splink_dataframe import SplinkDataFrame

GUARDED_MATCH_WEIGHT = -5.0  # CPR's POSSIBLE_TWINS_ASSIGNED_MATCH_WEIGHT
GUARDED_MATCH_PROBABILITY = 2**GUARDED_MATCH_WEIGHT / (1 + 2**GUARDED_MATCH_WEIGHT)
FORENAME_JW = 0.88  # below this two forenames "clearly differ" (typos score higher)
GUARD_COLUMNS = (
    "unique_id",
    "first_name",
    "last_name",
    "forename_arr",
    "dob_arr",
    "postcode",
    "pnc",
    "cro",
    "noms_number",
    "crn",
)
IDENTIFIERS = ("pnc", "cro", "noms_number", "crn")


def _differ(a: str, b: str) -> str:
    return f"coalesce({a} <> {b}, FALSE)"


def _shares(a: str, b: str) -> str:
    return f"coalesce(len(list_intersect({a}, {b})) >= 1, FALSE)"


def forenames_differ() -> str:
    """Known, unequal, not similar, and neither in the other's forenames or aliases."""
    return (
        f"{_differ('l.first_name', 'r.first_name')}"
        f" AND jaro_winkler_similarity(l.first_name, r.first_name) < {FORENAME_JW}"
        f" AND NOT {_shares('l.forename_arr', 'r.forename_arr')}"
    )


def no_identifier_agrees() -> str:
    return " AND ".join(f"NOT coalesce(l.{c} = r.{c}, FALSE)" for c in IDENTIFIERS)


def relatives_condition() -> str:
    """SQL over aliases l and r of the guard features: TRUE for possible relatives."""
    same_surname = "coalesce(l.last_name = r.last_name, FALSE)"
    same_dob = _shares("l.dob_arr", "r.dob_arr")
    same_postcode = "coalesce(l.postcode = r.postcode, FALSE)"
    return (
        f"({forenames_differ()}) AND ({no_identifier_agrees()}) AND {same_surname}"
        f" AND ({same_dob} OR {same_postcode})"
    )


def guard_relatives(
    linker: Linker, predictions: SplinkDataFrame, features: pa.Table
) -> SplinkDataFrame:
    """predictions with possible relatives' pairs set to GUARDED_MATCH_WEIGHT.

    features: the model input of every record (GUARD_COLUMNS at least).
    """
    db_api = linker._db_api
    guard = db_api.register(features.select(list(GUARD_COLUMNS)), table_name="__xjs_guard_features")
    pipeline = CTEPipeline([predictions, guard])
    sql = f"""
    SELECT p.* REPLACE (
        CASE WHEN ({relatives_condition()}) THEN {GUARDED_MATCH_WEIGHT}
             ELSE p.match_weight END AS match_weight,
        CASE WHEN ({relatives_condition()}) THEN {GUARDED_MATCH_PROBABILITY}
             ELSE p.match_probability END AS match_probability
    ),
    p.match_weight AS unguarded_match_weight,
    ({relatives_condition()}) AS possible_relatives
    FROM {predictions.templated_name} AS p
    JOIN {guard.templated_name} AS l ON p.unique_id_l = l.unique_id
    JOIN {guard.templated_name} AS r ON p.unique_id_r = r.unique_id
    """
    pipeline.enqueue_sql(sql, "__xjs_predictions_guarded")
    guarded = db_api.sql_pipeline_to_splink_dataframe(pipeline)
    guard.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    return guarded
