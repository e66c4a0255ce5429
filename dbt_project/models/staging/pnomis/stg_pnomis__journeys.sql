{#- Value-level defects: one rule per landing column (macros/defects.sql); a
    defective value is nulled in `checked` and listed in value_defects. -#}
{#- release_date may be a scheduled release, after the release date. -#}
{%- set defect_rules = {
    'booking_id': {'required': true},
    'prison_number': {'kind': 'noms'},
    'offender_id': {},
    'first_name': {'kind': 'name'},
    'middle_names': {'kind': 'name'},
    'last_name': {'kind': 'name', 'required': true},
    'birth_date': {'kind': 'date', 'dob': true},
    'sex_code': {'kind': 'code', 'codes': ['M', 'F', 'NK'], 'upper': true},
    'pnc_id': {'kind': 'pnc'},
    'cro_number': {'kind': 'cro'},
    'reception_date': {'kind': 'date', 'required': true},
    'release_date': {'kind': 'date', 'future_ok': true},
    'establishment_code': {},
    'sentence_type': {
        'kind': 'code', 'codes': ['Remand', 'Determinate', 'Indeterminate', 'Recall'], 'required': true,
    },
    'ethnicity_code': {'kind': 'ethnicity'},
} -%}
{#- The person columns (macros/person_columns.sql): staging column <- landing column. -#}
{%- set person = {
    'forenames': ['first_name', 'middle_names'],
    'last_name': 'last_name',
    'date_of_birth': 'birth_date',
    'sex': 'sex_code',
    'pnc': 'pnc_id',
    'cro': 'cro_number',
    'noms_number': 'prison_number',
    'ethnic_group': 'ethnicity_code',
} -%}

with

checked as (

    {{ defect_checked(source('landing', 'prison_journeys'), defect_rules) }}

),

renamed as (

    select
        record_id,
        {{ clean_text('booking_id') }} as booking_id,
        {{ clean_text('offender_id') }} as offender_id,

        -- person
        {{ person_cleaned(person, defect_rules) }},

        -- journey
        reception_date,
        release_date,
        {{ clean_code('establishment_code') }} as establishment_code,
        {{ clean_text('sentence_type') }} as sentence_type,
        value_defects

    from checked

),

final as (

    select
        record_id,
        booking_id,
        offender_id,
        {{ person_columns(person) }},
        reception_date,
        release_date,
        establishment_code,
        sentence_type,
        value_defects

    from renamed

)

select * from final
