{#-
    The release being built: var('release_id'), e.g. '2024-12' or '2025-03-r2'
    (Dagster passes it with --vars). Without it, the month the run started.
-#}
{% macro release_id() -%}
    {%- set value = var('release_id', none) -%}
    {%- if value is none -%}
        {%- set value = run_started_at.strftime('%Y-%m') -%}
    {%- endif -%}
    {%- set value = value | string -%}
    {#- only the YYYY-MM prefix is used here; xjs/layout.py checks the whole id -#}
    {%- if not (value[:4].isdigit() and value[4:5] == '-' and value[5:7].isdigit()) -%}
        {{ exceptions.raise_compiler_error("var release_id does not start YYYY-MM") }}
    {%- endif -%}
    {{- value -}}
{%- endmacro %}


{#- The release date: the last day of the release month, as a SQL DATE literal. -#}
{% macro release_date() -%}
    last_day(date '{{ release_id()[:7] }}-01')
{%- endmacro %}


{#- Two-digit year of the release, the pivot for short-form PNC centuries. -#}
{% macro release_yy() -%}
    {{ release_id()[2:4] | int }}
{%- endmacro %}
