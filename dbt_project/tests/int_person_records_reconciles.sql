-- Row reconciliation staging -> int_person_records, per source: every person
-- row of staging is in int_person_records exactly once; the only rows left out
-- are non-person parties (companies, local authorities, organisations), which
-- have no record in the data contract. Returns the sources that do not add up.
with

staged as (
    select
        'magistrates_defendants' as source_table,
        count(*) as person_rows
    from {{ ref('stg_libra__defendants') }}
    union all
    select
        'crown_defendants' as source_table,
        count(*) filter (where is_person) as person_rows
    from {{ ref('stg_xhibit__defendants') }}
    union all
    select
        'family_parties' as source_table,
        count(*) filter (where is_person) as person_rows
    from {{ ref('stg_familyman__parties') }}
    union all
    select
        'civil_parties' as source_table,
        count(*) filter (where is_person) as person_rows
    from {{ ref('stg_caseman__parties') }}
    union all
    select
        'probation_events' as source_table,
        count(*) as person_rows
    from {{ ref('stg_ndelius__events') }}
    union all
    select
        'prison_journeys' as source_table,
        count(*) as person_rows
    from {{ ref('stg_pnomis__journeys') }}
    union all
    select
        'oasys_assessments' as source_table,
        count(*) as person_rows
    from {{ ref('stg_oasys__assessments') }}
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
