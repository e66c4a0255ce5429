"""Keyed pseudonyms: HMAC-SHA256 of an internal id under the release key.

Only internal ids are ever hashed (person_id, cluster ids, source_table with
record_id, source_table with case reference), never names, dates or source
identifiers, and every kind has its own domain label so the same string
hashed as a person and as a record gives unrelated pseudonyms. 80 bits of the
digest are kept: collisions are negligible below 10^9 values.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

SCHEME = "HMAC-SHA256, 80-bit truncation, v1"
HEX_CHARS = 20
# kind -> (domain label, prefix of the released value)
KINDS = {
    "person": ("xjs/person/v1", "RP"),
    "record": ("xjs/record/v1", "RR"),
    "case": ("xjs/case/v1", "RC"),
    "cluster_high": ("xjs/cluster_high/v1", "RH"),
    "cluster_low": ("xjs/cluster_low/v1", "RL"),
}


def pattern(kind: str) -> str:
    return rf"^{KINDS[kind][1]}[0-9a-f]{{{HEX_CHARS}}}$"


def pseudonym(key: bytes, kind: str, value: str) -> str:
    domain, prefix = KINDS[kind]
    digest = hmac.digest(key, f"{domain}\x1f{value}".encode(), hashlib.sha256)
    return prefix + digest.hex()[:HEX_CHARS]


def pseudonymise(key: bytes, kind: str, values: pd.Series) -> pd.Series:
    """Pseudonyms for a column of ids (nulls stay null); each distinct id hashed once."""
    distinct = values.dropna().unique()
    mapping = {v: pseudonym(key, kind, str(v)) for v in distinct}
    return values.map(mapping).astype("string")


def pseudonymise_records(key: bytes, source_table: pd.Series, record_id: pd.Series) -> pd.Series:
    """Record pseudonyms: (source_table, record_id) identifies a record everywhere."""
    return pseudonymise(key, "record", source_table.astype(str) + "\x1f" + record_id.astype(str))
