"""Hand-written landing rows for the dbt tests.

`CLEAN` holds one row per landing table with no defect at all; a test builds its rows
as a clean row with the values it is about changed (`clean_row`).
"""

from __future__ import annotations

import datetime as dt

from contracts.identifiers import cro_number, pnc_long, pnc_short
from contracts.landing import LANDING_TABLES

D = dt.date

# A valid long PNC, short PNC (24 -> 2024 at release 2024-12) and CRO.
PNC_LONG = pnc_long(1998, 4567890)
PNC_SHORT = pnc_short(2024, 123)
CRO = cro_number(1999, 54321)


def wrong_letter(identifier: str) -> str:
    """The identifier with its check letter replaced by another."""
    return identifier[:-1] + ("A" if identifier[-1] != "A" else "B")


# One clean row per landing table: no defect at all.
CLEAN: dict[str, dict] = {
    "magistrates_defendants": {
        "libra_case_id": "c1",
        "libra_defendant_id": "d1",
        "asn": "01ZD0300",
        "title": "Mr",
        "forename1": "John",
        "forename2": "",
        "forename3": "",
        "surname": "Smith",
        "date_of_birth": "05/03/1980",
        "sex": "M",
        "address_line1": "1 High St",
        "postcode": "sw1a1aa",
        "pnc_id": PNC_SHORT,
        "cro_number": CRO,
        "ethnicity": "W1",
        "court_code": "B01",
        "first_hearing_date": "10/01/2024",
        "offence_category": "Theft",
        "plea": "Guilty",
        "outcome": "Convicted",
        "disposal": "Fine",
        "committed_to_crown": "N",
    },
    "crown_defendants": {
        "defendant_on_case_id": "doc1",
        "defendant_id": "def1",
        "court_id": "C1",
        "case_number": "T1",
        "first_name": "Ann",
        "surname": "Lee",
        "date_of_birth": D(1990, 7, 1),
        "gender": 2,
        "is_company": False,
        "pnc_id": PNC_LONG,
        "case_type": "Trial",
        "date_received": D(2024, 2, 1),
        "offence_category": "Fraud",
        "custodial_days": 30,
    },
    "family_parties": {
        "case_number": "FM1",
        "case_type": "Private law",
        "party_role": "Applicant",
        "party_type": "Person",
        "forenames": "Mary Jane",
        "surname": "Brown",
        "date_of_birth": "1985-12-24",
        "sex": "Female",
        "postcode": "",
        "court_code": "F01",
        "issue_date": "2024-04-01",
        "final_order": "",
    },
    "civil_parties": {
        "claim_number": "K1",
        "claim_type": "Money claim",
        "party_role": "Defendant",
        "party_type": "Individual",
        "party_name": "MR JOHN A SMITH",
        "address_line1": "2 Low Rd",
        "address_line2": "",
        "postcode": "B33 8TH",
        "date_of_birth": "",
        "issue_date": "2024-06-01",
        "latest_event": "Judgment",
        "amount_claimed": "1250.00",
    },
    "probation_events": {
        "event_id": "e1",
        "crn": "X123456",
        "offender_id": "o1",
        "forename": "John",
        "surname": "Smith",
        "date_of_birth": D(1980, 3, 5),
        "gender": "M",
        "pnc_number": PNC_LONG,
        "cro_number": CRO,
        "noms_number": "A1234BC",
        "postcode": "SW1A 1AA",
        "ethnicity_desc": "White: British",
        "referral_date": D(2024, 7, 1),
        "sentence_type": "Community order",
        "probation_area": "London",
    },
    "prison_journeys": {
        "booking_id": "b1",
        "prison_number": "A1234BC",
        "offender_id": "po1",
        "first_name": "John",
        "last_name": "Smith",
        "birth_date": D(1980, 3, 5),
        "sex_code": "M",
        "reception_date": D(2024, 8, 1),
        "release_date": D(2026, 8, 1),  # a scheduled release may be after the release date
        "establishment_code": "BAI",
        "sentence_type": "Remand",
        "ethnicity_code": "A1",
    },
    "prison_aliases": {
        "journey_record_id": "prison_journeys-clean",
        "first_name": "Jon",
        "last_name": "Smyth",
        "birth_date": D(1980, 5, 3),
    },
    "oasys_assessments": {
        "assessment_id": "as1",
        "oasys_offender_pk": "k1",
        "forename_1": "John",
        "family_name": "Smith",
        "date_of_birth": D(1980, 3, 5),
        "gender": "M",
        "pnc": PNC_LONG,
        "cro": CRO,
        "prison_number": "A1234BC",
        "crn": "X123456",
        "assessment_date": D(2024, 10, 1),
        "assessment_type": "Layer 3",
        "accommodation": 1,
        "ogrs3": 0.42,
    },
}


def clean_row(table: str, record_id: str, **changes) -> dict:
    """The clean row of `table` under `record_id`, with `changes` (None: a null)."""
    return {**CLEAN[table], LANDING_TABLES[table].key: record_id, **changes}
