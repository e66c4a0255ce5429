"""Quality figures that need no truth: link rates, size bands and graph flags."""

import pandas as pd
import pytest

from linkage import quality, report


def frame(assignments: dict[tuple[str, str], str]) -> pd.DataFrame:
    return pd.DataFrame(
        [(t, r, p) for (t, r), p in assignments.items()],
        columns=["source_table", "record_id", "person_id"],
    )


def test_link_and_duplicate_rates():
    link = frame({("A", "a1"): "P1", ("A", "a2"): "P1", ("B", "b1"): "P1", ("A", "a3"): "P2"})
    rates = quality.link_rates(link)
    assert rates["A|A"]["a_to_b"] == pytest.approx(2 / 3)  # a1, a2 have another A record
    assert rates["A|B"] == {"a_to_b": pytest.approx(2 / 3), "b_to_a": 1.0}
    assert rates["B|B"]["a_to_b"] == 0.0


def test_size_distribution_bands():
    ids = pd.Series(["p"] * 5 + ["q"] * 2 + ["r"])
    bands = quality.size_distribution(ids)
    assert bands["1"] == 1 and bands["2"] == 1 and bands["5-9"] == 1
    assert sum(bands.values()) == 3


def test_graph_flags_find_a_bridge_in_a_chain():
    keys = [("A", f"r{i}") for i in range(6)]
    link = frame({k: "P1" for k in keys})
    uid = [f"{t}:{r}" for t, r in keys]
    # a dense triangle r0-r1-r2, joined by one edge r2-r3 to a chain r3-r4-r5
    pairs = [(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (4, 5)]
    edges = pd.DataFrame(
        {"unique_id_l": [uid[a] for a, _ in pairs], "unique_id_r": [uid[b] for _, b in pairs]}
    )
    flags = quality.graph_flags(link, edges)
    assert flags["bridge_edges"] == 3
    assert flags["persons_with_bridges_size_5_plus"] == 1
    assert flags["mean_density"] == pytest.approx(6 / 15)
    assert flags["largest_person"] == 6 and flags["oversized_persons"] == 0


def test_the_report_charts_size_bands_in_order_of_size():
    ids = pd.Series([f"p{i}" for i in range(150) for _ in range(i % 7 + 1)] + ["big"] * 120)
    bands = quality.size_distribution(ids)
    as_text = dict(sorted(bands.items()))  # as linkage_metadata.json holds them
    assert list(as_text)[:3] == ["1", "10-19", "100+"]
    chart = report._sizes_chart(as_text)
    assert [v["size"] for v in chart["data"]["values"]] == list(bands)
    assert list(bands) == ["1", "2", "3-4", "5-9", "10-19", "20-49", "50-99", "100+"]
    assert [v["persons"] for v in chart["data"]["values"]] == list(bands.values())
    assert chart["encoding"]["x"]["sort"] is None  # vega-lite keeps the data's order


def test_graph_flags_agree_with_networkx_on_random_persons():
    """Trees, complete persons and the rest (which igraph handles), against networkx."""
    nx = pytest.importorskip("networkx")
    import numpy as np

    rng = np.random.default_rng(5)
    rows, pairs = [], []
    for p in range(400):
        size = int(rng.integers(1, 12))
        uids = [f"A:p{p}r{i}" for i in range(size)]
        rows += [("A", f"p{p}r{i}", f"P{p}") for i in range(size)]
        # a random spanning tree, then extra edges at a random density
        edges = {(uids[int(rng.integers(0, i))], uids[i]) for i in range(1, size)}
        density = rng.random()
        for i in range(size):
            for j in range(i + 1, size):
                if rng.random() < density:
                    edges.add((uids[i], uids[j]))
        pairs += sorted({tuple(sorted(e)) for e in edges})
    link = pd.DataFrame(rows, columns=["source_table", "record_id", "person_id"])
    edges = pd.DataFrame(pairs, columns=["unique_id_l", "unique_id_r"])
    flags = quality.graph_flags(link, edges)

    graph = nx.Graph(pairs)
    person = dict(zip(link.source_table + ":" + link.record_id, link.person_id, strict=True))
    sizes = link.person_id.value_counts()
    bridges = list(nx.bridges(graph))
    assert flags["bridge_edges"] == len(bridges)
    big = {person[a] for a, _ in bridges if sizes[person[a]] >= quality.MIN_SIZE_FOR_DENSITY}
    assert flags["persons_with_bridges_size_5_plus"] == len(big)
    n_edges = edges.unique_id_l.map(person).value_counts()
    multi = sizes[sizes >= 2]
    density = n_edges.reindex(multi.index, fill_value=0) / (multi * (multi - 1) / 2)
    assert flags["mean_density"] == pytest.approx(density.mean())
    assert flags["persons_multi_record"] == len(multi)
    assert flags["low_density_persons"] == int((density[sizes >= 5] < 0.2).sum())
    assert 0 < flags["bridge_edges"] < len(pairs)
