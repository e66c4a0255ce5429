"""The eight landing tables of the data contract (shared/docs/landing-contract.md).

This is the one place that names the source tables, their file formats and
their columns with types. The generator writes from it, ingest reads against it
and the Pandera landing schemas (contracts/landing_schemas.py) are built on it.
CSV columns are all strings (empty string = missing); Parquet columns carry the
Arrow type given here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

S, D, I8, I32, F, B = pa.string(), pa.date32(), pa.int8(), pa.int32(), pa.float64(), pa.bool_()


@dataclass(frozen=True)
class LandingTable:
    name: str
    format: str  # "csv" or "parquet"
    key: str
    columns: dict[str, pa.DataType]
    is_person_table: bool = True  # prison_aliases enrich journeys; they are not records

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.format}"

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema(list(self.columns.items()))


# OASys criminogenic need scores (0-2), one column each in oasys_assessments.
OASYS_NEEDS: tuple[str, ...] = (
    "accommodation",
    "ete",
    "finance",
    "relationships",
    "lifestyle",
    "drugs",
    "alcohol",
    "thinking_behaviour",
    "attitudes",
)


def _csv(*names: str) -> dict[str, pa.DataType]:
    return {n: S for n in names}


MAGISTRATES = LandingTable(
    "magistrates_defendants",
    "csv",
    "record_id",
    _csv(
        "record_id",
        "libra_case_id",
        "libra_defendant_id",
        "asn",
        "title",
        "forename1",
        "forename2",
        "forename3",
        "surname",
        "date_of_birth",
        "sex",
        "address_line1",
        "postcode",
        "pnc_id",
        "cro_number",
        "ethnicity",
        "court_code",
        "first_hearing_date",
        "offence_category",
        "plea",
        "outcome",
        "disposal",
        "committed_to_crown",
    ),
)

CROWN = LandingTable(
    "crown_defendants",
    "parquet",
    "record_id",
    {
        "record_id": S,
        "defendant_on_case_id": S,
        "defendant_id": S,
        "court_id": S,
        "case_number": S,
        "first_name": S,
        "middle_name": S,
        "surname": S,
        "date_of_birth": D,
        "gender": I8,
        "is_company": B,
        "pnc_id": S,
        "asn": S,
        "postcode": S,
        "ethnicity": S,
        "case_type": S,
        "date_received": D,
        "offence_category": S,
        "verdict": S,
        "sentence_type": S,
        "sentence_date": D,
        "custodial_days": I32,
    },
)

FAMILY = LandingTable(
    "family_parties",
    "csv",
    "record_id",
    _csv(
        "record_id",
        "case_number",
        "case_type",
        "party_role",
        "party_type",
        "forenames",
        "surname",
        "date_of_birth",
        "sex",
        "postcode",
        "court_code",
        "issue_date",
        "final_order",
    ),
)

CIVIL = LandingTable(
    "civil_parties",
    "csv",
    "record_id",
    _csv(
        "record_id",
        "claim_number",
        "claim_type",
        "party_role",
        "party_type",
        "party_name",
        "address_line1",
        "address_line2",
        "postcode",
        "date_of_birth",
        "issue_date",
        "latest_event",
        "amount_claimed",
    ),
)

PROBATION = LandingTable(
    "probation_events",
    "parquet",
    "record_id",
    {
        "record_id": S,
        "event_id": S,
        "crn": S,
        "offender_id": S,
        "forename": S,
        "second_forename": S,
        "surname": S,
        "date_of_birth": D,
        "gender": S,
        "pnc_number": S,
        "cro_number": S,
        "noms_number": S,
        "postcode": S,
        "ethnicity_desc": S,
        "referral_date": D,
        "sentence_type": S,
        "requirement_main_category": S,
        "probation_area": S,
        "termination_reason": S,
    },
)

PRISON_JOURNEYS = LandingTable(
    "prison_journeys",
    "parquet",
    "record_id",
    {
        "record_id": S,
        "booking_id": S,
        "prison_number": S,
        "offender_id": S,
        "first_name": S,
        "middle_names": S,
        "last_name": S,
        "birth_date": D,
        "sex_code": S,
        "pnc_id": S,
        "cro_number": S,
        "reception_date": D,
        "release_date": D,
        "establishment_code": S,
        "sentence_type": S,
        "ethnicity_code": S,
    },
)

PRISON_ALIASES = LandingTable(
    "prison_aliases",
    "parquet",
    "alias_id",
    {
        "alias_id": S,
        "journey_record_id": S,
        "first_name": S,
        "last_name": S,
        "birth_date": D,
    },
    is_person_table=False,
)

OASYS = LandingTable(
    "oasys_assessments",
    "parquet",
    "record_id",
    {
        "record_id": S,
        "assessment_id": S,
        "oasys_offender_pk": S,
        "forename_1": S,
        "forename_2": S,
        "family_name": S,
        "date_of_birth": D,
        "gender": S,
        "pnc": S,
        "cro": S,
        "prison_number": S,
        "crn": S,
        "assessment_date": D,
        "assessment_type": S,
        **{need: I8 for need in OASYS_NEEDS},
        "ogrs3": F,
    },
)

# The warehouse schema ingest loads the landing tables into (dbt source "landing").
LANDING_SCHEMA = "landing"

LANDING_TABLES: dict[str, LandingTable] = {
    t.name: t
    for t in (MAGISTRATES, CROWN, FAMILY, CIVIL, PROBATION, PRISON_JOURNEYS, PRISON_ALIASES, OASYS)
}

# The seven record tables: each row (of a person) is a record in xjs_link.
PERSON_RECORD_TABLES: tuple[str, ...] = tuple(
    t.name for t in LANDING_TABLES.values() if t.is_person_table
)

# The criminal-justice record tables (the rest are family and civil court records).
CRIMINAL_TABLES: tuple[str, ...] = (
    MAGISTRATES.name,
    CROWN.name,
    PROBATION.name,
    PRISON_JOURNEYS.name,
    OASYS.name,
)
