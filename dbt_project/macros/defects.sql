-- sqlfluff:exclude_rules:layout.indent
-- (the rules render loop-generated column lists, which the indent rule cannot follow)
{#-
    Value-level defects (landing contract, "Defects"): a bad value never fails
    the release; it becomes null in staging and is recorded, as codes only.

    Each staging model declares one rule per landing column (a dict, below)
    and selects from defect_checked(source, rules): the landing row with every
    defective value nulled, plus `value_defects`, a list of
    struct(column_name, reason) (codes, never values). quarantine.value_defects
    unnests those lists, so the nulling and the quarantine rows come from the
    one declaration. Reason codes and the length limit are contracts/defects.py's;
    tests/dbt hold the two to each other.

    A rule's keys:
      kind      text (default), name, code, date, pnc, cro, noms, crn, postcode,
                ethnicity, amount, range, typed (a non-text value: only `required`)
      required  true, or a SQL condition on the landing row (names of person rows)
      codes     the code list (kind code); upper: compare upper(trim(value)),
                else trim(value); typed: compare the value cast to text
      format    strptime format of a text date ('%d/%m/%Y', '%Y-%m-%d'); absent for DATE
      dob       1900-01-01 and 1970-01-01 are placeholders (kind date)
      future_ok a date after the release date is allowed (kind date)
      min, max  the range (kind range)
    One reason per value, the first that applies: control_character and too_long
    (every text value), missing_required, then the kind's own.
-#}

{#- contracts.defects.REASONS -#}
{% macro defect_reason_codes() -%}
    {{ return([
        'unparseable', 'impossible_date', 'before_1900', 'in_future', 'placeholder',
        'missing_required', 'junk_value', 'not_in_code_list', 'bad_format',
        'bad_check_letter', 'control_character', 'too_long', 'out_of_range'
    ]) }}
{%- endmacro %}


{#- contracts.defects.MAX_TEXT_LENGTH -#}
{% macro max_text_length() -%}
    1000
{%- endmacro %}


{#- The text shape of each date format of the contract. -#}
{% macro date_shape(format) -%}
    {%- set shapes = {'%d/%m/%Y': '[0-9]{2}/[0-9]{2}/[0-9]{4}', '%Y-%m-%d': '[0-9]{4}-[0-9]{2}-[0-9]{2}'} -%}
    {%- if format not in shapes -%}
        {{ exceptions.raise_compiler_error("no date shape for format " ~ format) }}
    {%- endif -%}
    {{ shapes[format] }}
{%- endmacro %}


{#- Ethnicity entries that say nothing (nDelius): junk, not an unknown code. -#}
{% macro ethnicity_junk_values() -%}
    'REFUSAL', 'REFUSED', 'MISSING', 'NOT KNOWN', 'NOT STATED', 'UNKNOWN'
{%- endmacro %}


{% macro quoted_list(values) -%}
    {%- for value in values -%}
        '{{ value }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}


{#- The reason code of one landing value under its rule, or null when it is sound. -#}
{% macro defect_reason(column, rule) -%}
    {%- set kind = rule.get('kind', 'text') -%}
    {%- set is_text = not rule.get('typed', false) and kind not in ('range', 'typed')
        and not (kind == 'date' and not rule.get('format')) -%}
    {%- set blank = ("nullif(trim(" ~ column ~ "), '') is null") if is_text else (column ~ " is null") -%}
    {%- set required = rule.get('required', false) -%}
    {%- set value = "trim(" ~ column ~ ")" -%}
    case
        {%- if is_text %}
        when regexp_matches({{ column }}, '[\x00-\x1f\x7f]') then 'control_character'
        when length({{ column }}) > {{ max_text_length() }} then 'too_long'
        {%- endif %}
        {%- if required is string %}
        when {{ blank }} and coalesce({{ required }}, false) then 'missing_required'
        {%- elif required %}
        when {{ blank }} then 'missing_required'
        {%- endif %}
        when {{ blank }} then null
        {%- if kind == 'name' %}
        when regexp_full_match(upper({{ value }}), {{ name_junk_pattern() }}) then 'junk_value'
        {%- elif kind == 'code' %}
        {%- set compared = ("upper(" ~ value ~ ")") if rule.get('upper')
            else ("cast(" ~ column ~ " as varchar)" if rule.get('typed') else value) %}
        when {{ compared }} not in ({{ quoted_list(rule['codes']) }}) then 'not_in_code_list'
        {%- elif kind == 'date' %}
        {%- if rule.get('format') %}
        {%- set parsed = parse_date(column, rule['format']) %}
        when not regexp_full_match({{ value }}, '{{ date_shape(rule["format"]) }}') then 'unparseable'
        when {{ parsed }} is null then 'impossible_date'
        {%- else %}
        {%- set parsed = column %}
        {%- endif %}
        {%- if rule.get('dob') %}
        {%- set placeholders = [] %}
        {%- for placeholder in placeholder_dates_of_birth() %}
        {%- do placeholders.append("date '" ~ placeholder ~ "'") %}
        {%- endfor %}
        when {{ parsed }} in ({{ placeholders | join(', ') }}) then 'placeholder'
        {%- endif %}
        when {{ parsed }} < date '1900-01-02' then 'before_1900'
        {%- if not rule.get('future_ok') %}
        when {{ parsed }} > {{ release_date() }} then 'in_future'
        {%- endif %}
        {%- elif kind == 'pnc' %}
        when not regexp_full_match({{ compact_identifier(column) }}, '([0-9]{2}|[0-9]{4})/[0-9]{7}[A-Z]')
            then 'bad_format'
        when ({{ standardise_pnc(column) }}) is null then 'bad_check_letter'
        {%- elif kind == 'cro' %}
        when not regexp_full_match({{ compact_identifier(column) }}, '[0-9]{6}/[0-9]{2}[A-Z]') then 'bad_format'
        when ({{ standardise_cro(column) }}) is null then 'bad_check_letter'
        {%- elif kind == 'noms' %}
        when ({{ standardise_noms_number(column) }}) is null then 'bad_format'
        {%- elif kind == 'crn' %}
        when ({{ standardise_crn(column) }}) is null then 'bad_format'
        {%- elif kind == 'postcode' %}
        when {{ compact_postcode(column) }} = 'NF11NF' then null
        when ({{ standardise_postcode(column) }}) is null then 'bad_format'
        {%- elif kind == 'ethnicity' %}
        when ({{ ethnic_group(column) }}) is not null then null
        when upper({{ value }}) like 'Z\_%' escape '\' or upper({{ value }}) in ({{ ethnicity_junk_values() }})
            then 'junk_value'
        else 'not_in_code_list'
        {%- elif kind == 'amount' %}
        when not regexp_full_match({{ value }}, '[0-9]+\.[0-9]{2}') then 'unparseable'
        {%- elif kind == 'range' %}
        when not ({{ column }} >= {{ rule['min'] }}
            {%- if rule.get('max') is not none %} and {{ column }} <= {{ rule['max'] }}{% endif %}) then 'out_of_range'
        {%- elif kind != 'text' and kind != 'typed' %}
        {{ exceptions.raise_compiler_error("unknown defect rule kind " ~ kind ~ " for " ~ column) }}
        {%- endif %}
    end
{%- endmacro %}


{#-
    The landing relation with every defective value nulled (never guessed at)
    and a value_defects list of struct(column_name, reason); every row kept.
    `rules`: {landing column: rule}; columns without a rule pass unchanged.
-#}
{% macro defect_checked(relation, rules) -%}
    select
        * exclude (
            {%- for column in rules %}
            _defect__{{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        )
        replace (
            {%- for column in rules %}
            case when _defect__{{ column }} is null then {{ column }} end as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        ),
        list_filter(
            [
                {%- for column in rules %}
                {'column_name': '{{ column }}', 'reason': _defect__{{ column }}}{{ "," if not loop.last }}
                {%- endfor %}
            ],
            lambda defect: defect.reason is not null
        ) as value_defects
    from (
        select
            *,
            {%- for column, rule in rules.items() %}
            {{ defect_reason(column, rule) }} as _defect__{{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ relation }}
    )
{%- endmacro %}
