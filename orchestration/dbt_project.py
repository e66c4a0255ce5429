"""The dbt project as Dagster sees it, and the one place that finds the dbt executable.

dbt is looked up beside the running interpreter, never on PATH: cron jobs,
systemd units and schedulers call `.venv/bin/xjs` or `.venv/bin/dagster` by
path, without activating the virtual environment. dagster-dbt's defaults
(`DbtCliResource(dbt_executable="dbt")`, `DbtProject.prepare_if_dev()`) look
on PATH, so every dbt call here goes through `dbt_cli()`.
"""

from __future__ import annotations

import fcntl
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.dbt_project import using_dagster_dev

from xjs.layout import REPO_ROOT

PARSE_ARGS = ["parse", "--quiet"]


def dbt_executable() -> str:
    """The dbt of the running interpreter's environment (`<venv>/bin/dbt`), else dbt on PATH."""
    beside = Path(sys.executable).parent / "dbt"  # not resolved: the venv's bin, not the base's
    if beside.is_file():
        return str(beside)
    on_path = shutil.which("dbt")
    if on_path:
        return on_path
    raise FileNotFoundError(
        f"dbt not found beside the interpreter ({beside.parent}) nor on PATH: run `make setup`"
    )


def dbt_cli(project: DbtProject) -> DbtCliResource:
    """The dbt resource every asset and the parse below use."""
    return DbtCliResource(project_dir=project, dbt_executable=dbt_executable())


def prepare(project: DbtProject) -> None:
    """Parse the project: under `dagster dev` (to pick up edits), or when there is no manifest.

    Replaces `DbtProject.prepare_if_dev()`, whose preparer looks for dbt on PATH.
    A file lock keeps concurrent loads (code server, run workers) from parsing at once.
    """

    def needed() -> bool:
        return using_dagster_dev() or not project.manifest_path.exists()

    if not needed():
        return
    target = project.project_dir / project.target_path
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if needed():  # another process may have parsed while this one waited
                dbt_cli(project).cli(PARSE_ARGS, target_path=project.target_path).wait()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


dbt_project = DbtProject(project_dir=REPO_ROOT / "dbt_project")
prepare(dbt_project)
