"""Criminal journeys: magistrates' cases -> Crown Court -> custody -> probation -> OASys.

Each stage is derived from the one before (a committal makes a Crown Court case
with the same ASN, a custodial sentence makes a prison journey and a probation
event, ...), so identifiers and dates agree across sources the way they do in
reality. Events are true facts; source noise is applied later (noise.py).
Identifiers issued per person by a source (NOMS number, CRN, PKs) are issued
here, including the mistaken extra ones, because they are part of the event
history, not of how a record is keyed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthetic.names import words
from synthetic.population import MALE, Population
from synthetic.rates import (
    CUSTODY_LONG,
    CUSTODY_SHORT,
    FIRST_CASE_WITHIN_DAYS,
    NO_SENTENCE,
    RATES,
    REOFFENDING,
    SPELL_GAP_DAYS,
    SPELLS_EXTRA_MEAN,
)
from synthetic.streams import WINDOW_END, WINDOW_START, days, stream, uniform_dates

OFFENCES = [
    "Theft",
    "Violence against the person",
    "Summary motoring",
    "Drug offences",
    "Public order",
    "Criminal damage",
    "Summary non-motoring",
    "Burglary",
    "Possession of weapons",
    "Fraud",
    "Robbery",
    "Sexual offences",
]
OFFENCE_P = [0.2, 0.18, 0.15, 0.1, 0.08, 0.07, 0.07, 0.05, 0.04, 0.03, 0.02, 0.01]
OUTCOMES = ["Convicted", "Acquitted", "Withdrawn", "Committed for trial", "Committed for sentence"]
# Criminal Justice Statistics (approximate): most magistrates' cases end there; about
# 5% are sent for trial and 2% committed for sentence, so Crown Court receipts are about
# a thirteenth of magistrates' defendants (with appeals and either-way serious cases).
OUTCOME_P = [0.785, 0.03, 0.125, 0.04, 0.02]
DISPOSALS = ["Fine", "Discharge", "Community order", "Suspended sentence", "Immediate custody"]
DISPOSAL_P = [0.74, 0.07, 0.1, 0.045, 0.045]
SERIOUS_SENT_FOR_TRIAL = 0.2  # robbery, sexual offences, burglary: extra share sent to Crown
APPEAL_RATE = 0.01  # of convictions appealed to the Crown Court
CROWN_SENTENCES = [
    "Immediate custody",
    "Suspended sentence",
    "Community order",
    "Fine",
    "Discharge",
]
CROWN_SENTENCE_P = [0.45, 0.25, 0.2, 0.05, 0.05]
ESTABLISHMENTS = words(
    """ACI AGI ALI ASI BAI BCI BFI BHI BLI BMI BNI BRI BSI BWI BXI BZI CDI CFI CKI
    CLI CWI DAI DGI DHI DMI DNI DTI DWI EEI EHI ESI EWI EXI EYI FBI FDI FHI FKI FMI FNI FSI
    GHI GMI GNI GTI HBI HCI HDI HEI HHI HII HLI HMI HOI HPI HVI ISI IWI KMI KVI LCI LEI LFI
    LGI LHI LII LLI LNI LPI LTI LWI LYI MDI MHI MRI MSI NHI NLI NMI NSI NWI ONI PBI PDI PFI
    PNI PRI PVI RCI RHI RNI RSI SDI SFI SHI SKI SLI SNI SPI STI SUI SWI TCI TSI UKI UPI VEI
    WCI WDI WEI WHI WII WLI WMI WNI WRI WSI WTI WWI WYI"""
)
PROBATION_AREAS = [
    "London",
    "North West",
    "North East",
    "Yorkshire and the Humber",
    "West Midlands",
    "East Midlands",
    "East of England",
    "South East",
    "South West",
    "Kent, Surrey and Sussex",
    "Wales",
    "Greater Manchester",
]
REQUIREMENTS = [
    "Unpaid Work",
    "Rehabilitation Activity Requirement",
    "Curfew",
    "Drug Rehabilitation",
    "Alcohol Treatment",
    "Mental Health Treatment",
    "Programme",
    "Supervision",
]
TERMINATIONS = [
    "Completed normally",
    "Completed early (good progress)",
    "Revoked (breach)",
    "Revoked (further offence)",
    "Transferred",
    "Died",
]
TERMINATION_P = [0.6, 0.08, 0.14, 0.1, 0.06, 0.02]
N_MAGS_COURTS = 90
N_CROWN_CENTRES = 30


@dataclass
class CriminalEvents:
    """True criminal events; each frame is sorted by its event date (the record order)."""

    pnc_year: np.ndarray  # per person, -1 without a PNC
    pnc_serial: np.ndarray
    cro_year: np.ndarray
    cro_serial: np.ndarray
    cases: np.ndarray  # per person: magistrates' cases in the window (0 for non-offenders)
    mags: pd.DataFrame
    crown: pd.DataFrame
    prison: pd.DataFrame
    probation: pd.DataFrame
    oasys: pd.DataFrame


def unique_ints(rng: np.random.Generator, high: int, size: int) -> np.ndarray:
    """`size` distinct ints in [0, high), in random order (high >> size)."""
    out = np.empty(0, dtype=np.int64)
    while len(out) < size:
        draw = np.concatenate([out, rng.integers(0, high, size=int(size * 1.2) + 10)])
        _, first = np.unique(draw, return_index=True)
        out = draw[np.sort(first)]
    return out[:size]


def issue_per_person(rng, person: np.ndarray, p_new: float) -> np.ndarray:
    """For events sorted by (person, date): index of the id each carries.

    A person's first event issues an id; a later one issues another with
    probability p_new (a duplicate made by mistake), else reuses the latest.
    """
    first = np.r_[True, person[1:] != person[:-1]]
    new = first | (rng.random(len(person)) < p_new)
    return np.cumsum(new) - 1


def _letters(rng, size: int, k: int) -> list[str]:
    codes = rng.integers(0, 26, size=(size, k)) + ord("A")
    return ["".join(map(chr, row)) for row in codes]


def noms_numbers(rng, size: int) -> np.ndarray:
    digits = unique_ints(rng, 10**4 * 26 * 26, size)
    first = np.where(rng.random(size) < 0.5, "A", "G")
    return np.array(
        [
            f"{f}{d // 676:04d}{chr(65 + d % 676 // 26)}{chr(65 + d % 26)}"
            for f, d in zip(first, digits, strict=True)
        ],
        dtype=object,
    )


def crns(rng, size: int) -> np.ndarray:
    serial = unique_ints(rng, 26 * 10**6, size)
    return np.array([f"{chr(65 + s // 10**6)}{s % 10**6:06d}" for s in serial], dtype=object)


def _sorted(frame: pd.DataFrame, date: str) -> pd.DataFrame:
    """Record order: by event date, ties by generation order (deterministic)."""
    frame = frame.astype({"person": np.int64})  # empty concatenations come out as object
    return frame.sort_values([date], kind="stable").reset_index(drop=True)


def _outcomes(rng, n: int) -> dict[str, np.ndarray]:
    """How `n` magistrates' cases end, with the Crown Court stage of those committed
    (drawn here because when the person is next at risk depends on it)."""
    offence = rng.choice(OFFENCES, size=n, p=OFFENCE_P)
    outcome = rng.choice(OUTCOMES, size=n, p=OUTCOME_P)
    serious = np.isin(offence, ["Robbery", "Sexual offences", "Burglary"])
    outcome[serious & (rng.random(n) < SERIOUS_SENT_FOR_TRIAL)] = "Committed for trial"
    convicted = outcome == "Convicted"
    disposal = np.where(convicted, rng.choice(DISPOSALS, size=n, p=DISPOSAL_P), "")
    plea = rng.choice(["Guilty", "Not guilty", "No plea"], size=n, p=[0.7, 0.18, 0.12])
    committed = np.isin(outcome, ["Committed for trial", "Committed for sentence"])
    trial = outcome == "Committed for trial"
    verdict = np.where(
        trial,
        rng.choice(
            ["Guilty", "Guilty plea", "Not guilty", "Discontinued"], n, p=[0.45, 0.3, 0.2, 0.05]
        ),
        "",
    )
    sentenced = committed & ~np.isin(verdict, ["Not guilty", "Discontinued"])
    custody = np.where(sentenced, rng.choice(CROWN_SENTENCES, n, p=CROWN_SENTENCE_P), "")
    length = np.clip(np.exp(rng.normal(6.0, 0.8, n)), 30, 6000).astype(np.int64)
    return {
        "offence": offence,
        "outcome": outcome,
        "disposal": disposal,
        "plea": np.where(outcome == "Committed for sentence", "Guilty", plea),
        "committed": committed,
        # custody passed by the magistrates (days)
        "mags_days": np.where(disposal == "Immediate custody", rng.integers(14, 180, n), -1),
        "crown_gap": np.where(trial, rng.integers(14, 90, n), rng.integers(10, 60, n)),
        "verdict": verdict,
        "sentence_type": custody,
        "wait": np.where(trial, rng.integers(30, 300, n), rng.integers(14, 60, n)),
        "custodial_days": np.where(custody == "Immediate custody", length, -1),
        "indeterminate": (custody == "Immediate custody") & (rng.random(n) < 0.04),
    }


def _at_risk(date: np.ndarray, o: dict[str, np.ndarray]):
    """When the person is back in the community after each case (the release date for
    custody, NaT for an indeterminate sentence), and the sentence class the case's
    reoffending rate is given for (rates.REOFFENDING)."""
    crown_end = date + days(o["crown_gap"] + o["wait"])  # verdict or sentence
    mags_custody = o["mags_days"] > 0
    crown_custody = o["custodial_days"] > 0
    served = np.where(mags_custody, o["mags_days"], o["custodial_days"]) / 2  # half, on licence
    sentenced = np.where(o["committed"], crown_end, date)
    release = np.where(mags_custody | crown_custody, sentenced + days(served), sentenced)
    release = np.where(o["indeterminate"], np.datetime64("NaT"), release)
    sentence = np.where(o["committed"], o["sentence_type"], o["disposal"])
    long = crown_custody & (o["custodial_days"] >= 365)
    cls = np.select(
        [sentence == "", long, sentence == "Immediate custody"],
        [NO_SENTENCE, CUSTODY_LONG, CUSTODY_SHORT],
        sentence,
    )
    return release, cls


def _magistrates(rng, pop: Population) -> tuple[pd.DataFrame, np.ndarray]:
    """Cases one after another: each case's next one comes within a year of the person's
    return to the community at the rate for its sentence (rates.REOFFENDING), else,
    while the person has spells of offending left (by tier), after a longer gap."""
    start = np.maximum(WINDOW_START, pop.dob + days(np.full(pop.n, 12 * 365.25)))
    eligible = start < WINDOW_END - days(60)
    p_off = np.where(pop.sex == MALE, 0.8, 0.5)
    offender = eligible & (rng.random(pop.n) < p_off)
    tier = rng.choice(3, size=pop.n, p=[0.45, 0.33, 0.22])
    spells = rng.poisson(np.array(SPELLS_EXTRA_MEAN)[tier])
    spell_gap = np.array(SPELL_GAP_DAYS)[tier]
    person = np.flatnonzero(offender)
    # Repeat and prolific offenders are already offending when the window opens (or
    # soon after they turn 12); a one-off case falls anywhere in it.
    first_by = start[person] + days(np.array(FIRST_CASE_WITHIN_DAYS)[tier[person]])
    date = uniform_dates(rng, start[person], np.minimum(first_by, WINDOW_END))
    left = spells[person]
    steps = []
    while len(person) or not steps:  # at least once: an empty history has every column
        o = _outcomes(rng, len(person))
        release, cls = _at_risk(date, o)
        steps.append(
            {"person": person, "date": date, **o, "release": release, "sentence_class": cls}
        )
        n = len(person)
        back = rng.random(n) < pd.Series(cls).map(REOFFENDING).to_numpy()
        # Within a year: sooner more likely. Later: past a year even in a leap year.
        soon = 1 + 364 * rng.random(n) ** 2
        later = 367 + rng.exponential(1, n) * spell_gap[person]
        gap = np.where(back, soon, later)
        left = np.where(back, left, left - 1)
        following = release + days(gap)
        keep = (back | (left >= 0)) & ~np.isnat(release) & (following <= WINDOW_END)
        person, date, left = person[keep], following[keep], left[keep]
    # Record order: by date, ties in generation order (as _sorted; numpy is faster here).
    order = np.argsort(np.concatenate([step["date"] for step in steps]), kind="stable")
    m = pd.DataFrame({k: np.concatenate([step[k] for step in steps])[order] for k in steps[0]})
    # A person's home court follows their first postcode area; some cases elsewhere.
    area_code = np.array([hash_area(pc) for pc in pop.postcode[:, 0]])
    home = area_code % N_MAGS_COURTS
    n = len(m)
    m["court"] = np.where(
        rng.random(n) < 0.85, home[m.person.values], rng.integers(0, N_MAGS_COURTS, n)
    )
    # Co-defendants: some cases join another person's case heard the same day (the same
    # day only, so that no case moves and the timing above holds).
    joins = np.zeros(n, dtype=bool)
    joins[1:] = (m.person.values[1:] != m.person.values[:-1]) & (
        m.date.values[1:] == m.date.values[:-1]
    )
    co = (rng.random(n) < 0.07) & joins
    case = np.cumsum(~co) - 1
    m["court"] = m.court.values[np.flatnonzero(~co)[case]]
    m["case"] = case
    m["asn_serial"] = unique_ints(rng, 10**11, n)
    m["force"] = m.court.values % 43 + 1
    return m, offender


def hash_area(postcode: str) -> int:
    """A stable small number from a postcode's area letters (not Python's hash())."""
    area = postcode.split(" ")[0].rstrip("0123456789")
    return sum((i + 7) * ord(c) for i, c in enumerate(area))


def _identifiers(rng, pop: Population, mags: pd.DataFrame):
    """PNC for every offender (issued at or before the first arrest); CRO for most."""
    first_date = mags.groupby("person").date.min()
    persons = first_date.index.values
    first_year = first_date.values.astype("datetime64[Y]").astype(int) + 1970
    dob_year = pop.dob[persons].astype("datetime64[Y]").astype(int) + 1970
    earlier = np.where(rng.random(len(persons)) < 0.5, 0, rng.geometric(0.15, len(persons)))
    year = np.maximum(first_year - earlier, np.maximum(dob_year + 10, 1975))
    pnc_year = np.full(pop.n, -1)
    pnc_serial = np.full(pop.n, -1)
    pnc_year[persons] = year
    pnc_serial[persons] = unique_ints(rng, 10**7, len(persons))
    cro_year = np.full(pop.n, -1)
    cro_serial = np.full(pop.n, -1)
    has_cro = persons[rng.random(len(persons)) < 0.8]
    cro_year[has_cro] = pnc_year[has_cro]
    cro_serial[has_cro] = unique_ints(rng, 10**6, len(has_cro))
    return pnc_year, pnc_serial, cro_year, cro_serial


def _crown(rng, pop: Population, mags: pd.DataFrame) -> pd.DataFrame:
    """Crown Court cases: the committed magistrates' cases (their Crown stage was drawn
    with the case), and appeals, where a dismissed appeal leaves the sentence standing."""
    committed = mags.index[mags.committed].values
    appeal = mags.index[
        (mags.outcome == "Convicted") & (rng.random(len(mags)) < APPEAL_RATE)
    ].values
    src = np.r_[committed, appeal]
    kind = np.r_[
        np.where(mags.outcome.values[committed] == "Committed for trial", "Trial", "Sentence"),
        np.full(len(appeal), "Appeal"),
    ]
    n, n_appeal = len(src), len(appeal)
    appeal_gap = rng.integers(10, 60, n_appeal)
    c = pd.DataFrame(
        {
            "person": mags.person.values[src],
            "mags_row": src,
            "date": mags.date.values[src]
            + days(np.r_[mags.crown_gap.values[committed], appeal_gap]),
            "case_type": kind,
            "offence": mags.offence.values[src],
        }
    )
    centre = mags.court.values[src] % N_CROWN_CENTRES
    c["court"] = np.where(rng.random(n) < 0.85, centre, rng.integers(0, N_CROWN_CENTRES, n))
    dismissed = rng.random(n_appeal) < 0.7
    c["verdict"] = np.r_[
        mags.verdict.values[committed], np.where(dismissed, "Appeal dismissed", "Appeal allowed")
    ]
    c["sentence_type"] = np.r_[
        mags.sentence_type.values[committed], np.where(dismissed, mags.disposal.values[appeal], "")
    ]
    sentenced = c.sentence_type.values != ""
    wait = np.r_[mags.wait.values[committed], rng.integers(14, 60, n_appeal)]
    c["sentence_date"] = np.where(sentenced, c.date.values + days(wait), np.datetime64("NaT"))
    c["custodial_days"] = np.r_[
        mags.custodial_days.values[committed],
        np.where(dismissed, mags.mags_days.values[appeal], -1),
    ]
    # The prison journey of a Crown Court custodial sentence (an appeal's is the
    # magistrates' one): its release date, and whether it is indeterminate.
    c["release"] = np.r_[mags.release.values[committed], np.full(n_appeal, np.datetime64("NaT"))]
    c["indeterminate"] = np.r_[mags.indeterminate.values[committed], np.zeros(n_appeal, bool)]
    c["company"] = ""
    # Corporate defendants (health and safety, trading standards): not people.
    n_co = max(1, n // 60)
    co = pd.DataFrame(
        {
            "person": -1,
            "mags_row": -1,
            "date": uniform_dates(rng, np.full(n_co, WINDOW_START), WINDOW_END),
            "case_type": "Trial",
            "offence": "Summary non-motoring",
            "court": rng.integers(0, N_CROWN_CENTRES, n_co),
            "verdict": rng.choice(["Guilty", "Guilty plea", "Not guilty"], n_co),
            "sentence_type": "Fine",
            "custodial_days": -1,
            "release": np.full(n_co, np.datetime64("NaT"), dtype="datetime64[s]"),
            "indeterminate": False,
            "company": [
                f"{w} {k} {s}"
                for w, k, s in zip(
                    rng.choice(["Acme", "Northern", "Apex", "Summit", "Crown", "Albion"], n_co),
                    rng.choice(["Construction", "Haulage", "Foods", "Waste Management"], n_co),
                    rng.choice(["LTD", "LIMITED", "PLC"], n_co),
                    strict=True,
                )
            ],
        }
    )
    co["sentence_date"] = np.where(
        co.verdict == "Not guilty",
        np.datetime64("NaT"),
        co.date.values + days(rng.integers(30, 200, n_co)),
    )
    return _sorted(pd.concat([c, co], ignore_index=True), "date")


def _journeys(person, date, sentence_type, release, length=-1) -> pd.DataFrame:
    """Prison journeys: received on `date`, released on `release` (NaT: no release date); `length`
    is the sentence in days, -1 where none was passed (remand, recall)."""
    return pd.DataFrame(
        {
            "person": person,
            "date": date,
            "sentence_type": sentence_type,
            "release": release,
            "length": length,
        }
    )


def _prison(rng, pop: Population, mags: pd.DataFrame, crown: pd.DataFrame) -> pd.DataFrame:
    mc = mags.index[mags.disposal == "Immediate custody"].values
    cc = crown.index[
        (crown.sentence_type == "Immediate custody")
        & (crown.person >= 0)
        & (crown.case_type != "Appeal")  # the sentence stands: already in prison
    ].values
    remand = crown.index[
        (crown.case_type == "Trial") & (crown.person >= 0) & (rng.random(len(crown)) < 0.3)
    ].values
    frames = [
        _journeys(
            mags.person.values[mc],
            mags.date.values[mc],
            "Determinate",
            mags.release.values[mc],
            mags.mags_days.values[mc],
        ),
        _journeys(
            crown.person.values[cc],
            crown.sentence_date.values[cc],
            np.where(crown.indeterminate.values[cc], "Indeterminate", "Determinate"),
            crown.release.values[cc],
            crown.custodial_days.values[cc],
        ),
    ]
    received = crown.date.values[remand]
    mags_date = mags.date.values[crown.mags_row.values[remand]]
    frames.append(
        _journeys(
            crown.person.values[remand],
            mags_date,
            "Remand",
            received + days(rng.integers(20, 200, len(remand))),
        )
    )
    j = pd.concat(frames, ignore_index=True)
    # Recalls: some released on licence come back.
    back = j.index[
        (j.sentence_type == "Determinate") & (j.length > 60) & (rng.random(len(j)) < 0.2)
    ].values
    recall = j.release.values[back] + days(rng.integers(30, 400, len(back)))
    recalls = _journeys(
        j.person.values[back], recall, "Recall", recall + days(rng.integers(28, 200, len(back)))
    )
    j = pd.concat([j, recalls], ignore_index=True)
    j = _sorted(j, "date")
    j["establishment"] = rng.choice(ESTABLISHMENTS, len(j))
    # NOMS numbers: issued per person, sometimes anew on return, rarely someone else's.
    rates = RATES["prison_journeys"]
    order = np.lexsort((j.date.values, j.person.values))
    issue = issue_per_person(rng, j.person.values[order], rates.id_duplicate)
    numbers = noms_numbers(rng, int(issue.max()) + 1 if len(issue) else 0)
    noms = np.empty(len(j), dtype=object)
    noms[order] = numbers[issue]
    offender = np.empty(len(j), dtype=np.int64)
    offender[order] = issue
    wrong = np.flatnonzero(rng.random(len(j)) < rates.id_wrong_person)
    noms[wrong] = noms[rng.integers(0, len(j), len(wrong))]
    j["noms"] = noms
    j["issue"] = offender
    j["offender_id"] = np.where(
        rng.random(len(j)) < 0.03, rng.integers(0, 10**7, len(j)), 10**7 + offender
    )
    j["booking"] = unique_ints(rng, 10**7, len(j))
    return j


def _probation(rng, pop: Population, mags, crown, prison) -> pd.DataFrame:
    community = {
        "Community order": "Community Order",
        "Suspended sentence": "Suspended Sentence Order",
    }
    mc = mags.index[mags.disposal.isin(community)].values
    cc = crown.index[crown.sentence_type.isin(community) & (crown.person >= 0)].values
    pc = prison.index[prison.sentence_type.isin(["Determinate", "Indeterminate"])].values
    custody_type = np.select(
        [prison.sentence_type.values[pc] == "Indeterminate", prison.length.values[pc] < 365],
        ["Indeterminate Sentence", "Adult Custody < 12m"],
        "Adult Custody >= 12m",
    )
    e = pd.concat(
        [
            pd.DataFrame(
                {
                    "person": mags.person.values[mc],
                    "date": mags.date.values[mc] + days(rng.integers(0, 10, len(mc))),
                    "sentence_type": mags.disposal.map(community).values[mc],
                }
            ),
            pd.DataFrame(
                {
                    "person": crown.person.values[cc],
                    "date": crown.sentence_date.values[cc] + days(rng.integers(0, 10, len(cc))),
                    "sentence_type": crown.sentence_type.map(community).values[cc],
                }
            ),
            pd.DataFrame(
                {
                    "person": prison.person.values[pc],
                    "date": prison.date.values[pc],
                    "sentence_type": custody_type,
                }
            ),
        ],
        ignore_index=True,
    )
    e = _sorted(e, "date")
    n = len(e)
    is_custody = e.sentence_type.str.contains("Custody|Indeterminate").values
    e["requirement"] = np.where(is_custody, "", rng.choice(REQUIREMENTS, n))
    area = rng.integers(0, len(PROBATION_AREAS), pop.n)
    moved = rng.random(n) < 0.1
    e["area"] = np.array(PROBATION_AREAS, dtype=object)[
        np.where(moved, rng.integers(0, len(PROBATION_AREAS), n), area[e.person.values])
    ]
    e["end"] = e.date.values + days(rng.integers(180, 900, n))
    e["termination"] = rng.choice(TERMINATIONS, n, p=TERMINATION_P)
    order = np.lexsort((e.date.values, e.person.values))
    issue = issue_per_person(rng, e.person.values[order], RATES["probation_events"].id_duplicate)
    numbers = crns(rng, int(issue.max()) + 1 if n else 0)
    crn = np.empty(n, dtype=object)
    crn[order] = numbers[issue]
    offender = np.empty(n, dtype=np.int64)
    offender[order] = issue
    e["crn"] = crn
    e["offender_id"] = 2_500_000 + offender
    e["event"] = unique_ints(rng, 10**8, n)
    return e


def latest_before(events: pd.DataFrame, persons, dates, column: str) -> np.ndarray:
    """The value of `column` on each person's latest event on or before each date."""
    left = pd.DataFrame({"person": persons, "date": dates, "k": np.arange(len(persons))})
    left = left.sort_values("date", kind="stable")
    right = events[["person", "date", column]].sort_values("date", kind="stable")
    merged = pd.merge_asof(left, right, on="date", by="person", direction="backward")
    out = np.empty(len(persons), dtype=object)
    out[merged.k.values] = merged[column].values
    return np.array([v if isinstance(v, str) else None for v in out], dtype=object)


def _assessed_after(
    rng, events: pd.DataFrame, rows, lag: tuple[int, int], carried: str, kinds, p=None
) -> pd.DataFrame:
    """OASys assessments `lag` days (uniform) after the given events, carrying the events'
    `carried` id ("crn" or "noms"; the other is looked up later). `kinds` is the one
    assessment type, or the types to draw from (with weights `p`)."""
    date = events.date.values[rows] + days(rng.integers(*lag, len(rows)))
    kind = kinds if isinstance(kinds, str) else rng.choice(kinds, len(rows), p=p)
    ids = {"crn": None, "noms": None, carried: events[carried].values[rows]}
    return pd.DataFrame({"person": events.person.values[rows], "date": date, "type": kind, **ids})


def _oasys(rng, pop: Population, prison, probation) -> pd.DataFrame:
    n_p = len(probation)
    from_prob = probation.index[rng.random(n_p) < 0.5].values
    review = probation.index[rng.random(n_p) < 0.15].values
    from_prison = prison.index[
        (prison.sentence_type != "Remand") & (rng.random(len(prison)) < 0.4)
    ].values
    a = pd.concat(
        [
            _assessed_after(
                rng, probation, from_prob, (5, 40), "crn", ["Layer 3", "Layer 1"], [0.8, 0.2]
            ),
            _assessed_after(rng, probation, review, (180, 365), "crn", "Review"),
            _assessed_after(
                rng, prison, from_prison, (3, 30), "noms", ["Basic custody screening", "Layer 3"]
            ),
        ],
        ignore_index=True,
    )
    a = _sorted(a, "date")
    for column, source in (("noms", prison), ("crn", probation)):  # the id not carried
        need = a[column].isna().values
        a.loc[need, column] = latest_before(
            source, a.person.values[need], a.date.values[need], column
        )
    order = np.lexsort((a.date.values, a.person.values))
    issue = issue_per_person(rng, a.person.values[order], RATES["oasys_assessments"].id_duplicate)
    pk = np.empty(len(a), dtype=np.int64)
    pk[order] = issue
    a["pk"] = 100_000 + pk
    a["assessment"] = unique_ints(rng, 10**8, len(a))
    return a


def generate_criminal(pop: Population, seed: int) -> CriminalEvents:
    mags, _ = _magistrates(stream(seed, "magistrates"), pop)
    ids = _identifiers(stream(seed, "pnc"), pop, mags)
    crown = _crown(stream(seed, "crown"), pop, mags)
    prison = _prison(stream(seed, "prison"), pop, mags, crown)
    probation = _probation(stream(seed, "probation"), pop, mags, crown, prison)
    oasys = _oasys(stream(seed, "oasys"), pop, prison, probation)
    cases = np.bincount(mags.person.values, minlength=pop.n)
    return CriminalEvents(
        *ids, cases=cases, mags=mags, crown=crown, prison=prison, probation=probation, oasys=oasys
    )
