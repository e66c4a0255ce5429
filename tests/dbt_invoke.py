"""Running the project's dbt in-process on a test warehouse (shared by the dbt tests):
the warehouse's landing schema, `dbt <args>` on it, and reading it back."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
from dbt.cli.main import dbtRunner

from contracts.landing import LANDING_TABLES
from xjs.layout import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
RELEASE_ID = "2024-12"

# The staging model of each landing table.
STAGING_MODELS = {
    "magistrates_defendants": "stg_libra__defendants",
    "crown_defendants": "stg_xhibit__defendants",
    "family_parties": "stg_familyman__parties",
    "civil_parties": "stg_caseman__parties",
    "probation_events": "stg_ndelius__events",
    "prison_journeys": "stg_pnomis__journeys",
    "prison_aliases": "stg_pnomis__aliases",
    "oasys_assessments": "stg_oasys__assessments",
}


def run_dbt(args: list[str], warehouse: Path, tmp_path: Path, **dbt_vars):
    """`dbt <args>` for release RELEASE_ID on `warehouse`, with its target and logs in tmp_path."""
    dbt_vars = {"warehouse_path": str(warehouse), "release_id": RELEASE_ID, **dbt_vars}
    return dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
            "--vars",
            json.dumps(dbt_vars),
        ]
    )


def write_landing(path: Path, rows: dict[str, list[dict]]) -> None:
    """A warehouse at `path` with the landing schema as ingest makes it (absent: no rows)."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema landing")
        for name, table in LANDING_TABLES.items():
            arrow = pa.Table.from_pylist(rows.get(name, []), schema=table.arrow_schema)
            con.register("rows", arrow)
            con.execute(f"create table landing.{name} as select * from rows")
            con.unregister("rows")
    finally:
        con.close()


def query(warehouse: Path, sql: str) -> list[tuple]:
    """The rows of `sql` on `warehouse` (its own connection: dbt keeps one open in-process)."""
    con = duckdb.connect(str(warehouse))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def build_staging(tmp_path: Path, rows: dict[str, list[dict]], *args: str) -> tuple[Path, list]:
    """Landing `rows` -> staging, quarantine.value_defects and intermediate, with their data
    and unit tests (`args`: more of the build's options, e.g. an --exclude), in a new
    warehouse under tmp_path; fails unless all passed. (warehouse, dbt's node results)."""
    warehouse = tmp_path / "warehouse.duckdb"
    write_landing(warehouse, rows)
    result = run_dbt(
        [
            "build",
            "--select",
            "path:models/staging",
            "path:models/quarantine",
            "path:models/intermediate",
            *args,
        ],
        warehouse,
        tmp_path,
    )
    assert result.exception is None
    assert result.success, "dbt build failed (see the dbt log above)"
    return warehouse, result.result.results
