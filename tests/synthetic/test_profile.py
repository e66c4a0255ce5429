"""The realised rates of a drop agree with the documented model (synthetic/rates.py)."""

from __future__ import annotations

import re

import polars as pl
import pytest

from contracts.landing import LANDING_TABLES
from contracts.landing_schemas import LANDING_SCHEMAS
from contracts.validation import validate
from synthetic import generate_drop
from synthetic.profile import expected_rates, format_profile, profile
from synthetic.rates import RATES
from xjs import drops

RELEASE = "2024-12"


@pytest.fixture(scope="module")
def drop(tmp_path_factory):
    root = tmp_path_factory.mktemp("profile")
    generate_drop(root, RELEASE, people=8000, seed=7)
    return root


@pytest.fixture(scope="module")
def prof(drop):
    return profile(drop, RELEASE)


def close(realised: float, expected: float, records: int) -> bool:
    """Within sampling error (4 standard errors) plus 25% of the rate for model slack."""
    se = (expected * (1 - expected) / max(records, 1)) ** 0.5
    return abs(realised - expected) <= 4 * se + 0.25 * expected + 1e-4


def test_error_rates_match_the_model(prof):
    for table, metrics in prof.sources.items():
        for kind, expected in expected_rates(table).items():
            key = kind if kind.startswith("dob_missing_adults") else f"error:{kind}"
            realised = metrics[key]
            assert close(realised, expected, int(metrics["records"])), (table, kind)


def test_visible_rates_match_the_model(prof):
    for table, m in prof.sources.items():
        r = RATES[table]
        n = int(m["records"])
        if table != "family_parties":
            assert close(m["dob_missing_seen"], r.dob_missing, n), table
        assert close(m["dob_placeholder_seen"], r.dob_placeholder * (1 - r.dob_missing), n), table
        assert close(m["junk_name_seen"], r.junk_name, n), table
        if "pnc_coverage" in m:
            assert close(m["pnc_coverage"], r.pnc, n), table  # every offender has a PNC
            assert close(m["pnc_check_letter_wrong"], r.id_mistype, n), table
        if "postcode_missing" in m:
            assert close(m["postcode_missing"], r.postcode_missing, n), table
    assert close(prof.sources["family_parties"]["dob_missing_children"], 0.05, 1000)


def test_conditional_errors_occur(prof):
    for table, m in prof.sources.items():
        for kind in ("maiden_name", "pre_marriage_surname", "hyphen_variant", "twin"):
            assert m[f"error:{kind}"] > 0, (table, kind)


def test_source_behaviour(prof):
    s = prof.sources
    assert s["magistrates_defendants"]["libra_defendant_ids_per_person"] > 2  # one per case
    assert s["crown_defendants"]["defendant_ids_per_person"] > 1  # one per court centre
    assert s["probation_events"]["offender_ids_per_person"] > 1  # duplicates by mistake
    assert s["prison_journeys"]["prison_numbers_per_person"] > 1  # new number on return
    assert s["prison_journeys"]["prison_number_shared_by_people"] > 0  # wrong one reused
    assert s["oasys_assessments"]["noms_coverage"] > 0.3
    assert s["oasys_assessments"]["crn_coverage"] > 0.5
    crim = s["magistrates_defendants"]["dob_missing_seen"]
    assert s["civil_parties"]["dob_missing_seen"] > 10 * crim
    assert s["family_parties"]["dob_missing_adults"] > 10 * crim


def test_volumes_in_published_proportions(prof):
    o = prof.overall
    assert 10 <= o["magistrates_per_crown"] <= 16  # Criminal Justice Statistics: about 13
    assert o["crown_records_from_magistrates"] > 0.95
    assert 0.3 < o["offenders_with_2plus_cases"] < 0.75  # a minority are prolific
    assert 0.1 < o["offenders_with_5plus_cases"] < 0.35
    assert 0.2 < o["family_parties_people_with_criminal_record"] < 0.8
    assert 0.2 < o["civil_parties_people_with_criminal_record"] < 0.9


def test_profile_prints_rates_not_values(prof, drop):
    text = format_profile(prof)
    for line in text.splitlines()[2:]:
        if not line.strip() or line.startswith("["):
            continue
        assert re.fullmatch(r"\s+[a-z0-9_:% ().]+\s+[-\d.,()a-z]+(\s+[\d.()a-z]+)?", line), line
    names = {
        v
        for r in drops.read_table(drop, RELEASE, "crown_defendants").to_pylist()
        for v in (r["surname"],)
        if v
    }
    assert not any(v in text for v in names)


def test_drop_passes_the_landing_schemas(drop):
    for name in LANDING_TABLES:
        table = drops.read_table(drop, RELEASE, name)
        report = validate(LANDING_SCHEMAS[name], pl.from_arrow(table))
        assert report.passed, (name, report.summary())
