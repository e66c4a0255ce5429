"""Coarsening: dates to months, dates of birth to year of birth and age band,
postcodes to postcode area, money to the nearest hundred pounds.

Each rule twice, kept equal by tests/research/test_coarsen.py: as vectorised pandas on
whole columns (the reference, and small inputs) and as a DuckDB SQL expression (the
*_sql functions), which is what the research release and the linkage evaluation's
subgroups use, in the engine. Nulls stay null.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TOP_AGE = 90  # 90 and over is one band, and their year of birth is withheld
AGE_BANDS = [
    (0, 9, "0-9"),
    (10, 17, "10-17"),
    (18, 20, "18-20"),
    (21, 24, "21-24"),
    (25, 29, "25-29"),
    (30, 39, "30-39"),
    (40, 49, "40-49"),
    (50, 59, "50-59"),
    (60, 69, "60-69"),
    (70, 79, "70-79"),
    (80, 89, "80-89"),
    (TOP_AGE, 200, "90+"),
]
AGE_BAND_LABELS = [label for _, _, label in AGE_BANDS]


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce")


def month(values: pd.Series) -> pd.Series:
    """'YYYY-MM'."""
    return _dates(values).dt.strftime("%Y-%m").astype("string")


def age_at(date_of_birth: pd.Series, on: pd.Series | pd.Timestamp) -> pd.Series:
    """Completed years between date of birth and a date (nullable integer)."""
    dob, when = _dates(date_of_birth), pd.to_datetime(on)
    if isinstance(when, pd.Series):
        years, months, days = when.dt.year, when.dt.month, when.dt.day
    else:
        years, months, days = when.year, when.month, when.day
    before_birthday = (months < dob.dt.month) | ((months == dob.dt.month) & (days < dob.dt.day))
    age = years - dob.dt.year - before_birthday.astype(int)
    return age.where(dob.notna() & pd.Series(True, index=dob.index)).astype("Int64")


def age_band(date_of_birth: pd.Series, on: pd.Series | pd.Timestamp) -> pd.Series:
    """AGE_BANDS label of the completed age at a date; null when a date is missing or the
    age is negative. The one age-band rule: the research release publishes it and the
    linkage evaluation's subgroups use it."""
    age = age_at(date_of_birth, on)
    valid = age.notna() & (age >= 0)
    edges = np.array([low for low, _, _ in AGE_BANDS])
    codes = np.searchsorted(edges, age.fillna(0).to_numpy(dtype=int), side="right") - 1
    labels = np.array(AGE_BAND_LABELS, dtype=object)[np.clip(codes, 0, len(edges) - 1)]
    return pd.Series(labels, index=age.index).where(valid).astype("string")


def year_of_birth(date_of_birth: pd.Series, release_date: pd.Timestamp) -> pd.Series:
    """Year of birth, withheld (null) for anyone 90 or over at the release date."""
    dob = _dates(date_of_birth)
    year = dob.dt.year.astype("Int64")
    return year.where(age_at(dob, release_date) < TOP_AGE).astype("Int64")


def postcode_area(postcode: pd.Series) -> pd.Series:
    """The letters before the first digit of a canonical postcode: 'LS1 4AB' -> 'LS'."""
    return postcode.astype("string").str.extract(r"^([A-Z]{1,2})\d", expand=False).astype("string")


def round_to(values: pd.Series, base: int) -> pd.Series:
    """Nearest multiple of base, halves up (nullable integer)."""
    numbers = pd.to_numeric(values, errors="coerce").astype("Float64")
    return (np.floor(numbers / base + 0.5) * base).astype("Int64")


def release_date(release_id: str) -> pd.Timestamp:
    """The last day of the release month (as dbt's release_date() macro)."""
    return pd.Timestamp(release_id[:7] + "-01") + pd.offsets.MonthEnd(0)


# --- the same rules as SQL expressions (DuckDB), for tables built in the engine ------------
# Each takes SQL expressions and returns one; tests/research/test_coarsen.py holds them to
# the pandas functions above, value for value.


def _date_sql(expr: str) -> str:
    return f"try_cast({expr} as date)"


def month_sql(expr: str) -> str:
    """'YYYY-MM' (see month)."""
    return f"strftime({_date_sql(expr)}, '%Y-%m')"


def age_at_sql(date_of_birth: str, on: str) -> str:
    """Completed years between the two dates (see age_at); null when either is null."""
    dob, when = _date_sql(date_of_birth), _date_sql(on)
    before = (
        f"(month({when}) < month({dob}) or "
        f"(month({when}) = month({dob}) and day({when}) < day({dob})))"
    )
    return f"(year({when}) - year({dob}) - cast({before} as integer))"


def age_band_sql(date_of_birth: str, on: str) -> str:
    """AGE_BANDS label of the completed age at a date (see age_band)."""
    age = age_at_sql(date_of_birth, on)
    whens = " ".join(f"when {age} >= {low} then '{label}'" for low, _, label in reversed(AGE_BANDS))
    return f"(case {whens} else null end)"


def year_of_birth_sql(date_of_birth: str, release_date: pd.Timestamp) -> str:
    """Year of birth, withheld at TOP_AGE and over on the release date (see year_of_birth)."""
    on = f"date '{release_date:%Y-%m-%d}'"
    return (
        f"(case when {age_at_sql(date_of_birth, on)} < {TOP_AGE} "
        f"then year({_date_sql(date_of_birth)}) end)"
    )


def postcode_area_sql(expr: str) -> str:
    """The letters before the first digit of a canonical postcode (see postcode_area)."""
    return f"nullif(regexp_extract(cast({expr} as varchar), '^([A-Z]{{1,2}})\\d', 1), '')"


def round_to_sql(expr: str, base: int) -> str:
    """Nearest multiple of base, halves up (see round_to)."""
    return f"cast(floor(try_cast({expr} as double) / {int(base)} + 0.5) * {int(base)} as bigint)"
