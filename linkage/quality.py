"""Quality figures of one release's linkage that need no truth (every release).

Link rates between every pair of source tables and duplicate rates within
each, the cluster size distribution, and graph metrics flagging suspect
persons. Counts and rates only; no row values. This module is on the linkage
path (linkage/pipeline.py), so it never reads truth: everything measured
against truth lives in linkage/evaluation.py, which hangs off the lookup.

Everything is SQL on a DuckDB connection (Splink's database in the pipeline);
only aggregates come back. Bridges are found with igraph, on integer edge
arrays built in SQL, and only for the persons that need it: a person is a
connected component of the default-threshold edges, so in a tree (edges = records
- 1) every edge is a bridge and in a complete graph none is.
"""

from __future__ import annotations

from itertools import combinations_with_replacement

import duckdb
import igraph
import numpy as np
import pandas as pd

SIZE_BINS = [1, 2, 3, 5, 10, 20, 50, 100]
# graph flags, as Splink's graph-metrics guide suggests
LOW_DENSITY = 0.2  # of clusters with >= MIN_SIZE_FOR_DENSITY records
MIN_SIZE_FOR_DENSITY = 5
OVERSIZED = 100  # records; no person plausibly has more in one release


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def link_rates_sql(con: duckdb.DuckDBPyConnection, link: str) -> dict[str, dict]:
    """Per pair of source tables (A, B): the share of A's records whose person has a B record.

    link: a relation with person_id and source_table. For A == A it is the duplicate
    rate: the share of A's records whose person holds another A record. Keys 'A|B'
    (A, B in sorted order, both directions given).
    """
    totals = dict(_rows(con, f"SELECT source_table, count(*) FROM {link} GROUP BY 1"))
    hits = {
        (a, b): int(n)
        for a, b, n in _rows(
            con,
            f"""WITH pc AS (SELECT person_id, source_table, count(*) AS n
                            FROM {link} GROUP BY ALL)
            SELECT x.source_table, y.source_table, sum(x.n)
            FROM pc x JOIN pc y USING (person_id)
            WHERE y.n >= CASE WHEN x.source_table = y.source_table THEN 2 ELSE 1 END
            GROUP BY ALL""",
        )
    }
    out = {}
    for a, b in combinations_with_replacement(sorted(totals), 2):
        out[f"{a}|{b}"] = {
            "a_to_b": hits.get((a, b), 0) / totals[a],
            "b_to_a": hits.get((b, a), 0) / totals[b],
        }
    return out


def _band_labels() -> list[tuple[int, float, str]]:
    edges = [*SIZE_BINS, np.inf]
    out = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        label = str(lo) if hi == lo + 1 else (f"{lo}+" if hi == np.inf else f"{lo}-{int(hi) - 1}")
        out.append((lo, hi, label))
    return out


def size_distribution_sql(con: duckdb.DuckDBPyConnection, link: str, col: str) -> dict[str, int]:
    """Number of persons (distinct values of col in link) by size band (1, 2, 3-4, ...)."""
    bands = _band_labels()
    cases = " ".join(
        f"WHEN n < {int(hi)} THEN '{label}'" for _lo, hi, label in bands if hi != np.inf
    )
    counts = dict(
        _rows(
            con,
            f"""SELECT CASE {cases} ELSE '{bands[-1][2]}' END, count(*)
            FROM (SELECT count(*) AS n FROM {link} GROUP BY {col}) GROUP BY 1""",
        )
    )
    return {label: int(counts.get(label, 0)) for _lo, _hi, label in bands}


def graph_flags_sql(
    con: duckdb.DuckDBPyConnection, persons: str, edges: str
) -> dict[str, float | int]:
    """Suspect persons at the default threshold: low density, bridges, oversized.

    persons: unique_id, person_id of every record; edges: scored pairs at or above the
    default threshold (unique_id_l/_r), each within one person. Density is edges /
    possible edges within a person; a bridge is an edge whose removal splits its person.
    """
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE __xjs_q_edges AS
        SELECT e.unique_id_l, e.unique_id_r, p.person_id
        FROM {edges} e JOIN {persons} p ON e.unique_id_l = p.unique_id"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE __xjs_q_persons AS
        SELECT s.person_id, s.n, coalesce(m.m, 0) AS m
        FROM (SELECT person_id, count(*) AS n FROM {persons} GROUP BY 1) s
        LEFT JOIN (SELECT person_id, count(*) AS m FROM __xjs_q_edges GROUP BY 1) m
        USING (person_id)"""
    )
    try:
        multi, mean_density, low, oversized, largest = _rows(
            con,
            f"""SELECT count(*) FILTER (WHERE n >= 2),
                avg(m / (n * (n - 1) / 2)) FILTER (WHERE n >= 2),
                count(*) FILTER (WHERE n >= {MIN_SIZE_FOR_DENSITY}
                                 AND m / (n * (n - 1) / 2) < {LOW_DENSITY}),
                count(*) FILTER (WHERE n >= {OVERSIZED}),
                coalesce(max(n), 0)
            FROM __xjs_q_persons""",
        )[0]
        bridges, bridge_persons = _bridges(con)
    finally:
        con.execute("DROP TABLE IF EXISTS __xjs_q_edges")
        con.execute("DROP TABLE IF EXISTS __xjs_q_persons")
    return {
        "persons_multi_record": int(multi),
        "mean_density": float(mean_density) if multi else 1.0,
        "low_density_persons": int(low),
        "bridge_edges": int(bridges),
        "persons_with_bridges_size_5_plus": int(bridge_persons),
        "oversized_persons": int(oversized),
        "largest_person": int(largest),
    }


def _bridges(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(bridge edges, persons of >= MIN_SIZE_FOR_DENSITY records holding one)."""
    big = MIN_SIZE_FOR_DENSITY
    tree_bridges, tree_persons = _rows(
        con,
        f"""SELECT coalesce(sum(m), 0), count(*) FILTER (WHERE n >= {big})
        FROM __xjs_q_persons WHERE n >= 2 AND m = n - 1""",
    )[0]
    # neither a tree (all edges bridges) nor complete (none): igraph, on these only
    con.execute(
        """CREATE OR REPLACE TEMP TABLE __xjs_q_rest AS
        SELECT person_id, n, dense_rank() OVER (ORDER BY person_id) - 1 AS pid
        FROM __xjs_q_persons WHERE n >= 3 AND m > n - 1 AND m < n * (n - 1) / 2"""
    )
    try:
        arrays = con.execute(
            """WITH e AS (SELECT e.unique_id_l, e.unique_id_r, r.pid, r.n
                          FROM __xjs_q_edges e JOIN __xjs_q_rest r USING (person_id)),
                 v AS (SELECT unique_id, row_number() OVER (ORDER BY unique_id) - 1 AS vid
                       FROM (SELECT unique_id_l AS unique_id FROM e
                             UNION SELECT unique_id_r FROM e))
            SELECT vl.vid AS a, vr.vid AS b, e.pid, e.n
            FROM e JOIN v vl ON e.unique_id_l = vl.unique_id
                   JOIN v vr ON e.unique_id_r = vr.unique_id
            ORDER BY a, b"""
        ).fetchnumpy()
    finally:
        con.execute("DROP TABLE IF EXISTS __xjs_q_rest")
    if not len(arrays["a"]):
        return int(tree_bridges), int(tree_persons)
    a, b = np.asarray(arrays["a"], dtype=np.int64), np.asarray(arrays["b"], dtype=np.int64)
    graph = igraph.Graph(n=int(max(a.max(), b.max())) + 1)
    graph.add_edges(np.column_stack([a, b]))
    found = np.asarray(graph.bridges(), dtype=np.int64)
    pid, size = np.asarray(arrays["pid"]), np.asarray(arrays["n"])
    persons = np.unique(pid[found][size[found] >= big]) if len(found) else []
    return int(tree_bridges) + len(found), int(tree_persons) + len(persons)


# --- pandas front doors (small frames: tests and tools) --------------------------------


def _con(**frames: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, frame in frames.items():
        con.register(name, frame)
    return con


def link_rates(link: pd.DataFrame) -> dict[str, dict]:
    """link_rates_sql over a frame with person_id and source_table."""
    con = _con(link_in=link[["person_id", "source_table"]])
    try:
        return link_rates_sql(con, "link_in")
    finally:
        con.close()


def size_distribution(cluster_ids: pd.Series) -> dict[str, int]:
    """Number of persons by size band (1, 2, 3-4, 5-9, ...)."""
    con = _con(ids_in=pd.DataFrame({"c": cluster_ids.to_numpy()}))
    try:
        return size_distribution_sql(con, "ids_in", "c")
    finally:
        con.close()


def graph_flags(link: pd.DataFrame, edges: pd.DataFrame) -> dict[str, float | int]:
    """graph_flags_sql over a link frame (source_table, record_id, person_id; unique ids
    are source_table:record_id) and an edge frame (unique_id_l, unique_id_r)."""
    persons = pd.DataFrame(
        {
            "unique_id": (link["source_table"] + ":" + link["record_id"]).to_numpy(),
            "person_id": link["person_id"].to_numpy(),
        }
    )
    con = _con(persons_in=persons, edges_in=edges[["unique_id_l", "unique_id_r"]])
    try:
        return graph_flags_sql(con, "persons_in", "edges_in")
    finally:
        con.close()
