"""One release through the model: records in, xjs_link + model + metadata out.

The steps of link_release, each a function here and each a named stage
(xjs.stages; their seconds also in the metadata's "timings"): read and check the
records (linkage:read: read_records, source_inputs); train or reuse a model
(linkage:training); score (linkage:prediction: incremental.py, reusing the previous
release's comparison vectors where it can) and guard (linkage:relatives_guard);
cluster (linkage:clustering); assign person ids (linkage:stable_ids); the quality
figures (linkage:quality); write the lookup, the pairs, the model and the metadata
(linkage:write). The linkage-quality report is rendered later, from these files, by
its own asset.

link_release streams int_person_records from the caller's connection into Splink's
own database (backend.py: a scratch DuckDB file under the data directory, with the
project's memory, thread and spill limits), gives each of the seven source tables
to Splink as its own input (link_and_dedupe), trains, scores, clusters at three
thresholds, carries person ids over from the previous release and writes the
lookup. Every step after the read is SQL in that database: no scored pair and no
record comes into Python, only counts and aggregates; the Parquet outputs are
written by DuckDB's COPY. The caller's warehouse is only read. Nothing here logs
row values.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from splink import Linker

from contracts.landing import PERSON_RECORD_TABLES
from contracts.xjs_link import XJS_LINK_SCHEMA
from linkage import (
    backend,
    blocking,
    clustering,
    incremental,
    predict,
    quality,
    relatives,
    report,
    settings,
    training,
)
from linkage.features import MODEL_INPUT_COLUMNS, features_sql
from linkage.nicknames import nickname_rows
from linkage.stable_ids import (
    HIGH_PREFIX,
    LOW_PREFIX,
    StableIdCounts,
    label_table,
    person_id_table,
)
from xjs import atomic, faults, layout
from xjs.stages import stage

log = logging.getLogger(__name__)

COMPARISON_VIEWER_FILE = "comparison_viewer.html"
CLUSTER_STUDIO_FILE = "cluster_studio.html"
CLUSTER_COLUMNS = clustering.CLUSTER_COLUMNS
# The dashboards show record values for a few examples: they are drawn from a sample of
# about this many records (whole default clusters, chosen by a hash of the cluster id),
# scored again with the comparison columns retained; the release's own pairs carry ids
# and weights only.
DASHBOARD_RECORDS = 5_000
ARROW_BATCH_ROWS = 100_000
PARQUET_ROW_GROUP = 1_000_000

# tables in Splink's database
RECORDS = "__xjs_records"  # the model's columns of the release's records
FEATURES = "__xjs_features"  # the model input of every record (the guard reads it)
CLUSTERS = "__xjs_clusters"  # raw cluster labels at the three thresholds
EDGES = "__xjs_edges"  # pairs at or above the default threshold
PERSONS, HIGH_IDS, LOW_IDS = "__xjs_person_ids", "__xjs_high_ids", "__xjs_low_ids"
LINK = "__xjs_link"  # the lookup, with unique_id
PREVIOUS = "__xjs_previous"


def input_table(source: str) -> str:
    return f"__xjs_input_{source}"


@dataclass(frozen=True)
class LinkResult:
    """Counts and paths of one linkage run (no row values)."""

    records: int
    persons: int
    persons_high: int
    persons_low: int
    links: int  # scored pairs at or above the default threshold
    comparisons: int  # pairs scored
    records_by_source: dict[str, int]
    stable_ids: StableIdCounts
    thresholds: dict[str, float]
    training: dict = field(default_factory=dict)
    quality: dict = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)  # seconds per linkage stage
    xjs_link_path: Path | None = None
    model_path: Path | None = None
    metadata_path: Path | None = None

    def metadata(self) -> dict:
        """JSON-ready metadata: numbers, thresholds and file names only."""
        d = asdict(self)
        d["stable_ids"] = self.stable_ids.as_dict()
        for k in ("xjs_link_path", "model_path", "metadata_path"):
            d[k] = Path(d[k]).name if d[k] else None
        d["model_version"] = settings.MODEL_VERSION
        return d


# The named stages of a run (xjs.stages), in order: the benchmark reports each.
STAGES = (
    "linkage:read",
    "linkage:training",
    "linkage:prediction",
    "linkage:relatives_guard",
    "linkage:clustering",
    "linkage:stable_ids",
    "linkage:quality",
    "linkage:write",
)


@contextlib.contextmanager
def _timed(timings: dict, name: str):
    """xjs.stages.stage(name), its seconds also kept in timings."""
    started = time.monotonic()
    with stage(name):
        yield
    timings[name] = round(time.monotonic() - started, 2)


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def read_records(
    con: duckdb.DuckDBPyConnection, records_table: str, db: duckdb.DuckDBPyConnection
) -> dict[str, int]:
    """Copy the model's columns of records_table (on con) into table RECORDS of db,
    streamed in Arrow batches, and check them: known sources, each key once.
    Returns the records per source table, in contract order (sources with records)."""
    rel = con.sql(f"SELECT * FROM {records_table} LIMIT 0")
    columns = rel.columns
    rel.close()
    missing = [c for c in MODEL_INPUT_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"{records_table} lacks columns: {missing}")
    cols = ", ".join(f'"{c}"' for c in MODEL_INPUT_COLUMNS)
    reader = con.sql(f"SELECT {cols} FROM {records_table}").to_arrow_reader(ARROW_BATCH_ROWS)
    db.register("__xjs_reader", reader)
    try:
        db.execute(f"CREATE OR REPLACE TABLE {RECORDS} AS SELECT * FROM __xjs_reader")
    finally:
        db.unregister("__xjs_reader")
    bad = db.execute(
        f"""SELECT
          count(*) FILTER (WHERE source_table IS NULL OR record_id IS NULL
                             OR unique_id IS NULL),
          count(*) FILTER (WHERE source_table NOT IN {tuple(PERSON_RECORD_TABLES)}),
          count(*) - count(DISTINCT (source_table, record_id)),
          count(*) - count(DISTINCT unique_id)
        FROM {RECORDS}"""
    ).fetchall()[0]
    names = ("null keys", "unknown source_table", "duplicated keys", "duplicated unique_id")
    problems = dict(zip(names, bad, strict=True))
    problems = {k: v for k, v in problems.items() if v}
    if problems:
        raise ValueError(f"{records_table} is not linkable: {problems} rows")
    counts = dict(db.execute(f"SELECT source_table, count(*) FROM {RECORDS} GROUP BY 1").fetchall())
    return {s: int(counts[s]) for s in PERSON_RECORD_TABLES if counts.get(s)}


def source_inputs(db: duckdb.DuckDBPyConnection, sources: list[str]) -> None:
    """Model features of every record (FEATURES) and per source table (input_table),
    each source's rows in unique_id order (insertion order kept for these, so Splink's
    seeded sampling sees the same tables every run)."""
    db.execute("CREATE OR REPLACE TABLE nicknames (short VARCHAR, formal VARCHAR)")
    db.executemany("INSERT INTO nicknames VALUES (?, ?)", nickname_rows())
    db.execute("SET preserve_insertion_order = true")
    try:
        db.execute(
            f"CREATE OR REPLACE TABLE {FEATURES} AS {features_sql(RECORDS)}"
            " ORDER BY source_table, unique_id"
        )
        for source in sources:
            db.execute(
                f"CREATE OR REPLACE TABLE {input_table(source)} AS SELECT * FROM {FEATURES}"
                f" WHERE source_table = '{source}' ORDER BY unique_id"
            )
    finally:
        db.execute("SET preserve_insertion_order = false")


def _copy_parquet(db: duckdb.DuckDBPyConnection, select: str, schema, path: Path) -> None:
    """Write select's rows to path atomically, in the order of its ORDER BY and with
    exactly schema (DuckDB's own COPY marks columns without nulls as required, which
    the contract's schemas are not): streamed from DuckDB in Arrow batches of
    PARQUET_ROW_GROUP rows, one row group each, so memory stays one batch."""
    with atomic.atomic_path(path) as tmp:
        db.execute("SET preserve_insertion_order = true")
        try:
            reader = db.sql(select).to_arrow_reader(PARQUET_ROW_GROUP)
            with pq.ParquetWriter(tmp, schema) as writer:
                for batch in reader:
                    writer.write_table(
                        pa.Table.from_batches([batch]).cast(schema),
                        row_group_size=PARQUET_ROW_GROUP,
                    )
        finally:
            db.execute("SET preserve_insertion_order = false")


def _write_json(obj: dict, path: Path) -> None:
    atomic.write_json(path, obj)


def _dashboards(
    db_api, sources: list[str], scoring: dict, thresholds, out_dir: Path, n_records: int
) -> None:
    """Splink's comparison viewer and cluster studio (they hold record values: secure
    folder), from a sample of whole default clusters (DASHBOARD_RECORDS records or so)
    scored again with the comparison columns retained."""
    db = backend.connection(db_api)
    modulus = max(1, n_records // DASHBOARD_RECORDS)
    db.execute(
        f"""CREATE OR REPLACE TABLE __xjs_dash_ids AS SELECT unique_id FROM {CLUSTERS}
        WHERE hash(cluster_default) % {modulus} = 0"""
    )
    sdfs = []
    for source in sources:
        table = f"__xjs_dash_{source}"
        db.execute(
            f"""CREATE OR REPLACE TABLE {table} AS SELECT * FROM {input_table(source)}
            WHERE unique_id IN (SELECT unique_id FROM __xjs_dash_ids) ORDER BY unique_id"""
        )
        if db.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]:
            sdfs.append(db_api.register(table, dataset_display_name=f"{source}_sample"))
    if not sdfs:
        return
    linker = Linker(
        sdfs,
        training.for_scoring(scoring, retain_columns=True),
        log_level=backend.SPLINK_LOG_LEVEL,
    )
    scored = predict.predict_pairs(linker)
    guarded = relatives.guard_relatives(linker, scored, FEATURES)
    clusters = clustering.cluster_at(linker, guarded, thresholds.default)
    with atomic.atomic_path(out_dir / COMPARISON_VIEWER_FILE) as tmp:
        linker.visualisations.comparison_viewer_dashboard(
            scored, str(tmp), overwrite=True, num_example_rows=2
        )
    with atomic.atomic_path(out_dir / CLUSTER_STUDIO_FILE) as tmp:
        linker.visualisations.cluster_studio_dashboard(
            guarded,
            clusters,
            str(tmp),
            sampling_method="by_cluster_size",
            sample_size=20,
            overwrite=True,
        )


def fallback_model(root: Path, release_id: str) -> Path | None:
    """The model.json of the newest earlier release that has a verified lookup (xjs.verified)
    and a model with estimated parameters (trained, pinned or itself a fallback; not an
    untrained one)."""
    current = release_id
    while (earlier := layout.previous_release_with_link(root, current)) is not None:
        folder = layout.linkage_dir(root, earlier)
        path, meta = folder / layout.MODEL_FILE, folder / layout.METADATA_FILE
        if path.is_file() and meta.is_file():
            status = json.loads(meta.read_text(encoding="utf-8")).get("training", {})
            if status.get("status", training.TRAINED) in training.STATUSES_WITH_MODEL:
                return path
        current = earlier
    return None


def _scoring_settings(
    sdfs: list, trained: dict, n_records: int, sql_dialect: str
) -> tuple[dict, list[dict]]:
    """The model for scoring this release, without the prediction rules whose largest
    block would explode (blocking.block_budget); the dropped rules for the metadata."""
    kept, oversized = blocking.rules_within_budget(
        sdfs, trained["blocking_rules_to_generate_predictions"], n_records, sql_dialect
    )
    dropped = [
        {"rule": rule["blocking_rule"], "reason": "oversized_block", "pairs": pairs}
        for rule, pairs in oversized
    ]
    scoring = training.for_scoring(trained)
    if dropped:
        scoring["blocking_rules_to_generate_predictions"] = kept
    return scoring, dropped


@dataclass(frozen=True)
class _Linked:
    """What scoring and clustering leave for the lookup (tables CLUSTERS, EDGES and the
    predictions in Splink's database), and the pair counts."""

    predictions: str | None = None  # physical name of the guarded pairs, None: no pairs
    comparisons: int = 0
    links: int = 0
    guarded: int = 0


def _pinned_or_untrained(
    pinned_model: Path | None, n_records: int, seed: int, sql_dialect: str
) -> tuple[dict | None, dict]:
    """The model when none is trained: the pinned one, or an untrained one for a release
    of 0 or 1 records; (None, {}) when the release must train."""
    if pinned_model is not None:
        model = training.load_pinned(pinned_model, sql_dialect)
        return model, {"reused_model": str(pinned_model), "seed": seed, "status": training.PINNED}
    if n_records < 2:
        return training.untrained_model(sql_dialect, seed), {
            "seed": seed,
            "status": training.NOT_NEEDED,
        }
    return None, {}


def _train(
    sdfs: list, n_records: int, seed: int, sql_dialect: str, fallback: Path | None
) -> tuple[dict, dict]:
    """Train on the release; when too little can be estimated, the fallback model (with a
    warning), else training.TrainingError. Returns (model, training metadata)."""
    outcome = training.train(sdfs, n_records, seed, sql_dialect)
    report_ = outcome.report
    if outcome.model is not None:
        trained = outcome.model
    elif fallback is not None:
        trained = training.load_pinned(fallback, sql_dialect)
        report_.fell_back(fallback)
        log.warning("training: %s", report_.warnings[-1])
    else:
        raise training.TrainingError(report_.failure_message())
    return trained, report_.as_dict()


def _predict(linker: Linker, n_records: int, chunks: int, out_dir: Path, previous_dir):
    """Splink's raw predictions of the release (incremental.Scored): incremental from the
    previous release's state where it can be reused, else in full, writing this release's
    state into out_dir; with incremental.ENABLED_ENV off, Splink's own predict, no state."""
    if incremental.enabled():
        return incremental.predict_pairs(linker, out_dir, previous_dir, (chunks, 1))
    raw = predict.predict_pairs(linker, chunks)
    (pairs,) = raw.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0]
    return incremental.Scored(
        raw, incremental.FULL, incremental.REASON_DISABLED, n_records, new=n_records, pairs=pairs
    )


def _score(
    db_api,
    sdfs: list,
    n_records: int,
    trained: dict,
    params: dict,
    sql_dialect: str,
    out_dir: Path,
    previous_dir: Path | None,
) -> tuple[Linker, dict, object]:
    """Score the candidate pairs with the model (without oversized prediction rules,
    recorded in params), chunked where one pass would not fit (predict.num_chunks),
    reusing the previous release's comparison vectors where it can (_predict; the
    mode, fallback reason and counts recorded in params as prediction_*).
    Returns (linker, scoring settings, Splink's predictions)."""
    scoring, dropped = _scoring_settings(sdfs, trained, n_records, sql_dialect)
    params["prediction_rules_dropped"] = dropped
    if dropped:
        log.warning("blocking: %d prediction rules dropped (oversized blocks)", len(dropped))
    linker = Linker(sdfs, scoring, log_level=backend.SPLINK_LOG_LEVEL)
    report.save_model_charts(linker, out_dir)
    chunks = predict.num_chunks(n_records, db_api.xjs_limits.memory_limit)
    params["prediction_chunks"] = chunks
    scored = _predict(linker, n_records, chunks, out_dir, previous_dir)
    params.update({f"prediction_{k}": v for k, v in scored.metadata().items()})
    return linker, scoring, scored.predictions


def _guard(linker: Linker, scored) -> object:
    """Hold relatives down (relatives.py); Splink's unguarded table is dropped."""
    predictions = relatives.guard_relatives(linker, scored, FEATURES)
    scored.drop_table_from_database_and_remove_from_cache()
    faults.kill_point("linkage:after_prediction")
    return predictions


def _cluster(db, linker: Linker, predictions, thresholds: settings.Thresholds) -> _Linked:
    """Cluster at the three thresholds (CLUSTERS) and keep the default edges (EDGES)."""
    comparisons, links, guarded = predict.pair_counts(
        db, predictions.physical_name, thresholds.default
    )
    unclustered = clustering.cluster_all(db, linker, predictions, RECORDS, thresholds, CLUSTERS)
    if unclustered:
        raise RuntimeError(f"{unclustered} records got no cluster from Splink")
    faults.kill_point("linkage:after_clustering")
    predict.edges_table(db, predictions.physical_name, thresholds.default, EDGES)
    return _Linked(predictions.physical_name, comparisons, links, guarded)


def _nothing_to_link(db) -> _Linked:
    """0 or 1 records: every record is a person of one record, no Splink run, no pairs."""
    clustering.singletons(db, RECORDS, CLUSTERS)
    predict.no_edges(db, EDGES)
    return _Linked()


def _assign_ids(db, previous_link_path: Path | None) -> StableIdCounts:
    """Table LINK: each record's stable ids (person ids carried over from the previous
    release's lookup; cluster_high / cluster_low hashed) and match confidence."""
    previous = None
    if previous_link_path is not None:
        db.execute(
            f"CREATE OR REPLACE VIEW {PREVIOUS} AS"
            f" SELECT * FROM read_parquet({_sql_path(Path(previous_link_path))})"
        )
        previous = PREVIOUS
    counts = person_id_table(db, CLUSTERS, "cluster_default", previous, PERSONS)
    label_table(db, CLUSTERS, "cluster_high", HIGH_PREFIX, HIGH_IDS)
    label_table(db, CLUSTERS, "cluster_low", LOW_PREFIX, LOW_IDS)
    db.execute(
        f"""CREATE OR REPLACE TABLE {LINK} AS
        SELECT c.unique_id, c.source_table, c.record_id, p.person_id,
               h.label AS cluster_high, l.label AS cluster_low,
               CAST(coalesce(m.match_confidence, 1.0) AS DOUBLE) AS match_confidence
        FROM {CLUSTERS} c
        JOIN {PERSONS} p ON c.cluster_default = p.cluster
        JOIN {HIGH_IDS} h ON c.cluster_high = h.cluster
        JOIN {LOW_IDS} l ON c.cluster_low = l.cluster
        LEFT JOIN ({clustering.match_confidence_sql(EDGES)}) m USING (unique_id)"""
    )
    if previous is not None:
        db.execute(f"DROP VIEW {PREVIOUS}")
    return counts


def _link_select() -> str:
    """The lookup as the contract has it: its columns and types, in key order."""
    types = {"string": "VARCHAR", "double": "DOUBLE"}
    cols = ", ".join(f"CAST({f.name} AS {types[str(f.type)]}) AS {f.name}" for f in XJS_LINK_SCHEMA)
    return f"SELECT {cols} FROM {LINK} ORDER BY source_table, record_id"


def _quality(db, linked: _Linked) -> dict:
    n = db.execute(f"SELECT count(*) FROM {LINK}").fetchall()[0][0]
    return {
        "comparisons_per_record": round(linked.comparisons / max(n, 1), 3),
        "guarded_pairs": linked.guarded,
        "cluster_sizes": quality.size_distribution_sql(db, LINK, "person_id"),
        "link_rates": quality.link_rates_sql(db, LINK),
        "graph": quality.graph_flags_sql(db, LINK, EDGES),
    }


def _result(
    db,
    by_source: dict[str, int],
    linked: _Linked,
    counts: StableIdCounts,
    thresholds: settings.Thresholds,
    params: dict,
    quality_figures: dict,
    out_dir: Path,
) -> LinkResult:
    """The counts of the run (no row values); seconds and timings are added at the end."""
    n, persons, high, low = db.execute(
        f"""SELECT count(*), count(DISTINCT person_id), count(DISTINCT cluster_high),
                   count(DISTINCT cluster_low) FROM {LINK}"""
    ).fetchall()[0]
    return LinkResult(
        records=int(n),
        persons=int(persons),
        persons_high=int(high),
        persons_low=int(low),
        links=linked.links,
        comparisons=linked.comparisons,
        records_by_source=by_source,
        stable_ids=counts,
        thresholds=thresholds.as_dict(),
        training=params,
        quality=quality_figures,
        xjs_link_path=out_dir / layout.XJS_LINK_FILE,
        model_path=out_dir / layout.MODEL_FILE,
        metadata_path=out_dir / layout.METADATA_FILE,
    )


def _default_root(out_dir: Path) -> Path:
    """The data directory of a release's linkage folder (<root>/releases/<R>/linkage),
    else the folder above out_dir: where Splink's scratch database and spill files go."""
    out_dir = Path(out_dir).resolve()
    if out_dir.name == "linkage" and out_dir.parent.parent.name == "releases":
        return out_dir.parent.parent.parent
    return out_dir.parent


def link_release(
    con: duckdb.DuckDBPyConnection,
    records_table: str,
    out_dir: Path,
    previous_link_path: Path | None = None,
    seed: int = 42,
    thresholds: settings.Thresholds = settings.THRESHOLDS,
    pinned_model: Path | None = None,
    dashboards: bool = True,
    fallback: Path | None = None,
    root: Path | None = None,
) -> LinkResult:
    """Link every record of records_table (int_person_records shape) and write the lookup.

    Writes out_dir/xjs_link.parquet, model.json, pairs.parquet (scored pairs, for
    evaluation), linkage_metadata.json, charts.json (for the report) and, with
    dashboards, Splink's comparison viewer and cluster studio (from a sample).
    Also the incremental state (incremental.STATE_FILES) the next release reuses.
    previous_link_path: the previous release's xjs_link.parquet, to carry person ids
    over; its folder's incremental state, when there and reusable, spares comparing
    the pairs of unchanged records again (the same pairs and weights as in full;
    metadata training.prediction_mode and the counts). pinned_model: a trained model.json to
    reuse instead of training (recorded in the metadata). fallback: a model.json to
    use, with a warning in the metadata, when training cannot estimate enough; without
    one, such a release stops with training.TrainingError before writing anything. A
    release of 0 or 1 records needs no model: each record is a person. root: the data
    directory, whose tmp/ holds Splink's scratch database and DuckDB's spill files
    (xjs.limits); default: the one out_dir lies in (or the folder above out_dir).
    """
    started = time.monotonic()
    timings: dict[str, float] = {}
    backend.quiet_splink()
    out_dir = layout.secure_dir(out_dir)  # record ids and values: owner-only
    atomic.clean_temp(out_dir)  # leftovers of a killed run
    # the folder's incremental state is this run's or none (a release of 0 or 1 records,
    # or XJS_INCREMENTAL=0, writes none): the next release never reuses an older run's
    incremental.clear_state(out_dir)
    previous_dir = Path(previous_link_path).parent if previous_link_path is not None else None
    db_api = backend.make_db_api(_default_root(out_dir) if root is None else root)
    db = backend.connection(db_api)
    try:
        with _timed(timings, "linkage:read"):
            by_source = read_records(con, records_table, db)
            source_inputs(db, list(by_source))
        n = sum(by_source.values())
        log.info("linking %d records from %d sources", n, len(by_source))
        dialect = db_api.sql_dialect.sql_dialect_str
        trained, params = _pinned_or_untrained(pinned_model, n, seed, dialect)
        scoring = None
        if n < 2:
            linked = _nothing_to_link(db)
        else:
            sdfs = [db_api.register(input_table(s), dataset_display_name=s) for s in by_source]
            with _timed(timings, "linkage:training"):
                faults.kill_point("linkage:before_training")
                if trained is None:
                    trained, params = _train(sdfs, n, seed, dialect, fallback)
                faults.kill_point("linkage:after_training")
            with _timed(timings, "linkage:prediction"):
                linker, scoring, scored = _score(
                    db_api, sdfs, n, trained, params, dialect, out_dir, previous_dir
                )
            with _timed(timings, "linkage:relatives_guard"):
                predictions = _guard(linker, scored)
            with _timed(timings, "linkage:clustering"):
                linked = _cluster(db, linker, predictions, thresholds)
        with _timed(timings, "linkage:stable_ids"):
            counts = _assign_ids(db, previous_link_path)
        with _timed(timings, "linkage:quality"):
            figures = _quality(db, linked)
        with _timed(timings, "linkage:write"):
            pairs = out_dir / layout.PAIRS_FILE
            if linked.predictions is None:
                with atomic.atomic_path(pairs) as tmp:
                    pq.write_table(predict.no_scored_pairs(), tmp)
            else:
                _copy_parquet(
                    db,
                    predict.scored_pairs_sql(linked.predictions),
                    predict.SCORED_PAIRS_SCHEMA,
                    pairs,
                )
            if dashboards and scoring is not None:
                _dashboards(db_api, list(by_source), scoring, thresholds, out_dir, n)
            _copy_parquet(db, _link_select(), XJS_LINK_SCHEMA, out_dir / layout.XJS_LINK_FILE)
            _write_json(trained, out_dir / layout.MODEL_FILE)
            result = _result(db, by_source, linked, counts, thresholds, params, figures, out_dir)
    finally:
        backend.close_db_api(db_api)
    result = dataclasses.replace(
        result, seconds=round(time.monotonic() - started, 1), timings=timings
    )
    _write_json(result.metadata(), result.metadata_path)
    log.info("linked %d records into %d persons", result.records, result.persons)
    return result
