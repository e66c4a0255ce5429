"""The identifier scan in DuckDB: planted identifier values are found in every kind of
released file, content vocabulary and short values are not, and counts are distinct values."""

import duckdb
import pandas as pd

from contracts.landing import LANDING_TABLES
from research import identifiers, publish


def landing(con):
    con.execute("create schema landing")
    con.execute(
        """
        create table landing.prison_aliases as select * from (values
            ('AL-000123', 'PJ-77', 'Zebedee', 'Quinnell', date '1979-05-20'),
            ('AL-000124', 'PJ-78', 'Al', 'Ox', null)
        ) t(alias_id, journey_record_id, first_name, last_name, birth_date)
        """
    )
    # a content column whose value is also a name: vocabulary, never an identifier
    values = {"assessment_type": "'Quinnell'", "record_id": "'AS-1'"}
    cols = ", ".join(
        f"{values.get(c, 'null')}::varchar as {c}"
        for c in LANDING_TABLES["oasys_assessments"].columns
    )
    con.execute(f"create table landing.oasys_assessments as select {cols}")


def test_planted_identifiers_are_found_and_vocabulary_is_not(tmp_path):
    folder = tmp_path / "release"
    (folder / "records").mkdir(parents=True)
    publish.write_parquet(
        pd.DataFrame(
            {
                "a": pd.array(["al 000123", "nothing", None], dtype="string"),
                "b": pd.array(["zebedee", "pj-77", "quinnell"], dtype="string"),
                "n": pd.array([1, 2, 3], dtype="Int64"),
            }
        ),
        folder / "records" / "t.parquet",
    )
    publish.write_parquet(
        pd.DataFrame({"a": pd.array(["fine", "Ox"], dtype="string")}), folder / "clean.parquet"
    )
    (folder / "agg.csv").write_text("sex,group,count\nM,AS-1,10\nF,other,15\n")
    (folder / "README.md").write_text("Born 20/05/1979, see PJ 77. Zebedee was here.\n")
    with duckdb.connect() as con:
        landing(con)
        found = identifiers.scan(con, folder)
        # the temporary tables are gone again
        (left,) = con.execute(
            "select count(*) from duckdb_tables() where table_name like '_xjs_%'"
        ).fetchone()
    # t.parquet: AL000123, ZEBEDEE, PJ77 (QUINNELL is vocabulary); Ox is too short;
    # README: "PJ 77" (two words, with a digit); a bare number (the date as digits only)
    # and a single-word name in prose are not tested (see the module docstring)
    assert found == {"records/t.parquet": 3, "agg.csv": 1, "README.md": 1}
    assert left == 0


def test_a_clean_folder_passes(tmp_path):
    folder = tmp_path / "release"
    folder.mkdir()
    publish.write_parquet(
        pd.DataFrame({"a": pd.array(["White", "M"], dtype="string")}), folder / "t.parquet"
    )
    (folder / "README.md").write_text("Released 2024-12, 15 tables.\n")
    with duckdb.connect() as con:
        landing(con)
        assert identifiers.scan(con, folder) == {}
