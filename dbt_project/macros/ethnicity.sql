{#-
    Ethnicity to the five ONS groups plus null: White, Mixed, Asian, Black, Other.
      - self-defined codes (LIBRA, p-NOMIS, XHIBIT): W1..W9 White, M1..M9 Mixed,
        A1..A9 Asian, B1..B9 Black, O1..O9 Other (O1 Chinese is "Other", as in
        the 2001 16+1 scheme these codes come from);
      - descriptions (nDelius): by their leading group word ('White: British',
        'Asian or Asian British: Indian', 'Mixed: White and Black Caribbean');
        a bare 'Chinese' follows the codes (Other);
      - not stated, refusals, unknowns and junk (Z_Dummy Ethnicity 04) -> null.
-#}
{% macro ethnic_group(column) -%}
    {%- set value = "upper(trim(" ~ column ~ "))" -%}
    case
        when regexp_full_match({{ value }}, '[WMABO][0-9]{1,2}') then
            case left({{ value }}, 1)
                when 'W' then 'White'
                when 'M' then 'Mixed'
                when 'A' then 'Asian'
                when 'B' then 'Black'
                when 'O' then 'Other'
            end
        when {{ value }} like 'Z\_%' escape '\' then null
        when {{ value }} like 'MIXED%' or {{ value }} like 'WHITE AND %' then 'Mixed'
        when {{ value }} like 'WHITE%' or {{ value }} like 'GYPSY%' or {{ value }} like '%TRAVELLER%' then 'White'
        when {{ value }} like 'ASIAN%'
            or {{ value }} in ('INDIAN', 'PAKISTANI', 'BANGLADESHI') then 'Asian'
        when {{ value }} like 'BLACK%' then 'Black'
        when {{ value }} like 'OTHER%' or {{ value }} like 'ANY OTHER%'
            or {{ value }} in ('CHINESE', 'ARAB') then 'Other'
    end
{%- endmacro %}
