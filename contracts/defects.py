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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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

# A column fails only with at least this many defects: on a small table (a
# 300-person drop has 120 probation events) a handful of values is noise, not
# a systematic keying problem, and would pass any share.
MIN_DEFECTS_TO_FAIL = 10

# Wider tolerances where the contract itself says a source keys such values
# routinely: (table, column, reason) -> share of rows. Reasons not listed use
# DEFAULT_TOLERANCE.
TOLERANCES: dict[tuple[str, str, str], float] = {
    # The contract: nDelius dates of birth hold the placeholders 1900-01-01 and
    # 1970-01-01 (the synthetic model keys them on 2% of records).
    ("probation_events", "date_of_birth", PLACEHOLDER): 0.05,
    # The contract: LIBRA dates of birth "may be empty or a placeholder" (0.8% synthetic,
    # too close to the default for a small drop).
    ("magistrates_defendants", "date_of_birth", PLACEHOLDER): 0.03,
    # The contract: nDelius ethnicity_desc includes junk such as `Z_Dummy Ethnicity 04`
    # and `Refusal` (4% synthetic).
    ("probation_events", "ethnicity_desc", JUNK_VALUE): 0.10,
    # p-NOMIS keys the same placeholders (0.5% synthetic); a prison table is small
    # (about 350 journeys per 2,000 people), so four placeholders would pass 1%.
    ("prison_journeys", "birth_date", PLACEHOLDER): 0.03,
    # The contract's own example of a routine defect: a PNC or CRO with the wrong
    # check letter. synthetic/rates.py keys 1% of carried identifiers so (2% in LIBRA),
    # realised up to 1.2% of a table's rows, more on a small table.
    **{
        (table, column, BAD_CHECK_LETTER): 0.04 if table == "magistrates_defendants" else 0.03
        for table, columns in {
            "magistrates_defendants": ("pnc_id", "cro_number"),
            "crown_defendants": ("pnc_id",),
            "probation_events": ("pnc_number", "cro_number"),
            "prison_journeys": ("pnc_id", "cro_number"),
            "oasys_assessments": ("pnc", "cro"),
        }.items()
        for column in columns
    },
}


# Wider tolerances for a reason in every column. An empty name or key is the contract's
# own example of a routine keying defect: FEBRL, an error model this project did not
# write (benchmarks/febrl.py), leaves 1.3-2.3% of surnames empty, while a broken extract
# (a dropped or shifted column) empties far more than 5%.
REASON_TOLERANCES: dict[str, float] = {MISSING_REQUIRED: 0.05}


def tolerance(table: str, column: str, reason: str) -> float:
    """The share of `table`'s rows that may carry this defect before its hop fails."""
    default = REASON_TOLERANCES.get(reason, DEFAULT_TOLERANCE)
    return TOLERANCES.get((table, column, reason), default)


@dataclass(frozen=True)
class DefectCount:
    """One (table, column, reason) of the quarantine, against its table's rows."""

    table: str
    column: str
    reason: str
    count: int
    rows: int

    @property
    def rate(self) -> float:
        return self.count / self.rows if self.rows else 1.0

    @property
    def tolerance(self) -> float:
        return tolerance(self.table, self.column, self.reason)

    @property
    def within_tolerance(self) -> bool:
        return self.rate <= self.tolerance or self.count < MIN_DEFECTS_TO_FAIL

    @property
    def metadata_key(self) -> str:
        """Stable metadata key: `<table>.<column>.<reason>`."""
        return f"{self.table}.{self.column}.{self.reason}"

    def describe(self) -> str:
        """Names, counts and rates only: never a value."""
        return (
            f"{self.table}.{self.column} {self.reason}: {self.count} of {self.rows} rows "
            f"({self.rate:.2%}, tolerance {self.tolerance:.2%})"
        )


def defect_counts(
    counts: Iterable[tuple[str, str, str, int]], rows: Mapping[str, int]
) -> list[DefectCount]:
    """(table, column, reason, count) aggregates of the quarantine with each table's rows."""
    return sorted(
        (DefectCount(t, c, r, int(n), int(rows.get(t, 0))) for t, c, r, n in counts),
        key=lambda d: (d.table, d.column, d.reason),
    )


def over_tolerance(counts: Iterable[DefectCount]) -> list[DefectCount]:
    """The (table, column, reason) whose rate passes its tolerance: these fail the hop."""
    return [d for d in counts if not d.within_tolerance]
