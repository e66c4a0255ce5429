with

source as (

    select * from {{ source('landing', 'family_parties') }}

),

renamed as (

    select
        record_id,
        {{ clean_text('case_number') }} as case_number,
        {{ clean_text('case_type') }} as case_type,
        {{ clean_text('party_role') }} as party_role,
        {{ clean_text('party_type') }} as party_type,
        coalesce({{ clean_text('party_type') }} = 'Person', false) as is_person,

        -- person (organisations keep their name in last_name)
        {{ all_forenames(['forenames']) }} as forenames,
        {{ clean_name('surname') }} as last_name,
        {{ clean_date_of_birth(parse_date('date_of_birth', '%Y-%m-%d')) }} as date_of_birth,
        {{ standardise_sex('sex') }} as sex,
        {{ standardise_postcode('postcode') }} as postcode,

        -- case
        {{ clean_code('court_code') }} as court_code,
        {{ parse_date('issue_date', '%Y-%m-%d') }} as issue_date,
        {{ clean_text('final_order') }} as final_order

    from source

),

final as (

    select
        record_id,
        case_number,
        case_type,
        party_role,
        party_type,
        is_person,
        {{ first_forename('forenames') }} as first_name,
        {{ other_forenames('forenames') }} as middle_names,
        last_name,
        date_of_birth,
        sex,
        postcode,
        {{ postcode_outcode('postcode') }} as postcode_outcode,
        court_code,
        issue_date,
        final_order

    from renamed

)

select * from final
