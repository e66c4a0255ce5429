"""What may be said about a failure: one scrubbing function for every error text.

A message goes into logs, metadata or a run summary only through `scrub()`.
The project's own errors (DropError and the like, built from file names,
counts and reason codes) pass as they are. Everything else -- DuckDB's
conversion and constraint errors, Arrow's CSV errors, dbt's error text -- may
quote the row it choked on, so it is reduced to its class and the names of the
objects involved: quoted literals that are not names known to the contract
become `'…'`, what follows "Could not convert string" and the like is cut,
lines that echo the input (DuckDB's `LINE n:` context and caret lines) are
dropped. Never the exception chain: a safe error's cause need not be safe.

Plain Python: no Dagster, no dbt.
"""

from __future__ import annotations

import re

from contracts.defects import QUARANTINE_COLUMNS, QUARANTINE_SCHEMA, QUARANTINE_TABLE
from contracts.landing import LANDING_SCHEMA, LANDING_TABLES

REDACTED = "…"
MAX_CHARS = 600  # a message longer than this is cut: the full story is in the log file

# Errors whose messages the project builds from names, counts and reason codes only.
SAFE_ERROR_NAMES = frozenset(
    {
        "DropError",
        "PseudonymKeyError",
        "ResearchReleaseError",
        "ScrubbedError",
        "Failure",  # dg.Failure: its description is written by an asset of this project
    }
)

SCHEMAS = (LANDING_SCHEMA, "staging", "intermediate", "marts", "linkage", QUARANTINE_SCHEMA)
KNOWN_NAMES = frozenset(
    {
        *SCHEMAS,
        *LANDING_TABLES,
        *(column for table in LANDING_TABLES.values() for column in table.columns),
        *QUARANTINE_COLUMNS,
        QUARANTINE_TABLE,
        "source_table",
        "unique_id",
        "person_id",
        "cluster_high",
        "cluster_low",
        "match_confidence",
    }
)
# dbt models and tests of the project: stg_<source>__<entity>, int_*, research_*, ...
MODEL_NAME = re.compile(r"(stg|int|research|mags|not_null|unique|accepted_values)_[a-z0-9_]+")
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
CODE_PATH = re.compile(r"/[\w./-]+\.py")  # a stack frame's file: code, not data

# Phrases after which DuckDB and Arrow quote the value: the rest of the line goes.
_VALUE_FOLLOWS = [
    (re.compile(r"(Could not convert string ).*?( to [A-Z][A-Z0-9_\[\]()., ]*)$"), r"\1…\2"),
    (re.compile(r"(Could not convert\b)(?! string … to ).*$"), r"\1 …"),
    (re.compile(r"(Could not (?:parse|cast)\b).*$"), r"\1 …"),
    (re.compile(r"(with value ).*?( can't be cast)"), r"\1…\2"),
    (re.compile(r"(Expected \d+ columns, got \d+)\s*:.*$"), r"\1: …"),
    (re.compile(r"(\b[Rr]ow #?\d+\s*:).*$"), r"\1 …"),
    (re.compile(r"(invalid value\b).*$"), r"\1 …"),
    (re.compile(r"(Failing row contains\b).*$"), r"\1 …"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ECHO_LINE = re.compile(r"^\s*LINE \d+:")
_CARET_LINE = re.compile(r"^\s*\^+\s*$")
_QUOTED = re.compile(r"'(?:[^'\n]|'')*'|\"(?:[^\"\n]|\"\")*\"")
_CONTRACTION = re.compile(r"\b(can|don|doesn|isn|won|didn|couldn|wasn|aren|hasn|shouldn)'t\b")
# a private-use character stands in for the apostrophe of a contraction while quotes are matched
_APOSTROPHE = "\ue000"
_DBT_COMMAND = re.compile(r"`(dbt \w+)[^`]*`")


def is_known_name(text: str, extra: frozenset[str] = frozenset()) -> bool:
    """A name the contract, the dbt project or the caller knows: safe to quote."""
    if CODE_PATH.fullmatch(text):
        return True
    parts = re.split(r"[./:]", text)
    return all(
        p in KNOWN_NAMES or p in extra or (IDENTIFIER.fullmatch(p) and MODEL_NAME.fullmatch(p))
        for p in parts
    )


def _scrub_line(line: str, extra: frozenset[str]) -> str:
    for pattern, replacement in _VALUE_FOLLOWS:
        line = pattern.sub(replacement, line)
    line = _CONTRACTION.sub(lambda m: m.group(1) + _APOSTROPHE + "t", line)

    def quoted(match: re.Match) -> str:
        text, quote = match.group(0)[1:-1], match.group(0)[0]
        return match.group(0) if is_known_name(text, extra) else f"{quote}{REDACTED}{quote}"

    line = _QUOTED.sub(quoted, line)
    # an unmatched quote is a value with a quote in it (O'BRIEN): cut from the first quote
    for quote in ("'", '"'):
        if _QUOTED.sub("", line).count(quote):
            line = line[: line.find(quote)] + REDACTED
    return line.replace(_APOSTROPHE, "'")


def _scrub_text(text: str, extra: frozenset[str]) -> str:
    text = _CONTROL.sub("?", text.replace(_APOSTROPHE, "?"))
    text = _DBT_COMMAND.sub(r"`\1 …`", text)
    lines = text.splitlines()
    kept = []
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _ECHO_LINE.match(line) or _CARET_LINE.match(line) or _CARET_LINE.match(following):
            continue  # DuckDB echoes the statement or the value above a caret line
        kept.append(_scrub_line(line, extra))
    out = "\n".join(kept).strip()
    out = re.sub(r"\n{3,}", "\n\n", out)
    return out if len(out) <= MAX_CHARS else out[: MAX_CHARS - 1] + REDACTED


def scrub(
    error: BaseException | str,
    *,
    cls_name: str | None = None,
    known_names: frozenset[str] | set[str] = frozenset(),
) -> str:
    """What may be said about `error` (an exception, or a message with its class name).

    Safe errors (SAFE_ERROR_NAMES, by class name: a serialised error has no
    class object) come back as `message`; anything else as `Class: scrubbed
    message`, with the names in `known_names` kept besides the contract's.
    A plain string without `cls_name` is scrubbed as text.
    """
    if isinstance(error, BaseException):
        cls_name = cls_name or type(error).__name__
        message = str(error)
    else:
        message = error
    extra = frozenset(known_names)
    if cls_name in SAFE_ERROR_NAMES:
        return message.strip()
    scrubbed = _scrub_text(message, extra)
    if cls_name is None:
        return scrubbed
    return f"{cls_name}: {scrubbed}" if scrubbed else cls_name


class ScrubbedError(RuntimeError):
    """An error re-raised with a scrubbed message and no chain (`raise ... from None`)."""

    def __init__(self, error: BaseException, known_names: frozenset[str] = frozenset()):
        super().__init__(scrub(error, known_names=known_names))
        self.original_class = type(error).__name__
