{#- Value-level defects: one rule per landing column (macros/defects.sql); a
    defective value is nulled in `checked` and listed in value_defects. -#}
{%- set defect_rules = {
    'libra_case_id': {'required': true},
    'libra_defendant_id': {'required': true},
    'asn': {},
    'title': {'kind': 'code', 'codes': ['MR', 'MRS', 'MS', 'MISS', 'DR'], 'upper': true},
    'forename1': {'kind': 'name'},
    'forename2': {'kind': 'name'},
    'forename3': {'kind': 'name'},
    'surname': {'kind': 'name', 'required': true},
    'date_of_birth': {'kind': 'date', 'format': '%d/%m/%Y', 'dob': true},
    'sex': {'kind': 'code', 'codes': ['M', 'F', 'NK'], 'upper': true},
    'address_line1': {},
    'postcode': {'kind': 'postcode'},
    'pnc_id': {'kind': 'pnc'},
    'cro_number': {'kind': 'cro'},
    'ethnicity': {'kind': 'ethnicity'},
    'court_code': {},
    'first_hearing_date': {'kind': 'date', 'format': '%d/%m/%Y', 'required': true},
    'offence_category': {},
    'plea': {},
    'outcome': {},
    'disposal': {},
    'committed_to_crown': {'kind': 'code', 'codes': ['Y', 'N'], 'upper': true, 'required': true},
} -%}
{#- The person columns (macros/person_columns.sql): staging column <- landing column. -#}
{%- set person = {
    'title': 'title',
    'forenames': ['forename1', 'forename2', 'forename3'],
    'last_name': 'surname',
    'date_of_birth': 'date_of_birth',
    'sex': 'sex',
    'address_line_1': 'address_line1',
    'postcode': 'postcode',
    'pnc': 'pnc_id',
    'cro': 'cro_number',
    'asn': 'asn',
    'ethnic_group': 'ethnicity',
} -%}

with

checked as (

    {{ defect_checked(source('landing', 'magistrates_defendants'), defect_rules) }}

),

renamed as (

    select
        record_id,
        {{ clean_text('libra_case_id') }} as case_id,
        {{ clean_text('libra_defendant_id') }} as defendant_id,

        -- person
        {{ person_cleaned(person, defect_rules) }},

        -- case
        {{ clean_code('court_code') }} as court_code,
        {{ parsed_date('first_hearing_date', defect_rules) }} as first_hearing_date,
        {{ clean_text('offence_category') }} as offence_category,
        {{ clean_text('plea') }} as plea,
        {{ clean_text('outcome') }} as outcome,
        {{ clean_text('disposal') }} as disposal,
        {{ yes_no_flag('committed_to_crown') }} as is_committed_to_crown,
        value_defects

    from checked

),

final as (

    select
        record_id,
        case_id,
        defendant_id,
        {{ person_columns(person) }},
        court_code,
        first_hearing_date,
        offence_category,
        plea,
        outcome,
        disposal,
        is_committed_to_crown,
        value_defects

    from renamed

)

select * from final
