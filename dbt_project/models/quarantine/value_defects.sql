{#- The quarantine: one row per (source_table, record_id, column_name, reason),
    unnested from each staging model's value_defects (macros/defects.sql).
    Codes only, never values. -#}

with

{% for staged in quarantined_models() %}
{{ staged['source_table'] }} as (

    select
        '{{ staged["source_table"] }}' as source_table,
        {{ staged['key'] }} as record_id,
        defect.column_name,
        defect.reason

    from {{ ref(staged['model']) }}
    cross join unnest(value_defects) as defects (defect)

),

{% endfor %}
unioned as (

    {% for staged in quarantined_models() %}
    select * from {{ staged['source_table'] }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from unioned
