"""Resources: where the data lives, and dbt."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.dbt_project import dbt_cli, dbt_project
from xjs import layout


class XjsStorage(dg.ConfigurableResource):
    """The data directory of the contract; empty means $XJS_DATA_DIR or ./data."""

    data_dir: str = ""

    @property
    def root(self) -> Path:
        return layout.data_dir(self.data_dir or None)

    def warehouse_path(self, release_id: str) -> Path:
        path = layout.warehouse_path(self.root, release_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    @contextlib.contextmanager
    def warehouse(
        self, release_id: str, read_only: bool = False
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect(str(self.warehouse_path(release_id)), read_only=read_only)
        try:
            yield con
        finally:
            con.close()


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "storage": XjsStorage(data_dir=os.environ.get("XJS_DATA_DIR", "")),
            "dbt": dbt_cli(dbt_project),  # dbt beside the interpreter, not on PATH
        }
    )
