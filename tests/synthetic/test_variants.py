"""The generator's own name variants (synthetic/variants.py) and character-level slips
(synthetic/noise.py): independent of the linkage's nickname table, vectorised."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from contracts.person_records import POSTCODE_PATTERN
from synthetic import noise, variants

SYNTHETIC = Path(__file__).resolve().parents[2] / "synthetic"


def test_the_generator_does_not_import_the_nicknames_package():
    for path in SYNTHETIC.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] != "nicknames" for a in node.names), path
            if isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "nicknames", path
    # nor does anything it imports, at generation time
    code = (
        "import sys, tempfile; from synthetic import generate_drop; "
        "generate_drop(tempfile.mkdtemp(), '2024-12', people=200, seed=1, errors='hard'); "
        "assert 'nicknames' not in sys.modules, 'nicknames imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Christopher", {"Chris", "Chrissy", "Chrissie"}),
        ("Richard", {"Rick", "Ricky"}),
        ("Matthew", {"Matt", "Matty"}),
        ("Samantha", {"Sam", "Sammy"}),
        ("Alexander", {"Alex", "Lex"}),
        ("Elizabeth", {"Liz", "Lizzie"}),
        ("Jonathan", {"Jon", "Jonny", "Jonno"}),
    ],
)
def test_diminutives_follow_the_rules(name, expected):
    got = set(variants.diminutives(name))
    assert expected <= got
    assert name not in got and all(len(v) >= variants.MIN_LENGTH for v in got)


def test_no_diminutive_for_short_or_soft_c_names():
    for name in ("Amy", "Sam", "Ian", "Grace", "Lucy"):
        assert variants.diminutives(name) == (), name
    assert "Jonno" not in variants.diminutives("Samantha")  # -o endings for men's names only


def test_sound_alikes_share_the_codes_not_just_the_consonants():
    assert "Steven" in variants.sound_alikes("Stephen", "forename")
    assert {"Reed", "Reid"} <= set(variants.sound_alikes("Read", "surname"))
    assert "Clarke" in variants.sound_alikes("Clark", "surname")
    assert "Hill" not in variants.sound_alikes("Hall", "surname")  # same codes, other vowel
    assert "Alina" not in variants.sound_alikes("Alan", "forename")  # other ending
    assert "Jones" not in variants.sound_alikes("Jonas", "forename")  # a surname
    assert "Smitth" in variants.sound_alikes("Smith", "surname")  # a rule respelling


def test_transliterations_of_the_relevant_groups_only():
    assert {"Muhammad", "Mohamed", "Mohammad"} <= set(variants.transliterations("Mohammed"))
    assert "Yousuf" in variants.transliterations("Yusuf")
    assert "Hussein" in variants.transliterations("Hussain")
    assert "Kowalsky" in variants.transliterations("Kowalski")
    assert "Osman" in variants.transliterations("Usman")
    for name in ("Smith", "David", "Jerome", "Williams"):
        assert variants.transliterations(name) == (), name
    for v in variants.transliterations("Hussain"):
        assert not variants.ODD.search(v), v


def test_pick_variant_changes_only_masked_rows_with_a_variant():
    values = np.array(["Christopher", "Amy", "Christopher", "Richard"], dtype=object)
    mask = np.array([True, True, False, True])
    out = noise.pick_variant(values, mask, variants.diminutives, np.random.default_rng(1))
    assert out[0] in variants.diminutives("Christopher")
    assert out[1] == "Amy" and out[2] == "Christopher"  # no variant; not masked
    assert out[3] in variants.diminutives("Richard")
    assert list(values) == ["Christopher", "Amy", "Christopher", "Richard"]  # a copy
    calls = []
    noise.per_value(np.array(["a", "b", "a", "a"], dtype=object), calls.append, dtype=object)
    assert calls == ["a", "b"]  # once per distinct value


def test_postcode_slips_keep_the_shape_and_change_the_value():
    rng = np.random.default_rng(7)
    shape = re.compile(POSTCODE_PATTERN)
    for pc in ("SW1A 1AA", "B12 3XY", "M1 1AE", "LS10 9ZZ", "NE18 2XE", "W1O 1AA", "N1 1AA"):
        for fn in (noise.postcode_ocr, noise.postcode_typo):
            for _ in range(20):
                slipped = fn(pc, rng)
                assert slipped != pc and shape.match(slipped), (fn.__name__, pc, slipped)


def test_ocr_and_punctuation_change_the_name():
    rng = np.random.default_rng(3)
    for name in ("SMITH", "Williams", "Newton", "HOPKINS", "Amy"):
        assert noise.ocr(name, rng) != name
        assert noise.punctuate(name, rng) != name
    assert noise.has_ocr("Newton") and not noise.has_ocr("AMY")
