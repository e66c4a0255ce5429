"""The programs work called by path, as cron, systemd and schedulers call them.

`.venv/bin/xjs run`, `.venv/bin/xjs backfill` and `.venv/bin/dagster dev`, with
a PATH that lacks the virtual environment and from a directory that is not
the repository: nothing may be looked up on PATH or relative to the cwd.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from servers import free_port, server

from xjs.layout import REPO_ROOT, xjs_link_path

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("entry_points")]

VENV_BIN = Path(sys.executable).parent  # the venv the tests run in: .venv/bin
RELEASE = "2024-12"
BARE_PATH = "/usr/bin:/bin"
MAX_RUN_LINES = 40


@pytest.fixture
def bare(tmp_path, small_drop_root):
    """A data dir with a small drop, a Dagster home, a cwd outside the repo, a bare env."""
    data = tmp_path / "data"
    shutil.copytree(small_drop_root, data)
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = {
        "PATH": BARE_PATH,
        "HOME": str(tmp_path),
        "DAGSTER_HOME": str(home),
        "XJS_PSEUDONYM_KEY": "entry-points-test-key-0123456789abcdef",
        "LANG": "C.UTF-8",
    }
    assert shutil.which("dbt", path=BARE_PATH) is None  # the point of the test
    return data, cwd, env


def _call(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200, check=False
    )


def _log_file(stdout: str) -> Path:
    line = next(line for line in stdout.splitlines() if line.startswith("Full log:"))
    return Path(line.removeprefix("Full log:").strip())


def test_xjs_run_by_path_without_the_venv_on_path(bare):
    data, cwd, env = bare

    result = _call(
        [str(VENV_BIN / "xjs"), "run", "--data-dir", str(data), "--release", RELEASE], cwd, env
    )

    assert result.returncode == 0, result.stdout + result.stderr
    lines = (result.stdout + result.stderr).splitlines()
    assert len(lines) < MAX_RUN_LINES, result.stdout + result.stderr
    assert xjs_link_path(data, RELEASE).exists()
    # one line per stage; dbt's test lines and Splink's warnings are not on the console
    for stage in (
        "ingest",
        "standardise (dbt)",
        "link (train, score, cluster)",
        "research release",
    ):
        assert any(stage in line for line in lines), stage
    assert not any(" PASS " in line or "not_null_" in line for line in lines)
    log = _log_file(result.stdout)
    assert log.parent == data / "logs" / RELEASE
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    assert "START sql table model staging.stg_libra__defendants" in text  # dbt's output
    assert "PASS not_null_" in text
    assert 'Started execution of step "xjs_link"' in text  # Dagster's events


def test_xjs_backfill_by_path_without_the_venv_on_path(bare):
    data, cwd, env = bare

    result = _call([str(VENV_BIN / "xjs"), "backfill", "--data-dir", str(data)], cwd, env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{RELEASE}: " in result.stdout and " persons " in result.stdout
    assert xjs_link_path(data, RELEASE).exists()
    assert list((data / "logs" / RELEASE).glob("run-*.log"))


QUERY = """{
  workspaceOrError { ... on Workspace { locationEntries {
    name locationOrLoadError { __typename ... on PythonError { message } } } } }
  assetNodes { id }
}"""


def _graphql(port: int) -> dict | None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.loads(response.read())["data"]
    except (OSError, ValueError, KeyError):
        return None


def test_dagster_dev_by_path_loads_the_code_location(bare):
    _, cwd, env = bare
    port = free_port()
    dagster_dev = [
        str(VENV_BIN / "dagster"),
        "dev",
        "-w",
        str(REPO_ROOT / "workspace.yaml"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with server(dagster_dev, cwd, env, stop_seconds=60) as process:
        deadline = time.monotonic() + 300
        data = None
        while time.monotonic() < deadline:
            assert process.poll() is None, "dagster dev exited early"
            data = _graphql(port)
            entries = (data or {}).get("workspaceOrError", {}).get("locationEntries", [])
            if entries and entries[0]["locationOrLoadError"] is not None:
                break
            time.sleep(3)
        assert data is not None, "the webserver never answered"
        (entry,) = data["workspaceOrError"]["locationEntries"]
        assert entry["name"] == "xjs"
        assert entry["locationOrLoadError"]["__typename"] == "RepositoryLocation", entry
        assert len(data["assetNodes"]) > 0
