{#-
    Dates. CSV sources carry dates as text; unparseable text is null, never an
    error (try_strptime). Parquet sources carry DATE already.
-#}
{% macro parse_date(column, format) -%}
    cast(try_strptime(nullif(trim({{ column }}), ''), '{{ format }}') as date)
{%- endmacro %}


{#-
    A date of birth with placeholders removed: 1900-01-01, 1970-01-01, anything
    before 1900-01-02 and anything after the release date -> null.
    `date_expression` must already be a DATE (parse_date for text).
-#}
{% macro clean_date_of_birth(date_expression) -%}
    case
        when {{ date_expression }} < date '1900-01-02' then null
        when {{ date_expression }} = date '1970-01-01' then null
        when {{ date_expression }} > {{ release_date() }} then null
        else {{ date_expression }}
    end
{%- endmacro %}
