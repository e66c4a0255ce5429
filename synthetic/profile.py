"""Realised rates of a synthetic drop, beside the documented model (rates.py).

Reads the drop's files (strictly, via xjs.drops) and the synthetic-only truth
side files under truth/<R>/, and reports counts and rates only: never a value.
`expected_rates` turns the documented per-source rates into what a snapshot
should show, so tests and readers can hold the two side by side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from contracts.identifiers import is_valid_cro, is_valid_pnc
from contracts.landing import CRIMINAL_TABLES, LANDING_TABLES, PERSON_RECORD_TABLES
from contracts.person_records import PLACEHOLDER_DATES_OF_BIRTH
from synthetic.rates import CORRECTABLE, ERROR_TYPES, profile_rates
from xjs import drops
from xjs.layout import mags_crown_truth_path, truth_path

JUNK_NAME = re.compile(r"^(NOT ENTERED|MIG_ERROR_.*|NO_SHOW_.*)$")


@dataclass(frozen=True)
class Columns:
    """Where each common field lives in one landing table (None: not in the source)."""

    forename: str
    surname: str
    dob: str
    postcode: str | None
    pnc: str | None = None
    cro: str | None = None
    noms: str | None = None
    crn: str | None = None
    person_level_id: str | None = None  # an id meant to be one per person


COLUMNS = {
    "magistrates_defendants": Columns(
        "forename1",
        "surname",
        "date_of_birth",
        "postcode",
        "pnc_id",
        "cro_number",
        person_level_id="libra_defendant_id",
    ),
    "crown_defendants": Columns(
        "first_name",
        "surname",
        "date_of_birth",
        "postcode",
        "pnc_id",
        person_level_id="defendant_id",
    ),
    "family_parties": Columns("forenames", "surname", "date_of_birth", "postcode"),
    "civil_parties": Columns("party_name", "party_name", "date_of_birth", "postcode"),
    "probation_events": Columns(
        "forename",
        "surname",
        "date_of_birth",
        "postcode",
        "pnc_number",
        "cro_number",
        "noms_number",
        "crn",
        person_level_id="offender_id",
    ),
    "prison_journeys": Columns(
        "first_name",
        "last_name",
        "birth_date",
        None,
        "pnc_id",
        "cro_number",
        "prison_number",
        person_level_id="prison_number",
    ),
    "oasys_assessments": Columns(
        "forename_1",
        "family_name",
        "date_of_birth",
        None,
        "pnc",
        "cro",
        "prison_number",
        "crn",
        person_level_id="oasys_offender_pk",
    ),
}


@dataclass
class Profile:
    release_id: str
    rows: dict[str, int]  # rows per landing table in the drop
    absent: list[str]  # tables not in this drop (not yet started)
    errors: str = "default"  # the error profile the expected rates are of
    sources: dict[str, dict[str, float]] = field(default_factory=dict)  # table -> metric -> value
    overall: dict[str, float] = field(default_factory=dict)


def expected_rates(table: str, errors: str = "default") -> dict[str, float]:
    """What a snapshot should show per person record, from the documented rates of the
    `errors` profile.

    Masking is accounted for (a placeholder is not seen under a missing DOB, a name error
    under junk); the correctable types are shown net of corrections, assuming they have
    landed (true for records over two years old; recent ones show slightly more). Rates of
    eligible records only (maiden_name, transliteration, ...) are not listed.
    """
    r = profile_rates(errors)[table]
    shown = (1 - r.dob_missing) * (1 - r.dob_placeholder)
    kept = 1 - r.junk_name  # a name error under junk is not seen
    reversed_ = r.name_order_reversed * (1 - r.names_swapped)
    pc_shown = (1 - r.no_fixed_abode) * (1 - r.postcode_missing)
    out = {
        "name_typo": r.name_typo,
        "phonetic": r.phonetic,
        "nickname": r.nickname * (1 - r.names_swapped) * (1 - reversed_) * kept,
        "names_swapped": r.names_swapped,
        "name_order_reversed": reversed_ * kept,
        "junk_name": r.junk_name,
        "name_truncated": r.name_truncated * kept,
        "name_ocr": r.name_ocr * kept,
        "title_in_name": r.title_in_name * kept,
        "forename_initial": r.forename_initial * kept,
        "name_punctuation": r.name_punctuation * kept,
        "dob_missing": r.dob_missing,
        "dob_placeholder": r.dob_placeholder * (1 - r.dob_missing),
        "dob_swap": r.dob_swap * shown,
        "dob_typo": r.dob_typo * (1 - r.dob_swap) * shown,
        "dob_decade": r.dob_decade * shown,
        "dob_century": r.dob_century * shown,
        "postcode_ocr": r.postcode_ocr * pc_shown,
        "postcode_typo": r.postcode_typo * pc_shown,
        "no_fixed_abode": r.no_fixed_abode * (1 - r.postcode_missing),
    }
    for name in CORRECTABLE:
        out[name] *= 1 - r.corrected
    if table == "family_parties":  # adults and children differ: see dob_missing_adults
        del out["dob_missing"]
        out["dob_missing_adults"] = r.dob_missing
    return out


def _is_person(table: str, frame: pd.DataFrame) -> np.ndarray:
    if table == "family_parties":
        return (frame.party_type == "Person").to_numpy()
    if table == "civil_parties":
        return (frame.party_type == "Individual").to_numpy()
    if table == "crown_defendants":
        return ~frame.is_company.to_numpy(dtype=bool)
    return np.ones(len(frame), dtype=bool)


def _share(mask) -> float:
    mask = np.asarray(mask, dtype=bool)
    return float(mask.mean()) if len(mask) else 0.0


def _present(values: pd.Series) -> np.ndarray:
    return values.notna().to_numpy() & (values.astype("string").fillna("") != "").to_numpy()


def _dob_text(values: pd.Series) -> pd.Series:
    """Dates of birth as YYYY-MM-DD text whatever the source's format."""
    text = values.astype("string")
    ddmm = text.str.match(r"^\d{2}/\d{2}/\d{4}$").fillna(False)
    flipped = text.str[6:10] + "-" + text.str[3:5] + "-" + text.str[0:2]
    return text.where(~ddmm, flipped)


def _source_metrics(table: str, frame: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    c = COLUMNS[table]
    n = len(frame)
    m: dict[str, float] = {"records": n}
    person = truth.set_index("record_id").person_id.reindex(frame.record_id).to_numpy()
    m["people"] = len(set(person))
    m["records_per_person"] = n / m["people"] if m["people"] else 0.0
    dob = _dob_text(frame[c.dob])
    m["dob_missing_seen"] = _share(dob.isna().to_numpy())
    m["dob_placeholder_seen"] = _share(dob.isin(list(PLACEHOLDER_DATES_OF_BIRTH)).fillna(False))
    m["forename_missing"] = _share(~_present(frame[c.forename]))
    if "party_role" in frame and table == "family_parties":
        adult = (frame.party_role != "Child").to_numpy()
        m["dob_missing_adults"] = _share(dob.isna().to_numpy()[adult])
        m["dob_missing_children"] = _share(dob.isna().to_numpy()[~adult])
    m["junk_name_seen"] = _share(
        frame[c.forename].astype("string").str.match(JUNK_NAME).fillna(False).to_numpy()
        | frame[c.surname].astype("string").str.match(JUNK_NAME).fillna(False).to_numpy()
    )
    if c.postcode:
        pc = frame[c.postcode].astype("string")
        m["postcode_missing"] = _share(~_present(frame[c.postcode]))
        m["postcode_nf1_1nf"] = _share(
            pc.str.upper().str.replace(" ", "").eq("NF11NF").fillna(False).to_numpy()
        )
    for ident, col, valid in (
        ("pnc", c.pnc, is_valid_pnc),
        ("cro", c.cro, is_valid_cro),
        ("noms", c.noms, None),
        ("crn", c.crn, None),
    ):
        if col is None:
            continue
        present = _present(frame[col])
        m[f"{ident}_coverage"] = _share(present)
        if valid is not None and present.any():
            values = frame[col][present].astype(str)
            m[f"{ident}_check_letter_wrong"] = _share([not valid(v) for v in values])
            if ident == "pnc":
                m["pnc_short_form"] = _share(values.str.len() < 12)
    if c.person_level_id:
        ids = frame[c.person_level_id].astype("string")
        pairs = pd.DataFrame({"person": person, "id": ids}).dropna().drop_duplicates()
        per_person = pairs.groupby("person").id.nunique()
        per_id = pairs.groupby("id").person.nunique()
        m[f"{c.person_level_id}s_per_person"] = float(per_person.mean()) if len(pairs) else 0.0
        m[f"{c.person_level_id}_shared_by_people"] = _share((per_id > 1).to_numpy())
    return m


def _collisions(frames: dict[str, pd.DataFrame], truth: pd.DataFrame) -> float:
    """Share of (forename, surname, DOB) keys in LIBRA that belong to two or more people."""
    frame = frames.get("magistrates_defendants")
    if frame is None or frame.empty:
        return 0.0
    person = truth.set_index("record_id").person_id.reindex(frame.record_id).to_numpy()
    key = pd.DataFrame(
        {
            "f": frame.forename1.astype("string").str.upper(),
            "s": frame.surname.astype("string").str.upper(),
            "d": frame.date_of_birth,
            "person": person,
        }
    ).dropna()
    people = key.drop_duplicates().groupby(["f", "s", "d"]).person.nunique()
    return _share((people > 1).to_numpy())


def profile(data_dir: Path, release_id: str, errors: str = "default") -> Profile:
    """Realised rates per source for one synthetic drop (counts and rates only), beside
    the `errors` profile it was generated with."""
    root = Path(data_dir)
    manifest = drops.read_manifest(root, release_id)
    listed = set(manifest.files)
    truth_file = truth_path(root, release_id)
    truth = pq.read_table(truth_file).to_pandas()
    errors_file = truth_file.with_name("errors.parquet")
    injected = pq.read_table(errors_file).to_pandas() if errors_file.exists() else None
    frames, rows = {}, {}
    for name in LANDING_TABLES:
        if name not in listed:
            continue
        table = drops.read_table(root, release_id, name)
        rows[name] = table.num_rows
        if name in PERSON_RECORD_TABLES:
            frame = table.to_pandas()
            frames[name] = frame[_is_person(name, frame)].reset_index(drop=True)
    out = Profile(release_id, rows, [t for t in LANDING_TABLES if t not in listed], errors)

    for name, frame in frames.items():
        t = truth[truth.source_table == name]
        m = _source_metrics(name, frame, t)
        if injected is not None:
            e = injected[injected.source_table == name].error_type.value_counts()
            for kind in ERROR_TYPES:
                m[f"error:{kind}"] = int(e.get(kind, 0)) / len(frame) if len(frame) else 0.0
        out.sources[name] = m

    mags = rows.get("magistrates_defendants", 0)
    crown = rows.get("crown_defendants", 0)
    out.overall["magistrates_per_crown"] = mags / crown if crown else 0.0
    for name, n in rows.items():
        out.overall[f"rows_per_100_magistrates:{name}"] = 100 * n / mags if mags else 0.0
    by_person = truth.groupby("person_id").source_table.agg(frozenset)
    criminal = by_person.map(lambda s: bool(s & set(CRIMINAL_TABLES)))
    out.overall["people"] = len(by_person)
    out.overall["person_records"] = len(truth)
    out.overall["records_per_person"] = len(truth) / len(by_person) if len(by_person) else 0.0
    out.overall["people_in_3plus_sources"] = _share(by_person.map(len).to_numpy() >= 3)
    for name in ("family_parties", "civil_parties"):
        in_it = by_person.map(lambda s, name=name: name in s).to_numpy()
        if in_it.any():
            out.overall[f"{name}_people_with_criminal_record"] = _share(criminal.to_numpy()[in_it])
    per_case = truth[truth.source_table == "magistrates_defendants"].person_id.value_counts()
    if len(per_case):
        out.overall["offenders_with_2plus_cases"] = _share(per_case.to_numpy() >= 2)
        out.overall["offenders_with_5plus_cases"] = _share(per_case.to_numpy() >= 5)
    journeys = truth[truth.source_table == "prison_journeys"].person_id.value_counts()
    if len(journeys):
        out.overall["prisoners_with_2plus_journeys"] = _share(journeys.to_numpy() >= 2)
    out.overall["name_dob_keys_shared_by_people"] = _collisions(frames, truth)
    links_file = mags_crown_truth_path(root, release_id)
    if links_file.exists() and crown:
        out.overall["crown_records_from_magistrates"] = (
            pq.read_metadata(links_file).num_rows / crown
        )
    return out


def _fmt(v: float) -> str:
    if isinstance(v, int) or (float(v).is_integer() and abs(v) >= 10):
        return f"{int(v):,}"
    return f"{v:.4f}" if abs(v) < 10 else f"{v:,.1f}"


def format_profile(p: Profile) -> str:
    """Plain text: per-source metrics, each error type realised vs expected, overall."""
    lines = [f"Synthetic drop profile: release {p.release_id}, errors {p.errors}"]
    lines.append("Tables in the drop: " + ", ".join(f"{t} {n:,}" for t, n in p.rows.items()))
    if p.absent:
        lines.append("Not yet in the drops (dataset starts later): " + ", ".join(p.absent))
    for name, m in p.sources.items():
        lines.append("")
        lines.append(f"[{name}]")
        expected = expected_rates(name, p.errors)
        for key, value in m.items():
            if key.startswith("error:"):
                continue
            lines.append(f"  {key:<44} {_fmt(value):>10}")
        lines.append(f"  {'error type':<32} {'realised':>10} {'expected':>10}")
        for kind in ERROR_TYPES:
            value = m.get(f"error:{kind}")
            if value is None:
                continue
            exp = expected.get(kind)
            if kind == "dob_missing" and "dob_missing_adults" in expected:
                exp = None
            shown = f"{exp:.4f}" if exp is not None else "(cond.)"
            lines.append(f"  {kind:<32} {value:>10.4f} {shown:>10}")
    lines.append("")
    lines.append("[overall]")
    for key, value in p.overall.items():
        lines.append(f"  {key:<56} {_fmt(value):>10}")
    return "\n".join(lines)
