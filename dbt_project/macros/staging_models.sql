{#-
    The staging models, one per landing table, with the landing key. Every one
    feeds quarantine.value_defects. person_rows: the condition on a staging row
    that it is a person record of int_person_records (default: every row);
    prison_aliases have no records of their own (is_person_table false, as in
    contracts/landing.py): they are folded into their journeys.
-#}
{% macro staging_models() -%}
    {{ return([
        {'source_table': 'magistrates_defendants', 'model': 'stg_libra__defendants', 'key': 'record_id'},
        {
            'source_table': 'crown_defendants', 'model': 'stg_xhibit__defendants', 'key': 'record_id',
            'person_rows': 'is_person',
        },
        {
            'source_table': 'family_parties', 'model': 'stg_familyman__parties', 'key': 'record_id',
            'person_rows': 'is_person',
        },
        {
            'source_table': 'civil_parties', 'model': 'stg_caseman__parties', 'key': 'record_id',
            'person_rows': 'is_person',
        },
        {'source_table': 'probation_events', 'model': 'stg_ndelius__events', 'key': 'record_id'},
        {'source_table': 'prison_journeys', 'model': 'stg_pnomis__journeys', 'key': 'record_id'},
        {
            'source_table': 'prison_aliases', 'model': 'stg_pnomis__aliases', 'key': 'alias_id',
            'is_person_table': false,
        },
        {'source_table': 'oasys_assessments', 'model': 'stg_oasys__assessments', 'key': 'record_id'},
    ]) }}
{%- endmacro %}
