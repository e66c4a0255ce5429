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
        {{ all_forenames(['forename', 'second_forename']) }} as forenames,
        {{ clean_name('surname') }} as last_name,
        date_of_birth,
        {{ standardise_sex('gender') }} as sex,
        {{ standardise_postcode('postcode') }} as postcode,
        {{ standardise_pnc('pnc_number') }} as pnc,
        {{ standardise_cro('cro_number') }} as cro,
        {{ standardise_noms_number('noms_number') }} as noms_number,
        {{ standardise_crn('crn') }} as crn,
        {{ ethnic_group('ethnicity_desc') }} as ethnic_group,

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
        {{ first_forename('forenames') }} as first_name,
        {{ other_forenames('forenames') }} as middle_names,
        last_name,
        date_of_birth,
        sex,
        postcode,
        {{ postcode_outcode('postcode') }} as postcode_outcode,
        pnc,
        cro,
        noms_number,
        crn,
        ethnic_group,
        referral_date,
        sentence_type,
        requirement_main_category,
        probation_area,
        termination_reason,
        value_defects

    from renamed

)

select * from final
