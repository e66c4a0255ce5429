"""Name variants from the generator's own rules, independent of the linkage's tables.

The linkage resolves nicknames with the `nicknames` package (linkage/nicknames.py);
the generator must not draw from the same table, or the model is scored on the
world it was built for. So every variant here comes from rules written for the
generator:

- `diminutives`: the first syllable of a forename (Christopher -> Chris, Richard ->
  Rick), with -y / -ie / -o endings (Chrissy, Ricky, Jonno), or the stressed second
  syllable of a vowel-initial name (Elizabeth -> Liz, Lizzie);
- `sound_alikes`: other spellings of the same sound: names of a wider vocabulary
  (our lists plus `OTHER_SPELLINGS`) with the same NYSIIS and metaphone codes
  (jellyfish), and rule-based respellings (ph/f, ck/k, ie/y, doubled letters, ...);
- `transliterations`: romanisation variants of South Asian, Arabic, African and
  east European names (Mohammed -> Muhammad, Mohamed; Yusuf -> Yousef;
  Wojcik -> Vojcik), by vowel and consonant rules.

Each function maps one name to a sorted tuple of variants (empty when none) and is
cached: callers look up distinct values only (noise.py), never row by row.
"""

from __future__ import annotations

import re
from functools import cache

import jellyfish

from synthetic.names import FEMALE_FORENAMES, MALE_FORENAMES, NAME_GROUPS, SURNAMES, words

VOWELS = set("aeiou")
MIN_LENGTH = 3  # shorter variants do not look like keyed names (an initial is its own error)
NO_DOUBLING = set("hjkqvwxy")  # letters not doubled before an ending (Alexie, not Alexxie)

# Real alternative spellings of names in our lists: the wider vocabulary the sound-alike
# model picks from (a name keyed as the clerk heard it).
OTHER_FORENAMES = words(
    """Stevan Phillip Filip Jon Jonathon Johnathan Jonothan Shawn Shane Kathryn Katharine
    Cathryn Kathrine Anne Clare Clair Nichola Rebekah Zoey Haley Hailey Kayley Kaylee
    Jemma Jody Stacy Stacie Tracy Leann Lianne Kirstie Kirstey Carley Carlie Kerrie
    Daniele Nathalie Jasmin Yasmin Meghan Meagan Elly Lucie Sophy Mollie Milly Evey
    Mathew Antony Jeffrey Geoffrey Kraig Garry Barrie Neal Iain Graeme Stewart Allan
    Bryan Collin Deane Leigh Darran Kieron Ciaran Conor Calum Aron Reese Rhys Tylor Kile
    Alfy Harvie Micheal Davyd Marc Markus Lea Mohamad Muhammed Mohammad Ahmad Hamzah
    Zayn Zane Umar Hasan Aasif Tarik Rizvan Faysal Shaheed Imraan Ameer Aamir Ebrahim
    Fatimah Fatma Aysha Aishah Mariam Miriam Zaynab Zeinab Khadijah Kadija Aminah Ameena
    Sanaa Nur Heena Nadiya Sayma Farrah Nasrin Parvin Perveen Sameena Pria Suneeta
    Harprit Gurprit Jasvinder Kuldeep Rajender Manjeet Harjeet Amandip Jasmit Emanuel
    Isaak Tyron Jerom Andrae Duane Dwane Shantelle Keysha Kiesha Tanesha Shaniece Tianna
    Naomie Pyotr Petr Kristof Pavel Mikhail Jacob Yakub Mateus Aleksander Oleksandr
    Dmitry Dimitri Andrey Mihail Iryna Olha Swetlana Natalya Nataliya Katarzina
    Magdalina Yusef Yousef Yousuf Osman Othman Abdee"""
)
OTHER_SURNAMES = words(
    """Smyth Tayler Browne Davys Evens Willson Johnstone Jonson Robison Tomson Thomsen
    Whyte Hughs Greene Lewes Harries Clerk Jakson Martyn Couper Morrice More Moor Muir
    Harison Morgen Scot Philips Phillipps Pryce Bennet Younge Griffith Mitchel Kelley
    Baily Bayley Collings Shawe Murphey Millar Marshal Andersen Simson Elis Addams
    Forster Powel Rodgers Grey Cambell Mathews Owens Holms Barns Russel Fischer Jenkyns
    Murrey Dickson Hervey Grahame Pierson Welsh Elliot Eliot Sanders Paine Pain Forde
    Pierce Pearse Brookes Laurence Reade Hewett Hewit Perrie Perrey Byrd Burd Husain
    Hossain Hussein Choudhury Chaudhry Chaudhary Rehman Udin Malick Mahmud Mehmood Ikbal
    Akhter Mia Kureshi Mensa Asanti Osey Adebayor Oluseun Kovalsky Kowalsky Novak
    Kaminsky Levandovsky Zielinsky Petroff Ivanoff Popesku Horvat Kovach"""
)


# Sound-alike respellings: (spelling, respelling), tried from the second letter on.
RESPELLINGS = [
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
    ("sen", "son"),
    ("ll", "l"),
    ("tt", "t"),
    ("nn", "n"),
    ("ss", "s"),
    ("l", "ll"),
    ("t", "tt"),
    ("n", "nn"),
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

# Romanisation variants, as regular expressions (the first match is rewritten): the
# vowels and doubled consonants of Arabic, Urdu, Bengali and Somali names written in
# Latin letters, and the consonants of Polish, Russian and Romanian ones.
ARABIC_SOUTH_ASIAN = [
    (r"(?<=.)o", "u"),  # Mohammed -> Muhammed
    (r"(?<=.)u", "o"),  # Yusuf -> Yosuf
    (r"^U", "O"),  # Usman -> Osman
    (r"^O", "U"),  # Omar -> Umar
    (r"e(?=[^aeiou]+$)", "a"),  # Ahmed -> Ahmad (the last vowel)
    (r"a(?=[^aeiou]+$)", "e"),  # Hassan -> Hassen
    (r"(?<=^.)a", "e"),  # Rahman -> Rehman (the first vowel)
    (r"ou", "u"),  # Yousuf -> Yusuf
    (r"(?<=.)u(?!u)", "ou"),  # Yusuf -> Yousuf
    (r"oo", "u"),  # Noor -> Nur
    (r"ee", "i"),  # Kuldeep -> Kuldip
    (r"(?<=[^aeiou])i(?=[^aeiou])", "ee"),  # Kuldip -> Kuldeep
    (r"ai", "ei"),  # Hussain -> Hussein
    (r"ai", "ay"),  # Zainab -> Zaynab
    (r"ei", "ai"),
    (r"([mdsl])\1", r"\1"),  # Mohammed -> Mohamed, Uddin -> Udin
    (r"(?<=[aeiou])([mdsl])(?=[aeiou])", r"\1\1"),  # Hamid -> Hammid
    (r"ah$", "a"),  # Aishah -> Aisha
    (r"a$", "ah"),  # Fatima -> Fatimah
    (r"^Q", "K"),  # Qureshi -> Kureshi
    (r"kh", "k"),  # Akhtar -> Aktar
    (r"(?<=.)dh", "d"),  # Chowdhury -> Chowdury
    (r"ph", "f"),
]
EAST_EUROPEAN = [
    (r"^W", "V"),  # Wojcik -> Vojcik
    (r"(?<=.)w", "v"),  # Pawel -> Pavel
    (r"sz", "sh"),  # Szymanski -> Shymanski
    (r"cz", "ch"),
    (r"ski$", "sky"),  # Kowalski -> Kowalsky
    (r"ov$", "off"),  # Petrov -> Petroff
    (r"^J", "Y"),  # Jakub -> Yakub
    (r"ks", "x"),  # Aleksandr -> Alexandr
    (r"x", "ks"),
    (r"(?<=.)j", "y"),  # Andrzej -> Andrzey
    (r"i$", "y"),  # Dmitri -> Dmitry
    (r"y$", "i"),
]


def _cap(name: str) -> str:
    return name[:1].upper() + name[1:]


def _is_vowel(name: str, i: int) -> bool:
    """A vowel letter, with y a vowel after a consonant (Kyle, but not Yusuf)."""
    c = name[i].lower()
    return c in VOWELS or (c == "y" and i > 0 and name[i - 1].lower() not in VOWELS)


def _first_syllable(name: str) -> str:
    """Onset, vowels and the consonant after them: Christopher -> Chris, Jonathan -> Jon,
    Richard -> Rick (ch -> ck), Matthew -> Matt, Alexander -> Alex, Andrew -> And.
    The name itself when no stem reads as a name (Grace: a soft c)."""
    i = 0
    while i < len(name) and not _is_vowel(name, i):
        i += 1
    while i < len(name) and _is_vowel(name, i):
        i += 1
    rest = name[i:].lower()
    if not rest or (rest[0] == "c" and rest[1:2] in ("e", "i", "y")):
        return name
    if rest.startswith("ch"):
        return name[:i] + "ck"
    if rest[:2] in ("tt", "ss", "ph", "ck"):
        coda = rest[:2]
    elif rest[0] in "lrh" and len(rest) > 1 and not _is_vowel(rest, 1) and rest[1] not in "hw":
        coda = rest[:2]  # Mark, Carl, John
    else:
        coda = rest[0]
    short = name[:i] + coda
    after = name[len(short) :].lower()
    if len(short) >= MIN_LENGTH or len(after) < 2:
        return short
    if _is_vowel(after, 0) and not _is_vowel(after, 1):  # Al + ex: Alex, El + iz: Eliz
        return short + after[:2]
    if not _is_vowel(after, 0) and after[0] not in "hwy":  # An + d: And, An + t: Ant
        return short + after[0]
    return name


def _with_ending(short: str, ending: str) -> str:
    """Sam + y -> Sammy, Chris + ie -> Chrissie, Matt + y -> Matty, Nic + y -> Nicky."""
    last = short[-1].lower()
    if last == "c":
        return short + "k" + ending
    single_vowel = len(short) >= 2 and short[-2].lower() in VOWELS
    single_vowel &= len(short) < 3 or short[-3].lower() not in VOWELS
    double = last not in NO_DOUBLING and single_vowel
    return short + (last if double else "") + ending


# Stems that read as words, not names: never offered.
NOT_NAMES = frozenset(words("Fart Farty Fartie Fat Fatty Fattie Big Biggy Biggie Commie Bus Bussy"))


@cache
def male_forenames() -> frozenset[str]:
    return frozenset(n for g in NAME_GROUPS for n in words(MALE_FORENAMES[g]))


@cache
def diminutives(name: str) -> tuple[str, ...]:
    """The generator's own diminutives of a forename (its rules, not a nickname table)."""
    if len(name) <= MIN_LENGTH:
        return ()
    stems = {_first_syllable(name)}
    # Elizabeth -> Liz, Alexander -> Lex: a vowel, one consonant, a vowel
    if len(name) >= 6 and _is_vowel(name, 0) and not _is_vowel(name, 1) and _is_vowel(name, 2):
        stems.add(_cap(_first_syllable(name[1:].lower())))
    out = set()
    for stem in stems:
        if len(stem) < MIN_LENGTH:
            continue
        out.add(stem)
        whole = stem == name and len(name) > 4  # no stem (Stacey): no Staceyie either
        if not whole and stem[-1].lower() not in "aeiouhwy":
            out.update(_with_ending(stem, e) for e in ("y", "ie"))
            if name in male_forenames():
                out.add(_with_ending(stem, "o"))
    return tuple(
        sorted(v for v in out if v != name and len(v) >= MIN_LENGTH and v not in NOT_NAMES)
    )


def _rewrites(name: str, rules) -> set[str]:
    """Every single rewrite of `name` by `rules`, each at its first place."""
    out = set()
    for old, new in rules:
        i = name.find(old, 1)
        if i >= 1:
            out.add(name[:i] + new + name[i + len(old) :])
    out.discard(name)
    return out


KINDS = ("forename", "surname")


@cache
def vocabulary(kind: str) -> tuple[str, ...]:
    """Every forename (or surname) of every list, plus the other spellings."""
    if kind == "surname":
        tables, names = (SURNAMES,), set(OTHER_SURNAMES)
    else:
        tables, names = (MALE_FORENAMES, FEMALE_FORENAMES), set(OTHER_FORENAMES)
    for table in tables:
        for group in NAME_GROUPS:
            names.update(words(table[group]))
    return tuple(sorted(n for n in names if "'" not in n))


def _first_vowel(name: str) -> str:
    return next((c for i, c in enumerate(name.lower()) if _is_vowel(name, i)), "")


def _sound(name: str) -> tuple[str, str]:
    return jellyfish.nysiis(name), jellyfish.metaphone(name)


@cache
def _by_sound(kind: str) -> dict[tuple[str, str], tuple[str, ...]]:
    groups: dict[tuple[str, str], list[str]] = {}
    for name in vocabulary(kind):
        groups.setdefault(_sound(name), []).append(name)
    return {k: tuple(v) for k, v in groups.items()}


def _ending(name: str) -> str:
    """The last letter sounded: a final silent e dropped (Clarke, Browne)."""
    name = name.lower()
    return name[-2] if name.endswith("e") and len(name) > 3 else name[-1]


def _same_sound(a: str, b: str) -> bool:
    """Beyond equal codes (which ignore vowels): the same first letter and first vowel
    (Hall is not Hill), the same ending (Alan is not Alina; Jodie is Jody; Clark is
    Clarke), at most two edits apart."""
    end_a, end_b = (_ending(v) for v in (a, b))
    return (
        a[0] == b[0]
        and _first_vowel(a) == _first_vowel(b)
        and (end_a == end_b or (end_a in "eiy" and end_b in "eiy"))
        and jellyfish.damerau_levenshtein_distance(a, b) <= 2
    )


@cache
def sound_alikes(name: str, kind: str) -> tuple[str, ...]:
    """Other spellings of the same sound: names of the `kind`'s wider vocabulary with the
    same NYSIIS and metaphone codes (`_same_sound`), and the rule-based respellings."""
    out = _rewrites(name, RESPELLINGS)
    out.update(
        o for o in _by_sound(kind).get(_sound(name), ()) if o != name and _same_sound(o, name)
    )
    return tuple(sorted(v for v in out if len(v) >= MIN_LENGTH))


# Three vowels in a row, a doubled u or a tripled letter: no romanisation writes these.
ODD = re.compile(r"[aeiou]{3}|uu|(.)\1\1", re.IGNORECASE)


# English-language names of the black and east European lists: no romanisation.
ENGLISH = frozenset(
    words(
        """Emmanuel Isaac Tyrone Marcus Andre Jerome Dwayne Junior Delroy Winston Clive
        Blessing Joy Precious Comfort Esther Faith Mercy Shanice Tanisha Chantelle Keisha
        Marcia Tiana Naomi Janet Henry Reid Adam Martin Jan Laura Maria Anna Gabriel"""
    )
)


def _group_names(group: str) -> set[str]:
    return {n for t in (SURNAMES, MALE_FORENAMES, FEMALE_FORENAMES) for n in words(t[group])}


@cache
def transliteration_rules(name: str) -> tuple[tuple[str, str], ...]:
    """The rules for a name of South Asian, African or east European origin (in those
    lists and not also in the British one, bar the commonest: Mohammed, Ali, Khan, ...);
    () for any other name."""
    british = _group_names("british") - {"Mohammed", "Ali", "Khan", "Patel", "Hussain", "Ahmed"}
    if name in british or name in ENGLISH:
        return ()
    if name in _group_names("east_european"):
        return tuple(EAST_EUROPEAN)
    if name in _group_names("south_asian") | _group_names("black"):
        return tuple(ARABIC_SOUTH_ASIAN)
    return ()


def _romanised(name: str, rules) -> set[str]:
    out = {re.sub(pattern, new, name, count=1) for pattern, new in rules}
    out.discard(name)
    return out


@cache
def transliterations(name: str) -> tuple[str, ...]:
    """Romanisation variants of a name of the relevant groups: one or two rules applied
    (Mohammed -> Muhammed, Mohammad, Mohamed, Muhammad, ...); () for other names."""
    rules = transliteration_rules(name)
    first = _romanised(name, rules)
    second = {v for f in first for v in _romanised(f, rules)}
    out = (first | second) - {name}
    return tuple(sorted(v for v in out if len(v) >= MIN_LENGTH and not ODD.search(v)))
