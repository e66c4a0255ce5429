"""Blocking rules: which pairs get scored, and the rules used in training.

Prediction rules follow CPR's blocking_rules_tight: identifiers first, then
date of birth with name prefixes or postcode, names with postcode, swapped
names, and prison aliases. Each is an equi-join (DuckDB hashes it) and Splink
scores the union of their pairs once. The budget is <= 50 comparisons per record
while capturing >= 99.5% of true pairs; linkage.blocking_stats measures both
(recall only where a drop has truth).
"""

from __future__ import annotations

from collections.abc import Sequence

from splink import block_on
from splink.blocking_analysis import n_largest_blocks
from splink.blocking_rule_library import And, CustomRule
from splink.internals.splink_dataframe import SplinkDataFrame

LINK_TYPE = "link_and_dedupe"

# Name-only rules pair every two records in a block that shares a name, so a common
# name's pairs grow with the square of its records, and comparisons per record with the
# release (first_name, last_name alone added 18.9 per record at 1M). Up to
# NAME_BLOCK_CAP records a name block is scored whole; a larger one only where the
# records also share their birth day and month (a year keyed wrong). The other rules
# still pair its records on DOB, year of birth, postcode, outcode or an identifier, so
# what is left unscored shares nothing but a common name: in a block of n records of
# people with k records each, such a pair is the same person with chance about
# (k - 1) / (n - 1), under 10% past 50 records even at k = 5. Measured at 1M
# (benchmarks/bench_cap_cost.py, docs/linkage.md "Blocking"): the model would accept
# 10,644 of the 121,109 true pairs left out (0.2% of all true pairs), with 1,321 false
# ones, for 4.8M more comparisons. The block sizes are feature
# columns (NAME_BLOCKS, counted over the whole release by linkage.features).
NAME_BLOCK_CAP = 50
NAME_BLOCKS = {  # feature column -> the name keys whose records it counts
    "name_block_size": ("first_name", "last_name"),
    "surname_block_size": ("last_name", "substr(first_name, 1, 3)"),
}


class CappedNameRule(And):
    """A name-only rule limited to blocks of at most NAME_BLOCK_CAP records."""


def name_only_rules(column: str) -> list:
    """The name-only rule of a NAME_BLOCKS column, capped at NAME_BLOCK_CAP records, and
    its split for larger blocks (an equi-join on more keys, hashed as the others are)."""
    keys = NAME_BLOCKS[column]
    small = CustomRule(f"l.{column} <= {NAME_BLOCK_CAP} AND r.{column} <= {NAME_BLOCK_CAP}")
    large = CustomRule(f"l.{column} > {NAME_BLOCK_CAP} AND r.{column} > {NAME_BLOCK_CAP}")
    return [
        CappedNameRule(block_on(*keys), small),
        And(block_on(*keys, "month(date_of_birth)", "day(date_of_birth)"), large),
    ]


PREDICTION_RULES = [
    block_on("pnc"),
    block_on("cro"),
    block_on("noms_number"),
    block_on("crn"),
    block_on("asn"),
    block_on("date_of_birth", "substr(last_name, 1, 2)"),
    block_on("date_of_birth", "substr(first_name, 1, 1)"),
    block_on("date_of_birth", "postcode"),
    *name_only_rules("name_block_size"),
    block_on("first_name", "postcode"),
    block_on("last_name", "postcode"),
    block_on("substr(first_name, 1, 2)", "substr(last_name, 1, 2)", "postcode_outcode"),
    block_on("substr(first_name, 1, 2)", "substr(last_name, 1, 2)", "year(date_of_birth)"),
    # surname with a forename prefix: forename typos and missing DOBs (civil, family);
    # lifts blocking recall over 99.5% on the 20k drops at +0.6 comparisons per record
    *name_only_rules("surname_block_size"),
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
    names) counts l x r. 0: the rule admits no pair in this release. A CappedNameRule
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
    if isinstance(rule, CappedNameRule):  # its largest scored block has NAME_BLOCK_CAP records
        pairs = min(pairs, NAME_BLOCK_CAP * (NAME_BLOCK_CAP - 1) // 2)
    return pairs
