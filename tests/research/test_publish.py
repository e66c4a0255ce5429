"""Atomic publication: the link always points at one complete folder."""

from __future__ import annotations

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
