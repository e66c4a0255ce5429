"""Capped blocking (blocking.CAPPED_BLOCKS): a block is paired whole up to its rule's
cap, a larger one only where its split keys agree too (birth day and month for the
name-only rules, the full surname for DOB + surname prefix, ...)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from splink import DuckDBAPI
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from contracts.person_records import PERSON_RECORD_COLUMNS
from linkage import blocking
from linkage.features import features_sql
from linkage.nicknames import nickname_rows

CAP = blocking.NAME_BLOCK_CAP
NAME_RULE, NAME_SPLIT = blocking.capped_rules("name_block_size")


def _features(con: duckdb.DuckDBPyConnection, names: list[tuple]) -> str:
    """Person records with only these (first name, last name, DOB[, outcode]): no
    postcode, no id."""
    rows = pd.DataFrame(
        [
            {c: None for c in PERSON_RECORD_COLUMNS}
            | {
                "unique_id": f"r{i}",
                "source_table": "civil_parties",
                "record_id": f"r{i}",
                "first_name": first,
                "last_name": last,
                "date_of_birth": pd.Timestamp(dob).date() if dob else None,
                "postcode_outcode": outcode[0] if outcode else None,
            }
            for i, (first, last, dob, *outcode) in enumerate(names)
        ]
    )
    con.register("rows", rows)
    # typed as int_person_records is, even where every value is missing
    con.execute(
        "CREATE TABLE records AS SELECT * REPLACE (date_of_birth::DATE AS date_of_birth,"
        " postcode_outcode::VARCHAR AS postcode_outcode) FROM rows"
    )
    con.execute("CREATE TABLE nicknames (short VARCHAR, formal VARCHAR)")
    con.executemany("INSERT INTO nicknames VALUES (?, ?)", nickname_rows())
    con.execute(f"CREATE TABLE features AS {features_sql('records')}")
    return "features"


def _pairs(con: duckdb.DuckDBPyConnection, rule) -> int:
    """Pairs the rule scores (Splink builds them, post filter conditions, exactly)."""
    sdf = DuckDBAPI(con).register("features")
    (counts,) = count_comparisons_from_blocking_rules(
        sdf, blocking_rules=rule, link_type="dedupe_only", record_sample_proportion=1.0
    )
    return int(counts["marginal_comparison_count"])


def test_block_sizes_count_the_whole_release():
    con = duckdb.connect()
    names = [("JOHN", "SMITH", None)] * (CAP + 1) + [("ANNA", "NOWAK", None)] * 3
    _features(con, names)
    sizes = dict(
        con.execute(
            "SELECT last_name, max(name_block_size) FROM features GROUP BY last_name"
        ).fetchall()
    )
    assert sizes == {"SMITH": CAP + 1, "NOWAK": 3}
    # a filter on the features (per source, as the pipeline does) comes after the count
    (size,) = con.execute(
        f"SELECT max(name_block_size) FROM ({features_sql('records')} WHERE first_name = 'ANNA')"
    ).fetchone()
    assert size == 3


def test_a_block_at_the_cap_is_paired_whole_and_a_larger_one_is_split():
    con = duckdb.connect()
    at_cap = [("ANNA", "NOWAK", None)] * CAP
    # CAP + 10 records of one name: two of them share a birthday (years apart), the
    # rest have none, so only that pair shares more than the name
    over = [("JOHN", "SMITH", "1980-03-04"), ("JOHN", "SMITH", "1991-03-04")]
    over += [("JOHN", "SMITH", None)] * (CAP + 8)
    _features(con, at_cap + over)
    assert _pairs(con, NAME_RULE) == CAP * (CAP - 1) // 2
    assert _pairs(con, NAME_SPLIT) == 1


def test_the_capped_rule_counts_at_most_its_cap_as_its_largest_block():
    con = duckdb.connect()
    _features(con, [("JOHN", "SMITH", None)] * (CAP * 3))
    db_api = DuckDBAPI(con)
    sdf = db_api.register("features")
    assert blocking.largest_block_pairs([sdf], NAME_RULE) == CAP * (CAP - 1) // 2


def test_the_cap_cost_benchmark_scores_exactly_what_the_cap_leaves_out():
    # benchmarks/bench_cap_cost.py: pairs of a block over the cap with a DOB missing on
    # one side, none of a block at the cap (those the capped rule scores whole)
    from splink.blocking_rule_library import CustomRule

    from benchmarks.bench_cap_cost import capped_out_rule

    con = duckdb.connect()
    at_cap = [("ANNA", "NOWAK", None)] * CAP
    over = [("JOHN", "SMITH", "1980-03-04"), ("JOHN", "SMITH", "1991-03-04")]
    over += [("JOHN", "SMITH", None)] * (CAP + 8)
    _features(con, at_cap + over)
    n = len(over)
    both_dated = 1
    capped_out = CustomRule(capped_out_rule("name_block_size"))
    assert _pairs(con, capped_out) == n * (n - 1) // 2 - both_dated


def _letters(i: int) -> str:
    return chr(65 + i // 26) + chr(65 + i % 26)


def _dob(b: int, i: int) -> str:
    """Records 0 and 1 share birth day and month (years apart); the others' differ."""
    if i < 2:
        return f"{1980 + 11 * i + b}-12-31"
    return f"{1950 + i % 40}-{1 + i // 28:02d}-{1 + i % 28:02d}"


# column -> (record i of block b: 0 at the cap, 1 over it; the split key of a record).
# A block's records share the rule's keys, the two blocks none; in the block over the
# cap records 0 and 1 share the split key, and the others no split key with them.
CASES = {
    "name_block_size": (
        lambda b, i: (["ANNA", "JOHN"][b], ["NOWAK", "SMITH"][b], _dob(b, i)),
        lambda r: r[2][5:],
    ),
    "surname_block_size": (
        lambda b, i: (["ANN", "JOH"][b] + _letters(i), ["NOWAK", "SMITH"][b], _dob(b, i)),
        lambda r: r[2][5:],
    ),
    "dob_surname_block_size": (
        lambda b, i: ("ANNA", ["NO", "SM"][b] + ("ITH" if i < 2 else _letters(i)), f"198{b}-01-01"),
        lambda r: r[1],
    ),
    "dob_forename_block_size": (
        lambda b, i: (["A", "J"][b] + ("OHN" if i < 2 else _letters(i)), "NOWAK", f"198{b}-01-01"),
        lambda r: r[0],
    ),
    "prefix_outcode_block_size": (
        lambda b, i: (
            ["AN", "JO"][b] + _letters(i),
            ["NO", "SM"][b] + ("ITH" if i < 2 else _letters(i)),
            None,
            ["AB1", "CD2"][b],
        ),
        lambda r: r[1],
    ),
    "prefix_year_block_size": (
        lambda b, i: (
            ["AN", "JO"][b] + _letters(i),
            ["NO", "SM"][b] + _letters(i),
            f"198{b}-{12 if i < 2 else 1 + i % 11:02d}-{1 + i % 28:02d}",
        ),
        lambda r: r[2][5:7],
    ),
}


def test_every_capped_rule_has_a_case():
    assert set(CASES) == set(blocking.CAPPED_BLOCKS)


@pytest.mark.parametrize("column", sorted(CASES))
def test_a_capped_block_is_paired_whole_at_its_cap_and_split_over_it(column):
    make, split_key = CASES[column]
    cap = blocking.CAPPED_BLOCKS[column].cap
    at_cap = [make(0, i) for i in range(cap)]
    over = [make(1, i) for i in range(cap + 10)]
    con = duckdb.connect()
    _features(con, at_cap + over)
    sizes = sorted(r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM features").fetchall())
    assert sizes == [cap, cap + 10]
    whole, split = blocking.capped_rules(column)
    # the split pairs exactly the records of the large block that share its split key
    keys = [split_key(r) for r in over]
    expected = sum(keys.count(k) * (keys.count(k) - 1) // 2 for k in set(keys))
    assert 1 <= expected < len(over) * (len(over) - 1) // 2
    assert _pairs(con, whole) == cap * (cap - 1) // 2
    assert _pairs(con, split) == expected
