"""Linkage: int_person_records -> xjs_link (record -> person) -> evaluation -> report.

The Splink work lives in linkage/; this module wires it into the graph and
gates it: a blocking Pandera check on int_person_records before linkage, and
one on xjs_link (every person record exactly once, ids well formed) before
anything reads the lookup. The linkage-quality report is one asset, downstream
of everything it shows.
"""

import contextlib
import json
import os
import time
from collections.abc import Iterator

import dagster as dg
import duckdb
import polars as pl

from contracts.person_records import PERSON_RECORDS_TABLE, person_records_schema
from contracts.scored_pairs import pair_set_failures, scored_pairs_schema
from contracts.validation import duckdb_frame, validate
from contracts.xjs_link import reconcile_records, xjs_link_schema
from linkage import journey, report
from linkage.evaluation import full_evaluation, worst_subgroup_gap
from linkage.pipeline import fallback_model, link_release
from linkage.training import resolve_pinned
from orchestration.checks import check_result
from orchestration.defs.partitions import DUCKDB_POOL, release_partitions
from orchestration.defs.quarantine import QUARANTINE
from orchestration.defs.resources import XjsStorage
from research.coarsen import age_band_sql
from xjs import atomic, layout, verified
from xjs.limits import duckdb_limits
from xjs.stages import stage

PERSON_RECORDS = dg.AssetKey(PERSON_RECORDS_TABLE.split("."))  # as dagster-dbt keys it
JOURNEY_MART = dg.AssetKey(["marts", "mags_crown_journey"])
PINNED_MODEL_ENV = "XJS_PINNED_MODEL"


class LinkageConfig(dg.Config):
    """Run config of xjs_link: reuse a pinned model instead of retraining.

    reuse_model_from: a release id (its linkage/model.json) or a path to a
    model.json. Unset: $XJS_PINNED_MODEL if set, else retrain on this release.
    fallback_model_from: the model to use when training cannot estimate enough
    (same values); unset: the newest earlier release's estimated model, if any.
    """

    reuse_model_from: str | None = None
    fallback_model_from: str | None = None


def _parquet(path) -> str:
    """A Parquet file as a DuckDB relation in SQL."""
    return "read_parquet('" + str(path).replace("'", "''") + "')"


@dg.asset_check(
    asset=PERSON_RECORDS,
    name="person_records_contract",
    blocking=True,
    partitions_def=release_partitions,
    description="Pandera: one shape for all sources, standardised values, unique ids.",
)
def person_records_contract(context: dg.AssetCheckExecutionContext, storage: XjsStorage):
    with (
        stage("gate:person_records_contract"),
        storage.warehouse(context.partition_key, read_only=True) as con,
    ):
        rows = con.execute(f"select count(*) from {PERSON_RECORDS_TABLE}").fetchall()[0][0]
        frame = duckdb_frame(con, f"select * from {PERSON_RECORDS_TABLE}")
        report = validate(person_records_schema(), frame, rows=rows)
    return check_result(report)


@dg.asset(
    deps=[PERSON_RECORDS, QUARANTINE],  # QUARANTINE: its blocking gate stops linkage
    partitions_def=release_partitions,
    pool=DUCKDB_POOL,
    group_name="linkage",
    kinds={"splink", "duckdb"},
    owners=["team:data-engineering"],
    description="The lookup record -> person (releases/<R>/linkage/xjs_link.parquet): Splink "
    "trained on the release, clustered at three thresholds, person ids carried over.",
)
def xjs_link(
    context: dg.AssetExecutionContext, config: LinkageConfig, storage: XjsStorage
) -> dg.MaterializeResult:
    release_id = context.partition_key
    reuse = config.reuse_model_from or os.environ.get(PINNED_MODEL_ENV) or None
    pinned = resolve_pinned(reuse, storage.root / "releases")
    fallback = resolve_pinned(config.fallback_model_from, storage.root / "releases")
    fallback = fallback or fallback_model(storage.root, release_id)
    previous = layout.previous_release_with_link(storage.root, release_id)
    previous_path = layout.xjs_link_path(storage.root, previous) if previous else None
    con = duckdb.connect()
    try:
        warehouse = storage.warehouse_path(release_id)
        con.execute(f"attach '{warehouse}' as warehouse (read_only)")
        result = link_release(
            con,
            f"warehouse.{PERSON_RECORDS_TABLE}",
            layout.linkage_dir(storage.root, release_id),
            previous_link_path=previous_path,
            pinned_model=pinned,
            fallback=fallback,
            root=storage.root,
        )
    finally:
        con.close()
    for warning in result.training.get("warnings", []):
        context.log.warning(f"training: {warning}")
    context.log.info(
        f"{result.records} records -> {result.persons} persons; "
        f"previous release {previous or 'none'}"
    )
    stable = result.stable_ids.as_dict()
    # incremental or full prediction, why full, and the counts (linkage.pipeline._score);
    # a release of 0 or 1 records scores nothing and has none
    prediction = {
        k: "none" if v is None else v
        for k, v in result.training.items()
        if k.startswith("prediction_") and not isinstance(v, list)
    }
    return dg.MaterializeResult(
        metadata={
            "records": result.records,
            "persons": result.persons,
            "persons_high": result.persons_high,
            "persons_low": result.persons_low,
            "links": result.links,
            "comparisons": result.comparisons,
            "comparisons_per_record": round(result.comparisons / max(result.records, 1), 2),
            **{f"persons_{k}": v for k, v in stable.items()},
            **{f"threshold_{k}": v for k, v in result.thresholds.items()},
            "guarded_pairs": result.quality["guarded_pairs"],
            **{f"graph_{k}": v for k, v in result.quality["graph"].items()},
            "previous_release": previous or "none",
            "model_reused_from": reuse or "retrained",
            "training_status": result.training.get("status", "trained"),
            "training_skipped": len(result.training.get("skipped", [])),
            "training_warnings": len(result.training.get("warnings", [])),
            "prediction_mode": "none",
            **prediction,
            "prediction_rules_dropped": len(result.training.get("prediction_rules_dropped", [])),
            "model_fallback": result.training.get("fallback_model") or "none",
            "seconds": round(result.seconds, 1),
            "path": dg.MetadataValue.path(str(result.xjs_link_path)),
        }
    )


@dg.asset_check(
    asset=xjs_link,
    name=verified.XJS_LINK_CHECK,
    blocking=True,
    partitions_def=release_partitions,
    description="Pandera: every person record exactly once, ids well formed, confidence in [0, 1].",
)
def xjs_link_contract(context: dg.AssetCheckExecutionContext, storage: XjsStorage):
    release_id = context.partition_key
    link_path = layout.xjs_link_path(storage.root, release_id)
    link_sha256 = verified.sha256_of(link_path)  # the marker vouches for exactly these bytes
    with stage("gate:xjs_link_contract"):
        report = validate(xjs_link_schema(), pl.scan_parquet(link_path))
        with storage.warehouse(release_id, read_only=True) as con:
            counts = reconcile_records(con, _parquet(link_path), PERSON_RECORDS_TABLE)
    for reason, count in counts.items():
        if count:
            report.failures[reason] = count
    verified.record(link_path.parent, verified.XJS_LINK_CHECK, report.passed, link_sha256)
    return check_result(report, **counts)


@dg.asset_check(
    asset=xjs_link,
    name=verified.SCORED_PAIRS_CHECK,
    blocking=True,
    partitions_def=release_partitions,
    description="Pandera: scored pairs have no self-pairs, each pair once, probabilities "
    "in [0, 1], and both records known.",
)
def scored_pairs_contract(context: dg.AssetCheckExecutionContext, storage: XjsStorage):
    release_id = context.partition_key
    pairs_path = layout.linkage_file(storage.root, release_id, layout.PAIRS_FILE)
    link_sha256 = verified.sha256_of(layout.xjs_link_path(storage.root, release_id))
    with stage("gate:scored_pairs_contract"):
        report = validate(scored_pairs_schema(), pl.scan_parquet(pairs_path))
        with storage.warehouse(release_id, read_only=True) as con:
            report.failures.update(
                pair_set_failures(con, _parquet(pairs_path), PERSON_RECORDS_TABLE)
            )
    verified.record(pairs_path.parent, verified.SCORED_PAIRS_CHECK, report.passed, link_sha256)
    return check_result(report)


def _groups_sql(catalog: str) -> str:
    """Per record: sex, ethnic group, party role and age band, for subgroup metrics (SQL over
    the warehouse attached as `catalog`; the age band is research.coarsen's one rule)."""
    band = age_band_sql("date_of_birth", "event_date")
    return (
        f"(select source_table, record_id, sex, ethnic_group, party_role, {band} as age_band"
        f" from {catalog}.{PERSON_RECORDS_TABLE})"
    )


@contextlib.contextmanager
def _engine(storage: XjsStorage, release_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with the configured limits, the release's warehouse attached
    read-only as `warehouse`."""
    con = duckdb_limits(storage.root).connect()
    try:
        path = str(storage.warehouse_path(release_id)).replace("'", "''")
        con.execute(f"attach '{path}' as warehouse (read_only)")
        yield con
    finally:
        con.close()


@dg.asset(
    deps=[xjs_link],
    partitions_def=release_partitions,
    pool=DUCKDB_POOL,  # reads the warehouse for subgroup columns
    group_name="linkage",
    kinds={"python"},
    owners=["team:data-engineering"],
    description="Precision, recall and F1 (pairwise and B-cubed) at the three thresholds and "
    "over a threshold grid, per pair of sources and per subgroup, and blocking recall, against "
    "the drop's ground truth (synthetic drops only; never feeds back).",
)
def linkage_evaluation(
    context: dg.AssetExecutionContext, storage: XjsStorage
) -> dg.MaterializeResult:
    started = time.perf_counter()
    release_id = context.partition_key
    truth_path = layout.truth_path(storage.root, release_id)
    if not truth_path.exists():
        context.log.info(f"{release_id}: no ground truth, nothing to evaluate")
        return dg.MaterializeResult(metadata={"has_truth": False})
    meta = json.loads(
        layout.linkage_file(storage.root, release_id, layout.METADATA_FILE).read_text()
    )
    with stage("evaluation"), _engine(storage, release_id) as con:
        evaluation = full_evaluation(
            layout.xjs_link_path(storage.root, release_id),
            layout.linkage_file(storage.root, release_id, layout.PAIRS_FILE),
            truth_path,
            _groups_sql("warehouse"),
            meta["thresholds"],
            con=con,
        )
    evaluation["overall"] = evaluation["at_thresholds"]["default"]["pairwise"]
    out = atomic.write_json(
        layout.linkage_file(storage.root, release_id, layout.EVALUATION_FILE), evaluation
    )
    worst, gap = worst_subgroup_gap(evaluation)
    per_threshold = {}
    for name, d in evaluation["at_thresholds"].items():
        for kind in ("pairwise", "bcubed"):
            for m in ("precision", "recall", "f1"):
                prefix = "" if kind == "pairwise" else "bcubed_"
                per_threshold[f"{prefix}{m}_{name}"] = round(d[kind][m], 5)
    overall = evaluation["overall"]
    return dg.MaterializeResult(
        metadata={
            "has_truth": True,
            "records": evaluation["records"],
            "precision": overall["precision"],
            "recall": overall["recall"],
            "f1": overall["f1"],
            **per_threshold,
            "true_pairs": overall["actual_positives"],
            "predicted_pairs": overall["predicted_positives"],
            "blocking_direct_recall": round(evaluation["blocking"]["direct_recall"], 5),
            "blocking_reachable_recall": round(evaluation["blocking"]["reachable_recall"], 5),
            "comparisons_per_record": round(
                evaluation["blocking"]["comparisons"] / max(evaluation["records"], 1), 2
            ),
            "worst_subgroup": worst,
            "worst_subgroup_recall_gap": round(gap, 5),
            **{
                f"f1 {k.replace('|', '~')}": round(m["f1"], 4)
                for k, m in evaluation["by_source_pair"].items()
            },
            "seconds": round(time.perf_counter() - started, 2),
            "path": dg.MetadataValue.path(str(out)),
        }
    )


@dg.asset(
    deps=[JOURNEY_MART],
    partitions_def=release_partitions,
    pool=DUCKDB_POOL,
    group_name="linkage",
    kinds={"python"},
    owners=["team:data-engineering"],
    description="Precision and recall of marts.mags_crown_journey against the drop's "
    "truth/<R>/mags_crown_truth.parquet; skipped when the drop has none.",
)
def mags_crown_journey_evaluation(
    context: dg.AssetExecutionContext, storage: XjsStorage
) -> dg.MaterializeResult:
    release_id = context.partition_key
    truth_path = layout.mags_crown_truth_path(storage.root, release_id)
    if not truth_path.exists():
        context.log.info(f"{release_id}: no {truth_path.name}, nothing to evaluate")
        return dg.MaterializeResult(metadata={"has_truth": False})
    with stage("journey_evaluation"), _engine(storage, release_id) as con:
        result = journey.evaluate_journey(
            f"warehouse.{JOURNEY_MART.path[0]}.{JOURNEY_MART.path[1]}", truth_path, con=con
        )
    out = atomic.write_json(
        layout.linkage_file(storage.root, release_id, layout.JOURNEY_EVALUATION_FILE), result
    )
    return dg.MaterializeResult(
        metadata={
            "has_truth": True,
            **{k: v for k, v in result.items() if not isinstance(v, dict)},
            "path": dg.MetadataValue.path(str(out)),
        }
    )


@dg.asset(
    deps=[xjs_link, linkage_evaluation, mags_crown_journey_evaluation],
    partitions_def=release_partitions,
    group_name="linkage",
    kinds={"html"},
    owners=["team:data-engineering"],
    description="The linkage-quality report (releases/<R>/linkage/report.html), written once "
    "per release from the aggregates beside the lookup: model charts, counts, rates and graph "
    "flags, and the evaluations against truth when the drop has truth (aggregates only).",
)
def linkage_report(context: dg.AssetExecutionContext, storage: XjsStorage) -> dg.MaterializeResult:
    release_id = context.partition_key
    evaluations = (
        layout.linkage_file(storage.root, release_id, layout.EVALUATION_FILE),
        layout.linkage_file(storage.root, release_id, layout.JOURNEY_EVALUATION_FILE),
    )
    with stage("report"):
        path = report.write_report(layout.linkage_dir(storage.root, release_id), release_id)
    return dg.MaterializeResult(
        metadata={
            "evaluations_shown": sum(p.exists() for p in evaluations),
            "path": dg.MetadataValue.path(str(path)),
        }
    )
