"""Ingest: one asset per landing table, keyed like its dbt source (landing/<table>).

Each verifies the drop's manifest, reads its file strictly (xjs.drops.load_table:
streamed into the release's DuckDB warehouse in one transaction, never through
pandas), carrying a table absent from the drop forward from the newest earlier
drop that has it. A file-level defect fails the
asset with a dg.Failure whose description is the DropError's message (file and
problem, never a row value). A table with a header and no rows loads, with a
warning; record ids that describe a different person than in the previous
release's warehouse are counted, with a warning. A blocking Pandera check of
the landing contract (Pandera's polars backend over the warehouse table, no
pandas copy) gates everything downstream.
"""

import time
from pathlib import Path

import dagster as dg

from contracts.landing import LANDING_SCHEMA, LANDING_TABLES
from contracts.landing_schemas import LANDING_SCHEMAS
from contracts.validation import duckdb_frame, validate
from orchestration.checks import check_result
from orchestration.defs.partitions import DUCKDB_POOL, release_partitions
from orchestration.defs.resources import XjsStorage
from xjs import drops, faults
from xjs.stages import stage


def build_ingest(table: str) -> tuple[dg.AssetsDefinition, dg.AssetChecksDefinition]:
    spec = LANDING_TABLES[table]

    @dg.asset(
        key=[LANDING_SCHEMA, table],
        partitions_def=release_partitions,
        group_name="ingest",
        kinds={"duckdb", spec.format},
        owners=["team:data-engineering"],
        pool=DUCKDB_POOL,
        description=f"{spec.filename} of the release's drop (or carried forward), loaded as "
        f"{LANDING_SCHEMA}.{table} after manifest row-count and sha256 checks.",
    )
    def ingest_asset(context: dg.AssetExecutionContext, storage: XjsStorage):
        started = time.perf_counter()
        release_id = context.partition_key
        target = f"{LANDING_SCHEMA}.{table}"
        failure = None
        with stage(f"ingest:{table}"):
            try:
                manifest = drops.read_manifest(storage.root, release_id)
                source_release = drops.source_release_for(storage.root, release_id, table)
            except drops.DropError as err:
                failure = str(err)  # names the file and the problem; DropError has no chain
            if failure is None:
                fresh = not storage.warehouse_path(release_id).exists()
                with storage.warehouse(release_id) as con:
                    con.execute(f"create schema if not exists {LANDING_SCHEMA}")
                    try:
                        rows = _load(con, storage, source_release, table, target)
                    except drops.DropError as err:
                        failure = str(err)
                    if failure is None:
                        previous = drops.previous_warehouse(storage.root, release_id)
                        reused = (
                            drops.reused_record_ids(con, table, previous[1], LANDING_SCHEMA)
                            if previous
                            else None
                        )
                if failure is not None and fresh:
                    _remove_warehouse(storage.warehouse_path(release_id))  # nothing half-written
        if failure is not None:
            # raised outside the handler, so nothing hangs off __context__ either
            raise dg.Failure(description=failure, allow_retries=False)
        if source_release is None:
            context.log.info(f"{table}: in no drop up to {release_id}; loaded empty")
        header_only = source_release is not None and rows == 0
        if header_only:
            context.log.warning(
                f"{table}: the {source_release} file has a header and no rows; loaded empty"
            )
        if reused:
            context.log.warning(
                f"{table}: {reused} record ids now describe a different person than in "
                f"{previous[0]} (surname and date of birth both changed)"
            )
        faults.kill_point(f"ingest:{table}")
        unlisted = drops.unlisted_files(manifest)
        if unlisted:
            context.log.warning(f"{release_id}: files not in the manifest, ignored: {unlisted}")
        return dg.MaterializeResult(
            metadata={
                "rows": rows,
                "source_release": source_release or "none",
                "carried_forward": source_release is not None and source_release != release_id,
                "header_only": int(header_only),
                "reused_record_ids": reused or 0,
                "reuse_compared_with": previous[0] if reused is not None else "none",
                "unlisted_files": len(unlisted),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )

    @dg.asset_check(
        asset=ingest_asset,
        name="landing_contract",
        blocking=True,
        partitions_def=release_partitions,
        description=f"Pandera: {table} has exactly the contract's columns, types and values.",
    )
    def landing_contract(context: dg.AssetCheckExecutionContext, storage: XjsStorage):
        with (
            stage(f"gate:landing_contract:{table}"),
            storage.warehouse(context.partition_key, read_only=True) as con,
        ):
            rows = con.execute(f"select count(*) from {LANDING_SCHEMA}.{table}").fetchall()[0][0]
            frame = duckdb_frame(con, f"select * from {LANDING_SCHEMA}.{table}")
            report = validate(LANDING_SCHEMAS[table], frame, rows=rows)
        return check_result(report)

    return ingest_asset, landing_contract


def _remove_warehouse(path: Path) -> None:
    """A warehouse this asset created and failed to fill goes (the load rolled back)."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _load(con, storage: XjsStorage, source_release: str | None, table: str, target: str) -> int:
    """Load the table's file (or an empty table, when no drop has it yet) as `target`."""
    if source_release is not None:
        return drops.load_table(con, storage.root, source_release, table, target)
    con.register("empty_landing_table", drops.empty_table(table))
    try:
        con.execute(f"create or replace table {target} as select * from empty_landing_table")
    finally:
        con.unregister("empty_landing_table")
    return 0


@dg.definitions
def ingest_defs() -> dg.Definitions:
    built = [build_ingest(table) for table in LANDING_TABLES]
    return dg.Definitions(
        assets=[asset for asset, _ in built], asset_checks=[check for _, check in built]
    )
