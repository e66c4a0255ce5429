"""One partition per data release, added when its drop arrives."""

import dagster as dg

release_partitions = dg.DynamicPartitionsDefinition(name="releases")

# DuckDB allows one writer per file: every asset that writes the warehouse
# joins this pool, limited to 1 in dagster_home/dagster.yaml.
DUCKDB_POOL = "duckdb_warehouse"
