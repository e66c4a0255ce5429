{#- Every value is a reason code of contracts/defects.py (macros/defects.sql). -#}
{% test in_defect_reason_codes(model, column_name) %}

select 1 as failing_row
from {{ model }}
where {{ column_name }} not in ({{ quoted_list(defect_reason_codes()) }})

{% endtest %}
