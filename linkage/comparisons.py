"""The model's comparisons, studied from MoJ's Core Person Record (CPR) model.

As in hmpps-person-match: one name comparison (exact full name with term
frequencies, fuzzy, swapped, alias intersection, partial), date of birth with
alias dates and keying-error levels, postcode with full / sector / outcode and
term frequencies, other forenames, and exact levels for each justice
identifier. Extensions for these sources: day/month transposition and
"same day and month, year one out" (both common keying slips in court data), and
the forename array folds in the middle names, so a person known by a second
forename still meets the alias level. Columns are those of linkage/features.py.
Placeholder dates and junk values are nulled in dbt, so they fall in null
levels and never count as matches.
"""

from __future__ import annotations

import splink.comparison_library as cl


def _level(sql: str, label: str, tf: str | None = None) -> dict:
    d = {"sql_condition": sql, "label_for_charts": label}
    if tf:
        d["tf_adjustment_column"] = tf
        d["tf_adjustment_weight"] = 1.0
    return d


def _null(sql: str) -> dict:
    return {"sql_condition": sql, "label_for_charts": "null", "is_null_level": True}


ELSE = _level("ELSE", "all other")


def _either_null(col: str) -> dict:
    return _null(f'"{col}_l" IS NULL OR "{col}_r" IS NULL')


def _equal(col: str) -> str:
    return f'"{col}_l" = "{col}_r"'


def _jw(col: str, t: float) -> str:
    return f'jaro_winkler_similarity("{col}_l", "{col}_r") >= {t}'


def _intersect(col: str) -> str:
    return f'len(list_intersect("{col}_l", "{col}_r")) >= 1'


def _initial_of(col: str) -> str:
    """One side is a bare initial (CaseMan's `J SMITH` style) equal to the other's first letter."""
    return (
        f'(length("{col}_l") = 1 OR length("{col}_r") = 1)'
        f' AND substr("{col}_l", 1, 1) = substr("{col}_r", 1, 1)'
    )


NAME = cl.CustomComparison(
    output_column_name="name",
    comparison_description="forename and surname: exact, fuzzy, swapped, alias, partial",
    comparison_levels=[
        _null(
            '("first_name_l" IS NULL AND "last_name_l" IS NULL)'
            ' OR ("first_name_r" IS NULL AND "last_name_r" IS NULL)'
        ),
        _level(_equal("full_name"), "exact forename and surname", "full_name"),
        _level(f"{_jw('first_name', 0.92)} AND {_jw('last_name', 0.92)}", "both names JW >= 0.92"),
        _level(
            '"first_name_l" = "last_name_r" AND "last_name_l" = "first_name_r"',
            "forename and surname swapped",
        ),
        _level(
            f"{_intersect('forename_arr')} AND {_intersect('last_name_arr')}",
            "forename and surname meet via an alias or other forename",
        ),
        _level(f"{_jw('first_name', 0.8)} AND {_jw('last_name', 0.8)}", "both names JW >= 0.8"),
        # a civil party keyed `J SMITH` against JOHN SMITH: the initial is consistent, not a
        # disagreement; surname term frequencies, since the forename says little
        _level(
            f"{_initial_of('first_name')} AND {_equal('last_name')}",
            "forename initial and surname",
            "last_name",
        ),
        # no term frequencies on one name alone: a rare surname shared by a household
        # would outweigh the disagreeing forename (CPR keeps them; see relatives.py)
        _level(_equal("last_name"), "exact surname only"),
        _level(_equal("first_name"), "exact forename only"),
        ELSE,
    ],
)

MIDDLE_NAMES = cl.CustomComparison(
    output_column_name="middle_names",
    comparison_description="other forenames",
    comparison_levels=[
        _either_null("middle_names"),
        _level(_equal("middle_names"), "exact", "middle_names"),
        _level(_jw("middle_names", 0.88), "JW >= 0.88"),
        _level(_initial_of("middle_names"), "one side an initial, consistent"),
        _level('substr("middle_names_l", 1, 1) = substr("middle_names_r", 1, 1)', "same initial"),
        ELSE,
    ],
)

_DOB_L = "strftime(\"date_of_birth_l\", '%Y-%m-%d')"
_DOB_R = "strftime(\"date_of_birth_r\", '%Y-%m-%d')"

DATE_OF_BIRTH = cl.CustomComparison(
    output_column_name="date_of_birth",
    comparison_description="date of birth, with prison alias dates; null never matches",
    comparison_levels=[
        _either_null("dob_arr"),
        _level(_equal("date_of_birth"), "exact", "date_of_birth"),
        _level(_intersect("dob_arr"), "match via a prison alias date"),
        _level(f"damerau_levenshtein({_DOB_L}, {_DOB_R}) <= 1", "one keying error"),
        _level(
            'year("date_of_birth_l") = year("date_of_birth_r")'
            ' AND month("date_of_birth_l") = day("date_of_birth_r")'
            ' AND day("date_of_birth_l") = month("date_of_birth_r")',
            "day and month transposed",
        ),
        _level(
            'month("date_of_birth_l") = month("date_of_birth_r")'
            ' AND day("date_of_birth_l") = day("date_of_birth_r")'
            ' AND abs(year("date_of_birth_l") - year("date_of_birth_r")) = 1',
            "same day and month, year one out",
        ),
        _level('year("date_of_birth_l") = year("date_of_birth_r")', "same year only"),
        ELSE,
    ],
)

# The street address is a level of the postcode comparison, not a comparison of its
# own: one address, one postcode, so two comparisons would count the same agreement
# twice. Its own levels are where it says more than the postcode (the same address
# within one postcode: ~15 addresses share a postcode) or where the postcode cannot
# speak (one side missing or keyed wrong); its term frequencies weigh "1 HIGH STREET".
POSTCODE = cl.CustomComparison(
    output_column_name="postcode",
    comparison_description="address: postcode and street address, postcode full, street "
    "address alone, postcode sector, outcode (term-frequency adjusted)",
    comparison_levels=[
        # an address only ever speaks for a match: sources key the lines differently,
        # so two unequal addresses without postcodes stay neutral, as they were
        _null(
            '("postcode_l" IS NULL OR "postcode_r" IS NULL)'
            f" AND NOT coalesce({_equal('address')}, FALSE)"
        ),
        _level(
            f"{_equal('postcode')} AND {_equal('address')}",
            "exact postcode and address",
            "postcode",
        ),
        _level(_equal("postcode"), "exact", "postcode"),
        _level(_equal("address"), "same street address, postcode differs or missing", "address"),
        _level(_equal("postcode_sector"), "same sector"),
        _level(_equal("postcode_outcode"), "same outcode", "postcode_outcode"),
        ELSE,
    ],
)


def exact(column: str) -> cl.ExactMatch:
    """Agree / disagree on an identifier; null when either side lacks it."""
    return cl.ExactMatch(column)


COMPARISONS = [
    NAME,
    MIDDLE_NAMES,
    DATE_OF_BIRTH,
    POSTCODE,
    exact("pnc"),
    exact("cro"),
    exact("noms_number"),
    exact("crn"),
    exact("asn"),
    exact("sex"),
]
