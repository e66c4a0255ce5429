{#- Value-level defects: one rule per landing column (macros/defects.sql); a
    defective value is nulled in `checked` and listed in value_defects. -#}
{%- set defect_rules = {
    'journey_record_id': {'required': true},
    'first_name': {'kind': 'name'},
    'last_name': {'kind': 'name'},
    'birth_date': {'kind': 'date', 'dob': true},
} -%}

with

checked as (

    {{ defect_checked(source('landing', 'prison_aliases'), defect_rules) }}

),

renamed as (

    select
        alias_id,
        {{ clean_text('journey_record_id') }} as journey_record_id,
        {{ all_forenames(['first_name']) }} as forenames,
        {{ clean_name('last_name') }} as last_name,
        birth_date as date_of_birth,
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
