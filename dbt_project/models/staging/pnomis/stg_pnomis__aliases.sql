{#- Value-level defects: one rule per landing column (macros/defects.sql); a
    defective value is nulled in `checked` and listed in value_defects. -#}
{%- set defect_rules = {
    'journey_record_id': {'required': true},
    'first_name': {'kind': 'name'},
    'last_name': {'kind': 'name'},
    'birth_date': {'kind': 'date', 'dob': true},
} -%}
{#- The person columns (macros/person_columns.sql): staging column <- landing column. -#}
{%- set person = {
    'forenames': ['first_name'],
    'last_name': 'last_name',
    'date_of_birth': 'birth_date',
} -%}

with

checked as (

    {{ defect_checked(source('landing', 'prison_aliases'), defect_rules) }}

),

renamed as (

    select
        alias_id,
        {{ clean_text('journey_record_id') }} as journey_record_id,
        {{ person_cleaned(person, defect_rules) }},
        value_defects

    from checked

),

final as (

    select
        alias_id,
        journey_record_id,
        {{ first_forename('forenames') }} as first_name,
        last_name,
        date_of_birth,
        value_defects

    from renamed

)

select * from final
