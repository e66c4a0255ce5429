"""Pandera schemas of the landing contract: one per landing table.

Types come from contracts.landing (exact Arrow types, validated on Arrow-backed
pandas); the value conventions of landing-contract.md are checks here. Errors
that staging is meant to standardise (typos, placeholders, mistyped
identifiers) are not contract violations and pass.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from contracts.landing import LANDING_TABLES, OASYS_NEEDS

DD_MM_YYYY = r"^\d{2}/\d{2}/\d{4}$"
YYYY_MM_DD = r"^\d{4}-\d{2}-\d{2}$"

# Value rules per table: column -> (checks, nullable). Columns not listed are
# type-checked and nullable, except each table's key.
_RULES: dict[str, dict[str, tuple[list[pa.Check], bool]]] = {
    "magistrates_defendants": {
        "libra_case_id": ([], False),
        "libra_defendant_id": ([], False),
        "title": ([pa.Check.isin(["MR", "MRS", "MS", "MISS", "DR"])], True),
        "date_of_birth": ([pa.Check.str_matches(DD_MM_YYYY)], True),
        "sex": ([pa.Check.isin(["M", "F", "NK"])], True),
        "first_hearing_date": ([pa.Check.str_matches(DD_MM_YYYY)], False),
        "committed_to_crown": ([pa.Check.isin(["Y", "N"])], False),
    },
    "crown_defendants": {
        "defendant_on_case_id": ([], False),
        "defendant_id": ([], False),
        "gender": ([pa.Check.isin([0, 1, 2])], False),
        "is_company": ([], False),
        "case_type": ([pa.Check.isin(["Trial", "Sentence", "Appeal"])], False),
        "date_received": ([], False),
        "custodial_days": ([pa.Check.ge(0)], True),
    },
    "family_parties": {
        "case_number": ([], False),
        "case_type": (
            [pa.Check.isin(["Public law", "Private law", "Adoption", "Family Law Act", "Divorce"])],
            False,
        ),
        "party_role": (
            [pa.Check.isin(["Applicant", "Respondent", "Child", "Other party"])],
            False,
        ),
        "party_type": (
            [pa.Check.isin(["Person", "Local authority", "Organisation"])],
            False,
        ),
        "date_of_birth": ([pa.Check.str_matches(YYYY_MM_DD)], True),
        "sex": ([pa.Check.isin(["Male", "Female"])], True),
        "issue_date": ([pa.Check.str_matches(YYYY_MM_DD)], False),
    },
    "civil_parties": {
        "claim_number": ([], False),
        "claim_type": ([pa.Check.isin(["Money claim", "Possession claim", "Other"])], False),
        "party_role": ([pa.Check.isin(["Claimant", "Defendant"])], False),
        "party_type": ([pa.Check.isin(["Individual", "Company"])], False),
        "party_name": ([], False),
        "date_of_birth": ([pa.Check.str_matches(YYYY_MM_DD)], True),
        "issue_date": ([pa.Check.str_matches(YYYY_MM_DD)], False),
        "amount_claimed": ([pa.Check.str_matches(r"^\d+\.\d{2}$")], True),
    },
    "probation_events": {
        "event_id": ([], False),
        "crn": ([], False),
        "gender": ([pa.Check.isin(["M", "F", "N"])], True),
        "referral_date": ([], False),
    },
    "prison_journeys": {
        "booking_id": ([], False),
        "sex_code": ([pa.Check.isin(["M", "F", "NK"])], True),
        "reception_date": ([], False),
        "sentence_type": (
            [pa.Check.isin(["Remand", "Determinate", "Indeterminate", "Recall"])],
            False,
        ),
    },
    "prison_aliases": {
        "journey_record_id": ([], False),
    },
    "oasys_assessments": {
        "assessment_id": ([], False),
        "gender": ([pa.Check.isin(["M", "F"])], True),
        "assessment_date": ([], False),
        **{need: ([pa.Check.in_range(0, 2)], True) for need in OASYS_NEEDS},
        "ogrs3": ([pa.Check.in_range(0.0, 1.0)], True),
    },
}


def landing_schema(table_name: str) -> pa.DataFrameSchema:
    """The landing contract of one table: exact columns in order, exact types, values."""
    table = LANDING_TABLES[table_name]
    rules = _RULES[table_name]
    columns = {}
    for name, arrow_type in table.columns.items():
        checks, nullable = rules.get(name, ([], True))
        is_key = name == table.key
        columns[name] = pa.Column(
            pd.ArrowDtype(arrow_type),
            checks=checks,
            nullable=nullable and not is_key,
            unique=is_key,
        )
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=f"landing.{table_name}")


LANDING_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    name: landing_schema(name) for name in LANDING_TABLES
}
