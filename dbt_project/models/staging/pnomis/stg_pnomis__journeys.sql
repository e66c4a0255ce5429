with

source as (

    select * from {{ source('landing', 'prison_journeys') }}

),

renamed as (

    select
        record_id,
        {{ clean_text('booking_id') }} as booking_id,
        {{ clean_text('offender_id') }} as offender_id,

        -- person
        {{ all_forenames(['first_name', 'middle_names']) }} as forenames,
        {{ clean_name('last_name') }} as last_name,
        {{ clean_date_of_birth('birth_date') }} as date_of_birth,
        {{ standardise_sex('sex_code') }} as sex,
        {{ standardise_pnc('pnc_id') }} as pnc,
        {{ standardise_cro('cro_number') }} as cro,
        {{ standardise_noms_number('prison_number') }} as noms_number,
        {{ ethnic_group('ethnicity_code') }} as ethnic_group,

        -- journey
        reception_date,
        release_date,
        {{ clean_code('establishment_code') }} as establishment_code,
        {{ clean_text('sentence_type') }} as sentence_type

    from source

),

final as (

    select
        record_id,
        booking_id,
        offender_id,
        {{ first_forename('forenames') }} as first_name,
        {{ other_forenames('forenames') }} as middle_names,
        last_name,
        date_of_birth,
        sex,
        pnc,
        cro,
        noms_number,
        ethnic_group,
        reception_date,
        release_date,
        establishment_code,
        sentence_type

    from renamed

)

select * from final
