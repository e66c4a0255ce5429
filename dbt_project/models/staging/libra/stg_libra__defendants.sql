with

source as (

    select * from {{ source('landing', 'magistrates_defendants') }}

),

renamed as (

    select
        record_id,
        {{ clean_text('libra_case_id') }} as case_id,
        {{ clean_text('libra_defendant_id') }} as defendant_id,

        -- person
        {{ clean_name('title') }} as title,
        {{ all_forenames(['forename1', 'forename2', 'forename3']) }} as forenames,
        {{ clean_name('surname') }} as last_name,
        {{ clean_date_of_birth(parse_date('date_of_birth', '%d/%m/%Y')) }} as date_of_birth,
        {{ standardise_sex('sex') }} as sex,
        {{ clean_text('upper(address_line1)') }} as address_line_1,
        {{ standardise_postcode('postcode') }} as postcode,
        {{ standardise_pnc('pnc_id') }} as pnc,
        {{ standardise_cro('cro_number') }} as cro,
        {{ standardise_asn('asn') }} as asn,
        {{ ethnic_group('ethnicity') }} as ethnic_group,

        -- case
        {{ clean_code('court_code') }} as court_code,
        {{ parse_date('first_hearing_date', '%d/%m/%Y') }} as first_hearing_date,
        {{ clean_text('offence_category') }} as offence_category,
        {{ clean_text('plea') }} as plea,
        {{ clean_text('outcome') }} as outcome,
        {{ clean_text('disposal') }} as disposal,
        {{ yes_no_flag('committed_to_crown') }} as is_committed_to_crown

    from source

),

final as (

    select
        record_id,
        case_id,
        defendant_id,
        title,
        {{ first_forename('forenames') }} as first_name,
        {{ other_forenames('forenames') }} as middle_names,
        last_name,
        date_of_birth,
        sex,
        address_line_1,
        postcode,
        {{ postcode_outcode('postcode') }} as postcode_outcode,
        pnc,
        cro,
        asn,
        ethnic_group,
        court_code,
        first_hearing_date,
        offence_category,
        plea,
        outcome,
        disposal,
        is_committed_to_crown

    from renamed

)

select * from final
