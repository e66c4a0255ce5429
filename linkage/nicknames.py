"""Forename diminutives, folded into the forename array.

A defendant keyed as DAVE in one court and DAVID in another is one person; the
Jaro-Winkler levels miss such pairs and the relatives guard (relatives.py) would
even push them apart. Each diminutive maps to its formal name(s); features.py
adds the formal names to forename_arr, so DAVE ~ DAVID meet at the alias level.

The pairs come from the curated `nicknames` library (carltonnorthern/nicknames,
English names and their diminutives), not a hand-made list.
"""

from __future__ import annotations

from functools import cache


@cache
def nickname_rows() -> list[tuple[str, str]]:
    """(short, formal) pairs, upper case, one per diminutive and formal name it may stand for."""
    from nicknames import NickNamer

    lookup = NickNamer().nickname_lookup  # formal (lower case) -> its diminutives
    return sorted(
        {
            (short.upper(), formal.upper())
            for formal, shorts in lookup.items()
            for short in shorts
            if short.isalpha() and formal.isalpha() and short != formal
        }
    )
