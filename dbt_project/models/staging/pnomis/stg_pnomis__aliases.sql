with

source as (

    select * from {{ source('landing', 'prison_aliases') }}

),

renamed as (

    select
        alias_id,
        {{ clean_text('journey_record_id') }} as journey_record_id,
        {{ all_forenames(['first_name']) }} as forenames,
        {{ clean_name('last_name') }} as last_name,
        {{ clean_date_of_birth('birth_date') }} as date_of_birth

    from source

),

final as (

    select
        alias_id,
        journey_record_id,
        {{ first_forename('forenames') }} as first_name,
        last_name,
        date_of_birth

    from renamed

)

select * from final
