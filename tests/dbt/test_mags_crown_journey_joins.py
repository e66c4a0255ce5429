"""marts.mags_crown_journey: the two equi-joins give exactly the rows the OR join gave.

On a 2,000-person drop, loaded as ingest loads it, with a lookup made from the drop's
truth and then disturbed (some records moved to persons of their own, so the ASN
branch meets pairs of different persons), the mart built by dbt must hold the same
rows as the model's former query, whose candidates joined on
`person_id = ... or asn = ...` (kept below as the reference).
"""

from __future__ import annotations

import duckdb
import pytest
from dbt_invoke import RELEASE_ID, load_drop, run_dbt, truth_lookup

from synthetic import generate_drop
from xjs import layout

pytestmark = pytest.mark.slow

# The candidates and ranking of the model before the equi-joins, verbatim but for the
# relation names: the reference the new model must agree with.
OR_JOIN_REFERENCE = """
with
link as (
    select source_table, record_id, person_id from read_parquet('{link}')
),
crown as (
    select crown.record_id as crown_record_id, crown.asn as crown_asn,
        crown.date_received, link.person_id
    from staging.stg_xhibit__defendants as crown
    inner join link
        on link.source_table = 'crown_defendants' and crown.record_id = link.record_id
    where crown.is_person
),
magistrates as (
    select mags.record_id as magistrates_record_id, mags.asn as magistrates_asn,
        mags.first_hearing_date, mags.is_committed_to_crown, link.person_id
    from staging.stg_libra__defendants as mags
    inner join link
        on link.source_table = 'magistrates_defendants' and mags.record_id = link.record_id
),
candidates as (
    select
        crown.crown_record_id, magistrates.magistrates_record_id,
        crown.crown_asn, magistrates.magistrates_asn,
        crown.person_id as crown_person_id, magistrates.person_id as magistrates_person_id,
        magistrates.first_hearing_date, crown.date_received,
        crown.date_received - magistrates.first_hearing_date as days_to_crown,
        case
            when crown.person_id = magistrates.person_id
                and crown.crown_asn = magistrates.magistrates_asn then 1.0
            when crown.crown_asn = magistrates.magistrates_asn then 0.8
            when magistrates.is_committed_to_crown
                and crown.date_received - magistrates.first_hearing_date between 0 and 180
                then 0.6
            when crown.date_received >= magistrates.first_hearing_date then 0.3
        end as score
    from crown
    inner join magistrates
        on crown.person_id = magistrates.person_id
        or crown.crown_asn = magistrates.magistrates_asn
),
best as (
    select * from candidates where score is not null
    qualify row_number() over (
        partition by crown_record_id
        order by score desc, abs(days_to_crown) asc nulls last, magistrates_record_id
    ) = 1
)
select
    crown.crown_record_id, best.magistrates_record_id, crown.person_id, crown.crown_asn,
    best.magistrates_asn, best.first_hearing_date, crown.date_received, best.days_to_crown,
    coalesce(best.score, 0.0)::double as score
from crown
left join best on crown.crown_record_id = best.crown_record_id
"""


@pytest.fixture(scope="module")
def journey_warehouse(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("journey")
    root = tmp_path / "data"
    generate_drop(root, RELEASE_ID, people=2000, seed=5)
    warehouse = tmp_path / "warehouse.duckdb"
    load_drop(root, warehouse)
    link = tmp_path / layout.XJS_LINK_FILE
    # the truth's persons, with every 7th record moved to a person of its own
    truth_lookup(root, link, alone_every=7)
    result = run_dbt(
        ["run", "--select", "+mags_crown_journey"],
        warehouse,
        tmp_path,
        xjs_link_path=str(link),
    )
    assert result.exception is None and result.success, "dbt run failed (see its log)"
    return warehouse, link


def test_the_equi_joins_give_the_rows_of_the_or_join(journey_warehouse):
    warehouse, link = journey_warehouse
    con = duckdb.connect(str(warehouse))  # dbt (in-process) keeps a read-write one open
    try:
        reference = OR_JOIN_REFERENCE.format(link=link)
        mart = "select * from marts.mags_crown_journey"
        counts = con.execute(
            f"select (select count(*) from ({mart})), (select count(*) from ({reference})),"
            f" (select count(*) from (({mart}) except all ({reference}))),"
            f" (select count(*) from (({reference}) except all ({mart})))"
        ).fetchall()[0]
        scores = dict(con.execute(f"select score, count(*) from ({mart}) group by 1").fetchall())
    finally:
        con.close()
    rows, reference_rows, only_mart, only_reference = counts
    assert rows == reference_rows > 100
    assert (only_mart, only_reference) == (0, 0)
    # both branches and every score are exercised, not only the same-person pairs
    assert {1.0, 0.8}.issubset(scores) and len(scores) >= 4, scores
