"""Per-source keying noise: how a true person looks in one record of one source.

`keyed_view` takes people and event dates and returns what a clerk would have
keyed, with the error and coverage rates of that source (rates.py). Formatting
into each source's conventions (case, date format, codes) is done in sources.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
import pandas as pd

from contracts.identifiers import CHECK_LETTERS, cro_number, pnc_long, pnc_short
from contracts.person_records import POSTCODE_PATTERN
from synthetic import names, variants
from synthetic.criminal import CriminalEvents
from synthetic.population import MALE, Population
from synthetic.rates import CORRECTION_DAYS, DOB_KEYING, ERROR_TYPES, NAME_KEYING, SourceRates

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

# OCR-like confusions of characters that look alike (0/O, 1/I/L, 5/S, ...), and of letter
# pairs (rn/m, cl/d). Postcodes use them only where the result is still postcode-shaped.
OCR = {
    "O": "0", "o": "0", "0": "O", "I": "1", "i": "1", "l": "1", "L": "1", "1": "IL",
    "S": "5", "s": "5", "5": "S", "B": "8", "8": "B", "Z": "2", "z": "2", "2": "Z",
    "G": "6", "6": "G", "D": "O", "Q": "O", "7": "1", "3": "8",
}  # fmt: skip
OCR_PAIRS = [("rn", "m"), ("m", "rn"), ("cl", "d"), ("vv", "w")]
# Postcodes are upper case and short: more confusions, so nearly every one has a slip.
POSTCODE_OCR = {
    **{c: o for c, o in OCR.items() if c.isupper() or c.isdigit()},
    "A": "4", "4": "A", "E": "F", "F": "E", "U": "V", "V": "U", "C": "G", "H": "N",
    "N": "H", "T": "7", "P": "R", "R": "P",
}  # fmt: skip
POSTCODE_SHAPE = re.compile(POSTCODE_PATTERN)
DIGIT_NEIGHBOURS = {c: "1234567890"[max(0, i - 1) : i] + "1234567890"[i + 1 : i + 2]
                    for i, c in enumerate("1234567890")}  # fmt: skip
FIELD_LENGTHS = np.array([6, 7, 8])  # a legacy name field cuts names at one of these


def per_value(values: np.ndarray, fn, dtype=bool) -> np.ndarray:
    """fn of each value, computed once per distinct value (pandas' hash factorize), so
    a 10M-row column costs one call per distinct name, not one per row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.array([fn(u) for u in uniques], dtype=dtype)[codes]


def pick_variant(values: np.ndarray, mask: np.ndarray, variants, rng) -> np.ndarray:
    """The masked values replaced by one of `variants(value)` chosen uniformly (rows whose
    value has none are left as they are); variants are looked up per distinct value."""
    out = values.copy()
    rows = np.flatnonzero(mask)
    if not len(rows):
        return out
    codes, uniques = pd.factorize(values[rows], use_na_sentinel=False)
    found = [variants(u) for u in uniques]
    counts = np.array([len(f) for f in found], dtype=np.int64)
    flat = np.array([v for f in found for v in f] + [""], dtype=object)
    start = np.cumsum(counts) - counts
    n = counts[codes]
    k = (rng.random(len(rows)) * n).astype(np.int64)
    ok = n > 0
    out[rows[ok]] = flat[start[codes[ok]] + k[ok]]
    return out


def _kind_variants(fn, kind: str):
    return lambda value: fn(value, kind)


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


def has_ocr(value: str) -> bool:
    return any(c in OCR for c in value) or any(a in value for a, _ in OCR_PAIRS)


def ocr(value: str, rng: np.random.Generator) -> str:
    """One OCR-like confusion anywhere in the name (SMITH -> 5MITH, WILLIAMS -> WI1LIAMS)."""
    at = [i for i, c in enumerate(value) if c in OCR]
    if at:
        i = at[int(rng.integers(0, len(at)))]
        options = OCR[value[i]]
        return value[:i] + options[int(rng.integers(0, len(options)))] + value[i + 1 :]
    for old, new in OCR_PAIRS:
        if old in value:
            return value.replace(old, new, 1)
    return value


def _ocr_options(c: str) -> str:
    return POSTCODE_OCR.get(c, "")


def _key_options(c: str) -> str:
    """A neighbouring key: a letter for a letter, a digit for a digit."""
    return DIGIT_NEIGHBOURS.get(c) or NEIGHBOURS.get(c.lower(), "").upper()


def _slips(value: str, options) -> list[str]:
    """Every one-character slip of a postcode by options(char) still postcode-shaped."""
    out = []
    for i, c in enumerate(value):
        for o in options(c):
            slipped = value[:i] + o + value[i + 1 :]
            if POSTCODE_SHAPE.match(slipped):
                out.append(slipped)
    return out


def _postcode_slip(value: str, rng, options) -> str:
    """One of the postcode-shaped slips, at random; the value itself if there is none."""
    found = _slips(value, options)
    return found[int(rng.integers(0, len(found)))] if found else value


@cache
def has_ocr_slip(value: str) -> bool:
    """Whether a postcode has an OCR slip still postcode-shaped (cached: the same
    postcodes recur in every table)."""
    return bool(_slips(value, _ocr_options))


def postcode_ocr(value: str, rng) -> str:
    """An OCR-like confusion still postcode-shaped (SW1A 1AA -> SW14 1AA)."""
    return _postcode_slip(value, rng, _ocr_options)


def postcode_typo(value: str, rng) -> str:
    """A neighbouring key still postcode-shaped (SW1A 1AA -> SE1A 1AA)."""
    return _postcode_slip(value, rng, _key_options)


def punctuate(value: str, rng) -> str:
    """A space, stop, hyphen or apostrophe inside a name, or stray whitespace around it."""
    i = int(rng.integers(1, len(value))) if len(value) > 1 else len(value)
    op = int(rng.integers(0, 5))
    if op == 0:
        return value[:i] + " " + value[i:]  # JO HN
    if op == 1:
        return value + "."
    if op == 2:
        return " " + value + "  "
    if op == 3:
        return value[:i] + "-" + value[i:]
    return value[:i] + "'" + value[i:]


def _apply(fn, values: np.ndarray, mask: np.ndarray, rng) -> np.ndarray:
    """fn on each masked value: for character-level slips of the few rows they hit."""
    out = values.copy()
    for i in np.flatnonzero(mask):
        out[i] = fn(out[i], rng)
    return out


def apply_typos(values: np.ndarray, mask: np.ndarray, rng) -> np.ndarray:
    return _apply(typo, values, mask, rng)


def apply_nicknames(values: np.ndarray, mask: np.ndarray, rng) -> np.ndarray:
    """Masked forenames keyed as one of the generator's own diminutives (variants.py)."""
    return pick_variant(values, mask, variants.diminutives, rng)


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


def _shift_years(dates: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Dates moved by whole years, the day of month kept (29 Feb rolls into March)."""
    return (dates.astype("datetime64[M]") + (12 * years).astype("timedelta64[M]")).astype(
        "datetime64[D]"
    ) + (dates - dates.astype("datetime64[M]"))


EARLIEST_DOB = np.datetime64("1901-01-01")  # an earlier date is quarantined, not linked


def _year_out(out, years: int, rate: float, dates, rng, real, free) -> np.ndarray:
    """Move `rate` of the rows' dates of birth by +/- `years`, where the result is still a
    plausible date (from 1901, not after the event); returns the rows moved."""
    n = len(out)
    if rate <= 0:
        return np.zeros(n, dtype=bool)
    back, ahead = _shift_years(out, np.full(n, -years)), _shift_years(out, np.full(n, years))
    back_ok, ahead_ok = back >= EARLIEST_DOB, ahead <= dates
    up = ahead_ok & (~back_ok | (rng.random(n) < 0.5))
    moved = draw(rng, rate, (back_ok | ahead_ok) & free & real, real)
    out[moved] = np.where(up, ahead, back)[moved]
    return moved


def noisy_dob(
    dob: np.ndarray, rates: SourceRates, rng, real=None, dates=None
) -> tuple[np.ndarray, dict]:
    """Dates of birth with day/month swaps, slips, years a decade or a century out,
    placeholders and gaps, and their flags. `dates` (the events) bound a date moved later."""
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
    out[year_slip] = _shift_years(out[year_slip], year_shift[year_slip])
    dates = out if dates is None else dates.astype("datetime64[D]")  # none: only earlier
    free = ~swap & ~day_slip & ~year_slip
    decade = _year_out(out, 10, rates.dob_decade, dates, rng, real, free)
    century = _year_out(out, 100, rates.dob_century, dates, rng, real, free & ~decade)
    placeholder = rng.random(n) < rates.dob_placeholder
    options = np.array(rates.placeholders, dtype="datetime64[D]")
    out[placeholder] = options[rng.integers(0, len(options), int(placeholder.sum()))]
    missing = rng.random(n) < rates.dob_missing
    out[missing] = np.datetime64("NaT")
    shown = ~placeholder & ~missing
    flags = {
        "dob_swap": swap & shown,
        "dob_typo": (day_slip | year_slip) & shown,
        "dob_decade": decade & shown,
        "dob_century": century & shown,
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
    in use (marriage), a maiden, birth-married or part surname, middle names dropped or
    used first, a diminutive, a romanisation of the name.

    Returns forename1-3, surname and the masks by error type."""
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
    barrel = per_value(surname, lambda s: "-" in s)
    hyphen = barrel & (rng.random(n) < rates.hyphen_variant)
    surname = _apply(hyphen_variant, surname, hyphen, rng)
    # Birth and married surname together (Smith-Jones), never on a double-barrelled one.
    joined = married & ~maiden & ~per_value(birth, lambda s: "-" in s) & ~barrel
    joined &= rng.random(n) < rates.double_barrelled
    surname[joined] = birth[joined] + "-" + surname[joined]
    dropped = (rng.random(n) < rates.middle_dropped) & (f2 != "")
    f2[dropped], f3[dropped] = "", ""
    middle_first = (f2 != "") & real & (rng.random(n) < rates.middle_as_forename)
    f1[middle_first], f2[middle_first] = f2[middle_first], f1[middle_first]
    has_nick = per_value(f1, lambda v: bool(variants.diminutives(v)))
    nick = draw(rng, rates.nickname, has_nick & real, real)
    f1 = apply_nicknames(f1, nick, rng)
    f1, surname, romanised = _transliterated(f1, surname, rates, rng, real)
    masks = {
        "pre_marriage_surname": before,
        "maiden_name": maiden,
        "double_barrelled": joined,
        "hyphen_variant": hyphen,
        "middle_dropped": dropped,
        "middle_as_forename": middle_first,
        "nickname": nick,
        "transliteration": romanised,
    }
    return f1, f2, f3, surname, masks


def _has(fn):
    return lambda v: bool(fn(v))


def _on_one_name(f1, surname, f1_ok, surname_ok, rng, surname_share=0.6):
    """Which name an error hits: the surname `surname_share` of the time where both can
    take it, else whichever can. Returns (on surname, on forename) masks."""
    on_surname = surname_ok & (~f1_ok | (rng.random(len(f1)) < surname_share))
    return on_surname, f1_ok & ~on_surname


def _transliterated(f1, surname, rates: SourceRates, rng, real):
    """Of records with a forename or surname of the relevant groups, `transliteration`
    keyed in another romanisation (variants.transliterations)."""
    f1_ok = per_value(f1, _has(variants.transliterations))
    surname_ok = per_value(surname, _has(variants.transliterations))
    hit = (f1_ok | surname_ok) & real & (rng.random(len(f1)) < rates.transliteration)
    on_surname, on_f1 = _on_one_name(f1, surname, f1_ok, surname_ok, rng, 0.5)
    surname = pick_variant(surname, hit & on_surname, variants.transliterations, rng)
    f1 = pick_variant(f1, hit & on_f1, variants.transliterations, rng)
    return f1, surname, hit


def _sounds_like(f1, surname, rates: SourceRates, rng, real):
    """`phonetic` of records with a name spelt as it sounds: another spelling of the
    wider vocabulary or a rule-based respelling (variants.sound_alikes)."""
    by_kind = {k: _kind_variants(variants.sound_alikes, k) for k in variants.KINDS}
    f1_ok = per_value(f1, _has(by_kind["forename"]))
    surname_ok = per_value(surname, _has(by_kind["surname"]))
    sounds = draw(rng, rates.phonetic, (f1_ok | surname_ok) & real, real)
    on_surname, on_f1 = _on_one_name(f1, surname, f1_ok, surname_ok, rng)
    surname = pick_variant(surname, sounds & on_surname, by_kind["surname"], rng)
    f1 = pick_variant(f1, sounds & on_f1, by_kind["forename"], rng)
    return f1, surname, sounds


def _changed(mask, before: tuple, after: tuple) -> np.ndarray:
    """The masked rows where an error actually changed one of the names."""
    out = np.zeros(len(mask), dtype=bool)
    for b, a in zip(before, after, strict=True):
        out |= b != a
    return mask & out


def _slip(f1, surname, rate: float, fn, eligible, rng, real):
    """`rate` of the records with one name changed by fn (character-level, per hit row);
    eligible(values) says which names fn can change."""
    if rate <= 0:
        return f1, surname, np.zeros(len(f1), dtype=bool)
    f1_ok, surname_ok = eligible(f1), eligible(surname)
    hit = draw(rng, rate, (f1_ok | surname_ok) & real, real)
    on_surname, on_f1 = _on_one_name(f1, surname, f1_ok, surname_ok, rng)
    new_surname = _apply(fn, surname, hit & on_surname, rng)
    new_f1 = _apply(fn, f1, hit & on_f1, rng)
    return new_f1, new_surname, _changed(hit, (f1, surname), (new_f1, new_surname))


def _truncated(f1, surname, rate: float, rng, real):
    """`rate` of the records with a name cut to a field length (FIELD_LENGTHS)."""
    n = len(f1)
    if rate <= 0:
        return f1, surname, np.zeros(n, dtype=bool)
    field = FIELD_LENGTHS[rng.integers(0, len(FIELD_LENGTHS), n)]
    f1_ok = per_value(f1, len, np.int64) > field
    surname_ok = per_value(surname, len, np.int64) > field
    hit = draw(rng, rate, (f1_ok | surname_ok) & real, real)
    on_surname, on_f1 = _on_one_name(f1, surname, f1_ok, surname_ok, rng)
    f1, surname = f1.copy(), surname.copy()
    for values, rows in ((surname, hit & on_surname), (f1, hit & on_f1)):
        at = np.flatnonzero(rows)
        values[at] = [v[:k] for v, k in zip(values[at], field[at], strict=True)]
    return f1, surname, hit


def _initial(f1, rate: float, rng, real):
    """`rate` of the records with the forename reduced to its initial (J for John)."""
    if rate <= 0:
        return f1, np.zeros(len(f1), dtype=bool)
    hit = draw(rng, rate, per_value(f1, lambda v: len(v) > 1) & real, real)
    f1 = f1.copy()
    at = np.flatnonzero(hit)
    f1[at] = [v[:1] for v in f1[at]]
    return f1, hit


def _titled(f1, surname, sex, rate: float, rng, real):
    """`rate` of the records with a title keyed before the forename (MR JOHN) or, for
    some men, a suffix after the surname (SMITH JNR)."""
    n = len(f1)
    if rate <= 0:
        return f1, surname, np.zeros(n, dtype=bool)
    hit = real & (rng.random(n) < rate)
    suffix = hit & (sex == MALE) & (rng.random(n) < 0.4)
    male, female = (np.array(t, dtype=object) for t in (names.TITLES_MALE, names.TITLES_FEMALE))
    titles = np.where(
        sex == MALE, male[rng.integers(0, len(male), n)], female[rng.integers(0, len(female), n)]
    )
    ends = np.array(names.SUFFIXES, dtype=object)[rng.integers(0, len(names.SUFFIXES), n)]
    f1, surname = f1.copy(), surname.copy()
    before, after = np.flatnonzero(hit & ~suffix), np.flatnonzero(suffix)
    f1[before] = titles[before] + " " + f1[before]  # only the rows hit: object concatenation
    surname[after] = surname[after] + " " + ends[after]
    return f1, surname, hit


def _reversed(f1, f2, f3, surname, rate: float, rng, real):
    """`rate` of the records with the whole name keyed in reverse order (surname first):
    forename1 <- surname, surname <- forename1, the middle names reversed."""
    hit = real & (rng.random(len(f1)) < rate)
    three = hit & (f3 != "")
    return (
        np.where(hit, surname, f1),
        np.where(three, f3, f2),
        np.where(three, f2, f3),
        np.where(hit, f1, surname),
        hit,
    )


def _keying_errors(f1, f2, f3, surname, sex, rates: SourceRates, rng, real):
    """A clerk's errors on the names: spelt as it sounds, a typo, OCR confusions, cut to a
    field length, an initial for the forename, a title or suffix, stray punctuation, the
    two names swapped or the whole name reversed, junk. Returns the names and the masks of
    the errors that changed them."""
    n = len(f1)
    before = f1, surname
    f1, surname, sounds = _sounds_like(f1, surname, rates, rng, real)
    sounds = _changed(sounds, before, (f1, surname))
    typo_mask = rng.random(n) < rates.name_typo
    on_surname = rng.random(n) < 0.6
    before = f1, surname
    surname = apply_typos(surname, typo_mask & on_surname, rng)
    f1 = apply_typos(f1, typo_mask & ~on_surname, rng)
    typo_mask = _changed(typo_mask, before, (f1, surname))
    f1, surname, ocr_mask = _slip(
        f1, surname, rates.name_ocr, ocr, lambda v: per_value(v, has_ocr), rng, real
    )
    f1, surname, truncated = _truncated(f1, surname, rates.name_truncated, rng, real)
    f1, initial = _initial(f1, rates.forename_initial, rng, real)
    f1, surname, titled = _titled(f1, surname, sex, rates.title_in_name, rng, real)
    f1, surname, punctuated = _slip(
        f1, surname, rates.name_punctuation, punctuate, lambda v: v != "", rng, real
    )
    swap = rng.random(n) < rates.names_swapped
    f1[swap], surname[swap] = surname[swap], f1[swap]
    f1, f2, f3, surname, reverse = _reversed(
        f1, f2, f3, surname, rates.name_order_reversed, rng, real & ~swap
    )
    junk = rng.random(n) < rates.junk_name
    f1, surname = junk_names(f1, surname, junk, rng)
    masks = {
        "phonetic": sounds,
        "name_typo": typo_mask,
        "name_ocr": ocr_mask,
        "name_truncated": truncated,
        "forename_initial": initial,
        "title_in_name": titled,
        "name_punctuation": punctuated,
        "names_swapped": swap,
        "name_order_reversed": reverse,
    }
    return f1, f2, f3, surname, {k: v & ~junk for k, v in masks.items()}, junk


def _keyed_address(pop: Population, persons, dates, rates: SourceRates, rng, real):
    """Postcode and address line as keyed: an older address, an OCR confusion or a
    neighbouring key, no fixed abode, or missing. Returns both and the masks."""
    n = len(persons)
    stale = rng.random(n) < rates.postcode_stale
    true_pc, _ = pop.address_at(persons, dates)
    postcode, address = pop.address_at(persons, dates, back=stale)
    postcode, address = postcode.copy(), address.copy()
    stale &= postcode != true_pc
    slips = {}
    for kind, rate, fn, can_slip in (
        ("postcode_ocr", rates.postcode_ocr, postcode_ocr, has_ocr_slip),
        ("postcode_typo", rates.postcode_typo, postcode_typo, None),  # every one has a slip
    ):
        if rate <= 0:
            slips[kind] = np.zeros(n, dtype=bool)
            continue
        can = per_value(postcode, can_slip) if can_slip else np.ones(n, dtype=bool)
        hit = draw(rng, rate, can & real, real)
        slipped = _apply(fn, postcode, hit, rng)
        slips[kind] = hit & (slipped != postcode)
        postcode = slipped
    nfa = rng.random(n) < rates.no_fixed_abode
    postcode[nfa], address[nfa] = NO_FIXED_ABODE, NO_FIXED_ABODE
    pc_missing = rng.random(n) < rates.postcode_missing
    postcode[pc_missing] = None
    shown = ~nfa & ~pc_missing
    masks = {"postcode_stale": stale & shown, **{k: v & shown for k, v in slips.items()}}
    return postcode, address, masks, nfa & ~pc_missing


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
    sex = pop.sex[persons].copy()
    f1, f2, f3, surname, keying, junk = _keying_errors(
        f1_base.copy(), f2, f3, surname_base.copy(), sex, rates, rng, real
    )

    dob, dob_flags = noisy_dob(pop.dob[persons], rates, rng, real, dates)
    sex[rng.random(n) < rates.sex_unknown] = 0
    postcode, address, address_flags, nfa = _keyed_address(pop, persons, dates, rates, rng, real)
    ethnicity = pop.ethnicity[persons].copy()
    ethnicity[rng.random(n) < rates.ethnicity_missing] = None
    eth_junk = rng.random(n) < rates.ethnicity_junk
    pnc, cro, mistyped = _keyed_identifiers(crim, persons, rates, rng)

    moved = keying["names_swapped"] | keying["name_order_reversed"]
    in_use["nickname"] &= ~moved  # the diminutive is no longer the forename
    errors = {
        **{k: v if k == "middle_dropped" else v & ~junk for k, v in in_use.items()},
        **keying,
        "junk_name": junk,
        **dob_flags,
        **address_flags,
        "no_fixed_abode": nfa,
        "id_mistype": mistyped,
        "twin": pop.twin[persons] >= 0,
    }
    errors = {k: errors[k] for k in ERROR_TYPES}  # in the documented order
    name_fixable = np.logical_or.reduce([errors[k] for k in NAME_KEYING])
    dob_fixable = np.logical_or.reduce([errors[k] for k in DOB_KEYING])
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
