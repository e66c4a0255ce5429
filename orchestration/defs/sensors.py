"""The drop sensor: a complete new drop in landing/ starts its release run.

Complete means the manifest exists and every listed file has its row count and
checksum (xjs.drops.scan_landing). Each drop runs once: the cursor remembers
the manifest fingerprint of every drop already requested, and the run key
repeats it so Dagster itself refuses a second run of the same drop.
Incomplete or corrupt drops are reported as the tick's skip reason.

Nothing is read twice: the cursor also keeps the sensor's memory
(xjs.drops.SensorMemory): each manifest's fingerprint and each waiting file's
verdict, keyed by (path, size, mtime_ns). A tick over unchanged drops stats
their files and reads none; the memory holds only what landing/ holds now.
"""

import json

import dagster as dg

from orchestration.defs.jobs import xjs_release_job
from orchestration.defs.partitions import release_partitions
from orchestration.defs.resources import XjsStorage
from xjs import drops


def run_key(release_id: str, fingerprint: str) -> str:
    return f"{release_id}:{fingerprint[:16]}"


def read_cursor(cursor: str | None) -> tuple[dict[str, str], dict]:
    """(release -> fingerprint already requested, the scan memory) from the cursor.

    A cursor of the earlier format ({release: fingerprint}) is read as `seen` alone.
    """
    doc = json.loads(cursor) if cursor else {}
    if "seen" in doc and isinstance(doc["seen"], dict):
        return dict(doc["seen"]), dict(doc.get("memory") or {})
    return dict(doc), {}


def write_cursor(seen: dict[str, str], memory: dict) -> str:
    return json.dumps({"seen": seen, "memory": memory}, sort_keys=True)


@dg.sensor(
    job=xjs_release_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts a release run when a complete, verified drop appears in landing/.",
)
def landing_drop_sensor(context: dg.SensorEvaluationContext, storage: XjsStorage):
    seen, memory = read_cursor(context.cursor)
    scan = drops.scan_landing(storage.root, seen, memory)
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
        cursor=write_cursor(seen, scan.memory),
        skip_reason=skip_reason,
    )
