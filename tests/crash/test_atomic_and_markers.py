"""The pieces crash safety rests on, fast (not marked crash: they run in `make test`).

xjs.atomic never leaves a partial file at a final path; xjs.verified lets only
a lookup whose blocking checks passed seed the next release; xjs.layout's
secure folders are owner-only whatever the umask; xjs.faults costs nothing
unless asked and names only points the pipeline has.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from research import keys
from xjs import atomic, faults, layout, verified


@pytest.fixture
def permissive_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path):
    return path.stat().st_mode & 0o777


def test_a_failing_writer_leaves_the_final_path_untouched_and_no_temp(tmp_path):
    final = tmp_path / "x.parquet"
    final.write_bytes(b"old complete file")
    with pytest.raises(RuntimeError), atomic.atomic_path(final) as tmp:
        tmp.write_bytes(b"half a parq")
        raise RuntimeError("killed mid-write")
    assert final.read_bytes() == b"old complete file"
    assert [p.name for p in tmp_path.iterdir()] == ["x.parquet"]


def test_temporary_names_never_look_final_and_are_cleaned(tmp_path):
    final = tmp_path / "sub" / "model.json"
    tmp = atomic.temp_path(final)
    assert atomic.is_temp(tmp) and not atomic.is_temp(final)
    assert tmp.parent == final.parent and tmp.suffix != ".json" and tmp.name.startswith(".")
    tmp.parent.mkdir()
    tmp.write_text("{")  # what a killed run leaves
    atomic.write_json(final, {"a": 1})
    assert atomic.clean_temp(tmp_path) == 1
    assert [p.name for p in final.parent.iterdir()] == ["model.json"]


def test_atomic_parquet_round_trips(tmp_path):
    path = tmp_path / "t.parquet"
    with atomic.atomic_path(path) as tmp:
        pq.write_table(pa.table({"a": [1, 2]}), tmp)
    assert pq.read_table(path).column("a").to_pylist() == [1, 2]


def test_secure_folders_and_their_files_are_owner_only(tmp_path, permissive_umask):
    secure = layout.secure_dir(tmp_path / "releases" / "2024-12" / "linkage")
    assert _mode(secure) == 0o700
    assert _mode(atomic.write_json(secure / "model.json", {})) == 0o600
    shared = tmp_path / "releases" / "2024-12" / "research"
    shared.mkdir()
    assert _mode(atomic.write_text(shared / "README.md", "x")) == 0o644  # meant to be shared
    (secure / "made_by_duckdb.wal").write_bytes(b"")
    assert _mode(secure / "made_by_duckdb.wal") == 0o644
    layout.secure_files(secure)
    assert _mode(secure / "made_by_duckdb.wal") == 0o600


def test_the_warehouse_is_owner_only(tmp_path, permissive_umask):
    from orchestration.defs.resources import XjsStorage

    storage = XjsStorage(data_dir=str(tmp_path))
    with storage.warehouse("2024-12") as con:
        con.execute("create table t as select 1 as a")
        wal = [p for p in storage.warehouse_path("2024-12").parent.iterdir() if p.is_file()]
        assert wal and {_mode(p) for p in wal} == {0o600}
    folder = storage.warehouse_path("2024-12").parent
    assert _mode(folder) == 0o700
    assert {_mode(p) for p in folder.iterdir() if p.is_file()} == {0o600}


def test_the_key_folder_is_owner_only(tmp_path, permissive_umask):
    path = tmp_path / ".secrets" / "pseudonym.key"
    assert keys.create_key_file(path)
    assert _mode(path.parent) == 0o700 and _mode(path) == 0o600


def _lookup(root, release, passed: dict[str, bool]):
    path = layout.xjs_link_path(root, release)
    layout.secure_dir(path.parent)
    atomic.write_bytes(path, f"lookup of {release}".encode())
    for check, ok in passed.items():
        verified.record(path.parent, check, ok, verified.sha256_of(path))
    return path


def test_a_lookup_whose_check_failed_does_not_seed_the_next_release(tmp_path):
    both = dict.fromkeys(verified.REQUIRED_CHECKS, True)
    _lookup(tmp_path, "2024-06", both)
    _lookup(tmp_path, "2024-09", both | {verified.XJS_LINK_CHECK: False})
    _lookup(tmp_path, "2024-10", {verified.XJS_LINK_CHECK: True})  # pairs never checked
    assert layout.previous_release_with_link(tmp_path, "2024-12") == "2024-06"
    _lookup(tmp_path, "2024-11", both)
    assert layout.previous_release_with_link(tmp_path, "2024-12") == "2024-11"


def test_a_lookup_rewritten_after_its_checks_no_longer_seeds(tmp_path):
    path = _lookup(tmp_path, "2024-06", dict.fromkeys(verified.REQUIRED_CHECKS, True))
    assert verified.is_verified(path.parent)
    atomic.write_bytes(path, b"rewritten after the checks")
    assert not verified.is_verified(path.parent)
    assert layout.previous_release_with_link(tmp_path, "2024-12") is None
    (path.parent / verified.MARKER_FILE).write_text("{not json")
    assert not verified.is_verified(path.parent)


def test_a_kill_point_kills_only_when_named():
    code = "from xjs import faults; faults.kill_point('ingest:x'); print('alive')"
    env = os.environ | {faults.KILL_ENV: "ingest:x"}
    killed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True)
    assert killed.returncode == -9 and killed.stdout == b""
    env[faults.KILL_ENV] = "ingest:y"
    alive = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert alive.returncode == 0 and alive.stdout == "alive\n"


def test_kill_points_are_unique_and_spread_over_every_stage():
    points = faults.KILL_POINTS
    assert len(points) >= 20 and len(set(points)) == len(points)
    stages = {"ingest:", "dbt:staging", "dbt:marts", "linkage:", "marker:", "research:"}
    assert all(any(p.startswith(s) for p in points) for s in stages)
