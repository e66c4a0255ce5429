"""Resources: where the data lives, and dbt."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from orchestration.dbt_project import dbt_project
from xjs import layout


class XjsStorage(dg.ConfigurableResource):
    """The data directory of the contract; empty means $XJS_DATA_DIR or ./data."""

    data_dir: str = ""

    @property
    def root(self) -> Path:
        return layout.data_dir(self.data_dir or None)

    def warehouse_path(self, release_id: str) -> Path:
        path = layout.warehouse_path(self.root, release_id)
        layout.secure_dir(path.parent)  # record-level data: owner-only, files 0600 below
        return path

    @contextlib.contextmanager
    def warehouse(
        self, release_id: str, read_only: bool = False
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.warehouse_path(release_id)
        con = duckdb.connect(str(path), read_only=read_only)
        layout.secure_files(path.parent)
        try:
            yield con
        finally:
            con.close()
            layout.secure_files(path.parent)  # DuckDB creates its files 0666 & ~umask


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "storage": XjsStorage(data_dir=os.environ.get("XJS_DATA_DIR", "")),
            "dbt": DbtCliResource(project_dir=dbt_project),
        }
    )
