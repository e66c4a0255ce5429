"""The whole-pipeline benchmark: one release from its drop to the research release,
per stage, beside bare Splink on the same records (`make bench-pipeline`).

`python -m benchmarks.bench_pipeline` generates (or reuses) a drop of about 1M
landing records (`xjs synth --people 223214 --seed 9`), runs the release job on
it in a process of its own, then bare Splink (benchmarks/bare_splink.py) on the
feature table that run fed to Splink, in another. `--4m` and `--10m` add drops of
4x and 10x the people, each in its own processes. Per size it prints wall seconds
and peak RSS per stage (Dagster's step timings, the linkage's named stages from
xjs/stages.py, dbt's per-model timings), the ratios and the goals of issue #11,
met or not, and writes every figure to <data root>/results/bench_pipeline.json.

Memory: an RssSampler (benchmarks/memory.py) in each measured process samples the
RSS of that process and its children (dbt) every 0.2 s; a stage's peak is the
largest sample within it. The pipeline process writes its partial results as
stages finish and every few seconds, so a run killed for memory still tells how
far it got and what it used.

Data: <data root>/<size>/ (default /tmp/xjs-bench), with landing/ and truth/ kept
between runs when its drop matches (bench/drop.json: people, seed, release and
the manifest's sha256); the run's outputs (warehouse, releases, logs, tmp) are
removed before each run. DuckDB limits: XJS_DUCKDB_MEMORY_LIMIT and
XJS_DUCKDB_THREADS (xjs/limits.py), for the pipeline and bare Splink alike.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.memory import MIB, RssSampler, Sample, cpu_between, peak_between, ru_maxrss_mib
from linkage import pipeline
from xjs import atomic, layout

PEOPLE_1M = 223_214  # xjs synth --people 223214 --seed 9: about 1M landing records
SEED = 9
RELEASE = "2024-12"
DATA_ROOT = Path("/tmp/xjs-bench")
SIZES = {"1m": 1, "4m": 4, "10m": 10}  # people as multiples of PEOPLE_1M
RESULTS_FILE = "bench_pipeline.json"
BENCH_DIR = "bench"  # <data dir>/bench: this harness's own files for one size
DROP_MARKER = "drop.json"
PIPELINE_JSON, BARE_JSON = "pipeline.json", "bare.json"
GIB = 1024.0  # MiB per GiB

# The stages of the release as the table shows them: a label and the Dagster steps
# it sums, in run order. A step none of these claims shows as "other".
STEP_GROUPS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("ingest", lambda k: k.startswith("landing__") and not k.endswith("_landing_contract")),
    ("ingest gates", lambda k: k.endswith("_landing_contract")),
    ("dbt_standardise", lambda k: k == "dbt_standardise"),
    (
        "quality gates",
        lambda k: k.endswith("_person_records_contract") or k.startswith("quarantine__"),
    ),
    ("xjs_link", lambda k: k == "xjs_link"),
    ("lookup gates", lambda k: k.startswith("xjs_link_")),
    ("dbt_marts", lambda k: k == "dbt_marts"),
    ("evaluation", lambda k: k.endswith("_evaluation")),
    ("linkage_report", lambda k: k == "linkage_report"),
    ("research_release", lambda k: k.startswith("research_release")),
)
OTHER = "other"
LINKAGE_STEP = "xjs_link"
# The linkage's named stages (linkage/pipeline.py, xjs.stages): shown under xjs_link,
# as "not recorded" when the code does not record them.
LINKAGE_STAGES = pipeline.STAGES
EXPECTED = {LINKAGE_STEP: LINKAGE_STAGES}
RUN = "drop -> research release"
OUTSIDE_STEPS = "outside steps (definitions, Dagster)"
OUTSIDE_MODELS = "outside models (dbt start-up, tests)"
FRONT_RUN = "drop -> int_person_records"
FRONT_TARGET = "intermediate/int_person_records"  # --bare-only: the job up to Splink's input

# Goals of issue #11 (ratios measured in one run on this 2-core machine).
GOAL_PIPELINE_VS_BARE = 2.0
GOAL_LINKAGE_VS_BARE = 1.2
GOAL_PEAK_GIB_1M = 6.0
GOAL_4M_VS_1M = 4.4
GOAL_CPR_SPREAD = 0.20
GOAL_RECALL = 0.995
GOAL_PEAK_GIB_10M = 24.0


# ---------------------------------------------------------------- rows (pure)


def _mib(value: int | None) -> float | None:
    return round(value / MIB, 1) if value is not None else None


def _row(name, kind, started, ended, samples, parent=None, status="ok", seconds=None) -> dict:
    if seconds is None:
        seconds = ended - started if started is not None and ended is not None else None
    peak = peak_between(samples, started, ended) if started is not None and ended else None
    cpu = cpu_between(samples, started, ended) if started is not None and ended else None
    return {
        "name": name,
        "kind": kind,
        "parent": parent,
        "status": status,
        "started": started,
        "ended": ended,
        "seconds": round(seconds, 3) if seconds is not None else None,
        "peak_rss_mib": _mib(peak),
        "cpu_seconds": round(cpu, 2) if cpu is not None else None,
    }


def group_of(step_key: str) -> str:
    for label, claims in STEP_GROUPS:
        if claims(step_key):
            return label
    return OTHER


def stage_rows(
    steps: Sequence[dict],
    recorded: Sequence[dict],
    models: Sequence[dict],
    samples: Sequence[Sample],
) -> list[dict]:
    """The benchmark's table: one row per stage group (the steps it sums), under it its
    steps' named stages (xjs.stages) and dbt models, expected ones marked when absent.

    steps: {name, started, ended, status} per Dagster step; recorded: {name, started,
    ended} per xjs.stages interval; models: {name, step, started, ended} per dbt model.
    A recorded stage goes under the step whose interval holds it.
    """
    by_group: dict[str, list[dict]] = {}
    for step in steps:
        by_group.setdefault(group_of(step["name"]), []).append(step)
    order = [label for label, _ in STEP_GROUPS] + [OTHER]
    rows = []
    for label in order:
        members = by_group.get(label, [])
        if not members:
            if label != OTHER:
                rows.append(_row(label, "group", None, None, samples, status="not run"))
            continue
        started = min(s["started"] for s in members if s["started"] is not None)
        ends = [s["ended"] for s in members]
        ended = max(e for e in ends if e is not None) if any(e is not None for e in ends) else None
        bad = [s["status"] for s in members if s["status"] != "ok"]
        seconds = sum(
            s["ended"] - s["started"] for s in members if s["ended"] is not None
        )  # steps of a group may interleave with others': their own time only
        peaks = [peak_between(samples, s["started"], s["ended"] or s["started"]) for s in members]
        group = _row(label, "group", started, ended, samples, status=bad[0] if bad else "ok")
        group["seconds"] = round(seconds, 3)
        known = [p for p in peaks if p is not None]
        group["peak_rss_mib"] = _mib(max(known)) if known else None
        group["steps"] = [s["name"] for s in members]
        cpus = [cpu_between(samples, s["started"], s["ended"]) for s in members if s["ended"]]
        group["cpu_seconds"] = round(sum(c for c in cpus if c is not None), 2) if cpus else None
        rows.append(group)
        inside = [
            r
            for r in recorded
            if any(
                s["started"] <= r["started"] and r["ended"] <= (s["ended"] or float("inf"))
                for s in members
            )
        ]
        seen = set()
        for r in sorted(inside, key=lambda r: r["started"]):
            seen.add(r["name"])
            rows.append(_row(r["name"], "stage", r["started"], r["ended"], samples, parent=label))
        for name in EXPECTED.get(label, ()):
            if name not in seen:
                rows.append(_row(name, "stage", None, None, samples, label, "not recorded"))
        mine = sorted(
            (m for m in models if m["step"] in group["steps"]), key=lambda m: m["started"]
        )
        for m in mine:
            rows.append(_row(m["name"], "model", m["started"], m["ended"], samples, parent=label))
        if mine:  # dbt's start-up, parsing and tests: the step's time outside its models
            outside = group["seconds"] - sum(m["ended"] - m["started"] for m in mine)
            rows.append(_row(OUTSIDE_MODELS, "model", None, None, samples, label, seconds=outside))
    return rows


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


# ---------------------------------------------------------------- the pipeline process


class _Partial:
    """The pipeline process's results so far, written atomically whenever they change."""

    def __init__(self, path: Path, release_id: str):
        self.path, self.release_id = path, release_id
        self.lock = threading.Lock()
        self.coarse: list[dict] = []
        self.started = time.time()
        self.sampler: RssSampler | None = None
        self.final: dict | None = None

    def on_stage(self, stage: str, state: str, seconds: float) -> None:
        self.coarse.append({"stage": stage, "state": state, "t": time.time()})
        self.write()

    def snapshot(self) -> dict:
        from xjs import stages

        samples = self.sampler.samples if self.sampler else []
        recorded = [
            {"name": s.name, "started": s.started, "ended": s.ended} for s in stages.recorded()
        ]
        running = [e["stage"] for e in self.coarse if e["state"] == "started"]
        finished = {e["stage"] for e in self.coarse if e["state"] != "started"}
        out = {
            "status": "running",
            "release": self.release_id,
            "pid": os.getpid(),
            "started": self.started,
            "elapsed_seconds": round(time.time() - self.started, 1),
            "current_stage": next((s for s in reversed(running) if s not in finished), None),
            "coarse_stages": self.coarse,
            "recorded_stages": [
                {**r, "peak_rss_mib": _mib(peak_between(samples, r["started"], r["ended"]))}
                for r in recorded
            ],
            "start_rss_mib": _mib(self.sampler.start_rss) if self.sampler else None,
            "peak_rss_mib": _mib(max((s.rss for s in samples), default=0)),
            "last_rss_mib": _mib(samples[-1].rss) if samples else None,
        }
        if self.final is not None:
            out.update(self.final)
        return out

    def write(self) -> None:
        with self.lock:
            atomic.write_json(self.path, self.snapshot())


def _step_dicts(instance, run_id: str) -> list[dict]:
    out = []
    for s in instance.get_run_step_stats(run_id):
        status = s.status.value if s.status is not None else "unknown"
        out.append(
            {
                "name": s.step_key,
                "started": s.start_time,
                "ended": s.end_time,
                "status": "ok" if status == "SUCCESS" else status.lower(),
            }
        )
    return sorted(out, key=lambda s: s["started"] or 0.0)


def _model_dicts(instance, run_id: str) -> list[dict]:
    """dbt models: their interval from each materialisation's time and dbt's duration."""
    import dagster as dg

    out = []
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=100_000
    ).records
    for record in records:
        entry = record.event_log_entry
        event = entry.dagster_event
        mat = event.event_specific_data.materialization
        duration = mat.metadata.get("Execution Duration")
        if duration is None:
            continue
        ended = entry.timestamp
        out.append(
            {
                "name": mat.asset_key.to_user_string(),
                "step": event.step_key,
                "started": ended - float(duration.value),
                "ended": ended,
            }
        )
    return out


def _numbers(d: dict) -> dict:
    """The counts and rates of asset metadata (paths and texts left out)."""
    return {k: v for k, v in d.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def _run_front(release_id: str, instance):
    """The release job's assets up to int_person_records (ingest, staging and their
    checks), for --bare-only: the feature table without the linkage after it."""
    import dagster as dg

    from orchestration.definitions import defs as load_defs
    from orchestration.defs.jobs import RELEASE_JOB
    from orchestration.defs.partitions import release_partitions
    from orchestration.runner import RunLog, RunOutcome

    if not instance.has_dynamic_partition(release_partitions.name, release_id):
        instance.add_dynamic_partitions(release_partitions.name, [release_id])
    definitions = load_defs()
    graph = definitions.resolve_asset_graph()
    target = dg.AssetKey.from_user_string(FRONT_TARGET)
    keys = dg.AssetSelection.assets(target).upstream().resolve(graph)
    run_id = str(uuid.uuid4())
    # the run's log as xjs run writes it: a 0600 file, every line scrubbed
    path = layout.run_log_path(layout.data_dir(), release_id, run_id)
    with RunLog(path, frozenset()).open() as sink:
        logger = logging.Logger("xjs.bench", logging.DEBUG)
        logger.addHandler(sink)
        job = definitions.resolve_job_def(RELEASE_JOB)
        job = job.with_logger_defs({"xjs": dg.LoggerDefinition(lambda _: logger)})
        result = job.execute_in_process(
            partition_key=release_id,
            instance=instance,
            raise_on_error=False,
            asset_selection=sorted(keys),
            run_id=run_id,
            run_config={"loggers": {"xjs": {}}},
        )
    return RunOutcome(
        run_id=result.run_id,
        success=result.success,
        failure="" if result.success else "a step up to int_person_records failed",
        log_path=path,
    )


def run_pipeline(root: Path, release_id: str, out: Path, front_only: bool = False) -> int:
    """The release job in this process under the RSS sampler; results to out (JSON).

    front_only: only the assets up to int_person_records (--bare-only)."""
    os.environ["XJS_DATA_DIR"] = str(root)  # before the definitions load their resources
    partial = _Partial(out, release_id)
    partial.sampler = RssSampler(on_tick=lambda _: partial.write(), tick_seconds=5.0)
    with partial.sampler as sampler:
        partial.write()
        imported = time.time()
        import dagster as dg

        from orchestration.runner import run_release
        from xjs import stages

        stages.clear()
        instance = dg.DagsterInstance.ephemeral()
        run_started = time.time()
        try:
            if front_only:
                outcome = _run_front(release_id, instance)
            else:
                outcome = run_release(
                    release_id, instance=instance, log_to_file=True, on_stage=partial.on_stage
                )
        except Exception as err:  # by class only: a message may quote a value
            partial.final = {"status": "crashed", "error": type(err).__name__}
            partial.write()
            raise
        run_ended = time.time()
        steps = _step_dicts(instance, outcome.run_id)
        models = _model_dicts(instance, outcome.run_id)
    recorded = [{"name": s.name, "started": s.started, "ended": s.ended} for s in stages.recorded()]
    samples = sampler.samples
    rows = stage_rows(steps, recorded, models, samples)
    run_row = _row(FRONT_RUN if front_only else RUN, "run", run_started, run_ended, samples)
    run_row["peak_rss_mib"] = _mib(max(s.rss for s in samples))  # startup included
    in_steps = sum(s["ended"] - s["started"] for s in steps if s["ended"] is not None)
    outside = _row(OUTSIDE_STEPS, "run", None, None, samples)
    outside["seconds"] = round(run_ended - run_started - in_steps, 3)
    rows.append(outside)
    partial.final = {
        "status": "done" if outcome.success else "failed",
        "success": outcome.success,
        "failure": outcome.failure_lines(release_id) if not outcome.success else [],
        "run_id": outcome.run_id,
        "import_seconds": round(run_started - imported, 3),
        "run_seconds": round(run_ended - run_started, 3),
        "rows": [run_row, *rows],
        "steps": steps,
        "link": _numbers(outcome.metadata.get(LINKAGE_STEP, {})),
        "ru_maxrss_mib": ru_maxrss_mib(),
        "samples": len(samples),
        "log_path": str(outcome.log_path) if outcome.log_path else None,
    }
    partial.write()
    return 0 if outcome.success else 1


# ---------------------------------------------------------------- the harness (parent)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ensure_drop(root: Path, release_id: str, people: int, seed: int, log) -> dict:
    """The size's drop: reused when bench/drop.json says it is this one, else generated."""
    marker = root / BENCH_DIR / DROP_MARKER
    manifest = layout.manifest_path(root, release_id)
    want = {"release": release_id, "people": people, "seed": seed}
    if marker.is_file() and manifest.is_file():
        known = json.loads(marker.read_text(encoding="utf-8"))
        if {k: known.get(k) for k in want} == want and known.get("manifest_sha256") == _sha256(
            manifest
        ):
            return {**known, "reused": True}
    for folder in (
        layout.landing_dir(root, release_id),
        layout.truth_path(root, release_id).parent,
    ):
        shutil.rmtree(folder, ignore_errors=True)
    marker.unlink(missing_ok=True)
    started = time.time()
    command = [sys.executable, "-m", "cli.app", "synth", "--data-dir", str(root)]
    command += ["--release", release_id, "--people", str(people), "--seed", str(seed)]
    log(f"generating the drop: {people:,} people, seed {seed} -> {root}")
    _child(command, root / BENCH_DIR / "synth.out", os.environ.copy())
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    drop = {
        **want,
        "landing_records": sum(int(f["rows"]) for f in files),
        "manifest_sha256": _sha256(manifest),
        "generate_seconds": round(time.time() - started, 1),
    }
    atomic.write_json(marker, drop)
    return {**drop, "reused": False}


def clean_outputs(root: Path, release_id: str) -> None:
    """Remove a previous run's outputs: every run starts from the drop alone."""
    warehouse = layout.warehouse_path(root, release_id)
    for path in warehouse.parent.glob(warehouse.name + "*"):
        path.unlink()
    for folder in (layout.release_dir(root, release_id), root / "logs", root / "tmp"):
        shutil.rmtree(folder, ignore_errors=True)


def _child(command: list[str], output: Path, env: dict) -> int:
    """Run a measured process; its output to a file. The return code (negative: signal)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as sink:
        return subprocess.run(command, stdout=sink, stderr=subprocess.STDOUT, env=env).returncode


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _killed_note(pipeline: dict, code: int) -> str:
    """Where a pipeline process that did not finish got to, from its partial results."""
    stage = pipeline.get("current_stage") or "start-up"
    recorded = pipeline.get("recorded_stages") or []
    after = f", after {recorded[-1]['name']}" if recorded else ""
    peak = pipeline.get("peak_rss_mib")
    peak_text = f"; peak RSS so far {peak / GIB:.2f} GiB" if peak else ""
    return f"{_exit_text(code)} during {stage}{after}{peak_text}"


def quality_figures(root: Path, release_id: str) -> dict:
    """Comparisons per record (linkage metadata) and blocking recall (evaluation.json)."""
    meta = _read(layout.linkage_file(root, release_id, layout.METADATA_FILE))
    evaluation = _read(layout.linkage_file(root, release_id, layout.EVALUATION_FILE))
    blocking = evaluation.get("blocking", {}) if isinstance(evaluation, dict) else {}
    return {
        "records": meta.get("records"),
        "comparisons": meta.get("comparisons"),
        "comparisons_per_record": (meta.get("quality") or {}).get("comparisons_per_record"),
        "reachable_recall": blocking.get("reachable_recall"),
        "direct_recall": blocking.get("direct_recall"),
        "timings": meta.get("timings"),
    }


def _row_seconds(pipeline: dict, name: str, key: str = "seconds") -> float | None:
    row = next((r for r in pipeline.get("rows", []) if r["name"] == name), None)
    return row.get(key) if row and row["status"] == "ok" else None


def measure_size(
    label: str,
    people: int,
    seed: int,
    release_id: str,
    data_root: Path,
    bare: bool,
    log,
    front_only: bool = False,
) -> dict:
    """One size: drop, pipeline process, bare Splink process; every figure of it."""
    root = (data_root / label).resolve()
    bench = root / BENCH_DIR
    drop = ensure_drop(root, release_id, people, seed, log)
    clean_outputs(root, release_id)
    env = {**os.environ, "XJS_DATA_DIR": str(root)}
    env.pop("DAGSTER_HOME", None)  # the run uses an ephemeral instance: nothing kept

    what = "up to int_person_records" if front_only else "the release job"
    log(f"{label}: {what} ({drop['landing_records']:,} landing records)")
    (bench / PIPELINE_JSON).unlink(missing_ok=True)
    command = [sys.executable, "-m", "benchmarks.bench_pipeline", "--pipeline-process"]
    command += ["--bare-only"] if front_only else []
    command += [
        "--data-dir",
        str(root),
        "--release",
        release_id,
        "--out",
        str(bench / PIPELINE_JSON),
    ]
    code = _child(command, bench / "pipeline.out", env)
    pipeline = _read(bench / PIPELINE_JSON)
    if pipeline.get("status") == "running" or not pipeline:
        pipeline["status"] = "killed" if code < 0 else "crashed"
        pipeline["note"] = _killed_note(pipeline, code)
    pipeline["exit"] = _exit_text(code)
    pipeline["front_only"] = front_only

    result = {"label": label, "people": people, "seed": seed, "drop": drop, "pipeline": pipeline}
    has_features = (bench / PIPELINE_JSON).is_file() and any(
        r["name"] == "dbt_standardise" and r["status"] == "ok" for r in pipeline.get("rows", [])
    )
    if bare and (has_features or layout.warehouse_path(root, release_id).is_file()):
        log(f"{label}: bare Splink on the same feature table")
        (bench / BARE_JSON).unlink(missing_ok=True)
        command = [sys.executable, "-m", "benchmarks.bare_splink", "--data-dir", str(root)]
        command += ["--release", release_id, "--out", str(bench / BARE_JSON)]
        bare_code = _child(command, bench / "bare.out", env)
        result["bare"] = _read(bench / BARE_JSON) or {"ok": False}
        result["bare"]["exit"] = _exit_text(bare_code)
        if result["bare"].get("status") == "running":  # killed: its partial results
            done = [s["name"] for s in result["bare"].get("stages", [])]
            after = f", after {done[-1]}" if done else ""
            result["bare"]["error"] = f"{_exit_text(bare_code)}{after}"
    else:
        result["bare"] = {"ok": False, "error": "not run"}
    result["quality"] = quality_figures(root, release_id)
    result["ratios"] = size_ratios(result)
    return result


def size_ratios(result: dict) -> dict:
    pipeline, bare = result["pipeline"], result["bare"]
    bare_seconds = bare.get("splink_seconds") if bare.get("ok") else None
    done = pipeline.get("status") == "done" and not pipeline.get("front_only")
    run_seconds = pipeline.get("run_seconds") if done else None
    linkage = _row_seconds(pipeline, LINKAGE_STEP) if done else None
    bare_cpu = bare.get("splink_cpu_seconds") if bare.get("ok") else None
    run_cpu = _row_seconds(pipeline, RUN, "cpu_seconds") if done else None
    linkage_cpu = _row_seconds(pipeline, LINKAGE_STEP, "cpu_seconds") if done else None
    return {
        "pipeline_cpu_seconds": run_cpu,
        "linkage_cpu_seconds": linkage_cpu,
        "bare_cpu_seconds": bare_cpu,
        "pipeline_vs_bare_cpu": ratio(run_cpu, bare_cpu),
        "linkage_vs_bare_cpu": ratio(linkage_cpu, bare_cpu),
        "pipeline_seconds": run_seconds,
        "linkage_seconds": linkage,
        "bare_seconds": bare_seconds,
        "pipeline_vs_bare": ratio(run_seconds, bare_seconds),
        "linkage_vs_bare": ratio(linkage, bare_seconds),
        "peak_rss_gib": round(pipeline["peak_rss_mib"] / GIB, 2)
        if pipeline.get("peak_rss_mib")
        else None,
        "bare_peak_rss_gib": round(bare["peak_rss_mib"] / GIB, 2)
        if bare.get("peak_rss_mib")
        else None,
    }


def _goal(name: str, measured, target: str, met: bool | None) -> dict:
    status = "not measured" if met is None else ("met" if met else "not met")
    return {"goal": name, "measured": measured, "target": target, "status": status}


def goals(results: list[dict]) -> list[dict]:
    """Issue #11's goals over the sizes measured: met, not met or not measured."""
    first = results[0] if results else None
    by = {r["label"]: r for r in results}
    out = []
    r = first["ratios"] if first else {}
    name = first["label"] if first else "1m"
    pvb, lvb, peak = r.get("pipeline_vs_bare"), r.get("linkage_vs_bare"), r.get("peak_rss_gib")
    complete = bool(first) and r.get("pipeline_seconds") is not None
    # a peak over the goal fails it whether or not the run finished; under it counts only
    # for a whole run
    peak_met = None if peak is None else (peak <= GOAL_PEAK_GIB_1M if complete else None)
    if peak is not None and peak > GOAL_PEAK_GIB_1M:
        peak_met = False
    out.append(
        _goal(
            f"{name}: drop -> research release vs bare Splink",
            pvb,
            f"<= {GOAL_PIPELINE_VS_BARE}x",
            None if pvb is None else pvb <= GOAL_PIPELINE_VS_BARE,
        )
    )
    out.append(
        _goal(
            f"{name}: linkage stage vs bare Splink",
            lvb,
            f"<= {GOAL_LINKAGE_VS_BARE}x",
            None if lvb is None else lvb <= GOAL_LINKAGE_VS_BARE,
        )
    )
    out.append(
        _goal(
            f"{name}: peak RSS (GiB)",
            peak,
            f"<= {GOAL_PEAK_GIB_1M}",
            peak_met,
        )
    )
    t1 = by.get("1m", {}).get("ratios", {}).get("pipeline_seconds")
    t4 = by.get("4m", {}).get("ratios", {}).get("pipeline_seconds")
    r4 = ratio(t4, t1)
    out.append(
        _goal("4m time vs 1m time", r4, f"<= {GOAL_4M_VS_1M}x", None if r4 is None else r4 <= 4.4)
    )
    ten = by.get("10m")
    done10 = ten is not None and ten["pipeline"].get("status") == "done"
    peak10 = ten["ratios"].get("peak_rss_gib") if ten else None
    out.append(
        _goal(
            "10m completes on 24 GB (peak GiB)",
            peak10,
            f"done, <= {GOAL_PEAK_GIB_10M}",
            None if ten is None else done10 and peak10 is not None and peak10 <= 24,
        )
    )
    cpr = [
        (x["label"], x["quality"].get("comparisons_per_record"))
        for x in results
        if x["quality"].get("comparisons_per_record") is not None
    ]
    spread = None
    if len(cpr) >= 2 and cpr[0][1]:
        spread = round(max(abs(v / cpr[0][1] - 1) for _, v in cpr[1:]), 3)
    labels = " -> ".join(label for label, _ in cpr) or "sizes"
    flat_measured = "10m" in dict(cpr) and cpr[0][0] == "1m"
    out.append(
        _goal(
            f"comparisons per record flat ({labels}), largest change",
            spread,
            f"<= {GOAL_CPR_SPREAD:.0%} (1m -> 10m)",
            (spread <= GOAL_CPR_SPREAD) if flat_measured and spread is not None else None,
        )
    )
    for x in results:
        recall = x["quality"].get("reachable_recall")
        out.append(
            _goal(
                f"{x['label']}: reachable blocking recall",
                recall,
                f">= {GOAL_RECALL:.1%}",
                None if recall is None else recall >= GOAL_RECALL,
            )
        )
    return out


# ---------------------------------------------------------------- printing


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def print_size(console, result: dict) -> None:
    from rich import box
    from rich.table import Column, Table

    from benchmarks.bare_splink import TRAINING_STEPS as BARE_TRAINING_STEPS

    pipeline, bare = result["pipeline"], result["bare"]
    drop = result["drop"]
    title = (
        f"{result['label']}: {drop.get('landing_records', 0):,} landing records, "
        f"{result['quality'].get('records') or bare.get('records') or 0:,} person records "
        f"({result['people']:,} people, seed {result['seed']})"
    )
    table = Table(
        "stage",
        Column("seconds", justify="right"),
        Column("peak RSS GiB", justify="right"),
        Column("CPU s", justify="right"),
        "status",
        title=title,
        box=box.SIMPLE_HEAD,
    )
    for row in pipeline.get("rows", []):
        indent = "  " if row["kind"] in ("stage", "model") else ""
        peak = row["peak_rss_mib"] / GIB if row["peak_rss_mib"] is not None else None
        table.add_row(
            indent + row["name"],
            _fmt(row["seconds"]),
            _fmt(peak, 2),
            _fmt(row.get("cpu_seconds")),
            row["status"],
        )
    if not pipeline.get("rows"):
        table.add_row(
            "pipeline",
            "-",
            _fmt((pipeline.get("peak_rss_mib") or 0) / GIB, 2),
            "-",
            pipeline.get("note") or pipeline.get("status", "?"),
        )
    for row in bare.get("stages", []):
        peak = row["peak_rss_mib"] / GIB if row["peak_rss_mib"] is not None else None
        indent = "  " if row["name"] in BARE_TRAINING_STEPS else ""
        table.add_row(
            indent + row["name"],
            _fmt(row["seconds"]),
            _fmt(peak, 2),
            _fmt(row.get("cpu_seconds")),
            "ok",
        )
    if bare.get("ok"):
        table.add_row(
            "bare Splink (training + prediction + clustering)",
            _fmt(bare.get("splink_seconds")),
            _fmt(bare["peak_rss_mib"] / GIB, 2),
            _fmt(bare.get("splink_cpu_seconds")),
            f"{bare.get('comparisons', 0):,} comparisons",
        )
    else:
        table.add_row("bare Splink", "-", "-", "-", str(bare.get("error") or bare.get("exit")))
    console.print(table)
    if pipeline.get("status") != "done":
        console.print(
            f"[red]pipeline {pipeline.get('status')}: "
            f"{pipeline.get('note') or pipeline.get('exit')}[/red]",
            markup=True,
        )
        for line in pipeline.get("failure", []):
            console.print(f"  {line}", markup=False)
    r, q = result["ratios"], result["quality"]
    ru = pipeline.get("ru_maxrss_mib")
    if ru:  # the kernel's high-water marks, beside the sampled peak
        console.print(
            f"  ru_maxrss: pipeline process {ru['self'] / GIB:.2f} GiB, its largest child "
            f"(dbt) {ru['children'] / GIB:.2f} GiB; sampled tree peak "
            f"{_fmt(r['peak_rss_gib'], 2)} GiB",
            markup=False,
        )
    console.print(
        f"  drop -> research release / bare Splink: {_fmt(r['pipeline_vs_bare'], 2)}x;  "
        f"linkage / bare Splink: {_fmt(r['linkage_vs_bare'], 2)}x "
        f"(CPU seconds: {_fmt(r['pipeline_vs_bare_cpu'], 2)}x, "
        f"{_fmt(r['linkage_vs_bare_cpu'], 2)}x);  "
        f"peak RSS {_fmt(r['peak_rss_gib'], 2)} GiB (bare {_fmt(r['bare_peak_rss_gib'], 2)});  "
        f"comparisons/record {_fmt(q.get('comparisons_per_record'), 2)};  "
        f"reachable recall {_fmt(q.get('reachable_recall'), 4)}",
        markup=False,
    )


def print_goals(console, rows: list[dict]) -> None:
    from rich import box
    from rich.table import Table

    table = Table(
        "goal", "measured", "target", "status", title="Goals (issue #11)", box=box.SIMPLE_HEAD
    )
    colour = {"met": "green", "not met": "red", "not measured": "yellow"}
    for g in rows:
        measured = g["measured"]
        text = (
            "-"
            if measured is None
            else (f"{measured:,.4g}" if isinstance(measured, float) else str(measured))
        )
        table.add_row(
            g["goal"],
            text,
            g["target"],
            f"[{colour[g['status']]}]{g['status']}[/{colour[g['status']]}]",
        )
    console.print(table)


# ---------------------------------------------------------------- entry point


def sizes_from(args) -> list[tuple[str, int]]:
    first = ("1m", PEOPLE_1M) if args.people is None else (f"{args.people}p", args.people)
    out = [first]
    base = PEOPLE_1M if args.people is None else args.people
    for flag, label in ((args.four_million, "4m"), (args.ten_million, "10m")):
        if flag:
            out.append(
                (label if args.people is None else f"{SIZES[label] * base}p", SIZES[label] * base)
            )
    return out


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(layout.REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(layout.REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--4m", dest="four_million", action="store_true", help="also ~4M")
    parser.add_argument("--10m", dest="ten_million", action="store_true", help="also ~10M")
    parser.add_argument(
        "--people",
        type=int,
        default=None,
        help=f"people of the first size (default {PEOPLE_1M:,}: ~1M records)",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--release", default=RELEASE)
    parser.add_argument(
        "--data-root",
        type=Path,
        default=DATA_ROOT,
        help="one folder per size under it; results/ beside them",
    )
    parser.add_argument("--no-bare", action="store_true", help="skip bare Splink")
    parser.add_argument(
        "--bare-only",
        action="store_true",
        help="run the job only up to int_person_records, then bare Splink (no ratios)",
    )
    parser.add_argument("--pipeline-process", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    layout.check_release_id(args.release)
    if args.pipeline_process:
        return run_pipeline(args.data_dir.resolve(), args.release, args.out, args.bare_only)

    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:  # a log file or a pipe: wide enough for the model names
        console = Console(highlight=False, soft_wrap=True, width=120)
    data_root = args.data_root.resolve()
    out_path = data_root / "results" / RESULTS_FILE
    report = {
        "command": [Path(sys.argv[0]).name, *(sys.argv[1:] if argv is None else argv)],
        "commit": _git_commit(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "duckdb_env": {
            k: os.environ.get(k) for k in ("XJS_DUCKDB_MEMORY_LIMIT", "XJS_DUCKDB_THREADS")
        },
        "cpus": os.cpu_count(),
        "sizes": [],
    }
    for label, people in sizes_from(args):
        result = measure_size(
            label,
            people,
            args.seed,
            args.release,
            data_root,
            not args.no_bare,
            lambda text: console.print(text, markup=False),
            front_only=args.bare_only,
        )
        report["sizes"].append(result)
        report["goals"] = goals(report["sizes"])
        atomic.write_json(out_path, report)  # after each size: a later kill keeps these
        print_size(console, result)
    print_goals(console, report["goals"])
    console.print(f"Every figure: {out_path}", markup=False)
    ok = all(r["pipeline"].get("status") == "done" and r["bare"].get("ok") for r in report["sizes"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
