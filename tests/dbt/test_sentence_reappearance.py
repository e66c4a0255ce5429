"""marts.research_sentence_reappearance measures what the generator's rates are: one-year
proven reoffending by sentence, counted from release for custody (rates.REOFFENDING,
docs/synthetic-model.md section 8).

On a 20,000-person drop, loaded as ingest loads it, with a lookup made from the drop's
truth (a perfect linkage, so what is tested is the mart's definition, not the linkage),
the mart's rate per sentence group and the research release's aggregate table built
from it must come out at the configured rates, and agree with `xjs reappearance`.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest
from dbt_invoke import RELEASE_ID, load_drop, run_dbt, truth_lookup
from typer.testing import CliRunner

from cli.app import app
from research.aggregates import REAPPEARED, counts_tables
from research.disclosure import protect
from synthetic import generate_drop
from synthetic.generator import snapshot_date
from synthetic.rates import CUSTODY_LONG, CUSTODY_SHORT, NO_SENTENCE, REOFFENDING
from xjs import layout

PEOPLE, SEED = 20_000, 42
TABLE = "reappearance_1y_by_sentence"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("reappearance_mart")
    root = tmp_path / "data"
    generate_drop(root, RELEASE_ID, people=PEOPLE, seed=SEED)
    warehouse = tmp_path / "warehouse.duckdb"
    load_drop(root, warehouse)
    link = tmp_path / layout.XJS_LINK_FILE
    truth_lookup(root, link)
    marts = ["research_sentence_reappearance", "research_repeat_users"]
    marts.append("research_jurisdiction_overlaps")  # the release's aggregates read all three
    for args in (["run", "--select", *(f"+{m}" for m in marts)], ["test", "--select", marts[0]]):
        result = run_dbt([*args, "--quiet"], warehouse, tmp_path, xjs_link_path=str(link))
        assert result.exception is None and result.success, f"dbt {args[0]} failed (its log)"
    return root, warehouse


@pytest.fixture(scope="module")
def mart_rates(built) -> dict[str, tuple[int, float]]:
    """(sentences followed up for a year, share with a new case within it) per group."""
    _, warehouse = built
    con = duckdb.connect(str(warehouse))  # dbt (in-process) keeps a read-write one open
    try:
        rows = con.execute(
            "select sentence_group, count(*), avg(reappeared_within_1y::int)"
            " from marts.research_sentence_reappearance"
            " where reappeared_within_1y is not null group by all"
        ).fetchall()
    finally:
        con.close()
    return {group: (n, rate) for group, n, rate in rows}


def _standard_error(rate: float, n: int) -> float:
    return math.sqrt(rate * (1 - rate) / n)


def test_the_one_year_rate_per_sentence_group_is_the_configured_rate(mart_rates):
    # Each sentence's new case within a year is its own draw at its group's rate, so the
    # mart's share is binomial: 4 standard errors of the configured rate at the group's
    # count fail a correct mart about once in 16,000 per group (the drop is fixed by its
    # seed, so the test is stable). Counted from the sentence date, the long custody
    # rate would come out near 0.10, 8 standard errors below its 0.28.
    assert set(mart_rates) == set(REOFFENDING) - {NO_SENTENCE}
    for group, (n, rate) in mart_rates.items():
        expected = REOFFENDING[group]
        assert n >= 200, group  # enough sentences for the bound to mean something
        assert abs(rate - expected) <= 4 * _standard_error(expected, n), group


def test_short_custody_reappears_more_than_long(mart_rates):
    (n_short, short), (n_long, long) = mart_rates[CUSTODY_SHORT], mart_rates[CUSTODY_LONG]
    difference_se = math.hypot(_standard_error(short, n_short), _standard_error(long, n_long))
    assert short - long > 4 * difference_se


def test_xjs_reappearance_agrees_with_the_mart(built, mart_rates):
    # On a perfect linkage the mart counts the same sentences and new cases as the
    # command, which reads the landing files and truth.
    root, _ = built
    result = CliRunner().invoke(
        app, ["reappearance", "--release", RELEASE_ID, "--data-dir", str(root)]
    )
    assert result.exit_code == 0, result.output
    printed = {}
    for line in result.output.splitlines()[1:]:
        sentences, rate = line[28:].split()[:2]
        printed[line[:28].strip()] = (int(sentences.replace(",", "")), rate)
    assert printed == {g: (n, f"{rate:.3f}") for g, (n, rate) in mart_rates.items()}


def test_the_released_aggregate_shows_the_rates_under_disclosure_control(built, mart_rates):
    _, warehouse = built
    con = duckdb.connect(str(warehouse))
    try:
        counts = counts_tables(con, pd.Timestamp(snapshot_date(RELEASE_ID)))[TABLE]
    finally:
        con.close()
    reappeared, not_reappeared = REAPPEARED
    true_counts = {
        group: (int(row[reappeared] + row[not_reappeared]), row[reappeared])
        for group, row in counts.iterrows()
    }
    assert true_counts == {g: (n, round(rate * n)) for g, (n, rate) in mart_rates.items()}
    # what is published: every cell large enough to show, rounded to 5, the effect visible
    published = protect(counts, TABLE).to_frame()
    assert published.status.eq("published").all()
    cell = published.set_index(["sentence_group", "reappeared_within_1y"])["count"]
    rate = {g: cell[(g, reappeared)] / cell[(g, "Total")] for g in true_counts}
    assert rate[CUSTODY_SHORT] > rate[CUSTODY_LONG] + 0.2
