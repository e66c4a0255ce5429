"""The hard error profile (`xjs synth --errors hard`) and the name variants: each kind
realised at its documented rate, hard above default, deterministic by seed."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cli.app import app
from contracts.landing import LANDING_TABLES
from synthetic import generate_drop, variants
from synthetic.generator import build_tables
from synthetic.noise import keyed_view, per_value
from synthetic.population import generate_population
from synthetic.profile import expected_rates, profile
from synthetic.rates import _HARD_TABLE, HARD_RATES, HARD_SCALED, RATES
from xjs.layout import landing_dir, truth_path

RELEASE = "2024-12"
ROWS = 60_000  # keyed records per check: 4 standard errors of a 1% rate are 0.16 points


def within(realised: float, expected: float, n: int) -> bool:
    """Within four standard errors of a binomial share on n rows (a 1-in-16,000 miss
    per check), plus 2% of the rate for the slips that rarely change nothing."""
    se = (expected * (1 - expected) / n) ** 0.5
    return abs(realised - expected) <= 4 * se + 0.02 * expected + 1e-4


@pytest.fixture(scope="module")
def pop():
    return generate_population(6_000, seed=11)


def _keyed(pop, rates, seed=5):
    rng = np.random.default_rng(seed)
    persons = rng.integers(0, pop.n, ROWS)
    dates = np.datetime64("2014-01-01") + rng.integers(0, 3650, ROWS).astype("timedelta64[D]")
    return persons, dates, keyed_view(pop, None, persons, dates, rates, rng)


@pytest.mark.parametrize("table", ["magistrates_defendants", "civil_parties"])
def test_each_new_kind_is_realised_at_its_rate_of_all_records(pop, table):
    r = HARD_RATES[table]
    _, _, k = _keyed(pop, r)
    kept = 1 - r.junk_name  # a name error under junk is not counted
    shown = (1 - r.dob_missing) * (1 - r.dob_placeholder)
    pc_shown = (1 - r.no_fixed_abode) * (1 - r.postcode_missing)
    expected = {
        "name_truncated": r.name_truncated * kept,
        "name_ocr": r.name_ocr * kept,
        "title_in_name": r.title_in_name * kept,
        "forename_initial": r.forename_initial * kept,
        "name_punctuation": r.name_punctuation * kept,
        "dob_decade": r.dob_decade * shown,
        "dob_century": r.dob_century * shown,
        "postcode_ocr": r.postcode_ocr * pc_shown,
        "postcode_typo": r.postcode_typo * pc_shown,
        "name_order_reversed": r.name_order_reversed * (1 - r.names_swapped) * kept,
        "phonetic": r.phonetic * kept,
        "nickname": r.nickname
        * (1 - r.names_swapped)
        * (1 - r.name_order_reversed * (1 - r.names_swapped))
        * kept,
    }
    assert set(_HARD_TABLE) <= set(expected)
    for kind, rate in expected.items():
        if rate == 0:
            assert not k.errors[kind].any(), (table, kind)
            continue
        realised = float(k.errors[kind].mean())
        assert within(realised, rate, ROWS), (table, kind, realised, rate)


def test_conditional_variants_are_realised_among_eligible_records(pop):
    # Earlier variants off, so eligibility can be read off the population itself.
    r = replace(
        HARD_RATES["family_parties"],
        nickname=0.0,
        maiden_name=0.0,
        hyphen_variant=0.0,
        middle_dropped=0.0,
    )
    persons, dates, k = _keyed(pop, r)
    kept = 1 - r.junk_name
    f1, f2 = pop.forename1[persons], pop.forename2[persons]
    changed = pop.surname[persons] != pop.birth_surname[persons]
    before = changed & (dates < pop.married_on[persons])
    surname = np.where(before, pop.birth_surname[persons], pop.surname[persons])
    hyphen = per_value(surname, lambda s: "-" in s) | per_value(
        pop.birth_surname[persons], lambda s: "-" in s
    )
    has_middle = f2 != ""
    # transliteration is drawn after the middle-name swap: the forename may be either
    first = np.where(k.errors["middle_as_forename"], f2, f1)
    translit = per_value(first, lambda v: bool(variants.transliterations(v))) | per_value(
        surname, lambda v: bool(variants.transliterations(v))
    )
    for kind, eligible, rate in (
        ("middle_as_forename", has_middle, r.middle_as_forename),
        ("double_barrelled", changed & ~before & ~hyphen, r.double_barrelled * kept),
        ("transliteration", translit, r.transliteration * kept),
    ):
        n = int(eligible.sum())
        assert n > 1000, kind
        assert not k.errors[kind][~eligible].any(), kind
        realised = float(k.errors[kind][eligible].mean())
        assert within(realised, rate, n), (kind, realised, rate)


def test_the_default_profile_has_none_of_the_hard_only_kinds(pop):
    _, _, k = _keyed(pop, RATES["magistrates_defendants"])
    for kind in _HARD_TABLE:
        assert not k.errors[kind].any(), kind
    for kind in ("transliteration", "middle_as_forename", "double_barrelled", "nickname"):
        assert k.errors[kind].any(), kind  # the name variants are in the default too


@pytest.fixture(scope="module")
def drops(tmp_path_factory):
    out = {}
    for errors in ("default", "hard"):
        root = tmp_path_factory.mktemp(errors)
        generate_drop(root, RELEASE, people=5000, seed=7, errors=errors)
        out[errors] = root
    return out


def _counts(root) -> dict[str, int]:
    e = pq.read_table(truth_path(root, RELEASE).with_name("errors.parquet")).to_pandas()
    return e.error_type.value_counts().to_dict()


def test_hard_has_more_of_every_scaled_error_and_the_new_kinds(drops):
    default, hard = _counts(drops["default"]), _counts(drops["hard"])
    for kind in HARD_SCALED:
        if kind == "hyphen_variant":  # mostly at the cap already; few double-barrelled
            continue
        assert hard.get(kind, 0) > 1.5 * default.get(kind, 0) > 0, kind
    for kind in _HARD_TABLE:
        assert default.get(kind, 0) == 0 and hard.get(kind, 0) > 0, kind


def test_a_hard_drop_realises_the_hard_rates(drops):
    prof = profile(drops["hard"], RELEASE, "hard")
    assert prof.errors == "hard"
    for table, metrics in prof.sources.items():
        n = int(metrics["records"])
        for kind, expected in expected_rates(table, "hard").items():
            key = kind if kind.startswith("dob_missing_adults") else f"error:{kind}"
            # as tests/synthetic/test_profile.py: 4 standard errors plus 25% model slack
            se = (expected * (1 - expected) / max(n, 1)) ** 0.5
            assert abs(metrics[key] - expected) <= 4 * se + 0.25 * expected + 1e-4, (table, kind)


def _digests(root) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.*"))
    }


def test_hard_is_deterministic_by_seed_and_keys_the_same_people(drops, tmp_path):
    build_tables.cache_clear()
    generate_drop(tmp_path / "again", RELEASE, people=5000, seed=7, errors="hard")
    assert _digests(tmp_path / "again") == _digests(drops["hard"])
    generate_drop(tmp_path / "other", RELEASE, people=5000, seed=8, errors="hard")
    assert _digests(tmp_path / "other") != _digests(drops["hard"])
    # the same people and events, keyed differently
    default, hard = drops["default"], drops["hard"]
    assert truth_path(default, RELEASE).read_bytes() == truth_path(hard, RELEASE).read_bytes()
    differ = [
        name
        for name, spec in LANDING_TABLES.items()
        if (landing_dir(default, RELEASE) / spec.filename).read_bytes()
        != (landing_dir(hard, RELEASE) / spec.filename).read_bytes()
    ]
    assert "magistrates_defendants" in differ and "civil_parties" in differ


def test_synth_takes_errors_hard_and_refuses_others(tmp_path):
    runner = CliRunner()
    assert "--errors" in runner.invoke(app, ["synth", "--help"]).output
    args = ["synth", "--release", RELEASE, "--data-dir", str(tmp_path), "--people", "100"]
    bad = runner.invoke(app, [*args, "--errors", "harder"])
    assert bad.exit_code == 2 and bad.output.strip().startswith("Error: --errors")
    assert not (tmp_path / "landing").exists()
    done = runner.invoke(app, [*args, "--errors", "hard", "--seed", "3"])
    assert done.exit_code == 0, done.output
    assert "errors hard" in done.output
    assert _counts(tmp_path).get("title_in_name", 0) + _counts(tmp_path).get("name_ocr", 0) > 0
