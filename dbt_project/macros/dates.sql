{#-
    Dates. CSV sources carry dates as text; unparseable text is null, never an
    error (try_strptime). Parquet sources carry DATE already. Placeholders,
    dates before 1900 and after the release date are value-level defects
    (macros/defects.sql): nulled and quarantined before this runs.
-#}
{% macro parse_date(column, format) -%}
    cast(try_strptime(nullif(trim({{ column }}), ''), '{{ format }}') as date)
{%- endmacro %}
