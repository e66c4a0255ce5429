{#- Free text and codes: trimmed, blank -> null. CSV columns may hold '' or null. -#}
{% macro clean_text(column) -%}
    nullif(trim(cast({{ column }} as varchar)), '')
{%- endmacro %}


{#- Codes compared case-insensitively: trimmed, upper-case, blank -> null. -#}
{% macro clean_code(column) -%}
    nullif(upper(trim(cast({{ column }} as varchar))), '')
{%- endmacro %}


{#- A CSV flag 'Y' / 'N' as a boolean; anything else -> null. -#}
{% macro yes_no_flag(column) -%}
    case {{ clean_code(column) }} when 'Y' then true when 'N' then false end
{%- endmacro %}
