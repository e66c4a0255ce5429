"""Reappearance after a sentence follows the published rates (rates.REOFFENDING), counted
from release for custody, on a drop of 20,000 people (docs/synthetic-model.md section 8)."""

import math

import numpy as np
import pandas as pd
import pytest

from synthetic.criminal import generate_criminal
from synthetic.generator import generate_drop
from synthetic.population import generate_population
from synthetic.rates import CUSTODY_LONG, NO_SENTENCE, REOFFENDING
from synthetic.reappearance import reappearance_by_disposal

PEOPLE, SEED, RELEASE = 20_000, 42, "2024-12"


@pytest.fixture(scope="module")
def drop(tmp_path_factory):
    root = tmp_path_factory.mktemp("reappearance")
    generate_drop(root, RELEASE, people=PEOPLE, seed=SEED)
    return root


@pytest.fixture(scope="module")
def measured(drop):
    return {row[0]: row[1:] for row in reappearance_by_disposal(drop, RELEASE)}


def test_xjs_reappearance_prints_the_rate_per_disposal(drop, measured):
    from typer.testing import CliRunner

    from cli.app import app

    result = CliRunner().invoke(
        app, ["reappearance", "--release", RELEASE, "--data-dir", str(drop)]
    )
    assert result.exit_code == 0, result.output
    rows = {line[:28].strip(): line.split()[-2] for line in result.output.splitlines()[1:]}
    assert rows == {d: f"{rate:.3f}" for d, (_, rate, _) in measured.items()}


def _standard_error(rate: float, n: int) -> float:
    return math.sqrt(rate * (1 - rate) / n)


def test_one_year_rate_per_disposal_is_the_configured_rate(measured):
    # Each sentence's return within a year is its own draw at the configured rate, so the
    # realised share is binomial: 4 standard errors fail a correct generator about once
    # in 16,000 per disposal (the drop is fixed by its seed, so the test is stable).
    assert set(measured) == set(REOFFENDING) - {NO_SENTENCE}
    for disposal, (n, rate, _) in measured.items():
        expected = REOFFENDING[disposal]
        assert n >= 200, disposal  # enough sentences for the bound to mean something
        assert abs(rate - expected) <= 4 * _standard_error(expected, n), disposal


def test_custody_is_counted_from_release(measured):
    # Counted from the sentence date instead, a long sentence leaves most of the year
    # inside (half of a year or more is served), so the rate falls well below.
    n, _, from_sentence = measured[CUSTODY_LONG]
    expected = REOFFENDING[CUSTODY_LONG]
    assert from_sentence < expected - 4 * _standard_error(expected, n)


def test_no_new_case_while_in_custody():
    crim = generate_criminal(generate_population(PEOPLE, SEED), SEED)
    served = crim.prison[crim.prison.sentence_type.isin(["Determinate", "Indeterminate"])]
    assert len(served) > 1000
    cases = crim.mags[["person", "date"]].rename(columns={"date": "next_case"})
    nxt = pd.merge_asof(
        served[["person", "date", "release"]].sort_values("date"),
        cases.sort_values("next_case"),
        left_on="date",
        right_on="next_case",
        by="person",
        direction="forward",
        allow_exact_matches=False,  # the case the sentence was passed in
    )
    # A new case before release (or at all, after an indeterminate sentence).
    inside = nxt.next_case.notna() & (nxt.release.isna() | (nxt.next_case <= nxt.release))
    assert not np.any(inside)
