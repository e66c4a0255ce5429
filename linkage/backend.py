"""Where Splink runs: the one function to change to swap DuckDB for Spark.

Splink gets its own in-memory DuckDB so its many working tables never touch the
caller's warehouse. A Spark backend would return splink's SparkAPI(spark_session=...)
here; the rest of the package talks to Splink only through the db api it returns.
"""

from __future__ import annotations

import logging

import duckdb
from splink import DuckDBAPI
from splink import logging as splink_logging

SPLINK_LOG_LEVEL = logging.WARNING


def make_db_api() -> DuckDBAPI:
    """A Splink db api on a private in-memory DuckDB (default threads)."""
    return DuckDBAPI(connection=duckdb.connect(":memory:"))


def close_db_api(db_api: DuckDBAPI) -> None:
    """Release the private database and everything Splink materialised in it."""
    db_api.duckdb_con.close()


def quiet_splink(level: int = SPLINK_LOG_LEVEL) -> None:
    """Splink logs at INFO by default (and may echo SQL); keep it to warnings.

    Splink's own stderr handler goes too, so its lines take the caller's
    handlers: under `xjs run`, the run's log file, never the console.
    """
    splink_logging.disable()
    logging.getLogger("splink").setLevel(level)
