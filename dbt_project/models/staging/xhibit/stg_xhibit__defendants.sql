with

source as (

    select * from {{ source('landing', 'crown_defendants') }}

),

renamed as (

    select
        record_id,
        {{ clean_text('defendant_on_case_id') }} as defendant_on_case_id,
        {{ clean_text('defendant_id') }} as defendant_id,
        {{ clean_code('court_id') }} as court_id,
        {{ clean_text('case_number') }} as case_number,

        -- person
        coalesce(is_company, false) as is_company,
        not coalesce(is_company, false) as is_person,
        {{ all_forenames(['first_name', 'middle_name']) }} as forenames,
        {{ clean_name('surname') }} as last_name,
        {{ clean_date_of_birth('date_of_birth') }} as date_of_birth,
        {{ standardise_sex('gender') }} as sex,
        {{ standardise_postcode('postcode') }} as postcode,
        {{ standardise_pnc('pnc_id') }} as pnc,
        {{ standardise_asn('asn') }} as asn,
        {{ ethnic_group('ethnicity') }} as ethnic_group,

        -- case
        {{ clean_text('case_type') }} as case_type,
        date_received,
        {{ clean_text('offence_category') }} as offence_category,
        {{ clean_text('verdict') }} as verdict,
        {{ clean_text('sentence_type') }} as sentence_type,
        sentence_date,
        custodial_days

    from source

),

final as (

    select
        record_id,
        defendant_on_case_id,
        defendant_id,
        court_id,
        case_number,
        is_company,
        is_person,
        {{ first_forename('forenames') }} as first_name,
        {{ other_forenames('forenames') }} as middle_names,
        last_name,
        date_of_birth,
        sex,
        postcode,
        {{ postcode_outcode('postcode') }} as postcode_outcode,
        pnc,
        asn,
        ethnic_group,
        case_type,
        date_received,
        offence_category,
        verdict,
        sentence_type,
        sentence_date,
        custodial_days

    from renamed

)

select * from final
