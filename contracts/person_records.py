"""The shape of int_person_records: every person record of every source, one schema.

dbt builds it (models/intermediate/int_person_records.sql); linkage reads it.
Standardised values: names upper-case A-Z with single spaces and hyphens kept
inside surnames; dates as DATE with placeholders nulled; sex M/F or null;
postcode in canonical `OUTCODE INCODE` form or null (no fixed abode is null);
PNC in long form `YYYY/NNNNNNNC` and CRO `NNNNNN/YYC`, check letter valid or null.
"""

PERSON_RECORD_COLUMNS: dict[str, str] = {
    "unique_id": "VARCHAR",  # "<source_table>:<record_id>", unique across the release
    "source_table": "VARCHAR",
    "record_id": "VARCHAR",
    "first_name": "VARCHAR",
    "middle_names": "VARCHAR",  # all other forenames, space-separated
    "last_name": "VARCHAR",
    "first_name_aliases": "VARCHAR[]",  # prison aliases; null elsewhere
    "last_name_aliases": "VARCHAR[]",
    "date_of_birth": "DATE",
    "date_of_birth_aliases": "DATE[]",
    "sex": "VARCHAR",  # M, F or null
    "postcode": "VARCHAR",
    "postcode_outcode": "VARCHAR",
    "pnc": "VARCHAR",
    "cro": "VARCHAR",
    "noms_number": "VARCHAR",
    "crn": "VARCHAR",
    "asn": "VARCHAR",
    "event_date": "DATE",  # the record's own event: hearing, receipt, issue, referral...
    "ethnic_group": "VARCHAR",  # White, Mixed, Asian, Black, Other or null
    "party_role": "VARCHAR",  # family and civil role; null for criminal sources
}
