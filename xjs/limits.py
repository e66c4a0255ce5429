"""How much of the machine DuckDB may use: memory, threads and spill space, set once.

Every DuckDB this project opens (the release warehouse, dbt's connection, Splink's
private database, the helpers' scratch connections) takes these settings, so one
run's memory is bounded by configuration and its spill files land under the data
directory, never in whatever folder the run was started from.

Configuration, from the environment:
  XJS_DUCKDB_MEMORY_LIMIT  DuckDB memory_limit per database, default "4GB"
  XJS_DUCKDB_THREADS       DuckDB threads, default: the machine's cores
The temp directory is <data dir>/tmp/duckdb.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from xjs import layout

MEMORY_LIMIT_ENV = "XJS_DUCKDB_MEMORY_LIMIT"
THREADS_ENV = "XJS_DUCKDB_THREADS"
DEFAULT_MEMORY_LIMIT = "4GB"


@dataclass(frozen=True)
class DuckDBLimits:
    memory_limit: str
    threads: int
    temp_directory: Path

    def settings(self) -> dict[str, str | int]:
        """As DuckDB config keys (duckdb.connect(config=...), dbt-duckdb `settings`)."""
        return {
            "memory_limit": self.memory_limit,
            "threads": self.threads,
            "temp_directory": str(self.temp_directory),
        }

    def connect(self, database: str = ":memory:", read_only: bool = False):
        """A DuckDB connection with these limits (the temp directory is created)."""
        self.temp_directory.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(database, read_only=read_only, config=self.settings())


def duckdb_limits(root: Path | None = None) -> DuckDBLimits:
    """The limits from the environment, spilling under root (default: the data dir)."""
    root = layout.data_dir() if root is None else Path(root)
    threads = int(os.environ.get(THREADS_ENV) or os.cpu_count() or 1)
    return DuckDBLimits(
        memory_limit=os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT,
        threads=max(threads, 1),
        temp_directory=root / "tmp" / "duckdb",
    )
