{#-
    The person columns of the staging models, standardised one way for every
    source. A model declares `person`, {staging column: landing column} (for
    `forenames` a list of landing columns, joined in order), and calls
      person_cleaned(person, rules) in the CTE reading `checked`: each landing
        value cleaned as its staging column needs (names, the date of birth in
        its defect rule's format, sex, address, postcode, identifiers, ethnic
        group), under the staging column's name;
      person_columns(names) in the final select: those columns in the one order
        of every staging model, `forenames` split into first_name and
        middle_names, `postcode` followed by its postcode_outcode.
-#}

{#- The person columns a staging model may have, in the order of its final select. -#}
{% macro person_column_order() -%}
    {{ return([
        'title', 'forenames', 'last_name', 'date_of_birth', 'sex', 'address_line_1', 'address_line_2',
        'postcode', 'pnc', 'cro', 'noms_number', 'crn', 'asn', 'ethnic_group',
    ]) }}
{%- endmacro %}


{#- A landing date as DATE: parsed with its defect rule's format when the landing holds text, else as it is. -#}
{% macro parsed_date(column, rules) -%}
    {%- set format = rules[column].get('format') -%}
    {{ parse_date(column, format) if format else column }}
{%- endmacro %}


{% macro check_person_columns(names) -%}
    {%- for name in names if name not in person_column_order() -%}
        {{ exceptions.raise_compiler_error("'" ~ name ~ "' is not a person column (macros/person_columns.sql)") }}
    {%- endfor -%}
{%- endmacro %}


{% macro person_cleaned(person, rules) -%}
    {{- check_person_columns(person) -}}
    {%- set cleaned = [] -%}
    {%- for name in person_column_order() if name in person -%}
        {%- set column = person[name] -%}
        {%- if name == 'forenames' %}{% set value = all_forenames(column) -%}
        {%- elif name in ('title', 'last_name') %}{% set value = clean_name(column) -%}
        {%- elif name == 'date_of_birth' %}{% set value = parsed_date(column, rules) -%}
        {%- elif name == 'sex' %}{% set value = standardise_sex(column) -%}
        {%- elif name in ('address_line_1', 'address_line_2') %}{% set value = clean_text('upper(' ~ column ~ ')') -%}
        {%- elif name == 'postcode' %}{% set value = standardise_postcode(column) -%}
        {%- elif name == 'pnc' %}{% set value = standardise_pnc(column) -%}
        {%- elif name == 'cro' %}{% set value = standardise_cro(column) -%}
        {%- elif name == 'noms_number' %}{% set value = standardise_noms_number(column) -%}
        {%- elif name == 'crn' %}{% set value = standardise_crn(column) -%}
        {%- elif name == 'asn' %}{% set value = standardise_asn(column) -%}
        {%- elif name == 'ethnic_group' %}{% set value = ethnic_group(column) -%}
        {%- endif -%}
        {%- do cleaned.append(value if value == name else value ~ ' as ' ~ name) -%}
    {%- endfor -%}
    {{ cleaned | join(',\n        ') }}
{%- endmacro %}


{% macro person_columns(names) -%}
    {{- check_person_columns(names) -}}
    {%- set selected = [] -%}
    {%- for name in person_column_order() if name in names -%}
        {%- if name == 'forenames' -%}
            {%- do selected.append(first_forename('forenames') ~ ' as first_name') -%}
            {%- do selected.append(other_forenames('forenames') ~ ' as middle_names') -%}
        {%- elif name == 'postcode' -%}
            {%- do selected.append('postcode') -%}
            {%- do selected.append(postcode_outcode('postcode') ~ ' as postcode_outcode') -%}
        {%- else -%}
            {%- do selected.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ selected | join(',\n        ') }}
{%- endmacro %}
