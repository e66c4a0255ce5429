-- Every person record of every source in one schema (contracts/person_records.py),
-- the input of linkage. Non-person parties are left out here: XHIBIT companies,
-- FamilyMan parties that are not a Person, civil parties that are not an Individual.
-- source_records (macros/person_records.sql) gives each source the shared columns,
-- its own identifiers and event date, and typed nulls for what it lacks, from the
-- person rows of its staging model (macros/staging_models.sql).

with

-- the two sources that key a street address (macros/addresses.sql)
libra_with_address as (

    select
        *,
        {{ address_key('address_line_1') }} as address

    from {{ ref('stg_libra__defendants') }}

),

caseman_with_address as (

    select
        *,
        {{ address_key('address_line_1', 'address_line_2') }} as address

    from {{ ref('stg_caseman__parties') }}

),

magistrates as (

    {{ source_records(
        'magistrates_defendants', event_date='first_hearing_date', relation='libra_with_address',
        columns=['sex', 'postcode', 'postcode_outcode', 'address', 'pnc', 'cro', 'asn', 'ethnic_group'],
    ) }}

),

crown as (

    {{ source_records(
        'crown_defendants', event_date='date_received',
        columns=['sex', 'postcode', 'postcode_outcode', 'pnc', 'asn', 'ethnic_group'],
    ) }}

),

family as (

    {{ source_records(
        'family_parties', event_date='issue_date',
        columns=['sex', 'postcode', 'postcode_outcode', 'party_role'],
    ) }}

),

civil as (

    {{ source_records(
        'civil_parties', event_date='issue_date', relation='caseman_with_address',
        columns=['postcode', 'postcode_outcode', 'address', 'party_role'],
    ) }}

),

probation as (

    {{ source_records(
        'probation_events', event_date='referral_date',
        columns=['sex', 'postcode', 'postcode_outcode', 'pnc', 'cro', 'noms_number', 'crn', 'ethnic_group'],
    ) }}

),

prison_journeys_with_aliases as (

    select
        journeys.*,
        aliases.first_name_aliases,
        aliases.last_name_aliases,
        aliases.date_of_birth_aliases

    from {{ ref('stg_pnomis__journeys') }} as journeys
    left join {{ ref('int_prison_aliases_folded') }} as aliases
        on journeys.record_id = aliases.journey_record_id

),

prison as (

    {{ source_records(
        'prison_journeys', event_date='reception_date', relation='prison_journeys_with_aliases',
        columns=[
            'first_name_aliases', 'last_name_aliases', 'date_of_birth_aliases',
            'sex', 'pnc', 'cro', 'noms_number', 'ethnic_group',
        ],
    ) }}

),

oasys as (

    {{ source_records(
        'oasys_assessments', event_date='assessment_date',
        columns=['sex', 'pnc', 'cro', 'noms_number', 'crn'],
    ) }}

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
        *

    from unioned

)

select * from final
