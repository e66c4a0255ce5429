{#-
    Name standardisation, shared by every staging model.

    clean_name(column):
      - junk values -> null: 'NOT ENTERED', 'UNKNOWN', 'NOT KNOWN', 'N/K', 'NK',
        'N/A', 'NONE', 'NULL', and anything starting 'MIG_ERROR_' or 'NO_SHOW_';
      - upper case, accents stripped (É -> E);
      - apostrophes are dropped, joining the parts (O'BRIEN -> OBRIEN), as in
        most linkage cleaning, since keyers type O'BRIEN, OBRIEN and O BRIEN;
      - hyphens are kept between letters, spaces around them removed
        (SMITH - JONES -> SMITH-JONES), leading and trailing hyphens dropped;
      - every other character (digits, full stops, commas...) becomes a space;
      - whitespace collapsed to single spaces and trimmed; empty -> null.
    The result is A-Z, single spaces and inner hyphens only.
-#}

{% macro name_junk_pattern() -%}
    '^(NOT ENTERED|UNKNOWN|NOT KNOWN|N/K|NK|N/A|NONE|NULL|MIG_ERROR_.*|NO_SHOW_.*)$'
{%- endmacro %}


{% macro clean_name(column) -%}
    case
        when regexp_full_match(upper(trim({{ column }})), {{ name_junk_pattern() }}) then null
        else nullif(
            trim(
                regexp_replace(
                    regexp_replace(
                        regexp_replace(
                            regexp_replace(
                                regexp_replace(
                                    upper(strip_accents({{ column }})),
                                    '[''’`]', '', 'g'
                                ),
                                '[^A-Z-]+', ' ', 'g'
                            ),
                            ' *-+ *', '-', 'g'
                        ),
                        '(^-+)|(-+$)', '', 'g'
                    ),
                    ' +', ' ', 'g'
                )
            ),
            ''
        )
    end
{%- endmacro %}


{#-
    Several forename columns as one space-separated string of cleaned names:
    all_forenames(['forename1', 'forename2']). Null when all are empty.
-#}
{% macro all_forenames(columns) -%}
    nullif(concat_ws(' '
    {%- for column in columns -%}
        , {{ clean_name(column) }}
    {%- endfor -%}
    ), '')
{%- endmacro %}


{#- The first of a cleaned, space-separated list of forenames. -#}
{% macro first_forename(forenames) -%}
    nullif(split_part({{ forenames }}, ' ', 1), '')
{%- endmacro %}


{#- The other forenames after the first, space-separated, or null. -#}
{% macro other_forenames(forenames) -%}
    nullif(regexp_replace({{ forenames }}, '^[^ ]+ ?', ''), '')
{%- endmacro %}


{#-
    Civil party_name, one free-text field, split into title, forenames, surname
    in two steps (so the costly clean_name runs once per part):

    1. party_name_surname_part(column): the cleaned text before the first comma
       (null when there is no comma); party_name_forename_part(column): the
       cleaned text after the first comma, or the whole cleaned name. Both are
       null for company names (is_company_name).
    2. split_party_name(surname_part, forename_part): struct(title, forenames,
       surname); forenames is space-separated (first_forename / other_forenames).
         'Smith, John Andrew' -> surname before the comma, forenames after it
         'MR JOHN A SMITH'    -> leading title dropped, last word is the surname
         'JOHN SMITH'         -> last word is the surname
         'SMITH'              -> a single word is a surname
       Multi-word surnames are only recognised in the comma form
       ('VAN DER BERG, ANNA'); 'ANNA VAN DER BERG' gives surname BERG.
-#}
{% macro name_titles() -%}
    MR|MRS|MS|MISS|MX|DR|PROF|REV|SIR|DAME|LADY|LORD|MASTER
{%- endmacro %}


{% macro party_name_surname_part(column) -%}
    case
        when strpos({{ column }}, ',') > 0 and not {{ is_company_name(column) }}
            then {{ clean_name("split_part(" ~ column ~ ", ',', 1)") }}
    end
{%- endmacro %}


{% macro party_name_forename_part(column) -%}
    case
        when {{ is_company_name(column) }} then null
        when strpos({{ column }}, ',') > 0
            then {{ clean_name("substr(" ~ column ~ ", strpos(" ~ column ~ ", ',') + 1)") }}
        else {{ clean_name(column) }}
    end
{%- endmacro %}


{% macro split_party_name(surname_part, forename_part) -%}
    {#- [title] [other words] last word; the title group only when more follows -#}
    {%- set parts = "regexp_extract(" ~ forename_part ~ ", '^(?:(" ~ name_titles() ~ ") )?(?:(.*) )?([^ ]+)$', "
        ~ "['title', 'words', 'last_word'])" -%}
    case
        when {{ surname_part }} is not null then {
            'title': nullif({{ parts }}['title'], ''),
            'forenames': nullif(concat_ws(' ', nullif({{ parts }}['words'], ''), {{ parts }}['last_word']), ''),
            'surname': {{ surname_part }}
        }
        else {
            'title': nullif({{ parts }}['title'], ''),
            'forenames': nullif({{ parts }}['words'], ''),
            'surname': nullif({{ parts }}['last_word'], '')
        }
    end
{%- endmacro %}


{#- True when a name reads as an organisation (ACME LTD, X BOROUGH COUNCIL...). -#}
{% macro is_company_name(column) -%}
    coalesce(regexp_matches(
        upper({{ column }}),
        '\b(LTD|LIMITED|PLC|LLP|LLC|INC|CIC|COUNCIL|BANK|BUILDING SOCIETY|HOUSING|ASSOCIATION|TRUST|COMPANY|GROUP|SERVICES|AUTHORITY|HOMES|PROPERTIES|FINANCE)\b'
    ), false)
{%- endmacro %}
