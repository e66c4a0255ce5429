"""Quality figures of one release's linkage that need no truth (every release).

Link rates between every pair of source tables and duplicate rates within
each, the cluster size distribution, and graph metrics flagging suspect
persons. Counts and rates only; no row values. This module is on the linkage
path (linkage/pipeline.py), so it never reads truth: everything measured
against truth lives in linkage/evaluation.py, which hangs off the lookup.
"""

from __future__ import annotations

from itertools import combinations_with_replacement

import networkx as nx
import numpy as np
import pandas as pd

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
