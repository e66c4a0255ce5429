"""Linkage: int_person_records -> xjs_link (record -> person) -> evaluation.

The Splink work lives in linkage/; this module wires it into the graph and
gates it: a blocking Pandera check on int_person_records before linkage, and
one on xjs_link (every person record exactly once, ids well formed) before
anything reads the lookup.
"""

import json
import time

import dagster as dg
import duckdb
import pandas as pd

from contracts.person_records import PERSON_RECORDS_TABLE, person_records_schema
from contracts.validation import arrow_to_pandas, validate
from contracts.xjs_link import reconcile_records, xjs_link_schema
from linkage.evaluation import evaluate
from linkage.pipeline import link_release
from orchestration.checks import check_result
from orchestration.defs.partitions import DUCKDB_POOL, release_partitions
from orchestration.defs.resources import XjsStorage
from xjs import layout

PERSON_RECORDS = dg.AssetKey(PERSON_RECORDS_TABLE.split("."))  # as dagster-dbt keys it
LINK_TABLE = "linkage.xjs_link"  # dbt source linkage.xjs_link
EVALUATION_FILE = "evaluation.json"


def previous_release(storage: XjsStorage, release_id: str) -> str | None:
    """The newest earlier release that has a lookup: person ids carry over from it."""
    releases_root = storage.root / "releases"
    if not releases_root.exists():
        return None
    earlier = [
        p.name
        for p in releases_root.iterdir()
        if layout.RELEASE_ID_PATTERN.fullmatch(p.name)
        and p.name < release_id
        and layout.xjs_link_path(storage.root, p.name).exists()
    ]
    return max(earlier) if earlier else None


def _person_records(storage: XjsStorage, release_id: str) -> pd.DataFrame:
    with storage.warehouse(release_id, read_only=True) as con:
        return arrow_to_pandas(con.sql(f"select * from {PERSON_RECORDS_TABLE}").to_arrow_table())


@dg.asset_check(
    asset=PERSON_RECORDS,
    name="person_records_contract",
    blocking=True,
    partitions_def=release_partitions,
    description="Pandera: one shape for all sources, standardised values, unique ids.",
)
def person_records_contract(context: dg.AssetCheckExecutionContext, storage: XjsStorage):
    frame = _person_records(storage, context.partition_key)
    return check_result(validate(person_records_schema(), frame))


@dg.asset(
    deps=[PERSON_RECORDS],
    partitions_def=release_partitions,
    pool=DUCKDB_POOL,
    group_name="linkage",
    kinds={"splink", "duckdb"},
    owners=["team:data-engineering"],
    description="The lookup record -> person (releases/<R>/linkage/xjs_link.parquet): Splink "
    "trained on the release, clustered at three thresholds, person ids carried over.",
)
def xjs_link(context: dg.AssetExecutionContext, storage: XjsStorage) -> dg.MaterializeResult:
    release_id = context.partition_key
    previous = previous_release(storage, release_id)
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
        )
    finally:
        con.close()
    # the marts (dbt) read the lookup from the warehouse
    with storage.warehouse(release_id) as con:
        con.execute(f"create schema if not exists {LINK_TABLE.split('.')[0]}")
        con.execute(
            f"create or replace table {LINK_TABLE} as select * from read_parquet(?)",
            [str(result.xjs_link_path)],
        )
    context.log.info(
        f"{result.records} records -> {result.persons} persons; "
        f"previous release {previous or 'none'}"
    )
    stable = result.stable_ids.as_dict()
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
            "previous_release": previous or "none",
            "seconds": round(result.seconds, 1),
            "path": dg.MetadataValue.path(str(result.xjs_link_path)),
        }
    )


@dg.asset_check(
    asset=xjs_link,
    name="xjs_link_contract",
    blocking=True,
    partitions_def=release_partitions,
    description="Pandera: every person record exactly once, ids well formed, confidence in [0, 1].",
)
def xjs_link_contract(context: dg.AssetCheckExecutionContext, storage: XjsStorage):
    release_id = context.partition_key
    link = pd.read_parquet(layout.xjs_link_path(storage.root, release_id), dtype_backend="pyarrow")
    report = validate(xjs_link_schema(), link)
    counts = reconcile_records(link, _person_records(storage, release_id))
    for reason, count in counts.items():
        if count:
            report.failures[reason] = count
    return check_result(report, **counts)


@dg.asset(
    deps=[xjs_link],
    partitions_def=release_partitions,
    group_name="linkage",
    kinds={"python"},
    owners=["team:data-engineering"],
    description="Pairwise precision, recall and F1 of person_id against the drop's ground "
    "truth, overall and per pair of sources (synthetic drops only; never feeds back).",
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
    predicted = pd.read_parquet(layout.xjs_link_path(storage.root, release_id))
    evaluation = evaluate(predicted, pd.read_parquet(truth_path))
    out = layout.linkage_dir(storage.root, release_id) / EVALUATION_FILE
    out.write_text(json.dumps(evaluation.as_dict(), indent=2, sort_keys=True) + "\n")
    overall = evaluation.overall
    pair_metadata = {
        f"f1 {a}~{b}": round(m.f1, 4) for (a, b), m in evaluation.by_source_pair.items()
    }
    return dg.MaterializeResult(
        metadata={
            "has_truth": True,
            "records": evaluation.records,
            "precision": overall.precision,
            "recall": overall.recall,
            "f1": overall.f1,
            "true_pairs": overall.actual_positives,
            "predicted_pairs": overall.predicted_positives,
            **pair_metadata,
            "seconds": round(time.perf_counter() - started, 2),
            "path": dg.MetadataValue.path(str(out)),
        }
    )
