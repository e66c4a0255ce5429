"""A guard against merging relatives: twins and people of one household.

The Fellegi-Sunter model treats fields as independent, but relatives are not
random pairs: twins share surname, date of birth and address; spouses and
children share surname and address. Their many agreements can outweigh one
disagreeing field. Pairs sharing no justice identifier are held down when:

* twins / household (as CPR's `filter_twins_sql`, hmpps-person-match): surnames
  agree, forenames clearly differ (evidence of two people that keying errors and
  name variants do not produce: see forenames_differ), and a date of birth or a
  postcode is shared;
  or father and son of one name at one address whose dates of birth clearly
  differ. Weight GUARDED_MATCH_WEIGHT: never linked by itself.
* household without a date of birth: same surname and postcode, a DOB missing,
  forenames unequal but compatible (an initial, a middle name used as forename,
  a typo; not a nickname or prison alias of each other), middle names not
  agreeing. Capped at HOUSEHOLD_CAP_WEIGHT (linked at the low threshold only).
  A bare initial is capped only when the address holds two full forenames with
  that initial (JOHN and JAMES SMITH); else it is unambiguous.
* namesakes without a date of birth: the same full name at one address, a DOB
  missing, nothing else agreeing. Capped at NAMESAKE_CAP_WEIGHT (below cluster_high).

The caps only lower a weight. The pair's original weight is kept in
unguarded_match_weight; possible_relatives flags every pair held down.
"""

from __future__ import annotations

from splink import Linker
from splink.internals.pipeline import CTEPipeline
from splink.internals.splink_dataframe import SplinkDataFrame

GUARDED_MATCH_WEIGHT = -5.0  # CPR's POSSIBLE_TWINS_ASSIGNED_MATCH_WEIGHT
GUARDED_MATCH_PROBABILITY = 2**GUARDED_MATCH_WEIGHT / (1 + 2**GUARDED_MATCH_WEIGHT)
# A household pair nothing but a near-forename can tell apart (no date of birth to
# compare) is capped between the low and default thresholds: measured on the 20k
# demo drop, ~5% of such pairs are two people (J SMITH vs JAMES SMITH at one address,
# father and son via a shared middle name), too many for the published person.
HOUSEHOLD_CAP_WEIGHT = 3.0
# The same full name at one address with no date of birth to compare is one person
# ~99.4% of the time on the demo drop (the rest: father and son of one name): enough
# for the published person, not for cluster_high, so it is capped just below it.
NAMESAKE_CAP_WEIGHT = 9.0
# below this two forenames may differ: typos and sound-alikes score higher; on the
# 20k demo drop every same-surname, same-DOB pair at JW 0.8-0.88 was one person
FORENAME_JW = 0.8
# JW alone is no evidence of two people: one or two slips in a short name score below
# 0.8 (SAM ~ SMA 0.56), and spelling variants keep the initial (SIOBHAN ~ SHIVAUN,
# MARGARET ~ MAGGIE). So "clearly differ" also needs more edits than this
# (Damerau-Levenshtein) and different initials, or a different sex. Measured in
# docs/linkage.md (relatives guard): on the demo drop this frees 805 of the 1,000
# one-person pairs the old rule held down from linking, at one two-person pair.
FORENAME_EDITS = 2
GUARD_COLUMNS = (
    "unique_id",
    "first_name",
    "middle_names",
    "last_name",
    "forename_arr",
    "given_name_arr",
    "date_of_birth",
    "dob_arr",
    "postcode",
    "sex",
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
    """Evidence of two people. The forenames are known, unequal, neither in the other's
    forenames or aliases, not a bare initial of the other (`J` is consistent with JOHN),
    and either far apart (JW < FORENAME_JW, more than FORENAME_EDITS edits, different
    initials: JOHN ~ PAUL, not SAM ~ SMA or SIOBHAN ~ SHIVAUN) or of a different sex
    where both are known (twins JOHN ~ JOAN)."""
    first = "l.first_name, r.first_name"
    far = (
        f"jaro_winkler_similarity({first}) < {FORENAME_JW}"
        f" AND damerau_levenshtein({first}) > {FORENAME_EDITS}"
        " AND substr(l.first_name, 1, 1) <> substr(r.first_name, 1, 1)"
    )
    return (
        f"{_differ('l.first_name', 'r.first_name')}"
        f" AND NOT {_shares('l.forename_arr', 'r.forename_arr')}"
        " AND NOT coalesce((length(l.first_name) = 1 OR length(r.first_name) = 1)"
        " AND substr(l.first_name, 1, 1) = substr(r.first_name, 1, 1), FALSE)"
        f" AND (({far}) OR {_differ('l.sex', 'r.sex')})"
    )


def no_identifier_agrees() -> str:
    return " AND ".join(f"NOT coalesce(l.{c} = r.{c}, FALSE)" for c in IDENTIFIERS)


def dobs_differ() -> str:
    """Both known and far apart: no shared (alias) date, year differs, not one keying slip."""
    edit_distance = (
        "damerau_levenshtein(strftime(l.date_of_birth, '%Y-%m-%d'),"
        " strftime(r.date_of_birth, '%Y-%m-%d'))"
    )
    return (
        f"coalesce(NOT {_shares('l.dob_arr', 'r.dob_arr')}"
        " AND year(l.date_of_birth) <> year(r.date_of_birth)"
        f" AND {edit_distance} > 1"
        " AND NOT (month(l.date_of_birth) = month(r.date_of_birth)"
        " AND day(l.date_of_birth) = day(r.date_of_birth)), FALSE)"
    )


def relatives_condition() -> str:
    """SQL over aliases l and r of the guard features: TRUE for possible relatives.

    Twins and household members (forenames clearly differ), or a father and son of
    one name at one address (dates of birth clearly differ).
    """
    same_surname = "coalesce(l.last_name = r.last_name, FALSE)"
    same_dob = _shares("l.dob_arr", "r.dob_arr")
    same_postcode = "coalesce(l.postcode = r.postcode, FALSE)"
    return (
        f"({no_identifier_agrees()}) AND {same_surname} AND ("
        f"(({forenames_differ()}) AND ({same_dob} OR {same_postcode}))"
        f" OR ({same_postcode} AND {dobs_differ()}))"
    )


def _same_middle() -> str:
    """Middle names agree in full, fuzzily or by a consistent initial."""
    return (
        "coalesce(l.middle_names = r.middle_names"
        f" OR jaro_winkler_similarity(l.middle_names, r.middle_names) >= {FORENAME_JW}"
        " OR ((length(l.middle_names) = 1 OR length(r.middle_names) = 1)"
        " AND substr(l.middle_names, 1, 1) = substr(r.middle_names, 1, 1)), FALSE)"
    )


def _household_no_dob() -> str:
    return (
        "coalesce(l.last_name = r.last_name, FALSE)"
        " AND coalesce(l.postcode = r.postcode, FALSE)"
        " AND (l.dob_arr IS NULL OR r.dob_arr IS NULL)"
        f" AND NOT {_same_middle()} AND ({no_identifier_agrees()})"
    )


def namesake_without_dob_condition() -> str:
    """SQL: same full name and postcode, no date of birth on one side, nothing else agrees."""
    return f"coalesce(l.first_name = r.first_name, FALSE) AND {_household_no_dob()}"


def household_without_dob_condition() -> str:
    """SQL: same surname and postcode, no date of birth on one side, forenames unequal
    (an initial, a middle name as forename, a typo), no identifier or full middle name agrees."""
    # a bare initial is ambiguous only if the address holds two full forenames with it
    initial = "(length(l.first_name) = 1 OR length(r.first_name) = 1)"
    return (
        f"{_differ('l.first_name', 'r.first_name')} AND {_household_no_dob()}"
        f" AND NOT {_shares('l.given_name_arr', 'r.given_name_arr')}"
        f" AND (NOT {initial} OR l.household_forenames_with_initial >= 2)"
    )


def _probability(weight: float) -> float:
    return 2**weight / (1 + 2**weight)


def guard_relatives(linker: Linker, predictions: SplinkDataFrame, features: str) -> SplinkDataFrame:
    """predictions with possible relatives' pairs set to GUARDED_MATCH_WEIGHT.

    features: the name of a table in Splink's database holding the model input of
    every record (GUARD_COLUMNS at least). Works on any predictions table, chunked
    or not: it is one join of the pairs with the features of both records.
    """
    db_api = linker._db_api
    pipeline = CTEPipeline([predictions])
    pipeline.enqueue_sql(
        f"""SELECT {", ".join(GUARD_COLUMNS)},
            count(DISTINCT CASE WHEN length(first_name) > 1 THEN first_name END)
            OVER (PARTITION BY last_name, postcode, substr(first_name, 1, 1))
            AS household_forenames_with_initial
        FROM {features}""",
        "__xjs_guard_households",
    )
    household_cap, namesake_cap = HOUSEHOLD_CAP_WEIGHT, NAMESAKE_CAP_WEIGHT
    sql = f"""
    SELECT p.*,
        ({relatives_condition()}) AS __relatives,
        ({household_without_dob_condition()}) AND p.match_weight > {household_cap} AS __household,
        ({namesake_without_dob_condition()}) AND p.match_weight > {namesake_cap} AS __namesake
    FROM {predictions.templated_name} AS p
    JOIN __xjs_guard_households AS l ON p.unique_id_l = l.unique_id
    JOIN __xjs_guard_households AS r ON p.unique_id_r = r.unique_id
    """
    pipeline.enqueue_sql(sql, "__xjs_guard_flags")
    sql = f"""
    SELECT * EXCLUDE (__relatives, __household, __namesake) REPLACE (
        CASE WHEN __relatives THEN {GUARDED_MATCH_WEIGHT} WHEN __household THEN {household_cap}
             WHEN __namesake THEN {namesake_cap} ELSE match_weight END AS match_weight,
        CASE WHEN __relatives THEN {GUARDED_MATCH_PROBABILITY}
             WHEN __household THEN {_probability(household_cap)}
             WHEN __namesake THEN {_probability(namesake_cap)}
             ELSE match_probability END AS match_probability
    ),
    match_weight AS unguarded_match_weight,
    __relatives OR __household OR __namesake AS possible_relatives
    FROM __xjs_guard_flags
    """
    pipeline.enqueue_sql(sql, "__xjs_predictions_guarded")
    return db_api.sql_pipeline_to_splink_dataframe(pipeline)
