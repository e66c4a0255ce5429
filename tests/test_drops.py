"""Reading drops strictly: a file that is not what the manifest says fails, by name."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from contracts.landing import LANDING_TABLES
from xjs import drops, layout

RELEASE = "2024-12"


def _manifest(root):
    return json.loads(layout.manifest_path(root, RELEASE).read_text())


def _write_manifest(root, manifest):
    layout.manifest_path(root, RELEASE).write_text(json.dumps(manifest))


def test_complete_drop_reads_every_table_with_manifest_rows(small_drop_root):
    drops.verify_drop(small_drop_root, RELEASE)
    manifest = drops.read_manifest(small_drop_root, RELEASE)
    assert set(manifest.files) == set(LANDING_TABLES)
    for table, entry in manifest.files.items():
        data = drops.read_table(small_drop_root, RELEASE, table)
        assert data.num_rows == entry.rows
        assert data.schema.names == list(LANDING_TABLES[table].columns)


def test_missing_manifest_means_incomplete(drop_copy):
    layout.manifest_path(drop_copy, RELEASE).unlink()
    with pytest.raises(drops.DropError, match="no manifest"):
        drops.verify_drop(drop_copy, RELEASE)


def test_checksum_mismatch_names_the_file(drop_copy):
    path = layout.landing_dir(drop_copy, RELEASE) / "family_parties.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(drops.DropError, match=r"family_parties\.csv: sha256"):
        drops.read_table(drop_copy, RELEASE, "family_parties")


def test_row_count_mismatch_names_the_file(drop_copy):
    manifest = _manifest(drop_copy)
    for entry in manifest["files"]:
        if entry["table"] == "crown_defendants":
            entry["rows"] += 1
    _write_manifest(drop_copy, manifest)
    with pytest.raises(drops.DropError, match=r"crown_defendants\.parquet: has \d+ rows"):
        drops.read_table(drop_copy, RELEASE, "crown_defendants")


def _rewrite(root, table_name, new_bytes):
    """Replace a file and fix its manifest entry, so only the content is wrong."""
    path = layout.landing_dir(root, RELEASE) / LANDING_TABLES[table_name].filename
    path.write_bytes(new_bytes)
    manifest = _manifest(root)
    for entry in manifest["files"]:
        if entry["table"] == table_name:
            entry["sha256"] = drops.sha256_of(path)
    _write_manifest(root, manifest)
    return path


def test_csv_with_a_renamed_column_fails_with_the_column(drop_copy):
    path = layout.landing_dir(drop_copy, RELEASE) / "civil_parties.csv"
    text = path.read_text(encoding="utf-8").replace("party_name", "name", 1)
    _rewrite(drop_copy, "civil_parties", text.encode("utf-8"))
    with pytest.raises(drops.DropError, match=r"civil_parties\.csv: header .*party_name"):
        drops.read_table(drop_copy, RELEASE, "civil_parties")


def test_csv_with_a_short_row_fails_without_quoting_it(drop_copy):
    path = layout.landing_dir(drop_copy, RELEASE) / "magistrates_defendants.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0]  # drop the last field of the first row
    _rewrite(drop_copy, "magistrates_defendants", ("\n".join(lines) + "\n").encode())
    with pytest.raises(drops.DropError) as err:
        drops.read_table(drop_copy, RELEASE, "magistrates_defendants")
    message = str(err.value)
    assert "magistrates_defendants.csv" in message and "columns" in message
    assert lines[1] not in message


def test_parquet_with_a_wrong_type_fails_with_the_column(drop_copy):
    path = layout.landing_dir(drop_copy, RELEASE) / "probation_events.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("referral_date")
    table = table.set_column(index, "referral_date", table.column(index).cast(pa.string()))
    pq.write_table(table, path)
    _rewrite(drop_copy, "probation_events", path.read_bytes())
    with pytest.raises(drops.DropError, match=r"probation_events\.parquet: .*referral_date"):
        drops.read_table(drop_copy, RELEASE, "probation_events")


def test_unlisted_files_are_reported(drop_copy):
    (layout.landing_dir(drop_copy, RELEASE) / "notes.txt").write_text("x")
    manifest = drops.read_manifest(drop_copy, RELEASE)
    assert drops.unlisted_files(manifest) == ["notes.txt"]


def test_absent_table_is_carried_forward_from_the_newest_earlier_drop(drop_copy):
    later = "2025-03"
    later_dir = layout.landing_dir(drop_copy, later)
    later_dir.mkdir(parents=True)
    earlier = _manifest(drop_copy)
    kept = [e for e in earlier["files"] if e["table"] != "oasys_assessments"]
    for entry in kept:
        src = layout.landing_dir(drop_copy, RELEASE) / entry["path"]
        (later_dir / entry["path"]).write_bytes(src.read_bytes())
    manifest = {**earlier, "release_id": later, "files": kept}
    layout.manifest_path(drop_copy, later).write_text(json.dumps(manifest))

    assert drops.source_release_for(drop_copy, later, "oasys_assessments") == RELEASE
    assert drops.source_release_for(drop_copy, later, "crown_defendants") == later
    assert drops.source_release_for(drop_copy, RELEASE, "crown_defendants") == RELEASE


def test_release_ids_are_validated():
    with pytest.raises(ValueError):
        layout.check_release_id("2024-1")
    assert layout.sort_release_ids(["2025-03-r2", "2024-12", "2025-03"]) == [
        "2024-12",
        "2025-03",
        "2025-03-r2",
    ]


def test_previous_release_is_the_newest_earlier_one_with_a_verified_lookup(tmp_path):
    from xjs import verified

    for release in ("2024-06", "2024-09", "2024-12", "2025-01"):
        path = layout.xjs_link_path(tmp_path, release)
        path.parent.mkdir(parents=True)
        if release == "2024-09":
            continue  # no lookup at all
        path.write_bytes(f"lookup {release}".encode())
        sha = verified.sha256_of(path)
        for check in verified.REQUIRED_CHECKS:  # 2025-01: its xjs_link check failed
            verified.record(path.parent, check, release != "2025-01", sha)
    assert layout.previous_release_with_link(tmp_path, "2025-03") == "2024-12"
    assert layout.previous_release_with_link(tmp_path, "2024-12") == "2024-06"
    assert layout.previous_release_with_link(tmp_path, "2024-06") is None
