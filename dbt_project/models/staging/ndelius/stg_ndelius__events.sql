with

source as (

    select * from {{ source('landing', 'probation_events') }}

),

renamed as (

    select
        record_id,
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('offender_id') }} as offender_id,

        -- person
        {{ all_forenames(['forename', 'second_forename']) }} as forenames,
        {{ clean_name('surname') }} as last_name,
        {{ clean_date_of_birth('date_of_birth') }} as date_of_birth,
        {{ standardise_sex('gender') }} as sex,
        {{ standardise_postcode('postcode') }} as postcode,
        {{ standardise_pnc('pnc_number') }} as pnc,
        {{ standardise_cro('cro_number') }} as cro,
        {{ standardise_noms_number('noms_number') }} as noms_number,
        {{ standardise_crn('crn') }} as crn,
        {{ ethnic_group('ethnicity_desc') }} as ethnic_group,

        -- event
        referral_date,
        {{ clean_text('sentence_type') }} as sentence_type,
        {{ clean_text('requirement_main_category') }} as requirement_main_category,
        {{ clean_text('probation_area') }} as probation_area,
        {{ clean_text('termination_reason') }} as termination_reason

    from source

),

final as (

    select
        record_id,
        event_id,
        offender_id,
        {{ first_forename('forenames') }} as first_name,
        {{ other_forenames('forenames') }} as middle_names,
        last_name,
        date_of_birth,
        sex,
        postcode,
        {{ postcode_outcode('postcode') }} as postcode_outcode,
        pnc,
        cro,
        noms_number,
        crn,
        ethnic_group,
        referral_date,
        sentence_type,
        requirement_main_category,
        probation_area,
        termination_reason

    from renamed

)

select * from final
