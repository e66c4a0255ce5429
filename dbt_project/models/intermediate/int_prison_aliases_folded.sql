-- Prison aliases folded into one row per journey: the other first names,
-- last names and dates of birth the prisoner has used, as sorted distinct lists.

with

aliases as (

    select * from {{ ref('stg_pnomis__aliases') }}

),

folded as (

    select
        journey_record_id,
        list(distinct first_name order by first_name)
        filter (where first_name is not null) as first_name_aliases,
        list(distinct last_name order by last_name)
        filter (where last_name is not null) as last_name_aliases,
        list(distinct date_of_birth order by date_of_birth)
        filter (where date_of_birth is not null) as date_of_birth_aliases

    from aliases
    where journey_record_id is not null
    group by journey_record_id

)

select * from folded
