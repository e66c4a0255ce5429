"""The Splink model: comparisons, blocking rules and match thresholds, defined once.

Shaped after MoJ's Core Person Record model (hmpps-person-match): one name
comparison with exact / fuzzy / swapped / alias levels, a date-of-birth
comparison that tolerates keying errors and alias dates, postcodes at full and
outcode level, and exact matches on the justice identifiers. The columns used
here are those of int_person_records plus the few derived in linkage/features.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

MODEL_VERSION = "xjs-person-v1"


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities at which two records are the same person.

    high (cluster_high): a pair must be near-certain; used for cautious analyses.
    default (person_id): the published person.
    low (cluster_low): generous, for sensitivity analyses of missed links.
    Tuned on synthetic drops: below ~0.9 false links between namesakes sharing a
    date of birth start to chain into clusters; above ~0.99 recall drops for
    records carrying no identifier (family and civil parties).
    """

    high: float = 0.999
    default: float = 0.95
    low: float = 0.8

    def __post_init__(self) -> None:
        if not 0 < self.low <= self.default <= self.high < 1:
            raise ValueError("thresholds must satisfy 0 < low <= default <= high < 1")

    def as_dict(self) -> dict[str, float]:
        return {"high": self.high, "default": self.default, "low": self.low}


THRESHOLDS = Thresholds()


def _levels(*levels: tuple[str, str] | tuple[str, str, str] | dict) -> list[dict]:
    """(sql, label[, tf column]) tuples -> Splink comparison level dicts."""
    out = []
    for level in levels:
        if isinstance(level, dict):
            out.append(level)
            continue
        sql, label, *tf = level
        d = {"sql_condition": sql, "label_for_charts": label}
        if tf:
            d["tf_adjustment_column"] = tf[0]
            d["tf_adjustment_weight"] = 1.0
        out.append(d)
    return out


def _null(sql: str) -> dict:
    return {"sql_condition": sql, "label_for_charts": "null", "is_null_level": True}


ELSE = ("ELSE", "all other")

NAME = cl.CustomComparison(
    output_column_name="name",
    comparison_description="forename and surname: exact, fuzzy, swapped, alias",
    comparison_levels=_levels(
        _null(
            '("first_name_l" IS NULL AND "last_name_l" IS NULL)'
            ' OR ("first_name_r" IS NULL AND "last_name_r" IS NULL)'
        ),
        ('"full_name_l" = "full_name_r"', "exact forename and surname", "full_name"),
        (
            'jaro_winkler_similarity("first_name_l", "first_name_r") >= 0.92'
            ' AND jaro_winkler_similarity("last_name_l", "last_name_r") >= 0.92',
            "both names Jaro-Winkler >= 0.92",
        ),
        (
            '"first_name_l" = "last_name_r" AND "last_name_l" = "first_name_r"',
            "forename and surname swapped",
        ),
        (
            'list_has_any("first_name_arr_l", "first_name_arr_r")'
            ' AND list_has_any("last_name_arr_l", "last_name_arr_r")',
            "forename and surname match via a prison alias",
        ),
        (
            'jaro_winkler_similarity("first_name_l", "first_name_r") >= 0.8'
            ' AND jaro_winkler_similarity("last_name_l", "last_name_r") >= 0.8',
            "both names Jaro-Winkler >= 0.8",
        ),
        ('"last_name_l" = "last_name_r"', "exact surname only", "last_name"),
        ('"first_name_l" = "first_name_r"', "exact forename only", "first_name"),
        ELSE,
    ),
)

MIDDLE_NAMES = cl.CustomComparison(
    output_column_name="middle_names",
    comparison_description="other forenames",
    comparison_levels=_levels(
        _null('"middle_names_l" IS NULL OR "middle_names_r" IS NULL'),
        ('"middle_names_l" = "middle_names_r"', "exact"),
        ('jaro_winkler_similarity("middle_names_l", "middle_names_r") >= 0.88', "JW >= 0.88"),
        ('substr("middle_names_l", 1, 1) = substr("middle_names_r", 1, 1)', "same initial"),
        ELSE,
    ),
)

_DOB_L = "strftime(\"date_of_birth_l\", '%Y-%m-%d')"
_DOB_R = "strftime(\"date_of_birth_r\", '%Y-%m-%d')"

DATE_OF_BIRTH = cl.CustomComparison(
    output_column_name="date_of_birth",
    comparison_description="date of birth, with prison alias dates; null never matches",
    comparison_levels=_levels(
        _null('"dob_arr_l" IS NULL OR "dob_arr_r" IS NULL'),
        ('"date_of_birth_l" = "date_of_birth_r"', "exact"),
        ('list_has_any("dob_arr_l", "dob_arr_r")', "match via a prison alias date"),
        (f"damerau_levenshtein({_DOB_L}, {_DOB_R}) <= 1", "one keying error"),
        (
            'year("date_of_birth_l") = year("date_of_birth_r")'
            ' AND month("date_of_birth_l") = day("date_of_birth_r")'
            ' AND day("date_of_birth_l") = month("date_of_birth_r")',
            "day and month transposed",
        ),
        ('year("date_of_birth_l") = year("date_of_birth_r")', "same year"),
        ELSE,
    ),
)

POSTCODE = cl.CustomComparison(
    output_column_name="postcode",
    comparison_description="postcode: full, sector, outcode",
    comparison_levels=_levels(
        _null('"postcode_l" IS NULL OR "postcode_r" IS NULL'),
        ('"postcode_l" = "postcode_r"', "exact"),
        ('"postcode_sector_l" = "postcode_sector_r"', "same sector"),
        ('"postcode_outcode_l" = "postcode_outcode_r"', "same outcode"),
        ELSE,
    ),
)


def _exact(column: str) -> cl.ExactMatch:
    return cl.ExactMatch(column)


COMPARISONS = [
    NAME,
    MIDDLE_NAMES,
    DATE_OF_BIRTH,
    POSTCODE,
    _exact("pnc"),
    _exact("cro"),
    _exact("noms_number"),
    _exact("crn"),
    _exact("asn"),
    _exact("sex"),
]

# Blocking for prediction. Each rule is an equi-join so DuckDB hashes it; the
# union of their pairs is what gets scored. Identifiers catch linked records
# whatever their names; the rest catch records without identifiers, with
# keying errors in one of name, date of birth or postcode.
BLOCKING_RULES = [
    block_on("pnc"),
    block_on("cro"),
    block_on("noms_number"),
    block_on("crn"),
    block_on("asn"),
    block_on("date_of_birth", "substr(last_name, 1, 2)"),
    block_on("date_of_birth", "substr(first_name, 1, 1)"),
    block_on("date_of_birth", "postcode"),
    block_on("first_name", "last_name"),
    block_on("first_name", "postcode"),
    block_on("last_name", "postcode"),
    block_on("substr(first_name, 1, 2)", "substr(last_name, 1, 2)", "postcode_outcode"),
    block_on("substr(first_name, 1, 2)", "substr(last_name, 1, 2)", "year(date_of_birth)"),
    CustomRule(
        "l.first_name = r.last_name AND l.last_name = r.first_name"
        " AND l.date_of_birth = r.date_of_birth"
    ),
    # prison aliases: any of one record's dates of birth and surnames equal to the other's
    block_on("dob_arr", "last_name_arr", arrays_to_explode=["dob_arr", "last_name_arr"]),
]

# Rules admitting (almost) no false positives, used to estimate the prior
# probability that two random records match, with their assumed recall.
DETERMINISTIC_RULES = [
    block_on("pnc"),
    block_on("first_name", "last_name", "date_of_birth"),
    "l.crn = r.crn AND l.date_of_birth = r.date_of_birth",
]
DETERMINISTIC_RECALL = 0.8

# EM is run once per rule; each rule leaves the comparisons it blocks on untouched,
# so together they estimate m for every comparison.
EM_BLOCKING_RULES = [
    block_on("date_of_birth"),
    block_on("first_name", "last_name"),
]


def settings_creator(link_uid: str) -> SettingsCreator:
    """Untrained settings; link_uid is fixed so the saved model is reproducible."""
    return SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        source_dataset_column_name="source_table",
        comparisons=COMPARISONS,
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        linker_uid=link_uid,
    )
