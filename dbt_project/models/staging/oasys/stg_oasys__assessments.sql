{#- Value-level defects: one rule per landing column (macros/defects.sql); a
    defective value is nulled in `checked` and listed in value_defects. -#}
{%- set defect_rules = {
    'assessment_id': {'required': true},
    'oasys_offender_pk': {},
    'forename_1': {'kind': 'name'},
    'forename_2': {'kind': 'name'},
    'family_name': {'kind': 'name', 'required': true},
    'date_of_birth': {'kind': 'date', 'dob': true},
    'gender': {'kind': 'code', 'codes': ['M', 'F'], 'upper': true},
    'pnc': {'kind': 'pnc'},
    'cro': {'kind': 'cro'},
    'prison_number': {'kind': 'noms'},
    'crn': {'kind': 'crn'},
    'assessment_date': {'kind': 'date', 'required': true},
    'assessment_type': {},
    'accommodation': {'kind': 'range', 'min': 0, 'max': 2},
    'ete': {'kind': 'range', 'min': 0, 'max': 2},
    'finance': {'kind': 'range', 'min': 0, 'max': 2},
    'relationships': {'kind': 'range', 'min': 0, 'max': 2},
    'lifestyle': {'kind': 'range', 'min': 0, 'max': 2},
    'drugs': {'kind': 'range', 'min': 0, 'max': 2},
    'alcohol': {'kind': 'range', 'min': 0, 'max': 2},
    'thinking_behaviour': {'kind': 'range', 'min': 0, 'max': 2},
    'attitudes': {'kind': 'range', 'min': 0, 'max': 2},
    'ogrs3': {'kind': 'range', 'min': 0, 'max': 1},
} -%}
{#- The person columns (macros/person_columns.sql): staging column <- landing column. -#}
{%- set person = {
    'forenames': ['forename_1', 'forename_2'],
    'last_name': 'family_name',
    'date_of_birth': 'date_of_birth',
    'sex': 'gender',
    'pnc': 'pnc',
    'cro': 'cro',
    'noms_number': 'prison_number',
    'crn': 'crn',
} -%}

with

checked as (

    {{ defect_checked(source('landing', 'oasys_assessments'), defect_rules) }}

),

renamed as (

    select
        record_id,
        {{ clean_text('assessment_id') }} as assessment_id,
        {{ clean_text('oasys_offender_pk') }} as oasys_offender_pk,

        -- person
        {{ person_cleaned(person, defect_rules) }},

        -- assessment
        assessment_date,
        {{ clean_text('assessment_type') }} as assessment_type,
        accommodation as need_accommodation,
        ete as need_ete,
        finance as need_finance,
        relationships as need_relationships,
        lifestyle as need_lifestyle,
        drugs as need_drugs,
        alcohol as need_alcohol,
        thinking_behaviour as need_thinking_behaviour,
        attitudes as need_attitudes,
        ogrs3,
        value_defects

    from checked

),

final as (

    select
        record_id,
        assessment_id,
        oasys_offender_pk,
        {{ person_columns(person) }},
        assessment_date,
        assessment_type,
        need_accommodation,
        need_ete,
        need_finance,
        need_relationships,
        need_lifestyle,
        need_drugs,
        need_alcohol,
        need_thinking_behaviour,
        need_attitudes,
        ogrs3,
        value_defects

    from renamed

)

select * from final
