{#-
    Identifiers of the data contract, the same rules as contracts/identifiers.py
    (tests/dbt/test_dbt_project.py holds the two to each other).

    PNC 'YYYY/NNNNNNNC' (long) or 'YY/NNNNNNNC' (short) and CRO 'NNNNNN/YYC'
    end in a check letter: 'ZABCDEFGHJKLMNPQRTUVWXY'[int(YY || serial) mod 23],
    YY the two-digit year (last two digits of a long PNC's year), serial the
    digits as written. Input may be lower case or hold spaces; a wrong shape or
    a wrong check letter -> null.
-#}

{#- The check letter for a string of digits (YY || serial). -#}
{% macro check_letter(digits) -%}
    substr('ZABCDEFGHJKLMNPQRTUVWXY', cast(try_cast({{ digits }} as bigint) % 23 as integer) + 1, 1)
{%- endmacro %}


{#- Upper case with all whitespace removed. -#}
{% macro compact_identifier(column) -%}
    regexp_replace(upper({{ column }}), '\s', '', 'g')
{%- endmacro %}


{#-
    PNC in canonical long form. A short form's century comes from the release
    year: YY <= the release's two-digit year -> 20YY, else 19YY.
-#}
{% macro standardise_pnc(column) -%}
    {%- set pnc = compact_identifier(column) -%}
    {%- set year = "case when regexp_full_match(" ~ pnc ~ ", '[0-9]{4}/[0-9]{7}[A-Z]') then left(" ~ pnc ~ ", 4)"
        ~ " when regexp_full_match(" ~ pnc ~ ", '[0-9]{2}/[0-9]{7}[A-Z]') then"
        ~ " (case when cast(left(" ~ pnc ~ ", 2) as integer) <= " ~ release_yy() ~ " then '20' else '19' end)"
        ~ " || left(" ~ pnc ~ ", 2) end" -%}
    {%- set serial = "substr(" ~ pnc ~ ", length(" ~ pnc ~ ") - 7, 7)" -%}
    {%- set letter = "right(" ~ pnc ~ ", 1)" -%}
    case
        when ({{ year }}) is not null
            and {{ letter }} = {{ check_letter("right(" ~ year ~ ", 2) || " ~ serial) }}
            then ({{ year }}) || '/' || {{ serial }} || {{ letter }}
    end
{%- endmacro %}


{#- CRO 'NNNNNN/YYC', check letter from YY || NNNNNN. -#}
{% macro standardise_cro(column) -%}
    {%- set cro = compact_identifier(column) -%}
    case
        when regexp_full_match({{ cro }}, '[0-9]{6}/[0-9]{2}[A-Z]')
            and right({{ cro }}, 1) = {{ check_letter("substr(" ~ cro ~ ", 8, 2) || left(" ~ cro ~ ", 6)") }}
            then {{ cro }}
    end
{%- endmacro %}


{#- Prison (NOMS) number A1234BC: upper case, trimmed; other shapes -> null. -#}
{% macro standardise_noms_number(column) -%}
    case
        when regexp_full_match(upper(trim({{ column }})), '[A-Z][0-9]{4}[A-Z]{2}')
            then upper(trim({{ column }}))
    end
{%- endmacro %}


{#- Probation case reference number (CRN) A123456: upper case, trimmed; other shapes -> null. -#}
{% macro standardise_crn(column) -%}
    case
        when regexp_full_match(upper(trim({{ column }})), '[A-Z][0-9]{6}')
            then upper(trim({{ column }}))
    end
{%- endmacro %}


{#- Arrest summons number: no fixed shape across forces; upper case, whitespace removed. -#}
{% macro standardise_asn(column) -%}
    nullif({{ compact_identifier(column) }}, '')
{%- endmacro %}
