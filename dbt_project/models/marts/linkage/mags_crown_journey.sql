-- One row per Crown Court defendant-on-case record (persons only): the
-- magistrates' court defendant-case record it came from, with the ASN, the
-- person, the dates and a score. Internal: keyed by record ids and person_id.
--
-- A candidate is a magistrates' record of the same person (xjs_link person_id)
-- or with the same ASN. Score (documented in docs/linkage.md):
--   1.0  same person and same ASN
--   0.8  same ASN, different persons (one side's person link may be wrong)
--   0.6  same person, committed to the Crown Court, first hearing 0-180 days
--        before the Crown Court received the case
--   0.3  same person, first hearing before the Crown Court received the case
-- The best candidate wins (score, then the shortest gap, then record id);
-- crown records with no candidate keep nulls and score 0.
with

link as (
    select
        source_table,
        record_id,
        person_id
    from {{ source('linkage', 'xjs_link') }}
),

crown as (
    select
        crown.record_id as crown_record_id,
        crown.asn as crown_asn,
        crown.date_received,
        link.person_id
    from {{ ref('stg_xhibit__defendants') }} as crown
    inner join link
        on
            link.source_table = 'crown_defendants'
            and crown.record_id = link.record_id
    where crown.is_person
),

magistrates as (
    select
        mags.record_id as magistrates_record_id,
        mags.asn as magistrates_asn,
        mags.first_hearing_date,
        mags.is_committed_to_crown,
        link.person_id
    from {{ ref('stg_libra__defendants') }} as mags
    inner join link
        on
            link.source_table = 'magistrates_defendants'
            and mags.record_id = link.record_id
),

candidates as (
    select
        crown.crown_record_id,
        magistrates.magistrates_record_id,
        crown.crown_asn,
        magistrates.magistrates_asn,
        crown.person_id as crown_person_id,
        magistrates.person_id as magistrates_person_id,
        magistrates.first_hearing_date,
        crown.date_received,
        crown.date_received - magistrates.first_hearing_date as days_to_crown,
        case
            when
                crown.person_id = magistrates.person_id
                and crown.crown_asn = magistrates.magistrates_asn then 1.0
            when crown.crown_asn = magistrates.magistrates_asn then 0.8
            when
                magistrates.is_committed_to_crown
                and crown.date_received - magistrates.first_hearing_date between 0 and 180
                then 0.6
            when crown.date_received >= magistrates.first_hearing_date then 0.3
        end as score
    from crown
    inner join magistrates
        on
            crown.person_id = magistrates.person_id
            or crown.crown_asn = magistrates.magistrates_asn
),

best as (
    select *
    from candidates
    where score is not null
    qualify row_number() over (
        partition by crown_record_id
        order by score desc, abs(days_to_crown) asc nulls last, magistrates_record_id
    ) = 1
),

final as (
    select
        crown.crown_record_id,
        best.magistrates_record_id,
        crown.person_id,
        crown.crown_asn,
        best.magistrates_asn,
        best.first_hearing_date,
        crown.date_received,
        best.days_to_crown,
        coalesce(best.score, 0.0)::double as score
    from crown
    left join best
        on crown.crown_record_id = best.crown_record_id
)

select * from final
