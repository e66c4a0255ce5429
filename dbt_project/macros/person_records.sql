{#-
    One source's person records in the columns of int_person_records, in the
    order and types of contracts/person_records.py (all but unique_id, which the
    model adds): source_table; the columns every source has (record_id, the
    names, date_of_birth); the source's own `columns`, same-named in
    `relation`; `event_date`, the relation's column for the record's own event;
    and a typed null for every column the source lacks. `relation`: the
    source's staging model (macros/staging_models.sql) unless given; only its
    person rows are kept (person_rows there).
-#}
{% macro source_records(source_table, event_date, columns, relation=none) %}
    {%- set staged = staging_models() | selectattr('source_table', 'equalto', source_table) | first -%}
    {%- set where = staged.get('person_rows') -%}
    {%- set person_record_columns = [
        ('record_id', 'varchar'),
        ('first_name', 'varchar'),
        ('middle_names', 'varchar'),
        ('last_name', 'varchar'),
        ('first_name_aliases', 'varchar[]'),
        ('last_name_aliases', 'varchar[]'),
        ('date_of_birth', 'date'),
        ('date_of_birth_aliases', 'date[]'),
        ('sex', 'varchar'),
        ('postcode', 'varchar'),
        ('postcode_outcode', 'varchar'),
        ('address', 'varchar'),
        ('pnc', 'varchar'),
        ('cro', 'varchar'),
        ('noms_number', 'varchar'),
        ('crn', 'varchar'),
        ('asn', 'varchar'),
        ('event_date', 'date'),
        ('ethnic_group', 'varchar'),
        ('party_role', 'varchar'),
    ] -%}
    {%- set every_source_has = ['record_id', 'first_name', 'middle_names', 'last_name', 'date_of_birth'] -%}
    {%- set known = person_record_columns | map('first') | list -%}
    {%- for name in columns if name not in known or name in every_source_has + ['event_date'] -%}
        {{ exceptions.raise_compiler_error("source_records: '" ~ name ~ "' is not an optional person-record column") }}
    {%- endfor %}
    {%- set selected = [] -%}
    {%- for name, type in [('source_table', 'varchar')] + person_record_columns -%}
        {%- if name == 'source_table' %}{% set value = "'" ~ source_table ~ "'" -%}
        {%- elif name == 'event_date' %}{% set value = event_date -%}
        {%- elif name in every_source_has or name in columns %}{% set value = name -%}
        {%- else %}{% set value = 'null' -%}
        {%- endif -%}
        {%- do selected.append(value ~ '::' ~ type ~ ' as ' ~ name) -%}
    {%- endfor %}
    select
        {{ selected | join(',\n        ') }}

    from {{ relation or ref(staged['model']) }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
{% endmacro %}
