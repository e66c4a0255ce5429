"""Atomic publication: the link always points at one complete folder."""

from __future__ import annotations

import pytest

from research import publish


def _release(release_dir, text):
    tmp = publish.temporary_folder(release_dir)
    (tmp / "data.txt").write_text(text)
    publish.write_json({"files": publish.file_entries(tmp)}, tmp / publish.MANIFEST)
    return tmp


def test_publish_swaps_the_link_keeps_the_previous_folder_and_drops_older(tmp_path):
    link = tmp_path / "research"
    first = publish.publish(_release(tmp_path, "one"), link)
    assert link.is_symlink() and (link / "data.txt").read_text() == "one"
    second = publish.publish(_release(tmp_path, "two"), link)
    assert (link / "data.txt").read_text() == "two"
    assert first.exists()  # a reader may still be inside it
    publish.publish(_release(tmp_path, "three"), link)
    assert not first.exists() and second.exists()
    leftovers = [p.name for p in tmp_path.iterdir() if "-tmp-" in p.name or "-link-" in p.name]
    assert leftovers == []


def test_the_same_content_publishes_to_the_same_folder(tmp_path):
    link = tmp_path / "research"
    first = publish.publish(_release(tmp_path, "same"), link)
    again = publish.publish(_release(tmp_path, "same"), link)
    assert first == again and link.resolve() == first


def test_a_plain_folder_from_before_is_replaced(tmp_path):
    link = tmp_path / "research"
    link.mkdir()
    (link / "old.txt").write_text("old")
    publish.publish(_release(tmp_path, "new"), link)
    assert link.is_symlink() and (link / "data.txt").exists()


def test_withdraw_goes_back_to_the_previous_release_then_away(tmp_path):
    link = tmp_path / "research"
    first = publish.publish(_release(tmp_path, "one"), link)
    publish.publish(_release(tmp_path, "two"), link)
    assert publish.withdraw(link) == first and (link / "data.txt").read_text() == "one"
    assert publish.withdraw(link) is None and not link.exists()


def test_a_killed_runs_temporary_folder_is_cleaned_by_the_next(tmp_path):
    dead = tmp_path / f"{publish.TMP_PREFIX}999999999-abcd"  # no such pid
    dead.mkdir()
    (dead / "half.parquet").write_bytes(b"PAR1")
    fresh = publish.temporary_folder(tmp_path)
    assert not dead.exists() and fresh.exists()


@pytest.mark.parametrize("rows", [0, 7, 25_013])
def test_a_streamed_query_writes_the_bytes_of_the_whole_frame(tmp_path, monkeypatch, rows):
    """Many batches and row groups, threads on, insertion order off: the same bytes as
    write_parquet of the sorted frame, and every batch seen by the check."""
    import duckdb
    import pyarrow as pa

    monkeypatch.setattr(publish, "BATCH_ROWS", 1000)
    monkeypatch.setitem(publish.PARQUET_OPTIONS, "row_group_size", 4096)
    con = duckdb.connect(config={"threads": 4, "preserve_insertion_order": "false"})
    sql = (
        "select md5(cast(i as varchar)) as k, i * 3 as n, "
        "case when i % 7 = 0 then null else i % 2 = 0 end as b "
        f"from range({rows}) t(i) order by k"
    )
    frame = con.sql(sql).df().astype({"k": "string", "n": "Int64", "b": "boolean"})
    publish.write_parquet(frame, tmp_path / "whole.parquet")
    seen = []
    schema = pa.schema([("k", pa.string()), ("n", pa.int64()), ("b", pa.bool_())])
    written = publish.write_query(
        con, sql, tmp_path / "streamed.parquet", schema, lambda t: seen.append(t.num_rows)
    )
    assert written == rows == sum(seen)
    assert rows < 1000 or len(seen) > 1
    assert (tmp_path / "streamed.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()
    (order,) = con.execute("select current_setting('preserve_insertion_order')").fetchone()
    assert order is False  # the connection's setting is given back
