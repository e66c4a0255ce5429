-- One row per person: how often and where they meet the justice system. A
-- repeat user has three or more court cases (criminal, family or civil); a
-- case committed from a magistrates' court to the Crown Court counts in each.
with

persons as (
    select * from {{ ref('persons') }}
),

events as (
    select * from {{ ref('research_person_events') }}
),

per_person as (
    select
        person_id,
        count(distinct case_key) filter (where is_court_record) as court_cases,
        count(distinct case_key) filter (
            where source_table in ('magistrates_defendants', 'crown_defendants')
        ) as criminal_court_cases,
        count(distinct case_key) filter (where source_table = 'family_parties') as family_cases,
        count(distinct case_key) filter (where source_table = 'civil_parties') as civil_claims,
        count(distinct jurisdiction) as jurisdictions
    from events
    group by person_id
),

final as (
    select
        persons.person_id,
        persons.sex,
        persons.date_of_birth,
        persons.ethnic_group,
        persons.records,
        persons.sources,
        per_person.court_cases,
        per_person.criminal_court_cases,
        per_person.family_cases,
        per_person.civil_claims,
        persons.probation_events_records as probation_events,
        persons.prison_journeys_records as prison_receptions,
        persons.oasys_assessments_records as oasys_assessments,
        persons.has_criminal,
        persons.has_family,
        persons.has_civil,
        per_person.jurisdictions,
        persons.first_event_date,
        persons.last_event_date,
        per_person.court_cases >= 3 as is_repeat_user
    from persons
    inner join per_person
        on persons.person_id = per_person.person_id
)

select * from final
