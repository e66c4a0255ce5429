"""The relatives guard and the initial-aware levels, on hand-made pairs (no Splink run)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from linkage import comparisons, relatives

COLUMNS = (
    "unique_id VARCHAR, first_name VARCHAR, middle_names VARCHAR, last_name VARCHAR,"
    " forename_arr VARCHAR[], date_of_birth DATE, dob_arr DATE[], postcode VARCHAR,"
    " pnc VARCHAR, cro VARCHAR, noms_number VARCHAR, crn VARCHAR,"
    " household_forenames_with_initial BIGINT, given_name_arr VARCHAR[], sex VARCHAR"
)


def _rec(
    uid,
    first,
    last,
    dob=None,
    postcode="AB1 2CD",
    middle=None,
    pnc=None,
    n_initial=1,
    formal=(),
    sex=None,
):
    """A guard-feature row; formal: the formal forms of a diminutive forename."""
    given = sorted({first, *formal})
    arr = sorted({*given, *(middle.split() if middle else [])})
    return (uid, first, middle, last, arr, dob, [dob] if dob else None, postcode, pnc, None, None,
            None, n_initial, given, sex)  # fmt: skip


def _flags(left: tuple, right: tuple) -> tuple[bool, bool]:
    """(relatives, household without DOB) for one pair."""
    con = duckdb.connect()
    con.execute(f"CREATE TABLE l ({COLUMNS})")
    con.execute(f"CREATE TABLE r ({COLUMNS})")
    con.execute(f"INSERT INTO l VALUES ({', '.join('?' * 15)})", left)
    con.execute(f"INSERT INTO r VALUES ({', '.join('?' * 15)})", right)
    sql = (
        f"SELECT ({relatives.relatives_condition()}),"
        f" ({relatives.household_without_dob_condition()}) FROM l, r"
    )
    out = con.execute(sql).fetchall()[0]
    con.close()
    return bool(out[0]), bool(out[1])


D1, D2 = dt.date(1980, 3, 4), dt.date(2004, 9, 21)


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        # twins: same surname and DOB, different forenames
        (_rec("a", "JOHN", "SMITH", D1), _rec("b", "PAUL", "SMITH", D1), (True, False)),
        # a bare initial is consistent with the forename: not relatives
        (_rec("a", "J", "SMITH", D1), _rec("b", "JOHN", "SMITH", D1), (False, False)),
        # twins of one sex, or of different sex with near forenames, are held down too
        (
            _rec("a", "JOHN", "SMITH", D1, sex="M"),
            _rec("b", "PAUL", "SMITH", D1, sex="M"),
            (True, False),
        ),
        (
            _rec("a", "JOHN", "SMITH", D1, sex="M"),
            _rec("b", "JOAN", "SMITH", D1, sex="F"),
            (True, False),
        ),
        # ...but a near forename with no sex to tell them apart is not evidence
        (_rec("a", "JOHN", "SMITH", D1), _rec("b", "JOAN", "SMITH", D1), (False, False)),
        # a typo (JW >= 0.8) is not a different forename
        (_rec("a", "STEVEN", "SMITH", D1), _rec("b", "STEVAN", "SMITH", D1), (False, False)),
        # nor one slip in a short forename, though its JW is below 0.8 (0.56; 0.78)
        (_rec("a", "SAM", "SMITH", D1), _rec("b", "SMA", "SMITH", D1), (False, False)),
        (_rec("a", "KAI", "SMITH", D1), _rec("b", "JAI", "SMITH", D1), (False, False)),
        # nor a spelling variant that keeps the initial (JW 0.74, five edits)
        (_rec("a", "SIOBHAN", "SMITH", D1), _rec("b", "SHIVAUN", "SMITH", D1), (False, False)),
        # a bare initial is consistent with either sex's forename
        (
            _rec("a", "J", "SMITH", D1, sex="M"),
            _rec("b", "JOAN", "SMITH", D1, sex="F"),
            (False, False),
        ),
        # father and son of one name at one address, dates of birth far apart
        (_rec("a", "JOHN", "SMITH", D1), _rec("b", "JOHN", "SMITH", D2), (True, False)),
        # one keying slip in the date is not a different person
        (
            _rec("a", "JOHN", "SMITH", D1),
            _rec("b", "JOHN", "SMITH", dt.date(1981, 3, 4)),
            (False, False),
        ),
        # a shared identifier overrides everything
        (
            _rec("a", "JOHN", "SMITH", D1, pnc="X"),
            _rec("b", "JOHN", "SMITH", D2, pnc="X"),
            (False, False),
        ),
        # no DOB, a middle name used as forename, same address: a possible household
        (
            _rec("a", "DAVID", "SMITH", middle="JOHN"),
            _rec("b", "JOHN", "SMITH"),
            (False, True),
        ),
        # ...unless the middle names agree
        (
            _rec("a", "DAVID", "SMITH", middle="JOHN"),
            _rec("b", "DAVE", "SMITH", middle="J"),
            (False, False),
        ),
        # an initial with one full forename of that letter at the address is unambiguous
        (_rec("a", "J", "SMITH"), _rec("b", "JOHN", "SMITH"), (False, False)),
        # ...with two (JOHN and JAMES live there) it is capped
        (
            _rec("a", "J", "SMITH", n_initial=2),
            _rec("b", "JOHN", "SMITH", n_initial=2),
            (False, True),
        ),
        # a nickname of the other's forename is one person, not a household member
        (
            _rec("a", "MIKE", "SMITH", formal=("MICHAEL",)),
            _rec("b", "MICHAEL", "SMITH"),
            (False, False),
        ),
    ],
)
def test_guard_conditions(left, right, expected):
    assert _flags(left, right) == expected


def test_caps_sit_between_the_thresholds():
    """Household pairs link only at the low threshold; namesakes not at the high one."""
    from linkage.settings import THRESHOLDS

    household = relatives._probability(relatives.HOUSEHOLD_CAP_WEIGHT)
    namesake = relatives._probability(relatives.NAMESAKE_CAP_WEIGHT)
    assert THRESHOLDS.low <= household < THRESHOLDS.default <= namesake < THRESHOLDS.high


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [("J", "JOHN", True), ("JOHN", "J", True), ("J", "PAUL", False), ("JOHN", "JAMES", False)],
)
def test_initial_level(left, right, expected):
    sql = comparisons._initial_of("first_name")
    con = duckdb.connect()
    query = f"SELECT {sql} FROM (SELECT ? AS first_name_l, ? AS first_name_r)"
    got = con.execute(query, [left, right]).fetchall()[0][0]
    con.close()
    assert bool(got) is expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (_rec("a", "JOHN", "SMITH"), _rec("b", "JOHN", "SMITH"), True),
        (_rec("a", "JOHN", "SMITH", D1), _rec("b", "JOHN", "SMITH", D1), False),  # DOB compared
        (_rec("a", "JOHN", "SMITH", middle="ALAN"), _rec("b", "JOHN", "SMITH", middle="A"), False),
        (_rec("a", "JOHN", "SMITH"), _rec("b", "JOHN", "SMITH", postcode="ZZ9 9ZZ"), False),
    ],
)
def test_namesake_without_dob(left, right, expected):
    con = duckdb.connect()
    for t, row in (("l", left), ("r", right)):
        con.execute(f"CREATE TABLE {t} ({COLUMNS})")
        con.execute(f"INSERT INTO {t} VALUES ({', '.join('?' * 15)})", row)
    got = con.execute(f"SELECT {relatives.namesake_without_dob_condition()} FROM l, r").fetchall()
    con.close()
    assert bool(got[0][0]) is expected
