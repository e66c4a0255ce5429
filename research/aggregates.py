"""The aggregate tables, counted in DuckDB from the journey marts (only the cells come
back to Python), then disclosure-controlled (research/disclosure.py) before anything is
written."""

from __future__ import annotations

import duckdb
import pandas as pd

from research import coarsen, schemas
from research.disclosure import TOTAL, ProtectedTable, protect
from research.tables import mart

JURISDICTION_COMBINATIONS = [
    "criminal only",
    "family only",
    "civil only",
    "criminal and family",
    "criminal and civil",
    "family and civil",
    "criminal, family and civil",
]


REAPPEARED = ["reappeared", "did not reappear"]
SEXES = ["F", "M", "unknown"]
REPEAT = ["repeat user", "not a repeat user"]
ORDERS = ["other first", "criminal first", "same month"]
OVERLAP_JURISDICTIONS = ["family", "civil"]
# every label the aggregates add (the identifier scan must not mistake them for names)
LABELS = [
    *JURISDICTION_COMBINATIONS,
    *REAPPEARED,
    *SEXES,
    *REPEAT,
    *ORDERS,
    *OVERLAP_JURISDICTIONS,
    TOTAL,
]


def _crosstab(name: str, counts, row_order, col_order) -> pd.DataFrame:
    """The two-way table of (row label, column label, count) rows, in the given orders
    (labels outside them are left out, missing cells are 0)."""
    _, row_dim, col_dim = schemas.AGGREGATES[name]
    table = pd.DataFrame(
        0,
        index=pd.Index(list(row_order), name=row_dim),
        columns=pd.Index(list(col_order), name=col_dim),
        dtype="int64",
    )
    for row, col, n in counts:
        if row in table.index and col in table.columns:
            table.loc[row, col] += int(n)
    return table


def _combination(has_criminal, has_family, has_civil) -> str:
    parts = [
        n
        for n, has in (("criminal", has_criminal), ("family", has_family), ("civil", has_civil))
        if has
    ]
    if len(parts) == 1:
        return f"{parts[0]} only"
    if len(parts) == 2:
        return " and ".join(parts)
    return "criminal, family and civil"


def counts_tables(
    con: duckdb.DuckDBPyConnection, release_date: pd.Timestamp
) -> dict[str, pd.DataFrame]:
    """The true counts (never published as they are), counted in DuckDB from the journey
    marts: only the cells come back."""
    tables = {}
    sentences, repeat, overlaps = (
        mart("sentence_reappearance"),
        mart("repeat_users"),
        mart("jurisdiction_overlaps"),
    )
    # the sentence groups the mart defines (custody split by length)
    sentence_groups = sorted(
        g for (g,) in con.execute(f"select distinct sentence_group from {sentences}").fetchall()
    )
    yes_no = dict(zip((True, False), REAPPEARED, strict=True))
    for years in (1, 2):
        flag = f"reappeared_within_{years}y"
        rows = con.execute(
            f"select sentence_group, {flag}, count(*) from {sentences} "
            f"where {flag} is not null group by all"
        ).fetchall()
        name = f"reappearance_{years}y_by_sentence"
        tables[name] = _crosstab(
            name, [(g, yes_no[bool(f)], n) for g, f, n in rows], sentence_groups, REAPPEARED
        )
    rows = con.execute(
        f"select has_criminal, has_family, has_civil, coalesce(sex, 'unknown'), count(*) "
        f"from {repeat} group by all"
    ).fetchall()
    tables["persons_by_jurisdictions_and_sex"] = _crosstab(
        "persons_by_jurisdictions_and_sex",
        [(_combination(c, f, v), sex, n) for c, f, v, sex, n in rows],
        JURISDICTION_COMBINATIONS,
        SEXES,
    )
    on = f"date '{release_date:%Y-%m-%d}'"
    band = coarsen.age_band_sql("date_of_birth", on)
    rows = con.execute(
        f"select coalesce({band}, 'unknown'), is_repeat_user, count(*) from {repeat} group by all"
    ).fetchall()
    repeat_labels = dict(zip((True, False), REPEAT, strict=True))
    tables["repeat_users_by_age_band"] = _crosstab(
        "repeat_users_by_age_band",
        [(b, repeat_labels[bool(r)], n) for b, r, n in rows],
        [*coarsen.AGE_BAND_LABELS, "unknown"],
        REPEAT,
    )
    order = {"family first": "other first", "civil first": "other first"}
    rows = con.execute(
        f"""
        select family_vs_criminal, 'family', count(*) from {overlaps}
        where family_vs_criminal is not null group by all
        union all
        select civil_vs_criminal, 'civil', count(*) from {overlaps}
        where civil_vs_criminal is not null group by all
        """
    ).fetchall()
    tables["overlap_order"] = _crosstab(
        "overlap_order",
        [(order.get(o, o), j, n) for o, j, n in rows],
        ORDERS,
        OVERLAP_JURISDICTIONS,
    )
    return tables


def protected_tables(
    con: duckdb.DuckDBPyConnection, release_date: pd.Timestamp
) -> list[ProtectedTable]:
    return [protect(counts, name) for name, counts in counts_tables(con, release_date).items()]
