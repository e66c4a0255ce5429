"""The dbt project as Dagster sees it; the manifest is parsed on first use."""

from dagster_dbt import DbtProject

from xjs.layout import REPO_ROOT

dbt_project = DbtProject(project_dir=REPO_ROOT / "dbt_project")
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    # A fresh clone has no target/: parse once so the asset graph can load.
    dbt_project.preparer.prepare(dbt_project)
