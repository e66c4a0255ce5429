"""Incremental releases through link_release: the same published bytes as full runs.

Three releases of one fixture population (each next one with records changed, removed
and added: benchmarks.bench_incremental.next_release_sql), linked twice with one model
(trained on release 1): incrementally (each release reads the previous one's state) and
in full (XJS_INCREMENTAL=0: Splink's own predict). Releases 2 and 3 must predict
incrementally and both sequences must write xjs_link.parquet and pairs.parquet byte for
byte alike, and the same counts for the research release. Then (slow) a previous state
that cannot be reused predicts in full, with its reason code.
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from linkage_fixture_records import load_records, make_person_records
from record_changes import record_changes

from benchmarks.bench_incremental import next_release_sql
from linkage import blocking, incremental, settings
from linkage.features import features_sql
from linkage.nicknames import nickname_rows
from linkage.pipeline import link_release
from research.build import linkage_quality
from xjs import layout

PEOPLE = 600
RELEASES = ("r1", "r2", "r3")
COMPARED = (layout.XJS_LINK_FILE, layout.PAIRS_FILE)


@pytest.fixture(scope="module")
def con():
    """Tables r1, r2, r3 (int_person_records model columns): r2 and r3 each 5% changed,
    2% removed and 3% added against the one before."""
    records, _ = make_person_records(n_people=PEOPLE, seed=4)
    c = duckdb.connect()
    load_records(c, "r1", records)
    c.execute(f"CREATE TABLE r2 AS {next_release_sql('r1', 5, 2, 3, salt='r2')}")
    c.execute(f"CREATE TABLE r3 AS {next_release_sql('r2', 5, 2, 3, salt='r3')}")
    yield c
    c.close()


def _sequence(con, root, full: bool, model=None) -> list:
    """The three releases linked in order, ids (and state) carried over; their folders.
    Without a model, release 1 trains and the others pin its model."""
    outs, previous = [], None
    with pytest.MonkeyPatch.context() as mp:
        if full:
            mp.setenv(incremental.ENABLED_ENV, "0")
        else:
            mp.delenv(incremental.ENABLED_ENV, raising=False)
        for name in RELEASES:
            out = root / name
            link_release(con, name, out, previous, pinned_model=model, dashboards=False)
            model = model or out / layout.MODEL_FILE
            outs.append(out)
            previous = out / layout.XJS_LINK_FILE
    return outs


@pytest.fixture(scope="module")
def incremental_run(con, tmp_path_factory):
    return _sequence(con, tmp_path_factory.mktemp("incremental"), full=False)


@pytest.fixture(scope="module")
def model(incremental_run):
    """The model of both sequences: trained on release 1."""
    return incremental_run[0] / layout.MODEL_FILE


@pytest.fixture(scope="module")
def full_run(con, model, tmp_path_factory):
    return _sequence(con, tmp_path_factory.mktemp("full"), full=True, model=model)


def _prediction(out) -> dict:
    training = json.loads((out / layout.METADATA_FILE).read_text())["training"]
    return {k: v for k, v in training.items() if k.startswith("prediction_")}


def _expected_counts(con, before: str, after: str) -> dict[str, int]:
    """Records unchanged, changed, new and removed, comparing the model feature rows."""
    con.execute("CREATE OR REPLACE TEMP TABLE nicknames (short VARCHAR, formal VARCHAR)")
    con.executemany("INSERT INTO nicknames VALUES (?, ?)", nickname_rows())
    changes = record_changes(con, f"({features_sql(before)})", f"({features_sql(after)})")
    return {f"prediction_records_{k}": v for k, v in changes.items()}


def test_releases_2_and_3_predict_incrementally(con, incremental_run):
    first = _prediction(incremental_run[0])
    assert first["prediction_mode"] == incremental.FULL
    assert first["prediction_fallback_reason"] == incremental.REASON_NO_PREVIOUS
    assert first["prediction_reused_pairs"] == 0
    for i in (1, 2):
        out = incremental_run[i]
        meta = json.loads((out / layout.METADATA_FILE).read_text())
        p = _prediction(out)
        assert p["prediction_mode"] == incremental.INCREMENTAL
        assert p["prediction_fallback_reason"] is None
        expected = _expected_counts(con, RELEASES[i - 1], RELEASES[i])
        counts = {k: p[k] for k in expected}
        assert counts == expected
        assert min(counts.values()) > 0  # every case: unchanged, changed, new, removed
        # every scored pair either reused or compared afresh, most of them reused
        assert p["prediction_reused_pairs"] + p["prediction_new_pairs"] == meta["comparisons"]
        assert 0 < p["prediction_new_pairs"] < p["prediction_reused_pairs"]
        for name in incremental.STATE_FILES:
            assert (out / name).is_file(), name


def test_incremental_and_full_runs_publish_the_same_bytes(incremental_run, full_run):
    for inc, full in zip(incremental_run, full_run, strict=True):
        for name in COMPARED:
            assert (inc / name).read_bytes() == (full / name).read_bytes(), (inc.name, name)
        # the research release's linkage figures (training and timings left out)
        assert linkage_quality(inc) == linkage_quality(full)


def test_full_runs_use_splink_predict_and_write_no_state(full_run):
    for out in full_run:
        p = _prediction(out)
        assert p["prediction_mode"] == incremental.FULL
        assert p["prediction_fallback_reason"] == incremental.REASON_DISABLED
        assert not any((out / name).exists() for name in incremental.STATE_FILES)


def _damage(previous, how: str) -> None:
    state = previous / incremental.STATE_FILE
    if how == "missing":
        (previous / incremental.STATE_RECORDS_FILE).unlink()
    elif how == "corrupt":
        pairs = previous / incremental.STATE_PAIRS_FILE
        pairs.write_bytes(pairs.read_bytes()[:100])
    elif how == "comparisons":  # the state of a model whose comparison levels differ
        d = json.loads(state.read_text())
        d["fingerprint"]["comparisons"][0]["levels"][1][0] += " AND TRUE"
        state.write_text(json.dumps(d))


@pytest.mark.slow  # also at the function level: tests/test_incremental.py
@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("missing", incremental.REASON_STATE_MISSING),
        ("corrupt", incremental.REASON_STATE_UNREADABLE),
        ("comparisons", incremental.REASON_COMPARISONS),
    ],
)
def test_unusable_previous_state_predicts_in_full(
    con, model, incremental_run, full_run, tmp_path, how, reason
):
    previous = tmp_path / "r1"
    shutil.copytree(incremental_run[0], previous)
    _damage(previous, how)
    out = tmp_path / "r2"
    link_release(
        con, "r2", out, previous / layout.XJS_LINK_FILE, pinned_model=model, dashboards=False
    )
    p = _prediction(out)
    assert (p["prediction_mode"], p["prediction_fallback_reason"]) == (incremental.FULL, reason)
    assert p["prediction_reused_pairs"] == 0
    for name in COMPARED:  # still exactly the full run's release 2
        assert (out / name).read_bytes() == (full_run[1] / name).read_bytes(), name
    for name in incremental.STATE_FILES:  # and the next release can reuse its state
        assert (out / name).is_file(), name


@pytest.mark.slow
def test_a_dropped_prediction_rule_predicts_in_full(
    con, model, incremental_run, tmp_path, monkeypatch
):
    """A release whose largest block outgrows the budget drops that prediction rule
    (pipeline._scoring_settings): the previous release's vectors are of other rules."""
    last = settings.BLOCKING_RULES[-1]
    real = blocking.largest_block_pairs
    monkeypatch.setattr(
        blocking,
        "largest_block_pairs",
        lambda sdfs, rule: 10**12 if rule is last else real(sdfs, rule),
    )
    out = tmp_path / "r2"
    link_release(
        con,
        "r2",
        out,
        incremental_run[0] / layout.XJS_LINK_FILE,
        pinned_model=model,
        dashboards=False,
    )
    p = _prediction(out)
    assert (p["prediction_mode"], p["prediction_fallback_reason"]) == (
        incremental.FULL,
        incremental.REASON_RULES,
    )
    meta = json.loads((out / layout.METADATA_FILE).read_text())
    assert len(meta["training"]["prediction_rules_dropped"]) == 1
