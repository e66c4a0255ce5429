"""One release through the model: records in, xjs_link + model + metadata out.

The steps of link_release, each a function here: read and check the records
(read_records, _source_inputs); train or reuse a model (_pinned_or_untrained,
_train); score and guard (_score_and_guard); cluster (_cluster); assign person
ids and write the lookup (_assign_ids, _write_link); the metadata (_result). The
linkage-quality report is rendered later, from these files, by its own asset.

link_release reads int_person_records from the caller's connection, gives each
of the seven source tables to Splink as its own input (link_and_dedupe), trains,
scores, clusters at three thresholds, carries person ids over from the previous
release and writes the lookup. Splink runs on a private database (backend.py),
so the caller's warehouse is only read. Nothing here logs row values.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from splink import Linker

from contracts.landing import PERSON_RECORD_TABLES
from contracts.xjs_link import XJS_LINK_SCHEMA
from linkage import (
    backend,
    blocking,
    clustering,
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
    KEY,
    LOW_PREFIX,
    StableIdCounts,
    assign_person_ids,
    label_ids,
)
from xjs import atomic, faults, layout

log = logging.getLogger(__name__)

COMPARISON_VIEWER_FILE = "comparison_viewer.html"
CLUSTER_STUDIO_FILE = "cluster_studio.html"
CLUSTER_COLUMNS = ("cluster_default", "cluster_high", "cluster_low")


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


def read_records(con: duckdb.DuckDBPyConnection, records_table: str) -> pa.Table:
    """The model's columns of records_table, checked: known sources, each key once."""
    rel = con.sql(f"SELECT * FROM {records_table} LIMIT 0")
    columns = rel.columns
    rel.close()
    missing = [c for c in MODEL_INPUT_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"{records_table} lacks columns: {missing}")
    cols = ", ".join(f'"{c}"' for c in MODEL_INPUT_COLUMNS)
    table = con.sql(f"SELECT {cols} FROM {records_table}").to_arrow_table()

    check = duckdb.connect()
    try:
        check.register("records", table)
        bad = check.sql(
            f"""SELECT
              count(*) FILTER (WHERE source_table IS NULL OR record_id IS NULL
                                 OR unique_id IS NULL),
              count(*) FILTER (WHERE source_table NOT IN {tuple(PERSON_RECORD_TABLES)}),
              count(*) - count(DISTINCT (source_table, record_id)),
              count(*) - count(DISTINCT unique_id)
            FROM records"""
        ).fetchall()[0]
    finally:
        check.close()
    names = ("null keys", "unknown source_table", "duplicated keys", "duplicated unique_id")
    problems = dict(zip(names, bad, strict=True))
    problems = {k: v for k, v in problems.items() if v}
    if problems:
        raise ValueError(f"{records_table} is not linkable: {problems} rows")
    return table


def _source_inputs(records: pa.Table) -> dict[str, pa.Table]:
    """Model features per source table that has records, in contract order."""
    con = duckdb.connect()
    try:
        con.register("records", records)
        con.execute("CREATE TABLE nicknames (short VARCHAR, formal VARCHAR)")
        con.executemany("INSERT INTO nicknames VALUES (?, ?)", nickname_rows())
        out = {}
        for source in PERSON_RECORD_TABLES:
            t = con.sql(
                features_sql("records") + f" WHERE source_table = '{source}' ORDER BY unique_id"
            ).to_arrow_table()
            if t.num_rows:
                out[source] = t
        return out
    finally:
        con.close()


def _write_link(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(
        frame[XJS_LINK_SCHEMA.names], schema=XJS_LINK_SCHEMA, preserve_index=False
    )
    with atomic.atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def _write_json(obj: dict, path: Path) -> None:
    atomic.write_json(path, obj)


def _dashboards(linker: Linker, scored, predictions, clusters, out_dir: Path) -> None:
    """Splink's comparison viewer and cluster studio (they hold record values: secure folder).

    The viewer reads Splink's own predict table (scored: comparison vectors, which
    the relatives guard leaves unchanged); cluster studio the guarded pairs.
    """
    with atomic.atomic_path(out_dir / COMPARISON_VIEWER_FILE) as tmp:
        linker.visualisations.comparison_viewer_dashboard(
            scored, str(tmp), overwrite=True, num_example_rows=2
        )
    with atomic.atomic_path(out_dir / CLUSTER_STUDIO_FILE) as tmp:
        linker.visualisations.cluster_studio_dashboard(
            predictions,
            clusters,
            str(tmp),
            sampling_method="by_cluster_size",
            sample_size=20,
            overwrite=True,
        )


def fallback_model(root: Path, release_id: str) -> Path | None:
    """The model.json of the newest earlier release that has a lookup and a model with
    estimated parameters (trained, pinned or itself a fallback; not an untrained one)."""
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
    budget = blocking.block_budget(n_records)
    kept, dropped = [], []
    rule_dicts = trained["blocking_rules_to_generate_predictions"]
    for rule, rule_dict in zip(settings.BLOCKING_RULES, rule_dicts, strict=True):
        pairs = blocking.largest_block_pairs(sdfs, rule)
        if pairs > budget:
            dropped.append(
                {"rule": rule_dict["blocking_rule"], "reason": "oversized_block", "pairs": pairs}
            )
        else:
            kept.append(rule_dict)
    scoring = training.for_scoring(trained)
    if dropped:
        scoring["blocking_rules_to_generate_predictions"] = kept or [
            blocking.NO_PAIRS_RULE.get_blocking_rule(sql_dialect).as_dict()
        ]
    return scoring, dropped


def _singletons(records: pa.Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw clusters and (no) edges of a release with nothing to link: each record alone."""
    uids = pd.Index(records.column("unique_id").to_pylist(), name="unique_id", dtype=object)
    raw = pd.DataFrame(
        {c: pd.Series(uids, index=uids, dtype=object) for c in CLUSTER_COLUMNS}
    ).rename_axis("unique_id")
    edges = pd.DataFrame(
        {c: pd.Series(dtype=object) for c in ("unique_id_l", "unique_id_r")}
    ).assign(match_probability=pd.Series(dtype="float64"))
    return raw, edges


@dataclass(frozen=True)
class _Linked:
    """What scoring and clustering leave for the lookup: per record its raw cluster at
    each threshold (indexed by unique_id), the edges at the default threshold, counts."""

    raw: pd.DataFrame
    edges: pd.DataFrame
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


def _score_and_guard(
    sdfs: list,
    inputs: dict[str, pa.Table],
    trained: dict,
    params: dict,
    sql_dialect: str,
    out_dir: Path,
):
    """Score the candidate pairs with the model (without oversized prediction rules,
    recorded in params) and hold relatives down. Returns (linker, scored, guarded pairs)."""
    n_records = sum(t.num_rows for t in inputs.values())
    scoring, dropped = _scoring_settings(sdfs, trained, n_records, sql_dialect)
    params["prediction_rules_dropped"] = dropped
    if dropped:
        log.warning("blocking: %d prediction rules dropped (oversized blocks)", len(dropped))
    linker = Linker(sdfs, scoring, log_level=backend.SPLINK_LOG_LEVEL)
    report.save_model_charts(linker, out_dir)
    scored = predict.predict_pairs(linker)
    predictions = relatives.guard_relatives(linker, scored, pa.concat_tables(inputs.values()))
    faults.kill_point("linkage:after_prediction")
    return linker, scored, predictions


def _cluster(
    linker: Linker,
    scored,
    predictions,
    thresholds: settings.Thresholds,
    out_dir: Path,
    dashboards: bool,
) -> _Linked:
    """Cluster at the three thresholds; write the scored pairs (and the dashboards)."""
    comparisons, links = predict.count_pairs(linker, predictions, thresholds.default)
    guarded = predict.count_guarded(linker, predictions)
    raw, default_clusters = clustering.cluster_all(linker, predictions, thresholds)
    faults.kill_point("linkage:after_clustering")
    edges = predict.edges_at_or_above(linker, predictions, thresholds.default)
    with atomic.atomic_path(out_dir / layout.PAIRS_FILE) as tmp:
        pq.write_table(predict.scored_pairs(linker, predictions), tmp)
    if dashboards:
        _dashboards(linker, scored, predictions, default_clusters, out_dir)
    return _Linked(raw, edges, comparisons, links, guarded)


def _nothing_to_link(records: pa.Table, out_dir: Path) -> _Linked:
    """0 or 1 records: every record is a person of one record, no Splink run, no pairs."""
    raw, edges = _singletons(records)
    with atomic.atomic_path(out_dir / layout.PAIRS_FILE) as tmp:
        pq.write_table(predict.no_scored_pairs(), tmp)
    return _Linked(raw, edges)


def _assign_ids(
    records: pa.Table, linked: _Linked, previous: pd.DataFrame | None
) -> tuple[pd.DataFrame, StableIdCounts]:
    """The lookup frame: each record's cluster, match confidence and stable ids (person
    ids carried over from the previous release's lookup), in key order."""
    frame = records.select(["unique_id", *KEY]).to_pandas().set_index("unique_id")
    frame = frame.join(linked.raw, how="left")
    unclustered = int(frame["cluster_default"].isna().sum())
    if unclustered:
        raise RuntimeError(f"{unclustered} records got no cluster from Splink")
    frame["match_confidence"] = clustering.match_confidence(frame.index, linked.edges)
    frame = frame.sort_values(KEY, kind="mergesort").reset_index(drop=True)
    frame["person_id"], counts = assign_person_ids(frame, "cluster_default", previous)
    frame["cluster_high"] = label_ids(frame, "cluster_high", HIGH_PREFIX)
    frame["cluster_low"] = label_ids(frame, "cluster_low", LOW_PREFIX)
    return frame, counts


def _result(
    frame: pd.DataFrame,
    inputs: dict[str, pa.Table],
    linked: _Linked,
    counts: StableIdCounts,
    thresholds: settings.Thresholds,
    params: dict,
    out_dir: Path,
    started: float,
) -> LinkResult:
    """The counts and quality figures of the run (no row values)."""
    n = len(frame)
    link = frame[XJS_LINK_SCHEMA.names]
    return LinkResult(
        records=n,
        persons=int(frame["person_id"].nunique()),
        persons_high=int(frame["cluster_high"].nunique()),
        persons_low=int(frame["cluster_low"].nunique()),
        links=linked.links,
        comparisons=linked.comparisons,
        records_by_source={s: t.num_rows for s, t in inputs.items()},
        stable_ids=counts,
        thresholds=thresholds.as_dict(),
        training=params,
        quality={
            "comparisons_per_record": round(linked.comparisons / max(n, 1), 3),
            "guarded_pairs": linked.guarded,
            "cluster_sizes": quality.size_distribution(link["person_id"]),
            "link_rates": quality.link_rates(link),
            "graph": quality.graph_flags(link, linked.edges),
        },
        seconds=round(time.monotonic() - started, 1),
        xjs_link_path=out_dir / layout.XJS_LINK_FILE,
        model_path=out_dir / layout.MODEL_FILE,
        metadata_path=out_dir / layout.METADATA_FILE,
    )


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
) -> LinkResult:
    """Link every record of records_table (int_person_records shape) and write the lookup.

    Writes out_dir/xjs_link.parquet, model.json, pairs.parquet (scored pairs, for
    evaluation), linkage_metadata.json, charts.json (for the report) and, with
    dashboards, Splink's comparison viewer and cluster studio. previous_link_path:
    the previous release's xjs_link.parquet, to carry person ids over. pinned_model:
    a trained model.json to reuse instead of training (recorded in the metadata).
    fallback: a model.json to use, with a warning in the metadata, when training
    cannot estimate enough; without one, such a release stops with
    training.TrainingError before writing anything. A release of 0 or 1 records
    needs no model: each record is a person.
    """
    started = time.monotonic()
    backend.quiet_splink()
    out_dir = layout.secure_dir(out_dir)  # record ids and values: owner-only
    atomic.clean_temp(out_dir)  # leftovers of a killed run
    records = read_records(con, records_table)
    inputs = _source_inputs(records)
    n = records.num_rows
    previous = pd.read_parquet(previous_link_path) if previous_link_path else None
    log.info("linking %d records from %d sources", n, len(inputs))

    db_api = backend.make_db_api()
    try:
        dialect = db_api.sql_dialect.sql_dialect_str
        trained, params = _pinned_or_untrained(pinned_model, n, seed, dialect)
        if n < 2:
            linked = _nothing_to_link(records, out_dir)
        else:
            sdfs = [db_api.register(t, dataset_display_name=s) for s, t in inputs.items()]
            faults.kill_point("linkage:before_training")
            if trained is None:
                trained, params = _train(sdfs, n, seed, dialect, fallback)
            faults.kill_point("linkage:after_training")
            linker, scored, predictions = _score_and_guard(
                sdfs, inputs, trained, params, dialect, out_dir
            )
            linked = _cluster(linker, scored, predictions, thresholds, out_dir, dashboards)
    finally:
        backend.close_db_api(db_api)

    frame, counts = _assign_ids(records, linked, previous)
    _write_link(frame, out_dir / layout.XJS_LINK_FILE)
    _write_json(trained, out_dir / layout.MODEL_FILE)
    result = _result(frame, inputs, linked, counts, thresholds, params, out_dir, started)
    _write_json(result.metadata(), result.metadata_path)
    log.info("linked %d records into %d persons", result.records, result.persons)
    return result
