"""Running a whole release in-process: what `xjs run`, `xjs backfill` and the tests call.

A run reports three ways:
- its outcome (RunOutcome): success, the metadata of every asset, and on
  failure what failed in plain words, from the error that stopped the step
  (not Dagster's wrapper around it) and the descriptions of failed checks;
- progress, one event per stage (ingest, standardise, quality gates, link,
  evaluate, marts, research release) as the steps start and finish;
- the full log (every Dagster event, dbt's output, Splink's and the project's
  log lines) in a file, when asked: `logs/<R>/run-<run_id>.log` (0600).
Every error text goes through xjs.messages.scrub first: no row values.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from orchestration.definitions import defs as load_defs
from orchestration.defs.jobs import RELEASE_JOB
from orchestration.defs.partitions import release_partitions
from xjs import atomic, layout
from xjs.messages import scrub

# The stages of a release as the console shows them, in the order they finish.
INGEST = "ingest"
STANDARDISE = "standardise (dbt)"
GATES = "quality gates"
LINK = "link (train, score, cluster)"
EVALUATE = "evaluate"
MARTS = "marts"
RESEARCH = "research release"
STAGES = (INGEST, STANDARDISE, GATES, LINK, MARTS, EVALUATE, RESEARCH)

DAGSTER_WORDS = ("result", "Nothing", "Any")  # output names and types in Dagster's messages
PROJECT_LOGGERS = ("linkage", "research", "splink", "xjs")  # their lines go to the log file
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(message)s"


def stage_of(step_key: str) -> str:
    """The stage a step of the release job belongs to (tests hold every step to one)."""
    if step_key.endswith(("_landing_contract", "_person_records_contract")):
        return GATES
    if step_key.startswith("quarantine__"):  # the defect tolerances (quarantine.value_defects)
        return GATES
    if step_key.startswith("landing__"):
        return INGEST
    if step_key == "dbt_standardise":
        return STANDARDISE
    if step_key.startswith("xjs_link"):
        return LINK
    if step_key == "dbt_marts":
        return MARTS
    if step_key.endswith("_evaluation") or step_key == "linkage_report":
        return EVALUATE  # the report shows the evaluations: it finishes their stage
    if step_key.startswith("research_release"):
        return RESEARCH
    return "other"


def step_target(step_key: str) -> str:
    """What a step builds, as the UI names it: landing__x -> landing/x."""
    return step_key.replace("__", "/")


@dataclass
class StepFailure:
    step_key: str
    error_class: str
    message: str  # scrubbed: names, counts and reason codes only


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    failure: str = ""  # one paragraph: every failed step and check, scrubbed
    metadata: dict[str, dict] = field(default_factory=dict)  # asset key -> numeric/text metadata
    failed_checks: dict[str, dict] = field(default_factory=dict)  # check key -> its metadata
    check_metadata: dict[str, dict] = field(default_factory=dict)  # every check -> its metadata
    failed_steps: list[StepFailure] = field(default_factory=list)
    check_descriptions: dict[str, str] = field(default_factory=dict)  # failed check -> why
    log_path: Path | None = None

    def failure_lines(self, release_id: str) -> list[str]:
        """What failed, in plain words, first line first: for the console."""
        lines = [
            f"Release {release_id} failed at check {name}: {why}"
            for name, why in self.check_descriptions.items()
        ]
        for step in self.failed_steps:
            if self.check_descriptions and step.error_class == "DagsterAssetCheckFailedError":
                continue  # the check's own description says it better
            lines.append(
                f"Release {release_id} failed at {step_target(step.step_key)}: {step.message}"
            )
        return lines or [f"Release {release_id} failed: {self.failure}"]


def _user_error(error):
    """The error that stopped the step: below Dagster's wrappers, never its own causes.

    A DagsterExecutionStepExecutionError wraps what the asset raised as its
    cause; that error's own cause (a DropError's Arrow error, say) may quote
    the row it failed on, so the walk stops at the first non-Dagster error.
    """
    while error.cause is not None and (error.cls_name or "").startswith("Dagster"):
        error = error.cause
    return error


def _message_of(error) -> str:
    """SerializableErrorInfo.message is `module.Class: text`; keep the text."""
    message = error.message.strip()
    prefix = f"{error.cls_name}: "
    head, sep, rest = message.partition(": ")
    if sep and (head == error.cls_name or head.endswith("." + (error.cls_name or ""))):
        return rest.strip()
    return message.removeprefix(prefix)


def step_failure(step_key: str, failure_data, known_names: frozenset[str]) -> StepFailure:
    """A step's failure as it may be told: the user error's class and scrubbed message."""
    described = getattr(failure_data.user_failure_data, "description", None)
    if described:  # dg.Failure(description=...): written by an asset of this project
        return StepFailure(step_key, "Failure", scrub(described, cls_name="Failure"))
    error = _user_error(failure_data.error)
    cls_name = error.cls_name or "Error"
    message = scrub(_message_of(error), cls_name=cls_name, known_names=known_names)
    return StepFailure(step_key, cls_name, message.removeprefix(f"{cls_name}: "))


class StageTracker:
    """Turns step events into stage events: started with its first step, finished with its last.

    A stage's seconds are the time its own steps ran (the gates' steps are
    spread between others).
    """

    def __init__(self, step_keys: list[str], on_stage: Callable[[str, str, float], None]):
        self.pending: dict[str, set[str]] = {}
        for key in step_keys:
            self.pending.setdefault(stage_of(key), set()).add(key)
        self.step_started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}
        self.on_stage = on_stage

    def step(self, step_key: str, kind: str) -> None:
        stage = stage_of(step_key)
        now = time.perf_counter()
        if stage not in self.seconds:
            self.seconds[stage] = 0.0
            self.on_stage(stage, "started", 0.0)
        if kind == "start":
            self.step_started[step_key] = now
            return
        self.seconds[stage] += now - self.step_started.pop(step_key, now)
        waiting = self.pending.get(stage, set())
        if kind == "failure":
            waiting.clear()
            self.on_stage(stage, "failed", self.seconds[stage])
        elif step_key in waiting:
            waiting.discard(step_key)
            if not waiting:
                state = "skipped" if kind == "skipped" else "done"
                self.on_stage(stage, state, self.seconds[stage])


_STEP_KINDS = {
    "STEP_START": "start",
    "STEP_SUCCESS": "success",
    "STEP_FAILURE": "failure",
    "STEP_SKIPPED": "skipped",
}


class _EventLogger(logging.Logger):
    """A Dagster logger: feeds step events to the stage tracker and lines to the log file."""

    def __init__(self, tracker: StageTracker | None, sink: logging.Handler | None, known):
        super().__init__("xjs.run", logging.DEBUG)
        self.tracker, self.known = tracker, known
        if sink is not None:
            self.addHandler(sink)

    def handle(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step_key = meta.get("step_key")
        if event is not None and step_key and self.tracker is not None:
            kind = _STEP_KINDS.get(event.event_type_value)
            if kind:
                self.tracker.step(step_key, kind)
        if not self.handlers:
            return
        # Dagster's own message carries the whole error chain; say it our way instead
        message = scrub(meta.get("orig_message") or "", known_names=self.known)
        if event is not None and event.event_type_value == "ASSET_CHECK_EVALUATION":
            check = event.asset_check_evaluation_data  # descriptions hold counts and names
            verdict = "passed" if check.passed else "failed"
            message = f"check {check.asset_check_key.to_user_string()} {verdict}"
            message += f": {check.description}" if check.description else ""
        record.msg, record.args = " - ".join(p for p in (step_key, message) if p), ()
        if event is not None and event.event_type_value == "STEP_FAILURE":
            told = step_failure(step_key or "", event.step_failure_data, self.known)
            record.msg += f"\n    {told.error_class}: {told.message}"
            error = _user_error(event.step_failure_data.error)
            record.msg += "\n" + "".join(error.stack).rstrip()  # code lines, not values
        record.exc_info = record.exc_text = None
        super().handle(record)


class RunLog:
    """The run's log file (0600): Dagster events, and everything printed while it runs.

    While open, sys.stdout and sys.stderr write to the file (dbt's output and
    warnings land there), as do the project's and Splink's loggers. Lines are
    scrubbed on the way in.
    """

    def __init__(self, path: Path, known_names: frozenset[str]):
        self.path, self.known = path, known_names

    @contextlib.contextmanager
    def open(self) -> Iterator[logging.Handler]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(self.path, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", buffering=1) as raw:
            stream = _ScrubbingStream(raw, self.known)
            handler = logging.StreamHandler(stream)
            handler.setFormatter(logging.Formatter(LOG_FORMAT))
            loggers = [logging.getLogger(name) for name in PROJECT_LOGGERS]
            levels = [lg.level for lg in loggers]
            for lg in loggers:
                lg.addHandler(handler)
                if lg.name != "splink":  # linkage.backend.quiet_splink sets Splink's own level
                    lg.setLevel(logging.INFO)
            saved = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = stream
            try:
                yield handler
            finally:
                sys.stdout, sys.stderr = saved
                for lg, level in zip(loggers, levels, strict=True):
                    lg.removeHandler(handler)
                    lg.setLevel(level)
                stream.flush()


class _ScrubbingStream(io.TextIOBase):
    """A text stream that scrubs each complete line before writing it on."""

    def __init__(self, raw, known: frozenset[str]):
        super().__init__()
        self.raw, self.known, self.buffer = raw, known, ""

    @property
    def encoding(self) -> str:
        return "utf-8"

    @property
    def errors(self) -> str:
        return "replace"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.buffer += text
        *lines, self.buffer = self.buffer.split("\n")
        for line in lines:
            self.raw.write(scrub(line, known_names=self.known) + "\n")
        return len(text)

    def flush(self) -> None:
        if self.buffer:
            self.raw.write(scrub(self.buffer, known_names=self.known) + "\n")
            self.buffer = ""
        self.raw.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        # No descriptor: Dagster's compute-log capture would dup2 over the log file's
        # own and tail it back into this stream. The log file is the run's capture.
        raise io.UnsupportedOperation("fileno")


def _instance() -> dg.DagsterInstance:
    """The local instance when DAGSTER_HOME is set (runs show in the UI), else ephemeral."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


PID_TAG, HOST_TAG = "xjs/pid", "xjs/host"  # which process runs an in-process run


def reap_killed_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the runs an `xjs run` process on this host started and died in (SIGKILL, OOM).

    Their steps still hold the pool's concurrency slots (duckdb_warehouse, limit
    1), so without this the next run of any release waits for them forever.
    Runs without the tags (launched by the daemon) are left to run monitoring.
    """
    reaped = []
    active = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING]
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=active)):
        pid, host = run.tags.get(PID_TAG, ""), run.tags.get(HOST_TAG)
        if not pid.isdigit() or host != socket.gethostname() or int(pid) == os.getpid():
            continue
        if atomic.process_alive(int(pid)):
            continue
        instance.report_run_failed(run, "the process running it was killed")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        reaped.append(run.run_id)
    return reaped


def run_release(
    release_id: str,
    instance: dg.DagsterInstance | None = None,
    log_level: str = "WARNING",
    on_stage: Callable[[str, str, float], None] | None = None,
    log_to_file: bool = False,
) -> RunOutcome:
    """Run every asset and check of one release in this process.

    on_stage(stage, "started" | "done" | "failed" | "skipped", seconds) reports
    progress. log_to_file sends the whole log to layout.run_log_path() instead of the
    console (Dagster's console logger at log_level otherwise).
    """
    run_id = str(uuid.uuid4())
    log_path = layout.run_log_path(layout.data_dir(), release_id, run_id) if log_to_file else None
    with contextlib.ExitStack() as stack:
        sink = None
        known: frozenset[str] = frozenset()
        if log_path is not None:
            sink = stack.enter_context(RunLog(log_path, known).open())
        instance = instance or _instance()
        reap_killed_runs(instance)
        if not instance.has_dynamic_partition(release_partitions.name, release_id):
            instance.add_dynamic_partitions(release_partitions.name, [release_id])
        definitions = load_defs()
        job = definitions.resolve_job_def(RELEASE_JOB)
        step_keys = [node.name for node in job.nodes]
        known = _known_names(definitions, step_keys)
        if sink is not None:
            sink.stream.known = known
        tracker = StageTracker(step_keys, on_stage) if on_stage else None
        event_logger = _EventLogger(tracker, sink, known)
        job = job.with_logger_defs(
            {**job.loggers, "xjs": dg.LoggerDefinition(lambda _: event_logger)}
        )
        loggers = {"xjs": {}}
        if sink is None:
            loggers["console"] = {"config": {"log_level": log_level}}
        result = job.execute_in_process(
            partition_key=release_id,
            instance=instance,
            raise_on_error=False,
            run_id=run_id,
            tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()},
            run_config={"loggers": loggers},
        )
        outcome = _outcome(result, known)
        outcome.log_path = log_path
        if log_path is not None:
            logging.getLogger("xjs.run").info(
                "run %s %s", run_id, "succeeded" if outcome.success else "failed"
            )
    return outcome


def _known_names(definitions: dg.Definitions, step_keys: list[str]) -> frozenset[str]:
    """The graph's own names (steps, assets, checks): safe to quote in a message."""
    graph = definitions.resolve_asset_graph()
    names = {RELEASE_JOB, *step_keys, *map(step_target, step_keys), *DAGSTER_WORDS}
    for key in graph.get_all_asset_keys():
        names.update(key.path)
    for check in graph.asset_check_keys:
        names.update(check.asset_key.path)
        names.add(check.name)
    return frozenset(names)


def _check_description(check) -> str:
    """A failed check's description, or for a dbt test its count of failing rows."""
    if check.description:
        return check.description.strip()
    failing = check.metadata.get("dagster_dbt/failed_row_count")
    return f"{failing.value:,} failing rows" if failing is not None else "failed"


def _outcome(result: dg.ExecuteInProcessResult, known: frozenset[str]) -> RunOutcome:
    outcome = RunOutcome(run_id=result.run_id, success=result.success)
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        outcome.metadata[mat.asset_key.to_user_string()] = {
            k: v.value for k, v in mat.metadata.items()
        }
    for event in result.get_asset_check_evaluations():
        outcome.check_metadata[event.asset_check_key.to_user_string()] = {
            k: v.value for k, v in event.metadata.items()
        }
    if result.success:
        return outcome
    reasons = []
    for event in result.all_events:
        if event.is_step_failure:
            failed = step_failure(event.step_key, event.step_failure_data, known)
            outcome.failed_steps.append(failed)
            reasons.append(f"step {event.step_key} failed: {failed.error_class}: {failed.message}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            check = event.asset_check_evaluation_data
            if check.passed:
                continue
            name = check.asset_check_key.to_user_string()
            outcome.failed_checks[name] = {k: v.value for k, v in check.metadata.items()}
            # check descriptions are built from counts and column names (orchestration.checks)
            outcome.check_descriptions[name] = _check_description(check)
            reasons.append(f"check {name} failed: {check.description or ''}".strip())
    outcome.failure = "; ".join(reasons) or "see the run's event log"
    return outcome


def releases_to_backfill(
    available: list[str], first: str | None = None, last: str | None = None
) -> list[str]:
    """The releases between first and last (inclusive), in release order."""
    return [
        r
        for r in layout.sort_release_ids(available)
        if (first is None or r >= first) and (last is None or r <= last)
    ]


def backfill(
    release_ids: list[str],
    instance: dg.DagsterInstance | None = None,
    on_outcome: Callable[[str, RunOutcome], None] | None = None,
    **kwargs,
) -> list[tuple[str, RunOutcome]]:
    """Run releases one after another in release order, stopping at the first failure.

    Order matters: each release's person ids carry over from the one before.
    on_outcome(release_id, outcome) hears of each release as it finishes.
    """
    instance = instance or _instance()
    outcomes = []
    for release_id in layout.sort_release_ids(release_ids):
        outcome = run_release(release_id, instance=instance, **kwargs)
        outcomes.append((release_id, outcome))
        if on_outcome is not None:
            on_outcome(release_id, outcome)
        if not outcome.success:
            break
    return outcomes
