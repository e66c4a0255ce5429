"""Building and publishing one research release: releases/<R>/research/.

warehouse (staging, journey marts) and linkage/xjs_link.parquet -> pseudonymised, coarsened
tables -> Pandera gate -> disclosure-controlled aggregates -> dictionary,
linkage quality, README, manifest, all in a temporary folder -> identifier scan
and disclosure check of the finished folder -> atomic publish. The tables are
DuckDB queries streamed to Parquet in batches, each batch checked by the table's
Pandera schema on its way out (research.tables, research.publish.write_query); the
aggregates are counted in DuckDB. Python holds batches and aggregate cells only. Nothing is
visible at releases/<R>/research until both checks passed on the exact files
that get published. Errors carry table names, check names and counts, never a
row value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from contracts.validation import ValidationReport, validate
from research import aggregates, dictionary, disclosure, identifiers, pseudonyms, readme, schemas
from research import publish as pub
from research.coarsen import release_date
from research.keys import key_id
from research.tables import (
    JOURNEY_MARTS,
    SOURCES,
    journey_tables_sql,
    link_table_sql,
    source_table_sql,
)
from xjs import faults, layout
from xjs.limits import duckdb_limits
from xjs.stages import stage

LINKAGE_FILES = {"linkage": layout.METADATA_FILE, "evaluation": layout.EVALUATION_FILE}
QUALITY_FILE = "linkage_quality.json"
NOT_PUBLISHED = ("training",)  # model parameters and seeds: not counts of people, stay internal


class ResearchReleaseError(RuntimeError):
    """The release failed a gate; the message holds counts only."""


@dataclass
class ReleaseSummary:
    release_id: str
    path: Path  # releases/<R>/research (the link)
    folder: Path  # the immutable folder it points to
    key_id: str
    rows: dict[str, int] = field(default_factory=dict)
    cells: int = 0
    suppressed_cells: int = 0
    identifier_hits: int = 0


def paths() -> dict[str, str]:
    out = {"xjs_link": layout.XJS_LINK_FILE}
    out |= {s.table: f"records/{s.table}.parquet" for s in SOURCES}
    out |= {t: f"journeys/{t}.parquet" for t in JOURNEY_MARTS}
    out |= {a: f"aggregates/{a}.csv" for a in schemas.AGGREGATES}
    return out


def _numbers_only(data):
    """Counts and rates from a linkage JSON file: numeric leaves only, no paths or timings."""
    if isinstance(data, dict):
        kept = {
            k: _numbers_only(v)
            for k, v in data.items()
            if not any(word in k for word in ("seconds", "timings", "path"))
        }
        return {k: v for k, v in kept.items() if v not in (None, {})}
    if isinstance(data, bool):
        return None
    if isinstance(data, int | float):
        return data
    return None


def linkage_quality(linkage_dir: Path) -> dict:
    """Counts and rates of the linkage, disclosure-controlled: every count rounded to
    ROUNDING_BASE and withheld under THRESHOLD, every rate rounded (research.disclosure)."""
    out = {}
    for name, filename in LINKAGE_FILES.items():
        path = linkage_dir / filename
        if path.exists():
            data = json.loads(path.read_text())
            data = {k: v for k, v in data.items() if k not in NOT_PUBLISHED}
            out[name] = disclosure.protect_numbers(_numbers_only(data))
    return out


def disclosure_breaches(folder: Path) -> tuple[int, dict[str, int]]:
    """(cells checked, breaches per 'file: rule') of every count a research folder publishes:
    the aggregate tables and linkage_quality.json."""
    cells, failures = 0, {}
    for path in sorted((folder / "aggregates").glob("*.csv")):
        frame = pd.read_csv(path, dtype={"count": "Int64"}, keep_default_na=False, na_values=[""])
        cells += len(frame)
        for rule, count in disclosure.check(frame).items():
            if count:
                failures[f"{path.stem}: {rule}"] = count
    quality = folder / QUALITY_FILE
    if quality.exists():
        data = json.loads(quality.read_text(encoding="utf-8"))
        for rule, count in disclosure.check_numbers(data).items():
            if count:
                failures[f"{quality.stem}: {rule}"] = count
    return cells, failures


def verify_folder(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    """Both gates of a research folder, on its files as written: identifier values found
    and disclosure breaches, per 'file: problem' (empty: the folder may be published)."""
    found = identifiers.scan(con, folder)
    problems = {f"{path}: identifier values": n for path, n in found.items()}
    return problems | disclosure_breaches(folder)[1]


ARROW_TYPES = {
    "string": pa.string(),
    "Int64": pa.int64(),
    "Float64": pa.float64(),
    "boolean": pa.bool_(),
}
PANDAS_TYPES = {
    pa.string(): pd.StringDtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.float64(): pd.Float64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a research table's Parquet file (what pandas' dtypes become)."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.dtype]) for c in schemas.columns(table)])


class _Gate:
    """A table's Pandera schema over every batch written: failures summed per check."""

    def __init__(self, table: str):
        self.schema = schemas.schema(table)
        self.report = ValidationReport(rows=0)

    def __call__(self, batch: pa.Table) -> None:
        frame = batch.to_pandas(types_mapper=PANDAS_TYPES.get)
        found = validate(self.schema, frame)
        self.report.rows += found.rows
        for check, n in found.failures.items():
            self.report.failures[check] = self.report.failures.get(check, 0) + n


def _gate_aggregates(protected) -> list[str]:
    failures = []
    for table in protected:
        frame = table.to_frame()
        report = validate(schemas.aggregate_schema(table.name), frame)
        breaches = {k: v for k, v in disclosure.check(frame).items() if v}
        if not report.passed or breaches:
            failures.append(f"{table.name}: {report.summary()}; disclosure {breaches}")
    return failures


def build(
    con: duckdb.DuckDBPyConnection, release_id: str, key: bytes, linkage_dir: Path, out: Path
):
    """Write the whole release into `out` (an empty folder); returns (rows, protected).

    con: the release's warehouse (read only is enough)."""
    when = release_date(release_id)
    link_path = linkage_dir / layout.XJS_LINK_FILE  # the one copy of the lookup, checked
    pseudonyms.use_key(con, key)
    queries = {"xjs_link": link_table_sql(link_path)}
    queries |= {s.table: source_table_sql(s, when, link_path) for s in SOURCES}
    queries |= journey_tables_sql(when)
    with stage("research_release:aggregates"):
        protected = aggregates.protected_tables(con, when)
        failures = _gate_aggregates(protected)
    if failures:
        raise ResearchReleaseError("research tables failed their gate: " + "; ".join(failures))

    where = paths()
    rows = {}
    with stage("research_release:tables"):
        for table, sql in queries.items():
            faults.kill_point(f"research:before_table:{table}")
            gate = _Gate(table)
            rows[table] = pub.write_query(con, sql, out / where[table], arrow_schema(table), gate)
            if not gate.report.passed:
                failures.append(f"{table}: {gate.report.summary()}")
            faults.kill_point(f"research:after_table:{table}")
    if failures:
        raise ResearchReleaseError("research tables failed their gate: " + "; ".join(failures))
    for table in protected:
        pub.write_csv(table.to_frame(), out / where[table.name])
    rows |= {t.name: t.cells for t in protected}
    entries = dictionary.dictionary(where, rows)
    pub.write_json(entries, out / "data_dictionary.json")
    pub.write_text(dictionary.markdown(entries), out / "data_dictionary.md")
    pub.write_json(linkage_quality(linkage_dir), out / QUALITY_FILE)
    cells = sum(t.cells for t in protected)
    suppressed = sum(t.suppressed_cells for t in protected)
    pub.write_text(
        readme.render(release_id, key_id(key), rows, where, cells, suppressed), out / "README.md"
    )
    manifest = {
        "release_id": release_id,
        "key_id": key_id(key),
        "pseudonym_scheme": pseudonyms.SCHEME,
        "disclosure": {
            "threshold": disclosure.THRESHOLD,
            "rounding_base": disclosure.ROUNDING_BASE,
            "cells": cells,
            "suppressed_cells": suppressed,
        },
        "tables": rows,
        "files": pub.file_entries(out),
    }
    faults.kill_point("research:before_manifest")
    pub.write_json(manifest, out / pub.MANIFEST)
    return rows, protected


def connect_warehouse(root: Path, release_id: str) -> duckdb.DuckDBPyConnection:
    """The release's warehouse, read only, with the configured limits (xjs.limits)."""
    return duckdb_limits(root).connect(str(layout.warehouse_path(root, release_id)), read_only=True)


def publish_release(root: Path, release_id: str, key: bytes) -> ReleaseSummary:
    """Build, check and atomically publish releases/<R>/research from the release's warehouse."""
    link = layout.research_dir(root, release_id)
    tmp = pub.temporary_folder(link.parent)
    try:
        con = connect_warehouse(root, release_id)
        try:
            rows, protected = build(con, release_id, key, layout.linkage_dir(root, release_id), tmp)
            with stage("research_release:verify"):
                problems = verify_folder(con, tmp)  # the finished folder, before the swap
        finally:
            con.close()
        if problems:
            raise ResearchReleaseError(
                f"the research release failed its checks ({len(problems)} problems: "
                f"{problems}); nothing published"
            )
        pub.record_scan(tmp)
        folder = pub.publish(tmp, link)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReleaseSummary(
        release_id=release_id,
        path=link,
        folder=folder,
        key_id=key_id(key),
        rows=rows,
        cells=sum(t.cells for t in protected),
        suppressed_cells=sum(t.suppressed_cells for t in protected),
    )
