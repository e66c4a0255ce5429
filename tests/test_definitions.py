"""The Dagster definitions load, validate and have the intended shape."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from contracts.landing import LANDING_TABLES
from orchestration.definitions import defs
from orchestration.defs.dbt import dbt_build_args
from orchestration.defs.jobs import RELEASE_JOB
from orchestration.defs.linkage import PERSON_RECORDS
from xjs import layout
from xjs.limits import duckdb_limits


def _graph():
    return defs().resolve_asset_graph()


def test_definitions_validate():
    dg.Definitions.validate_loadable(defs())


def _ancestors(graph, key: dg.AssetKey) -> set[dg.AssetKey]:
    """Every asset upstream of key, over the graph's real edges."""
    return set(dg.AssetSelection.assets(key).upstream(include_self=False).resolve(graph))


def test_graph_runs_ingest_to_evaluation():
    graph = _graph()
    landing = {dg.AssetKey(["landing", t]) for t in LANDING_TABLES}
    link, evaluation = dg.AssetKey("xjs_link"), dg.AssetKey("linkage_evaluation")
    assert landing | {link, evaluation, PERSON_RECORDS} <= set(graph.get_all_asset_keys())
    # int_person_records reaches back to every landing table, the evaluation to all of them
    assert landing <= _ancestors(graph, PERSON_RECORDS)
    assert landing | {PERSON_RECORDS, link} <= _ancestors(graph, evaluation)
    assert PERSON_RECORDS in graph.get(link).parent_keys
    assert link in graph.get(evaluation).parent_keys


def test_every_asset_is_partitioned_by_release():
    graph = _graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_materializable:
            assert node.partitions_def is not None, key
            assert node.partitions_def.name == "releases", key


def test_gates_are_blocking_checks():
    checks = {
        (spec.asset_key.to_user_string(), spec.name): spec
        for checks_def in defs().asset_checks or []
        for spec in checks_def.check_specs
    }
    for table in LANDING_TABLES:
        assert checks[(f"landing/{table}", "landing_contract")].blocking
    assert checks[(PERSON_RECORDS.to_user_string(), "person_records_contract")].blocking
    assert checks[("xjs_link", "xjs_link_contract")].blocking
    assert checks[("xjs_link", "scored_pairs_contract")].blocking
    assert checks[("research_release", "no_direct_identifiers")].blocking


def test_groups():
    graph = _graph()
    groups = {k.to_user_string(): graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert groups["landing/magistrates_defendants"] == "ingest"
    assert groups[PERSON_RECORDS.to_user_string()] == "staging"
    assert groups["xjs_link"] == "linkage"
    assert groups["marts/mags_crown_journey"] == "linkage"
    assert groups["marts/persons"] == "release"
    assert groups["research_release"] == "release"


def test_release_job_is_defined():
    assert defs().resolve_job_def(RELEASE_JOB).partitions_def.name == "releases"


def test_dbt_build_args_pass_release_warehouse_and_lookup_as_vars():
    link = layout.xjs_link_path(Path("/data"), "2025-03-r2")
    limits = duckdb_limits(Path("/data"))
    args = dbt_build_args("2025-03-r2", Path("/data/warehouse/2025-03-r2.duckdb"), link, limits)
    assert args[:2] == ["build", "--vars"]
    assert json.loads(args[2]) == {
        "release_id": "2025-03-r2",
        "warehouse_path": "/data/warehouse/2025-03-r2.duckdb",
        "xjs_link_path": str(link),
        "duckdb_memory_limit": limits.memory_limit,
        "duckdb_threads": limits.threads,
        "duckdb_temp_directory": "/data/tmp/duckdb",
    }


def test_the_marts_read_the_one_lookup_the_xjs_link_checks_gate():
    """The dbt source linkage.xjs_link is the xjs_link asset (its Parquet file): every mart
    that reads it is downstream of xjs_link, so its blocking checks gate them."""
    graph = _graph()
    link = dg.AssetKey("xjs_link")
    for mart in ("persons", "mags_crown_journey", "research_person_events"):
        assert link in graph.get(dg.AssetKey(["marts", mart])).parent_keys, mart
    assert not any(k.path[0] == "linkage" for k in graph.get_all_asset_keys())


def test_the_report_is_one_asset_downstream_of_what_it_shows():
    graph = _graph()
    report = graph.get(dg.AssetKey("linkage_report"))
    assert report.group_name == "linkage"
    assert set(report.parent_keys) == {
        dg.AssetKey("xjs_link"),
        dg.AssetKey("linkage_evaluation"),
        dg.AssetKey("mags_crown_journey_evaluation"),
    }
