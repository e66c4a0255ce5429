"""The true population: people in households, with names, dates of birth and addresses.

Households come first so that family relationships (parents, children, twins,
partners) are real: family court cases and shared surnames/postcodes follow from
them. Everything is vectorised over people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic import names
from synthetic.streams import days, stream, uniform_dates

MALE, FEMALE = 1, 2
SINGLE, COUPLE, LONE_PARENT, TWO_PARENTS = 0, 1, 2, 3
ADDRESS_SLOTS = 4
NEVER = np.datetime64("9999-12-31")
ALWAYS = np.datetime64("1900-01-01")


@dataclass
class Population:
    """One row per person; index i is person_id P{i:07d}."""

    sex: np.ndarray  # int8: 1 male, 2 female
    dob: np.ndarray  # datetime64[D]
    forename1: np.ndarray  # object arrays; "" when the person has no such name
    forename2: np.ndarray
    forename3: np.ndarray
    surname: np.ndarray  # current surname
    birth_surname: np.ndarray  # differs for some married women
    married_on: np.ndarray  # datetime64[D]: from when `surname` replaced `birth_surname`
    ethnicity: np.ndarray  # 2001 census code, e.g. W1
    unit: np.ndarray  # household index
    unit_type: np.ndarray  # per person: type of their household
    is_adult: np.ndarray  # an adult of the household (parent or single), not a child in it
    mother: np.ndarray  # person index or -1
    father: np.ndarray
    partner: np.ndarray
    twin: np.ndarray
    moved_in: np.ndarray  # (n, ADDRESS_SLOTS) datetime64[D]: from when each address holds
    postcode: np.ndarray  # (n, ADDRESS_SLOTS) object
    address: np.ndarray  # (n, ADDRESS_SLOTS) object

    @property
    def n(self) -> int:
        return len(self.sex)

    @staticmethod
    def person_id(index: np.ndarray) -> np.ndarray:
        return np.array([f"P{i:07d}" for i in index], dtype=object)

    def address_at(self, persons: np.ndarray, dates: np.ndarray, back: np.ndarray | None = None):
        """(postcode, address line) of each person at each date; `back` steps to older ones."""
        slot = (self.moved_in[persons] <= dates[:, None]).sum(axis=1) - 1
        if back is not None:
            slot = np.maximum(slot - back.astype(np.int64), 0)
        slot = np.maximum(slot, 0)
        return self.postcode[persons, slot], self.address[persons, slot]


def _draw_names(rng, kind: str, groups: np.ndarray) -> np.ndarray:
    """One name of kind per person of groups; surnames with a tail that grows with the
    group's people (names.draw_surnames)."""
    out = np.empty(len(groups), dtype=object)
    for group in names.NAME_GROUPS:
        mask = groups == group
        n = int(mask.sum())
        if kind == "surname":
            out[mask] = names.draw_surnames(rng, group, n)
        else:
            values, p = names.vocab(kind, group)
            out[mask] = values[rng.choice(len(values), size=n, p=p)]
    return out


def _forenames(rng, sex: np.ndarray, groups: np.ndarray) -> np.ndarray:
    male = _draw_names(rng, "male", groups)
    female = _draw_names(rng, "female", groups)
    return np.where(sex == MALE, male, female)


def _postcode_pool(rng, size: int) -> tuple[np.ndarray, np.ndarray]:
    areas = np.array(names.POSTCODE_AREAS, dtype=object)
    area = areas[rng.choice(len(areas), size=size, p=names.zipf_weights(len(areas), 0.6))]
    district = rng.integers(1, 21, size=size)
    sector = rng.integers(0, 10, size=size)
    letters = np.array(list(names.POSTCODE_UNIT_LETTERS), dtype=object)
    u1 = letters[rng.integers(0, len(letters), size=size)]
    u2 = letters[rng.integers(0, len(letters), size=size)]
    postcodes = np.array(
        [f"{a}{d} {s}{x}{y}" for a, d, s, x, y in zip(area, district, sector, u1, u2, strict=True)],
        dtype=object,
    )
    street = np.array(names.STREET_NAMES, dtype=object)[
        rng.integers(0, len(names.STREET_NAMES), size=size)
    ]
    kind = np.array(names.STREET_TYPES, dtype=object)[
        rng.integers(0, len(names.STREET_TYPES), size=size)
    ]
    streets = np.array([f"{s} {k}" for s, k in zip(street, kind, strict=True)], dtype=object)
    return postcodes, streets


@dataclass(frozen=True)
class _Households:
    """Where each person lives: their household, their place in it and its type."""

    n_units: int
    unit: np.ndarray  # household index per person
    pos: np.ndarray  # place in the household: adults first, then children
    unit_type: np.ndarray  # per person: type of their household
    is_adult: np.ndarray
    kid_no: np.ndarray  # 0 for the first child
    first: np.ndarray  # the household's first member

    @property
    def couple(self) -> np.ndarray:
        return (self.unit_type == COUPLE) | (self.unit_type == TWO_PARENTS)

    @property
    def has_mother(self) -> np.ndarray:
        return ~self.is_adult & (self.unit_type >= LONE_PARENT)


def _households(rng, people: int) -> _Households:
    """Draw more than enough households, cut at `people` (the last one may be truncated)."""
    utype = rng.choice(4, size=people, p=[0.45, 0.12, 0.16, 0.27])
    n_adults = np.where((utype == COUPLE) | (utype == TWO_PARENTS), 2, 1)
    n_kids = np.where(utype >= LONE_PARENT, 1 + np.minimum(rng.poisson(0.9, size=people), 3), 0)
    size = n_adults + n_kids
    cum = np.cumsum(size)
    n_units = int(np.searchsorted(cum, people)) + 1
    utype, n_adults, size = utype[:n_units], n_adults[:n_units], size[:n_units]
    start = cum[:n_units] - size

    unit = np.repeat(np.arange(n_units), size)[:people]
    pos = np.arange(people) - start[unit]
    is_adult = pos < n_adults[unit]
    return _Households(
        n_units=n_units,
        unit=unit,
        pos=pos,
        unit_type=utype[unit],
        is_adult=is_adult,
        kid_no=pos - n_adults[unit],
        first=start[unit],
    )


def _sexes(rng, h: _Households) -> np.ndarray:
    """Random, except that a couple is a woman (first) and a man."""
    ut, pos = h.unit_type, h.pos
    sex = rng.choice([MALE, FEMALE], size=len(pos), p=[0.5, 0.5]).astype(np.int8)
    sex[(ut != SINGLE) & (pos == 0)] = FEMALE
    sex[(ut != SINGLE) & (pos == 1) & h.is_adult] = MALE
    return sex


def _relations(h: _Households) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """mother, father and partner of each person (person index or -1)."""
    people, first, pos, couple = len(h.pos), h.first, h.pos, h.couple
    mother = np.where(h.has_mother, first, -1)
    father = np.where(h.has_mother & (h.unit_type == TWO_PARENTS), first + 1, -1)
    partner = np.full(people, -1)
    partner[couple & (pos == 0)] = (first + 1)[couple & (pos == 0)]
    partner[couple & (pos == 1)] = first[couple & (pos == 1)]
    partner[partner >= people] = -1  # the last household may be cut short
    return mother, father, partner


def _dates_of_birth(rng, h: _Households) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dates of birth, twins (the twin's person index or -1) and the second-born twins.

    Single adults skew young (offending peaks in the 20s), parents 1965-2000,
    partners about two years apart, children 17-40 years after their mother.
    """
    people, first, pos, has_mother = len(h.pos), h.first, h.pos, h.has_mother
    age_2008 = np.minimum(rng.gamma(2.2, 9.0 * 365.25, size=people), 70 * 365.25)
    dob = np.datetime64("2008-01-01") - days(age_2008)
    parents = h.unit_type >= LONE_PARENT
    unit_anchor = uniform_dates(
        rng, np.full(h.n_units, np.datetime64("1965-01-01")), np.datetime64("2000-12-31")
    )[h.unit]
    dob = np.where(parents & (pos == 0), unit_anchor, dob)
    partner_gap = days(rng.normal(700, 1100, size=people))
    dob = np.where(h.couple & (pos == 1), dob[first] + partner_gap, dob)
    mother_dob = dob[first]
    latest = np.datetime64("2024-12-31")
    max_age = np.minimum(40 * 365.25, (latest - mother_dob).astype(np.int64))
    kid_age = 17 * 365.25 + rng.random(people) * np.maximum(max_age - 17 * 365.25, 0)
    dob = np.where(has_mother, mother_dob + days(kid_age), dob)
    twin = np.full(people, -1)
    is_twin = has_mother & (h.kid_no >= 1) & (rng.random(people) < 0.05)
    idx = np.flatnonzero(is_twin)
    dob[idx] = dob[idx - 1]
    twin[idx], twin[idx - 1] = idx - 1, idx
    return dob, twin, idx


def _ethnicities(rng, h: _Households) -> tuple[np.ndarray, np.ndarray]:
    """Per person the household's ethnicity code and its name group."""
    w = np.array(names.ETHNICITY_WEIGHTS)
    unit_eth = rng.choice(names.ETHNICITY_CODES, size=h.n_units, p=w / w.sum())
    ethnicity = unit_eth[h.unit].astype(object)
    group = np.array([names.ETHNICITY_GROUP[e] for e in unit_eth], dtype=object)[h.unit]
    return ethnicity, group


def _surnames(
    rng, h: _Households, sex: np.ndarray, dob: np.ndarray, group: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """surname, birth_surname and married_on (from when surname replaced birth_surname)."""
    people, first, ut, is_adult = len(h.pos), h.first, h.unit_type, h.is_adult
    unit_surname = _draw_names(rng, "surname", group)[first]  # the first member's draw
    own_surname = _draw_names(rng, "surname", group)
    birth_surname = np.where(sex == MALE, unit_surname, own_surname)
    birth_surname = np.where((ut == SINGLE) | ~is_adult, unit_surname, birth_surname)
    # Double-barrelled surnames (about 1.5% of people): some singles, and children given
    # both parents' names (Smith-Jones), so sources can key one part or drop the hyphen.
    second = _draw_names(rng, "surname", group)
    barrel = (ut == SINGLE) & (rng.random(people) < 0.015) & (second != birth_surname)
    birth_surname[barrel] = birth_surname[barrel] + "-" + second[barrel]
    surname = birth_surname.copy()
    mother_first = (ut != SINGLE) & (h.pos == 0)
    married = mother_first & (rng.random(people) < np.where(ut == LONE_PARENT, 0.4, 0.7))
    surname[married] = unit_surname[married]
    # Married from a date: records before it carry the birth surname (a true change).
    married_on = np.full(people, ALWAYS)
    lo = np.maximum(dob + days(np.full(people, 18 * 365.25)), np.datetime64("2000-01-01"))
    married_on[married] = uniform_dates(rng, lo, np.datetime64("2024-06-30"))[married]
    # Children of two parents mostly take the father's surname, some the mother's own,
    # some both (double-barrelled).
    roll = rng.random(people)
    kid_mothers = ~is_adult & (ut == TWO_PARENTS) & (roll < 0.1)
    surname[kid_mothers] = birth_surname[first[kid_mothers]]
    kid_both = (
        ~is_adult
        & (ut == TWO_PARENTS)
        & (roll >= 0.1)
        & (roll < 0.16)
        & (birth_surname[first] != unit_surname)
    )
    surname[kid_both] = unit_surname[kid_both] + "-" + birth_surname[first[kid_both]]
    surname[kid_both] = np.array(
        [s.split("-")[0] + "-" + s.split("-")[-1] for s in surname[kid_both]], dtype=object
    )
    birth_surname[kid_mothers | kid_both] = surname[kid_mothers | kid_both]
    return surname, birth_surname, married_on


def _all_forenames(
    rng, sex: np.ndarray, group: np.ndarray, second_twins: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Up to three forenames ("" for none); a second-born twin never shares the first
    name of the twin born before."""
    people = len(sex)
    forename1 = _forenames(rng, sex, group)
    forename2 = _forenames(rng, sex, group)
    forename3 = _forenames(rng, sex, group)
    forename2 = np.where((rng.random(people) < 0.6) & (forename2 != forename1), forename2, "")
    forename3 = np.where(
        (forename2 != "") & (rng.random(people) < 0.12) & (forename3 != forename2), forename3, ""
    )
    for i in second_twins:
        if forename1[i] == forename1[i - 1]:
            values, _ = names.vocab("male" if sex[i] == MALE else "female", group[i])
            j = int(np.flatnonzero(values == forename1[i])[0])
            forename1[i] = values[(j + 1) % len(values)]
    return forename1, forename2, forename3


def _addresses(rng, n_units: int, people: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per household: moved_in dates, postcodes and address lines of up to four addresses,
    moving on random dates."""
    n_moves = rng.choice(ADDRESS_SLOTS, size=n_units, p=[0.35, 0.3, 0.2, 0.15])
    moves = np.sort(
        uniform_dates(
            rng,
            np.full((n_units, ADDRESS_SLOTS - 1), np.datetime64("2008-01-01")),
            np.datetime64("2026-12-31"),
        ),
        axis=1,
    )
    moves = np.where(np.arange(ADDRESS_SLOTS - 1)[None, :] < n_moves[:, None], moves, NEVER)
    moves = np.sort(moves, axis=1)
    moved_in = np.concatenate([np.full((n_units, 1), ALWAYS), moves], axis=1)
    pool_pc, pool_street = _postcode_pool(rng, max(500, people // 2))
    pick = rng.integers(0, len(pool_pc), size=(n_units, ADDRESS_SLOTS))
    number = rng.integers(1, 200, size=(n_units, ADDRESS_SLOTS))
    street = pool_street[pick]
    address = np.array(
        [f"{n} {s}" for n, s in zip(number.ravel(), street.ravel(), strict=True)], dtype=object
    ).reshape(n_units, ADDRESS_SLOTS)
    return moved_in, pool_pc[pick], address


def generate_population(people: int, seed: int) -> Population:
    """Households, then per person sex, relations, date of birth, ethnicity, names and
    addresses, in that order from one random stream (the order fixes the output)."""
    rng = stream(seed, "population")
    h = _households(rng, people)
    sex = _sexes(rng, h)
    mother, father, partner = _relations(h)
    dob, twin, second_twins = _dates_of_birth(rng, h)
    ethnicity, group = _ethnicities(rng, h)
    surname, birth_surname, married_on = _surnames(rng, h, sex, dob, group)
    forename1, forename2, forename3 = _all_forenames(rng, sex, group, second_twins)
    moved_in, postcode, address = _addresses(rng, h.n_units, people)
    return Population(
        sex=sex,
        dob=dob.astype("datetime64[D]"),
        forename1=forename1.astype(object),
        forename2=forename2.astype(object),
        forename3=forename3.astype(object),
        surname=surname,
        birth_surname=birth_surname,
        married_on=married_on.astype("datetime64[D]"),
        ethnicity=ethnicity,
        unit=h.unit,
        unit_type=h.unit_type,
        is_adult=h.is_adult,
        mother=mother,
        father=father,
        partner=partner,
        twin=twin,
        moved_in=moved_in[h.unit],
        postcode=postcode[h.unit],
        address=address[h.unit],
    )
