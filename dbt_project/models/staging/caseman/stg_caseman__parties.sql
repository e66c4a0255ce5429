{#- Value-level defects: one rule per landing column (macros/defects.sql); a
    defective value is nulled in `checked` and listed in value_defects. -#}
{%- set defect_rules = {
    'claim_number': {'required': true},
    'claim_type': {'kind': 'code', 'codes': ['Money claim', 'Possession claim', 'Other'], 'required': true},
    'party_role': {'kind': 'code', 'codes': ['Claimant', 'Defendant'], 'required': true},
    'party_type': {'kind': 'code', 'codes': ['Individual', 'Company'], 'required': true},
    'party_name': {'kind': 'name', 'required': "trim(party_type) = 'Individual'"},
    'address_line1': {},
    'address_line2': {},
    'postcode': {'kind': 'postcode'},
    'date_of_birth': {'kind': 'date', 'format': '%Y-%m-%d', 'dob': true},
    'issue_date': {'kind': 'date', 'format': '%Y-%m-%d', 'required': true},
    'latest_event': {},
    'amount_claimed': {'kind': 'amount'},
} -%}
{#-
    The person columns (macros/person_columns.sql): staging column <- landing
    column. The names are caseman's own: one free-text party_name, split below.
-#}
{%- set person = {
    'date_of_birth': 'date_of_birth',
    'address_line_1': 'address_line1',
    'address_line_2': 'address_line2',
    'postcode': 'postcode',
} -%}

with

checked as (

    {{ defect_checked(source('landing', 'civil_parties'), defect_rules) }}

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
        {{ person_cleaned(person, defect_rules) }},

        -- claim
        {{ parsed_date('issue_date', defect_rules) }} as issue_date,
        {{ clean_text('latest_event') }} as latest_event,
        try_cast({{ clean_text('amount_claimed') }} as decimal(14, 2)) as amount_claimed,
        value_defects

    from checked

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
        {{ person_columns(person) }},
        issue_date,
        latest_event,
        amount_claimed,
        value_defects

    from split

)

select * from final
