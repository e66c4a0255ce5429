"""Name-only blocking is capped: a name block is paired whole up to NAME_BLOCK_CAP
records, a larger one only where birth day and month agree too."""

from __future__ import annotations

import duckdb
import pandas as pd
from splink import DuckDBAPI
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from contracts.person_records import PERSON_RECORD_COLUMNS
from linkage import blocking
from linkage.features import features_sql
from linkage.nicknames import nickname_rows

CAP = blocking.NAME_BLOCK_CAP
NAME_RULE, NAME_SPLIT = blocking.name_only_rules("name_block_size")


def _features(con: duckdb.DuckDBPyConnection, names: list[tuple[str, str, str | None]]) -> str:
    """Person records with only these (first name, last name, DOB): no postcode, no id."""
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
            }
            for i, (first, last, dob) in enumerate(names)
        ]
    )
    con.register("rows", rows)
    con.execute("CREATE TABLE records AS SELECT * FROM rows")
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
