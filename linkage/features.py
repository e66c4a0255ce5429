"""The Splink input: int_person_records plus a few columns the model compares.

Standardisation happens in dbt; this only derives model features that belong to
the model (as in hmpps-person-match's model_cleaning): a full-name column for
term frequencies, the postcode sector, the size of each record's blocks under the capped rules
(blocking.CAPPED_BLOCKS caps those rules by them), and arrays that fold prison aliases in
with the record's own names and date of birth (null when empty, so a missing
value never matches). forename_arr also holds the other forenames, so a person
who goes by a middle name still meets the alias level (as CPR's forename_std_arr)
and the formal forms of a diminutive forename (linkage/nicknames.py).
given_name_arr is the same without the middle names: the relatives guard tells a
nickname (MIKE ~ MICHAEL, one person) from a middle name shared by relatives.
"""

from __future__ import annotations

from contracts.person_records import PERSON_RECORD_COLUMNS
from linkage.blocking import CAPPED_BLOCKS

# Columns of int_person_records the model reads (the rest are carried for nothing).
MODEL_INPUT_COLUMNS = (
    "unique_id",
    "source_table",
    "record_id",
    "first_name",
    "middle_names",
    "last_name",
    "first_name_aliases",
    "last_name_aliases",
    "date_of_birth",
    "date_of_birth_aliases",
    "sex",
    "postcode",
    "postcode_outcode",
    "address",
    "pnc",
    "cro",
    "noms_number",
    "crn",
    "asn",
)
assert set(MODEL_INPUT_COLUMNS) <= set(PERSON_RECORD_COLUMNS)


def _folded(own: str, aliases: str) -> str:
    """Sorted distinct non-null values of [own] + aliases, null when none.

    list_distinct drops nulls; no lambdas, so nothing depends on DuckDB's lambda syntax.
    """
    items = f"list_distinct(list_prepend({own}, coalesce({aliases}, [])))"
    return f"CASE WHEN len({items}) > 0 THEN list_sort({items}) END"


def features_sql(source: str, nicknames: str = "nicknames") -> str:
    """SELECT producing the Splink input from a relation with int_person_records columns.

    nicknames: a relation (short, formal) of forename diminutives (linkage/nicknames.py).
    The block sizes (blocking.CAPPED_BLOCKS) count over every record of source, so a
    WHERE appended to this SELECT filters after them.
    """
    sizes = ",\n        ".join(
        f"count(*) OVER (PARTITION BY {', '.join(cap.keys)}) AS {column}"
        for column, cap in CAPPED_BLOCKS.items()
    )
    return f"""
    SELECT * FROM (SELECT
        unique_id, source_table, record_id,
        first_name, middle_names, last_name,
        CASE WHEN first_name IS NOT NULL AND last_name IS NOT NULL
             THEN first_name || ' ' || last_name END AS full_name,
        {_folded("first_name", "first_name_aliases")} AS first_name_arr,
        {
        _folded(
            "first_name",
            "list_concat(coalesce(first_name_aliases, []), "
            "coalesce(string_split(middle_names, ' '), []), "
            f"coalesce((SELECT list(formal) FROM {nicknames} n "
            "WHERE n.short = first_name), []))",
        )
    } AS forename_arr,
        {
        _folded(
            "first_name",
            "list_concat(coalesce(first_name_aliases, []), "
            f"coalesce((SELECT list(formal) FROM {nicknames} n "
            "WHERE n.short = first_name), []))",
        )
    } AS given_name_arr,
        {_folded("last_name", "last_name_aliases")} AS last_name_arr,
        date_of_birth,
        {_folded("date_of_birth", "date_of_birth_aliases")} AS dob_arr,
        sex,
        postcode,
        CASE WHEN length(postcode) > 2
             THEN substr(postcode, 1, length(postcode) - 2) END AS postcode_sector,
        postcode_outcode,
        address,
        pnc, cro, noms_number, crn, asn,
        {sizes}
    FROM {source})
    """
