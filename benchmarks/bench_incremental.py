"""Benchmark incremental releases: a second release that changes a few % of records,
linked incrementally and in full by the pipeline's link_release.

    python -m benchmarks.bench_incremental --warehouse DATA/warehouse/R.duckdb \\
        --model DATA/releases/R/linkage/model.json [--changed 5] [--work DIR]

Takes the records of a release that has been through dbt (intermediate.int_person_records
of its warehouse, e.g. the ~200k drop `xjs synth --people 45000 --seed 9` after `xjs run`)
and its model.json, then, each link_release in a fresh process:

1. release A = those records, linked by link_release (a full prediction that writes
   A's incremental state, linkage/incremental.py);
2. release B = A with --changed % of records changed (surname, postcode, date of birth,
   forename or PNC), --removed % removed and --added % added (copies of existing records
   under new record ids, with a changed surname);
3. B linked twice, person ids carried over from A: incrementally (A's folder holds its
   state) and in full (XJS_INCREMENTAL=0: Splink's own predict), in that order
   (--full-first: the other). Both must write the same xjs_link.parquet and
   pairs.parquet, byte for byte (checked; the exit status is 1 when they do not).

Every run uses the pinned model (no training, the same in both modes) and no dashboards.
Prints one line per run and linkage stage (wall seconds, CPU seconds, peak RSS of this
process and the run's, benchmarks/memory.py), the speed-up of B's linkage and of its
prediction stage, and a JSON summary. Memory: DuckDB's limits of xjs/limits.py
(XJS_DUCKDB_MEMORY_LIMIT), as in the pipeline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from unittest import mock

import duckdb

from benchmarks.memory import MIB, RssSampler, cpu_between
from linkage import backend, incremental
from linkage.features import MODEL_INPUT_COLUMNS
from linkage.pipeline import link_release
from xjs import layout
from xjs.stages import recorded, stage

RUNS = ("A", "B_incremental", "B_full")
COMPARED = (layout.XJS_LINK_FILE, layout.PAIRS_FILE)


def next_release_sql(
    table: str, percent_changed: float, percent_removed: float, percent_added: float, salt=""
) -> str:
    """A next release of `table` (model columns): changed, removed and added records,
    chosen by hashes of unique_id (salted: another salt, other records)."""
    cols = ", ".join(MODEL_INPUT_COLUMNS)

    def pick(what: str) -> str:
        return f"(hash(unique_id || '{salt}{what}') % 10000) / 100.0"

    b, rm, add = pick("change"), pick("rm"), pick("add")
    kind = f"hash(unique_id || '{salt}kind') % 5"
    lag = "lag({0}) OVER (ORDER BY unique_id)"
    return f"""
    WITH kept AS (SELECT * FROM {table} WHERE {rm} >= {percent_removed}),
    changed AS (
        SELECT * REPLACE (
            CASE WHEN {b} < {percent_changed} AND {kind} = 0 THEN last_name || 'S'
                 ELSE last_name END AS last_name,
            CASE WHEN {b} < {percent_changed} AND {kind} = 1 THEN {lag.format("postcode")}
                 ELSE postcode END AS postcode,
            CASE WHEN {b} < {percent_changed} AND {kind} = 2
                 THEN date_of_birth + INTERVAL 1 DAY ELSE date_of_birth END::DATE AS date_of_birth,
            CASE WHEN {b} < {percent_changed} AND {kind} = 3 THEN {lag.format("first_name")}
                 ELSE first_name END AS first_name,
            CASE WHEN {b} < {percent_changed} AND {kind} = 4 THEN NULL ELSE pnc END AS pnc
        ) FROM kept
    ),
    added AS (
        SELECT * REPLACE (
            record_id || '-b{salt}' AS record_id, unique_id || '-b{salt}' AS unique_id,
            last_name || 'E' AS last_name
        ) FROM {table} WHERE {add} < {percent_added}
    )
    SELECT {cols} FROM changed UNION ALL SELECT {cols} FROM added
    """


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _link(records: Path, table: str, out: Path, model: Path, previous, full: bool):
    """link_release of one release, in the process it runs in (XJS_INCREMENTAL=0 when
    full), inside stage `out.parent.name`; (its prediction_* metadata, the stages)."""
    backend.quiet_splink()
    con = duckdb.connect(str(records), read_only=True)
    env = {incremental.ENABLED_ENV: "0"} if full else {}
    try:
        with mock.patch.dict(os.environ, env), stage(out.parent.name):
            result = link_release(
                con,
                table,
                out,
                previous_link_path=previous,
                pinned_model=model,
                dashboards=False,
                root=out.parent,
            )
    finally:
        con.close()
    prediction = {k: v for k, v in result.training.items() if k.startswith("prediction_")}
    meta = {"records": result.records, "comparisons": result.comparisons, **prediction}
    return meta, recorded()


def _in_fresh_process(*args):
    """_link in a process of its own: in one process, a link_release after others ran
    slower than the same run in a fresh one, whichever mode it was, so each starts alike."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(_link, *args).result()


def run(args: argparse.Namespace) -> dict:
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-incremental-"))
    work.mkdir(parents=True, exist_ok=True)
    records = work / "records.duckdb"  # tables a and b, read by each run's process
    outs = {name: work / name / "linkage" for name in RUNS}
    model = Path(args.model)
    summary: dict = {"changed_percent": args.changed}
    stages_seen = []
    with RssSampler() as sampler:
        with stage("bench:read_and_change"):
            records.unlink(missing_ok=True)
            con = duckdb.connect(str(records))
            try:
                cols = ", ".join(MODEL_INPUT_COLUMNS)
                con.execute(f"ATTACH '{args.warehouse}' AS wh (READ_ONLY)")
                con.execute(
                    f"CREATE TABLE a AS SELECT {cols} FROM wh.intermediate.int_person_records"
                )
                con.execute("DETACH wh")
                sql = next_release_sql("a", args.changed, args.removed, args.added)
                con.execute(f"CREATE TABLE b AS {sql}")
            finally:
                con.close()
        stages_seen += recorded()
        previous = outs["A"] / layout.XJS_LINK_FILE
        plan = [("A", "a", None, False), ("B_incremental", "b", previous, False)]
        plan.insert(1 if args.full_first else 2, ("B_full", "b", previous, True))
        for name, table, prev, full in plan:
            summary[name], stages = _in_fresh_process(records, table, outs[name], model, prev, full)
            stages_seen += stages
    samples = sampler.samples
    runs = {st.name: st for st in stages_seen if st.name in RUNS}
    stages = {}
    for st in stages_seen:
        owner = next((r for r, s in runs.items() if s.started <= st.started <= s.ended), None)
        if st.name in RUNS or st.name.startswith("bench:"):
            key = st.name
        elif owner and st.name.startswith(("linkage:", "incremental:")):
            key = f"{owner} {st.name}"
        else:
            continue
        stages[key] = {
            "seconds": round(st.seconds, 1),
            "cpu_seconds": round(cpu_between(samples, st.started, st.ended) or 0.0, 1),
            "peak_rss_mib": round((sampler.peak_between(st.started, st.ended) or 0) / MIB),
        }
    summary["stages"] = stages
    summary["B_identical"] = {
        name: _sha256(outs["B_incremental"] / name) == _sha256(outs["B_full"] / name)
        for name in COMPARED
    }
    for what, key in (("linkage", "{}"), ("prediction", "{} linkage:prediction")):
        for unit in ("seconds", "cpu_seconds"):
            full_s = stages[key.format("B_full")][unit]
            incr_s = stages[key.format("B_incremental")][unit]
            summary[f"speed_up_{what}_{unit}"] = round(full_s / max(incr_s, 1e-9), 2)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warehouse", required=True, help="a release's warehouse .duckdb")
    parser.add_argument("--model", required=True, help="that release's model.json")
    parser.add_argument("--changed", type=float, default=5.0, help="%% of records changed")
    parser.add_argument("--removed", type=float, default=0.5, help="%% of records removed")
    parser.add_argument("--added", type=float, default=0.5, help="%% of records added")
    parser.add_argument("--work", help="folder for the three runs' outputs")
    parser.add_argument("--full-first", action="store_true", help="link B in full first")
    args = parser.parse_args(argv)
    summary = run(args)
    for name, st in summary["stages"].items():
        print(
            f"{name:<48} {st['seconds']:>8.1f} s {st['cpu_seconds']:>8.1f} cpu s"
            f" {st['peak_rss_mib']:>8d} MiB"
        )
    for what in ("linkage", "prediction"):
        print(
            f"speed-up of B's {what} (full / incremental):"
            f" {summary[f'speed_up_{what}_seconds']}x wall,"
            f" {summary[f'speed_up_{what}_cpu_seconds']}x cpu"
        )
    print(json.dumps(summary, indent=2))
    return 0 if all(summary["B_identical"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
