"""The whole-pipeline benchmark: peak-over-interval, the stage table, the goals, the sampler,
and (slow) the harness end to end on a tiny drop."""

from __future__ import annotations

import json
import time

import pytest

from benchmarks import bare_splink, bench_pipeline
from benchmarks.bench_pipeline import LINKAGE_STAGES, STEP_GROUPS, goals, stage_rows
from benchmarks.memory import MIB, RssSampler, Sample, cpu_between, peak_between


def _samples(*pairs):
    return [Sample(t, rss) for t, rss in pairs]


def test_peak_between_takes_the_largest_sample_inside_the_interval():
    samples = _samples((0.0, 10), (1.0, 50), (2.0, 30), (3.0, 90), (4.0, 20))
    assert peak_between(samples, 0.5, 2.5) == 50
    assert peak_between(samples, 1.0, 3.0) == 90  # both ends inclusive
    assert peak_between(samples, 0.0, 4.0) == 90


def test_peak_between_without_a_sample_inside_takes_the_larger_neighbour():
    samples = _samples((0.0, 10), (1.0, 50), (2.0, 30))
    assert peak_between(samples, 1.2, 1.4) == 50  # before 50, after 30
    assert peak_between(samples, 2.5, 3.0) == 30  # after the last sample: the last
    assert peak_between(samples, -2.0, -1.0) == 10  # before the first: the first
    assert peak_between([], 0.0, 1.0) is None


def test_cpu_between_is_the_cpu_used_from_start_to_end():
    samples = [Sample(0.0, 1, 1.0), Sample(1.0, 1, 1.5), Sample(2.0, 1, 3.5), Sample(3.0, 1, 4.0)]
    assert cpu_between(samples, 1.0, 3.0) == 2.5
    assert cpu_between(samples, 1.5, 2.5) == 2.0  # the samples at or before each end
    assert cpu_between(samples, -1.0, 0.5) == 0.0
    assert cpu_between([], 0.0, 1.0) is None


def _step(name, started, ended, status="ok"):
    return {"name": name, "started": started, "ended": ended, "status": status}


def test_stage_rows_sum_steps_nest_stages_and_mark_missing_ones():
    steps = [
        _step("landing__a", 0.0, 1.0),
        _step("landing__b", 1.0, 3.0),
        _step("landing__a_landing_contract", 3.0, 3.5),
        _step("dbt_standardise", 4.0, 10.0),
        _step("xjs_link", 10.0, 20.0),
        _step("research_release", 21.0, 22.0, status="failure"),
    ]
    recorded = [
        {"name": "linkage:training", "started": 11.0, "ended": 14.0},
        {"name": "linkage:read", "started": 10.1, "ended": 10.9},
        {"name": "unrelated", "started": 30.0, "ended": 31.0},  # inside no step
    ]
    models = [{"name": "staging/stg_x", "step": "dbt_standardise", "started": 5.0, "ended": 6.0}]
    samples = _samples(
        (0.5, 100), (2.0, 300), (3.2, 200), (5.5, 800), (8.0, 400), (12.0, 2000), (15.0, 900),
        (21.5, 700),
    )  # fmt: skip
    rows = {r["name"]: r for r in stage_rows(steps, recorded, models, samples)}

    assert rows["ingest"]["seconds"] == 3.0 and rows["ingest"]["steps"] == [
        "landing__a",
        "landing__b",
    ]
    assert rows["ingest"]["peak_rss_mib"] == round(300 / MIB, 1)
    assert rows["ingest gates"]["seconds"] == 0.5
    assert rows["dbt_standardise"]["peak_rss_mib"] == round(800 / MIB, 1)
    assert rows["staging/stg_x"]["parent"] == "dbt_standardise"
    assert rows["staging/stg_x"]["peak_rss_mib"] == round(800 / MIB, 1)
    assert rows["linkage:training"]["parent"] == "xjs_link"
    assert rows["linkage:training"]["seconds"] == 3.0
    assert rows["linkage:training"]["peak_rss_mib"] == round(2000 / MIB, 1)
    assert rows["linkage:read"]["status"] == "ok"
    for name in set(LINKAGE_STAGES) - {"linkage:training", "linkage:read"}:
        assert rows[name]["status"] == "not recorded" and rows[name]["seconds"] is None
    assert "unrelated" not in rows
    assert rows["research_release"]["status"] == "failure"
    assert rows["dbt_marts"]["status"] == "not run"  # no step of it ran
    names = [r["name"] for r in stage_rows(steps, recorded, models, samples)]
    groups = [label for label, _ in STEP_GROUPS]
    assert [n for n in names if n in groups] == groups  # every group, in run order
    assert names.index("linkage:read") < names.index("linkage:training")  # by start


def _size(label, pipeline_s, linkage_s, bare_s, peak_gib, cpr, recall, done=True):
    return {
        "label": label,
        "pipeline": {"status": "done" if done else "killed"},
        "ratios": {
            "pipeline_seconds": pipeline_s,
            "pipeline_vs_bare": bench_pipeline.ratio(pipeline_s, bare_s),
            "linkage_vs_bare": bench_pipeline.ratio(linkage_s, bare_s),
            "peak_rss_gib": peak_gib,
        },
        "quality": {"comparisons_per_record": cpr, "reachable_recall": recall},
    }


def test_goals_are_met_not_met_or_not_measured():
    sizes = [
        _size("1m", 100.0, 55.0, 50.0, 5.0, 20.0, 0.996),
        _size("4m", 450.0, 200.0, 190.0, 9.0, 21.0, 0.994),
        _size("10m", 1200.0, 500.0, 480.0, 25.0, 25.0, 0.997),
    ]
    status = {g["goal"]: g["status"] for g in goals(sizes)}
    assert status["1m: drop -> research release vs bare Splink"] == "met"  # 2.0x
    assert status["1m: linkage stage vs bare Splink"] == "met"  # 1.1x
    assert status["1m: peak RSS (GiB)"] == "met"
    assert status["4m time vs 1m time"] == "not met"  # 4.5x
    assert status["10m completes on 24 GB (peak GiB)"] == "not met"  # 25 GiB
    flat = next(g for g in goals(sizes) if g["goal"].startswith("comparisons per record"))
    assert flat["measured"] == 0.25 and flat["status"] == "not met"
    assert status["4m: reachable blocking recall"] == "not met"
    assert status["1m: reachable blocking recall"] == "met"

    only_1m = {g["goal"]: g["status"] for g in goals(sizes[:1])}
    assert only_1m["4m time vs 1m time"] == "not measured"
    assert only_1m["10m completes on 24 GB (peak GiB)"] == "not measured"


def test_sampler_peak_is_at_least_the_rss_at_start_and_sees_an_allocation():
    with RssSampler(interval=0.02) as sampler:
        started = sampler.samples[-1].t
        block = bytearray(200 * MIB)  # touched: resident
        for i in range(0, len(block), 4096):
            block[i] = 1
        time.sleep(0.2)
        ended = sampler.samples[-1].t
        del block
    assert sampler.peak() >= sampler.start_rss
    assert sampler.samples[-1].cpu >= sampler.samples[0].cpu > 0
    assert sampler.peak_between(started, ended) >= sampler.start_rss + 150 * MIB


@pytest.mark.slow
@pytest.mark.xdist_group("end_to_end")
def test_harness_runs_end_to_end_on_a_tiny_drop(tmp_path, monkeypatch):
    monkeypatch.setenv("XJS_PSEUDONYM_KEY", "bench-test-key-0123456789abcdef0123")
    root = tmp_path / "bench"
    code = bench_pipeline.main(["--people", "300", "--data-root", str(root)])
    report = json.loads((root / "results" / bench_pipeline.RESULTS_FILE).read_text())
    assert code == 0, report["sizes"][0]["pipeline"].get("failure")
    (size,) = report["sizes"]
    pipeline, bare = size["pipeline"], size["bare"]
    assert pipeline["status"] == "done" and bare["ok"]
    rows = {r["name"]: r for r in pipeline["rows"]}
    for label, _ in STEP_GROUPS:  # every group claims the steps of the real job
        assert rows[label]["status"] == "ok", label
        assert rows[label]["seconds"] > 0 and rows[label]["peak_rss_mib"] > 0, label
    assert rows[bench_pipeline.RUN]["seconds"] >= sum(
        rows[label]["seconds"] for label, _ in STEP_GROUPS if label in rows
    )
    assert any(r["kind"] == "model" and r["parent"] == "dbt_standardise" for r in rows.values())
    for name in LINKAGE_STAGES:
        assert name in rows
    if size["quality"]["timings"]:  # the linkage records its stages: every one measured
        for name in LINKAGE_STAGES:
            assert rows[name]["status"] == "ok" and rows[name]["seconds"] is not None, name
    assert {s["name"] for s in bare["stages"]} == set(bare_splink.STAGES)
    assert bare["comparisons"] == size["quality"]["comparisons"]  # the same blocking rules
    ratios = size["ratios"]
    for key in ("pipeline_vs_bare", "linkage_vs_bare", "peak_rss_gib", "bare_peak_rss_gib"):
        assert ratios[key] > 0, key
    assert ratios["pipeline_vs_bare"] > ratios["linkage_vs_bare"]
    assert pipeline["peak_rss_mib"] >= pipeline["start_rss_mib"]
    assert 0 < size["quality"]["reachable_recall"] <= 1
    assert {g["status"] for g in report["goals"]} <= {"met", "not met", "not measured"}


@pytest.mark.slow
def test_a_drop_is_reused_only_while_its_manifest_and_parameters_match(tmp_path):
    said = []
    first = bench_pipeline.ensure_drop(tmp_path, "2024-12", 30, 1, said.append)
    assert not first["reused"] and first["landing_records"] > 0 and len(said) == 1
    again = bench_pipeline.ensure_drop(tmp_path, "2024-12", 30, 1, said.append)
    assert again["reused"] and again["manifest_sha256"] == first["manifest_sha256"]
    assert len(said) == 1  # nothing generated
    other_seed = bench_pipeline.ensure_drop(tmp_path, "2024-12", 30, 2, said.append)
    assert not other_seed["reused"] and len(said) == 2
    manifest = tmp_path / "landing" / "2024-12" / "_manifest.json"
    manifest.write_text(manifest.read_text() + " ")  # same drop, other bytes
    touched = bench_pipeline.ensure_drop(tmp_path, "2024-12", 30, 2, said.append)
    assert not touched["reused"] and len(said) == 3


def test_a_killed_run_is_told_by_its_stage_and_peak_so_far():
    partial = {
        "status": "running",
        "current_stage": "link (train, score, cluster)",
        "recorded_stages": [{"name": "linkage:read"}, {"name": "linkage:training"}],
        "peak_rss_mib": 10240.0,
    }
    assert bench_pipeline._killed_note(partial, -9) == (
        "killed by SIGKILL during link (train, score, cluster), after linkage:training; "
        "peak RSS so far 10.00 GiB"
    )
    assert bench_pipeline._killed_note({}, 1) == "exit code 1 during start-up"


class _Inference:
    """Splink's predict as the bare run sees it: one pass runs out of memory (or not)."""

    def __init__(self, one_pass_fails: bool, error=None):
        self.calls, self.one_pass_fails, self.error = [], one_pass_fails, error

    def predict(self, num_chunks_left=None, num_chunks_right=None, warning_mode=None):
        self.calls.append(num_chunks_left)
        if num_chunks_left is None and self.one_pass_fails:
            raise RuntimeError("Splink failed") from self.error
        return f"predictions in {num_chunks_left or 1}"


class _Linker:
    def __init__(self, inference):
        self.inference = inference


def _bare_predict(inference, n=1000):
    bare_splink.stages.clear()
    out = bare_splink._predict(_Linker(inference), n, "4GB")
    return out, [s.name for s in bare_splink.stages.recorded()]


def test_bare_prediction_is_one_pass_where_it_fits():
    (predictions, chunks, failed), names = _bare_predict(_Inference(one_pass_fails=False))
    assert (predictions, chunks, failed) == ("predictions in 1", 1, None)
    assert names == [bare_splink.PREDICTION]


def test_bare_prediction_chunks_only_after_one_pass_runs_out_of_memory():
    import duckdb

    inference = _Inference(one_pass_fails=True, error=duckdb.OutOfMemoryException("x"))
    (predictions, chunks, failed), names = _bare_predict(inference, n=4_000_000)
    assert chunks == bare_splink.predict.num_chunks(4_000_000, "4GB") > 1
    assert inference.calls == [None, chunks] and predictions == f"predictions in {chunks}"
    assert failed is not None and failed >= 0
    # the failed pass is its own stage: bare Splink's sum times the pass that worked
    assert names == [bare_splink.ONE_PASS_FAILED, bare_splink.PREDICTION]


def test_bare_prediction_raises_any_other_error():
    inference = _Inference(one_pass_fails=True, error=ValueError("x"))
    with pytest.raises(RuntimeError):
        _bare_predict(inference)
    assert inference.calls == [None]


def test_bare_errors_name_the_wrapped_class_not_the_message():
    try:
        try:
            raise KeyError("a value")
        except KeyError as inner:
            raise RuntimeError("quotes a value") from inner
    except RuntimeError as err:
        assert bare_splink.error_name(err) == "RuntimeError (KeyError)"
    assert bare_splink.error_name(ValueError("v")) == "ValueError"
