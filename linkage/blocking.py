"""Blocking rules: which pairs get scored, and the rules used in training.

Prediction rules follow CPR's blocking_rules_tight: identifiers first, then
date of birth with name prefixes or postcode, names with postcode, swapped
names, and prison aliases. Each is an equi-join (DuckDB hashes it) and Splink
scores the union of their pairs once. The budget is <= 50 comparisons per record
while capturing >= 99.5% of true pairs; benchmarks/bench_blocking.py measures both on
a drop with truth (and linkage.evaluation.blocking_recall on every linked release).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from splink import block_on
from splink.blocking_analysis import n_largest_blocks
from splink.blocking_rule_library import And, CustomRule
from splink.internals.splink_dataframe import SplinkDataFrame

LINK_TYPE = "link_and_dedupe"

# A rule keyed on a fixed key space (a date of birth, two-letter name prefixes, a birth
# year, a common name) pairs every two records of a block, and its blocks grow with the
# release: so do its pairs per record. Such a rule scores a block whole only up to a cap
# of records; a larger block only where a more selective key agrees too (CAPPED_BLOCKS).
# The split key is one the rule's own errors leave alone, and the other rules cover what
# it adds: a true pair lost needs two independent errors no other rule catches.
#
# Name-only rules (forename + surname; surname + forename prefix): up to NAME_BLOCK_CAP
# records a block is scored whole; a larger one only where the records also share their
# birth day and month (a year keyed wrong). The other rules still pair its records on
# DOB, year of birth, postcode, outcode or an identifier, so what is left unscored
# shares nothing but a common name: in a block of n records of people with k records
# each, such a pair is the same person with chance about (k - 1) / (n - 1), under 10%
# past 50 records even at k = 5. Measured at 1M (benchmarks/bench_cap_cost.py,
# docs/linkage.md "Blocking"): the model would accept 10,644 of the 121,109 true pairs
# left out (0.2% of all true pairs), with 1,321 false ones, for 4.8M more comparisons.
NAME_BLOCK_CAP = 50
# DOB + surname prefix -> + full surname, DOB + forename initial -> + full forename
# (lost: the same DOB with both names keyed wrong past their prefix, which name prefixes
# + birth year still catch), name prefixes + birth year -> + birth month (lost: a DOB
# error in the month with a wrong initial or surname change on DOB's rules), name prefixes
# + outcode -> + full surname. Their blocks hold a person's own records (about 4.5 a
# person, dozens for a prolific offender) and namesakes born the same day, so the cap
# is below the name rules'. Swept at 30, 15 and 10 (docs/linkage.md "Blocking"): 10 keeps
# comparisons per record within 11% from 1M to 4M (30: +25%) for 0.0003 of reachable
# recall, and moves F1 by under 0.001 on own, hard and FEBRL 3-4.
KEYED_BLOCK_CAP = 10


@dataclass(frozen=True)
class BlockCap:
    """A capped rule: its keys, the keys added in blocks over the cap, the cap."""

    keys: tuple[str, ...]
    split: tuple[str, ...]
    cap: int


_DAY = ("month(date_of_birth)", "day(date_of_birth)")
# feature column (the block size of each record: records sharing its keys, counted over
# the whole release by linkage.features) -> its rule
CAPPED_BLOCKS = {
    "name_block_size": BlockCap(("first_name", "last_name"), _DAY, NAME_BLOCK_CAP),
    "surname_block_size": BlockCap(("last_name", "substr(first_name, 1, 3)"), _DAY, NAME_BLOCK_CAP),
    "dob_surname_block_size": BlockCap(
        ("date_of_birth", "substr(last_name, 1, 2)"), ("last_name",), KEYED_BLOCK_CAP
    ),
    "dob_forename_block_size": BlockCap(
        ("date_of_birth", "substr(first_name, 1, 1)"), ("first_name",), KEYED_BLOCK_CAP
    ),
    "prefix_outcode_block_size": BlockCap(
        ("substr(first_name, 1, 2)", "substr(last_name, 1, 2)", "postcode_outcode"),
        ("last_name",),
        KEYED_BLOCK_CAP,
    ),
    "prefix_year_block_size": BlockCap(
        ("substr(first_name, 1, 2)", "substr(last_name, 1, 2)", "year(date_of_birth)"),
        ("month(date_of_birth)",),
        KEYED_BLOCK_CAP,
    ),
}


class CappedRule(And):
    """A rule limited to blocks of at most its cap's records (CAPPED_BLOCKS)."""

    def __init__(self, column: str):
        cap = CAPPED_BLOCKS[column]
        self.cap = cap.cap
        small = CustomRule(f"l.{column} <= {cap.cap} AND r.{column} <= {cap.cap}")
        super().__init__(block_on(*cap.keys), small)


def capped_rules(column: str) -> list:
    """The rule of a CAPPED_BLOCKS column, capped, and its split for larger blocks (an
    equi-join on more keys, hashed as the others are)."""
    cap = CAPPED_BLOCKS[column]
    large = CustomRule(f"l.{column} > {cap.cap} AND r.{column} > {cap.cap}")
    return [CappedRule(column), And(block_on(*cap.keys, *cap.split), large)]


PREDICTION_RULES = [
    block_on("pnc"),
    block_on("cro"),
    block_on("noms_number"),
    block_on("crn"),
    block_on("asn"),
    *capped_rules("dob_surname_block_size"),
    *capped_rules("dob_forename_block_size"),
    block_on("date_of_birth", "postcode"),
    *capped_rules("name_block_size"),
    block_on("first_name", "postcode"),
    block_on("last_name", "postcode"),
    *capped_rules("prefix_outcode_block_size"),
    *capped_rules("prefix_year_block_size"),
    # surname with a forename prefix: forename typos and missing DOBs (civil, family);
    # lifts blocking recall over 99.5% on the 20k drops at +0.6 comparisons per record
    *capped_rules("surname_block_size"),
    CustomRule(
        "l.first_name = r.last_name AND l.last_name = r.first_name"
        " AND l.date_of_birth = r.date_of_birth"
    ),
    # prison aliases: any of one record's dates of birth and surnames equal to the other's
    block_on("dob_arr", "last_name_arr", arrays_to_explode=["dob_arr", "last_name_arr"]),
]

# Rules admitting (almost) no false positives: the pairs they find, over all pairs, are
# a lower bound of the prior probability that two random records match (lambda), where
# training starts; training.prior_from_scores then estimates lambda from the release.
DETERMINISTIC_RULES = [
    block_on("pnc"),
    block_on("first_name", "last_name", "date_of_birth"),
    "l.crn = r.crn AND l.date_of_birth = r.date_of_birth",
]

# EM once per rule; each rule fixes the comparisons it blocks on, the others
# estimate them, so together every comparison's m is estimated at least twice.
EM_RULES = [
    block_on("date_of_birth"),
    block_on("first_name", "last_name"),
    block_on("pnc"),
    block_on("postcode"),
]

# A rule whose largest block alone would cost more than this many comparisons per
# record of the release (one name shared by most records, one junk identifier) is
# left out where that block would explode: skipped for EM and the prior, dropped from
# the prediction rules of that release (docs/linkage.md, "When training cannot
# estimate"). Scale-free: at 10M records a block may hold ~14,000 records (a common
# full name stays in), at 300 records ~77 (60% sharing one name is dropped).
MAX_BLOCK_COMPARISONS_PER_RECORD = 10
# Scores no pair (unique ids are unique; self-pairs are never scored): stands in for the
# prediction rules when every one of them would explode, so Splink never falls back to
# the cartesian product an empty rule list means.
NO_PAIRS_RULE = block_on("unique_id")


def block_budget(n_records: int) -> int:
    """Most pairs one block of a rule may generate in a release of n_records."""
    return MAX_BLOCK_COMPARISONS_PER_RECORD * max(int(n_records), 1)


def rules_within_budget(
    sdfs: Sequence[SplinkDataFrame], rule_dicts: list[dict], n_records: int, sql_dialect: str
) -> tuple[list[dict], list[tuple[dict, int]]]:
    """The prediction rules (rule_dicts, rendered from PREDICTION_RULES in order) whose
    largest block stays within block_budget(n_records), NO_PAIRS_RULE when none does;
    and the others with their largest block's pairs."""
    budget = block_budget(n_records)
    kept, dropped = [], []
    for rule, rule_dict in zip(PREDICTION_RULES, rule_dicts, strict=True):
        pairs = largest_block_pairs(sdfs, rule)
        if pairs > budget:
            dropped.append((rule_dict, pairs))
        else:
            kept.append(rule_dict)
    if dropped and not kept:
        kept = [NO_PAIRS_RULE.get_blocking_rule(sql_dialect).as_dict()]
    return kept, dropped


def rule_sql(rule, sql_dialect: str) -> str:
    """A rule's SQL as Splink renders it: how metadata and messages name a rule."""
    if isinstance(rule, str):
        return rule
    return rule.get_blocking_rule(sql_dialect).blocking_rule_sql


def largest_block_pairs(sdfs: Sequence[SplinkDataFrame], rule) -> int:
    """Pairs in the rule's largest block, before filter conditions (Splink's
    n_largest_blocks; only its counts are read, never the block's key values).

    b records sharing a symmetric key make b(b-1)/2 pairs; an asymmetric rule (swapped
    names) counts l x r. 0: the rule admits no pair in this release. A CappedRule
    counts at most its cap's block.
    """
    blocks = n_largest_blocks(list(sdfs), blocking_rule=rule, link_type=LINK_TYPE, n_largest=1)
    try:
        counts = blocks.query_sql("SELECT count_l, count_r FROM {this}")
        try:
            rows = counts.as_record_list()
        finally:
            counts.drop_table_from_database_and_remove_from_cache()
    finally:
        blocks.drop_table_from_database_and_remove_from_cache()
    if not rows:
        return 0
    count_l, count_r = int(rows[0]["count_l"]), int(rows[0]["count_r"])
    pairs = count_l * (count_l - 1) // 2 if count_l == count_r else count_l * count_r
    if isinstance(rule, CappedRule):  # its largest scored block has its cap's records
        pairs = min(pairs, rule.cap * (rule.cap - 1) // 2)
    return pairs
