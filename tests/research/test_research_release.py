"""The research release of a small synthetic drop, built once through the real job.

The brief's four guarantees: a dictionary attack matches no pseudonym; no value
of any direct-identifier column of the drop appears in the folder; every
aggregate cell passes the disclosure rules; republishing is byte-identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import shutil

import dagster as dg
import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from test_disclosure import derivable_cells

from contracts.landing import LANDING_TABLES
from orchestration.definitions import defs as load_defs
from orchestration.defs.partitions import release_partitions
from research import build, disclosure, identifiers, keys, pseudonyms, publish, tables
from synthetic.names import FEMALE_FORENAMES, MALE_FORENAMES, NAME_GROUPS, SURNAMES, words
from xjs import layout

pytestmark = [pytest.mark.xdist_group("research_release")]

RELEASE = "2024-12"
KEY = "research-release-test-key-0123456789abcdef"


@pytest.fixture(scope="session")
def released(small_drop_root, tmp_path_factory):
    """A data directory whose 2024-12 release went through the whole job, research included."""
    root = tmp_path_factory.mktemp("research_release")
    shutil.copytree(small_drop_root, root, dirs_exist_ok=True)
    umask = os.umask(0o022)  # permissive: the secure folders must not depend on it
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XJS_DATA_DIR", str(root))
        mp.setenv(keys.KEY_ENV, KEY)
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(release_partitions.name, [RELEASE])
        # research_release and what it needs, nothing else of the job
        job = dg.Definitions.merge(
            load_defs(),
            dg.Definitions(
                jobs=[
                    dg.define_asset_job(
                        "research_release_test",
                        selection=dg.AssetSelection.assets("research_release").upstream(),
                    )
                ]
            ),
        ).resolve_job_def("research_release_test")
        try:
            result = job.execute_in_process(
                partition_key=RELEASE, instance=instance, raise_on_error=False
            )
        finally:
            os.umask(umask)
    assert result.success
    assert (layout.research_dir(root, RELEASE) / "manifest.json").exists()
    return root


def _folder(root):
    return layout.research_dir(root, RELEASE)


def _landing(root, table):
    spec = LANDING_TABLES[table]
    path = layout.landing_dir(root, RELEASE) / spec.filename
    if not path.exists():
        return None
    if spec.format == "csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.read_parquet(path).astype("string")


def _released_pseudonyms(folder) -> set[str]:
    out = set()
    for path in folder.rglob("*.parquet"):
        table = pq.read_table(path)
        for name in table.column_names:
            if name.endswith("_pseudonym"):
                out |= {v[2:] for v in table.column(name).to_pylist() if v}
    return out


def test_the_published_folder_is_complete_and_its_manifest_true(released):
    folder = _folder(released)
    assert folder.is_symlink()
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert on_disk - listed == {"manifest.json", publish.SCAN_RECORD}
    for entry in manifest["files"]:
        assert hashlib.sha256((folder / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    assert {"README.md", "data_dictionary.md", "linkage_quality.json"} <= listed
    assert manifest["key_id"] == keys.key_id(KEY.encode())
    assert KEY not in "".join(
        p.read_text(errors="ignore") for p in folder.rglob("*") if p.is_file()
    )


def test_the_scan_before_the_swap_holds_only_for_the_folder_as_scanned(released, tmp_path):
    # what lets the no_direct_identifiers check skip a second scan of an unchanged folder
    assert publish.scan_still_holds(_folder(released))
    changed, added, unrecorded = (tmp_path / n for n in ("changed", "added", "unrecorded"))
    for copy in (changed, added, unrecorded):
        shutil.copytree(_folder(released), copy)
    (changed / "README.md").write_text((changed / "README.md").read_text() + "x")
    (added / "extra.csv").write_text("a\n")
    (unrecorded / publish.SCAN_RECORD).unlink()
    assert not any(publish.scan_still_holds(f) for f in (changed, added, unrecorded))


def test_no_direct_identifier_of_the_drop_appears_anywhere(released):
    folder = _folder(released)
    with duckdb.connect(str(layout.warehouse_path(released, RELEASE)), read_only=True) as con:
        assert identifiers.scan(con, folder) == {}
    # independently of the scanner: the drop's own files, high-entropy identifiers,
    # as whole words of every released cell and text
    ident = set()
    for table, cols in identifiers.DIRECT_IDENTIFIERS.items():
        frame = _landing(released, table)
        if frame is not None:
            for col in cols:
                ident |= {v for v in frame[col].dropna() if re.search(r"\d", v) and len(v) >= 6}
    released_words = set()
    for path in folder.rglob("*"):
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            text = " ".join(frame.select_dtypes(exclude="number").astype(str).to_numpy().ravel())
        elif path.is_file():
            text = path.read_text()
        else:
            continue
        released_words |= set(re.split(r"[\s,|\"]+", text))
    assert not ident & released_words
    # no released column is named after an identifier
    names = {c for p in folder.rglob("*.parquet") for c in pq.read_schema(p).names}
    assert not names & {c for cols in identifiers.DIRECT_IDENTIFIERS.values() for c in cols}


def test_a_dictionary_attack_matches_no_pseudonym(released):
    target = _released_pseudonyms(_folder(released))
    assert len(target) > 1000
    candidates: set[str] = set()
    day, today = dt.date(1900, 1, 1), dt.date.today()
    while day <= today:
        candidates |= {day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%Y%m%d")}
        day += dt.timedelta(days=1)
    names = set()
    for group in NAME_GROUPS:
        for vocab in (SURNAMES, MALE_FORENAMES, FEMALE_FORENAMES):
            names |= set(words(vocab[group]))
    candidates |= names | {n.upper() for n in names}
    for table, cols in identifiers.DIRECT_IDENTIFIERS.items():
        frame = _landing(released, table)
        if frame is not None:
            for col in cols:
                candidates |= set(frame[col].dropna())
    pnc_short = {v[2:] for v in candidates if re.fullmatch(r"\d{4}/\d{7}[A-Z]", v)}
    candidates |= pnc_short
    key = KEY.encode()
    hits = 0
    # what anyone can guess, unkeyed or even under the real key, in every domain
    for m in (c.encode() for c in candidates if c):
        guesses = [hashlib.sha256(m), hashlib.sha1(m), hashlib.md5(m)]
        guesses += [hmac.new(key, m, hashlib.sha256)]
        guesses += [
            hmac.new(key, d.encode() + bytes([31]) + m, hashlib.sha256)
            for d, _ in pseudonyms.KINDS.values()
        ]
        hits += sum(g.hexdigest()[: pseudonyms.HEX_CHARS] in target for g in guesses)
    # the internal ids, hashed without the key or under guessable keys
    internal = pd.read_parquet(layout.xjs_link_path(released, RELEASE))
    ids = set(internal["person_id"]) | set(internal["cluster_high"]) | set(internal["record_id"])
    for m in (i.encode() for i in ids):
        guesses = [hashlib.sha256(m), hashlib.md5(m)]
        guesses += [hmac.new(k, m, hashlib.sha256) for k in (b"", b"secret", b"xjs")]
        hits += sum(g.hexdigest()[: pseudonyms.HEX_CHARS] in target for g in guesses)
    assert hits == 0
    # every surname x every date of birth 1900..today, unkeyed, in DuckDB
    with duckdb.connect() as con:
        con.execute("create table target as select unnest(?::varchar[]) as h", [sorted(target)])
        found = con.execute(
            """
            with s as (select unnest(?::varchar[]) as s),
            d as (select strftime(date '1900-01-01' + i::int, '%Y-%m-%d') as d
                  from range(date_diff('day', date '1900-01-01', current_date) + 1) t(i))
            select count(*) from s, d
            where substr(sha256(s || '|' || d), 1, 20) in (select h from target)
            """,
            [sorted({n.upper() for n in words(" ".join(SURNAMES.values()))})],
        ).fetchone()[0]
    assert found == 0


def test_only_internal_ids_are_ever_hashed(released):
    """Every pseudonym of the release is the keyed hash of an internal id of its own kind
    (person, cluster and record ids of the lookup, a source's case reference): whatever a
    dictionary holds, no name, date or source id is a pseudonym input."""
    key = KEY.encode()
    link = pd.read_parquet(layout.xjs_link_path(released, RELEASE))
    allowed = {
        "person": set(link["person_id"]),
        "cluster_high": set(link["cluster_high"]),
        "cluster_low": set(link["cluster_low"]),
        "record": set(link["source_table"] + "\x1f" + link["record_id"]),
        "case": set(),
    }
    with duckdb.connect(str(layout.warehouse_path(released, RELEASE)), read_only=True) as con:
        for source in tables.SOURCES:
            if source.case:
                refs = con.sql(
                    f"select distinct cast({source.case} as varchar) from {source.staging}"
                    f" where {source.case} is not null"
                ).fetchall()
                allowed["case"] |= {f"{source.table}\x1f{r}" for (r,) in refs}
    expected = {
        kind: {pseudonyms.pseudonym(key, kind, v) for v in values}
        for kind, values in allowed.items()
    }
    found = 0
    for path in _folder(released).rglob("*.parquet"):
        table = pq.read_table(path)
        for name in table.column_names:
            if name.endswith("_pseudonym"):
                kind = name.removesuffix("_pseudonym")
                values = {v for v in table.column(name).to_pylist() if v is not None}
                assert values <= expected[kind], (path.name, name)
                found += len(values)
    assert found > 1000


def test_every_aggregate_cell_passes_the_disclosure_rules(released):
    paths = sorted((_folder(released) / "aggregates").glob("*.csv"))
    assert len(paths) == 5
    for path in paths:
        frame = pd.read_csv(path, dtype={"count": "Int64"}, keep_default_na=False, na_values=[""])
        assert not any(disclosure.check(frame).values()), path.stem
        published = frame["count"].dropna()
        assert ((published >= disclosure.THRESHOLD) & (published % 5 == 0)).all()
        grid = frame.pivot(index=frame.columns[0], columns=frame.columns[1], values="count")
        grid = grid.reindex(
            index=list(dict.fromkeys(frame.iloc[:, 0])),
            columns=list(dict.fromkeys(frame.iloc[:, 1])),
        )
        assert derivable_cells(grid.isna().to_numpy()) == 0, path.stem


def test_republishing_is_byte_identical_and_a_new_key_changes_every_pseudonym(released, tmp_path):
    folder = _folder(released)
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    target = folder.resolve()
    summary = build.publish_release(released, RELEASE, KEY.encode())
    assert summary.folder == target
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before
    with duckdb.connect(str(layout.warehouse_path(released, RELEASE)), read_only=True) as con:
        build.build(
            con, RELEASE, b"another-key-" * 4, layout.linkage_dir(released, RELEASE), tmp_path
        )
    assert not _released_pseudonyms(tmp_path) & _released_pseudonyms(folder)


def test_every_count_of_linkage_quality_passes_the_disclosure_rules(released):
    published = json.loads((_folder(released) / build.QUALITY_FILE).read_text())
    assert set(published) == {"linkage", "evaluation"}
    assert not any(disclosure.check_numbers(published).values())
    numbers = list(disclosure.leaves(published))
    counts = [v for v in numbers if isinstance(v, int) and not isinstance(v, bool)]
    assert counts and all(c >= disclosure.THRESHOLD and c % 5 == 0 for c in counts)
    rates = [v for v in numbers if isinstance(v, float)]
    assert rates and all(round(r, disclosure.RATE_DECIMALS) == r for r in rates)
    assert "training" not in published["linkage"]  # seeds and model parameters stay internal
    # the rules bite: the internal numbers it comes from break them
    internal = build._numbers_only(
        json.loads(layout.linkage_file(released, RELEASE, layout.METADATA_FILE).read_text())
    )
    assert disclosure.check_numbers(internal)["published_counts_not_rounded"] > 0


def test_a_release_failing_its_checks_is_never_swapped_in(released, tmp_path, monkeypatch):
    root = tmp_path / "data"
    shutil.copytree(released, root, symlinks=True)
    link = layout.research_dir(root, RELEASE)
    before = link.resolve()
    folders = sorted(p.name for p in link.parent.iterdir())
    # linkage_quality.json with raw counts: the check of the finished folder must catch it
    monkeypatch.setattr(disclosure, "protect_numbers", lambda data: data)
    with pytest.raises(build.ResearchReleaseError, match="linkage_quality: published_counts"):
        build.publish_release(root, RELEASE, b"another-key-" * 4)
    assert link.resolve() == before  # the previous release stays published
    assert sorted(p.name for p in link.parent.iterdir()) == folders  # nothing new, no temp


def test_a_published_release_failing_reverification_is_withdrawn(released, tmp_path):
    root = tmp_path / "data"
    shutil.copytree(released, root, symlinks=True)
    link = layout.research_dir(root, RELEASE)
    first = link.resolve()
    second = build.publish_release(root, RELEASE, b"another-key-" * 4).folder
    assert link.resolve() == second != first
    assert publish.withdraw(link) == first and link.resolve() == first


def test_secure_at_rest_under_a_permissive_umask(released):
    def mode(p):
        return p.stat().st_mode & 0o777

    warehouse = layout.warehouse_path(released, RELEASE)
    assert mode(warehouse.parent) == 0o700
    assert [mode(p) for p in warehouse.parent.iterdir() if p.is_file()] == [0o600] * sum(
        1 for p in warehouse.parent.iterdir() if p.is_file()
    )
    linkage_dir = layout.linkage_dir(released, RELEASE)
    assert mode(linkage_dir) == 0o700
    files = [p for p in linkage_dir.iterdir() if p.is_file()]
    assert len(files) >= 6 and {mode(p) for p in files} == {0o600}
    research = [p for p in _folder(released).rglob("*") if p.is_file()]
    assert research and {mode(p) for p in research} == {0o644}  # meant to be shared
