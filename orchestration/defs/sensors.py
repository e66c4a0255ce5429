"""The drop sensor: a complete new drop in landing/ starts its release run.

Complete means the manifest exists and every listed file has its row count and
checksum (xjs.drops.scan_landing). Each drop runs once: the cursor remembers
the manifest fingerprint of every drop already requested, and the run key
repeats it so Dagster itself refuses a second run of the same drop.
Incomplete or corrupt drops are reported as the tick's skip reason.
"""

import json

import dagster as dg

from orchestration.defs.jobs import xjs_release_job
from orchestration.defs.partitions import release_partitions
from orchestration.defs.resources import XjsStorage
from xjs import drops


def run_key(release_id: str, fingerprint: str) -> str:
    return f"{release_id}:{fingerprint[:16]}"


@dg.sensor(
    job=xjs_release_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts a release run when a complete, verified drop appears in landing/.",
)
def landing_drop_sensor(context: dg.SensorEvaluationContext, storage: XjsStorage):
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    scan = drops.scan_landing(storage.root, seen)
    for problem in scan.problems.values():
        context.log.warning(problem)

    new_partitions = [
        release
        for release, _ in scan.ready
        if not context.instance.has_dynamic_partition(release_partitions.name, release)
    ]
    requests = [
        dg.RunRequest(run_key=run_key(release, fingerprint), partition_key=release)
        for release, fingerprint in scan.ready
    ]
    seen.update(dict(scan.ready))
    skip_reason = None
    if not requests:
        skip_reason = "; ".join(scan.problems.values()) or "no new complete drop"
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=(
            [release_partitions.build_add_request(new_partitions)] if new_partitions else []
        ),
        cursor=json.dumps(seen, sort_keys=True),
        skip_reason=skip_reason,
    )
