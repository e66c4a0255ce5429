-- One row per sentence of the criminal courts (a magistrates' court disposal on
-- conviction, or a Crown Court sentence other than on appeal) and whether the
-- person was back in court on a new criminal case within one and two years of
-- being at risk again, as the MoJ's proven reoffending statistics count it:
-- from the sentence date, or for custody from release. A new case is a later
-- magistrates' court record: every criminal case starts there, and a Crown
-- Court record is a later stage of one (or an appeal), not a new case.
-- Null where follow-up cannot be counted: it runs past the end of the
-- release, or custody has no known release (indeterminate, still inside, or a
-- magistrates' custodial sentence whose prison journey is not linked).
{#- The bulletin's custody split: under 12 months, and 12 months or more. -#}
{%- set custody_long_days = 365 %}
with

magistrates as (
    select
        'magistrates_defendants' as source_table,
        record_id,
        'magistrates' as court,
        disposal as sentence_type,
        first_hearing_date as sentence_date,
        null::integer as custodial_days
    from {{ ref('stg_libra__defendants') }}
    where outcome = 'Convicted' and disposal is not null and first_hearing_date is not null
),

crown as (
    select
        'crown_defendants' as source_table,
        record_id,
        'crown' as court,
        sentence_type,
        sentence_date,
        custodial_days
    from {{ ref('stg_xhibit__defendants') }}
    -- an appeal is not a new sentence: the one appealed against stands or is quashed
    where
        is_person and sentence_type is not null and sentence_date is not null
        and case_type is distinct from 'Appeal'
),

criminal_courts as (
    select * from magistrates
    union all
    select * from crown
),

sentences as (
    select
        *,
        sentence_type = 'Immediate custody' as is_custody
    from criminal_courts
),

sentenced as (
    {{ with_person_id('sentences') }}
),

journeys as (
    select
        'prison_journeys' as source_table,
        record_id,
        reception_date,
        release_date,
        sentence_type
    from {{ ref('stg_pnomis__journeys') }}
    where sentence_type in ('Determinate', 'Indeterminate')
),

linked_journeys as (
    {{ with_person_id('journeys') }}
),

-- A custodial sentence's prison journey: the person's, received on the sentence date.
custody_journeys as (
    select
        person_id,
        reception_date,
        bool_or(sentence_type = 'Indeterminate') as is_indeterminate,
        min(release_date) as release_date
    from linked_journeys
    group by person_id, reception_date
),

new_cases as (
    select
        person_id,
        event_date as case_date
    from {{ ref('research_person_events') }}
    where source_table = 'magistrates_defendants' and event_date is not null
),

grouped as (
    select
        sentenced.*,
        custody_journeys.person_id is not null as has_journey,
        custody_journeys.is_indeterminate,
        custody_journeys.release_date as journey_release_date
    from sentenced
    left join custody_journeys
        on
            sentenced.person_id = custody_journeys.person_id
            and sentenced.sentence_date = custody_journeys.reception_date
            and sentenced.is_custody
),

at_risk as (
    select
        person_id,
        source_table,
        record_id,
        court,
        sentence_type,
        sentence_date,
        custodial_days,
        case
            when not is_custody then sentence_type
            -- magistrates cannot pass 12 months for one offence (6 months, 12 for several)
            when court = 'magistrates' or custodial_days < {{ custody_long_days }} then 'Custody < 12 months'
            when custodial_days >= {{ custody_long_days }} then 'Custody 12 months or more'
            else 'Custody, length not recorded'
        end as sentence_group,
        case
            when not is_custody then sentence_date
            -- the release p-NOMIS records; none after an indeterminate sentence
            when has_journey then case when not is_indeterminate then journey_release_date end
            -- no journey linked: a determinate sentence is served half in custody
            when court = 'crown' then sentence_date + custodial_days // 2
        end as follow_up_start
    from grouped
),

next_case as (
    select
        at_risk.source_table,
        at_risk.record_id,
        min(new_cases.case_date) as next_case_date
    from at_risk
    inner join new_cases
        on
            at_risk.person_id = new_cases.person_id
            and at_risk.follow_up_start < new_cases.case_date
    group by at_risk.source_table, at_risk.record_id
),

final as (
    select
        at_risk.person_id,
        at_risk.source_table,
        at_risk.record_id,
        at_risk.court,
        at_risk.sentence_type,
        at_risk.sentence_group,
        at_risk.sentence_date,
        at_risk.custodial_days,
        at_risk.follow_up_start,
        next_case.next_case_date,
        case
            when at_risk.follow_up_start + interval 1 year <= {{ release_date() }}
                then coalesce(next_case.next_case_date <= at_risk.follow_up_start + interval 1 year, false)
        end as reappeared_within_1y,
        case
            when at_risk.follow_up_start + interval 2 year <= {{ release_date() }}
                then coalesce(next_case.next_case_date <= at_risk.follow_up_start + interval 2 year, false)
        end as reappeared_within_2y
    from at_risk
    left join next_case
        on
            at_risk.source_table = next_case.source_table
            and at_risk.record_id = next_case.record_id
)

select * from final
