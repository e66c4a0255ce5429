{#-
    Values the data contract fixes, written once for SQL. The Python side is
    contracts/person_records.py (PLACEHOLDER_DATES_OF_BIRTH, POSTCODE_PATTERN,
    ETHNIC_GROUPS); tests/dbt/test_dbt_project.py holds the two to each other.
-#}

{#- Dates of birth keyed as placeholders (nDelius, LIBRA, p-NOMIS): never a real date. -#}
{% macro placeholder_dates_of_birth() -%}
    {{ return(['1900-01-01', '1970-01-01']) }}
{%- endmacro %}


{#-
    The UK postcode shape, compacted (no space): 1-2 letters, a digit, an
    optional letter or digit, a digit, two letters.
-#}
{% macro postcode_shape() -%}
    {{ return('[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}') }}
{%- endmacro %}
