{#- Value-level defects: one rule per landing column (macros/defects.sql); a
    defective value is nulled in `checked` and listed in value_defects. -#}
{%- set defect_rules = {
    'defendant_on_case_id': {'required': true},
    'defendant_id': {'required': true},
    'court_id': {},
    'case_number': {'required': true},
    'first_name': {'kind': 'name'},
    'middle_name': {'kind': 'name'},
    'surname': {'kind': 'name', 'required': 'not coalesce(is_company, false)'},
    'date_of_birth': {'kind': 'date', 'dob': true},
    'gender': {'kind': 'code', 'codes': ['0', '1', '2'], 'typed': true, 'required': true},
    'is_company': {'kind': 'typed', 'required': true},
    'pnc_id': {'kind': 'pnc'},
    'asn': {},
    'postcode': {'kind': 'postcode'},
    'ethnicity': {'kind': 'ethnicity'},
    'case_type': {'kind': 'code', 'codes': ['Trial', 'Sentence', 'Appeal'], 'required': true},
    'date_received': {'kind': 'date', 'required': true},
    'offence_category': {},
    'verdict': {},
    'sentence_type': {},
    'sentence_date': {'kind': 'date'},
    'custodial_days': {'kind': 'range', 'min': 0},
} -%}
{#- The person columns (macros/person_columns.sql): staging column <- landing column. -#}
{%- set person = {
    'forenames': ['first_name', 'middle_name'],
    'last_name': 'surname',
    'date_of_birth': 'date_of_birth',
    'sex': 'gender',
    'postcode': 'postcode',
    'pnc': 'pnc_id',
    'asn': 'asn',
    'ethnic_group': 'ethnicity',
} -%}

with

checked as (

    {{ defect_checked(source('landing', 'crown_defendants'), defect_rules) }}

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
        {{ person_cleaned(person, defect_rules) }},

        -- case
        {{ clean_text('case_type') }} as case_type,
        date_received,
        {{ clean_text('offence_category') }} as offence_category,
        {{ clean_text('verdict') }} as verdict,
        {{ clean_text('sentence_type') }} as sentence_type,
        sentence_date,
        custodial_days,
        value_defects

    from checked

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
        {{ person_columns(person) }},
        case_type,
        date_received,
        offence_category,
        verdict,
        sentence_type,
        sentence_date,
        custodial_days,
        value_defects

    from renamed

)

select * from final
