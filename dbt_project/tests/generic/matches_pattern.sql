{#-
    Every non-null value of the column matches the regular expression (whole value).
    Selects no values, only a marker per failing row, so failures show counts only.
-#}
{% test matches_pattern(model, column_name, pattern) %}

select 1 as failing_row
from {{ model }}
where {{ column_name }} is not null
    and not regexp_full_match({{ column_name }}, '{{ pattern }}')

{% endtest %}
