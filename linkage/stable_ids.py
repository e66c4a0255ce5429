"""Person ids that survive from one release to the next, computed in DuckDB.

Each new default-threshold cluster takes the previous person_id it shares most
records with. Candidates (new cluster, old id, shared records) are taken
greedily, largest overlap first, ties broken by old id then by the cluster's
smallest record key, so an old id goes to at most one cluster (the one with the
largest overlap) and a cluster whose best old id went elsewhere may take its next
best. Clusters left over get a new id: a prefix plus 12 hex chars of a hash of
their smallest (source_table, record_id), with a counter mixed in on collision.
New ids never reuse any id of the previous release.
cluster_high / cluster_low ids are hashed the same way (prefixes H / L); they are
deterministic within a release but not carried across releases.

All of it runs as SQL on the caller's DuckDB connection (Splink's database in
the pipeline), so a release of ten million records never comes into Python:

* the greedy carry-over is taken in rounds: each round takes every candidate that
  is the first, under the total order above, both among its cluster's and among
  its old id's remaining candidates (a mutual best), then removes their clusters
  and old ids. The greedy would take each of those too (nothing before it in the
  order shares its cluster or old id), so the rounds give exactly its result; a
  handful of rounds suffice in practice.
* new ids are sha256 in SQL; only the rare clusters whose first hash is taken
  (a previous id, or another cluster's hash) come to Python, where the counter is
  resolved in key order exactly as the sequential definition (hashed_id) does.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import asdict, dataclass

import duckdb
import pandas as pd
import pyarrow as pa

KEY = ["source_table", "record_id"]
PERSON_PREFIX, HIGH_PREFIX, LOW_PREFIX = "P", "H", "L"
ID_PATTERN = re.compile(r"^[PHL][0-9a-f]{12}$")
HASH_HEX = 12
# counters tried per colliding cluster before asking the database again
_COUNTERS_PER_ROUND = 4


@dataclass(frozen=True)
class StableIdCounts:
    """How persons changed since the previous release (all zero but `new` on a first run).

    kept: persons carrying a previous person_id. new: persons given a new id.
    merged: persons holding records of >= 2 previous persons.
    split: previous persons whose records now sit in >= 2 persons.
    retired: previous person_ids not carried to any person.
    """

    kept: int = 0
    new: int = 0
    merged: int = 0
    split: int = 0
    retired: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _hash_text(source_table: str, record_id: str, counter: int) -> str:
    return f"{source_table}\x1f{record_id}" + (f"\x1f{counter}" if counter else "")


def _candidate(prefix: str, source_table: str, record_id: str, counter: int) -> str:
    digest = hashlib.sha256(_hash_text(source_table, record_id, counter).encode()).hexdigest()
    return prefix + digest[:HASH_HEX]


def hashed_id(prefix: str, source_table: str, record_id: str, used: set[str]) -> str:
    """prefix + 12 hex chars from the record key; a counter is mixed in until unused."""
    counter = 0
    while True:
        candidate = _candidate(prefix, source_table, record_id, counter)
        if candidate not in used:
            used.add(candidate)
            return candidate
        counter += 1


def _hash_sql(prefix: str) -> str:
    """SQL of the first hashed id (counter 0) of a row's source_table, record_id."""
    return f"'{prefix}' || substr(sha256(source_table || chr(31) || record_id), 1, {HASH_HEX})"


class _Scratch:
    """Uniquely named scratch tables on one connection, dropped at the end."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.tag = f"__xjs_ids_{secrets.token_hex(4)}"
        self.names: list[str] = []

    def name(self, what: str) -> str:
        n = f"{self.tag}_{what}"
        self.names.append(n)
        return n

    def drop(self) -> None:
        for n in reversed(self.names):
            self.con.execute(f"DROP TABLE IF EXISTS {n}")
            self.con.execute(f"DROP VIEW IF EXISTS {n}")


def _one(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchall()[0]


def smallest_keys(con, s: _Scratch, records: str, cluster_col: str) -> str:
    """Table: one row per cluster (cluster, source_table, record_id of its smallest key,
    ord: the cluster's rank in smallest-key order)."""
    keys = s.name("keys")
    con.execute(
        f"""CREATE TABLE {keys} AS
        SELECT cluster, source_table, record_id,
               row_number() OVER (ORDER BY source_table, record_id) AS ord
        FROM (SELECT {cluster_col} AS cluster, source_table, record_id,
                     row_number() OVER (PARTITION BY {cluster_col}
                                        ORDER BY source_table, record_id) AS rn
              FROM {records})
        WHERE rn = 1"""
    )
    return keys


def _hashed(con, s: _Scratch, keys: str, prefix: str, used: str | None) -> str:
    """Table (cluster, id): hashed ids for the clusters of keys, in their ord order, never
    one of used (a table of ids) nor another's. Equal to hashed_id applied cluster by
    cluster in ord order with `used` seeded by the used table."""
    first = s.name(f"h{prefix}")
    con.execute(
        f"CREATE TABLE {first} AS SELECT cluster, source_table, record_id, ord,"
        f" {_hash_sql(prefix)} AS h0 FROM {keys}"
    )
    in_used = f"OR h0 IN (SELECT id FROM {used})" if used else ""
    conflicted = con.execute(
        f"""SELECT ord, cluster, source_table, record_id FROM {first}
        WHERE h0 IN (SELECT h0 FROM {first} GROUP BY h0 HAVING count(*) > 1) {in_used}
        ORDER BY ord"""
    ).fetchall()
    out = s.name(f"ids{prefix}")
    if not conflicted:
        con.execute(f"CREATE TABLE {out} AS SELECT cluster, h0 AS id FROM {first}")
        return out
    resolved = _resolve_collisions(con, s, first, used, prefix, conflicted)
    fix = s.name(f"fix{prefix}")
    con.execute(f"CREATE TABLE {fix} (ord BIGINT, id VARCHAR)")
    con.executemany(f"INSERT INTO {fix} VALUES (?, ?)", sorted(resolved.items()))
    con.execute(
        f"""CREATE TABLE {out} AS SELECT f.cluster, coalesce(x.id, f.h0) AS id
        FROM {first} f LEFT JOIN {fix} x USING (ord)"""
    )
    return out


def _resolve_collisions(con, s: _Scratch, first: str, used: str | None, prefix: str, rows):
    """ord -> id for the clusters whose first hash is taken, resolved sequentially.

    A cluster not involved takes its first hash h0 at its turn. Involved clusters try
    counters in ord order; when one takes the h0 of a later uninvolved cluster, that
    cluster becomes involved and the simulation restarts. The few candidate ids are
    looked up in the database in batches.
    """
    involved = {o: (t, r) for o, _c, t, r in rows}
    counters = _COUNTERS_PER_ROUND
    lookup = s.name(f"cand{prefix}")
    while True:
        cands = {
            (o, k): _candidate(prefix, t, r, k)
            for o, (t, r) in involved.items()
            for k in range(counters)
        }
        con.execute(f"CREATE OR REPLACE TABLE {lookup} (id VARCHAR)")
        con.executemany(f"INSERT INTO {lookup} VALUES (?)", [(c,) for c in set(cands.values())])
        in_used = (
            {
                i
                for (i,) in con.execute(
                    f"SELECT id FROM {lookup} SEMI JOIN {used} USING (id)"
                ).fetchall()
            }
            if used
            else set()
        )
        owner = dict(
            con.execute(
                f"SELECT h0, ord FROM {first} WHERE h0 IN (SELECT id FROM {lookup})"
            ).fetchall()
        )
        taken: set[str] = set()
        chosen: dict[int, str] = {}
        grow: int | None = None
        more_counters = False
        for o in sorted(involved):
            k = 0
            while k < counters:
                c = cands[(o, k)]
                h_owner = owner.get(c)
                earlier_uninvolved = h_owner is not None and h_owner < o and h_owner not in involved
                if c in in_used or c in taken or earlier_uninvolved:
                    k += 1
                    continue
                break
            if k == counters:
                more_counters = True
                break
            c = cands[(o, k)]
            taken.add(c)
            chosen[o] = c
            h_owner = owner.get(c)
            if h_owner is not None and h_owner > o and h_owner not in involved:
                grow = h_owner
                break
        if more_counters:
            counters *= 2
            continue
        if grow is not None:
            t, r = con.execute(
                f"SELECT source_table, record_id FROM {first} WHERE ord = {int(grow)}"
            ).fetchall()[0]
            involved[grow] = (t, r)
            continue
        return chosen


def check_previous_sql(con, previous: str) -> None:
    """The previous xjs_link must have the key and person_id, each record once."""
    rel = con.sql(f"SELECT * FROM {previous} LIMIT 0")
    columns = rel.columns
    rel.close()
    missing = [c for c in [*KEY, "person_id"] if c not in columns]
    if missing:
        raise ValueError(f"previous xjs_link lacks columns: {missing}")
    dupes, nulls = _one(
        con,
        f"""SELECT count(*) - count(DISTINCT (source_table, record_id)),
                   count(*) FILTER (WHERE person_id IS NULL) FROM {previous}""",
    )
    if dupes:
        raise ValueError(f"previous xjs_link has {dupes} duplicated (source_table, record_id)")
    if nulls:
        raise ValueError(f"previous xjs_link has {nulls} null person_id values")


def _carry_over(con, s: _Scratch, records: str, cluster_col: str, keys: str, previous: str):
    """Table (cluster, id) of carried-over person ids, and the merged/split/retired counts."""
    prev = s.name("prev")
    con.execute(
        f"CREATE TABLE {prev} AS SELECT source_table, record_id,"
        f" CAST(person_id AS VARCHAR) AS person_id FROM {previous}"
    )
    overlap = s.name("overlap")
    con.execute(
        f"""CREATE TABLE {overlap} AS
        SELECT r.{cluster_col} AS cluster, p.person_id AS old, count(*) AS n
        FROM {records} r JOIN {prev} p USING (source_table, record_id)
        GROUP BY ALL"""
    )
    merged, split = _one(
        con,
        f"""SELECT
          (SELECT count(*) FROM (SELECT cluster FROM {overlap} GROUP BY cluster
                                 HAVING count(DISTINCT old) >= 2)),
          (SELECT count(*) FROM (SELECT old FROM {overlap} GROUP BY old
                                 HAVING count(DISTINCT cluster) >= 2))""",
    )
    cand = s.name("cand")
    con.execute(
        f"CREATE TABLE {cand} AS SELECT o.cluster, o.old, o.n, k.ord"
        f" FROM {overlap} o JOIN {keys} k USING (cluster)"
    )
    carried = s.name("carried")
    con.execute(f"CREATE TABLE {carried} (cluster VARCHAR, id VARCHAR)")
    take = s.name("take")
    while True:
        con.execute(
            f"""CREATE OR REPLACE TABLE {take} AS
            SELECT cluster, old FROM (
              SELECT cluster, old,
                row_number() OVER (PARTITION BY cluster ORDER BY n DESC, old) AS by_cluster,
                row_number() OVER (PARTITION BY old ORDER BY n DESC, ord) AS by_old
              FROM {cand})
            WHERE by_cluster = 1 AND by_old = 1"""
        )
        (taken,) = _one(con, f"SELECT count(*) FROM {take}")
        if not taken:
            break
        con.execute(f"INSERT INTO {carried} SELECT cluster, old FROM {take}")
        con.execute(
            f"""DELETE FROM {cand} WHERE cluster IN (SELECT cluster FROM {take})
                                   OR old IN (SELECT old FROM {take})"""
        )
    (retired,) = _one(
        con,
        f"SELECT count(DISTINCT person_id) - (SELECT count(*) FROM {carried}) FROM {prev}",
    )
    used = s.name("used")
    con.execute(f"CREATE TABLE {used} AS SELECT DISTINCT person_id AS id FROM {prev}")
    return carried, used, {"merged": int(merged), "split": int(split), "retired": int(retired)}


def person_id_table(
    con: duckdb.DuckDBPyConnection,
    records: str,
    cluster_col: str,
    previous: str | None,
    out: str,
) -> StableIdCounts:
    """Create table out (cluster, person_id): the person id of each cluster of records.

    records: a relation with source_table, record_id and a raw cluster label in
    cluster_col (VARCHAR). previous: a relation of the previous release's xjs_link
    (source_table, record_id, person_id) or None.
    """
    s = _Scratch(con)
    try:
        keys = smallest_keys(con, s, records, cluster_col)
        counts = {"merged": 0, "split": 0, "retired": 0}
        carried = used = None
        if previous is not None and _one(con, f"SELECT count(*) FROM {previous}")[0]:
            check_previous_sql(con, previous)
            carried, used, counts = _carry_over(con, s, records, cluster_col, keys, previous)
        fresh = keys
        if carried is not None:
            fresh = s.name("fresh")
            con.execute(
                f"CREATE TABLE {fresh} AS SELECT * FROM {keys}"
                f" WHERE cluster NOT IN (SELECT cluster FROM {carried})"
            )
        new = _hashed(con, s, fresh, PERSON_PREFIX, used)
        union = f"SELECT cluster, id FROM {new}"
        if carried is not None:
            union += f" UNION ALL SELECT cluster, id FROM {carried}"
        con.execute(
            f"CREATE OR REPLACE TABLE {out} AS SELECT cluster, id AS person_id FROM ({union})"
        )
        (n_clusters,) = _one(con, f"SELECT count(*) FROM {keys}")
        (kept,) = _one(con, f"SELECT count(*) FROM {carried}") if carried else (0,)
        return StableIdCounts(kept=int(kept), new=int(n_clusters - kept), **counts)
    finally:
        s.drop()


def label_table(
    con: duckdb.DuckDBPyConnection, records: str, cluster_col: str, prefix: str, out: str
) -> None:
    """Create table out (cluster, label): well-formed deterministic ids for raw labels."""
    s = _Scratch(con)
    try:
        keys = smallest_keys(con, s, records, cluster_col)
        ids = _hashed(con, s, keys, prefix, None)
        con.execute(f"CREATE OR REPLACE TABLE {out} AS SELECT cluster, id AS label FROM {ids}")
    finally:
        s.drop()


# --- pandas front doors (small frames: tests and tools) --------------------------------


def _with_frames(records: pd.DataFrame, cluster_col: str, previous: pd.DataFrame | None):
    con = duckdb.connect()
    recs = pa.table(
        {
            "source_table": pa.array(records["source_table"].astype(str), pa.string()),
            "record_id": pa.array(records["record_id"].astype(str), pa.string()),
            "cluster": pa.array(records[cluster_col].astype(str), pa.string()),
        }
    )
    con.register("records_in", recs)
    prev = None
    if previous is not None:
        con.register("previous_in", previous)
        prev = "previous_in"
    return con, prev


def _mapped(con, records: pd.DataFrame, cluster_col: str, table: str, col: str) -> pd.Series:
    mapping = dict(con.execute(f"SELECT cluster, {col} FROM {table}").fetchall())
    return records[cluster_col].astype(str).map(mapping)


def label_ids(records: pd.DataFrame, cluster_col: str, prefix: str) -> pd.Series:
    """Well-formed deterministic ids for raw cluster labels, aligned to records' index."""
    con, _ = _with_frames(records, cluster_col, None)
    try:
        label_table(con, "records_in", "cluster", prefix, "labels")
        return _mapped(con, records, cluster_col, "labels", "label")
    finally:
        con.close()


def assign_person_ids(
    records: pd.DataFrame, cluster_col: str, previous: pd.DataFrame | None
) -> tuple[pd.Series, StableIdCounts]:
    """person_id for each record (aligned to records' index) and the change counts.

    records: source_table, record_id and a raw cluster label in cluster_col.
    previous: the previous release's xjs_link (source_table, record_id, person_id) or None.
    """
    con, prev = _with_frames(records, cluster_col, previous)
    try:
        counts = person_id_table(con, "records_in", "cluster", prev, "persons")
        return _mapped(con, records, cluster_col, "persons", "person_id"), counts
    finally:
        con.close()
