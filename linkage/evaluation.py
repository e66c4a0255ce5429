"""Evaluation of a release's linkage against ground truth (synthetic drops only).

Pairwise and B-cubed precision, recall and F1 of predicted persons, overall,
per pair of sources and per subgroup; precision and recall over a grid of
thresholds (Splink's connected components at each threshold over the scored
pairs); blocking recall; full_evaluation gathers them for evaluation.json. It
reads the lookup, the scored pairs and truth, hangs off the lookup and never
feeds back: nothing on the linkage path (linkage/pipeline.py and what it
imports) imports this module (tests/linkage/test_linkage_evaluation.py walks the
imports). Counts and rates only; no row values.

Everything is computed in DuckDB SQL, on a connection with the configured
limits (xjs.limits), over the Parquet files where they lie: a table argument is
a Path (a Parquet file), the name of a relation on the connection (or a
parenthesised query), or a pandas frame (small inputs, tests). Only aggregates
come back to Python, so it scales with the engine, not with Python's memory.

Pairwise metrics are exact and O(records): a pair of records is a true
positive when both sit in the same predicted and the same true person, so every
count comes from cluster sizes. With n(p, t) the records in predicted person p and true person t,
    TP = sum C(n(p,t), 2),  predicted positives = sum C(n(p), 2),
    actual positives = sum C(n(t), 2).
Per pair of source tables (A, B), A != B, the pairs are those with one record in
each: sums of n_A * n_B over the same cells; for A == A, C(n_A, 2).
Precision and recall are 1.0 when their denominator is 0 (nothing predicted,
nothing to find): no false links made, no true links missed.
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from itertools import combinations_with_replacement
from pathlib import Path

import duckdb
import pandas as pd
from splink import DuckDBAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold

from xjs.limits import duckdb_limits
from xjs.stages import stage

KEY = ["source_table", "record_id"]
THRESHOLD_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)
# a table: a Parquet file, a relation on the connection (name or "(select ...)"), or a frame
Table = pd.DataFrame | Path | str

_names = itertools.count()


@dataclass(frozen=True)
class PairMetrics:
    true_positives: int
    predicted_positives: int
    actual_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_positives if self.predicted_positives else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.actual_positives if self.actual_positives else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class Evaluation:
    overall: PairMetrics
    by_source_pair: dict[tuple[str, str], PairMetrics]
    records: int

    def as_dict(self) -> dict:
        """Plain numbers; source pairs keyed 'table_a|table_b' (sorted)."""
        return {
            "records": self.records,
            "overall": self.overall.as_dict(),
            "by_source_pair": {
                f"{a}|{b}": m.as_dict() for (a, b), m in self.by_source_pair.items()
            },
        }


@dataclass(frozen=True)
class BCubed:
    """Cluster-level (B-cubed) precision and recall: per record, averaged over records.

    For record i in predicted person P and true person T:
    precision_i = |P & T| / |P|, recall_i = |P & T| / |T|. Unlike pairwise
    metrics, a large person does not count quadratically.
    """

    precision: float
    recall: float
    records: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "f1": self.f1}


# --- connections and inputs -----------------------------------------------------------------


@contextmanager
def connection(con: duckdb.DuckDBPyConnection | None, root: Path | None = None):
    """The caller's connection, or a new one with the configured limits (closed after)."""
    if con is not None:
        yield con
        return
    own = duckdb_limits(root).connect()
    try:
        yield own
    finally:
        own.close()


def _fresh(prefix: str) -> str:
    return f"_xjs_eval_{prefix}_{next(_names)}"


def _parquet(path: Path) -> str:
    return "read_parquet('" + str(path).replace("'", "''") + "')"


def as_relation(con: duckdb.DuckDBPyConnection, table: Table, prefix: str) -> str:
    """A temporary view over the table; returns its name."""
    name = _fresh(prefix)
    if isinstance(table, pd.DataFrame):
        con.register(name, table)
        return name
    source = _parquet(table) if isinstance(table, Path) else table
    con.execute(f"create or replace temp view {name} as select * from {source}")
    return name


def as_relations(con: duckdb.DuckDBPyConnection, **tables: Table) -> list[str]:
    """A temporary view over each table, named after its keyword; returns the names in order."""
    return [as_relation(con, table, prefix) for prefix, table in tables.items()]


def columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"describe select * from {relation}").fetchall()]


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchone()


def validate(con: duckdb.DuckDBPyConnection, relation: str, label: str) -> None:
    """Key columns present, each (source_table, record_id) once, no null person_id."""
    missing = [c for c in [*KEY, "person_id"] if c not in columns_of(con, relation)]
    if missing:
        raise ValueError(f"{label} lacks columns: {missing}")
    rows, distinct, nulls = _one(
        con,
        "select count(*), count(distinct (source_table, record_id)), "
        f"count(*) - count(person_id) from {relation}",
    )
    if rows - distinct:
        raise ValueError(f"{label} has {rows - distinct} duplicated (source_table, record_id)")
    if nulls:
        raise ValueError(f"{label} has {nulls} null person_id values")


def _cells(con: duckdb.DuckDBPyConnection, predicted: str, truth: str) -> str:
    """A temporary table (source_table, p, t, n): records per source, predicted and true
    person; both sides must cover the same records. Returns its name."""
    only_pred, only_true = _one(
        con,
        f"""
        select count(*) filter (where t._in is null), count(*) filter (where p._in is null)
        from (select source_table, record_id, true as _in from {predicted}) p
        full join (select source_table, record_id, true as _in from {truth}) t
            using (source_table, record_id)
        """,
    )
    if only_pred or only_true:
        raise ValueError(
            f"predicted and truth cover different records: {only_pred} only in predicted, "
            f"{only_true} only in truth"
        )
    name = _fresh("cells")
    con.execute(
        f"""
        create temp table {name} as
        select p.source_table, p.person_id as p, t.person_id as t, count(*) as n
        from {predicted} p join {truth} t using (source_table, record_id)
        group by all
        """
    )
    return name


def _validated_cells(con, predicted: Table, truth: Table) -> tuple[str, str, str]:
    """Views over predicted and truth, both validated, and their cells; returns the three names."""
    p, t = as_relations(con, pred=predicted, truth=truth)
    validate(con, p, "predicted")
    validate(con, t, "truth")
    return p, t, _cells(con, p, t)


def _drop(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    for table in tables:
        con.execute(f"drop table if exists {table}")


# --- metrics from the cells -----------------------------------------------------------------


def _pairs_within(con, cells: str, keys: str, by_source: bool) -> dict:
    """sum C(n, 2) over groups of `keys` (per source table, or overall under None)."""
    source = "source_table" if by_source else "null"
    rows = con.execute(
        f"""
        select s, sum(n * (n - 1) // 2) from (
            select {source} as s, {keys}, sum(n) as n from {cells} group by all
        ) group by s
        """
    ).fetchall()
    return {s: int(v) for s, v in rows}


def _pairs_across(con, cells: str, keys: str) -> dict[tuple[str, str], int]:
    """sum n_A * n_B over groups of `keys`, per pair of source tables A < B."""
    using = ", ".join(k.strip() for k in keys.split(","))
    rows = con.execute(
        f"""
        with g as (select source_table as s, {keys}, sum(n) as n from {cells} group by all)
        select a.s, b.s, sum(a.n * b.n) from g a join g b using ({using})
        where a.s < b.s group by all
        """
    ).fetchall()
    return {(a, b): int(v) for a, b, v in rows}


def _overall(con, cells: str) -> PairMetrics:
    counts = [_pairs_within(con, cells, keys, False).get(None, 0) for keys in ("p, t", "p", "t")]
    return PairMetrics(*counts)


def _by_source_pair(con, cells: str) -> dict[tuple[str, str], PairMetrics]:
    tables = sorted(
        s for (s,) in con.execute(f"select distinct source_table from {cells}").fetchall()
    )
    within = [_pairs_within(con, cells, keys, True) for keys in ("p, t", "p", "t")]
    across = [_pairs_across(con, cells, keys) for keys in ("p, t", "p", "t")]
    out = {}
    for a, b in combinations_with_replacement(tables, 2):
        counts = [w.get(a, 0) for w in within] if a == b else [x.get((a, b), 0) for x in across]
        out[(a, b)] = PairMetrics(*counts)
    return out


def _sizes_sql(cells: str) -> str:
    """Per (p, t) cell across sources: n_cell, n_pred, n_true."""
    return f"""
        with c as (select p, t, sum(n) as n from {cells} group by all),
        pp as (select p, sum(n) as n from c group by p),
        tt as (select t, sum(n) as n from c group by t)
        select c.p, c.t, c.n as n_cell, pp.n as n_pred, tt.n as n_true
        from c join pp using (p) join tt using (t)
    """


def _bcubed_of(con, cells: str) -> BCubed:
    precision, recall, records = _one(
        con,
        "select fsum(n_cell * n_cell / n_pred), fsum(n_cell * n_cell / n_true), sum(n_cell) "
        f"from ({_sizes_sql(cells)})",
    )
    if not records:
        return BCubed(1.0, 1.0, 0)
    return BCubed(float(precision) / records, float(recall) / records, int(records))


# --- the public measures --------------------------------------------------------------------


def evaluate(
    predicted: Table, truth: Table, con: duckdb.DuckDBPyConnection | None = None
) -> Evaluation:
    """Pairwise metrics of predicted person_id against true person_id, overall and per source pair.

    Both tables: source_table, record_id, person_id, covering the same records.
    """
    with connection(con) as c:
        _, _, cells = _validated_cells(c, predicted, truth)
        try:
            records = int(_one(c, f"select coalesce(sum(n), 0) from {cells}")[0])
            return Evaluation(_overall(c, cells), _by_source_pair(c, cells), records)
        finally:
            _drop(c, cells)


def bcubed(predicted: Table, truth: Table, con: duckdb.DuckDBPyConnection | None = None) -> BCubed:
    """B-cubed precision, recall and F1 of predicted person_id against the truth."""
    with connection(con) as c:
        _, _, cells = _validated_cells(c, predicted, truth)
        try:
            return _bcubed_of(c, cells)
        finally:
            _drop(c, cells)


def subgroup_metrics(
    predicted: Table,
    truth: Table,
    groups: Table,
    con: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, dict[str, dict]]:
    """Metrics per value of each group column, so that biased linkage shows.

    groups: source_table, record_id and one column per grouping (nulls become
    "unknown"). A record's pairs are credited to its own group: pairwise counts
    are over ordered pairs (i, j) with i in the group, which sum to twice the
    overall counts; B-cubed averages over the group's records.
    Returns {group column: {value: {"records", "pairwise": {...}, "bcubed": {...}}}}.
    """
    with connection(con) as c:
        p, t, cells = _validated_cells(c, predicted, truth)
        (g,) = as_relations(c, groups=groups)
        sizes = _fresh("sizes")
        try:
            c.execute(
                f"""
                create temp table {sizes} as
                select r.source_table, r.record_id, s.n_cell, s.n_pred, s.n_true
                from (select pr.source_table, pr.record_id, pr.person_id as p, tr.person_id as t
                      from {p} pr join {t} tr using (source_table, record_id)) r
                join ({_sizes_sql(cells)}) s using (p, t)
                """
            )
            out: dict[str, dict[str, dict]] = {}
            for col in [x for x in columns_of(c, g) if x not in KEY]:
                rows = c.execute(
                    f"""
                    select coalesce(cast(g."{col}" as varchar), 'unknown') as value, count(*),
                        sum(s.n_cell - 1), sum(s.n_pred - 1), sum(s.n_true - 1),
                        fsum(s.n_cell / s.n_pred), fsum(s.n_cell / s.n_true)
                    from {sizes} s left join {g} g using (source_table, record_id)
                    group by value
                    """
                ).fetchall()
                out[col] = {}
                for value, n, tp, pp, ap, b3p, b3r in sorted(rows):
                    out[col][str(value)] = {
                        "records": int(n),
                        "pairwise": PairMetrics(int(tp), int(pp), int(ap)).as_dict(),
                        "bcubed": BCubed(float(b3p) / n, float(b3r) / n, int(n)).as_dict(),
                    }
            return out
        finally:
            _drop(c, cells, sizes)


def _nodes(con, link: str) -> str:
    name = _fresh("nodes")
    con.execute(
        f"create temp table {name} as "
        f"select source_table || ':' || record_id as unique_id, source_table, record_id from {link}"
    )
    return name


def _clustered(con, nodes: str, edges: str, threshold: float) -> tuple[str, object]:
    """A view (source_table, record_id, person_id) of connected components over the edges at
    or above the threshold (Splink's clustering); returns it and Splink's table to drop."""
    db_api = DuckDBAPI(connection=con)
    cc = cluster_pairwise_predictions_at_threshold(
        nodes, edges, db_api, "unique_id", threshold_match_probability=threshold
    )
    name = _fresh("clusters")
    con.execute(
        f"create or replace temp view {name} as "
        "select n.source_table, n.record_id, cast(c.cluster_id as varchar) as person_id "
        f"from {nodes} n join {cc.physical_name} c using (unique_id)"
    )
    return name, cc


@contextmanager
def _clusters_against(con, nodes: str, edges: str, threshold: float, truth: str):
    """The cells of the clusters at the threshold against the truth; dropped after."""
    predicted, cc = _clustered(con, nodes, edges, threshold)
    cells = _cells(con, predicted, truth)
    try:
        yield cells
    finally:
        _drop(con, cells)
        cc.drop_table_from_database_and_remove_from_cache()


def _edges(con, pairs: str, where: str = "true") -> str:
    name = _fresh("edges")
    con.execute(
        f"create or replace temp view {name} as "
        f"select unique_id_l, unique_id_r, match_probability from {pairs} where {where}"
    )
    return name


def threshold_curve(
    link: Table,
    pairs: Table,
    truth: Table,
    thresholds=THRESHOLD_GRID,
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[dict]:
    """Pairwise and B-cubed precision / recall of clusters at each threshold."""
    with connection(con) as c:
        lk, pr, t = as_relations(c, link=link, pairs=pairs, truth=truth)
        validate(c, t, "truth")
        nodes, edges = _nodes(c, lk), _edges(c, pr)
        out = []
        try:
            for threshold in thresholds:
                with _clusters_against(c, nodes, edges, threshold, t) as cells:
                    pw, b3 = _overall(c, cells), _bcubed_of(c, cells)
                out.append(
                    {
                        "threshold": threshold,
                        "precision": pw.precision,
                        "recall": pw.recall,
                        "f1": pw.f1,
                        "bcubed_precision": b3.precision,
                        "bcubed_recall": b3.recall,
                        "bcubed_f1": b3.f1,
                    }
                )
        finally:
            _drop(c, nodes)
        return out


def blocking_recall(
    link: Table, pairs: Table, truth: Table, con: duckdb.DuckDBPyConnection | None = None
) -> dict:
    """How many true pairs the blocking rules let the model see.

    direct: share of true pairs that were scored at all. reachable: pairwise
    recall of the persons formed by the scored true pairs alone, the best any
    model and threshold could do with these blocking rules.
    """
    with connection(con) as c:
        lk, pr, t = as_relations(c, link=link, pairs=pairs, truth=truth)
        validate(c, t, "truth")
        uid = _fresh("truth_uid")
        c.execute(
            f"create temp table {uid} as "
            f"select source_table || ':' || record_id as unique_id, person_id from {t}"
        )
        same = _fresh("same")  # the scored pairs of one true person only
        c.execute(
            f"""
            create temp table {same} as
            select p.unique_id_l, p.unique_id_r, 1.0::double as match_probability
            from {pr} p
            join {uid} l on l.unique_id = p.unique_id_l
            join {uid} r on r.unique_id = p.unique_id_r
            where l.person_id = r.person_id
            """
        )
        (comparisons,) = _one(c, f"select count(*) from {pr}")
        (scored,) = _one(c, f"select count(*) from {same}")
        (actual,) = _one(
            c,
            "select coalesce(sum(n * (n - 1) // 2), 0) "
            f"from (select count(*) as n from {t} group by person_id)",
        )
        nodes, edges = _nodes(c, lk), same
        try:
            with _clusters_against(c, nodes, edges, 0.5, t) as cells:
                reach = _overall(c, cells)
        finally:
            _drop(c, nodes, uid, same)
        actual, scored = int(actual), int(scored)
        return {
            "comparisons": int(comparisons),
            "true_pairs": actual,
            "true_pairs_scored": scored,
            "direct_recall": scored / actual if actual else 1.0,
            "reachable_recall": reach.recall,
        }


def full_evaluation(
    link: Table,
    pairs: Table,
    truth: Table,
    groups: Table,
    thresholds: dict[str, float],
    con: duckdb.DuckDBPyConnection | None = None,
    root: Path | None = None,
) -> dict:
    """Everything measurable against truth, as plain numbers (for evaluation.json).

    Without a connection, one is opened with the limits of xjs.limits (spilling under root)."""
    with connection(con, root) as c:
        lk, pr, t = as_relations(c, link=link, pairs=pairs, truth=truth)
        at = {}
        with stage("evaluation:thresholds"):
            validate(c, t, "truth")
            for name, col in (
                ("high", "cluster_high"),
                ("default", "person_id"),
                ("low", "cluster_low"),
            ):
                predicted = as_relation(
                    c, f"(select source_table, record_id, {col} as person_id from {lk})", "pred"
                )
                validate(c, predicted, "predicted")
                cells = _cells(c, predicted, t)
                at[name] = {
                    "threshold": thresholds[name],
                    "pairwise": _overall(c, cells).as_dict(),
                    "bcubed": _bcubed_of(c, cells).as_dict(),
                }
                if name == "default":
                    by_pair = {
                        f"{a}|{b}": m.as_dict() for (a, b), m in _by_source_pair(c, cells).items()
                    }
                _drop(c, cells)
        (records,) = _one(c, f"select count(*) from {lk}")
        with stage("evaluation:subgroups"):
            subgroups = subgroup_metrics(
                f"(select source_table, record_id, person_id from {lk})", t, groups, con=c
            )
        with stage("evaluation:curve"):
            curve = threshold_curve(lk, pr, t, con=c)
        with stage("evaluation:blocking"):
            blocking = blocking_recall(lk, pr, t, con=c)
        return {
            "records": int(records),
            "at_thresholds": at,
            "by_source_pair": by_pair,
            "subgroups": subgroups,
            "curve": curve,
            "blocking": blocking,
        }


def worst_subgroup_gap(evaluation: dict, min_records: int = 200) -> tuple[str, float]:
    """The subgroup whose pairwise recall is furthest below the overall (label, gap)."""
    overall = evaluation["at_thresholds"]["default"]["pairwise"]["recall"]
    worst, gap = "none", 0.0
    for col, values in evaluation["subgroups"].items():
        for value, m in values.items():
            if m["records"] >= min_records and overall - m["pairwise"]["recall"] > gap:
                worst, gap = f"{col}={value}", overall - m["pairwise"]["recall"]
    return worst, gap
