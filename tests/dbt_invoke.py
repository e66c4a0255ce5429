"""Running the project's dbt in-process on a test warehouse (shared by the dbt tests):
the warehouse's landing schema, `dbt <args>` on it, and reading it back."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from dbt.cli.main import dbtRunner

from contracts.landing import LANDING_SCHEMA, LANDING_TABLES
from contracts.xjs_link import XJS_LINK_SCHEMA
from xjs import drops, layout

DBT_PROJECT_DIR = layout.REPO_ROOT / "dbt_project"
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


def load_drop(root: Path, warehouse: Path) -> None:
    """A warehouse at `warehouse` with the landing schema of the RELEASE_ID drop under
    `root`, loaded as ingest loads it."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(f"create schema {LANDING_SCHEMA}")
        for table in LANDING_TABLES:
            drops.load_table(con, root, RELEASE_ID, table, f"{LANDING_SCHEMA}.{table}")
    finally:
        con.close()


def truth_lookup(root: Path, path: Path, alone_every: int = 0) -> None:
    """An xjs_link lookup at `path` from the RELEASE_ID drop's truth: a perfect linkage,
    or with every `alone_every`-th record moved to a person of its own."""
    truth = pq.read_table(layout.truth_path(root, RELEASE_ID)).to_pylist()
    rows = []
    for i, row in enumerate(truth):
        moved = alone_every and not i % alone_every
        key = f"alone-{i}" if moved else row["person_id"]
        person = "P" + hashlib.sha256(key.encode()).hexdigest()[:12]
        rows.append(
            {
                "source_table": row["source_table"],
                "record_id": row["record_id"],
                "person_id": person,
                "cluster_high": "H" + person[1:],
                "cluster_low": "L" + person[1:],
                "match_confidence": 1.0,
            }
        )
    pq.write_table(pa.Table.from_pylist(rows, schema=XJS_LINK_SCHEMA), path)


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
