{#- Each combination of the columns occurs once; failures show counts only. -#}
{% test unique_combination(model, columns) %}

select count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
