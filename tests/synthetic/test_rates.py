"""synthetic/rates.py and the error-model table of docs/synthetic-model.md state the same rates."""

from __future__ import annotations

import itertools
import re
from dataclasses import fields
from pathlib import Path

import pytest

from contracts.landing import PERSON_RECORD_TABLES
from synthetic.rates import (
    _HARD_TABLE,
    HARD_CAP,
    HARD_MULTIPLIER,
    HARD_RATES,
    HARD_SCALED,
    RATES,
    SourceRates,
    profile_rates,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "synthetic-model.md"
SECTION = "## 3. Error model (rates per person record)"
HARD_SECTION = "## 3b. The hard error profile (`xjs synth --errors hard`)"

# The doc's column headings, one per source, in its column order.
DOC_COLUMNS = {
    "LIBRA": "magistrates_defendants",
    "XHIBIT": "crown_defendants",
    "FamilyMan": "family_parties",
    "CaseMan": "civil_parties",
    "nDelius": "probation_events",
    "p-NOMIS": "prison_journeys",
    "OASys": "oasys_assessments",
}
RATE_FIELDS = [f.name for f in fields(SourceRates) if f.type == "float"]


def doc_table(section: str = SECTION) -> dict[str, dict[str, float]]:
    """{rate: {source table: rate}} from the first table after the doc's `section` heading.

    A cell that holds no rate (`-`, `n/a`, `own`: the source's own id) reads as 0.0; a cell
    with two figures (FamilyMan's dob_missing: adults, then children) reads as its first.
    """
    lines = DOC.read_text(encoding="utf-8").splitlines()
    first = next(
        i for i, line in enumerate(lines) if i > lines.index(section) and line.startswith("|")
    )
    rows = list(itertools.takewhile(lambda line: line.startswith("|"), lines[first:]))
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert header[0] == "rate" and header[1:] == list(DOC_COLUMNS), header
    table: dict[str, dict[str, float]] = {}
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        rate = cells[0].split()[0]
        numbers = [re.match(r"\d+(\.\d+)?", cell) for cell in cells[1:]]
        table[rate] = {
            DOC_COLUMNS[column]: float(m.group()) if m else 0.0
            for column, m in zip(header[1:], numbers, strict=True)
        }
    return table


def test_every_person_record_table_has_rates():
    assert list(RATES) == list(PERSON_RECORD_TABLES)


def test_the_doc_lists_every_rate():
    assert list(doc_table()) == RATE_FIELDS


def test_the_doc_table_states_the_code_rates():
    documented = doc_table()
    for rate in RATE_FIELDS:
        for table, rates in RATES.items():
            assert getattr(rates, rate) == documented[rate][table], (rate, table)


def test_the_doc_hard_table_states_the_hard_rates_that_differ():
    documented = doc_table(HARD_SECTION)
    assert list(documented) == [*HARD_SCALED, *_HARD_TABLE]
    for rate in RATE_FIELDS:
        for table, hard in HARD_RATES.items():
            if rate in documented:
                assert getattr(hard, rate) == documented[rate][table], (rate, table)
            else:  # not in the hard table: the default rate
                assert getattr(hard, rate) == getattr(RATES[table], rate), (rate, table)


def test_hard_is_several_times_default_and_switches_the_new_kinds_on():
    for table, hard in HARD_RATES.items():
        default = RATES[table]
        for rate in HARD_SCALED:
            d, h = getattr(default, rate), getattr(hard, rate)
            assert h == (d if d >= HARD_CAP else min(HARD_CAP, round(d * HARD_MULTIPLIER, 4)))
            assert h > d or d == 0 or d >= HARD_CAP, (table, rate)
        for rate in _HARD_TABLE:
            assert getattr(default, rate) == 0.0, (table, rate)  # off by default
            has_postcode = default.postcode_missing > 0 or default.postcode_stale > 0
            assert (getattr(hard, rate) > 0) == (has_postcode or "postcode" not in rate)
    assert HARD_MULTIPLIER >= 2


def test_profiles_by_name():
    assert profile_rates() is RATES and profile_rates("hard") is HARD_RATES
    with pytest.raises(ValueError, match="hard"):
        profile_rates("harder")
