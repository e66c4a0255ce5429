-- Every person record of every source in one schema (contracts/person_records.py),
-- the input of linkage. Non-person parties are left out here: XHIBIT companies,
-- FamilyMan parties that are not a Person, civil parties that are not an Individual.

with

magistrates as (

    select
        'magistrates_defendants' as source_table,
        record_id,
        first_name,
        middle_names,
        last_name,
        null::varchar[] as first_name_aliases,
        null::varchar[] as last_name_aliases,
        date_of_birth,
        null::date[] as date_of_birth_aliases,
        sex,
        postcode,
        postcode_outcode,
        pnc,
        cro,
        null::varchar as noms_number,
        null::varchar as crn,
        asn,
        first_hearing_date as event_date,
        ethnic_group,
        null::varchar as party_role

    from {{ ref('stg_libra__defendants') }}

),

crown as (

    select
        'crown_defendants' as source_table,
        record_id,
        first_name,
        middle_names,
        last_name,
        null::varchar[] as first_name_aliases,
        null::varchar[] as last_name_aliases,
        date_of_birth,
        null::date[] as date_of_birth_aliases,
        sex,
        postcode,
        postcode_outcode,
        pnc,
        null::varchar as cro,
        null::varchar as noms_number,
        null::varchar as crn,
        asn,
        date_received as event_date,
        ethnic_group,
        null::varchar as party_role

    from {{ ref('stg_xhibit__defendants') }}
    where is_person

),

family as (

    select
        'family_parties' as source_table,
        record_id,
        first_name,
        middle_names,
        last_name,
        null::varchar[] as first_name_aliases,
        null::varchar[] as last_name_aliases,
        date_of_birth,
        null::date[] as date_of_birth_aliases,
        sex,
        postcode,
        postcode_outcode,
        null::varchar as pnc,
        null::varchar as cro,
        null::varchar as noms_number,
        null::varchar as crn,
        null::varchar as asn,
        issue_date as event_date,
        null::varchar as ethnic_group,
        party_role

    from {{ ref('stg_familyman__parties') }}
    where is_person

),

civil as (

    select
        'civil_parties' as source_table,
        record_id,
        first_name,
        middle_names,
        last_name,
        null::varchar[] as first_name_aliases,
        null::varchar[] as last_name_aliases,
        date_of_birth,
        null::date[] as date_of_birth_aliases,
        null::varchar as sex,
        postcode,
        postcode_outcode,
        null::varchar as pnc,
        null::varchar as cro,
        null::varchar as noms_number,
        null::varchar as crn,
        null::varchar as asn,
        issue_date as event_date,
        null::varchar as ethnic_group,
        party_role

    from {{ ref('stg_caseman__parties') }}
    where is_person

),

probation as (

    select
        'probation_events' as source_table,
        record_id,
        first_name,
        middle_names,
        last_name,
        null::varchar[] as first_name_aliases,
        null::varchar[] as last_name_aliases,
        date_of_birth,
        null::date[] as date_of_birth_aliases,
        sex,
        postcode,
        postcode_outcode,
        pnc,
        cro,
        noms_number,
        crn,
        null::varchar as asn,
        referral_date as event_date,
        ethnic_group,
        null::varchar as party_role

    from {{ ref('stg_ndelius__events') }}

),

prison as (

    select
        'prison_journeys' as source_table,
        journeys.record_id,
        journeys.first_name,
        journeys.middle_names,
        journeys.last_name,
        aliases.first_name_aliases,
        aliases.last_name_aliases,
        journeys.date_of_birth,
        aliases.date_of_birth_aliases,
        journeys.sex,
        null::varchar as postcode,
        null::varchar as postcode_outcode,
        journeys.pnc,
        journeys.cro,
        journeys.noms_number,
        null::varchar as crn,
        null::varchar as asn,
        journeys.reception_date as event_date,
        journeys.ethnic_group,
        null::varchar as party_role

    from {{ ref('stg_pnomis__journeys') }} as journeys
    left join {{ ref('int_prison_aliases_folded') }} as aliases
        on journeys.record_id = aliases.journey_record_id

),

oasys as (

    select
        'oasys_assessments' as source_table,
        record_id,
        first_name,
        middle_names,
        last_name,
        null::varchar[] as first_name_aliases,
        null::varchar[] as last_name_aliases,
        date_of_birth,
        null::date[] as date_of_birth_aliases,
        sex,
        null::varchar as postcode,
        null::varchar as postcode_outcode,
        pnc,
        cro,
        noms_number,
        crn,
        null::varchar as asn,
        assessment_date as event_date,
        null::varchar as ethnic_group,
        null::varchar as party_role

    from {{ ref('stg_oasys__assessments') }}

),

unioned as (

    select * from magistrates
    union all
    select * from crown
    union all
    select * from family
    union all
    select * from civil
    union all
    select * from probation
    union all
    select * from prison
    union all
    select * from oasys

),

final as (

    -- the column order and types of contracts/person_records.py
    select
        (source_table || ':' || record_id)::varchar as unique_id,
        source_table::varchar as source_table,
        record_id::varchar as record_id,
        first_name::varchar as first_name,
        middle_names::varchar as middle_names,
        last_name::varchar as last_name,
        first_name_aliases::varchar[] as first_name_aliases,
        last_name_aliases::varchar[] as last_name_aliases,
        date_of_birth::date as date_of_birth,
        date_of_birth_aliases::date[] as date_of_birth_aliases,
        sex::varchar as sex,
        postcode::varchar as postcode,
        postcode_outcode::varchar as postcode_outcode,
        pnc::varchar as pnc,
        cro::varchar as cro,
        noms_number::varchar as noms_number,
        crn::varchar as crn,
        asn::varchar as asn,
        event_date::date as event_date,
        ethnic_group::varchar as ethnic_group,
        party_role::varchar as party_role

    from unioned

)

select * from final
