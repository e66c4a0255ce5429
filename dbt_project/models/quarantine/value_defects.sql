{#- The quarantine: one row per (source_table, record_id, column_name, reason),
    unnested from each staging model's value_defects (macros/defects.sql).
    Codes only, never values. -#}

with

{% for staged in staging_models() %}
    {{ staged['source_table'] }} as (

        select
            '{{ staged["source_table"] }}' as source_table,
            {{ staged['key'] }}{% if staged['key'] != 'record_id' %} as record_id{% endif %},
            unnest(value_defects) as defect

        from {{ ref(staged['model']) }}

    ),

{% endfor %}
unioned as (

    {%- for staged in staging_models() %}
        select * from {{ staged['source_table'] }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        source_table,
        record_id,
        struct_extract(defect, 'column_name') as column_name,
        struct_extract(defect, 'reason') as reason

    from unioned

)

select * from final
