"""dbt: staging models, int_person_records and marts, built per release.

dbt tests at severity error fail the build, so nothing downstream of a failing
model runs; dagster-dbt also shows each test as an asset check.
"""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from orchestration.dbt_project import dbt_project
from orchestration.defs.partitions import DUCKDB_POOL, release_partitions
from orchestration.defs.resources import XjsStorage
from xjs import faults, layout
from xjs.limits import DuckDBLimits, duckdb_limits
from xjs.messages import ScrubbedError
from xjs.stages import stage

# xjs.limits setting -> the dbt var profiles.yml reads it from. preserve_insertion_order
# stays DuckDB's default (on) in dbt: the models' row order feeds the linkage, and a
# re-run must write the same bytes.
LIMIT_VARS = {
    "memory_limit": "duckdb_memory_limit",
    "threads": "duckdb_threads",
    "temp_directory": "duckdb_temp_directory",
}

GROUP_BY_FOLDER = {
    "staging": "staging",
    "quarantine": "staging",
    "intermediate": "staging",
    "marts": "release",
}


def dbt_build_args(
    release_id: str, warehouse_path: Path, xjs_link_path: Path, limits: DuckDBLimits
) -> list[str]:
    """The dbt command for one release: its warehouse, release date and lookup come in as vars.

    xjs_link_path: the release's xjs_link.parquet, the one copy of the lookup (its blocking
    checks gate it); the marts read it as the external source linkage.xjs_link.
    limits: DuckDB's memory limit, threads and spill directory (xjs.limits), which
    profiles.yml hands to dbt-duckdb's `settings`, so dbt's process is bounded too.
    """
    dbt_vars = {
        "release_id": release_id,
        "warehouse_path": str(warehouse_path),
        "xjs_link_path": str(xjs_link_path),
        **{var: limits.settings()[key] for key, var in LIMIT_VARS.items()},
    }
    return ["build", "--vars", json.dumps(dbt_vars, sort_keys=True)]


class XjsDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        folders = fqn[1:-1]  # between the project name and the model name
        if folders[:2] == ["marts", "linkage"]:
            return "linkage"  # the case-level journey table belongs with the linkage
        return GROUP_BY_FOLDER.get(folders[0] if folders else "", "staging")

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return ["team:data-engineering"]


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, storage: XjsStorage, name: str):
    release_id = context.partition_key
    limits = duckdb_limits(storage.root)
    limits.temp_directory.mkdir(parents=True, exist_ok=True)
    args = dbt_build_args(
        release_id,
        storage.warehouse_path(release_id),
        layout.xjs_link_path(storage.root, release_id),
        limits,
    )
    # Not .fetch_row_counts(): it keeps a dbt-duckdb connection open in this
    # process, which blocks the read-only gates that follow in `xjs run`.
    failed = None
    with stage(f"dbt:{name}"):
        try:
            for event in dbt.cli(args, context=context).stream():
                yield event
                faults.kill_point(f"dbt:{getattr(event, 'output_name', 'check')}")  # crash tests
        except DagsterDbtCliRuntimeError as err:
            failed = ScrubbedError(err)  # dbt's error text may quote a row value
    if failed is not None:
        raise failed  # outside the handler: no cause and no context to leak


def release_dbt_assets(name: str, select: str) -> dg.AssetsDefinition:
    """One dbt asset of the release: the models under `select`, built per release partition.

    There are two (below) because linkage sits between them: staging and
    int_person_records feed Splink; the marts read its lookup (source
    linkage.xjs_link, the external releases/<R>/linkage/xjs_link.parquet). One
    `dbt build` over both could not wait for the lookup in between.
    """

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        select=select,
        name=name,
        partitions_def=release_partitions,
        dagster_dbt_translator=XjsDbtTranslator(),
        pool=DUCKDB_POOL,
    )
    def release_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, storage: XjsStorage):
        yield from _build(context, dbt, storage, name)

    return release_models


dbt_standardise = release_dbt_assets(
    "dbt_standardise", "path:models/staging path:models/quarantine path:models/intermediate"
)
dbt_marts = release_dbt_assets("dbt_marts", "path:models/marts")
