{#-
    UK postcodes to canonical 'OUTCODE INCODE' (SW1A 1AA):
    upper case, every character but A-Z and 0-9 removed, checked against the UK
    shape (1-2 letters, a digit, an optional letter or digit, then a digit and
    two letters), a single space put back before the three-character inward
    code. NF1 1NF (no fixed abode) and anything invalid -> null.
-#}
{% macro compact_postcode(column) -%}
    regexp_replace(upper({{ column }}), '[^A-Z0-9]', '', 'g')
{%- endmacro %}


{% macro standardise_postcode(column) -%}
    {%- set compact = compact_postcode(column) -%}
    case
        when {{ compact }} = 'NF11NF' then null
        when regexp_full_match({{ compact }}, '{{ postcode_shape() }}')
            then left({{ compact }}, length({{ compact }}) - 3) || ' ' || right({{ compact }}, 3)
    end
{%- endmacro %}


{#- The outward code (SW1A) of a canonical postcode. -#}
{% macro postcode_outcode(canonical_postcode) -%}
    nullif(split_part({{ canonical_postcode }}, ' ', 1), '')
{%- endmacro %}
