"""What changed between two releases' records, worked out independently of
linkage/incremental.py: the counts the incremental tests hold its own counts to."""

from __future__ import annotations

import duckdb

from linkage.blocking import CAPPED_BLOCKS

KINDS = ("unchanged", "changed", "new", "removed")


def record_changes(
    con: duckdb.DuckDBPyConnection, previous: str, current: str, block_sizes: bool = True
) -> dict[str, int]:
    """Records unchanged, changed, new and removed, by unique_id, comparing whole feature
    rows (a block size by which side of its cap it is on: all that blocking
    reads of it); previous and current: tables or parenthesised queries on con.
    block_sizes=False: the records' own values only (a block crossing its cap is no
    change of the record's)."""
    columns = con.sql(f"SELECT * FROM {previous} LIMIT 0").columns
    capped = [c for c in CAPPED_BLOCKS if c in columns]
    if not capped:
        select = "SELECT *"
    elif block_sizes:
        sides = [f"{c} <= {CAPPED_BLOCKS[c].cap} AS {c}" for c in capped]
        select = f"SELECT * REPLACE ({', '.join(sides)})"
    else:
        select = f"SELECT * EXCLUDE ({', '.join(capped)})"
    row = con.sql(
        f"""WITH p AS ({select} FROM {previous}), c AS ({select} FROM {current})
        SELECT
          count(*) FILTER (WHERE p.unique_id IS NOT NULL AND c.unique_id IS NOT NULL
                           AND p IS NOT DISTINCT FROM c),
          count(*) FILTER (WHERE p.unique_id IS NOT NULL AND c.unique_id IS NOT NULL
                           AND p IS DISTINCT FROM c),
          count(*) FILTER (WHERE p.unique_id IS NULL),
          count(*) FILTER (WHERE c.unique_id IS NULL)
        FROM p FULL OUTER JOIN c USING (unique_id)"""
    ).fetchall()[0]
    return dict(zip(KINDS, map(int, row), strict=True))
