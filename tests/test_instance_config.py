"""The committed Dagster instance configs: telemetry off, one release and one writer at a time."""

from __future__ import annotations

import shutil

import dagster as dg
import yaml

from xjs.layout import REPO_ROOT

HOME = REPO_ROOT / "dagster_home"


def test_local_instance_loads_with_serial_runs_and_a_single_duckdb_writer(tmp_path):
    shutil.copy(HOME / "dagster.yaml", tmp_path / "dagster.yaml")
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    try:
        assert instance.telemetry_enabled is False
        settings = instance.get_concurrency_config()
        assert settings.run_queue_config.max_concurrent_runs == 1
        assert settings.pool_config.default_pool_limit == 1
    finally:
        instance.dispose()


def test_postgres_variant_takes_credentials_from_the_environment_only():
    config = yaml.safe_load((HOME / "dagster.postgres.yaml").read_text())
    assert config["telemetry"]["enabled"] is False
    db = config["storage"]["postgres"]["postgres_db"]
    assert all(set(value) == {"env"} for value in db.values()), "every setting from env"
    assert (
        config["concurrency"] == yaml.safe_load((HOME / "dagster.yaml").read_text())["concurrency"]
    )
