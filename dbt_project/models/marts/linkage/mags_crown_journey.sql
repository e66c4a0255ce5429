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
--
-- The candidates are two equi-joins (hash joins), not one join on
-- `person_id = ... or asn = ...` (a nested loop over crown x magistrates):
-- the pairs of the same person, then the pairs with the same ASN that are not
-- already among them. The two sets are disjoint, so `union all` gives each
-- pair once, exactly the rows the OR join gave.
with

link as (
    {{ xjs_link() }}
),

crown as (
    select
        crown.record_id as crown_record_id,
        crown.asn as crown_asn,
        crown.date_received,
        link.person_id as crown_person_id
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
        link.person_id as magistrates_person_id
    from {{ ref('stg_libra__defendants') }} as mags
    inner join link
        on
            link.source_table = 'magistrates_defendants'
            and mags.record_id = link.record_id
),

candidate_pairs as (
    select
        crown.*,
        magistrates.*
    from crown
    inner join magistrates
        on crown.crown_person_id = magistrates.magistrates_person_id
    union all
    select
        crown.*,
        magistrates.*
    from crown
    inner join magistrates
        on crown.crown_asn = magistrates.magistrates_asn
    where not coalesce(crown.crown_person_id = magistrates.magistrates_person_id, false)
),

candidates as (
    select
        crown_record_id,
        magistrates_record_id,
        crown_asn,
        magistrates_asn,
        crown_person_id,
        magistrates_person_id,
        first_hearing_date,
        date_received,
        date_received - first_hearing_date as days_to_crown,
        case
            when
                crown_person_id = magistrates_person_id
                and crown_asn = magistrates_asn then 1.0
            when crown_asn = magistrates_asn then 0.8
            when
                is_committed_to_crown
                and date_received - first_hearing_date between 0 and 180
                then 0.6
            when date_received >= first_hearing_date then 0.3
        end as score
    from candidate_pairs
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
        crown.crown_person_id as person_id,
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
