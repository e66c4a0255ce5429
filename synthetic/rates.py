"""Per-source coverage and error rates: the one place to tune how messy each source is.

Every rate is a probability per record (identifier coverage: of the records of a
person who has that identifier). A later issue documents and profiles these.

| source      | typo | nick | dob miss | dob swap | placeholder | pnc  | cro  | mistype |
|-------------|------|------|----------|----------|-------------|------|------|---------|
| magistrates | .04  | .06  | .08      | .015     | .01         | .45  | .15  | .02     |
| crown       | .02  | .03  | .03      | .01      | 0           | .85  | -    | .01     |
| family      | .03  | .05  | .45      | .01      | 0           | -    | -    | -       |
| civil       | .04  | .08  | .88      | .01      | 0           | -    | -    | -       |
| probation   | .02  | .03  | .01      | .01      | .02         | .88  | .60  | .01     |
| prison      | .02  | .02  | .01      | .005     | 0           | .85  | .60  | .01     |
| oasys       | .02  | .03  | .02      | .01      | 0           | .75  | .45  | .01     |

Source-specific fields (NOMS / CRN coverage, no-fixed-abode, sex unknown,
junk ethnicity, ...) are set in each source's instance in RATES below.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceRates:
    name_typo: float = 0.0  # forename or surname with one keying error
    nickname: float = 0.0  # forename keyed as a diminutive (from the `nicknames` package)
    middle_dropped: float = 0.0  # middle names not recorded
    names_swapped: float = 0.0  # forename and surname transposed
    maiden_name: float = 0.0  # a married woman recorded under her birth surname
    dob_missing: float = 0.0
    dob_placeholder: float = 0.0  # a dummy date (source-specific) instead of the real one
    dob_swap: float = 0.0  # day and month transposed (when both <= 12)
    dob_typo: float = 0.0  # day or year off by a little
    sex_unknown: float = 0.0
    postcode_missing: float = 0.0
    postcode_stale: float = 0.0  # a previous address rather than the current one
    no_fixed_abode: float = 0.0  # NF1 1NF (LIBRA) or missing
    ethnicity_missing: float = 0.0
    ethnicity_junk: float = 0.0  # `Z_Dummy Ethnicity 04`, `Refusal`, ...
    pnc: float = 0.0  # coverage of PNC (if the person has one)
    pnc_short: float = 0.0  # share of carried PNCs written in short form
    cro: float = 0.0
    noms: float = 0.0
    crn: float = 0.0
    id_mistype: float = 0.0  # a carried PNC/CRO keyed with a wrong check letter
    id_duplicate: float = 0.0  # a new person-level id issued by mistake (NOMS, CRN, PKs)
    id_wrong_person: float = 0.0  # another person's id reused (prison numbers)


RATES: dict[str, SourceRates] = {
    "magistrates_defendants": SourceRates(
        name_typo=0.04,
        nickname=0.06,
        middle_dropped=0.3,
        names_swapped=0.005,
        maiden_name=0.05,
        dob_missing=0.08,
        dob_placeholder=0.01,
        dob_swap=0.015,
        dob_typo=0.01,
        sex_unknown=0.02,
        postcode_missing=0.08,
        postcode_stale=0.15,
        no_fixed_abode=0.03,
        ethnicity_missing=0.3,
        pnc=0.45,
        pnc_short=0.5,
        cro=0.15,
        id_mistype=0.02,
    ),
    "crown_defendants": SourceRates(
        name_typo=0.02,
        nickname=0.03,
        middle_dropped=0.2,
        maiden_name=0.03,
        dob_missing=0.03,
        dob_swap=0.01,
        dob_typo=0.005,
        sex_unknown=0.01,
        postcode_missing=0.15,
        postcode_stale=0.1,
        ethnicity_missing=0.2,
        pnc=0.85,
        pnc_short=0.1,
        id_mistype=0.01,
    ),
    "family_parties": SourceRates(
        name_typo=0.03,
        nickname=0.05,
        middle_dropped=0.4,
        maiden_name=0.1,
        dob_missing=0.45,
        dob_swap=0.01,
        dob_typo=0.01,
        sex_unknown=0.15,
        postcode_missing=0.5,
        postcode_stale=0.1,
    ),
    "civil_parties": SourceRates(
        name_typo=0.04,
        nickname=0.08,
        middle_dropped=0.5,
        maiden_name=0.05,
        dob_missing=0.88,
        dob_swap=0.01,
        dob_typo=0.01,
        postcode_missing=0.05,
        postcode_stale=0.2,
    ),
    "probation_events": SourceRates(
        name_typo=0.02,
        nickname=0.03,
        middle_dropped=0.2,
        maiden_name=0.03,
        dob_missing=0.01,
        dob_placeholder=0.02,
        dob_swap=0.01,
        dob_typo=0.005,
        sex_unknown=0.01,
        postcode_missing=0.1,
        postcode_stale=0.1,
        ethnicity_missing=0.05,
        ethnicity_junk=0.04,
        pnc=0.88,
        pnc_short=0.3,
        cro=0.6,
        noms=0.7,
        id_mistype=0.01,
        id_duplicate=0.03,
    ),
    "prison_journeys": SourceRates(
        name_typo=0.02,
        nickname=0.02,
        middle_dropped=0.1,
        maiden_name=0.03,
        dob_missing=0.01,
        dob_swap=0.005,
        dob_typo=0.005,
        sex_unknown=0.005,
        ethnicity_missing=0.05,
        pnc=0.85,
        pnc_short=0.0,
        cro=0.6,
        id_mistype=0.01,
        id_duplicate=0.08,
        id_wrong_person=0.005,
    ),
    "oasys_assessments": SourceRates(
        name_typo=0.02,
        nickname=0.03,
        middle_dropped=0.3,
        maiden_name=0.03,
        dob_missing=0.02,
        dob_swap=0.01,
        dob_typo=0.005,
        pnc=0.75,
        pnc_short=0.2,
        cro=0.45,
        noms=0.8,
        crn=0.9,
        id_mistype=0.01,
        id_duplicate=0.02,
    ),
}

# Prison aliases: share of journeys with aliases, and what an alias changes.
ALIAS_JOURNEY_RATE = 0.12
ALIAS_DOB_CHANGED = 0.35
