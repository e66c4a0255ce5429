"""Value-level defects: the reason codes and the tolerances, defined once.

The data contract (docs/landing-contract.md, "Defects") has two classes of
defect. File-level defects fail the drop (xjs/drops.py). Value-level defects
are quarantined: the value becomes null in staging and one row per
(source_table, record_id, column_name, reason) goes to the warehouse table
QUARANTINE_TABLE, which holds codes, never values. A hop fails only when a
column's defect rate passes its tolerance.

The dbt macros that detect defects (dbt_project/macros/defects.sql) emit these
codes; tests/dbt hold the two to each other.
"""

from __future__ import annotations

QUARANTINE_SCHEMA = "quarantine"
QUARANTINE_TABLE = f"{QUARANTINE_SCHEMA}.value_defects"
QUARANTINE_COLUMNS = ("source_table", "record_id", "column_name", "reason")

# Reason codes: what was wrong with a value (never the value itself).
UNPARSEABLE = "unparseable"  # not in the contract's format: a DOB typed 20/05/979
IMPOSSIBLE_DATE = "impossible_date"  # the right shape, not a calendar date: 30/02/1987
BEFORE_1900 = "before_1900"  # a date before 1900-01-02: 03/05/1890
IN_FUTURE = "in_future"  # a date after the release date: 2090-06-15
PLACEHOLDER = "placeholder"  # a known placeholder: DOB 1900-01-01 or 1970-01-01
MISSING_REQUIRED = "missing_required"  # empty where the contract requires a value
JUNK_VALUE = "junk_value"  # a known junk entry: NOT KNOWN, Z_Dummy Ethnicity 04
NOT_IN_CODE_LIST = "not_in_code_list"  # outside the contract's code list
BAD_FORMAT = "bad_format"  # an identifier of the wrong shape
BAD_CHECK_LETTER = "bad_check_letter"  # a PNC or CRO whose check letter is wrong
CONTROL_CHARACTER = "control_character"  # a control or NUL character
TOO_LONG = "too_long"  # longer than any real value of that column (MAX_TEXT_LENGTH)
OUT_OF_RANGE = "out_of_range"  # a number outside its range: a need score of 7

REASONS: tuple[str, ...] = (
    UNPARSEABLE,
    IMPOSSIBLE_DATE,
    BEFORE_1900,
    IN_FUTURE,
    PLACEHOLDER,
    MISSING_REQUIRED,
    JUNK_VALUE,
    NOT_IN_CODE_LIST,
    BAD_FORMAT,
    BAD_CHECK_LETTER,
    CONTROL_CHARACTER,
    TOO_LONG,
    OUT_OF_RANGE,
)

MAX_TEXT_LENGTH = 1000  # characters; no name, address or code of a real extract is longer

# A column's defects may reach this share of its table's rows before the hop fails.
DEFAULT_TOLERANCE = 0.01

# Wider tolerances where the contract itself says a source keys such values
# routinely: (table, column, reason) -> share of rows. Reasons not listed use
# DEFAULT_TOLERANCE.
TOLERANCES: dict[tuple[str, str, str], float] = {}


def tolerance(table: str, column: str, reason: str) -> float:
    """The share of `table`'s rows that may carry this defect before its hop fails."""
    return TOLERANCES.get((table, column, reason), DEFAULT_TOLERANCE)
