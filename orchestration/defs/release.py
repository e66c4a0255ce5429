"""The research release: releases/<R>/research/, pseudonymised, coarsened,
disclosure-controlled and published atomically (the work is in research/).

Gated by two blocking checks on the published folder: no value of any
direct-identifier column of the drop appears in it, and every aggregate cell
passes the disclosure rules. Metadata: counts and the folder's path only.
"""

import dagster as dg
import pandas as pd

from contracts.validation import ValidationReport
from orchestration.checks import check_result
from orchestration.defs.partitions import DUCKDB_POOL, release_partitions
from orchestration.defs.resources import XjsStorage
from research import disclosure, identifiers
from research.build import publish_release
from research.keys import load_key
from xjs import layout

JOURNEY_MARTS = [
    "research_person_events",
    "research_repeat_users",
    "research_jurisdiction_overlaps",
    "research_sentence_reappearance",
]


@dg.asset(
    deps=[
        *[dg.AssetKey(["marts", m]) for m in JOURNEY_MARTS],
        dg.AssetKey("xjs_link"),
        dg.AssetKey("linkage_evaluation"),
    ],
    partitions_def=release_partitions,
    pool=DUCKDB_POOL,
    group_name="release",
    kinds={"python", "parquet"},
    owners=["team:data-engineering"],
    description="The de-identified research release (releases/<R>/research/): keyed "
    "pseudonyms, coarsened dates and places, disclosure-controlled aggregates, data "
    "dictionary, linkage quality and manifest, published with one atomic rename.",
)
def research_release(context: dg.AssetExecutionContext, storage: XjsStorage):
    # $XJS_PSEUDONYM_KEY, else the local key file `make demo` creates; never a silent new key
    summary = publish_release(storage.root, context.partition_key, load_key())
    context.log.info(
        f"published {len(summary.rows)} tables; "
        f"{summary.suppressed_cells} of {summary.cells} aggregate cells suppressed"
    )
    return dg.MaterializeResult(
        metadata={
            "tables": len(summary.rows),
            "rows": sum(summary.rows.values()),
            **{f"rows {t}": n for t, n in summary.rows.items()},
            "aggregate_cells": summary.cells,
            "suppressed_cells": summary.suppressed_cells,
            "key_id": summary.key_id,
            "path": dg.MetadataValue.path(str(summary.path)),
        }
    )


@dg.asset_check(
    asset=research_release,
    name="no_direct_identifiers",
    blocking=True,
    partitions_def=release_partitions,
    description="No value of any direct-identifier column of the drop appears anywhere in "
    "the published research folder.",
)
def no_direct_identifiers(context: dg.AssetCheckExecutionContext, storage: XjsStorage):
    folder = layout.research_dir(storage.root, context.partition_key)
    with storage.warehouse(context.partition_key, read_only=True) as con:
        values, vocabulary = identifiers.landing_identifier_values(con)
    found = identifiers.scan(folder, values, vocabulary)
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    report = ValidationReport(
        rows=files, failures={f"{path}: identifier values": n for path, n in found.items()}
    )
    return check_result(report, files=files)


@dg.asset_check(
    asset=research_release,
    name="aggregates_disclosure_controlled",
    blocking=True,
    partitions_def=release_partitions,
    description="Every aggregate cell: suppressed under 10 (zeros too), rounded to 5, and no "
    "suppressed cell derivable from the totals.",
)
def aggregates_disclosure_controlled(context: dg.AssetCheckExecutionContext, storage: XjsStorage):
    folder = layout.research_dir(storage.root, context.partition_key) / "aggregates"
    report = ValidationReport(rows=0)
    for path in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(path, dtype={"count": "Int64"}, keep_default_na=False, na_values=[""])
        report.rows += len(frame)
        for rule, count in disclosure.check(frame).items():
            if count:
                report.failures[f"{path.stem}: {rule}"] = count
    return check_result(report)
