"""Training at scale: EM sessions carry a pair budget, u a bounded sample, and a level
too rare for the u sample keeps a positive weight (training.py)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from linkage_fixture_records import make_person_records
from splink.internals.linker_components.training import LinkerTraining

from linkage import backend, training
from linkage.pipeline import input_table, read_records, source_inputs
from xjs import stages


def _level(m, u) -> dict:
    d = {"sql_condition": "x", "label_for_charts": "x"}
    if m is not None:
        d["m_probability"] = m
    if u is not None:
        d["u_probability"] = u
    return d


def test_a_level_unseen_by_u_sampling_gets_the_one_pair_bound():
    level = _level(0.2, None)
    training._regularise(level, u_pairs=2e6)
    assert level["u_probability"] == pytest.approx(1 / 2e6)
    assert level["m_probability"] == pytest.approx(0.2)


def test_without_a_u_sample_an_unseen_u_stays_neutral():
    level = _level(0.2, None)
    training._regularise(level)
    assert level["u_probability"] == level["m_probability"]


def test_levels_seen_by_both_estimates_are_only_floored_and_rounded():
    level = _level(0.0, 1e-9)
    training._regularise(level, u_pairs=2e6)
    assert level["m_probability"] == training.M_FLOOR
    assert level["u_probability"] == training.U_FLOOR


def test_u_sample_is_bounded_whatever_the_release_size():
    assert training.u_max_pairs(10_000_000) == training.U_MAX_PAIRS
    assert training.u_max_pairs(880_000) == training.U_MAX_PAIRS
    assert training.u_max_pairs(30) == float(30 * 29 // 2 // 3)


@pytest.fixture(scope="module")
def records():
    return pa.Table.from_pandas(make_person_records(n_people=150, seed=5)[0], preserve_index=False)


def test_every_em_session_runs_with_the_pair_budget(records, monkeypatch):
    seen = []
    original = LinkerTraining.estimate_parameters_using_expectation_maximisation

    def spy(self, rule, *args, **kwargs):
        seen.append(kwargs.get("max_pairs"))
        return original(self, rule, *args, **kwargs)

    monkeypatch.setattr(LinkerTraining, "estimate_parameters_using_expectation_maximisation", spy)
    # a budget far below this release's blocked pairs: Splink samples records for EM
    monkeypatch.setattr(training, "EM_MAX_PAIRS", 200.0)
    backend.quiet_splink()
    db_api = backend.make_db_api()
    stages.clear()
    try:
        db, con = backend.connection(db_api), duckdb.connect()
        con.register("records", records)
        by_source = read_records(con, "records", db)
        source_inputs(db, list(by_source))
        sdfs = [db_api.register(input_table(s), dataset_display_name=s) for s in by_source]
        n = sum(by_source.values())
        outcome = training.train(sdfs, n, seed=42, sql_dialect="duckdb")
    finally:
        backend.close_db_api(db_api)
    assert seen and all(p == 200.0 for p in seen)
    assert outcome.report.em_rules == len(seen)
    assert outcome.model is not None
    assert stages.recorded() == []  # the pipeline records the training stage, once
