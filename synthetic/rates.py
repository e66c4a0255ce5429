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
    nickname: float = 0.0  # forename keyed as a diminutive (the generator's own rules)
    transliteration: float = 0.0  # of records with a name that has one: Muhammad, Mohamed
    middle_dropped: float = 0.0  # middle names not recorded
    middle_as_forename: float = 0.0  # of records with a middle name: the two swapped
    names_swapped: float = 0.0  # forename and surname transposed
    name_order_reversed: float = 0.0  # the whole name surname first: SMITH JOHN ALAN -> ...
    maiden_name: float = 0.0  # of records of married women: birth surname keyed instead
    double_barrelled: float = 0.0  # of records of married women: birth-married surname
    hyphen_variant: float = 0.0  # of double-barrelled surnames: one part, or space/no hyphen
    junk_name: float = 0.0  # NOT ENTERED / MIG_ERROR_nnn / NO_SHOW_nnn instead of a name
    name_truncated: float = 0.0  # a name cut to a field length (6-8 characters)
    name_ocr: float = 0.0  # OCR-like confusions in a name: 0/O, 1/I/L, 5/S, rn/m
    title_in_name: float = 0.0  # a title or suffix keyed into a name: MR JOHN, SMITH JNR
    forename_initial: float = 0.0  # the forename reduced to its initial
    name_punctuation: float = 0.0  # a space, stop, hyphen or apostrophe inside a name
    dob_missing: float = 0.0
    dob_placeholder: float = 0.0  # 1900-01-01 or 1970-01-01 instead of the real date
    dob_swap: float = 0.0  # day and month transposed
    dob_typo: float = 0.0  # day or year off by one, or two digits of the year transposed
    dob_decade: float = 0.0  # the year ten out
    dob_century: float = 0.0  # the century wrong (2003 -> 1903), where still a past date
    sex_unknown: float = 0.0
    postcode_missing: float = 0.0
    postcode_stale: float = 0.0  # a previous address rather than the current one
    postcode_ocr: float = 0.0  # OCR-like confusion in the postcode, still postcode-shaped
    postcode_typo: float = 0.0  # a neighbouring key in the postcode, still postcode-shaped
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
    "transliteration":   (0.2,   0.15,  0.2,   0.25,  0.15,  0.15,  0.15),
    "middle_dropped":    (0.3,   0.2,   0.4,   0.5,   0.2,   0.1,   0.3),
    "middle_as_forename": (0.03, 0.02,  0.03,  0.04,  0.02,  0.02,  0.02),
    "names_swapped":     (0.005, 0.002, 0.0,   0.0,   0.002, 0.003, 0.0),
    "name_order_reversed": (0.002, 0.001, 0.002, 0.003, 0.001, 0.002, 0.001),
    "maiden_name":       (0.08,  0.05,  0.15,  0.1,   0.05,  0.05,  0.05),
    "double_barrelled":  (0.03,  0.03,  0.05,  0.03,  0.03,  0.03,  0.03),
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

# The `hard` error profile (`xjs synth --errors hard`), docs/synthetic-model.md section 3b.
# It multiplies the name, date-of-birth and address errors and variants by HARD_MULTIPLIER
# (capped at HARD_CAP, so the usual form stays the commoner one) and switches on the kinds
# below, which the default profile does not have (no comparison level is built for them).
# Coverage and the values the contract quarantines (placeholders, junk, wrong check
# letters) keep their default rates: more of those would fail the drop's value-defect
# tolerances (contracts/defects.py) rather than test the linkage.
HARD_MULTIPLIER = 3.0
HARD_CAP = 0.5
HARD_SCALED = (
    "name_typo", "phonetic", "nickname", "transliteration", "middle_as_forename",
    "names_swapped", "name_order_reversed", "maiden_name", "double_barrelled",
    "hyphen_variant", "dob_swap", "dob_typo", "postcode_stale",
)
_HARD_TABLE: dict[str, tuple[float, ...]] = {
#                         mags   crown  family civil  prob   prison oasys
    "name_truncated":    (0.02,  0.02,  0.03,  0.03,  0.02,  0.02,  0.02),
    "name_ocr":          (0.01,  0.01,  0.03,  0.03,  0.01,  0.01,  0.01),
    "title_in_name":     (0.015, 0.01,  0.02,  0.02,  0.01,  0.01,  0.01),
    "forename_initial":  (0.02,  0.01,  0.04,  0.04,  0.01,  0.01,  0.01),
    "name_punctuation":  (0.02,  0.015, 0.03,  0.03,  0.015, 0.015, 0.015),
    "dob_decade":        (0.005, 0.003, 0.01,  0.01,  0.003, 0.003, 0.003),
    "dob_century":       (0.003, 0.002, 0.005, 0.005, 0.002, 0.002, 0.002),
    "postcode_ocr":      (0.01,  0.01,  0.02,  0.02,  0.01,  0.0,   0.0),
    "postcode_typo":     (0.015, 0.01,  0.02,  0.02,  0.01,  0.0,   0.0),
}
# fmt: on

ERROR_PROFILES = ("default", "hard")


def _profile_rates(table: dict[str, tuple[float, ...]]) -> dict[str, SourceRates]:
    return {
        name: SourceRates(**{rate: row[i] for rate, row in table.items()})
        for i, name in enumerate(_COLUMNS)
    }


def _hard_table() -> dict[str, tuple[float, ...]]:
    scaled = {
        rate: tuple(
            round(min(HARD_CAP, v * HARD_MULTIPLIER), 4) if v < HARD_CAP else v for v in row
        )
        for rate, row in _RATE_TABLE.items()
        if rate in HARD_SCALED
    }
    return {**_RATE_TABLE, **scaled, **_HARD_TABLE}


RATES: dict[str, SourceRates] = _profile_rates(_RATE_TABLE)  # the default profile
HARD_RATES: dict[str, SourceRates] = _profile_rates(_hard_table())


def profile_rates(errors: str = "default") -> dict[str, SourceRates]:
    """The per-source rates of an error profile (ERROR_PROFILES)."""
    if errors not in ERROR_PROFILES:
        raise ValueError(f"unknown error profile {errors!r}: one of {', '.join(ERROR_PROFILES)}")
    return HARD_RATES if errors == "hard" else RATES


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
    "transliteration",
    "middle_dropped",
    "middle_as_forename",
    "names_swapped",
    "name_order_reversed",
    "maiden_name",
    "pre_marriage_surname",
    "double_barrelled",
    "hyphen_variant",
    "junk_name",
    "name_truncated",
    "name_ocr",
    "title_in_name",
    "forename_initial",
    "name_punctuation",
    "dob_missing",
    "dob_placeholder",
    "dob_swap",
    "dob_typo",
    "dob_decade",
    "dob_century",
    "postcode_stale",
    "postcode_ocr",
    "postcode_typo",
    "no_fixed_abode",
    "id_mistype",
    "twin",
)
# Name keying errors: a later release may correct them (the names in use are restored).
NAME_KEYING = (
    "name_typo",
    "phonetic",
    "names_swapped",
    "name_order_reversed",
    "junk_name",
    "name_truncated",
    "name_ocr",
    "title_in_name",
    "forename_initial",
    "name_punctuation",
)
DOB_KEYING = ("dob_swap", "dob_typo", "dob_decade", "dob_century")
# Error types a later release may correct (the record's true value is restored).
CORRECTABLE = NAME_KEYING + DOB_KEYING

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
