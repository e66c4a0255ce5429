"""Identifier formats of the data contract: PNC, CRO, NOMS number, CRN.

PNC `YYYY/NNNNNNNC` (long) or `YY/NNNNNNNC` (short) and CRO `NNNNNN/YYC` end in
a check letter: CHECK_LETTERS[int(YY + serial) mod 23], where YY is the
two-digit year and serial the digits as written (zero-padded). The dbt macros
(dbt_project/macros/identifiers.sql) implement the same rule in SQL; tests
hold the two to each other.
"""

from __future__ import annotations

import re

CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
PNC_LONG = re.compile(r"^(\d{4})/(\d{7})([A-Z])$")
PNC_SHORT = re.compile(r"^(\d{2})/(\d{7})([A-Z])$")
CRO = re.compile(r"^(\d{6})/(\d{2})([A-Z])$")
NOMS_NUMBER = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")
CRN = re.compile(r"^[A-Z]\d{6}$")


def check_letter(yy: str, serial: str) -> str:
    return CHECK_LETTERS[int(yy + serial) % 23]


def pnc_long(year: int, serial: int) -> str:
    """A valid long-form PNC for a four-digit year and a serial below 10**7."""
    yy, digits = f"{year % 100:02d}", f"{serial:07d}"
    return f"{year:04d}/{digits}{check_letter(yy, digits)}"


def pnc_short(year: int, serial: int) -> str:
    yy, digits = f"{year % 100:02d}", f"{serial:07d}"
    return f"{yy}/{digits}{check_letter(yy, digits)}"


def cro_number(year: int, serial: int) -> str:
    """A valid CRO number for a year and a serial below 10**6."""
    yy, digits = f"{year % 100:02d}", f"{serial:06d}"
    return f"{digits}/{yy}{check_letter(yy, digits)}"


def is_valid_pnc(value: str) -> bool:
    for pattern in (PNC_LONG, PNC_SHORT):
        m = pattern.match(value)
        if m:
            year, serial, letter = m.groups()
            return check_letter(year[-2:], serial) == letter
    return False


def is_valid_cro(value: str) -> bool:
    m = CRO.match(value)
    return bool(m) and check_letter(m.group(2), m.group(1)) == m.group(3)
