"""Comparisons per record and blocking recall of the prediction rules on a drop with
truth, from its warehouse's int_person_records (the job up to dbt is enough).

    python -m benchmarks.bench_blocking --data-dir /tmp/xjs-bench/1m --release 2024-12

Builds the feature table as the pipeline does (pipeline.read_records, source_inputs),
counts each rule's marginal pairs with Splink's count_comparisons_from_blocking_rules
(every record, no sample), and checks every true pair against the rules' conditions:
direct recall (true pairs scored) and reachable recall (pairwise recall of the persons
the scored true pairs join, the ceiling for any model), as linkage.evaluation's
blocking_recall counts them. Prints counts only, never a value.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from contracts.person_records import PERSON_RECORDS_TABLE
from linkage import backend, blocking, pipeline
from xjs import layout


def pair_condition(rule) -> str:
    """The rule's condition on one pair (l, r); an exploded array rule as any shared
    element of each array, which is what exploding both sides pairs."""
    br = rule.get_blocking_rule("duckdb")
    sql = br.blocking_rule_sql
    for column in getattr(br, "array_columns_to_explode", None) or []:
        sql = sql.replace(
            f'l."{column}" = r."{column}"', f'len(list_intersect(l."{column}", r."{column}")) > 0'
        )
    return f"({sql})"


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label of each of n nodes joined by the edges (left, right):
    each node takes its neighbours' smallest label, then its label's label, until still."""
    label = np.arange(n)
    while True:
        before = label.copy()
        low = np.minimum(label[left], label[right])
        np.minimum.at(label, left, low)
        np.minimum.at(label, right, low)
        label = label[label]
        if np.array_equal(label, before):
            return label


def measure(root: Path, release_id: str) -> dict:
    con = duckdb.connect()
    con.execute(f"attach '{layout.warehouse_path(root, release_id)}' as warehouse (read_only)")
    db_api = backend.make_db_api(root)
    db = backend.connection(db_api)
    started = time.monotonic()
    try:
        by_source = pipeline.read_records(con, f"warehouse.{PERSON_RECORDS_TABLE}", db)
        pipeline.source_inputs(db, list(by_source))
        features = pipeline.FEATURES
        records = sum(by_source.values())
        rules = blocking.PREDICTION_RULES
        counts = count_comparisons_from_blocking_rules(
            db_api.register(features),
            blocking_rules=rules,
            link_type="dedupe_only",
            record_sample_proportion=1.0,
        )
        marginal = [int(c["marginal_comparison_count"]) for c in counts]
        truth = layout.truth_path(root, release_id)
        db.execute(
            "CREATE TABLE __truth AS SELECT source_table || ':' || record_id AS unique_id,"
            f" person_id, row_number() OVER () - 1 AS i FROM read_parquet('{truth}')"
        )
        any_rule = " OR ".join(pair_condition(r) for r in rules)
        # every true pair once (l < r), whether any rule scores it; records as integers
        rows = db.sql(
            f"""
            WITH t AS (
              SELECT f.*, t.person_id, t.i FROM {features} f JOIN __truth t USING (unique_id)
            )
            SELECT l.i AS l_i, r.i AS r_i, coalesce({any_rule}, false) AS scored
            FROM t l JOIN t r ON l.person_id = r.person_id AND l.unique_id < r.unique_id
            """
        ).to_arrow_table()
        (n,) = db.execute("SELECT count(*) FROM __truth").fetchone()
        scored = rows.column("scored").to_numpy(zero_copy_only=False)
        left = rows.column("l_i").to_numpy()
        right = rows.column("r_i").to_numpy()
        label = components(n, left[scored], right[scored])
        sizes = np.bincount(label)
        reachable_pairs = int((sizes * (sizes - 1) // 2).sum())
        # the largest block of each capped rule (records with a key missing are in none)
        max_blocks = {}
        for c, cap in blocking.CAPPED_BLOCKS.items():
            known = " AND ".join(f"{k} IS NOT NULL" for k in cap.keys)
            (size,) = db.execute(f"SELECT max({c}) FROM {features} WHERE {known}").fetchone()
            max_blocks[c] = int(size or 0)
    finally:
        backend.close_db_api(db_api)
        con.close()
    true_pairs = len(scored)
    total = sum(marginal)
    return {
        "records": records,
        "comparisons": total,
        "comparisons_per_record": total / records,
        "per_rule_per_record": {
            blocking.rule_sql(r, "duckdb"): m / records
            for r, m in zip(rules, marginal, strict=True)
        },
        "largest_blocks": max_blocks,
        "true_pairs": true_pairs,
        "direct_recall": float(scored.mean()) if true_pairs else 1.0,
        "reachable_recall": reachable_pairs / true_pairs if true_pairs else 1.0,
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--release", required=True)
    args = parser.parse_args(argv)
    out = measure(args.data_dir.resolve(), layout.check_release_id(args.release))
    print(
        f"{out['records']:,} records, {out['comparisons']:,} comparisons"
        f" ({out['comparisons_per_record']:.2f} per record); {out['true_pairs']:,} true pairs,"
        f" direct recall {out['direct_recall']:.4f}, reachable {out['reachable_recall']:.4f};"
        f" {out['seconds']} s"
    )
    for rule, per in out["per_rule_per_record"].items():
        print(f"  {per:6.2f}  {rule[:110]}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
