"""Bare Splink on a release's feature table: the yardstick of the pipeline benchmark.

The same model as the pipeline (linkage/settings.py: comparisons, prediction
blocking rules, deterministic rules, EM rules, the prior from scores; u's max_pairs
from linkage/training.py), trained and scored with plain Splink 5 calls only:
no Dagster, dbt, gates, relatives guard, stable ids or report. Its input is what
the pipeline feeds Splink: linkage.features.features_sql over the release
warehouse's int_person_records, one table per source. DuckDB runs with the
project's limits (xjs/limits.py).

`python -m benchmarks.bare_splink --data-dir D --release R --out bare.json`
runs it in a process of its own (so its peak RSS is its own) and writes its
stages, peaks and counts; bench_pipeline.py calls it that way.
"""

from __future__ import annotations

import argparse
import inspect
import json
import logging
import sys
import time
from pathlib import Path

import duckdb
from splink import DuckDBAPI, Linker

from benchmarks.memory import MIB, RssSampler, cpu_between, ru_maxrss_mib
from contracts.landing import PERSON_RECORD_TABLES
from contracts.person_records import PERSON_RECORDS_TABLE
from linkage import backend, predict, settings, training
from linkage.features import features_sql
from linkage.nicknames import nickname_rows
from xjs import atomic, layout, stages
from xjs.limits import duckdb_limits

PREFIX = "bare:"
FEATURES, PRIOR, U, EM = "bare:features", "bare:prior", "bare:u", "bare:em"
PRIOR_FROM_SCORES = "bare:prior_from_scores"
TRAINING, PREDICTION, CLUSTERING = "bare:training", "bare:prediction", "bare:clustering"
ONE_PASS_FAILED = "bare:prediction_one_pass_failed"  # only where one pass ran out of memory
# The stages whose sum is "bare Splink" in the ratios: Splink's own work on the features.
SPLINK_STAGES = (TRAINING, PREDICTION, CLUSTERING)
STAGES = (FEATURES, PRIOR, U, EM, PRIOR_FROM_SCORES, TRAINING, PREDICTION, CLUSTERING)
TRAINING_STEPS = (PRIOR, U, EM, PRIOR_FROM_SCORES)  # inside TRAINING


def pipeline_seed(root: Path, release_id: str) -> int:
    """The training seed the pipeline used (its linkage metadata), else link_release's."""
    meta = layout.linkage_file(root, release_id, layout.METADATA_FILE)
    if meta.is_file():
        seed = json.loads(meta.read_text(encoding="utf-8")).get("training", {}).get("seed")
        if isinstance(seed, int):
            return seed
    from linkage.pipeline import link_release

    return int(inspect.signature(link_release).parameters["seed"].default)


def _features(con, warehouse: Path) -> dict[str, int]:
    """One table bare_<source> per source with records: the pipeline's Splink input."""
    con.execute(f"ATTACH '{warehouse}' AS warehouse (READ_ONLY)")
    con.execute("CREATE TABLE nicknames (short VARCHAR, formal VARCHAR)")
    con.executemany("INSERT INTO nicknames VALUES (?, ?)", nickname_rows())
    rows = {}
    try:
        for source in PERSON_RECORD_TABLES:
            con.execute(
                f"CREATE TABLE bare_{source} AS "
                + features_sql(f"warehouse.{PERSON_RECORDS_TABLE}")
                + f" WHERE source_table = '{source}' ORDER BY unique_id"
            )
            n = _count(con, f"SELECT count(*) FROM bare_{source}")
            if n:
                rows[source] = int(n)
            else:
                con.execute(f"DROP TABLE bare_{source}")
    finally:
        con.execute("DETACH warehouse")
    return rows


def _count(con, sql: str) -> int:
    """One count; the result read to its end (duckdb 2 refuses the next statement else)."""
    return int(con.execute(sql).fetchall()[0][0])


def _predict(linker: Linker, n: int, memory_limit: str):
    """Splink's predict in one pass, as a user runs it; where that runs out of DuckDB's
    memory (4M records' pairs in 4 GB), again with Splink's own chunking by the pipeline's
    rule (predict.num_chunks). Returns the predictions, the chunks used and the seconds
    the failed pass took (None when none failed). PREDICTION times the pass that gave
    the predictions; a failed one is its own stage, outside bare Splink's sum, so the
    yardstick is bare Splink at its best."""
    started = time.time()
    try:
        predictions = predict.predict_pairs(linker, 1)
        stages.record(PREDICTION, started, time.time())
        return predictions, 1, None
    except Exception as err:
        if not isinstance(err.__cause__ or err, duckdb.OutOfMemoryException):
            raise
    failed = time.time()
    stages.record(ONE_PASS_FAILED, started, failed)
    chunks = max(2, predict.num_chunks(n, memory_limit))
    with stages.stage(PREDICTION):
        return predict.predict_pairs(linker, chunks), chunks, round(failed - started, 3)


def run_bare(root: Path, release_id: str, seed: int | None = None) -> dict:
    """Train, score and cluster the release's features with plain Splink; counts only."""
    root = Path(root)
    seed = pipeline_seed(root, release_id) if seed is None else seed
    limits = duckdb_limits(root)
    con = limits.connect()
    backend.quiet_splink()
    try:
        with stages.stage(FEATURES):
            rows = _features(con, layout.warehouse_path(root, release_id))
        n = sum(rows.values())
        db_api = DuckDBAPI(connection=con)
        sdfs = [db_api.register(f"bare_{s}", dataset_display_name=s) for s in rows]
        linker = Linker(
            sdfs,
            settings.settings_creator(settings.model_uid(seed)),
            log_level=backend.SPLINK_LOG_LEVEL,
        )
        max_pairs = training.u_max_pairs(n)
        with stages.stage(TRAINING):
            with stages.stage(PRIOR):
                # the lower bound EM starts from; the estimate follows EM, as in training
                linker.training.estimate_probability_two_random_records_match(
                    settings.DETERMINISTIC_RULES, recall=1.0
                )
            with stages.stage(U):
                linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
            with stages.stage(EM):
                for rule in settings.EM_BLOCKING_RULES:
                    # as training does: a session that drives an m below 1e-300 is
                    # skipped, from the parameters saved before it
                    before = linker.misc.save_model_to_json()
                    try:
                        linker.training.estimate_parameters_using_expectation_maximisation(
                            rule, **training.em_options(n)
                        )
                    except ValueError as err:
                        if not training.is_underflow(err):
                            raise
                        linker = Linker(sdfs, before, log_level=backend.SPLINK_LOG_LEVEL)
            with stages.stage(PRIOR_FROM_SCORES):
                model = linker.misc.save_model_to_json()
                prior, _, _ = training.prior_from_scores(sdfs, model, n)
                if prior is not None:
                    model["probability_two_random_records_match"] = prior
                    linker = Linker(sdfs, model, log_level=backend.SPLINK_LOG_LEVEL)
        predictions, chunks, one_pass_seconds = _predict(linker, n, limits.memory_limit)
        comparisons = _count(con, f"SELECT count(*) FROM {predictions.physical_name}")
        clusters = {}
        with stages.stage(CLUSTERING):
            for name, threshold in settings.THRESHOLDS.as_dict().items():
                table = linker.clustering.cluster_pairwise_predictions_at_threshold(
                    predictions, threshold_match_probability=threshold
                )
                clusters[name] = _count(
                    con, f"SELECT count(DISTINCT cluster_id) FROM {table.physical_name}"
                )
                table.drop_table_from_database_and_remove_from_cache()
    finally:
        con.close()
    return {
        "records": n,
        "records_by_source": rows,
        "comparisons": comparisons,
        "comparisons_per_record": round(comparisons / max(n, 1), 3),
        "prediction_chunks": chunks,
        "one_pass_failed_seconds": one_pass_seconds,
        "clusters": clusters,
        "seed": seed,
        "u_max_pairs": max_pairs,
        "em_options": training.em_options(n),
        "duckdb": {k: str(v) for k, v in limits.settings().items()},
    }


def stage_rows(recorded: list[stages.Stage], sampler: RssSampler) -> list[dict]:
    """The bare stages with seconds and peak RSS (MiB), in the order they started."""
    out = []
    for s in sorted(recorded, key=lambda s: s.started):
        if not s.name.startswith(PREFIX):
            continue
        peak = sampler.peak_between(s.started, s.ended)
        out.append(
            {
                "name": s.name,
                "started": s.started,
                "ended": s.ended,
                "seconds": round(s.seconds, 3),
                "peak_rss_mib": round(peak / MIB, 1) if peak is not None else None,
                "cpu_seconds": round(cpu_between(sampler.samples, s.started, s.ended) or 0, 2),
            }
        )
    return out


def _partial(out: Path | None, started: float):
    """An on_tick writing the stages finished so far and the peak so far to out."""

    def write(sampler: RssSampler) -> None:
        if out is not None:
            atomic.write_json(
                out,
                {
                    "ok": False,
                    "status": "running",
                    "elapsed_seconds": round(time.time() - started, 1),
                    "stages": stage_rows(stages.recorded(), sampler),
                    "peak_rss_mib": round(sampler.peak() / MIB, 1),
                },
            )

    return write


def error_name(err: BaseException) -> str:
    """The error's class, and its cause's where it wraps one (SplinkException wraps
    DuckDB's OutOfMemoryException): what failed, without a message that may quote a value."""
    cause = err.__cause__ or err.__context__
    return f"{type(err).__name__} ({type(cause).__name__})" if cause else type(err).__name__


def measure(root: Path, release_id: str, seed: int | None = None, out: Path | None = None) -> dict:
    """run_bare under the RSS sampler: its stages, peaks and counts. out: where the
    partial results go every few seconds while it runs (a killed run leaves them)."""
    stages.clear()
    started = time.time()
    error = None
    with RssSampler(on_tick=_partial(out, started), tick_seconds=5.0) as sampler:
        try:
            result = run_bare(root, release_id, seed)
        except Exception as err:  # reported by class: a message may quote a value
            result, error = {}, error_name(err)
    ended = time.time()
    rows = stage_rows(stages.recorded(), sampler)
    splink = [r["seconds"] for r in rows if r["name"] in SPLINK_STAGES]
    splink_cpu = [r["cpu_seconds"] for r in rows if r["name"] in SPLINK_STAGES]
    return {
        **result,
        "ok": error is None,
        "error": error,
        "stages": rows,
        "seconds": round(ended - started, 3),
        "splink_seconds": round(sum(splink), 3) if len(splink) == len(SPLINK_STAGES) else None,
        "splink_cpu_seconds": round(sum(splink_cpu), 2)
        if len(splink_cpu) == len(SPLINK_STAGES)
        else None,
        "start_rss_mib": round(sampler.start_rss / MIB, 1),
        "peak_rss_mib": round(sampler.peak() / MIB, 1),
        "ru_maxrss_mib": ru_maxrss_mib(),
    }


def main(argv: list[str] | None = None) -> int:
    logging.disable(logging.WARNING)  # Splink's "level not observed" lines, on every run
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--release", required=True)
    parser.add_argument("--seed", type=int, default=None, help="default: the pipeline's")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args(argv)
    result = measure(args.data_dir.resolve(), args.release, args.seed, args.out)
    atomic.write_json(args.out, result)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
