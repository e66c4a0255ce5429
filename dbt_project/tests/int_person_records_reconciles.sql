-- sqlfluff:exclude_rules:layout.indent
-- (a loop-generated union, which the indent rule cannot follow)
-- Row reconciliation staging -> int_person_records, per source: every person
-- row of staging is in int_person_records exactly once; the only rows left out
-- are non-person parties (companies, local authorities, organisations), which
-- have no record in the data contract. Returns the sources that do not add up.
with

staged as (
    {%- for staged in staging_models() if staged.get('is_person_table', true) %}
        select
            '{{ staged["source_table"] }}' as source_table,
            count(*) filter (where {{ staged.get('person_rows', 'true') }}) as person_rows
        from {{ ref(staged['model']) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

linked as (
    select
        source_table,
        count(*) as records
    from {{ ref('int_person_records') }}
    group by source_table
)

select
    staged.source_table,
    staged.person_rows,
    coalesce(linked.records, 0) as records
from staged
left join linked on staged.source_table = linked.source_table
where staged.person_rows != coalesce(linked.records, 0)
