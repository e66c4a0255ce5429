"""link_release on releases shaped like real extracts: training skips, falls back or stops.

Each test builds a small int_person_records table in DuckDB and links it: an
identifier column empty everywhere, sources absent, 0, 1 or 2 records, one name
shared by most records, too little to estimate (with and without a model to fall
back to), and pinned models that differ from the current definition.
"""

from __future__ import annotations

import copy
import json

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from linkage_fixture_records import load_records, make_person_records

from contracts.scored_pairs import pair_set_failures, scored_pairs_schema
from contracts.validation import validate
from contracts.xjs_link import xjs_link_schema
from linkage import blocking, settings, training
from linkage.features import MODEL_INPUT_COLUMNS
from linkage.pipeline import fallback_model, link_release
from xjs import layout, verified

IDENTIFIERS = ("pnc", "cro", "noms_number", "crn", "asn")
DIALECT = "duckdb"


def _rule(rule) -> str:
    return blocking.rule_sql(rule, DIALECT)


PNC_RULE = _rule(settings.EM_BLOCKING_RULES[2])
DOB_RULE = _rule(settings.EM_BLOCKING_RULES[0])
NAME_RULE = _rule(settings.EM_BLOCKING_RULES[1])
POSTCODE_RULE = _rule(settings.EM_BLOCKING_RULES[3])


@pytest.fixture(scope="module")
def base_records() -> pd.DataFrame:
    return make_person_records(n_people=60, seed=11)[0]


@pytest.fixture(scope="module")
def trained_model(base_records, tmp_path_factory):
    """A model trained on an ordinary release: what a fallback points at."""
    out = tmp_path_factory.mktemp("trained")
    result = _link(base_records, out)
    assert result.training["status"] == training.TRAINED
    return out / layout.MODEL_FILE


def _link(records: pd.DataFrame, out, **kwargs):
    con = duckdb.connect()
    try:
        load_records(con, "int_person_records", records)
        return link_release(con, "int_person_records", out, dashboards=False, **kwargs)
    finally:
        con.close()


def _assert_valid_lookup(out, records: pd.DataFrame) -> pd.DataFrame:
    """Every record of the release exactly once, and the lookup passes its contract."""
    link = pd.read_parquet(out / layout.XJS_LINK_FILE, dtype_backend="pyarrow")
    report = validate(xjs_link_schema(), pl.scan_parquet(out / layout.XJS_LINK_FILE))
    assert report.passed, report.summary()
    assert len(link) == len(records)
    assert not link.duplicated(["source_table", "record_id"]).any()
    assert set(zip(link.source_table, link.record_id, strict=True)) == set(
        zip(records.source_table, records.record_id, strict=True)
    )
    pairs = pl.scan_parquet(out / layout.PAIRS_FILE)
    report = validate(scored_pairs_schema(), pairs)
    assert report.passed, report.summary()
    con = duckdb.connect()
    try:
        con.register("known", records[["unique_id"]])
        assert pair_set_failures(con, f"read_parquet('{out / layout.PAIRS_FILE}')", "known") == {}
    finally:
        con.close()
    return link


def _skips(meta_training: dict) -> set[tuple[str, str, str]]:
    return {(s["step"], s["name"], s["reason"]) for s in meta_training["skipped"]}


def _metadata(out) -> dict:
    return json.loads((out / layout.METADATA_FILE).read_text())


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (
            ["pnc"],
            {
                ("prior", PNC_RULE, "no_pairs"),
                ("em", PNC_RULE, "no_pairs"),
                ("m", "pnc", "no_values"),
            },
        ),
        (
            list(IDENTIFIERS),
            {("em", PNC_RULE, "no_pairs")} | {("m", c, "no_values") for c in IDENTIFIERS},
        ),
        (
            ["date_of_birth", "date_of_birth_aliases"],
            {("em", DOB_RULE, "no_pairs"), ("m", "date_of_birth", "no_values")},
        ),
        (
            ["postcode", "postcode_outcode"],
            {("em", POSTCODE_RULE, "no_pairs"), ("m", "postcode", "no_values")},
        ),
    ],
    ids=["pnc", "all_identifiers", "date_of_birth", "postcode"],
)
def test_empty_column_trains_and_records_what_it_skipped(base_records, tmp_path, columns, expected):
    records = base_records.copy()
    records[columns] = None
    result = _link(records, tmp_path)
    _assert_valid_lookup(tmp_path, records)
    meta = _metadata(tmp_path)["training"]
    assert meta["status"] == training.TRAINED and not meta["insufficient"]
    assert expected <= _skips(meta), _skips(meta)
    assert meta["comparisons_with_values"] == len(settings.COMPARISONS) - len(
        [e for e in expected if e[0] == "m"]
    )
    assert result.training == meta
    assert result.persons < len(records)  # it still links


def test_absent_sources_and_records_with_nothing_identifying(base_records, tmp_path):
    records = base_records[
        base_records.source_table.isin(["magistrates_defendants", "civil_parties"])
    ].copy()
    blank = records.index[:3]
    keys = ("unique_id", "source_table", "record_id")
    identifying = [c for c in MODEL_INPUT_COLUMNS if c not in keys]
    records.loc[blank, identifying] = None
    result = _link(records, tmp_path)
    link = _assert_valid_lookup(tmp_path, records)
    assert set(result.records_by_source) == {"magistrates_defendants", "civil_parties"}
    blank_uids = set(records.loc[blank, "unique_id"])
    alone = link[(link.source_table + ":" + link.record_id).isin(blank_uids)]
    assert len(alone) == len(blank)
    sizes = link.groupby("person_id")["record_id"].size()
    assert (sizes[alone.person_id] == 1).all()
    assert (alone.match_confidence == 1.0).all()


def test_two_records_without_a_model_stop_with_a_clear_message(base_records, tmp_path):
    records = base_records.head(2).copy()
    with pytest.raises(training.TrainingError) as err:
        _link(records, tmp_path)
    message = str(err.value)
    for code in ("prior_not_estimated", "u_not_estimated", "reuse_model_from"):
        assert code in message
    for value in records[["record_id", "last_name", "pnc"]].dropna().astype(str).stack():
        assert value not in message
    assert not (tmp_path / layout.XJS_LINK_FILE).exists()  # nothing half-written
    assert err.value.__cause__ is None


def test_two_records_fall_back_to_a_model_with_a_warning(base_records, trained_model, tmp_path):
    records = base_records.head(2).copy()
    result = _link(records, tmp_path, fallback=trained_model)
    _assert_valid_lookup(tmp_path, records)
    meta = _metadata(tmp_path)["training"]
    assert meta["status"] == training.FALLBACK
    assert meta["fallback_model"] == str(trained_model)
    assert {"prior_not_estimated", "u_not_estimated"} <= set(meta["insufficient"])
    assert any("fell back" in w and trained_model.name in w for w in meta["warnings"])
    assert ("u", "random sampling", "too_few_pairs") in _skips(meta)
    assert json.loads((tmp_path / layout.MODEL_FILE).read_text()) == json.loads(
        trained_model.read_text()
    )
    assert result.records == 2


@pytest.mark.parametrize("n", [0, 1])
def test_zero_or_one_record_gives_a_valid_lookup(base_records, tmp_path, n):
    records = base_records.head(n).copy()
    result = _link(records, tmp_path)
    link = _assert_valid_lookup(tmp_path, records)
    assert result.records == result.persons == n
    assert (link.match_confidence == 1.0).all()
    assert pq.read_table(tmp_path / layout.PAIRS_FILE).num_rows == 0
    meta = _metadata(tmp_path)
    assert meta["training"]["status"] == training.NOT_NEEDED
    assert meta["comparisons"] == 0
    saved = json.loads((tmp_path / layout.MODEL_FILE).read_text())
    assert training.definition_differences(saved, DIALECT) == []


def test_one_dominant_name_does_not_explode_blocking(base_records, tmp_path):
    records = base_records.copy()
    dominant = records.sample(frac=0.6, random_state=1).index
    records.loc[dominant, ["first_name", "last_name"]] = ["JOHN", "SMITH"]
    result = _link(records, tmp_path)
    _assert_valid_lookup(tmp_path, records)
    meta = _metadata(tmp_path)["training"]
    budget = blocking.block_budget(len(records))
    assert ("em", NAME_RULE, "oversized_block") in _skips(meta)
    # the capped prediction rules stay: past their cap they score a block only where a
    # more selective key agrees too
    dropped = {d["rule"] for d in meta["prediction_rules_dropped"]}
    capped = {_rule(r) for r in settings.BLOCKING_RULES if isinstance(r, blocking.CappedRule)}
    assert len(capped) == len(blocking.CAPPED_BLOCKS) and not capped & dropped
    assert all(d["pairs"] > budget for d in meta["prediction_rules_dropped"])
    # the dominant block alone would be ~0.6n * 0.6n / 2 pairs: far more than the budget
    assert result.comparisons < len(dominant) * (len(dominant) - 1) / 2
    assert result.comparisons <= 50 * result.records


def _no_prior_records(base_records: pd.DataFrame) -> pd.DataFrame:
    """No identifier and no date of birth: the deterministic rules find no pair."""
    records = base_records.copy()
    records[[*IDENTIFIERS, "date_of_birth", "date_of_birth_aliases"]] = None
    return records


def test_too_little_estimated_without_a_model_stops(base_records, tmp_path):
    with pytest.raises(training.TrainingError, match="prior_not_estimated"):
        _link(_no_prior_records(base_records), tmp_path)
    assert not (tmp_path / layout.XJS_LINK_FILE).exists()


def test_too_little_estimated_falls_back_with_a_warning(base_records, trained_model, tmp_path):
    records = _no_prior_records(base_records)
    _link(records, tmp_path, fallback=trained_model)
    _assert_valid_lookup(tmp_path, records)
    meta = _metadata(tmp_path)["training"]
    assert meta["status"] == training.FALLBACK
    assert meta["insufficient"][0] == "prior_not_estimated"
    skips = _skips(meta)
    assert ("prior", "deterministic rules", "no_pairs") in skips
    # with no prior EM is not run (its result would be replaced anyway)
    assert all(
        ("em", _rule(r), "not_run_prior_or_u_missing") in skips for r in settings.EM_BLOCKING_RULES
    )
    assert meta["warnings"] and "prior_not_estimated" in meta["warnings"][0]


# --- pinned models checked against the full definition ------------------------------


@pytest.fixture
def saved_model() -> dict:
    """A saved model of the current definition (parameters do not matter here)."""
    return training.untrained_model(DIALECT, seed=42)


def _level(d: dict, comparison: str, i: int) -> dict:
    c = next(c for c in d["comparisons"] if c["output_column_name"] == comparison)
    return c["comparison_levels"][i]


def _write(tmp_path, d: dict):
    path = tmp_path / layout.MODEL_FILE
    path.write_text(json.dumps(d))
    return path


def test_pinned_model_of_the_current_definition_is_accepted(saved_model, tmp_path):
    assert training.load_pinned(_write(tmp_path, saved_model), DIALECT) == saved_model


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            lambda d: _level(d, "name", 1).update(sql_condition="\"first_name_l\" = 'ZEBEDEE'"),
            "comparison name level 1 (exact forename and surname)",
        ),
        (
            lambda d: _level(d, "postcode", 4).update(tf_adjustment_column="postcode"),
            "comparison postcode level 4 (same sector)",
        ),
        (
            lambda d: d["blocking_rules_to_generate_predictions"][5].update(
                blocking_rule="l.date_of_birth = r.date_of_birth AND l.last_name = 'ZEBEDEE'"
            ),
            "prediction blocking rule 5",
        ),
        (
            lambda d: d["blocking_rules_to_generate_predictions"].pop(),
            "number of prediction blocking rules",
        ),
        (lambda d: d.update(linker_uid="xjs-person-v2:seed42"), "model version"),
        (lambda d: d.update(linker_uid="xjs42"), "model version"),
        (lambda d: d.update(link_type="dedupe_only"), "link type"),
        (lambda d: d.update(unique_id_column_name="record_id"), "unique id column"),
        (lambda d: d["comparisons"].pop(3), "comparisons (expected name, middle_names"),
    ],
    ids=[
        "level_sql",
        "level_tf",
        "rule_sql",
        "rule_count",
        "version",
        "no_version",
        "link_type",
        "unique_id",
        "comparisons",
    ],
)
def test_pinned_model_that_differs_is_refused_by_name(saved_model, tmp_path, change, named):
    changed = copy.deepcopy(saved_model)
    change(changed)
    with pytest.raises(training.PinnedModelError) as err:
        training.load_pinned(_write(tmp_path, changed), DIALECT)
    message = str(err.value)
    assert named in message and "refused" in message
    assert "ZEBEDEE" not in message  # nothing read from the file is quoted
    assert "xjs-person-v2" not in message


def test_pinned_model_not_json_is_refused(tmp_path):
    path = tmp_path / layout.MODEL_FILE
    path.write_text("{not json ZEBEDEE")
    with pytest.raises(training.PinnedModelError, match="not a readable JSON") as err:
        training.load_pinned(path, DIALECT)
    assert "ZEBEDEE" not in str(err.value) and err.value.__cause__ is None


def test_link_release_refuses_a_differing_pinned_or_fallback_model(
    base_records, saved_model, tmp_path
):
    changed = copy.deepcopy(saved_model)
    _level(changed, "date_of_birth", 3)["sql_condition"] = "TRUE"
    bad = _write(tmp_path, changed)
    out = tmp_path / "out"
    with pytest.raises(training.PinnedModelError, match="comparison date_of_birth level 3"):
        _link(base_records.head(40), out, pinned_model=bad)
    with pytest.raises(training.PinnedModelError, match="comparison date_of_birth level 3"):
        _link(base_records.head(2), out, fallback=bad)
    assert not (out / layout.XJS_LINK_FILE).exists()


# --- which earlier model a release falls back to --------------------------------------


def _release(root, release_id: str, status: str | None) -> None:
    folder = root / "releases" / release_id / "linkage"
    folder.mkdir(parents=True)
    (folder / layout.XJS_LINK_FILE).write_bytes(b"")
    (folder / layout.MODEL_FILE).write_text("{}")
    training_meta = {} if status is None else {"status": status}
    (folder / layout.METADATA_FILE).write_text(json.dumps({"training": training_meta}))
    for check in verified.REQUIRED_CHECKS:  # only a verified lookup is a release to fall back on
        verified.record(folder, check, True, verified.sha256_of(folder / layout.XJS_LINK_FILE))


def test_fallback_is_the_newest_earlier_release_with_an_estimated_model(tmp_path):
    assert fallback_model(tmp_path, "2024-05") is None
    _release(tmp_path, "2024-01", None)  # written before statuses existed: trained
    _release(tmp_path, "2024-02", training.TRAINED)
    _release(tmp_path, "2024-03", training.NOT_NEEDED)  # untrained: never a fallback
    _release(tmp_path, "2024-06", training.TRAINED)  # later than the release
    found = fallback_model(tmp_path, "2024-05")
    assert found == tmp_path / "releases" / "2024-02" / "linkage" / layout.MODEL_FILE
    assert fallback_model(tmp_path, "2024-02").parent.parent.name == "2024-01"
    assert fallback_model(tmp_path, "2024-01") is None
    (tmp_path / "releases" / "2024-02" / "linkage" / verified.MARKER_FILE).unlink()
    assert fallback_model(tmp_path, "2024-05").parent.parent.name == "2024-01"  # unverified
