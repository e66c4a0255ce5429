"""Source records: each landing table built from events, keyed with its own noise and
written in its own conventions (case, date formats, codes) from the data contract.

A `SourceTable` holds the full history of a table (every event in the window),
row i being event i, so record ids never depend on a snapshot. `snapshot` keeps
the rows dated on or before a release date and blanks facts not yet known then
(a sentence not yet passed, a release not yet happened).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from contracts.identifiers import CHECK_LETTERS
from contracts.landing import LANDING_TABLES, OASYS_NEEDS
from synthetic import names
from synthetic.criminal import CriminalEvents, latest_before
from synthetic.noise import NO_FIXED_ABODE, Keyed, apply_nicknames, apply_typos, keyed_view
from synthetic.population import FEMALE, MALE, Population
from synthetic.rates import (
    ALIAS_DOB_CHANGED,
    ALIAS_JOURNEY_RATE,
    CHILD_DOB_MISSING,
    CORRECTABLE,
    ERROR_TYPES,
    RATES,
    SourceRates,
)
from synthetic.streams import stream

NAT = np.datetime64("NaT")


@dataclass
class SourceTable:
    name: str
    columns: dict[str, np.ndarray]  # contract columns, contract order
    date: np.ndarray  # datetime64[D]: the event date that puts a row in a snapshot
    person: np.ndarray  # person index, -1 for non-person rows (and for aliases)
    pending: list[tuple[np.ndarray, tuple[str, ...]]] = field(default_factory=list)
    errors: dict[str, np.ndarray] = field(default_factory=dict)  # error type -> bool per row
    corrected_at: np.ndarray | None = None  # datetime64[D]: when a row's errors get fixed
    corrections: dict[str, np.ndarray] = field(default_factory=dict)  # column -> fixed values

    def __post_init__(self):
        self.person = np.asarray(self.person, dtype=np.int64)

    def _keep(self, as_of: np.datetime64) -> np.ndarray:
        return np.flatnonzero(self.date <= as_of)

    def snapshot(self, as_of: np.datetime64) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """(columns, person index per row) of the rows known at `as_of`, as corrected by then."""
        keep = self._keep(as_of)
        out = {k: v[keep] for k, v in self.columns.items()}
        if self.corrected_at is not None:
            fixed = self.corrected_at[keep] <= as_of
            for c, values in self.corrections.items():
                out[c] = np.where(fixed, values[keep], out[c]).astype(out[c].dtype)
        is_csv = LANDING_TABLES[self.name].format == "csv"
        for available, cols in self.pending:
            future = available[keep] > as_of
            for c in cols:
                v = out[c].copy()
                if v.dtype.kind == "M":
                    v[future] = NAT
                else:
                    v[future] = "" if is_csv else None
                out[c] = v
        return out, self.person[keep]

    def snapshot_errors(self, as_of: np.datetime64) -> tuple[np.ndarray, list[str]]:
        """(row positions within the snapshot, error type) of the errors a snapshot shows."""
        keep = self._keep(as_of)
        is_person = self.person[keep] >= 0
        fixed = (
            self.corrected_at[keep] <= as_of
            if self.corrected_at is not None
            else np.zeros(len(keep), dtype=bool)
        )
        rows, types = [], []
        for name in ERROR_TYPES:
            if name not in self.errors:
                continue
            flag = self.errors[name][keep] & is_person
            if name in CORRECTABLE:
                flag &= ~fixed
            hit = np.flatnonzero(flag)
            rows.append(hit)
            types += [name] * len(hit)
        return (np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)), types


def keyed_columns(k: Keyed, formats: dict) -> tuple[dict, dict]:
    """Columns built from keyed names/DOB, and the same columns once corrections land."""
    fixed = k.corrected()
    return (
        {c: f(k) for c, f in formats.items()},
        {c: f(fixed) for c, f in formats.items()},
    )


def noise_fields(k: Keyed, corrections: dict) -> dict:
    return {"errors": k.errors, "corrected_at": k.corrected_at, "corrections": corrections}


# --- formatting helpers ---------------------------------------------------------


def obj(values) -> np.ndarray:
    return np.asarray(values, dtype=object)


def ids(prefix: str, n: int, start: int = 0) -> np.ndarray:
    return obj([f"{prefix}{i:08d}" for i in range(start, start + n)])


def iso(dates: np.ndarray, missing: str | None = "") -> np.ndarray:
    s = np.datetime_as_string(dates.astype("datetime64[D]"), unit="D")
    return obj([missing if v == "NaT" else v for v in s])


def dmy(dates: np.ndarray) -> np.ndarray:
    s = np.datetime_as_string(dates.astype("datetime64[D]"), unit="D")
    return obj(["" if v == "NaT" else f"{v[8:10]}/{v[5:7]}/{v[:4]}" for v in s])


def upper(values: np.ndarray) -> np.ndarray:
    return obj([v.upper() if isinstance(v, str) else v for v in values])


def maybe_upper(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.where(mask, upper(values), values)


def blank_to_none(values: np.ndarray) -> np.ndarray:
    return obj([v if isinstance(v, str) and v != "" else None for v in values])


def none_to_blank(values: np.ndarray) -> np.ndarray:
    return obj(["" if v is None else v for v in values])


def join_names(*parts: np.ndarray) -> np.ndarray:
    return obj([" ".join(p for p in ps if p) for ps in zip(*parts, strict=True)])


def keyed_postcode(values: np.ndarray, rng, nfa: str | None) -> np.ndarray:
    """Postcodes as keyed: mostly upper case with a space, some lower or squashed."""
    style = rng.choice(4, size=len(values), p=[0.72, 0.1, 0.13, 0.05])
    out = []
    for v, s in zip(values, style, strict=True):
        if v is None:
            out.append(None)
        elif v == NO_FIXED_ABODE:
            out.append(nfa)
        elif s == 1:
            out.append(v.lower())
        elif s == 2:
            out.append(v.replace(" ", ""))
        elif s == 3:
            out.append(v.replace(" ", "").lower())
        else:
            out.append(v)
    return obj(out)


def sex_code(sex: np.ndarray, male="M", female="F", unknown="NK") -> np.ndarray:
    return obj(np.where(sex == MALE, male, np.where(sex == FEMALE, female, unknown)))


def asn(date: np.ndarray, force: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """Arrest summons number: YY force unit system sequence check."""
    yy = (date.astype("datetime64[Y]").astype(int) + 1970) % 100
    return obj(
        [
            f"{y:02d}{f:02d}{chr(65 + f % 26)}{chr(65 + s % 26)}01{s:011d}{CHECK_LETTERS[s % 23]}"
            for y, f, s in zip(yy, force, serial, strict=True)
        ]
    )


def to_int(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    return obj([None if m else int(v) for v, m in zip(values, missing, strict=True)])


def _keyed(
    pop: Population,
    crim: CriminalEvents | None,
    events: pd.DataFrame,
    table: str,
    seed: int,
    rates: SourceRates | None = None,
) -> tuple[np.random.Generator, int, np.ndarray, Keyed]:
    """A table's noise stream, row count, event dates and keyed view of its event rows
    (keyed at `rates`, by default the table's). Rows with person -1 get some person's
    values, which the table overwrites."""
    rng = stream(seed, f"noise:{table}")
    person = events.person.values
    date = _d(events.date.values)
    rates = RATES[table] if rates is None else rates
    k = keyed_view(pop, crim, np.maximum(person, 0), date, rates, rng, person >= 0)
    return rng, len(events), date, k


def _title(sex: np.ndarray, married: np.ndarray, rng) -> np.ndarray:
    n = len(sex)
    woman = rng.choice(["MS", "MISS"], size=n)
    t = np.where(sex == MALE, "MR", np.where(married, "MRS", woman))
    t = np.where(sex == 0, "", t)
    t = np.where(rng.random(n) < 0.01, "DR", t)
    return obj(np.where(rng.random(n) < 0.2, "", t))


def _d(values) -> np.ndarray:
    return np.asarray(values).astype("datetime64[D]")


# --- the tables -------------------------------------------------------------------


def magistrates(
    pop: Population, crim: CriminalEvents, seed: int, rates: SourceRates | None = None
) -> SourceTable:
    table = "magistrates_defendants"
    m = crim.mags
    rng, n, date, k = _keyed(pop, crim, m, table, seed, rates)
    caps = rng.random(n) < 0.7
    married = pop.surname[m.person.values] != pop.birth_surname[m.person.values]
    named, fixed = keyed_columns(
        k,
        {
            "forename1": lambda k: maybe_upper(k.forename1, caps),
            "surname": lambda k: upper(k.surname),
            "date_of_birth": lambda k: dmy(k.dob),
        },
    )
    return SourceTable(
        table,
        {
            "record_id": ids("LIB", n),
            "libra_case_id": obj([f"{c + 10_000_000}" for c in m.case.values]),
            "libra_defendant_id": obj([f"{i + 50_000_000}" for i in range(n)]),
            "asn": asn(date, m.force.values, m.asn_serial.values),
            "title": _title(k.sex, married, rng),
            "forename1": named["forename1"],
            "forename2": maybe_upper(k.forename2, caps),
            "forename3": maybe_upper(k.forename3, caps),
            "surname": named["surname"],
            "date_of_birth": named["date_of_birth"],
            "sex": sex_code(k.sex),
            "address_line1": np.where(
                k.address == NO_FIXED_ABODE, "NO FIXED ABODE", maybe_upper(k.address, caps)
            ).astype(object),
            "postcode": none_to_blank(keyed_postcode(k.postcode, rng, "NF1 1NF")),
            "pnc_id": none_to_blank(k.pnc),
            "cro_number": none_to_blank(k.cro),
            "ethnicity": none_to_blank(k.ethnicity),
            "court_code": obj([f"B{c:03d}" for c in m.court.values]),
            "first_hearing_date": dmy(date),
            "offence_category": obj(m.offence.values),
            "plea": obj(m.plea.values),
            "outcome": obj(m.outcome.values),
            "disposal": obj(m.disposal.values),
            "committed_to_crown": obj(np.where(m.committed.values, "Y", "N")),
        },
        date,
        m.person.values,
        **noise_fields(k, fixed),
    )


def crown(
    pop: Population, crim: CriminalEvents, seed: int, rates: SourceRates | None = None
) -> SourceTable:
    table = "crown_defendants"
    c = crim.crown
    rng, n, date, k = _keyed(pop, crim, c, table, seed, rates)
    person = c.person.values
    company = person < 0
    # XHIBIT issues a defendant id per court centre.
    key = np.where(company, -1 - np.arange(n), person * 1000 + c.court.values)
    defendant = pd.factorize(key)[0]
    src = c.mags_row.values[~company]
    mags = crim.mags
    the_asn = np.full(n, None, dtype=object)
    the_asn[~company] = asn(
        _d(mags.date.values[src]), mags.force.values[src], mags.asn_serial.values[src]
    )
    the_asn[rng.random(n) < 0.1] = None
    middle = blank_to_none(join_names(k.forename2, k.forename3))
    sentence_date = _d(c.sentence_date.values)
    letter = np.select([c.case_type == "Trial", c.case_type == "Sentence"], ["T", "S"], "A")
    named, fixed = keyed_columns(
        k,
        {
            "first_name": lambda k: obj(np.where(company, None, k.forename1)),
            "surname": lambda k: obj(np.where(company, c.company.values, upper(k.surname))),
            "date_of_birth": lambda k: np.where(company, NAT, k.dob),
        },
    )
    year = date.astype("datetime64[Y]").astype(int) + 1970
    return SourceTable(
        table,
        {
            "record_id": ids("XHB", n),
            "defendant_on_case_id": obj([f"{i + 1:09d}" for i in range(n)]),
            "defendant_id": obj([f"{d + 300_000:07d}" for d in defendant]),
            "court_id": obj([f"{400 + v}" for v in c.court.values]),
            "case_number": obj(
                [f"{t}{y}{i:06d}" for t, y, i in zip(letter, year, range(n), strict=True)]
            ),
            "first_name": named["first_name"],
            "middle_name": obj(np.where(company, None, middle)),
            "surname": named["surname"],
            "date_of_birth": named["date_of_birth"],
            "gender": np.where(company, 0, k.sex).astype(np.int8),
            "is_company": company,
            "pnc_id": obj(np.where(company, None, k.pnc)),
            "asn": the_asn,
            "postcode": obj(
                np.where(company | (k.postcode == NO_FIXED_ABODE), None, upper(k.postcode))
            ),
            "ethnicity": obj(np.where(company, None, k.ethnicity)),
            "case_type": obj(c.case_type.values),
            "date_received": date,
            "offence_category": obj(c.offence.values),
            "verdict": blank_to_none(c.verdict.values),
            "sentence_type": blank_to_none(c.sentence_type.values),
            "sentence_date": sentence_date,
            "custodial_days": to_int(c.custodial_days.values, c.custodial_days.values < 0),
        },
        date,
        person,
        [(sentence_date, ("verdict", "sentence_type", "sentence_date", "custodial_days"))],
        **noise_fields(k, fixed),
    )


def family(
    pop: Population, fam: pd.DataFrame, seed: int, rates: SourceRates | None = None
) -> SourceTable:
    table = "family_parties"
    rates = RATES[table] if rates is None else rates
    rng, n, date, k = _keyed(pop, None, fam, table, seed, replace(rates, dob_missing=0))
    person = fam.person.values
    child = (fam.role == "Child").values
    gone = rng.random(n) < np.where(child, CHILD_DOB_MISSING, rates.dob_missing)
    k.dob = np.where(gone, NAT, k.dob).astype("datetime64[D]")
    k.fixed["dob"] = np.where(gone, NAT, k.fixed["dob"]).astype("datetime64[D]")
    for flag in ("dob_swap", "dob_typo", "dob_decade", "dob_century", "dob_placeholder"):
        k.errors[flag] = k.errors[flag] & ~gone
    k.errors["dob_missing"] = gone
    is_person = person >= 0
    caps = rng.random(n) < 0.1
    org = fam.org.values
    suffix = rng.choice(["Council", "City Council", "County Council", "Borough Council"], n)
    org_name = obj(
        [
            o if t == "Organisation" else f"{o} {s}"
            for o, t, s in zip(org, fam.party_type.values, suffix, strict=True)
        ]
    )
    case_court = rng.integers(0, 60, int(fam.case.max()) + 1 if n else 0)
    court = case_court[fam.case.values] if n else np.zeros(0, dtype=int)
    type_letter = fam.case_type.map(
        {
            "Public law": "C",
            "Private law": "P",
            "Adoption": "A",
            "Divorce": "D",
            "Family Law Act": "F",
        }
    ).values
    yy = (date.astype("datetime64[Y]").astype(int) + 1970) % 100
    final_date = _d(fam.final_date.values)
    named, fixed = keyed_columns(
        k,
        {
            "forenames": lambda k: obj(
                np.where(
                    is_person,
                    maybe_upper(join_names(k.forename1, k.forename2, k.forename3), caps),
                    "",
                )
            ),
            "surname": lambda k: obj(np.where(is_person, maybe_upper(k.surname, caps), org_name)),
            "date_of_birth": lambda k: obj(np.where(is_person, iso(k.dob), "")),
        },
    )
    return SourceTable(
        table,
        {
            "record_id": ids("FAM", n),
            "case_number": obj(
                [
                    f"FM{c:02d}{y:02d}{t}{case:06d}"
                    for c, y, t, case in zip(court, yy, type_letter, fam.case.values, strict=True)
                ]
            ),
            "case_type": obj(fam.case_type.values),
            "party_role": obj(fam.role.values),
            "party_type": obj(fam.party_type.values),
            "forenames": named["forenames"],
            "surname": named["surname"],
            "date_of_birth": named["date_of_birth"],
            "sex": obj(np.where(is_person, sex_code(k.sex, "Male", "Female", ""), "")),
            "postcode": obj(
                np.where(is_person & (k.postcode != NO_FIXED_ABODE), none_to_blank(k.postcode), "")
            ),
            "court_code": obj([f"{300 + c}" for c in court]),
            "issue_date": iso(date),
            "final_order": obj(fam.final.values),
        },
        date,
        person,
        [(final_date, ("final_order",))],
        **noise_fields(k, fixed),
    )


def _party_name(k: Keyed, style: np.ndarray, title: np.ndarray) -> np.ndarray:
    """One free-text name as keyed: `MR JOHN A SMITH`, `Smith, John`, `JOHN SMITH`, ..."""
    out = []
    for i, s in enumerate(style):
        f1, f2, sn = k.forename1[i], k.forename2[i], k.surname[i]
        if s == 0:
            parts = [title[i], f1, f2[:1], sn]
            out.append(" ".join(p for p in parts if p).upper())
        elif s == 1:
            out.append(f"{sn}, {f1}")
        elif s == 2:
            out.append(f"{f1} {sn}".upper())
        elif s == 3:
            out.append(f"{f1} {sn}")
        else:
            out.append(f"{f1[:1]} {sn}".upper())
    return obj(out)


def civil(
    pop: Population, civ: pd.DataFrame, seed: int, rates: SourceRates | None = None
) -> SourceTable:
    table = "civil_parties"
    rng, n, date, k = _keyed(pop, None, civ, table, seed, rates)
    person = civ.person.values
    is_person = person >= 0
    married = pop.surname[np.maximum(person, 0)] != pop.birth_surname[np.maximum(person, 0)]
    style = rng.choice(5, size=n, p=[0.3, 0.2, 0.3, 0.12, 0.08])
    title = _title(k.sex, married, rng)
    named, fixed = keyed_columns(
        k,
        {
            "party_name": lambda k: obj(
                np.where(is_person, _party_name(k, style, title), civ.org.values)
            ),
            "date_of_birth": lambda k: obj(np.where(is_person, iso(k.dob), "")),
        },
    )
    # Companies trade from some address of the pool; reuse population addresses for that.
    other = rng.integers(0, pop.n, n)
    address = np.where(is_person, k.address, pop.address[other, 0])
    postcode = np.where(is_person, k.postcode, pop.postcode[other, 0])
    flat = is_person & (rng.random(n) < 0.15)
    line1 = np.where(flat, obj([f"Flat {i % 40 + 1}" for i in range(n)]), address)
    line2 = np.where(flat, address, "")
    caps = rng.random(n) < 0.5
    line1 = np.where(line1 == NO_FIXED_ABODE, "", maybe_upper(line1.astype(object), caps))
    line2 = np.where(line2 == NO_FIXED_ABODE, "", maybe_upper(line2.astype(object), caps))
    postcode = np.where(postcode == NO_FIXED_ABODE, None, postcode)
    return SourceTable(
        table,
        {
            "record_id": ids("CIV", n),
            "claim_number": obj([f"{chr(65 + c % 26)}{c:07d}" for c in civ.case.values]),
            "claim_type": obj(civ.claim_type.values),
            "party_role": obj(civ.role.values),
            "party_type": obj(civ.party_type.values),
            "party_name": named["party_name"],
            "address_line1": obj(line1),
            "address_line2": obj(line2),
            "postcode": none_to_blank(keyed_postcode(obj(postcode), rng, None)),
            "date_of_birth": named["date_of_birth"],
            "issue_date": iso(date),
            "latest_event": obj(civ.latest_event.values),
            "amount_claimed": obj(civ.amount.values),
        },
        date,
        person,
        **noise_fields(k, fixed),
    )


def _carried(values: np.ndarray, coverage: float, rng) -> np.ndarray:
    out = obj(values).copy()
    out[rng.random(len(out)) >= coverage] = None
    return out


def probation(
    pop: Population, crim: CriminalEvents, seed: int, rates: SourceRates | None = None
) -> SourceTable:
    table = "probation_events"
    rates = RATES[table] if rates is None else rates
    e = crim.probation
    rng, n, date, k = _keyed(pop, crim, e, table, seed, rates)
    named, fixed = keyed_columns(
        k,
        {
            "forename": lambda k: k.forename1,
            "surname": lambda k: k.surname,
            "date_of_birth": lambda k: k.dob,
        },
    )
    noms = latest_before(crim.prison, e.person.values, e.date.values, "noms")
    junk = rng.choice(names.JUNK_ETHNICITY, n)
    desc = obj([names.ETHNICITY_DESC.get(c) if c else None for c in k.ethnicity])
    end = _d(e.end.values)
    return SourceTable(
        table,
        {
            "record_id": ids("DEL", n),
            "event_id": obj([f"{v:08d}" for v in e.event.values]),
            "crn": obj(e.crn.values),
            "offender_id": obj([str(v) for v in e.offender_id.values]),
            "forename": named["forename"],
            "second_forename": blank_to_none(k.forename2),
            "surname": named["surname"],
            "date_of_birth": named["date_of_birth"],
            "gender": sex_code(k.sex, unknown="N"),
            "pnc_number": k.pnc,
            "cro_number": k.cro,
            "noms_number": _carried(noms, rates.noms, rng),
            "postcode": obj(np.where(k.postcode == NO_FIXED_ABODE, None, upper(k.postcode))),
            "ethnicity_desc": obj(np.where(k.ethnicity_junk, junk, desc)),
            "referral_date": date,
            "sentence_type": obj(e.sentence_type.values),
            "requirement_main_category": blank_to_none(e.requirement.values),
            "probation_area": obj(e.area.values),
            "termination_reason": obj(e.termination.values),
        },
        date,
        e.person.values,
        [(end, ("termination_reason",))],
        **noise_fields(k, fixed),
    )


def prison_journeys(
    pop: Population, crim: CriminalEvents, seed: int, rates: SourceRates | None = None
) -> SourceTable:
    table = "prison_journeys"
    j = crim.prison
    rng, n, date, k = _keyed(pop, crim, j, table, seed, rates)
    release = _d(j.release.values)
    named, fixed = keyed_columns(
        k,
        {
            "first_name": lambda k: upper(k.forename1),
            "last_name": lambda k: upper(k.surname),
            "birth_date": lambda k: k.dob,
        },
    )
    return SourceTable(
        table,
        {
            "record_id": ids("NOM", n),
            "booking_id": obj([f"{v:07d}" for v in j.booking.values]),
            "prison_number": obj(j.noms.values),
            "offender_id": obj([str(v) for v in j.offender_id.values]),
            "first_name": named["first_name"],
            "middle_names": blank_to_none(upper(join_names(k.forename2, k.forename3))),
            "last_name": named["last_name"],
            "birth_date": named["birth_date"],
            "sex_code": sex_code(k.sex),
            "pnc_id": k.pnc,
            "cro_number": k.cro,
            "reception_date": date,
            "release_date": release,
            "establishment_code": obj(j.establishment.values),
            "sentence_type": obj(j.sentence_type.values),
            "ethnicity_code": k.ethnicity,
        },
        date,
        j.person.values,
        [(release, ("release_date",))],
        **noise_fields(k, fixed),
    )


def prison_aliases(pop: Population, crim: CriminalEvents, seed: int) -> SourceTable:
    """Other names and dates of birth used by prisoners, attached to their journeys."""
    table = "prison_aliases"
    rng = stream(seed, f"noise:{table}")
    j = crim.prison
    has = rng.random(len(j)) < ALIAS_JOURNEY_RATE
    per = np.where(has, rng.choice([1, 2, 3], size=len(j), p=[0.65, 0.25, 0.1]), 0)
    journey = np.repeat(np.arange(len(j)), per)
    number = np.arange(len(journey)) - np.repeat(np.cumsum(per) - per, per)
    person = j.person.values[journey]
    n = len(journey)
    first = pop.forename1[person].copy()
    last = pop.surname[person].copy()
    how = rng.choice(4, size=n, p=[0.3, 0.3, 0.25, 0.15])
    first = apply_nicknames(first, how == 0, rng)
    f2 = pop.forename2[person]
    use_middle = (how == 1) & (f2 != "")
    first[use_middle] = f2[use_middle]
    first = apply_typos(first, how == 3, rng)
    last_how = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    last = np.where(last_how == 1, pop.birth_surname[person], last)
    other = names.vocab("surname", "british")[0]
    last = np.where((last_how == 2) | (how == 2), other[rng.integers(0, len(other), n)], last)
    dob = pop.dob[person].copy()
    shift = rng.random(n) < ALIAS_DOB_CHANGED
    dob[shift] += (
        rng.choice([-1, 1], int(shift.sum())) * rng.choice([1, 365, 366, 30], int(shift.sum()))
    ).astype("timedelta64[D]")
    dob[rng.random(n) < 0.05] = NAT
    return SourceTable(
        table,
        {
            "alias_id": obj([f"ALS{a:08d}{b}" for a, b in zip(journey, number, strict=True)]),
            "journey_record_id": obj([f"NOM{a:08d}" for a in journey]),
            "first_name": upper(first),
            "last_name": upper(last),
            "birth_date": dob.astype("datetime64[D]"),
        },
        _d(j.date.values[journey]),
        np.full(n, -1),
    )


def oasys(
    pop: Population, crim: CriminalEvents, seed: int, rates: SourceRates | None = None
) -> SourceTable:
    table = "oasys_assessments"
    rates = RATES[table] if rates is None else rates
    a = crim.oasys
    rng, n, date, k = _keyed(pop, crim, a, table, seed, rates)
    sex = np.where(k.sex == 0, pop.sex[a.person.values], k.sex)
    needs = {}
    for need in OASYS_NEEDS:
        score = rng.choice(3, size=n, p=[0.4, 0.35, 0.25])
        needs[need] = to_int(score, rng.random(n) < 0.06)
    ogrs = np.round(rng.beta(2, 3, n), 3)
    named, fixed = keyed_columns(
        k,
        {
            "forename_1": lambda k: k.forename1,
            "family_name": lambda k: k.surname,
            "date_of_birth": lambda k: k.dob,
        },
    )
    return SourceTable(
        table,
        {
            "record_id": ids("OAS", n),
            "assessment_id": obj([f"{v:08d}" for v in a.assessment.values]),
            "oasys_offender_pk": obj([str(v) for v in a.pk.values]),
            "forename_1": named["forename_1"],
            "forename_2": blank_to_none(k.forename2),
            "family_name": named["family_name"],
            "date_of_birth": named["date_of_birth"],
            "gender": sex_code(sex),
            "pnc": k.pnc,
            "cro": k.cro,
            "prison_number": _carried(a.noms.values, rates.noms, rng),
            "crn": _carried(a.crn.values, rates.crn, rng),
            "assessment_date": date,
            "assessment_type": obj(a.type.values),
            **needs,
            "ogrs3": obj(
                [None if m else float(v) for v, m in zip(ogrs, rng.random(n) < 0.1, strict=True)]
            ),
        },
        date,
        a.person.values,
        **noise_fields(k, fixed),
    )
