"""Per-source keying noise: how a true person looks in one record of one source.

`keyed_view` takes people and event dates and returns what a clerk would have
keyed, with the error and coverage rates of that source (rates.py). Formatting
into each source's conventions (case, date format, codes) is done in sources.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from contracts.identifiers import CHECK_LETTERS, cro_number, pnc_long, pnc_short
from synthetic import names
from synthetic.criminal import CriminalEvents
from synthetic.population import Population
from synthetic.rates import SourceRates

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


NO_FIXED_ABODE = "NFA"


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


def apply_typos(values: np.ndarray, mask: np.ndarray, rng) -> np.ndarray:
    out = values.copy()
    for i in np.flatnonzero(mask):
        out[i] = typo(out[i], rng)
    return out


def apply_nicknames(values: np.ndarray, mask: np.ndarray, rng) -> np.ndarray:
    lookup = names.nickname_map()
    out = values.copy()
    for i in np.flatnonzero(mask):
        nicks = lookup.get(out[i])
        if nicks:
            out[i] = nicks[int(rng.integers(0, len(nicks)))]
    return out


def noisy_dob(
    dob: np.ndarray, rates: SourceRates, rng, placeholders: tuple[str, ...] = ("1900-01-01",)
) -> np.ndarray:
    """Dates of birth with day/month swaps, small slips, placeholders and gaps."""
    n = len(dob)
    out = dob.astype("datetime64[D]").copy()
    y = out.astype("datetime64[Y]").astype(int) + 1970
    m = out.astype("datetime64[M]").astype(int) % 12 + 1
    d = (out - out.astype("datetime64[M]")).astype(int) + 1
    swap = (rng.random(n) < rates.dob_swap) & (d <= 12) & (d != m)
    swapped = np.array(
        [
            f"{yy:04d}-{dd:02d}-{mm:02d}"
            for yy, mm, dd in zip(y[swap], m[swap], d[swap], strict=True)
        ],
        dtype="datetime64[D]",
    )
    out[swap] = swapped
    slip = rng.random(n) < rates.dob_typo
    step = rng.choice([-1, 1], size=n)
    year_slip = slip & (rng.random(n) < 0.5)
    out[slip & ~year_slip] += step[slip & ~year_slip].astype("timedelta64[D]")
    out[year_slip] = (
        out[year_slip].astype("datetime64[M]") + (12 * step[year_slip]).astype("timedelta64[M]")
    ).astype("datetime64[D]") + (out[year_slip] - out[year_slip].astype("datetime64[M]"))
    placeholder = rng.random(n) < rates.dob_placeholder
    out[placeholder] = np.array(placeholders, dtype="datetime64[D]")[
        rng.integers(0, len(placeholders), int(placeholder.sum()))
    ]
    out[rng.random(n) < rates.dob_missing] = np.datetime64("NaT")
    return out


def _identifier(values: np.ndarray, mistype: np.ndarray) -> np.ndarray:
    """Replace the check letter of the masked values with a wrong one."""
    out = values.copy()
    for i in np.flatnonzero(mistype & (out != None)):  # noqa: E711
        v = out[i]
        wrong = CHECK_LETTERS[(CHECK_LETTERS.index(v[-1]) + 1 + i % 21) % 23]
        out[i] = v[:-1] + wrong
    return out


def keyed_pnc(crim: CriminalEvents, persons, rates: SourceRates, rng) -> np.ndarray:
    n = len(persons)
    year = crim.pnc_year[persons]
    serial = crim.pnc_serial[persons]
    carried = (year >= 0) & (rng.random(n) < rates.pnc)
    short = rng.random(n) < rates.pnc_short
    out = np.full(n, None, dtype=object)
    for i in np.flatnonzero(carried):
        out[i] = (pnc_short if short[i] else pnc_long)(int(year[i]), int(serial[i]))
    return _identifier(out, rng.random(n) < rates.id_mistype)


def keyed_cro(crim: CriminalEvents, persons, rates: SourceRates, rng) -> np.ndarray:
    n = len(persons)
    year = crim.cro_year[persons]
    serial = crim.cro_serial[persons]
    carried = (year >= 0) & (rng.random(n) < rates.cro)
    out = np.full(n, None, dtype=object)
    for i in np.flatnonzero(carried):
        out[i] = cro_number(int(year[i]), int(serial[i]))
    return _identifier(out, rng.random(n) < rates.id_mistype)


def keyed_view(
    pop: Population,
    crim: CriminalEvents | None,
    persons: np.ndarray,
    dates: np.ndarray,
    rates: SourceRates,
    rng: np.random.Generator,
    placeholders: tuple[str, ...] = ("1900-01-01",),
) -> Keyed:
    """What a source keyed for each (person, event date), with its rates of error."""
    persons = np.asarray(persons, dtype=np.int64)
    n = len(persons)
    f1 = pop.forename1[persons].copy()
    f2 = pop.forename2[persons].copy()
    f3 = pop.forename3[persons].copy()
    surname = pop.surname[persons].copy()
    maiden = (pop.birth_surname[persons] != surname) & (rng.random(n) < rates.maiden_name)
    surname[maiden] = pop.birth_surname[persons][maiden]
    dropped = rng.random(n) < rates.middle_dropped
    f2[dropped], f3[dropped] = "", ""
    f1 = apply_nicknames(f1, rng.random(n) < rates.nickname, rng)
    typo_mask = rng.random(n) < rates.name_typo
    on_surname = rng.random(n) < 0.6
    surname = apply_typos(surname, typo_mask & on_surname, rng)
    f1 = apply_typos(f1, typo_mask & ~on_surname, rng)
    swap = rng.random(n) < rates.names_swapped
    f1[swap], surname[swap] = surname[swap], f1[swap]

    dob = noisy_dob(pop.dob[persons], rates, rng, placeholders)
    sex = pop.sex[persons].copy()
    sex[rng.random(n) < rates.sex_unknown] = 0

    stale = rng.random(n) < rates.postcode_stale
    postcode, address = pop.address_at(persons, dates.astype("datetime64[D]"), back=stale)
    postcode, address = postcode.copy(), address.copy()
    nfa = rng.random(n) < rates.no_fixed_abode
    postcode[nfa], address[nfa] = NO_FIXED_ABODE, NO_FIXED_ABODE
    postcode[rng.random(n) < rates.postcode_missing] = None

    ethnicity = pop.ethnicity[persons].copy()
    ethnicity[rng.random(n) < rates.ethnicity_missing] = None
    junk = rng.random(n) < rates.ethnicity_junk

    if crim is None:
        pnc = cro = np.full(n, None, dtype=object)
    else:
        pnc = keyed_pnc(crim, persons, rates, rng)
        cro = keyed_cro(crim, persons, rates, rng)
    return Keyed(f1, f2, f3, surname, dob, sex, postcode, address, ethnicity, junk, pnc, cro)
