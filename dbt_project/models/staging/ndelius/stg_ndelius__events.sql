{#- Value-level defects: one rule per landing column (macros/defects.sql); a
    defective value is nulled in `checked` and listed in value_defects. -#}
{%- set defect_rules = {
    'event_id': {'required': true},
    'crn': {'kind': 'crn', 'required': true},
    'offender_id': {},
    'forename': {'kind': 'name'},
    'second_forename': {'kind': 'name'},
    'surname': {'kind': 'name', 'required': true},
    'date_of_birth': {'kind': 'date', 'dob': true},
    'gender': {'kind': 'code', 'codes': ['M', 'F', 'N'], 'upper': true},
    'pnc_number': {'kind': 'pnc'},
    'cro_number': {'kind': 'cro'},
    'noms_number': {'kind': 'noms'},
    'postcode': {'kind': 'postcode'},
    'ethnicity_desc': {'kind': 'ethnicity'},
    'referral_date': {'kind': 'date', 'required': true},
    'sentence_type': {},
    'requirement_main_category': {},
    'probation_area': {},
    'termination_reason': {},
} -%}
{#- The person columns (macros/person_columns.sql): staging column <- landing column. -#}
{%- set person = {
    'forenames': ['forename', 'second_forename'],
    'last_name': 'surname',
    'date_of_birth': 'date_of_birth',
    'sex': 'gender',
    'postcode': 'postcode',
    'pnc': 'pnc_number',
    'cro': 'cro_number',
    'noms_number': 'noms_number',
    'crn': 'crn',
    'ethnic_group': 'ethnicity_desc',
} -%}

with

checked as (

    {{ defect_checked(source('landing', 'probation_events'), defect_rules) }}

),

renamed as (

    select
        record_id,
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('offender_id') }} as offender_id,

        -- person
        {{ person_cleaned(person, defect_rules) }},

        -- event
        referral_date,
        {{ clean_text('sentence_type') }} as sentence_type,
        {{ clean_text('requirement_main_category') }} as requirement_main_category,
        {{ clean_text('probation_area') }} as probation_area,
        {{ clean_text('termination_reason') }} as termination_reason,
        value_defects

    from checked

),

final as (

    select
        record_id,
        event_id,
        offender_id,
        {{ person_columns(person) }},
        referral_date,
        sentence_type,
        requirement_main_category,
        probation_area,
        termination_reason,
        value_defects

    from renamed

)

select * from final
