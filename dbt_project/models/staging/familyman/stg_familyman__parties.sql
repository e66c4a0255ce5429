{#- Value-level defects: one rule per landing column (macros/defects.sql); a
    defective value is nulled in `checked` and listed in value_defects. -#}
{%- set defect_rules = {
    'case_number': {'required': true},
    'case_type': {
        'kind': 'code', 'required': true,
        'codes': ['Public law', 'Private law', 'Adoption', 'Family Law Act', 'Divorce'],
    },
    'party_role': {'kind': 'code', 'codes': ['Applicant', 'Respondent', 'Child', 'Other party'], 'required': true},
    'party_type': {'kind': 'code', 'codes': ['Person', 'Local authority', 'Organisation'], 'required': true},
    'forenames': {'kind': 'name'},
    'surname': {'kind': 'name', 'required': "trim(party_type) = 'Person'"},
    'date_of_birth': {'kind': 'date', 'format': '%Y-%m-%d', 'dob': true},
    'sex': {'kind': 'code', 'codes': ['MALE', 'FEMALE'], 'upper': true},
    'postcode': {'kind': 'postcode'},
    'court_code': {},
    'issue_date': {'kind': 'date', 'format': '%Y-%m-%d', 'required': true},
    'final_order': {},
} -%}
{#- The person columns (macros/person_columns.sql): staging column <- landing column. -#}
{%- set person = {
    'forenames': ['forenames'],
    'last_name': 'surname',
    'date_of_birth': 'date_of_birth',
    'sex': 'sex',
    'postcode': 'postcode',
} -%}

with

checked as (

    {{ defect_checked(source('landing', 'family_parties'), defect_rules) }}

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
        {{ person_cleaned(person, defect_rules) }},

        -- case
        {{ clean_code('court_code') }} as court_code,
        {{ parsed_date('issue_date', defect_rules) }} as issue_date,
        {{ clean_text('final_order') }} as final_order,
        value_defects

    from checked

),

final as (

    select
        record_id,
        case_number,
        case_type,
        party_role,
        party_type,
        is_person,
        {{ person_columns(person) }},
        court_code,
        issue_date,
        final_order,
        value_defects

    from renamed

)

select * from final
