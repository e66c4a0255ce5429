-- sqlfluff:exclude_rules:layout.indent
-- (a loop-generated union, which the indent rule cannot follow)
{#-
    Every quarantine row references a record of its landing table (by its key).
    Returns one row of counts per table with unknown records.
-#}
{% test quarantined_records_known(model) %}

with

known as (

    {%- for staged in staging_models() %}
        select
            '{{ staged["source_table"] }}' as source_table,
            {{ staged['key'] }}{% if staged['key'] != 'record_id' %} as record_id{% endif %}
        from {{ source('landing', staged['source_table']) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

)

select
    quarantined.source_table,
    count(*) as unknown_records
from {{ model }} as quarantined
left join known
    on
        quarantined.source_table = known.source_table
        and quarantined.record_id = known.record_id
where known.record_id is null
group by quarantined.source_table

{% endtest %}
