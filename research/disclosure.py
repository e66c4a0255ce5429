"""Statistical disclosure control for aggregate tables (counts of people or events).

The rules, applied to every cell of a two-way table and to its totals:
1. primary suppression: a count under THRESHOLD (zeros included) is withheld;
2. secondary suppression: more cells are withheld until no withheld cell can be
   worked out from the totals. In a table with its totals, a withheld cell can
   be solved for exactly if and only if it is a *bridge* of the graph whose
   nodes are the table's rows and columns and whose edges are the withheld
   cells (it lies on no cycle). A row or column with exactly one withheld cell
   is the simplest case. We withhold the smallest extra cell (body cells before
   totals) until there is no bridge;
3. every published count is rounded to the nearest ROUNDING_BASE.

Bridges are found with networkx (nx.bridges). numpy and networkx rather than
acro (see docs/research-release.md: acro applies suppression *or* rounding,
recomputes totals from the cells it keeps instead of protecting the true
totals, and is built for checking a researcher's outputs inside a secure
environment, not for a producer's publication step). The thresholds are
acro's defaults: threshold 10, zeros disclosive, base 5.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

THRESHOLD = 10
ROUNDING_BASE = 5
TOTAL = "Total"
PUBLISHED, SUPPRESSED = "published", "suppressed"


@dataclass
class ProtectedTable:
    name: str
    row_dim: str
    col_dim: str
    rows: list[str]  # body rows, then TOTAL
    cols: list[str]  # body columns, then TOTAL
    published: np.ndarray  # rounded counts; meaningless where suppressed
    suppressed: np.ndarray
    primary: int

    @property
    def cells(self) -> int:
        return int(self.suppressed.size)

    @property
    def suppressed_cells(self) -> int:
        return int(self.suppressed.sum())

    def to_frame(self) -> pd.DataFrame:
        """Long form: one row per cell, totals included; count null where suppressed."""
        rows = np.repeat(self.rows, len(self.cols))
        cols = np.tile(self.cols, len(self.rows))
        counts = pd.array(self.published.ravel(), dtype="Int64")
        counts[self.suppressed.ravel()] = pd.NA
        return pd.DataFrame(
            {
                self.row_dim: pd.array(rows, dtype="string"),
                self.col_dim: pd.array(cols, dtype="string"),
                "count": counts,
                "status": pd.array(
                    np.where(self.suppressed.ravel(), SUPPRESSED, PUBLISHED), dtype="string"
                ),
            }
        )


def round_to_base(values: np.ndarray, base: int = ROUNDING_BASE) -> np.ndarray:
    return (np.floor(values / base + 0.5) * base).astype(np.int64)


def with_totals(counts: pd.DataFrame) -> np.ndarray:
    body = counts.to_numpy(dtype=np.int64)
    grid = np.zeros((body.shape[0] + 1, body.shape[1] + 1), dtype=np.int64)
    grid[:-1, :-1] = body
    grid[:-1, -1] = body.sum(axis=1)
    grid[-1, :-1] = body.sum(axis=0)
    grid[-1, -1] = body.sum()
    return grid


def _graph(suppressed: np.ndarray) -> nx.Graph:
    """Nodes ('r', i) and ('c', j), the table's rows and columns; an edge per suppressed cell."""
    rows, cols = np.nonzero(suppressed)
    graph = nx.Graph()
    graph.add_edges_from((("r", int(i)), ("c", int(j))) for i, j in zip(rows, cols, strict=True))
    return graph


def bridges(suppressed: np.ndarray) -> list[tuple[int, int]]:
    """Suppressed cells on no cycle, in row-major order: each can be solved for exactly
    from the totals."""
    found = []
    for u, v in nx.bridges(_graph(suppressed)):
        (_, i), (_, j) = (u, v) if u[0] == "r" else (v, u)
        found.append((i, j))
    return sorted(found)


def _cheapest(values: np.ndarray, candidates: list[tuple[int, int]]) -> tuple[int, int]:
    last_row, last_col = values.shape[0] - 1, values.shape[1] - 1
    return min(candidates, key=lambda c: (c[0] == last_row or c[1] == last_col, values[c], c))


def secondary_suppression(values: np.ndarray, suppressed: np.ndarray) -> np.ndarray:
    """Withhold more cells until no withheld cell is a bridge (see the module docstring)."""
    suppressed = suppressed.copy()
    while True:
        found = bridges(suppressed)
        if not found:
            return suppressed
        i, j = found[0]
        graph = _graph(suppressed)
        graph.remove_edge(("r", i), ("c", j))  # the two sides the bridge joins
        side_a = nx.node_connected_component(graph, ("r", i))
        side_b = nx.node_connected_component(graph, ("c", j))
        rows_a = [k for kind, k in side_a if kind == "r"]
        cols_a = [k for kind, k in side_a if kind == "c"]
        rows_b = [k for kind, k in side_b if kind == "r"]
        cols_b = [k for kind, k in side_b if kind == "c"]
        candidates = [(r, c) for r in rows_a for c in cols_b if not suppressed[r, c]]
        candidates += [(r, c) for r in rows_b for c in cols_a if not suppressed[r, c]]
        if not candidates:  # a lone cell in its row and column: join it to any other
            candidates = [(r, c) for r in rows_a for c in range(suppressed.shape[1])]
            candidates += [(r, c) for r in range(suppressed.shape[0]) for c in cols_b]
            candidates = [cell for cell in candidates if not suppressed[cell]]
        suppressed[_cheapest(values, candidates)] = True


def protect(
    counts: pd.DataFrame,
    name: str,
    threshold: int = THRESHOLD,
    base: int = ROUNDING_BASE,
) -> ProtectedTable:
    """Totals, primary and secondary suppression, rounding: a table safe to publish."""
    values = with_totals(counts)
    primary = values < threshold
    suppressed = secondary_suppression(values, primary)
    return ProtectedTable(
        name=name,
        row_dim=str(counts.index.name),
        col_dim=str(counts.columns.name),
        rows=[str(r) for r in counts.index] + [TOTAL],
        cols=[str(c) for c in counts.columns] + [TOTAL],
        published=round_to_base(values, base),
        suppressed=suppressed,
        primary=int(primary.sum()),
    )


def check(frame: pd.DataFrame, threshold: int = THRESHOLD, base: int = ROUNDING_BASE) -> dict:
    """Counts of rule breaches in a published long-form table (the checker's view only)."""
    row_dim, col_dim = frame.columns[0], frame.columns[1]
    rows = list(dict.fromkeys(frame[row_dim]))
    cols = list(dict.fromkeys(frame[col_dim]))
    published = frame["count"].dropna().astype(int)
    grid = (
        frame.assign(withheld=frame["count"].isna())
        .pivot(index=row_dim, columns=col_dim, values="withheld")
        .reindex(index=rows, columns=cols)
    )
    complete = not grid.isna().any().any() and rows[-1] == TOTAL and cols[-1] == TOTAL
    suppressed = grid.fillna(True).to_numpy(dtype=bool)
    return {
        "cells_not_a_complete_table_with_totals": 0 if complete else len(frame),
        "published_counts_below_threshold": int((published < threshold).sum()),
        "published_counts_not_rounded": int((published % base != 0).sum()),
        "status_disagrees_with_count": int(
            (frame["count"].isna() != (frame["status"] == SUPPRESSED)).sum()
        ),
        "suppressed_cells_derivable_from_totals": len(bridges(suppressed)),
    }


# --- numbers outside the aggregate tables (linkage_quality.json) ----------------------------

RATE_DECIMALS = 3  # rates and ratios are published rounded to this many decimals
DENOMINATORS = ("records", "actual_positives")  # a group's size: under THRESHOLD, no rates


def protect_count(n: int, threshold: int = THRESHOLD, base: int = ROUNDING_BASE) -> int | None:
    """A count as published: withheld (None) under threshold, else rounded to base."""
    if n < threshold:
        return None
    return int(round_to_base(np.array([n]), base)[0])


def protect_numbers(data, threshold: int = THRESHOLD, base: int = ROUNDING_BASE):
    """Every count (int) rounded and suppressed, every rate (float) rounded; a group
    whose size (DENOMINATORS) is under threshold publishes no rates either."""
    if isinstance(data, dict):
        small = any(
            isinstance(data.get(k), int)
            and not isinstance(data.get(k), bool)
            and data[k] < threshold
            for k in DENOMINATORS
        )
        out = {}
        for k, v in data.items():
            if small and isinstance(v, float | dict):
                out[k] = _withheld(v)
            else:
                out[k] = protect_numbers(v, threshold, base)
        return out
    if isinstance(data, bool) or data is None:
        return data
    if isinstance(data, int):
        return protect_count(data, threshold, base)
    if isinstance(data, float):
        return round(data, RATE_DECIMALS)
    return data


def _withheld(data):
    if isinstance(data, dict):
        return {k: _withheld(v) for k, v in data.items()}
    return None


def check_numbers(data, threshold: int = THRESHOLD, base: int = ROUNDING_BASE) -> dict:
    """Counts of rule breaches among the numbers of a published JSON document."""
    breaches = {
        "published_counts_below_threshold": 0,
        "published_counts_not_rounded": 0,
        "published_rates_not_rounded": 0,
        "rates_of_groups_below_threshold": 0,
    }

    def walk(x):
        if isinstance(x, dict):
            size = [x.get(k) for k in DENOMINATORS if isinstance(x.get(k), int)]
            if any(s < threshold for s in size):
                breaches["rates_of_groups_below_threshold"] += 1
            # a withheld size (None) must withhold the group's rates too
            withheld = any(k in x and x[k] is None for k in DENOMINATORS)
            if withheld and any(isinstance(v, float) for v in leaves(x)):
                breaches["rates_of_groups_below_threshold"] += 1
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, bool) or x is None:
            return
        elif isinstance(x, int):
            if x < threshold:
                breaches["published_counts_below_threshold"] += 1
            if x % base:
                breaches["published_counts_not_rounded"] += 1
        elif isinstance(x, float) and round(x, RATE_DECIMALS) != x:
            breaches["published_rates_not_rounded"] += 1

    walk(data)
    return breaches


def leaves(data):
    """Every non-dict value of a nested dict, depth first."""
    if isinstance(data, dict):
        for v in data.values():
            yield from leaves(v)
    else:
        yield data
