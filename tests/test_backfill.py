"""A three-release backfill runs in order and carries person ids over."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest

from orchestration.runner import backfill, releases_to_backfill
from synthetic import generate_drop
from xjs import layout

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("backfill")]

RELEASES = ["2024-06", "2024-09", "2024-12"]


def test_releases_to_backfill_picks_a_range_in_order():
    available = ["2024-12", "2024-06", "2025-03-r2", "2024-09"]
    assert releases_to_backfill(available) == ["2024-06", "2024-09", "2024-12", "2025-03-r2"]
    assert releases_to_backfill(available, "2024-09", "2024-12") == ["2024-09", "2024-12"]
    assert releases_to_backfill(available, first="2025-01") == ["2025-03-r2"]


def test_three_releases_backfill_in_order_with_person_ids_carried_over(tmp_path, monkeypatch):
    monkeypatch.setenv("XJS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("XJS_PSEUDONYM_KEY", "backfill-test-key-0123456789abcdef")
    for release in reversed(RELEASES):  # arrival order must not matter
        generate_drop(tmp_path, release, people=800, seed=11)
    instance = dg.DagsterInstance.ephemeral()

    outcomes = backfill(list(reversed(RELEASES)), instance=instance)

    assert [release for release, _ in outcomes] == RELEASES
    assert all(o.success for _, o in outcomes), [o.failure for _, o in outcomes]
    first, second, third = (o.metadata["xjs_link"] for _, o in outcomes)
    assert first["previous_release"] == "none" and first["persons_kept"] == 0
    assert second["previous_release"] == RELEASES[0]
    assert third["previous_release"] == RELEASES[1]
    assert second["persons_kept"] > 0 and third["persons_kept"] > 0
    # the asset shows how each release predicted: the first in full, the next from the
    # previous release's state (linkage/incremental.py)
    assert (first["prediction_mode"], first["prediction_fallback_reason"]) == (
        "full",
        "no_previous_release",
    )
    for later in (second, third):
        assert (later["prediction_mode"], later["prediction_fallback_reason"]) == (
            "incremental",
            "none",
        )
        pairs = later["prediction_reused_pairs"] + later["prediction_new_pairs"]
        assert pairs == later["comparisons"]

    links = {r: pd.read_parquet(layout.xjs_link_path(tmp_path, r)) for r in RELEASES}
    key = ["source_table", "record_id"]
    for earlier, later in zip(RELEASES, RELEASES[1:], strict=False):
        both = links[earlier].merge(links[later], on=key, suffixes=("_then", "_now"))
        assert len(both) == len(links[earlier])  # every record carries over
        kept = (both["person_id_then"] == both["person_id_now"]).mean()
        assert kept >= 0.95, f"{earlier}->{later}: {kept:.3f} of records kept their person id"

    # each release is reproducible: re-running the middle one gives the same lookup
    before = layout.xjs_link_path(tmp_path, RELEASES[1]).read_bytes()
    ((_, again),) = backfill([RELEASES[1]], instance=instance)
    assert again.success
    assert layout.xjs_link_path(tmp_path, RELEASES[1]).read_bytes() == before
