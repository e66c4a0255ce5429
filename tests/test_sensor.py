"""The drop sensor on complete, incomplete, corrupt and already-seen drops."""

from __future__ import annotations

import json
import shutil

import dagster as dg
import pytest

from orchestration.defs.partitions import release_partitions
from orchestration.defs.resources import XjsStorage
from orchestration.defs.sensors import landing_drop_sensor
from xjs import drops, layout

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
    assert RELEASE in json.loads(result.cursor)["seen"]


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
    assert RELEASE not in json.loads(result.cursor)["seen"]


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


def _waiting_drop(root, release="2025-01"):
    """A second drop beside RELEASE whose probation file is cut short: it waits."""
    shutil.copytree(layout.landing_dir(root, RELEASE), layout.landing_dir(root, release))
    manifest_path = layout.manifest_path(root, release)
    manifest = json.loads(manifest_path.read_text())
    manifest["release_id"] = release
    manifest_path.write_text(json.dumps(manifest))
    path = layout.landing_dir(root, release) / "probation_events.parquet"
    path.write_bytes(path.read_bytes()[:-10])
    return path


def _count_reads(monkeypatch) -> dict[str, int]:
    """Counts every hash of a file (data or manifest) and every strict read of one."""
    counts = {"_scan": 0, "sha256_of": 0, "load_table": 0}
    for name in counts:
        real = getattr(drops, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            counts[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(drops, name, counted)
    return counts


def test_a_second_tick_with_no_change_hashes_and_reads_no_file(drop_copy, monkeypatch):
    corrupt = _waiting_drop(drop_copy)
    first, instance = _tick(drop_copy)
    assert [r.partition_key for r in first.run_requests] == [RELEASE]
    counts = _count_reads(monkeypatch)
    again, _ = _tick(drop_copy, cursor=first.cursor, instance=instance)
    assert again.run_requests == []
    assert "2025-01" in again.skip_reason.skip_message
    assert counts == {"_scan": 0, "sha256_of": 0, "load_table": 0}
    # a changed file is read again, and only that one: the drop's other files kept
    # their verdicts (one strict read of a Parquet file, one hash of it)
    shutil.copy(layout.landing_dir(drop_copy, RELEASE) / corrupt.name, corrupt)
    repaired, _ = _tick(drop_copy, cursor=again.cursor, instance=instance)
    assert [r.partition_key for r in repaired.run_requests] == ["2025-01"]
    assert counts["load_table"] == 1 and counts["_scan"] == 1


def test_the_sensor_memory_holds_only_what_landing_holds(drop_copy):
    _waiting_drop(drop_copy)
    first, instance = _tick(drop_copy)
    memory = json.loads(first.cursor)["memory"]
    assert set(memory["manifests"]) == {RELEASE, "2025-01"}
    waiting = str(layout.landing_dir(drop_copy, "2025-01"))
    assert memory["files"] and all(p.startswith(waiting) for p in memory["files"])
    shutil.rmtree(layout.landing_dir(drop_copy, "2025-01"))
    again, _ = _tick(drop_copy, cursor=first.cursor, instance=instance)
    assert json.loads(again.cursor)["memory"] == {
        "manifests": {RELEASE: memory["manifests"][RELEASE]},
        "files": {},
    }


def test_a_cursor_of_the_earlier_format_is_read_as_seen_drops(drop_copy):
    first, instance = _tick(drop_copy)
    old_cursor = json.dumps(json.loads(first.cursor)["seen"])  # {release: fingerprint}
    again, _ = _tick(drop_copy, cursor=old_cursor, instance=instance)
    assert again.run_requests == []
