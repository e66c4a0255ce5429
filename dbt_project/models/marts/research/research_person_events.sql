-- One row per person record: the person's timeline across jurisdictions, in
-- date order, with the court case the record belongs to (if any). Internal:
-- real ids and exact dates; the research release pseudonymises and coarsens it.
with

records as (
    select
        source_table,
        record_id,
        event_date
    from {{ ref('int_person_records') }}
),

linked as (
    {{ with_person_id('records') }}
),

cases as (
    select
        'magistrates_defendants' as source_table,
        record_id,
        case_id as case_ref
    from {{ ref('stg_libra__defendants') }}
    union all
    select
        'crown_defendants' as source_table,
        record_id,
        case_number as case_ref
    from {{ ref('stg_xhibit__defendants') }}
    union all
    select
        'family_parties' as source_table,
        record_id,
        case_number as case_ref
    from {{ ref('stg_familyman__parties') }}
    union all
    select
        'civil_parties' as source_table,
        record_id,
        claim_number as case_ref
    from {{ ref('stg_caseman__parties') }}
),

joined as (
    select
        linked.person_id,
        linked.source_table,
        linked.record_id,
        linked.event_date,
        case
            when linked.source_table = 'family_parties' then 'family'
            when linked.source_table = 'civil_parties' then 'civil'
            else 'criminal'
        end as jurisdiction,
        linked.source_table in (
            'magistrates_defendants', 'crown_defendants', 'family_parties', 'civil_parties'
        ) as is_court_record,
        -- a case is identified within its court system only
        case when cases.case_ref is not null then linked.source_table || ':' || cases.case_ref end as case_key
    from linked
    left join cases
        on
            linked.source_table = cases.source_table
            and linked.record_id = cases.record_id
),

final as (
    select
        person_id,
        source_table,
        record_id,
        event_date,
        jurisdiction,
        is_court_record,
        case_key,
        row_number() over (
            partition by person_id
            order by event_date nulls last, source_table, record_id
        ) as event_seq
    from joined
)

select * from final
