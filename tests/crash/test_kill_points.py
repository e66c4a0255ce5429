"""Crash safety: SIGKILL `xjs run` at every kill point, then a plain re-run is byte-identical.

For each point of xjs.faults.KILL_POINTS (spread over ingest, dbt, linkage,
marts and publishing) the release job runs as `.venv/bin/xjs run` with
XJS_KILL_AT=<point> and must die by SIGKILL (-9) exactly there. Then:

- no partial file is visible at a final path: every Parquet file under
  releases/ reads, every JSON parses, every HTML ends, every CSV parses, every
  published research folder matches its manifest, and every other file is a
  temporary file by name (xjs.atomic.is_temp, or inside a research temporary
  folder);
- a plain re-run succeeds and writes xjs_link.parquet, model.json and the
  research release's manifest.json byte for byte as an uninterrupted run does.

`make test-crash` runs these (marked `crash`, deselected in `make test`).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from research import publish
from synthetic import generate_drop
from xjs import atomic, layout
from xjs.faults import KILL_ENV, KILL_POINTS

pytestmark = [pytest.mark.crash, pytest.mark.slow]  # minutes each: make test-crash

REPO = layout.REPO_ROOT
XJS = REPO / ".venv" / "bin" / "xjs"
RELEASE = "2024-12"
PEOPLE, SEED = 300, 7  # small, but every source has records and training converges
KEY = "crash-test-pseudonym-key-0123456789abcdef"
COMPARED = (
    Path("releases") / RELEASE / "linkage" / "xjs_link.parquet",
    Path("releases") / RELEASE / "linkage" / "model.json",
    Path("releases") / RELEASE / "research" / "manifest.json",
)
RUN_TIMEOUT = 900


def _env(data_dir: Path, dagster_home: Path, kill_at: str | None) -> dict[str, str]:
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", dagster_home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if k != KILL_ENV}
    env |= {
        "XJS_DATA_DIR": str(data_dir),
        "XJS_PSEUDONYM_KEY": KEY,
        "DAGSTER_HOME": str(dagster_home),
        # dagster-dbt looks dbt up on PATH (until `xjs run` by path finds it itself)
        "PATH": f"{XJS.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    if kill_at is not None:
        env[KILL_ENV] = kill_at
    return env


def _run(data_dir: Path, dagster_home: Path, kill_at: str | None = None):
    return subprocess.run(
        [str(XJS), "run", "--data-dir", str(data_dir), "--release", RELEASE],
        env=_env(data_dir, dagster_home, kill_at),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )


@pytest.fixture(scope="session")
def drop(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("crash_drop")
    generate_drop(root, RELEASE, people=PEOPLE, seed=SEED)
    return root


@pytest.fixture(scope="session")
def reference(drop, tmp_path_factory) -> dict[Path, bytes]:
    """The compared files of one uninterrupted run, shared by the xdist workers."""
    # xdist workers' basetemps sit in one folder of this session; without xdist the
    # basetemp is the session's own (its parent is shared by every session: stale)
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "crash_reference"
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = shared / "data"
        if not (shared / "done").exists():
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(drop, data)
            done = _run(data, shared / "dagster_home")
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
            (shared / "done").write_text("ok")
    return {rel: (data / rel).read_bytes() for rel in COMPARED}


def _complete(path: Path) -> None:
    """The file at a final path is whole: it parses as what its name says."""
    if path.suffix == ".parquet":
        pq.read_table(path)
    elif path.suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
    elif path.suffix == ".html":
        assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path.name
    elif path.suffix == ".csv":
        pd.read_csv(path)
    else:
        assert path.stat().st_size > 0, path.name


def assert_no_partial_file(data_dir: Path) -> int:
    """Every file at a final path under releases/ is complete; the rest are temporary by name."""
    checked = 0
    for release_dir in (data_dir / "releases").glob("*"):
        for path in sorted(release_dir.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            rel = path.relative_to(release_dir)
            if atomic.is_temp(path) or rel.parts[0].startswith(publish.TMP_PREFIX):
                continue  # ignored by readers, cleaned by the next run
            _complete(path)
            checked += 1
        for folder in release_dir.glob(".research-*"):
            if (
                folder.is_dir()
                and not folder.is_symlink()
                and not folder.name.startswith(publish.TMP_PREFIX)
            ):  # a renamed folder is a finished release: its manifest is true
                manifest = json.loads((folder / publish.MANIFEST).read_text())
                assert manifest["files"] == publish.file_entries(folder), folder.name
    return checked


@pytest.mark.parametrize("point", KILL_POINTS)
def test_killed_at_a_point_then_a_plain_rerun_is_byte_identical(point, drop, tmp_path, request):
    data_dir = tmp_path / "data"
    shutil.copytree(drop, data_dir)

    killed = _run(data_dir, tmp_path / "dagster_home", kill_at=point)
    assert killed.returncode == -signal.SIGKILL, (
        f"{point}: not killed there (returncode {killed.returncode})\n" + killed.stdout[-3000:]
    )
    assert_no_partial_file(data_dir)

    rerun = _run(data_dir, tmp_path / "dagster_home")
    assert rerun.returncode == 0, f"{point}: re-run failed\n" + rerun.stdout[-4000:]
    assert_no_partial_file(data_dir)
    leftovers = [p.name for p in (data_dir / "releases").rglob("*") if atomic.is_temp(p)]
    assert leftovers == [], f"{point}: temporary files left after a clean run: {leftovers}"
    reference = request.getfixturevalue("reference")  # late: workers kill while one builds it
    for rel, expected in reference.items():
        assert (data_dir / rel).read_bytes() == expected, f"{point}: {rel} differs"
