{#-
    Sex to M, F or null from every source's coding:
    LIBRA M/F/NK, XHIBIT 1/2/0, FamilyMan Male/Female, nDelius M/F/N,
    p-NOMIS M/F/NK, OASys M/F. Unknown, not known and anything else -> null.
-#}
{% macro standardise_sex(column) -%}
    case upper(trim(cast({{ column }} as varchar)))
        when 'M' then 'M'
        when '1' then 'M'
        when 'MALE' then 'M'
        when 'F' then 'F'
        when '2' then 'F'
        when 'FEMALE' then 'F'
    end
{%- endmacro %}
