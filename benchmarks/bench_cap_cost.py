"""What the block caps cost (linkage/blocking.py, CAPPED_BLOCKS), on a linked release
with truth.

A capped prediction rule scores a block whole only up to its cap; a larger block only
where its split keys agree too (birth day and month for the name-only rules, the full
surname for DOB + surname prefix, ...). So a pair in a large block whose split keys
differ or are missing is scored only if another rule finds it. This scores exactly
those pairs, the ones the release did not score (not in its pairs.parquet), with the
release's own model and the relatives guard, and counts how many true and false pairs
each threshold would accept: what removing the caps would add, measured rather than
argued.

    python -m benchmarks.bench_cap_cost --data-dir /tmp/xjs-bench/1m --release 2024-12

The data dir is one that `xjs run` (or `make bench-pipeline`) linked, with its
truth. Prints counts only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb
from splink import Linker, block_on

from contracts.person_records import PERSON_RECORDS_TABLE
from linkage import backend, blocking, pipeline, relatives, settings, training
from xjs import layout

TRUTH = "__cap_truth"


def capped_out_rule(column: str) -> str:
    """The pairs a capped rule leaves out: same keys, both in a block over the cap, split
    keys not agreeing (different or missing)."""
    block = blocking.CAPPED_BLOCKS[column]
    keys = block_on(*block.keys).get_blocking_rule("duckdb").blocking_rule_sql
    split = block_on(*block.split).get_blocking_rule("duckdb").blocking_rule_sql
    cap = block.cap
    return (
        f"{keys} AND l.{column} > {cap} AND r.{column} > {cap} AND NOT coalesce(({split}), false)"
    )


def measure(root: Path, release_id: str) -> dict:
    linkage_dir = layout.linkage_dir(root, release_id)
    con = duckdb.connect()
    con.execute(f"attach '{layout.warehouse_path(root, release_id)}' as warehouse (read_only)")
    db_api = backend.make_db_api(root)
    db = backend.connection(db_api)
    try:
        by_source = pipeline.read_records(con, f"warehouse.{PERSON_RECORDS_TABLE}", db)
        pipeline.source_inputs(db, list(by_source))
        sdfs = [db_api.register(pipeline.input_table(s), dataset_display_name=s) for s in by_source]
        scoring = training.for_scoring(training.load_pinned(linkage_dir / layout.MODEL_FILE))
        scoring["blocking_rules_to_generate_predictions"] = [
            {"blocking_rule": capped_out_rule(c), "sql_dialect": "duckdb"}
            for c in blocking.CAPPED_BLOCKS
        ]
        linker = Linker(sdfs, scoring, log_level=backend.SPLINK_LOG_LEVEL)
        guarded = relatives.guard_relatives(linker, linker.inference.predict(), pipeline.FEATURES)
        db.execute(
            f"CREATE TABLE {TRUTH} AS SELECT source_table || ':' || record_id AS unique_id,"
            f" person_id FROM read_parquet('{layout.truth_path(root, release_id)}')"
        )
        pairs = linkage_dir / layout.PAIRS_FILE
        thresholds = settings.THRESHOLDS.as_dict()
        counts = ", ".join(
            f"count(*) FILTER (WHERE same AND p >= {t}),"
            f" count(*) FILTER (WHERE NOT same AND p >= {t})"
            for t in thresholds.values()
        )
        row = db.execute(
            f"""
            WITH unscored AS (
              SELECT g.unique_id_l, g.unique_id_r, g.match_probability AS p
              FROM {guarded.physical_name} g
              ANTI JOIN read_parquet('{pairs}') s
                ON least(s.unique_id_l, s.unique_id_r) = least(g.unique_id_l, g.unique_id_r)
               AND greatest(s.unique_id_l, s.unique_id_r) = greatest(g.unique_id_l, g.unique_id_r)
            ), judged AS (
              SELECT p, tl.person_id = tr.person_id AS same FROM unscored u
              JOIN {TRUTH} tl ON tl.unique_id = u.unique_id_l
              JOIN {TRUTH} tr ON tr.unique_id = u.unique_id_r
            )
            SELECT count(*), count(*) FILTER (WHERE same), {counts} FROM judged
            """
        ).fetchone()
        (scored,) = db.execute(f"SELECT count(*) FROM read_parquet('{pairs}')").fetchone()
        (true_pairs,) = db.execute(
            f"SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM"
            f" (SELECT count(*) AS n FROM {TRUTH} GROUP BY person_id)"
        ).fetchone()
    finally:
        backend.close_db_api(db_api)
        con.close()
    out = {
        "release_pairs_scored": int(scored),
        "true_pairs": int(true_pairs),
        "capped_out_pairs": int(row[0]),
        "capped_out_true_pairs": int(row[1]),
        "accepted": {},
    }
    for i, (name, t) in enumerate(thresholds.items()):
        out["accepted"][name] = {
            "threshold": t,
            "true": int(row[2 + 2 * i]),
            "false": int(row[3 + 2 * i]),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--release", required=True)
    args = parser.parse_args(argv)
    started = time.monotonic()
    out = measure(args.data_dir.resolve(), layout.check_release_id(args.release))
    n, t = out["capped_out_pairs"], out["true_pairs"]
    print(f"release: {out['release_pairs_scored']:,} pairs scored, {t:,} true pairs")
    print(
        f"left out by the caps (split keys not agreeing): {n:,} pairs, "
        f"{out['capped_out_true_pairs']:,} of them true"
    )
    for name, a in out["accepted"].items():
        share = a["true"] / t if t else 0.0
        print(
            f"  would pass {name} ({a['threshold']}): {a['true']:,} true "
            f"(+{share:.2%} of true pairs), {a['false']:,} false"
        )
    print(f"seconds {time.monotonic() - started:.1f}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
