"""Where Splink runs: the one function to change to swap DuckDB for Spark.

Splink gets its own DuckDB so its many working tables never touch the caller's
warehouse. It is a scratch database file under the data directory
(<data dir>/tmp/splink/), opened with the project's DuckDB limits (xjs/limits.py:
memory_limit, threads, temp_directory): Splink's materialised tables live on disk
and spill rather than grow the process, so a release's memory is bounded by
configuration whatever its size. The file is deleted when the db api is closed.
A Spark backend would return splink's SparkAPI(spark_session=...) here; the rest
of the package talks to Splink only through the db api it returns.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from splink import DuckDBAPI
from splink import logging as splink_logging

from xjs.limits import DuckDBLimits, duckdb_limits

SPLINK_LOG_LEVEL = logging.WARNING
SCRATCH_FOLDER = "splink"


def scratch_path(limits: DuckDBLimits) -> Path:
    """A fresh database file beside the limits' temp directory (<data dir>/tmp/splink/)."""
    folder = limits.temp_directory.parent / SCRATCH_FOLDER
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / f"splink-{os.getpid()}-{secrets.token_hex(4)}.duckdb"


def make_db_api(root: Path | None = None) -> DuckDBAPI:
    """A Splink db api on a private scratch DuckDB under root's tmp folder, with the
    project's limits (root: the data directory; default: the configured one)."""
    limits = duckdb_limits(root)
    path = scratch_path(limits)
    con = limits.connect(str(path))
    con.execute("SET enable_progress_bar = false")
    db_api = DuckDBAPI(connection=con)
    db_api.xjs_scratch_path = path  # for close_db_api
    db_api.xjs_limits = limits
    return db_api


def connection(db_api: DuckDBAPI):
    """The DuckDB connection under the db api (for the SQL the pipeline runs itself)."""
    return db_api.duckdb_con


def close_db_api(db_api: DuckDBAPI) -> None:
    """Release the private database and delete its file and everything Splink put in it."""
    db_api.duckdb_con.close()
    path = getattr(db_api, "xjs_scratch_path", None)
    if path is not None:
        for p in (path, path.with_name(path.name + ".wal")):
            Path(p).unlink(missing_ok=True)


def quiet_splink(level: int = SPLINK_LOG_LEVEL) -> None:
    """Splink logs at INFO by default (and may echo SQL); keep it to warnings.

    Splink's own stderr handler goes too, so its lines take the caller's
    handlers: under `xjs run`, the run's log file, never the console.
    """
    splink_logging.disable()
    logging.getLogger("splink").setLevel(level)
