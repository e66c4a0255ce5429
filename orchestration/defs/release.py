"""The research release: releases/<R>/research/, pseudonymised, coarsened,
disclosure-controlled and published atomically (the work is in research/).

Checked before it is published: research/build.py runs the identifier scan and
the disclosure check on the finished temporary folder and swaps it into place
only when both pass. The two blocking checks here re-verify the published
folder; if one fails, the release is withdrawn (the link goes back to the
previous release). Metadata: counts and the folder's path only.
"""

import dagster as dg

from contracts.validation import ValidationReport
from orchestration.checks import check_result
from orchestration.defs.partitions import DUCKDB_POOL, release_partitions
from orchestration.defs.resources import XjsStorage
from research import identifiers, publish
from research.build import disclosure_breaches, publish_release
from research.keys import load_key
from research.tables import JOURNEY_MARTS, MARTS_SCHEMA
from xjs import layout
from xjs.limits import duckdb_limits
from xjs.stages import stage


@dg.asset(
    deps=[
        *[dg.AssetKey([MARTS_SCHEMA, m]) for m in JOURNEY_MARTS.values()],
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
    with stage("research_release"):
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


def _reverify(report: ValidationReport, link, context) -> None:
    """A published folder that fails re-verification is withdrawn: the link goes back to the
    release published before it (or away), so a failing check never leaves it visible."""
    if not report.passed:
        back = publish.withdraw(link)
        context.log.error(
            f"research release withdrawn; now published: {back.name if back else 'none'}"
        )


@dg.asset_check(
    asset=research_release,
    name="no_direct_identifiers",
    blocking=True,
    partitions_def=release_partitions,
    description="Re-verifies the published research folder: no value of any direct-identifier "
    "column of the drop appears in it. The release passed this scan before its swap; where "
    "every file is still byte for byte the one scanned (sha256 against the manifest), that "
    "scan holds, else the folder is scanned again.",
)
def no_direct_identifiers(context: dg.AssetCheckExecutionContext, storage: XjsStorage):
    link = layout.research_dir(storage.root, context.partition_key)
    # the folder research_release scanned before its swap, unchanged: that scan holds
    unchanged = publish.scan_still_holds(link)
    found = {} if unchanged else _scan(storage, context.partition_key, link)
    files = sum(1 for p in link.rglob("*") if p.is_file())
    report = ValidationReport(
        rows=files, failures={f"{path}: identifier values": n for path, n in found.items()}
    )
    _reverify(report, link, context)
    return check_result(report, files=files, rescanned=not unchanged)


def _scan(storage: XjsStorage, release_id: str, link) -> dict[str, int]:
    """The identifier scan of the published folder against the release's drop."""
    limits = duckdb_limits(storage.root)
    limits.temp_directory.mkdir(parents=True, exist_ok=True)
    with storage.warehouse(release_id, read_only=True) as con:
        for name, value in limits.settings().items():  # the scan's temporary tables
            con.execute(f"set {name} = '{value}'")
        return identifiers.scan(con, link)


@dg.asset_check(
    asset=research_release,
    name="aggregates_disclosure_controlled",
    blocking=True,
    partitions_def=release_partitions,
    description="Re-verifies the published research folder (checked before its swap too): "
    "every aggregate cell suppressed under 10 (zeros too), rounded to 5, no suppressed cell "
    "derivable from the totals; every count of linkage_quality.json rounded and suppressed, "
    "every rate rounded.",
)
def aggregates_disclosure_controlled(context: dg.AssetCheckExecutionContext, storage: XjsStorage):
    link = layout.research_dir(storage.root, context.partition_key)
    cells, failures = disclosure_breaches(link)
    report = ValidationReport(rows=cells, failures=failures)
    _reverify(report, link, context)
    return check_result(report)
