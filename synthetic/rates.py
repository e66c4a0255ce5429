"""Per-source coverage and error rates: the one place to tune how messy each source is.

docs/synthetic-model.md documents every number here with its reasoning;
`xjs profile` prints the realised rates and tests/synthetic/test_profile.py holds
them to these values. Every rate is a probability per person record unless its
comment says "of eligible records" (e.g. maiden_name: of records of married women).
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.landing import CIVIL, CROWN, FAMILY, MAGISTRATES, OASYS, PRISON_JOURNEYS, PROBATION
from contracts.person_records import PLACEHOLDER_DATES_OF_BIRTH
from synthetic.streams import WINDOW_END, WINDOW_START

PLACEHOLDERS = PLACEHOLDER_DATES_OF_BIRTH  # as the contract names them


@dataclass(frozen=True)
class SourceRates:
    name_typo: float = 0.0  # forename or surname with one keying error
    phonetic: float = 0.0  # a name spelt as it sounds (Stephen -> Steven, Philips -> Fillips)
    nickname: float = 0.0  # forename keyed as a diminutive (from the `nicknames` package)
    middle_dropped: float = 0.0  # middle names not recorded
    names_swapped: float = 0.0  # forename and surname transposed
    maiden_name: float = 0.0  # of records of married women: birth surname keyed instead
    hyphen_variant: float = 0.0  # of double-barrelled surnames: one part, or space/no hyphen
    junk_name: float = 0.0  # NOT ENTERED / MIG_ERROR_nnn / NO_SHOW_nnn instead of a name
    dob_missing: float = 0.0
    dob_placeholder: float = 0.0  # 1900-01-01 or 1970-01-01 instead of the real date
    dob_swap: float = 0.0  # day and month transposed
    dob_typo: float = 0.0  # day or year off by one, or two digits of the year transposed
    sex_unknown: float = 0.0
    postcode_missing: float = 0.0
    postcode_stale: float = 0.0  # a previous address rather than the current one
    no_fixed_abode: float = 0.0  # NF1 1NF (LIBRA) or missing
    ethnicity_missing: float = 0.0
    ethnicity_junk: float = 0.0  # `Z_Dummy Ethnicity 04`, `Refusal`, ...
    pnc: float = 0.0  # coverage of PNC (of records of people who have one)
    pnc_short: float = 0.0  # share of carried PNCs written in short form
    cro: float = 0.0  # coverage of CRO (of records of people who have one)
    noms: float = 0.0  # coverage of the prison number (of records after a first custody)
    crn: float = 0.0  # coverage of the CRN (of records after a first probation event)
    id_mistype: float = 0.0  # a carried PNC/CRO keyed with a wrong check letter
    id_duplicate: float = 0.0  # a new person-level id issued by mistake (NOMS, CRN, PKs)
    id_wrong_person: float = 0.0  # another person's id reused (prison numbers)
    corrected: float = 0.0  # of records with a name or DOB error: fixed in a later release
    placeholders: tuple[str, ...] = PLACEHOLDERS


# The error model: a row a rate, a column a source, as docs/synthetic-model.md section 3
# shows it (tests/synthetic/test_rates.py holds the two together). 0.0 where a source does
# not have the rate. FamilyMan's dob_missing is of adults; children's is CHILD_DOB_MISSING.
_COLUMNS: tuple[str, ...] = tuple(
    t.name for t in (MAGISTRATES, CROWN, FAMILY, CIVIL, PROBATION, PRISON_JOURNEYS, OASYS)
)
# fmt: off
_RATE_TABLE: dict[str, tuple[float, ...]] = {
#                         mags   crown  family civil  prob   prison oasys
    "name_typo":         (0.035, 0.025, 0.03,  0.04,  0.02,  0.025, 0.02),
    "phonetic":          (0.015, 0.01,  0.015, 0.02,  0.01,  0.01,  0.01),
    "nickname":          (0.05,  0.03,  0.05,  0.08,  0.03,  0.02,  0.03),
    "middle_dropped":    (0.3,   0.2,   0.4,   0.5,   0.2,   0.1,   0.3),
    "names_swapped":     (0.005, 0.002, 0.0,   0.0,   0.002, 0.003, 0.0),
    "maiden_name":       (0.08,  0.05,  0.15,  0.1,   0.05,  0.05,  0.05),
    "hyphen_variant":    (0.5,   0.3,   0.4,   0.5,   0.25,  0.25,  0.25),
    "junk_name":         (0.004, 0.002, 0.003, 0.002, 0.003, 0.002, 0.001),
    "dob_missing":       (0.03,  0.02,  0.5,   0.7,   0.01,  0.005, 0.01),
    "dob_placeholder":   (0.008, 0.0,   0.0,   0.0,   0.02,  0.005, 0.0),
    "dob_swap":          (0.012, 0.008, 0.01,  0.01,  0.008, 0.005, 0.008),
    "dob_typo":          (0.01,  0.005, 0.01,  0.01,  0.005, 0.005, 0.005),
    "sex_unknown":       (0.02,  0.01,  0.15,  0.0,   0.01,  0.005, 0.0),
    "postcode_missing":  (0.06,  0.15,  0.5,   0.05,  0.1,   0.0,   0.0),
    "postcode_stale":    (0.15,  0.1,   0.1,   0.2,   0.1,   0.0,   0.0),
    "no_fixed_abode":    (0.03,  0.0,   0.0,   0.0,   0.0,   0.0,   0.0),
    "ethnicity_missing": (0.3,   0.2,   0.0,   0.0,   0.05,  0.05,  0.0),
    "ethnicity_junk":    (0.0,   0.0,   0.0,   0.0,   0.04,  0.0,   0.0),
    "pnc":               (0.45,  0.85,  0.0,   0.0,   0.88,  0.85,  0.75),
    "pnc_short":         (0.5,   0.1,   0.0,   0.0,   0.3,   0.0,   0.2),
    "cro":               (0.15,  0.0,   0.0,   0.0,   0.6,   0.6,   0.45),
    "noms":              (0.0,   0.0,   0.0,   0.0,   0.7,   0.0,   0.8),
    "crn":               (0.0,   0.0,   0.0,   0.0,   0.0,   0.0,   0.9),
    "id_mistype":        (0.02,  0.01,  0.0,   0.0,   0.01,  0.01,  0.01),
    "id_duplicate":      (0.0,   0.0,   0.0,   0.0,   0.03,  0.08,  0.02),
    "id_wrong_person":   (0.0,   0.0,   0.0,   0.0,   0.0,   0.005, 0.0),
    "corrected":         (0.2,   0.3,   0.1,   0.05,  0.3,   0.3,   0.3),
}
# fmt: on

RATES: dict[str, SourceRates] = {
    table: SourceRates(**{rate: row[i] for rate, row in _RATE_TABLE.items()})
    for i, table in enumerate(_COLUMNS)
}

CHILD_DOB_MISSING = 0.05  # FamilyMan: children's dates of birth are nearly always recorded

# Prison aliases: share of journeys with aliases, and what an alias changes.
ALIAS_JOURNEY_RATE = 0.12
ALIAS_DOB_CHANGED = 0.35

# A correction lands this many days (uniform) after the record's event date.
CORRECTION_DAYS = (30, 730)

# The release from which each dataset is in the drops (a drop before it has no such
# file): the order in which the Data First datasets joined, OASys last.
DATASET_START: dict[str, str] = {
    "magistrates_defendants": "2000-01",
    "crown_defendants": "2000-01",
    "family_parties": "2018-01",
    "civil_parties": "2019-01",
    "probation_events": "2020-01",
    "prison_journeys": "2020-01",
    "prison_aliases": "2020-01",
    "oasys_assessments": "2021-07",
}

# Error types recorded in truth/<R>/errors.parquet (one row per record and type).
ERROR_TYPES = (
    "name_typo",
    "phonetic",
    "nickname",
    "middle_dropped",
    "names_swapped",
    "maiden_name",
    "pre_marriage_surname",
    "hyphen_variant",
    "junk_name",
    "dob_missing",
    "dob_placeholder",
    "dob_swap",
    "dob_typo",
    "postcode_stale",
    "no_fixed_abode",
    "id_mistype",
    "twin",
)
# Error types a later release may correct (the record's true value is restored).
CORRECTABLE = ("name_typo", "phonetic", "names_swapped", "junk_name", "dob_swap", "dob_typo")

# --- Reoffending -----------------------------------------------------------------------
# One-year proven reoffending rate (adults) by the sentence a case ended with: the share of
# sentences followed by a new case within a year of the sentence date, or of release for
# custody. MoJ Proven Reoffending Statistics (docs/synthetic-model.md section 8 gives the
# publication and which figures are checked and which approximate). criminal.py draws the
# next case from these, so the realised rate per sentence is this rate by construction.
WINDOW_DAYS = int((WINDOW_END - WINDOW_START).astype(int))
CUSTODY_SHORT = "Custody < 12 months"
CUSTODY_LONG = "Custody 12 months or more"
NO_SENTENCE = "No sentence"  # acquitted, withdrawn, not guilty or discontinued
REOFFENDING: dict[str, float] = {
    "Discharge": 0.22,
    "Fine": 0.23,
    "Community order": 0.33,
    "Suspended sentence": 0.26,
    CUSTODY_SHORT: 0.61,
    CUSTODY_LONG: 0.28,
    NO_SENTENCE: 0.275,  # no published figure: the adult average
}
# Who keeps offending when not back within a year: spells of offending per person by tier
# (one-off, repeat, prolific; a spell ends at the first sentence not followed within a
# year), and the mean extra gap in days before the next spell.
FIRST_CASE_WITHIN_DAYS = (WINDOW_DAYS, 3 * 365, 365)  # of the window opening for the person
SPELLS_EXTRA_MEAN = (0.0, 1.6, 9.0)  # spells = 1 + Poisson(mean)
SPELL_GAP_DAYS = (0.0, 700.0, 120.0)
