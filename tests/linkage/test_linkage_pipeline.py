"""link_release end to end on a small generated int_person_records table."""

from __future__ import annotations

import json
import shutil

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from linkage_fixture_records import load_records, make_person_records

from contracts.landing import PERSON_RECORD_TABLES
from contracts.person_records import person_records_schema
from contracts.validation import validate
from contracts.xjs_link import (
    CLUSTER_HIGH_PATTERN,
    CLUSTER_LOW_PATTERN,
    PERSON_ID_PATTERN,
    XJS_LINK_SCHEMA,
    xjs_link_schema,
)
from linkage import pipeline, report
from linkage.evaluation import evaluate
from linkage.pipeline import link_release
from linkage.settings import THRESHOLDS
from linkage.stable_ids import ID_PATTERN
from xjs import layout

F1_FLOOR = 0.93  # the fixture reaches ~0.97; its civil/family records are hard by design


@pytest.fixture(scope="module")
def fixture_data():
    return make_person_records(n_people=1500, seed=0)


@pytest.fixture(scope="module")
def con(fixture_data):
    c = duckdb.connect()
    load_records(c, "int_person_records", fixture_data[0])
    yield c
    c.close()


@pytest.fixture(scope="module")
def first_run(con, tmp_path_factory):
    out = tmp_path_factory.mktemp("run1")
    return link_release(con, "int_person_records", out, None, seed=42), out


def test_xjs_link_contract(first_run, fixture_data):
    result, out = first_run
    records, _ = fixture_data
    table = pq.read_table(out / layout.XJS_LINK_FILE)
    assert table.schema.equals(XJS_LINK_SCHEMA)
    link = table.to_pandas()
    assert len(link) == len(records) == result.records
    assert not link.duplicated(["source_table", "record_id"]).any()
    assert set(zip(link.source_table, link.record_id, strict=True)) == set(
        zip(records.source_table, records.record_id, strict=True)
    )
    assert set(link.source_table) <= set(PERSON_RECORD_TABLES)
    assert link.equals(link.sort_values(["source_table", "record_id"]).reset_index(drop=True))
    assert not link.isna().any().any()
    for col, prefix in (("person_id", "P"), ("cluster_high", "H"), ("cluster_low", "L")):
        assert link[col].str.match(ID_PATTERN.pattern).all() and link[col].str[0].eq(prefix).all()
    sizes = link.groupby("person_id")["record_id"].transform("size")
    assert (link.loc[sizes == 1, "match_confidence"] == 1.0).all()
    multi = link.loc[sizes > 1, "match_confidence"]
    assert multi.between(THRESHOLDS.default, 1.0).all()
    # the high clusters nest inside persons, and persons inside low clusters
    assert (link.groupby("cluster_high")["person_id"].nunique() == 1).all()
    assert (link.groupby("person_id")["cluster_low"].nunique() == 1).all()
    assert result.persons == link.person_id.nunique()
    assert result.persons_high >= result.persons >= result.persons_low
    assert 0 < result.links <= result.comparisons <= 50 * result.records


def test_fixture_and_output_pass_the_contract_gates(con, first_run):
    _, out = first_run
    records = con.sql("SELECT * FROM int_person_records").to_arrow_table()
    report = validate(person_records_schema(), pl.from_arrow(records))
    assert report.passed, report.summary()
    report = validate(xjs_link_schema(), pl.scan_parquet(out / layout.XJS_LINK_FILE))
    assert report.passed, report.summary()


def test_id_pattern_agrees_with_contract():
    for prefix, pattern in (
        ("P", PERSON_ID_PATTERN),
        ("H", CLUSTER_HIGH_PATTERN),
        ("L", CLUSTER_LOW_PATTERN),
    ):
        assert ID_PATTERN.pattern.replace("[PHL]", prefix) == pattern


def test_f1_floor(first_run, fixture_data):
    _, out = first_run
    ev = evaluate(pd.read_parquet(out / layout.XJS_LINK_FILE), fixture_data[1])
    assert ev.overall.f1 >= F1_FLOOR, ev.overall.as_dict()
    assert ev.overall.precision >= 0.98


def test_metadata_and_model(first_run):
    result, out = first_run
    meta = json.loads((out / layout.METADATA_FILE).read_text())
    assert meta["thresholds"] == THRESHOLDS.as_dict()
    assert meta["records"] == result.records and meta["persons"] == result.persons
    assert meta["stable_ids"] == {
        "kept": 0,
        "new": result.persons,
        "merged": 0,
        "split": 0,
        "retired": 0,
    }
    assert meta["training"]["seed"] == 42
    model = json.loads((out / layout.MODEL_FILE).read_text())
    assert model["link_type"] == "link_and_dedupe"
    assert 0 < model["probability_two_random_records_match"] < 1


def test_caller_connection_only_read(con, first_run):
    tables = con.sql("SELECT table_name FROM information_schema.tables").fetchall()
    assert tables == [("int_person_records",)]


def test_same_input_and_seed_give_same_outputs(con, first_run, tmp_path):
    _, out1 = first_run
    link_release(con, "int_person_records", tmp_path, None, seed=42)
    assert (tmp_path / layout.MODEL_FILE).read_bytes() == (out1 / layout.MODEL_FILE).read_bytes()
    assert pd.read_parquet(tmp_path / layout.XJS_LINK_FILE).equals(
        pd.read_parquet(out1 / layout.XJS_LINK_FILE)
    )


def test_next_release_keeps_person_ids(con, first_run, tmp_path):
    _, out1 = first_run
    result = link_release(con, "int_person_records", tmp_path, out1 / layout.XJS_LINK_FILE, seed=42)
    before = pd.read_parquet(out1 / layout.XJS_LINK_FILE)
    after = pd.read_parquet(tmp_path / layout.XJS_LINK_FILE)
    assert after.person_id.equals(before.person_id)
    assert result.stable_ids.as_dict() == {
        "kept": result.persons,
        "new": 0,
        "merged": 0,
        "split": 0,
        "retired": 0,
    }


def test_bad_input_rejected_with_counts_only(tmp_path):
    records, _ = make_person_records(n_people=20, seed=1)
    records.loc[1, ["source_table", "record_id"]] = records.loc[0, ["source_table", "record_id"]]
    c = duckdb.connect()
    load_records(c, "recs", records)
    with pytest.raises(ValueError, match="duplicated keys") as e:
        link_release(c, "recs", tmp_path)
    assert records.loc[0, "record_id"] not in str(e.value)
    c.execute("CREATE TABLE thin AS SELECT unique_id, source_table FROM recs")
    with pytest.raises(ValueError, match="lacks columns"):
        link_release(c, "thin", tmp_path)


def test_pinned_model_is_reused_and_recorded(con, first_run, tmp_path):
    _, out1 = first_run
    result = link_release(
        con,
        "int_person_records",
        tmp_path,
        None,
        pinned_model=out1 / layout.MODEL_FILE,
        dashboards=False,
    )
    assert (tmp_path / layout.MODEL_FILE).read_bytes() == (out1 / layout.MODEL_FILE).read_bytes()
    assert result.training["reused_model"].endswith(layout.MODEL_FILE)
    assert pd.read_parquet(tmp_path / layout.XJS_LINK_FILE).equals(
        pd.read_parquet(out1 / layout.XJS_LINK_FILE)
    )


def test_pinned_model_of_another_shape_rejected(con, tmp_path):
    bad = tmp_path / layout.MODEL_FILE
    bad.write_text(json.dumps({"comparisons": [{"output_column_name": "x"}]}))
    with pytest.raises(ValueError, match="expected"):
        link_release(con, "int_person_records", tmp_path / "out", pinned_model=bad)


def test_quality_outputs_and_report_hold_no_row_values(first_run, fixture_data):
    result, out = first_run
    assert not (out / layout.REPORT_FILE).exists()  # the report is its own asset's, written once
    report.write_report(out)  # as the linkage_report asset does, from the files beside
    for name in (layout.PAIRS_FILE, "charts.json", layout.REPORT_FILE, "comparison_viewer.html"):
        assert (out / name).exists(), name
    assert (out / "cluster_studio.html").exists()
    q = result.quality
    assert q["comparisons_per_record"] <= 50
    assert sum(q["cluster_sizes"].values()) == result.persons
    assert set(q["graph"]) >= {"low_density_persons", "bridge_edges", "oversized_persons"}
    records, _ = fixture_data
    text = (out / layout.REPORT_FILE).read_text()
    text += (out / layout.METADATA_FILE).read_text()
    for column in ("record_id", "last_name", "postcode", "pnc"):
        values = records[column].dropna().astype(str)
        leaked = [v for v in values.unique() if len(v) >= 6 and v in text]
        assert not leaked, f"{column}: {len(leaked)} values in the report"


def test_the_report_asset_writes_the_report_once_without_truth(first_run, tmp_path):
    """A drop without truth: no evaluation files, and the report leaves their sections out."""
    import dagster as dg

    from orchestration.defs.linkage import linkage_report
    from orchestration.defs.resources import XjsStorage

    _, out = first_run
    release = "2024-12"
    linkage = layout.linkage_dir(tmp_path, release)
    shutil.copytree(out, linkage, ignore=shutil.ignore_patterns(layout.REPORT_FILE))
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("releases", [release])
    result = dg.materialize(
        [linkage_report],
        partition_key=release,
        instance=instance,
        resources={"storage": XjsStorage(data_dir=str(tmp_path))},
    )
    assert result.success
    (materialization,) = result.asset_materializations_for_node("linkage_report")
    assert materialization.metadata["evaluations_shown"].value == 0
    text = (linkage / layout.REPORT_FILE).read_text()
    assert "<h2>Overview</h2>" in text and "<h2>Persons by number of records</h2>" in text
    assert "against truth" not in text


LINKAGE_STAGES = list(pipeline.STAGES)


def test_stages_are_timed_in_the_metadata(first_run):
    _, out = first_run
    meta = json.loads((out / layout.METADATA_FILE).read_text())
    assert sorted(meta["timings"]) == sorted(LINKAGE_STAGES)  # the JSON sorts its keys
    assert all(v >= 0 for v in meta["timings"].values())
    assert sum(meta["timings"].values()) <= meta["seconds"] + 1
    assert meta["training"]["prediction_chunks"] == 1


def test_chunked_prediction_gives_the_same_outputs(con, first_run, tmp_path, monkeypatch):
    """Splink's chunked predict (forced here: 3 left chunks) scores the same pairs: the
    lookup and the pairs are the same bytes; the scratch database goes."""
    from linkage import predict
    from xjs import stages

    _, out1 = first_run
    monkeypatch.setattr(predict, "num_chunks", lambda n_records, memory_limit: 3)
    stages.clear()
    root, out = tmp_path / "data", tmp_path / "out"
    result = link_release(
        con,
        "int_person_records",
        out,
        None,
        seed=42,
        pinned_model=out1 / layout.MODEL_FILE,
        dashboards=False,
        root=root,
    )
    assert result.training["prediction_chunks"] == 3
    for name in (layout.XJS_LINK_FILE, layout.PAIRS_FILE):
        assert (out / name).read_bytes() == (out1 / name).read_bytes(), name
    # the pipeline's stages (incremental.py records its own steps inside linkage:prediction)
    assert [s.name for s in stages.recorded() if s.name.startswith("linkage:")] == LINKAGE_STAGES
    assert not list((root / "tmp" / "splink").iterdir())


def test_chunk_rule():
    from linkage import predict

    assert predict.memory_bytes("4GB") == 4e9 and predict.memory_bytes("2 GiB") == 2**31
    assert predict.num_chunks(80_000, "4GB") == 1
    one_pass = predict.PASS_SHARE * 4e9 / (predict.PAIRS_PER_RECORD * predict.PAIR_BYTES)
    assert predict.num_chunks(int(one_pass), "4GB") == 1
    assert predict.num_chunks(int(one_pass) * 3, "4GB") == 3
    assert predict.num_chunks(int(one_pass) * 3, "8GB") == 2
    with pytest.raises(ValueError, match="not a size"):
        predict.memory_bytes("lots")
