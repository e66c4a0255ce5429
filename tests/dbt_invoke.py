"""Running the project's dbt in-process on a test warehouse (shared by the dbt tests)."""

from __future__ import annotations

import json
from pathlib import Path

from dbt.cli.main import dbtRunner

from xjs.layout import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
RELEASE_ID = "2024-12"


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
