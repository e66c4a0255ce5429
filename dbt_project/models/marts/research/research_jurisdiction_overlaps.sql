-- One row per person with criminal involvement and family or civil court
-- involvement: which came first, how far apart, and how much criminal activity
-- surrounds the first family or civil case (within a year either side).
with

events as (
    select * from {{ ref('research_person_events') }}
),

firsts as (
    select
        person_id,
        min(event_date) filter (where jurisdiction = 'criminal') as first_criminal_date,
        min(event_date) filter (where jurisdiction = 'family') as first_family_date,
        min(event_date) filter (where jurisdiction = 'civil') as first_civil_date
    from events
    group by person_id
),

overlapping as (
    select *
    from firsts
    where
        first_criminal_date is not null
        and (first_family_date is not null or first_civil_date is not null)
),

around as (
    select
        overlapping.person_id,
        count(*) filter (
            where events.event_date between overlapping.first_family_date - interval 1 year
            and overlapping.first_family_date + interval 1 year
        ) as criminal_records_within_1y_of_first_family,
        count(*) filter (
            where events.event_date between overlapping.first_civil_date - interval 1 year
            and overlapping.first_civil_date + interval 1 year
        ) as criminal_records_within_1y_of_first_civil
    from overlapping
    inner join events
        on overlapping.person_id = events.person_id
    where events.jurisdiction = 'criminal'
    group by overlapping.person_id
),

final as (
    select
        overlapping.person_id,
        overlapping.first_family_date is not null as has_family,
        overlapping.first_civil_date is not null as has_civil,
        overlapping.first_criminal_date,
        overlapping.first_family_date,
        overlapping.first_civil_date,
        {% for jurisdiction in ['family', 'civil'] -%}
            {%- set first_date = 'overlapping.first_' ~ jurisdiction ~ '_date' -%}
            case
                when {{ first_date }} is null then null
                when
                    date_trunc('month', {{ first_date }})
                    = date_trunc('month', overlapping.first_criminal_date) then 'same month'
                when {{ first_date }} < overlapping.first_criminal_date then '{{ jurisdiction }} first'
                else 'criminal first'
            end as {{ jurisdiction }}_vs_criminal,
        {% endfor -%}
        datediff('month', overlapping.first_family_date, overlapping.first_criminal_date)
            as months_first_family_to_first_criminal,
        datediff('month', overlapping.first_civil_date, overlapping.first_criminal_date)
            as months_first_civil_to_first_criminal,
        case
            when overlapping.first_family_date is not null
                then coalesce(around.criminal_records_within_1y_of_first_family, 0)
        end as criminal_records_within_1y_of_first_family,
        case
            when overlapping.first_civil_date is not null
                then coalesce(around.criminal_records_within_1y_of_first_civil, 0)
        end as criminal_records_within_1y_of_first_civil
    from overlapping
    left join around
        on overlapping.person_id = around.person_id
)

select * from final
