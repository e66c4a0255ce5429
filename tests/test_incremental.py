"""Incremental releases (linkage/incremental.py) give exactly what a full prediction gives.

Three releases from the synthetic generator (one drop through dbt, then records
changed, removed and added in SQL): release 1 predicts in full, releases 2 and 3
reuse the previous release's comparison vectors. On each release the raw predictions
must equal linker.inference.predict() row for row and bit for bit, and so must the
guarded pairs and the clusters at the three thresholds. Then the fallbacks: a state
that cannot be reused is named by its reason code and the prediction is still exact.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dbt_invoke import run_dbt
from record_changes import record_changes
from splink import Linker

from contracts.landing import LANDING_TABLES, PERSON_RECORD_TABLES
from linkage import backend, blocking, clustering, incremental, relatives, training
from linkage.features import MODEL_INPUT_COLUMNS, features_sql
from linkage.nicknames import nickname_rows
from linkage.settings import THRESHOLDS
from synthetic import generate_drop
from xjs import drops

pytestmark = [pytest.mark.slow]

RELEASE = "2024-12"
PEOPLE = 1500
SEED = 11
HELD_OUT = 10  # percent of the drop's records not yet in release 1
REMOVED = 2  # percent of a release's records gone from the next
CHANGED_KINDS = 6  # six kinds of change, 1% of the records each
PAIR_KEY = ["source_table_l", "unique_id_l", "source_table_r", "unique_id_r"]


def _bucket(salt: str) -> str:
    return f"hash(unique_id || '{salt}') % 100"


def _anchor(base: str) -> str:
    """The first record of base with a date of birth and a surname: 1% of the next
    release's records take both (change kind 5), so its DOB + surname prefix block grows
    past blocking.KEYED_BLOCK_CAP while the record itself is unchanged."""
    return (
        f"SELECT unique_id, date_of_birth, last_name FROM {base}"
        " WHERE date_of_birth IS NOT NULL AND last_name IS NOT NULL ORDER BY unique_id LIMIT 1"
    )


def _next_release(base: str, salt: str, adds: str) -> str:
    """SQL for a release made from `base`: ~REMOVED% gone, ~6% changed, `adds` added."""
    cols = ", ".join(MODEL_INPUT_COLUMNS)
    b = _bucket(salt + "change")
    lag = "lag({0}) OVER (ORDER BY unique_id)"
    return f"""
    WITH kept AS (SELECT * FROM {base} WHERE {_bucket(salt + "rm")} >= {REMOVED}),
    anchor AS ({_anchor("kept")}),
    changed AS (
        SELECT * REPLACE (
            CASE WHEN {b} = 0 THEN last_name || 'S'
                 WHEN {b} = 5 THEN (SELECT last_name FROM anchor)
                 ELSE last_name END AS last_name,
            CASE WHEN {b} = 1 THEN {lag.format("postcode")} ELSE postcode END AS postcode,
            CASE WHEN {b} = 2 THEN date_of_birth + INTERVAL 1 DAY
                 WHEN {b} = 5 THEN (SELECT date_of_birth FROM anchor)
                 ELSE date_of_birth END::DATE AS date_of_birth,
            CASE WHEN {b} = 3 THEN {lag.format("first_name")} ELSE first_name END AS first_name,
            CASE WHEN {b} = 4 THEN NULL ELSE pnc END AS pnc
        ) FROM kept
    )
    SELECT {cols} FROM changed UNION ALL SELECT {cols} FROM ({adds})
    """


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> list[pa.Table]:
    """int_person_records (model columns) of three releases of one synthetic population."""
    root = tmp_path_factory.mktemp("incremental_drop")
    generate_drop(root, RELEASE, people=PEOPLE, seed=SEED)
    warehouse = root / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE SCHEMA landing")
    for name in LANDING_TABLES:
        con.register("incoming", drops.read_table(root, RELEASE, name))
        con.execute(f"CREATE TABLE landing.{name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    con.close()
    result = run_dbt(["run", "--select", "+int_person_records"], warehouse, root)
    assert result.success, "dbt run failed"
    con = duckdb.connect(str(warehouse))
    try:
        cols = ", ".join(MODEL_INPUT_COLUMNS)
        con.execute(
            f"CREATE TEMP TABLE drop_ AS SELECT {cols} FROM intermediate.int_person_records"
        )
        held = _bucket("held")
        con.execute(f"CREATE TEMP TABLE r1 AS SELECT * FROM drop_ WHERE {held} >= {HELD_OUT}")
        adds2 = f"SELECT * FROM drop_ WHERE {held} < {HELD_OUT // 2}"
        adds3 = f"SELECT * FROM drop_ WHERE {held} >= {HELD_OUT // 2} AND {held} < {HELD_OUT}"
        con.execute(f"CREATE TEMP TABLE r2 AS {_next_release('r1', 'r2', adds2)}")
        con.execute(f"CREATE TEMP TABLE r3 AS {_next_release('r2', 'r3', adds3)}")
        return [
            con.sql(f"SELECT * FROM {t} ORDER BY unique_id").to_arrow_table()
            for t in ("r1", "r2", "r3")
        ]
    finally:
        con.close()


def _inputs(records: pa.Table) -> dict[str, pa.Table]:
    """The Splink input per source table (features_sql), as the pipeline builds it."""
    con = duckdb.connect()
    try:
        con.register("records", records)
        con.execute("CREATE TABLE nicknames (short VARCHAR, formal VARCHAR)")
        con.executemany("INSERT INTO nicknames VALUES (?, ?)", nickname_rows())
        out = {}
        for source in PERSON_RECORD_TABLES:
            t = con.sql(
                features_sql("records") + f" WHERE source_table = '{source}' ORDER BY unique_id"
            ).to_arrow_table()
            if t.num_rows:
                out[source] = t
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def model(releases) -> dict:
    """Trained once, on release 1, and used for every release (as a pinned model)."""
    db_api = backend.make_db_api()
    try:
        inputs = _inputs(releases[0])
        sdfs = [db_api.register(t, dataset_display_name=s) for s, t in inputs.items()]
        n = sum(t.num_rows for t in inputs.values())
        trained = training.train(sdfs, n, 42, db_api.sql_dialect.sql_dialect_str).model
    finally:
        backend.close_db_api(db_api)
    assert trained is not None
    return training.for_scoring(trained)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(PAIR_KEY, kind="mergesort").reset_index(drop=True)


def _clusters(linker: Linker, guarded, records: str) -> pd.DataFrame:
    """Each record's raw cluster at the three thresholds (records: a table in Splink's db)."""
    con = backend.connection(linker._db_api)
    unclustered = clustering.cluster_all(con, linker, guarded, records, THRESHOLDS, "clusters")
    assert unclustered == 0
    raw = con.sql("SELECT * FROM clusters").df().set_index("unique_id")
    con.execute("DROP TABLE clusters")
    return raw.sort_index()


def _release(
    records: pa.Table,
    model: dict,
    out: Path,
    previous: Path | None,
    downstream: bool = True,
    chunks: tuple[int, int] = (1, 1),
):
    """Incremental and full predictions of one release, with (downstream) their guarded
    pairs and clusters, as pandas frames; and the Scored counts."""
    inputs = _inputs(records)
    features = pa.concat_tables(inputs.values())
    results = {}
    for name in ("incremental", "full"):  # each on its own database, as a release would run
        db_api = backend.make_db_api()
        try:
            sdfs = [db_api.register(t, dataset_display_name=s) for s, t in inputs.items()]
            linker = Linker(sdfs, model, log_level=backend.SPLINK_LOG_LEVEL)
            if name == "incremental":
                scored = incremental.predict_pairs(linker, out, previous, chunks)
                raw = scored.predictions
            else:
                raw = linker.inference.predict(warning_mode="never")
            if not downstream:
                results[name] = (_sorted(raw.as_pandas_dataframe()), None, None)
                continue
            backend.connection(db_api).register("guard_features", features)
            guarded = relatives.guard_relatives(linker, raw, "guard_features")
            results[name] = (
                _sorted(raw.as_pandas_dataframe()),
                _sorted(guarded.as_pandas_dataframe()),
                _clusters(linker, guarded, "guard_features"),
            )
        finally:
            backend.close_db_api(db_api)
    return scored, results


def _expected_counts(
    previous: pa.Table, current: pa.Table, block_sizes: bool = True
) -> dict[str, int]:
    """Records unchanged, changed, new and removed, by comparing the feature rows
    (block_sizes=False: the records' own values only)."""
    con = duckdb.connect()
    try:
        con.register("p", pa.concat_tables(_inputs(previous).values()))
        con.register("c", pa.concat_tables(_inputs(current).values()))
        return record_changes(con, "p", "c", block_sizes)
    finally:
        con.close()


def _assert_same(results: dict) -> None:
    (raw_i, guarded_i, clusters_i), (raw_f, guarded_f, clusters_f) = (
        results["incremental"],
        results["full"],
    )
    assert len(raw_i) == len(raw_f) > 0
    assert list(raw_i.columns) == list(raw_f.columns)
    # the same pairs, match keys, weights and probabilities, bit for bit
    pd.testing.assert_frame_equal(raw_i, raw_f, check_exact=True)
    if guarded_f is not None:
        pd.testing.assert_frame_equal(guarded_i, guarded_f, check_exact=True)
        pd.testing.assert_frame_equal(clusters_i, clusters_f, check_exact=True)


@pytest.fixture(scope="module")
def sequence(releases, model, tmp_path_factory):
    """The three releases, each reading the previous one's state."""
    outs, runs, previous = [], [], None
    for i, records in enumerate(releases, start=1):
        out = tmp_path_factory.mktemp(f"release{i}")
        runs.append(_release(records, model, out, previous))
        outs.append(out)
        previous = out
    return outs, runs


def test_three_releases_equal_full_prediction(sequence, releases):
    outs, runs = sequence
    for i, (scored, results) in enumerate(runs):
        _assert_same(results)
        assert scored.records == releases[i].num_rows
        assert scored.pairs == len(results["full"][0])
        for name in incremental.STATE_FILES:
            assert (outs[i] / name).is_file()
        assert pq.read_metadata(outs[i] / incremental.STATE_PAIRS_FILE).num_rows == scored.pairs


def test_first_release_full_then_incremental(sequence, releases):
    _, runs = sequence
    first = runs[0][0]
    assert (first.mode, first.reason, first.reused_pairs) == (
        incremental.FULL,
        incremental.REASON_NO_PREVIOUS,
        0,
    )
    for i in (1, 2):
        scored = runs[i][0]
        assert (scored.mode, scored.reason) == (incremental.INCREMENTAL, incremental.REASON_REUSED)
        expected = _expected_counts(releases[i - 1], releases[i])
        counts = {k: getattr(scored, k) for k in expected}
        assert counts == expected
        # the sequence exercises every case: records changed, new and removed
        assert min(counts.values()) > 0
        # and mostly carries over: the records' own edits and additions are a minority;
        # a record whose block crosses a cap is rescored too, so only adds to them
        edited = _expected_counts(releases[i - 1], releases[i], block_sizes=False)
        assert edited["changed"] + edited["new"] < 0.15 * scored.records
        assert counts["changed"] > edited["changed"]
        # most pairs reused, some found afresh by predict_between / predict_within
        assert 0.5 * scored.pairs < scored.reused_pairs < scored.pairs


def test_a_capped_block_crosses_its_cap_under_an_unchanged_record(releases):
    # what makes releases 2 and 3 prove a block crossing its cap: the anchor record is
    # the same in releases 1 and 2, its block is scored whole in 1 and split in 2
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE nicknames (short VARCHAR, formal VARCHAR)")
        con.executemany("INSERT INTO nicknames VALUES (?, ?)", nickname_rows())
        sizes, rows = [], []
        for i, records in enumerate(releases[:2]):
            con.register(f"records{i}", records)
            con.execute(f"CREATE TABLE f{i} AS {features_sql(f'records{i}')}")
        (anchor,) = con.execute(f"SELECT unique_id FROM ({_anchor('records0')})").fetchone()
        for i in range(2):
            size, row = con.execute(
                f"SELECT dob_surname_block_size, f{i} FROM f{i} WHERE unique_id = ?", [anchor]
            ).fetchone()
            sizes.append(size)
            rows.append({k: v for k, v in row.items() if not k.endswith("block_size")})
    finally:
        con.close()
    cap = blocking.CAPPED_BLOCKS["dob_surname_block_size"].cap
    assert sizes[0] <= cap < sizes[1]
    assert rows[0] == rows[1]


def test_retrained_parameters_still_reuse(sequence, releases, model, tmp_path):
    """The vectors do not depend on m, u or the prior: another model's parameters on
    release 3 still reuse release 2's vectors, and equal a full predict with them."""
    outs, _ = sequence
    other = json.loads(json.dumps(model))
    other["probability_two_random_records_match"] *= 2
    level = other["comparisons"][0]["comparison_levels"][1]
    level["m_probability"] = level["m_probability"] * 0.9
    scored, results = _release(releases[2], other, tmp_path, outs[1], downstream=False)
    assert (scored.mode, scored.reason) == (incremental.INCREMENTAL, incremental.REASON_REUSED)
    _assert_same(results)


def test_changed_prediction_rules_predict_in_full(sequence, releases, model, tmp_path):
    outs, _ = sequence
    fewer = json.loads(json.dumps(model))
    fewer["blocking_rules_to_generate_predictions"] = fewer[
        "blocking_rules_to_generate_predictions"
    ][:-1]
    scored, results = _release(releases[1], fewer, tmp_path, outs[0], downstream=False)
    assert (scored.mode, scored.reason) == (incremental.FULL, incremental.REASON_RULES)
    assert scored.reused_pairs == 0
    _assert_same(results)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("missing", incremental.REASON_STATE_MISSING),
        ("unreadable", incremental.REASON_STATE_UNREADABLE),
        ("comparisons", incremental.REASON_COMPARISONS),
        ("engine", incremental.REASON_ENGINE),
        ("counts", incremental.REASON_STATE_INCONSISTENT),
    ],
)
def test_unusable_state_predicts_in_full(sequence, releases, model, tmp_path, damage, reason):
    outs, _ = sequence
    previous = tmp_path / "previous"
    shutil.copytree(outs[0], previous)
    state_path = previous / incremental.STATE_FILE
    if damage == "missing":
        (previous / incremental.STATE_PAIRS_FILE).unlink()
    elif damage == "unreadable":
        state_path.write_text("{not json", encoding="utf-8")
    else:
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if damage == "comparisons":
            state["fingerprint"]["comparisons"][0]["levels"][1][0] += " AND TRUE"
        elif damage == "counts":  # a pairs file of another run than the JSON
            state["counts"]["pairs"] += 1
        else:
            state["fingerprint"]["engine"]["splink"] = "0.0.0"
        state_path.write_text(json.dumps(state), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    scored, results = _release(releases[1], model, out, previous, downstream=False)
    assert (scored.mode, scored.reason) == (incremental.FULL, reason)
    _assert_same(results)


def test_chunked_full_prediction(releases, model, tmp_path):
    """A full prediction in (left, right) chunks of Splink's blocking: the same rows."""
    scored, results = _release(releases[0], model, tmp_path, None, downstream=False, chunks=(2, 3))
    assert scored.mode == incremental.FULL
    _assert_same(results)
