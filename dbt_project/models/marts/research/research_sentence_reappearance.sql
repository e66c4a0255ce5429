-- One row per sentence (a magistrates' court disposal on conviction, or a
-- Crown Court sentence), and whether the person reappeared in any court
-- (criminal, family or civil) within one and two years of the sentence date.
-- Null where the release ends before the follow-up does: those sentences
-- cannot be counted either way.
with

magistrates as (
    select
        'magistrates_defendants' as source_table,
        record_id,
        'magistrates' as court,
        disposal as sentence_type,
        first_hearing_date as sentence_date
    from {{ ref('stg_libra__defendants') }}
    where outcome = 'Convicted' and disposal is not null and first_hearing_date is not null
),

crown as (
    select
        'crown_defendants' as source_table,
        record_id,
        'crown' as court,
        sentence_type,
        sentence_date
    from {{ ref('stg_xhibit__defendants') }}
    where is_person and sentence_type is not null and sentence_date is not null
),

sentences as (
    select * from magistrates
    union all
    select * from crown
),

court_events as (
    select
        person_id,
        record_id,
        source_table,
        event_date
    from {{ ref('research_person_events') }}
    where is_court_record and event_date is not null
),

sentenced as (
    {{ with_person_id('sentences') }}
),

next_appearance as (
    select
        sentenced.source_table,
        sentenced.record_id,
        min(court_events.event_date) as next_court_date
    from sentenced
    inner join court_events
        on
            sentenced.person_id = court_events.person_id
            and sentenced.sentence_date < court_events.event_date
            and not (
                sentenced.source_table = court_events.source_table
                and sentenced.record_id = court_events.record_id
            )
    group by sentenced.source_table, sentenced.record_id
),

final as (
    select
        sentenced.person_id,
        sentenced.source_table,
        sentenced.record_id,
        sentenced.court,
        sentenced.sentence_type,
        sentenced.sentence_date,
        next_appearance.next_court_date,
        case
            when sentenced.sentence_date + interval 1 year <= {{ release_date() }}
                then coalesce(next_appearance.next_court_date <= sentenced.sentence_date + interval 1 year, false)
        end as reappeared_within_1y,
        case
            when sentenced.sentence_date + interval 2 year <= {{ release_date() }}
                then coalesce(next_appearance.next_court_date <= sentenced.sentence_date + interval 2 year, false)
        end as reappeared_within_2y
    from sentenced
    left join next_appearance
        on
            sentenced.source_table = next_appearance.source_table
            and sentenced.record_id = next_appearance.record_id
)

select * from final
