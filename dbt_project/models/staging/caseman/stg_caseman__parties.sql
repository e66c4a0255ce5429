with

source as (

    select * from {{ source('landing', 'civil_parties') }}

),

renamed as (

    select
        record_id,
        {{ clean_text('claim_number') }} as claim_number,
        {{ clean_text('claim_type') }} as claim_type,
        {{ clean_text('party_role') }} as party_role,
        {{ clean_text('party_type') }} as party_type,
        coalesce({{ clean_text('party_type') }} = 'Individual', false) as is_person,

        -- person: the one free-text name, split (macros/names.sql)
        {{ clean_text("regexp_replace(upper(party_name), '\\s+', ' ', 'g')") }} as party_name,
        {{ is_company_name('party_name') }} as is_company_name,
        {{ party_name_surname_part('party_name') }} as surname_part,
        {{ party_name_forename_part('party_name') }} as forename_part,
        {{ clean_text('upper(address_line1)') }} as address_line_1,
        {{ clean_text('upper(address_line2)') }} as address_line_2,
        {{ standardise_postcode('postcode') }} as postcode,
        {{ clean_date_of_birth(parse_date('date_of_birth', '%Y-%m-%d')) }} as date_of_birth,

        -- claim
        {{ parse_date('issue_date', '%Y-%m-%d') }} as issue_date,
        {{ clean_text('latest_event') }} as latest_event,
        try_cast({{ clean_text('amount_claimed') }} as decimal(14, 2)) as amount_claimed

    from source

),

split as (

    select
        *,
        {{ split_party_name('surname_part', 'forename_part') }} as name_parts

    from renamed

),

final as (

    select
        record_id,
        claim_number,
        claim_type,
        party_role,
        party_type,
        is_person,
        party_name,
        is_company_name,
        name_parts['title'] as title,
        {{ first_forename("name_parts['forenames']") }} as first_name,
        {{ other_forenames("name_parts['forenames']") }} as middle_names,
        name_parts['surname'] as last_name,
        date_of_birth,
        address_line_1,
        address_line_2,
        postcode,
        {{ postcode_outcode('postcode') }} as postcode_outcode,
        issue_date,
        latest_event,
        amount_claimed

    from split

)

select * from final
