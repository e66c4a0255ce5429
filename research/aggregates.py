"""The aggregate tables, counted from the internal journey frames, then
disclosure-controlled (research/disclosure.py) before anything is written."""

from __future__ import annotations

import pandas as pd

from research import coarsen, schemas
from research.disclosure import TOTAL, ProtectedTable, protect
from research.tables import Internal

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


def _crosstab(name: str, rows: pd.Series, cols: pd.Series, row_order, col_order) -> pd.DataFrame:
    _, row_dim, col_dim = schemas.AGGREGATES[name]
    counts = pd.crosstab(rows, cols).reindex(index=row_order, columns=col_order, fill_value=0)
    counts.index.name, counts.columns.name = row_dim, col_dim
    return counts.fillna(0).astype("int64")


def _yes_no(flags: pd.Series, yes: str, no: str) -> pd.Series:
    return flags.map({True: yes, False: no})


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


def counts_tables(internal: Internal, release_date: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The true counts (never published as they are)."""
    tables = {}
    se = internal.sentences
    sentence_types = sorted(se["sentence_type"].dropna().unique())
    for years in (1, 2):
        flag = se[f"reappeared_within_{years}y"]
        followed = se[flag.notna()]
        name = f"reappearance_{years}y_by_sentence"
        tables[name] = _crosstab(
            name,
            followed["sentence_type"],
            _yes_no(followed[f"reappeared_within_{years}y"].astype(bool), *REAPPEARED),
            sentence_types,
            REAPPEARED,
        )
    ru = internal.repeat_users
    combos = [
        _combination(c, f, v)
        for c, f, v in zip(ru["has_criminal"], ru["has_family"], ru["has_civil"], strict=True)
    ]
    tables["persons_by_jurisdictions_and_sex"] = _crosstab(
        "persons_by_jurisdictions_and_sex",
        pd.Series(combos, index=ru.index),
        ru["sex"].fillna("unknown"),
        JURISDICTION_COMBINATIONS,
        SEXES,
    )
    tables["repeat_users_by_age_band"] = _crosstab(
        "repeat_users_by_age_band",
        coarsen.age_band(ru["date_of_birth"], release_date).fillna("unknown"),
        _yes_no(ru["is_repeat_user"].astype(bool), *REPEAT),
        [*coarsen.AGE_BAND_LABELS, "unknown"],
        REPEAT,
    )
    ov = internal.overlaps
    order = {"family first": "other first", "civil first": "other first"}
    long = pd.concat(
        [
            pd.DataFrame({"order": ov["family_vs_criminal"], "jurisdiction": "family"}),
            pd.DataFrame({"order": ov["civil_vs_criminal"], "jurisdiction": "civil"}),
        ]
    ).dropna()
    tables["overlap_order"] = _crosstab(
        "overlap_order",
        long["order"].replace(order),
        long["jurisdiction"],
        ORDERS,
        OVERLAP_JURISDICTIONS,
    )
    return tables


def protected_tables(internal: Internal, release_date: pd.Timestamp) -> list[ProtectedTable]:
    return [protect(counts, name) for name, counts in counts_tables(internal, release_date).items()]
