"""Resources: where the data lives, and dbt."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.dbt_project import dbt_cli, dbt_project
from xjs import layout
from xjs.limits import duckdb_limits

LOCK_WAIT_SECONDS = 1800  # a killed run's dbt (a child process) may still hold the warehouse


def _connect(root: Path, path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the warehouse with the configured limits (xjs.limits), waiting on another's lock.

    A run killed during dbt leaves its dbt subprocess running to the end of its
    build; the next run waits for it instead of failing on DuckDB's file lock.
    """
    deadline, delay = time.monotonic() + LOCK_WAIT_SECONDS, 0.5
    while True:
        try:
            return duckdb_limits(root).connect(str(path), read_only=read_only)
        except duckdb.IOException as err:
            if "lock" not in str(err).lower() or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


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
        with layout.owner_only_umask():  # DuckDB creates its files (and .wal) 0666 & ~umask
            con = _connect(self.root, path, read_only)
            layout.secure_files(path.parent)  # and what dbt (another process) created
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
