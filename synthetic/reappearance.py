"""One-year reappearance by disposal, measured on a drop (landing files + truth).

The proven reoffending measure: of sentences whose one-year follow-up has ended by the
snapshot, the share followed by a new magistrates' case of the same person within a
year, counted from the sentence date, or from the prison release date for custody.
Truth gives the person, so this is what a perfect linkage would show; docs/synthetic-
model.md section 8 quotes it against rates.REOFFENDING.

    uv run xjs reappearance --data-dir DIR --release 2024-12
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from synthetic.generator import snapshot_date
from xjs.layout import landing_dir, truth_path

# Sentences, their person, and when the person is back in the community; custody is
# matched to its prison journey (received on the sentence date) for the release date.
_SQL = """
with
truth as (select * from read_parquet('{truth}')),
mags as (
    select
        t.person_id,
        strptime(m.first_hearing_date, '%d/%m/%Y')::date as sentence_date,
        case when m.disposal = 'Immediate custody' then 'Custody < 12 months'
            else m.disposal end as disposal
    from read_csv('{landing}/magistrates_defendants.csv', all_varchar = true) m
    inner join truth t
        on t.source_table = 'magistrates_defendants' and t.record_id = m.record_id
),
sentences as (
    select person_id, sentence_date, disposal
    from mags
    where disposal <> '' and disposal is not null
    union all
    select
        t.person_id,
        c.sentence_date,
        case when c.sentence_type <> 'Immediate custody' then c.sentence_type
            when c.custodial_days < 365 then 'Custody < 12 months'
            else 'Custody 12 months or more' end
    from read_parquet('{landing}/crown_defendants.parquet') c
    inner join truth t
        on t.source_table = 'crown_defendants' and t.record_id = c.record_id
    -- an appeal is not a new sentence: the one appealed against stands or is quashed
    where c.sentence_type is not null and c.sentence_date is not null and c.case_type <> 'Appeal'
),
journeys as (
    select t.person_id, p.reception_date, min(p.release_date) as release_date
    from read_parquet('{landing}/prison_journeys.parquet') p
    inner join truth t
        on t.source_table = 'prison_journeys' and t.record_id = p.record_id
    where p.sentence_type in ('Determinate', 'Indeterminate')
    group by all
),
at_risk as (
    select
        s.*,
        case when s.disposal like 'Custody%' then j.release_date else s.sentence_date end
            as risk_start
    from sentences s
    left join journeys j
        on j.person_id = s.person_id and j.reception_date = s.sentence_date
),
followed as (
    select
        a.disposal,
        a.risk_start,
        a.sentence_date,
        (select min(m.sentence_date) from mags m
            where m.person_id = a.person_id and m.sentence_date > a.risk_start) as next_case,
        (select min(m.sentence_date) from mags m
            where m.person_id = a.person_id and m.sentence_date > a.sentence_date)
            as next_case_after_sentence
    from at_risk a
    where a.risk_start + interval 1 year <= date '{as_of}'
)
select
    disposal,
    count(*) as sentences,
    avg((coalesce(next_case <= risk_start + interval 1 year, false))::int) as rate,
    avg((coalesce(next_case_after_sentence <= sentence_date + interval 1 year, false))::int)
        as rate_from_sentence_date
from followed
group by disposal
order by disposal
"""


def reappearance_by_disposal(data_dir: Path, release: str) -> list[tuple[str, int, float, float]]:
    """(disposal, sentences followed up, one-year rate from release/sentence, the same
    rate counted from the sentence date) per disposal."""
    sql = _SQL.format(
        truth=truth_path(data_dir, release),
        landing=landing_dir(data_dir, release),
        as_of=snapshot_date(release).isoformat(),
    )
    return duckdb.sql(sql).fetchall()


def format_reappearance(data_dir: Path, release: str) -> str:
    """The table `xjs reappearance` prints: counts and rates only."""
    lines = [f"{'disposal':28} {'sentences':>9} {'1y rate':>8} {'from sentence':>14}"]
    for disposal, n, rate, from_sentence in reappearance_by_disposal(data_dir, release):
        lines.append(f"{disposal:28} {n:9,} {rate:8.3f} {from_sentence:14.3f}")
    return "\n".join(lines)
