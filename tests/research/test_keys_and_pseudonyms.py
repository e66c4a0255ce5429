"""Keys and pseudonyms: keyed, domain-separated, stable under a key, changed by a new key."""

from __future__ import annotations

import stat

import pandas as pd
import pytest

from research import keys, pseudonyms


def test_key_file_is_created_once_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv(keys.KEY_ENV, raising=False)
    path = tmp_path / ".secrets" / "pseudonym.key"
    assert keys.create_key_file(path) is True
    assert keys.create_key_file(path) is False
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.load_key(path) == keys.load_key(path)
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_environment_key_wins_and_errors_never_show_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv(keys.KEY_ENV, "k" * 40)
    assert keys.load_key(tmp_path / "absent") == b"k" * 40
    monkeypatch.setenv(keys.KEY_ENV, "short-secret")
    with pytest.raises(keys.PseudonymKeyError) as err:
        keys.load_key(tmp_path / "absent")
    assert "short-secret" not in str(err.value)
    monkeypatch.delenv(keys.KEY_ENV)
    with pytest.raises(keys.PseudonymKeyError):
        keys.load_key(tmp_path / "absent")


def test_a_readable_key_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(keys.KEY_ENV, raising=False)
    path = tmp_path / "pseudonym.key"
    path.write_text("x" * 64)
    path.chmod(0o644)
    with pytest.raises(keys.PseudonymKeyError):
        keys.load_key(path)


def test_pseudonyms_are_stable_keyed_and_domain_separated():
    a, b = b"a" * 32, b"b" * 32
    ids = pd.Series(["P000000000001", "P000000000002", None, "P000000000001"])
    first = pseudonyms.pseudonymise(a, "person", ids)
    assert first.iloc[0] == first.iloc[3] != first.iloc[1]
    assert pd.isna(first.iloc[2])
    assert first.dropna().str.fullmatch(pseudonyms.pattern("person")[1:-1]).all()
    assert first.equals(pseudonyms.pseudonymise(a, "person", ids))
    other_key = pseudonyms.pseudonymise(b, "person", ids)
    assert not set(first.dropna()) & set(other_key.dropna())
    as_case = pseudonyms.pseudonymise(a, "case", ids)
    assert not {v[2:] for v in first.dropna()} & {v[2:] for v in as_case.dropna()}
    assert keys.key_id(a) != keys.key_id(b) and len(keys.key_id(a)) == 12


@pytest.mark.parametrize("key", [b"k" * 32, b"a-longer-key-" * 8, "ключ-🔑".encode() * 6])
def test_the_sql_pseudonyms_are_the_python_pseudonyms(key):
    import duckdb

    ids = ["P000000000001", "rec-é-1", "x\x1fy", "", None, "0123456789" * 12]
    with duckdb.connect() as con:
        pseudonyms.use_key(con, key)
        for kind in pseudonyms.KINDS:
            got = con.execute(
                f"select {pseudonyms.pseudonym_sql(kind, 'v')} from unnest(?::varchar[]) t(v)",
                [ids],
            ).fetchall()
            want = [None if v is None else pseudonyms.pseudonym(key, kind, v) for v in ids]
            assert [g for (g,) in got] == want, kind
        got = con.execute(
            f"select {pseudonyms.record_pseudonym_sql('s', 'r')} "
            "from (values ('crown_defendants', 'r1'), ('prison_journeys', 'J-9')) t(s, r)"
        ).fetchall()
        want = pseudonyms.pseudonymise_records(
            key, pd.Series(["crown_defendants", "prison_journeys"]), pd.Series(["r1", "J-9"])
        )
        assert [g for (g,) in got] == want.tolist()
        assert key.hex() not in " ".join(pseudonyms.pseudonym_sql(k, "v") for k in pseudonyms.KINDS)
