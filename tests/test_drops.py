"""Reading drops strictly: a file that is not what the manifest says fails, by name."""

from __future__ import annotations

import json

import duckdb
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
    for bad in ("2024-1", "2024-13", "2024-00", "../x", "2024-12-R2", "2024-12\n"):
        with pytest.raises(ValueError):
            layout.check_release_id(bad)
    for good in ("2024-01", "2024-12", "2025-03-r2"):
        assert layout.check_release_id(good) == good
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


def test_a_manifest_key_given_twice_is_refused(drop_copy):
    path = layout.manifest_path(drop_copy, RELEASE)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"release_id"', '"release_id": "2024-12", "release_id"', 1))
    with pytest.raises(drops.DropError, match=r"_manifest\.json: .*'release_id' twice"):
        drops.read_manifest(drop_copy, RELEASE)


def test_a_file_in_a_subfolder_of_the_drop_is_read_and_not_reported_unlisted(drop_copy):
    folder = layout.landing_dir(drop_copy, RELEASE)
    (folder / "parquet").mkdir()
    (folder / "crown_defendants.parquet").rename(folder / "parquet" / "crown.parquet")
    manifest = _manifest(drop_copy)
    for entry in manifest["files"]:
        if entry["table"] == "crown_defendants":
            entry["path"] = "parquet/crown.parquet"
    _write_manifest(drop_copy, manifest)
    assert drops.read_table(drop_copy, RELEASE, "crown_defendants").num_rows > 0
    assert drops.unlisted_files(drops.read_manifest(drop_copy, RELEASE)) == []


def test_upper_case_sha256_is_the_same_checksum(drop_copy):
    manifest = _manifest(drop_copy)
    for entry in manifest["files"]:
        entry["sha256"] = entry["sha256"].upper()
    _write_manifest(drop_copy, manifest)
    drops.verify_drop(drop_copy, RELEASE)


def test_previous_warehouse_is_the_newest_earlier_one(tmp_path):
    assert drops.previous_warehouse(tmp_path, "2025-03") is None
    for release in ("2024-06", "2024-12", "2025-06"):
        path = layout.warehouse_path(tmp_path, release)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    (layout.warehouse_path(tmp_path, "2024-12").parent / "notes.duckdb").write_bytes(b"")
    assert drops.previous_warehouse(tmp_path, "2025-03") == (
        "2024-12",
        layout.warehouse_path(tmp_path, "2024-12"),
    )
    assert drops.previous_warehouse(tmp_path, "2024-06") is None


def test_reuse_counts_only_records_whose_surname_and_birth_date_both_changed(tmp_path):
    previous = tmp_path / "previous.duckdb"
    rows = [
        ("A1", "SMITH", "JOHN", "01/02/1980"),  # unchanged
        ("A2", "JONES", "MARY", "03/04/1990"),  # another person
        ("A3", "BROWN", "ANN", "05/06/1970"),  # surname corrected only
        ("A4", "PAUL", "DAVID", "07/08/1960"),  # names swapped back, DOB corrected
        ("A5", "GREEN", "TOM", None),  # DOB added: a correction
        ("A6", "WHITE", "ALAN", "09/10/1950"),  # case and spaces only, DOB corrected
    ]
    later = [
        ("A1", "SMITH", "JOHN", "01/02/1980"),
        ("A2", "TAYLOR", "PETER", "11/12/1985"),
        ("A3", "BROWNE", "ANN", "05/06/1970"),
        ("A4", "DAVID", "PAUL", "08/07/1960"),
        ("A5", "GRAY", "TOM", "01/01/1999"),
        ("A6", " white ", "ALAN", "10/09/1950"),
        ("A7", "NEW", "PERSON", "01/01/2000"),  # a new record
    ]
    ddl = "create table landing.magistrates_defendants (record_id varchar, surname varchar, "
    ddl += "forename1 varchar, date_of_birth varchar)"
    with duckdb.connect(str(previous)) as con:
        con.execute("create schema landing")
        con.execute(ddl)
        con.executemany("insert into landing.magistrates_defendants values (?, ?, ?, ?)", rows)
    with duckdb.connect(str(tmp_path / "current.duckdb")) as con:
        con.execute("create schema landing")
        con.execute(ddl)
        con.executemany("insert into landing.magistrates_defendants values (?, ?, ?, ?)", later)
        assert drops.reused_record_ids(con, "magistrates_defendants", previous) == 1
        assert drops.reused_record_ids(con, "family_parties", previous) is None
        # the previous warehouse is detached again
        attached = con.execute(
            "select count(*) from duckdb_databases() where database_name = ?",
            [drops.PREVIOUS_ALIAS],
        ).fetchone()[0]
        assert attached == 0
