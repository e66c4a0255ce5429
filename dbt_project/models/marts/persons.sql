-- One row per person (person_id at the default threshold): how many records
-- they have in each source, and when their involvement with justice began and
-- ended. Internal: it is keyed by the un-pseudonymised person_id.
with

records as (
    select
        source_table,
        record_id,
        event_date,
        sex,
        date_of_birth,
        ethnic_group
    from {{ ref('int_person_records') }}
),

person_records as (
    {{ with_person_id('records') }}
),

final as (
    select
        person_id,
        count(*) as records,
        count(distinct source_table) as sources,
        {% for staged in staging_models() if staged.get('is_person_table', true) -%}
            {%- set source = staged['source_table'] -%}
            count(*) filter (where source_table = '{{ source }}') as {{ source }}_records,
        {% endfor -%}
        count(*) filter (where source_table = 'family_parties') > 0 as has_family,
        count(*) filter (where source_table = 'civil_parties') > 0 as has_civil,
        count(*) filter (
            where source_table not in ('family_parties', 'civil_parties')
        ) > 0 as has_criminal,
        min(event_date) as first_event_date,
        max(event_date) as last_event_date,
        -- the most common value; a tie goes to the first in order, not to the
        -- thread that read it first, so a re-run is byte-identical
        mode(sex order by sex) as sex,
        mode(date_of_birth order by date_of_birth) as date_of_birth,
        mode(ethnic_group order by ethnic_group) as ethnic_group
    from person_records
    group by person_id
)

select * from final
