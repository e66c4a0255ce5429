"""Pandera schemas of every research table: the gate before publication and the
source of the data dictionary (descriptions live here, once).

Strict and ordered: a column not listed here cannot reach the release, so a
direct identifier would have to be added here, in review, to leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandera.pandas as pa

from contracts.landing import OASYS_NEEDS
from contracts.person_records import ETHNIC_GROUPS
from research.coarsen import AGE_BAND_LABELS
from research.pseudonyms import pattern

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
POSTCODE_AREA = r"^[A-Z]{1,2}$"


@dataclass(frozen=True)
class Col:
    name: str
    dtype: str  # pandas nullable dtype: string, Int64, Float64, boolean
    description: str
    checks: list = field(default_factory=list)
    nullable: bool = True


def _pseudonym(kind: str, description: str, nullable: bool = False) -> Col:
    return Col(
        f"{kind}_pseudonym", "string", description, [pa.Check.str_matches(pattern(kind))], nullable
    )


RECORD = _pseudonym("record", "The record's pseudonym; joins every table of this release.")
PERSON = _pseudonym("person", "The person's pseudonym (xjs_link at the default threshold).")
CASE = _pseudonym(
    "case", "The court case's pseudonym: parties and defendants on the same case share it."
)
YEAR_OF_BIRTH = Col(
    "year_of_birth",
    "Int64",
    "Year of birth; withheld (null) for people aged 90 or over at the release date.",
)
AGE_BAND = Col(
    "age_band",
    "string",
    "Age at the record's event date, banded; 90+ is one band.",
    [pa.Check.isin(AGE_BAND_LABELS)],
)
SEX = Col("sex", "string", "M or F as recorded; null when not known.", [pa.Check.isin(["M", "F"])])
ETHNIC_GROUP = Col(
    "ethnic_group",
    "string",
    "Broad ethnic group (ONS 5 groups) as recorded.",
    [pa.Check.isin(list(ETHNIC_GROUPS))],
)
POSTCODE = Col(
    "postcode_area",
    "string",
    "Postcode area (the leading letters, e.g. LS).",
    [pa.Check.str_matches(POSTCODE_AREA)],
)
SOURCE_TABLE = Col("source_table", "string", "The source dataset of the record.", nullable=False)

# The columns a source's record table starts with, in this order.
RECORD_LEAD = [RECORD, PERSON, CASE, YEAR_OF_BIRTH, AGE_BAND, SEX, ETHNIC_GROUP, POSTCODE]


def record_lead(*lacking: Col) -> list[Col]:
    """RECORD_LEAD but the columns the source lacks."""
    return [c for c in RECORD_LEAD if c not in lacking]


def month(name: str, what: str) -> Col:
    return Col(name, "string", f"{what}, as YYYY-MM.", [pa.Check.str_matches(MONTH)])


def text(name: str, description: str) -> Col:
    return Col(name, "string", description)


NEED = "OASys need score, 0 (no problem) to 2 (significant problem)."

TABLES: dict[str, tuple[str, list[Col]]] = {
    "xjs_link": (
        "The research edition of the record -> person lookup: every person record once.",
        [
            SOURCE_TABLE,
            RECORD,
            PERSON,
            _pseudonym("cluster_high", "The person at the stricter threshold."),
            _pseudonym("cluster_low", "The person at the looser threshold."),
            Col(
                "match_confidence",
                "Float64",
                "How sure the linkage is that the record belongs "
                "with the rest of its person (1 for a person of one record), 3 decimals.",
                [pa.Check.in_range(0.0, 1.0)],
                False,
            ),
        ],
    ),
    "magistrates_defendants": (
        "Magistrates' court defendants (LIBRA): one row per defendant per case.",
        [
            *record_lead(),
            month("first_hearing_month", "First hearing"),
            text("court_code", "Magistrates' court."),
            text("offence_category", "Offence category."),
            text("plea", "Plea."),
            text("outcome", "Outcome, e.g. Convicted, Acquitted, Committed for trial."),
            text("disposal", "Disposal on conviction, e.g. Fine, Community order."),
            Col("is_committed_to_crown", "boolean", "Committed to the Crown Court."),
        ],
    ),
    "crown_defendants": (
        "Crown Court defendants (XHIBIT): one row per defendant on a case; people only.",
        [
            *record_lead(),
            month("received_month", "Case received"),
            text("court_id", "Crown Court centre."),
            text("case_type", "Trial, Sentence or Appeal."),
            text("offence_category", "Offence category."),
            text("verdict", "Verdict."),
            text("sentence_type", "Sentence, e.g. Immediate custody, Suspended sentence."),
            month("sentence_month", "Sentence date"),
            Col("custodial_days", "Int64", "Custodial sentence length in days.", [pa.Check.ge(0)]),
        ],
    ),
    "family_parties": (
        "Family court parties (FamilyMan): one row per person party per case.",
        [
            *record_lead(ETHNIC_GROUP),
            month("issue_month", "Case issued"),
            text("court_code", "Family court."),
            text("case_type", "Public law, Private law, Adoption, Family Law Act, Divorce."),
            text("party_role", "Applicant, Respondent, Child, Other party."),
            text("final_order", "Final order."),
        ],
    ),
    "civil_parties": (
        "County court civil parties (CaseMan / PCOL): one row per individual party per claim.",
        [
            *record_lead(SEX, ETHNIC_GROUP),
            month("issue_month", "Claim issued"),
            text("claim_type", "Money claim, Possession claim, Other."),
            text("party_role", "Claimant or Defendant."),
            text("latest_event", "Latest event on the claim, e.g. Judgment, Possession order."),
            Col(
                "amount_claimed_rounded",
                "Int64",
                "Amount claimed in pounds, to the nearest 100.",
                [pa.Check.ge(0)],
            ),
        ],
    ),
    "probation_events": (
        "Probation events (nDelius): one row per court referral to probation.",
        [
            *record_lead(CASE),
            month("referral_month", "Referral"),
            text("sentence_type", "Sentence supervised."),
            text("requirement_main_category", "Main requirement of the order."),
            text("probation_area", "Probation region."),
            text("termination_reason", "Why the event ended."),
        ],
    ),
    "prison_journeys": (
        "Custody spells (p-NOMIS): one row per custodial journey.",
        [
            *record_lead(CASE, POSTCODE),
            month("reception_month", "Reception into custody"),
            month("release_month", "Release (null while in custody)"),
            Col(
                "custody_days",
                "Int64",
                "Days from reception to release; null while in custody.",
                [pa.Check.ge(0)],
            ),
            text("establishment_code", "Prison."),
            text("sentence_type", "Remand, Determinate, Indeterminate, Recall."),
        ],
    ),
    "oasys_assessments": (
        "OASys risk and needs assessments: one row per assessment.",
        [
            *record_lead(CASE, ETHNIC_GROUP, POSTCODE),
            month("assessment_month", "Assessment"),
            text("assessment_type", "Layer 3, Layer 1, Basic custody screening..."),
            *[Col(f"need_{n}", "Int64", NEED, [pa.Check.isin([0, 1, 2])]) for n in OASYS_NEEDS],
            Col(
                "ogrs3",
                "Float64",
                "OGRS3 two-year reoffending probability, 3 decimals.",
                [pa.Check.in_range(0.0, 1.0)],
            ),
        ],
    ),
    "person_timeline": (
        "Each person's timeline across jurisdictions: one row per record, in date order.",
        [
            PERSON,
            Col(
                "event_seq",
                "Int64",
                "Place in the person's timeline, from 1.",
                [pa.Check.ge(1)],
                False,
            ),
            month(
                "event_month",
                "The record's event (hearing, receipt, issue, referral, reception, assessment)",
            ),
            Col(
                "jurisdiction",
                "string",
                "criminal, family or civil.",
                [pa.Check.isin(["criminal", "family", "civil"])],
                False,
            ),
            SOURCE_TABLE,
            RECORD,
        ],
    ),
    "repeat_users": (
        "One row per person: contact with each part of the justice system; repeat users have "
        "three or more court cases (criminal, family or civil).",
        [
            PERSON,
            SEX,
            YEAR_OF_BIRTH,
            Col(
                "age_band",
                "string",
                "Age at the release date, banded; 90+ is one band.",
                [pa.Check.isin(AGE_BAND_LABELS)],
            ),
            ETHNIC_GROUP,
            Col("records", "Int64", "Records linked to the person.", [pa.Check.ge(1)], False),
            Col("sources", "Int64", "Source datasets holding a record of the person.", [], False),
            Col(
                "court_cases",
                "Int64",
                "Court cases, criminal, family and civil (a case committed "
                "to the Crown Court counts in both courts).",
                [],
                False,
            ),
            Col("criminal_court_cases", "Int64", "Magistrates' and Crown Court cases.", [], False),
            Col("family_cases", "Int64", "Family court cases.", [], False),
            Col("civil_claims", "Int64", "Civil claims.", [], False),
            Col("probation_events", "Int64", "Probation events.", [], False),
            Col("prison_receptions", "Int64", "Custody spells.", [], False),
            Col("oasys_assessments", "Int64", "OASys assessments.", [], False),
            Col(
                "jurisdictions",
                "Int64",
                "Jurisdictions (criminal, family, civil) involved.",
                [],
                False,
            ),
            month("first_event_month", "First record"),
            month("last_event_month", "Last record"),
            Col("is_repeat_user", "boolean", "Three or more court cases.", [], False),
        ],
    ),
    "jurisdiction_overlaps": (
        "People with criminal and family or civil involvement: which came first and how close.",
        [
            PERSON,
            Col("has_family", "boolean", "Has a family court case.", [], False),
            Col("has_civil", "boolean", "Has a civil claim.", [], False),
            month("first_criminal_month", "First criminal record"),
            month("first_family_month", "First family case"),
            month("first_civil_month", "First civil claim"),
            Col(
                "family_vs_criminal",
                "string",
                "family first, criminal first or same month.",
                [pa.Check.isin(["family first", "criminal first", "same month"])],
            ),
            Col(
                "civil_vs_criminal",
                "string",
                "civil first, criminal first or same month.",
                [pa.Check.isin(["civil first", "criminal first", "same month"])],
            ),
            Col(
                "months_first_family_to_first_criminal",
                "Int64",
                "Months from the first family case to the first criminal record "
                "(negative: criminal first).",
            ),
            Col(
                "months_first_civil_to_first_criminal",
                "Int64",
                "Months from the first civil claim to the first criminal record "
                "(negative: criminal first).",
            ),
            Col(
                "criminal_records_within_1y_of_first_family",
                "Int64",
                "Criminal records within a year either side of the first family case.",
            ),
            Col(
                "criminal_records_within_1y_of_first_civil",
                "Int64",
                "Criminal records within a year either side of the first civil claim.",
            ),
        ],
    ),
    "sentence_reappearance": (
        "One row per sentence of the criminal courts (magistrates' disposal on conviction or "
        "Crown Court sentence, not on appeal): a new criminal case within one and two years "
        "of the sentence, or of release for custody.",
        [
            RECORD,
            PERSON,
            Col(
                "court",
                "string",
                "magistrates or crown.",
                [pa.Check.isin(["magistrates", "crown"])],
                False,
            ),
            Col("sentence_type", "string", "Disposal or sentence, as recorded.", [], False),
            Col(
                "sentence_group",
                "string",
                "The sentence as the proven reoffending statistics group it: the disposal, "
                "with immediate custody split into Custody < 12 months and Custody 12 months "
                "or more (magistrates' custody is under 12 months; Custody, length not "
                "recorded where the Crown Court record has no custodial days).",
                [],
                False,
            ),
            month("sentence_month", "Sentence (magistrates: hearing) date"),
            month(
                "follow_up_start_month",
                "Start of the follow-up: the sentence date, or for custody the release "
                "date (p-NOMIS, else half the Crown Court sentence after the sentence date);"
                " null when custody has no known release",
            ),
            AGE_BAND,
            SEX,
            Col(
                "reappeared_within_1y",
                "boolean",
                "A new magistrates' court case (every criminal case starts there) within a "
                "year of the start of the follow-up; null when the release ends before the "
                "year does or the follow-up has no start.",
            ),
            Col("reappeared_within_2y", "boolean", "The same within two years."),
        ],
    ),
}

# Aggregate tables: (description, row dimension, column dimension)
AGGREGATES: dict[str, tuple[str, str, str]] = {
    "reappearance_1y_by_sentence": (
        "Sentences with a complete one-year follow-up, by sentence group (custody split at "
        "12 months) and whether the person had a new criminal case within a year of the "
        "sentence, or of release for custody: the proven reoffending measure.",
        "sentence_group",
        "reappeared_within_1y",
    ),
    "reappearance_2y_by_sentence": (
        "The same with a two-year follow-up.",
        "sentence_group",
        "reappeared_within_2y",
    ),
    "persons_by_jurisdictions_and_sex": (
        "People by the combination of jurisdictions they appear in, and sex.",
        "jurisdictions",
        "sex",
    ),
    "repeat_users_by_age_band": (
        "People by age band at the release date and whether they are repeat users.",
        "age_band",
        "repeat_user",
    ),
    "overlap_order": (
        "People with criminal and family or civil involvement: which came first.",
        "order",
        "jurisdiction",
    ),
}


def columns(table: str) -> list[Col]:
    return TABLES[table][1]


def schema(table: str) -> pa.DataFrameSchema:
    description, cols = TABLES[table]
    return pa.DataFrameSchema(
        {
            c.name: pa.Column(c.dtype, c.checks, nullable=c.nullable, description=c.description)
            for c in cols
        },
        strict=True,
        ordered=True,
        name=table,
        description=description,
    )


def aggregate_schema(name: str) -> pa.DataFrameSchema:
    from research.disclosure import PUBLISHED, ROUNDING_BASE, SUPPRESSED, THRESHOLD

    description, row_dim, col_dim = AGGREGATES[name]
    return pa.DataFrameSchema(
        {
            row_dim: pa.Column("string", nullable=False, description="Row category; Total last."),
            col_dim: pa.Column(
                "string", nullable=False, description="Column category; Total last."
            ),
            "count": pa.Column(
                "Int64",
                [
                    pa.Check.ge(THRESHOLD),
                    pa.Check(lambda s: s % ROUNDING_BASE == 0, name=f"multiple_of_{ROUNDING_BASE}"),
                ],
                nullable=True,
                description=f"Count rounded to the nearest {ROUNDING_BASE}; null when suppressed.",
            ),
            "status": pa.Column(
                "string",
                pa.Check.isin([PUBLISHED, SUPPRESSED]),
                nullable=False,
                description="published or suppressed.",
            ),
        },
        strict=True,
        ordered=True,
        unique=[row_dim, col_dim],
        name=name,
        description=description,
    )
