{#-
    Row reconciliation between hops: the model has exactly as many rows as
    the relation it standardises (staging keeps every landing row). Returns
    one row of counts when they differ.
-#}
{% test same_rows_as(model, compare_to) %}

with

model_rows as (
    select count(*) as n from {{ model }}
),

compared_rows as (
    select count(*) as n from {{ compare_to }}
)

select
    model_rows.n as model_rows,
    compared_rows.n as compared_rows
from model_rows
cross join compared_rows
where model_rows.n != compared_rows.n

{% endtest %}
