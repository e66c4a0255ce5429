{#-
    A record's street address as one comparable key: upper case, every run of
    characters but A-Z and 0-9 one space, and a leading flat or unit
    ("FLAT 3", "APARTMENT 12B") dropped, so CaseMan's "Flat 3" / "12 High
    Street" and LIBRA's "FLAT 3, 12 HIGH STREET" both give 12 HIGH STREET. The
    first line, or the second where the first held only the flat; later lines
    (locality, town) are left out, as sources key them differently. No fixed
    abode and an empty address are null. The flat is dropped because sources key
    it inconsistently; the postcode the address is compared with
    (linkage/comparisons.py) still tells buildings apart.
-#}
{% macro address_key(line1, line2=none) -%}
    {%- if line2 -%}
        coalesce({{ address_line_key(line1) }}, {{ address_line_key(line2) }})
    {%- else -%}
        {{ address_line_key(line1) }}
    {%- endif -%}
{%- endmacro %}


{% macro address_line_key(column) -%}
    {%- set spaced = "trim(regexp_replace(upper(" ~ column ~ "), '[^A-Z0-9]+', ' ', 'g'))" -%}
    nullif(
        case
            when {{ spaced }} like 'NO FIXED ABODE%' then ''
            else regexp_replace({{ spaced }}, '^(FLAT|APARTMENT|APT|UNIT) [A-Z0-9]+( |$)', '')
        end,
        ''
    )
{%- endmacro %}
