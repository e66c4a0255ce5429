{#-
    Every quarantine row references a record of its landing table (by its key).
    Returns one row of counts per table with unknown records.
-#}
{% test quarantined_records_known(model) %}

{% for staged in quarantined_models() %}
select
    '{{ staged["source_table"] }}' as source_table,
    count(*) as unknown_records
from {{ model }} as quarantined
where quarantined.source_table = '{{ staged["source_table"] }}'
    and not exists (
        select 1
        from {{ source('landing', staged['source_table']) }} as landing
        where landing.{{ staged['key'] }} = quarantined.record_id
    )
having count(*) > 0
{% if not loop.last %}union all{% endif %}
{% endfor %}

{% endtest %}
