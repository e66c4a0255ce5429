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


# --- the same pseudonyms computed in DuckDB (research tables built in the engine) ----------
# HMAC-SHA256 spelt out with DuckDB's sha256: H((K ^ opad) || H((K ^ ipad) || m)). The key
# reaches the connection only as two session variables set by parameter, never in SQL text
# (so never in an error message). tests/research/test_keys_and_pseudonyms.py holds it to
# pseudonym() above.

_IPAD, _OPAD = "xjs_hmac_ipad", "xjs_hmac_opad"


def _pads(key: bytes) -> tuple[bytes, bytes]:
    block = hashlib.sha256().block_size
    k = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    return bytes(b ^ 0x36 for b in k), bytes(b ^ 0x5C for b in k)


def use_key(con, key: bytes) -> None:
    """Make pseudonym_sql() usable on this connection under this key."""
    ipad, opad = _pads(key)
    con.execute(f"set variable {_IPAD} = ?::blob", [ipad])
    con.execute(f"set variable {_OPAD} = ?::blob", [opad])


def pseudonym_sql(kind: str, value_sql: str) -> str:
    """SQL for pseudonym(key, kind, value) of a column expression (null stays null)."""
    domain, prefix = KINDS[kind]
    message = f"encode('{domain}' || chr(31) || cast({value_sql} as varchar))"
    inner = f"unhex(sha256(getvariable('{_IPAD}') || {message}))"
    return f"('{prefix}' || substr(sha256(getvariable('{_OPAD}') || {inner}), 1, {HEX_CHARS}))"


def record_pseudonym_sql(source_table_sql: str, record_id_sql: str) -> str:
    """SQL for the record pseudonym of (source_table, record_id), as pseudonymise_records."""
    value = f"cast({source_table_sql} as varchar) || chr(31) || cast({record_id_sql} as varchar)"
    return pseudonym_sql("record", value)
