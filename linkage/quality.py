"""Quality measures of one release's linkage, with and without truth.

Without truth (every release): link rates between every pair of source tables
and duplicate rates within each, cluster size distribution, and graph metrics
flagging suspect persons. With truth (synthetic drops): precision and recall
over a grid of thresholds (Splink's clustering at multiple thresholds over the
scored pairs), blocking recall, B-cubed and subgroup metrics (evaluation.py).
Everything returned is counts and rates; no row values. Evaluation reads the
lookup and scored pairs and never feeds back into them.
"""

from __future__ import annotations

from itertools import combinations_with_replacement

import networkx as nx
import numpy as np
import pandas as pd
from splink import DuckDBAPI
from splink.internals.clustering import cluster_pairwise_predictions_at_multiple_thresholds

from linkage.evaluation import KEY, PairMetrics, bcubed, evaluate

THRESHOLD_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)
SIZE_BINS = [1, 2, 3, 5, 10, 20, 50, 100]
# graph flags, as Splink's graph-metrics guide suggests
LOW_DENSITY = 0.2  # of clusters with >= MIN_SIZE_FOR_DENSITY records
MIN_SIZE_FOR_DENSITY = 5
OVERSIZED = 100  # records; no person plausibly has more in one release


def link_rates(link: pd.DataFrame) -> dict[str, dict]:
    """Per pair of source tables (A, B): the share of A's records whose person has a B record.

    For A == A it is the duplicate rate: the share of A's records whose person
    holds another A record. Keys 'A|B' (A, B in sorted order, both directions given).
    """
    counts = link.groupby(["person_id", "source_table"]).size().unstack(fill_value=0)
    per_record = link[["person_id", "source_table"]].join(counts, on="person_id")
    tables = sorted(link["source_table"].unique())
    out = {}
    for a, b in combinations_with_replacement(tables, 2):
        ra = per_record[per_record.source_table == a]
        rb = per_record[per_record.source_table == b]
        need = 2 if a == b else 1
        out[f"{a}|{b}"] = {
            "a_to_b": float((ra[b] >= need).mean()) if len(ra) else 0.0,
            "b_to_a": float((rb[a] >= need).mean()) if len(rb) else 0.0,
        }
    return out


def size_distribution(cluster_ids: pd.Series) -> dict[str, int]:
    """Number of persons by size band (1, 2, 3-4, 5-9, ...)."""
    sizes = cluster_ids.value_counts()
    edges = [*SIZE_BINS, np.inf]
    out = {}
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        label = str(lo) if hi == lo + 1 else (f"{lo}+" if hi == np.inf else f"{lo}-{int(hi) - 1}")
        out[label] = int(((sizes >= lo) & (sizes < hi)).sum())
    return out


def graph_flags(link: pd.DataFrame, edges: pd.DataFrame) -> dict[str, float | int]:
    """Suspect persons at the default threshold: low density, bridges, oversized.

    edges: scored pairs at or above the default threshold (unique_id_l/_r). Density
    is edges / possible edges within a person; a bridge is an edge whose removal
    splits its person (networkx; Splink's own edge metrics need igraph).
    """
    uid = link["source_table"] + ":" + link["record_id"]
    person = pd.Series(link["person_id"].to_numpy(), index=uid.to_numpy())
    sizes = person.value_counts()
    e = edges.assign(person=edges["unique_id_l"].map(person))
    n_edges = e.groupby("person").size().reindex(sizes.index, fill_value=0)
    possible = sizes * (sizes - 1) / 2
    multi = sizes[sizes >= 2].index
    density = (n_edges[multi] / possible[multi]).astype(float)
    big = sizes[sizes >= MIN_SIZE_FOR_DENSITY].index
    graph = nx.Graph()
    graph.add_edges_from(zip(edges["unique_id_l"], edges["unique_id_r"], strict=True))
    bridges = list(nx.bridges(graph))
    bridge_persons = {person[a] for a, _ in bridges if person[a] in big}
    return {
        "persons_multi_record": len(multi),
        "mean_density": float(density.mean()) if len(density) else 1.0,
        "low_density_persons": int((density[big] < LOW_DENSITY).sum()),
        "bridge_edges": len(bridges),
        "persons_with_bridges_size_5_plus": len(bridge_persons),
        "oversized_persons": int((sizes >= OVERSIZED).sum()),
        "largest_person": int(sizes.max()) if len(sizes) else 0,
    }


def _nodes(link: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": link["source_table"] + ":" + link["record_id"]})


def _truth_by_uid(truth: pd.DataFrame) -> pd.Series:
    return pd.Series(
        truth["person_id"].to_numpy(),
        index=(truth["source_table"] + ":" + truth["record_id"]).to_numpy(),
    )


def _clusters_at(nodes: pd.DataFrame, pairs: pd.DataFrame, thresholds: list[float]) -> pd.DataFrame:
    """unique_id -> cluster id per threshold (columns named by threshold)."""
    db_api = DuckDBAPI()
    try:
        sdf = cluster_pairwise_predictions_at_multiple_thresholds(
            nodes,
            pairs[["unique_id_l", "unique_id_r", "match_probability"]],
            db_api,
            "unique_id",
            match_probability_thresholds=thresholds,
        )
        df = sdf.as_pandas_dataframe()
    finally:
        db_api.duckdb_con.close()
    cols = [c for c in df.columns if c.startswith("cluster_p_")]
    return df.set_index("unique_id")[cols].set_axis(thresholds, axis=1)


def _frame(uids: pd.Index, person: pd.Series) -> pd.DataFrame:
    key = uids.to_series().str.split(":", n=1, expand=True)
    return pd.DataFrame(
        {"source_table": key[0].to_numpy(), "record_id": key[1].to_numpy(), "person_id": person}
    ).reset_index(drop=True)


def threshold_curve(
    link: pd.DataFrame, pairs: pd.DataFrame, truth: pd.DataFrame, thresholds=THRESHOLD_GRID
) -> list[dict]:
    """Pairwise and B-cubed precision / recall of clusters at each threshold."""
    clusters = _clusters_at(_nodes(link), pairs, list(thresholds))
    out = []
    for t in thresholds:
        predicted = _frame(clusters.index, clusters[t].astype(str).to_numpy())
        pw = evaluate(predicted, truth).overall
        b3 = bcubed(predicted, truth)
        out.append(
            {
                "threshold": t,
                "precision": pw.precision,
                "recall": pw.recall,
                "f1": pw.f1,
                "bcubed_precision": b3.precision,
                "bcubed_recall": b3.recall,
                "bcubed_f1": b3.f1,
            }
        )
    return out


def blocking_recall(link: pd.DataFrame, pairs: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """How many true pairs the blocking rules let the model see.

    direct: share of true pairs that were scored at all. reachable: pairwise
    recall of the persons formed by the scored true pairs alone, the best any
    model and threshold could do with these blocking rules.
    """
    t = _truth_by_uid(truth)
    same = pairs["unique_id_l"].map(t).to_numpy() == pairs["unique_id_r"].map(t).to_numpy()
    n = truth.groupby("person_id").size()
    actual = int((n * (n - 1) // 2).sum())
    true_pairs = pairs.loc[same, ["unique_id_l", "unique_id_r"]].assign(match_probability=1.0)
    clusters = _clusters_at(_nodes(link), true_pairs, [0.5])
    reach = evaluate(_frame(clusters.index, clusters[0.5].astype(str).to_numpy()), truth).overall
    return {
        "comparisons": len(pairs),
        "true_pairs": actual,
        "true_pairs_scored": int(same.sum()),
        "direct_recall": int(same.sum()) / actual if actual else 1.0,
        "reachable_recall": reach.recall,
    }


def full_evaluation(
    link: pd.DataFrame,
    pairs: pd.DataFrame,
    truth: pd.DataFrame,
    groups: pd.DataFrame,
    thresholds: dict[str, float],
) -> dict:
    """Everything measurable against truth, as plain numbers (for evaluation.json)."""
    from linkage.evaluation import subgroup_metrics

    at = {}
    for name, col in (("high", "cluster_high"), ("default", "person_id"), ("low", "cluster_low")):
        predicted = link[[*KEY, col]].rename(columns={col: "person_id"})
        ev = evaluate(predicted, truth)
        at[name] = {
            "threshold": thresholds[name],
            "pairwise": ev.overall.as_dict(),
            "bcubed": bcubed(predicted, truth).as_dict(),
        }
        if name == "default":
            by_pair = {f"{a}|{b}": m.as_dict() for (a, b), m in ev.by_source_pair.items()}
    return {
        "records": len(link),
        "at_thresholds": at,
        "by_source_pair": by_pair,
        "subgroups": subgroup_metrics(link[[*KEY, "person_id"]], truth, groups),
        "curve": threshold_curve(link, pairs, truth),
        "blocking": blocking_recall(link, pairs, truth),
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


__all__ = ["PairMetrics", "full_evaluation", "graph_flags", "link_rates", "size_distribution"]
