"""Per-source keying noise: how a true person looks in one record of one source.

`keyed_view` takes people and event dates and returns what a clerk would have
keyed, with the error and coverage rates of that source (rates.py). Formatting
into each source's conventions (case, date format, codes) is done in sources.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from contracts.identifiers import CHECK_LETTERS, cro_number, pnc_long, pnc_short
from synthetic import names
from synthetic.criminal import CriminalEvents
from synthetic.population import Population
from synthetic.rates import CORRECTION_DAYS, SourceRates

KEYBOARD_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
NEIGHBOURS = {
    c: "".join(row[j] for j in (i - 1, i + 1) if 0 <= j < len(row))
    for row in KEYBOARD_ROWS
    for i, c in enumerate(row)
}


@dataclass
class Keyed:
    """Keyed values per record; "" / NaT / None mean not recorded."""

    forename1: np.ndarray
    forename2: np.ndarray
    forename3: np.ndarray
    surname: np.ndarray
    dob: np.ndarray  # datetime64[D], NaT when missing
    sex: np.ndarray  # int8: 1 male, 2 female, 0 not known
    postcode: np.ndarray  # object: None when missing, NO_FIXED_ABODE
    address: np.ndarray
    ethnicity: np.ndarray  # code or None
    ethnicity_junk: np.ndarray  # bool: keyed as a junk value
    pnc: np.ndarray  # object: formatted or None
    cro: np.ndarray
    errors: dict[str, np.ndarray] = field(default_factory=dict)  # error type -> bool per row
    corrected_at: np.ndarray | None = None  # datetime64[D]: when a later release fixes the row
    fixed: dict[str, np.ndarray] = field(default_factory=dict)  # forename1/surname/dob as fixed

    def corrected(self) -> Keyed:
        """The same rows as a later release has them once every correction has landed."""
        out = replace(self)
        if self.corrected_at is None:
            return out
        when = self.corrected_at < NEVER
        for name, values in self.fixed.items():
            setattr(out, name, np.where(when, values, getattr(self, name)))
        out.dob = out.dob.astype("datetime64[D]")
        return out


NO_FIXED_ABODE = "NFA"
NEVER = np.datetime64("9999-12-31")

# Spelling-as-it-sounds substitutions, tried in random order; the first that applies is used.
PHONETIC = [
    ("ph", "f"),
    ("ph", "v"),
    ("v", "ph"),
    ("ck", "k"),
    ("ie", "y"),
    ("y", "ie"),
    ("ey", "y"),
    ("ou", "ow"),
    ("ee", "ea"),
    ("ea", "ee"),
    ("son", "sen"),
    ("th", "t"),
    ("ll", "l"),
    ("nn", "n"),
    ("tt", "t"),
    ("ss", "s"),
    ("l", "ll"),
    ("ai", "ay"),
    ("ay", "ai"),
    ("i", "y"),
    ("c", "k"),
    ("k", "c"),
    ("z", "s"),
    ("ow", "ough"),
    ("er", "a"),
    ("Mc", "Mac"),
    ("Mac", "Mc"),
]


def sounds_alike(values: np.ndarray) -> np.ndarray:
    """Whether a phonetic respelling applies to each value (checked once per distinct value)."""
    ok = {v: any(v.find(old, 1) > 0 for old, _ in PHONETIC) for v in set(values)}
    return np.array([ok[v] for v in values], dtype=bool)


def phonetic(value: str, rng: np.random.Generator) -> str:
    """One sound-alike respelling, keeping the first letter (Stephen -> Steven)."""
    for k in rng.permutation(len(PHONETIC)):
        old, new = PHONETIC[k]
        i = value.find(old, 1)
        if i > 0:
            return value[:i] + new + value[i + len(old) :]
    return value


def typo(value: str, rng: np.random.Generator) -> str:
    """One keying error: drop, double, transpose or hit a neighbouring key."""
    if len(value) < 3:
        return value
    i = int(rng.integers(1, len(value)))  # keep the first letter: it is rarely wrong
    op = int(rng.integers(0, 4))
    if op == 0:
        return value[:i] + value[i + 1 :]
    if op == 1:
        return value[:i] + value[i] + value[i:]
    if op == 2 and i < len(value) - 1:
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    near = NEIGHBOURS.get(value[i].lower(), "")
    if not near:
        return value[:i] + value[i + 1 :]
    c = near[int(rng.integers(0, len(near)))]
    return value[:i] + (c.upper() if value[i].isupper() else c) + value[i + 1 :]


def _apply(fn, values: np.ndarray, mask: np.ndarray, rng) -> np.ndarray:
    out = values.copy()
    for i in np.flatnonzero(mask):
        out[i] = fn(out[i], rng)
    return out


def apply_typos(values: np.ndarray, mask: np.ndarray, rng) -> np.ndarray:
    return _apply(typo, values, mask, rng)


def apply_nicknames(values: np.ndarray, mask: np.ndarray, rng) -> np.ndarray:
    lookup = names.nickname_map()
    out = values.copy()
    for i in np.flatnonzero(mask):
        nicks = lookup.get(out[i])
        if nicks:
            out[i] = nicks[int(rng.integers(0, len(nicks)))]
    return out


def draw(rng, rate: float, eligible: np.ndarray, among: np.ndarray) -> np.ndarray:
    """A mask hitting `rate` of the `among` rows using eligible rows only (so the realised
    per-record rate matches the documented one when enough rows are eligible)."""
    share = eligible.sum() / among.sum() if among.any() else 0.0
    p = min(1.0, rate / share) if share > 0 else 0.0
    return eligible & (rng.random(len(eligible)) < p)


def hyphen_variant(value: str, rng) -> str:
    """A double-barrelled surname keyed as one part, with a space or run together."""
    a, b = value.split("-", 1)
    return [a, b, f"{a} {b}", f"{a}{b.lower()}"][int(rng.choice(4, p=[0.35, 0.2, 0.25, 0.2]))]


def junk_names(f1: np.ndarray, surname: np.ndarray, mask: np.ndarray, rng):
    """Migration and placeholder junk where a name should be."""
    f1, surname = f1.copy(), surname.copy()
    for i in np.flatnonzero(mask):
        kind = rng.random()
        if kind < 0.4:
            f1[i] = "NOT ENTERED"
        elif kind < 0.75:
            surname[i] = f"MIG_ERROR_{int(rng.integers(1, 99999))}"
        else:
            surname[i] = f"NO_SHOW_{int(rng.integers(1, 9999))}"
    return f1, surname


def noisy_dob(dob: np.ndarray, rates: SourceRates, rng, real=None) -> tuple[np.ndarray, dict]:
    """Dates of birth with day/month swaps, slips, placeholders and gaps, and their flags."""
    n = len(dob)
    out = dob.astype("datetime64[D]").copy()
    y = out.astype("datetime64[Y]").astype(int) + 1970
    m = out.astype("datetime64[M]").astype(int) % 12 + 1
    d = (out - out.astype("datetime64[M]")).astype(int) + 1
    real = np.ones(n, dtype=bool) if real is None else real
    swap = draw(rng, rates.dob_swap, (d <= 12) & (d != m) & real, real)
    swapped = np.array(
        [
            f"{yy:04d}-{dd:02d}-{mm:02d}"
            for yy, mm, dd in zip(y[swap], m[swap], d[swap], strict=True)
        ],
        dtype="datetime64[D]",
    )
    out[swap] = swapped
    slip = (rng.random(n) < rates.dob_typo) & ~swap
    kind = rng.choice(3, size=n, p=[0.45, 0.35, 0.2])  # day, year, year digits transposed
    step = rng.choice([-1, 1], size=n)
    day_slip = slip & (kind == 0)
    out[day_slip] += step[day_slip].astype("timedelta64[D]")
    units = y % 10
    tens = y // 10 % 10
    digits = slip & (kind == 2) & (units != tens)
    year_shift = np.where(digits, (units - tens) * 9, np.where(slip & (kind == 1), step, 0))
    year_slip = year_shift != 0
    out[year_slip] = (
        out[year_slip].astype("datetime64[M]")
        + (12 * year_shift[year_slip]).astype("timedelta64[M]")
    ).astype("datetime64[D]") + (out[year_slip] - out[year_slip].astype("datetime64[M]"))
    placeholder = rng.random(n) < rates.dob_placeholder
    options = np.array(rates.placeholders, dtype="datetime64[D]")
    out[placeholder] = options[rng.integers(0, len(options), int(placeholder.sum()))]
    missing = rng.random(n) < rates.dob_missing
    out[missing] = np.datetime64("NaT")
    shown = ~placeholder & ~missing
    flags = {
        "dob_swap": swap & shown,
        "dob_typo": (day_slip | year_slip) & shown,
        "dob_placeholder": placeholder & ~missing,
        "dob_missing": missing,
    }
    return out, flags


def _identifier(values: np.ndarray, mistype: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Replace the check letter of the masked values with a wrong one."""
    out = values.copy()
    hit = mistype & (out != None)  # noqa: E711
    for i in np.flatnonzero(hit):
        v = out[i]
        wrong = CHECK_LETTERS[(CHECK_LETTERS.index(v[-1]) + 1 + i % 21) % 23]
        out[i] = v[:-1] + wrong
    return out, hit


def keyed_pnc(crim: CriminalEvents, persons, rates: SourceRates, rng):
    n = len(persons)
    year = crim.pnc_year[persons]
    serial = crim.pnc_serial[persons]
    carried = (year >= 0) & (rng.random(n) < rates.pnc)
    short = rng.random(n) < rates.pnc_short
    out = np.full(n, None, dtype=object)
    for i in np.flatnonzero(carried):
        out[i] = (pnc_short if short[i] else pnc_long)(int(year[i]), int(serial[i]))
    return _identifier(out, rng.random(n) < rates.id_mistype)


def keyed_cro(crim: CriminalEvents, persons, rates: SourceRates, rng):
    n = len(persons)
    year = crim.cro_year[persons]
    serial = crim.cro_serial[persons]
    carried = (year >= 0) & (rng.random(n) < rates.cro)
    out = np.full(n, None, dtype=object)
    for i in np.flatnonzero(carried):
        out[i] = cro_number(int(year[i]), int(serial[i]))
    return _identifier(out, rng.random(n) < rates.id_mistype)


def _names_in_use(pop: Population, persons, dates, rates: SourceRates, rng, real):
    """The names a person truly goes by at the event, before any keying error: the surname
    in use (marriage), a maiden or hyphen variant, middle names dropped, a diminutive.

    Returns forename1-3, surname and the masks (before marriage, maiden, hyphen variant,
    middle names dropped, nickname)."""
    n = len(persons)
    f1 = pop.forename1[persons].copy()
    f2 = pop.forename2[persons].copy()
    f3 = pop.forename3[persons].copy()
    current = pop.surname[persons]
    birth = pop.birth_surname[persons]
    changed = current != birth
    before = changed & (dates < pop.married_on[persons])
    surname = np.where(before, birth, current)
    married = changed & ~before
    maiden = married & (rng.random(n) < rates.maiden_name)
    surname[maiden] = birth[maiden]
    barrel = np.array(["-" in s for s in surname], dtype=bool)
    hyphen = barrel & (rng.random(n) < rates.hyphen_variant)
    surname = _apply(hyphen_variant, surname, hyphen, rng)
    dropped = (rng.random(n) < rates.middle_dropped) & (f2 != "")
    f2[dropped], f3[dropped] = "", ""
    lookup = names.nickname_map()
    has_nick = np.array([v in lookup for v in f1], dtype=bool)
    nick = draw(rng, rates.nickname, has_nick & real, real)
    f1 = apply_nicknames(f1, nick, rng)
    return f1, f2, f3, surname, (before, maiden, hyphen, dropped, nick)


def _keying_errors(f1: np.ndarray, surname: np.ndarray, rates: SourceRates, rng, real):
    """A clerk's errors on forename1 and surname: spelt as it sounds, a typo, the two
    swapped, junk. Returns both names and the masks of the errors that changed them."""
    n = len(f1)
    f1_base, surname_base = f1, surname
    on_surname = rng.random(n) < 0.6
    sounds = draw(rng, rates.phonetic, sounds_alike(np.where(on_surname, surname, f1)) & real, real)
    surname = _apply(phonetic, surname, sounds & on_surname, rng)
    f1 = _apply(phonetic, f1, sounds & ~on_surname, rng)
    sounds &= (surname != surname_base) | (f1 != f1_base)
    typo_mask = rng.random(n) < rates.name_typo
    on_surname = rng.random(n) < 0.6
    before_typo = surname.copy(), f1.copy()
    surname = apply_typos(surname, typo_mask & on_surname, rng)
    f1 = apply_typos(f1, typo_mask & ~on_surname, rng)
    typo_mask &= (surname != before_typo[0]) | (f1 != before_typo[1])
    swap = rng.random(n) < rates.names_swapped
    f1[swap], surname[swap] = surname[swap], f1[swap]
    junk = rng.random(n) < rates.junk_name
    f1, surname = junk_names(f1, surname, junk, rng)
    return f1, surname, (sounds, typo_mask, swap, junk)


def _keyed_address(pop: Population, persons, dates, rates: SourceRates, rng):
    """Postcode and address line as keyed: an older address, no fixed abode, or missing.
    Returns both and the masks (stale, no fixed abode, postcode missing)."""
    n = len(persons)
    stale = rng.random(n) < rates.postcode_stale
    true_pc, _ = pop.address_at(persons, dates)
    postcode, address = pop.address_at(persons, dates, back=stale)
    postcode, address = postcode.copy(), address.copy()
    stale &= postcode != true_pc
    nfa = rng.random(n) < rates.no_fixed_abode
    postcode[nfa], address[nfa] = NO_FIXED_ABODE, NO_FIXED_ABODE
    pc_missing = rng.random(n) < rates.postcode_missing
    postcode[pc_missing] = None
    return postcode, address, (stale, nfa, pc_missing)


def _keyed_identifiers(crim: CriminalEvents | None, persons, rates: SourceRates, rng):
    """PNC and CRO as keyed (none outside the criminal sources), and which were mistyped."""
    n = len(persons)
    if crim is None:
        none = np.full(n, None, dtype=object)
        return none, none, np.zeros(n, dtype=bool)
    pnc, bad_pnc = keyed_pnc(crim, persons, rates, rng)
    cro, bad_cro = keyed_cro(crim, persons, rates, rng)
    return pnc, cro, bad_pnc | bad_cro


def keyed_view(
    pop: Population,
    crim: CriminalEvents | None,
    persons: np.ndarray,
    dates: np.ndarray,
    rates: SourceRates,
    rng: np.random.Generator,
    real: np.ndarray | None = None,
) -> Keyed:
    """What a source keyed for each (person, event date), with its rates of error.

    Name errors are applied in the order a record goes wrong in practice: the surname
    in use at the event (marriage), a maiden or part surname, a diminutive, then
    keying errors; every applied error is flagged for truth/<R>/errors.parquet.
    """
    persons = np.asarray(persons, dtype=np.int64)
    dates = dates.astype("datetime64[D]")
    n = len(persons)
    real = np.ones(n, dtype=bool) if real is None else real  # rows that are people
    f1_base, f2, f3, surname_base, in_use = _names_in_use(pop, persons, dates, rates, rng, real)
    before, maiden, hyphen, dropped, nick = in_use
    f1, surname, keying = _keying_errors(f1_base.copy(), surname_base.copy(), rates, rng, real)
    sounds, typo_mask, swap, junk = keying

    dob, dob_flags = noisy_dob(pop.dob[persons], rates, rng, real)
    sex = pop.sex[persons].copy()
    sex[rng.random(n) < rates.sex_unknown] = 0
    postcode, address, (stale, nfa, pc_missing) = _keyed_address(pop, persons, dates, rates, rng)
    ethnicity = pop.ethnicity[persons].copy()
    ethnicity[rng.random(n) < rates.ethnicity_missing] = None
    eth_junk = rng.random(n) < rates.ethnicity_junk
    pnc, cro, mistyped = _keyed_identifiers(crim, persons, rates, rng)

    errors = {
        "name_typo": typo_mask & ~junk,
        "phonetic": sounds & ~junk,
        "nickname": nick & ~junk & ~swap,
        "middle_dropped": dropped,
        "names_swapped": swap & ~junk,
        "maiden_name": maiden & ~junk,
        "pre_marriage_surname": before & ~junk,
        "hyphen_variant": hyphen & ~junk,
        "junk_name": junk,
        **dob_flags,
        "postcode_stale": stale & ~nfa & ~pc_missing,
        "no_fixed_abode": nfa & ~pc_missing,
        "id_mistype": mistyped,
        "twin": pop.twin[persons] >= 0,
    }
    name_fixable = errors["name_typo"] | errors["phonetic"] | swap | junk
    dob_fixable = dob_flags["dob_swap"] | dob_flags["dob_typo"]
    fix = (name_fixable | dob_fixable) & (rng.random(n) < rates.corrected)
    lo, hi = CORRECTION_DAYS
    corrected_at = np.where(
        fix, dates + rng.integers(lo, hi + 1, n).astype("timedelta64[D]"), NEVER
    )
    fixed = {  # what a correction restores: the names in use, the true date of birth
        "forename1": np.where(name_fixable, f1_base, f1),
        "surname": np.where(name_fixable, surname_base, surname),
        "dob": np.where(dob_fixable, pop.dob[persons], dob).astype("datetime64[D]"),
    }
    return Keyed(
        f1,
        f2,
        f3,
        surname,
        dob,
        sex,
        postcode,
        address,
        ethnicity,
        eth_junk,
        pnc,
        cro,
        errors,
        corrected_at.astype("datetime64[D]"),
        fixed,
    )
