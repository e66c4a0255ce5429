"""The drop sensor on complete, incomplete, corrupt and already-seen drops."""

from __future__ import annotations

import json
import shutil

import dagster as dg
import pytest

from orchestration.defs.partitions import release_partitions
from orchestration.defs.resources import XjsStorage
from orchestration.defs.sensors import landing_drop_sensor
from xjs import layout

RELEASE = "2024-12"


def _tick(root, cursor=None, instance=None):
    instance = instance or dg.DagsterInstance.ephemeral()
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"storage": XjsStorage(data_dir=str(root))},
    )
    return landing_drop_sensor(context), instance


def test_a_complete_drop_requests_one_run_and_adds_its_partition(drop_copy):
    result, _ = _tick(drop_copy)
    assert [r.partition_key for r in result.run_requests] == [RELEASE]
    assert result.run_requests[0].run_key.startswith(f"{RELEASE}:")
    (add,) = result.dynamic_partitions_requests
    assert add.partition_keys == [RELEASE]
    assert add.partitions_def_name == release_partitions.name
    assert RELEASE in json.loads(result.cursor)


def test_an_already_seen_drop_is_not_triggered_again(drop_copy):
    first, instance = _tick(drop_copy)
    again, _ = _tick(drop_copy, cursor=first.cursor, instance=instance)
    assert again.run_requests == []
    assert again.skip_reason.skip_message == "no new complete drop"


def test_a_drop_without_manifest_is_skipped_with_the_reason(drop_copy):
    layout.manifest_path(drop_copy, RELEASE).unlink()
    result, _ = _tick(drop_copy)
    assert result.run_requests == []
    assert result.dynamic_partitions_requests == []
    assert "incomplete, no _manifest.json yet" in result.skip_reason.skip_message
    assert RELEASE not in json.loads(result.cursor)


@pytest.mark.parametrize("problem", ["checksum", "missing file"])
def test_a_corrupt_drop_is_skipped_naming_the_file(drop_copy, small_drop_root, problem):
    path = layout.landing_dir(drop_copy, RELEASE) / "prison_journeys.parquet"
    if problem == "checksum":
        path.write_bytes(path.read_bytes()[:-10])
        expected = "prison_journeys.parquet: sha256 does not match the manifest"
    else:
        path.unlink()
        expected = "prison_journeys.parquet: listed in the manifest but missing"
    result, _ = _tick(drop_copy)
    assert result.run_requests == []
    assert expected in result.skip_reason.skip_message
    # once repaired, the drop runs
    shutil.copy(layout.landing_dir(small_drop_root, RELEASE) / path.name, path)
    repaired, _ = _tick(drop_copy, cursor=result.cursor)
    assert [r.partition_key for r in repaired.run_requests] == [RELEASE]


def test_a_replaced_drop_is_a_new_drop(drop_copy):
    first, instance = _tick(drop_copy)
    manifest_path = layout.manifest_path(drop_copy, RELEASE)
    manifest = json.loads(manifest_path.read_text())
    manifest["created_at"] = "2025-01-10T10:00:00Z"  # re-issued drop
    manifest_path.write_text(json.dumps(manifest))
    again, _ = _tick(drop_copy, cursor=first.cursor, instance=instance)
    assert [r.partition_key for r in again.run_requests] == [RELEASE]
    assert again.run_requests[0].run_key != first.run_requests[0].run_key
