"""Running a whole release in-process: what `xjs run` and the tests call."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

import dagster as dg

from orchestration.definitions import defs as load_defs
from orchestration.defs.jobs import RELEASE_JOB
from orchestration.defs.partitions import release_partitions
from xjs import layout


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    failure: str = ""
    metadata: dict[str, dict] = field(default_factory=dict)  # asset key -> numeric/text metadata
    failed_checks: dict[str, dict] = field(default_factory=dict)  # check key -> its metadata


def _instance() -> dg.DagsterInstance:
    """The local instance when DAGSTER_HOME is set (runs show in the UI), else ephemeral."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


PID_TAG, HOST_TAG = "xjs/pid", "xjs/host"  # which process runs an in-process run


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
        if _alive(int(pid)):
            continue
        instance.report_run_failed(run, "the process running it was killed")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        reaped.append(run.run_id)
    return reaped


def run_release(
    release_id: str, instance: dg.DagsterInstance | None = None, log_level: str = "WARNING"
) -> RunOutcome:
    instance = instance or _instance()
    reap_killed_runs(instance)
    if not instance.has_dynamic_partition(release_partitions.name, release_id):
        instance.add_dynamic_partitions(release_partitions.name, [release_id])
    job = load_defs().resolve_job_def(RELEASE_JOB)
    result = job.execute_in_process(
        partition_key=release_id,
        instance=instance,
        raise_on_error=False,
        tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()},
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
    )
    outcome = RunOutcome(run_id=result.run_id, success=result.success)
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        outcome.metadata[mat.asset_key.to_user_string()] = {
            k: v.value for k, v in mat.metadata.items()
        }
    if not result.success:
        failed = [e for e in result.all_events if e.is_step_failure]
        checks = [
            e.asset_check_evaluation_data
            for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION"
            and not e.asset_check_evaluation_data.passed
        ]
        reasons = [
            f"step {e.step_key} failed: {e.step_failure_data.error.message.strip()}" for e in failed
        ]
        for c in checks:
            name = c.asset_check_key.to_user_string()
            outcome.failed_checks[name] = {k: v.value for k, v in c.metadata.items()}
            reasons.append(f"check {name} failed: {c.description or ''}".strip())
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
    release_ids: list[str], instance: dg.DagsterInstance | None = None, **kwargs
) -> list[tuple[str, RunOutcome]]:
    """Run releases one after another in release order, stopping at the first failure.

    Order matters: each release's person ids carry over from the one before.
    """
    instance = instance or _instance()
    outcomes = []
    for release_id in layout.sort_release_ids(release_ids):
        outcome = run_release(release_id, instance=instance, **kwargs)
        outcomes.append((release_id, outcome))
        if not outcome.success:
            break
    return outcomes
