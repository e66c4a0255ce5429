{#-
    The linkage's lookup record -> person (source linkage.xjs_link), as the
    marts read it: the record's source_table and record_id, and its person_id
    at the default threshold.
-#}
{% macro xjs_link() -%}
    select
        source_table,
        record_id,
        person_id
    from {{ source('linkage', 'xjs_link') }}
{%- endmacro %}


{#- The rows of `relation` (a CTE with source_table and record_id) that have a person, person_id first. -#}
{% macro with_person_id(relation) -%}
    select
        link.person_id,
        {{ relation }}.*
    from {{ relation }}
    inner join ({{ xjs_link() }}) as link
        on
            {{ relation }}.source_table = link.source_table
            and {{ relation }}.record_id = link.record_id
{%- endmacro %}
