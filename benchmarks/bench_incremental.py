"""Benchmark incremental prediction: a second release that changes a few % of records.

    python -m benchmarks.bench_incremental --warehouse DATA/warehouse/R.duckdb \\
        --model DATA/releases/R/linkage/model.json [--changed 5] [--work DIR] [--verify]

Takes the records of a release that has been through dbt (intermediate.int_person_records
of its warehouse, e.g. the 1M drop `xjs synth --people 223214 --seed 9` after `xjs run`)
and its model.json, then in one process:

1. release A = those records: a full prediction that writes A's incremental state
   (linkage/incremental.py);
2. release B = A with --changed % of records changed (surname, postcode, date of birth,
   forename or PNC), --removed % removed and --added % added (copies of existing records
   under new record ids, with a changed surname);
3. B predicted incrementally from A's state, and B predicted in full with Splink's own
   linker.inference.predict(); the speed-up is full / incremental. --verify also checks,
   in SQL, that the two give the same rows (pairs, match keys, weights).

Prints one line per stage (seconds, peak RSS of the process during the stage) and a
JSON summary. Memory: run it under the watchdog, e.g.
`/work/prompts/memcap.sh 8 .venv/bin/python -m benchmarks.bench_incremental ...`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import psutil

from contracts.landing import PERSON_RECORD_TABLES
from linkage import backend, blocking, incremental, settings, training
from linkage.features import MODEL_INPUT_COLUMNS, features_sql
from linkage.nicknames import nickname_rows
from xjs.stages import recorded, stage


class _Sampler:
    """Samples this process's RSS and CPU time every 0.1 s, for the stages' intervals
    (CPU seconds say more than wall seconds on a machine other jobs share)."""

    def __init__(self) -> None:
        self._samples: list[tuple[float, int, float]] = []
        self._stop = threading.Event()
        self._proc = psutil.Process()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            cpu = self._proc.cpu_times()
            self._samples.append((time.time(), self._proc.memory_info().rss, cpu.user + cpu.system))

    def peak(self, since: float, until: float) -> int:
        inside = [rss for t, rss, _ in self._samples if since <= t <= until + 0.2]
        return max(inside, default=self._proc.memory_info().rss)

    def cpu(self, since: float, until: float) -> float:
        inside = [c for t, _, c in self._samples if since - 0.1 <= t <= until + 0.1]
        return max(inside) - min(inside) if inside else 0.0

    def stop(self) -> None:
        self._stop.set()


def _change_sql(percent_changed: float, percent_removed: float, percent_added: float) -> str:
    """Release B from table a (model columns): changed, removed and added records."""
    cols = ", ".join(MODEL_INPUT_COLUMNS)
    b = "(hash(unique_id || 'change') % 10000) / 100.0"
    kind = "hash(unique_id || 'kind') % 5"
    rm = "(hash(unique_id || 'rm') % 10000) / 100.0"
    add = "(hash(unique_id || 'add') % 10000) / 100.0"
    lag = "lag({0}) OVER (ORDER BY unique_id)"
    return f"""
    WITH kept AS (SELECT * FROM a WHERE {rm} >= {percent_removed}),
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
            record_id || '-b' AS record_id, unique_id || '-b' AS unique_id,
            last_name || 'E' AS last_name
        ) FROM a WHERE {add} < {percent_added}
    )
    SELECT {cols} FROM changed UNION ALL SELECT {cols} FROM added
    """


def _features(con: duckdb.DuckDBPyConnection, table: str) -> dict:
    """The Splink input per source table (as the pipeline builds it), as Arrow."""
    out = {}
    for source in PERSON_RECORD_TABLES:
        t = con.sql(
            features_sql(table) + f" WHERE source_table = '{source}' ORDER BY unique_id"
        ).to_arrow_table()
        if t.num_rows:
            out[source] = t
    return out


def _scoring_settings(sdfs, model: dict, n_records: int) -> dict:
    """The model without prediction rules whose largest block would explode (the
    pipeline's rule, blocking.block_budget), for scoring."""
    budget = blocking.block_budget(n_records)
    rule_dicts = model["blocking_rules_to_generate_predictions"]
    kept = [
        d
        for rule, d in zip(settings.BLOCKING_RULES, rule_dicts, strict=True)
        if blocking.largest_block_pairs(sdfs, rule) <= budget
    ]
    scoring = training.for_scoring(model)
    scoring["blocking_rules_to_generate_predictions"] = kept or [
        blocking.NO_PAIRS_RULE.get_blocking_rule("duckdb").as_dict()
    ]
    return scoring


@contextmanager
def _linker_for(inputs: dict, model: dict):
    db_api = backend.make_db_api()
    try:
        sdfs = [db_api.register(t, dataset_display_name=s) for s, t in inputs.items()]
        n = sum(t.num_rows for t in inputs.values())
        scoring = _scoring_settings(sdfs, model, n)
        yield db_api, sdfs, scoring
    finally:
        backend.close_db_api(db_api)


def _differences(db_api, left, right) -> int:
    """Rows of either prediction table not in the other (pairs, match key, weights)."""
    cols = "source_table_l, unique_id_l, source_table_r, unique_id_r, match_key, match_weight"
    sql = f"""SELECT (SELECT count(*) FROM (SELECT {cols} FROM {left.physical_name}
                     EXCEPT ALL SELECT {cols} FROM {right.physical_name}))
                   + (SELECT count(*) FROM (SELECT {cols} FROM {right.physical_name}
                     EXCEPT ALL SELECT {cols} FROM {left.physical_name}))"""
    return int(db_api._execute_sql_against_backend(sql).fetchall()[0][0])


def run(args: argparse.Namespace) -> dict:
    from splink import Linker

    backend.quiet_splink()
    rss = _Sampler()
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-incremental-"))
    state_a, state_b = work / "A", work / "B"
    state_a.mkdir(parents=True, exist_ok=True)
    state_b.mkdir(parents=True, exist_ok=True)
    model = training.load_pinned(Path(args.model))
    summary: dict = {"changed_percent": args.changed}

    con = duckdb.connect()
    try:
        with stage("bench:read_and_change"):
            cols = ", ".join(MODEL_INPUT_COLUMNS)
            con.execute(f"ATTACH '{args.warehouse}' AS wh (READ_ONLY)")
            con.execute(f"CREATE TABLE a AS SELECT {cols} FROM wh.intermediate.int_person_records")
            con.execute("DETACH wh")
            con.execute(f"CREATE TABLE b AS {_change_sql(args.changed, args.removed, args.added)}")
            con.execute("CREATE TABLE nicknames (short VARCHAR, formal VARCHAR)")
            con.executemany("INSERT INTO nicknames VALUES (?, ?)", nickname_rows())
            inputs_a, inputs_b = _features(con, "a"), _features(con, "b")
    finally:
        con.close()

    with _linker_for(inputs_a, model) as (_, sdfs, scoring):
        with stage("A:full"):
            scored = incremental.predict_pairs(Linker(sdfs, scoring), state_a, None)
        summary["A"] = scored.as_dict()

    with _linker_for(inputs_b, model) as (db_api, sdfs, scoring):
        with stage("B:incremental"):
            scored = incremental.predict_pairs(Linker(sdfs, scoring), state_b, state_a)
        summary["B_incremental"] = scored.as_dict()
        with stage("B:full_splink_predict"):
            full = Linker(sdfs, scoring).inference.predict(warning_mode="never")
        if args.verify:
            summary["B_rows_differing"] = _differences(db_api, scored.predictions, full)

    rss.stop()
    a_ended = next(st.ended for st in recorded() if st.name == "A:full")
    stages = {}
    for st in recorded():
        if st.name.startswith(("A:", "B:", "bench:", "incremental:")):
            key = st.name
            if key.startswith("incremental:"):  # inside A:full or B:incremental
                key = ("A " if st.ended <= a_ended else "B ") + key
            stages[key] = {
                "seconds": round(st.seconds, 1),
                "cpu_seconds": round(rss.cpu(st.started, st.ended), 1),
                "peak_rss_mib": round(rss.peak(st.started, st.ended) / 2**20),
            }
    summary["stages"] = stages
    for unit in ("seconds", "cpu_seconds"):
        full_s = stages["B:full_splink_predict"][unit]
        summary[f"speed_up_{unit}"] = round(full_s / max(stages["B:incremental"][unit], 1e-9), 2)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warehouse", required=True, help="a release's warehouse .duckdb")
    parser.add_argument("--model", required=True, help="that release's model.json")
    parser.add_argument("--changed", type=float, default=5.0, help="%% of records changed")
    parser.add_argument("--removed", type=float, default=0.5, help="%% of records removed")
    parser.add_argument("--added", type=float, default=0.5, help="%% of records added")
    parser.add_argument("--work", help="folder for the two releases' state files")
    parser.add_argument("--verify", action="store_true", help="check rows equal (SQL)")
    args = parser.parse_args(argv)
    summary = run(args)
    for name, st in summary["stages"].items():
        print(
            f"{name:<36} {st['seconds']:>8.1f} s {st['cpu_seconds']:>8.1f} cpu s"
            f" {st['peak_rss_mib']:>8d} MiB"
        )
    print(
        "speed-up (full Splink predict / incremental prediction of B):"
        f" {summary['speed_up_seconds']}x wall, {summary['speed_up_cpu_seconds']}x cpu"
    )
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
