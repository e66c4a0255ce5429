"""Generate a synthetic data drop: population -> journeys -> source records -> noise -> files.

The whole history is generated from (seed, people) alone; a release only takes
the snapshot of it known at the end of its month. So later releases of the same
seed and population hold the same records (same record ids) plus new ones.
"""

from __future__ import annotations

import calendar
import logging
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from contracts.landing import (
    CIVIL,
    CROWN,
    FAMILY,
    LANDING_TABLES,
    MAGISTRATES,
    OASYS,
    PERSON_RECORD_TABLES,
    PRISON_JOURNEYS,
    PROBATION,
)
from synthetic import sources
from synthetic.criminal import generate_criminal
from synthetic.family_civil import generate_civil, generate_family
from synthetic.population import Population, generate_population
from synthetic.rates import DATASET_START, profile_rates
from synthetic.writers import manifest_bytes, parquet_bytes, table_bytes, write_atomic
from xjs.layout import (
    check_release_id,
    landing_dir,
    mags_crown_truth_path,
    manifest_path,
    truth_path,
)

log = logging.getLogger(__name__)

TRUTH_SCHEMA = pa.schema(
    [("source_table", pa.string()), ("record_id", pa.string()), ("person_id", pa.string())]
)
ERRORS_SCHEMA = pa.schema(
    [("source_table", pa.string()), ("record_id", pa.string()), ("error_type", pa.string())]
)
MAGS_CROWN_SCHEMA = pa.schema(
    [("crown_record_id", pa.string()), ("magistrates_record_id", pa.string())]
)
ERRORS_NAME = "errors.parquet"


@dataclass(frozen=True)
class DropSummary:
    release_id: str
    snapshot_date: date
    landing_dir: Path
    manifest_path: Path
    truth_path: Path
    rows: dict[str, int]  # rows per landing table in the drop (absent tables not listed)
    truth_rows: int
    people: int  # distinct people with at least one record in the snapshot
    errors_path: Path | None = None  # truth/<R>/errors.parquet: injected errors per record
    error_rows: int = 0
    mags_crown_path: Path | None = None  # truth/<R>/mags_crown_truth.parquet


def snapshot_date(release_id: str) -> date:
    """The last day of the release's month: `2024-12` and `2024-12-r2` -> 2024-12-31."""
    check_release_id(release_id)
    year, month = int(release_id[:4]), int(release_id[5:7])
    return date(year, month, calendar.monthrange(year, month)[1])


def created_at(release_id: str) -> str:
    """When the extract was taken: the 9th of the next month, later for a re-issue."""
    extracted = snapshot_date(release_id) + timedelta(days=9)
    suffix = release_id[8:]
    if suffix:
        extracted += timedelta(days=1 + zlib.crc32(suffix.encode()) % 14)
    return datetime(extracted.year, extracted.month, extracted.day, 10).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


@lru_cache(maxsize=1)
def build_tables(
    people: int, seed: int, errors: str = "default"
) -> tuple[Population, dict[str, sources.SourceTable], np.ndarray]:
    """The full history of every table (cached: several releases of one run share it),
    and for each Crown Court row the magistrates' row it came from (-1 if none).
    `errors` is the error profile (rates.ERROR_PROFILES): the same people and events,
    keyed with that profile's rates."""
    if people < 1:
        raise ValueError("people must be at least 1")
    r = profile_rates(errors)
    pop = generate_population(people, seed)
    crim = generate_criminal(pop, seed)
    fam, civ = generate_family(pop, seed, crim.cases), generate_civil(pop, seed, crim.cases)
    tables = {
        "magistrates_defendants": sources.magistrates(pop, crim, seed, r[MAGISTRATES.name]),
        "crown_defendants": sources.crown(pop, crim, seed, r[CROWN.name]),
        "family_parties": sources.family(pop, fam, seed, r[FAMILY.name]),
        "civil_parties": sources.civil(pop, civ, seed, r[CIVIL.name]),
        "probation_events": sources.probation(pop, crim, seed, r[PROBATION.name]),
        "prison_journeys": sources.prison_journeys(pop, crim, seed, r[PRISON_JOURNEYS.name]),
        "prison_aliases": sources.prison_aliases(pop, crim, seed),
        "oasys_assessments": sources.oasys(pop, crim, seed, r[OASYS.name]),
    }
    assert list(tables) == list(LANDING_TABLES)
    return pop, tables, crim.crown.mags_row.values.astype(np.int64)


def in_drop(table: str, release_id: str) -> bool:
    """Datasets joined at different releases (rates.DATASET_START); before that, no file."""
    return release_id >= DATASET_START[table]


def generate_drop(
    data_dir: Path, release_id: str, people: int, seed: int, errors: str = "default"
) -> DropSummary:
    """Write landing/<release_id>/ (eight tables, manifest last) and truth/<release_id>/,
    keyed with the `errors` profile (default or hard: rates.ERROR_PROFILES)."""
    root = Path(data_dir)
    as_of = snapshot_date(release_id)
    _, tables, mags_row = build_tables(people, seed, errors)
    out = landing_dir(root, release_id)
    out.mkdir(parents=True, exist_ok=True)
    manifest = manifest_path(root, release_id)
    manifest.unlink(missing_ok=True)  # the drop is incomplete while it is rewritten

    files, rows, truth = [], {}, {"source_table": [], "record_id": [], "person_id": []}
    errors = {"source_table": [], "record_id": [], "error_type": []}
    links = {"crown_record_id": [], "magistrates_record_id": []}
    for name, spec in LANDING_TABLES.items():
        if not in_drop(name, release_id):
            (out / spec.filename).unlink(missing_ok=True)  # a rewrite must not leave it behind
            continue
        columns, person = tables[name].snapshot(np.datetime64(as_of))
        data = table_bytes(spec, columns)
        sha = write_atomic(out / spec.filename, data)
        n = len(columns[spec.key])
        rows[name] = n
        files.append(
            {"table": name, "path": spec.filename, "format": spec.format, "rows": n, "sha256": sha}
        )
        if name in PERSON_RECORD_TABLES:
            is_person = person >= 0
            truth["source_table"] += [name] * int(is_person.sum())
            truth["record_id"] += list(columns["record_id"][is_person])
            truth["person_id"] += list(Population.person_id(person[is_person]))
            at, types = tables[name].snapshot_errors(np.datetime64(as_of))
            errors["source_table"] += [name] * len(at)
            errors["record_id"] += list(columns["record_id"][at])
            errors["error_type"] += types
        if name == "crown_defendants":
            keep = np.flatnonzero(tables[name].date <= np.datetime64(as_of))
            came = keep[mags_row[keep] >= 0]
            links["crown_record_id"] = [f"XHB{i:08d}" for i in came]
            links["magistrates_record_id"] = [f"LIB{i:08d}" for i in mags_row[came]]
        log.info("wrote %s: %d rows", name, n)

    truth_file = truth_path(root, release_id)
    truth_table = pa.Table.from_pydict(truth, schema=TRUTH_SCHEMA)
    write_atomic(truth_file, parquet_bytes(truth_table))
    errors_file = truth_file.with_name(ERRORS_NAME)
    write_atomic(errors_file, parquet_bytes(pa.Table.from_pydict(errors, schema=ERRORS_SCHEMA)))
    links_file = mags_crown_truth_path(root, release_id)
    write_atomic(links_file, parquet_bytes(pa.Table.from_pydict(links, schema=MAGS_CROWN_SCHEMA)))
    write_atomic(manifest, manifest_bytes(release_id, created_at(release_id), files))
    return DropSummary(
        release_id=release_id,
        snapshot_date=as_of,
        landing_dir=out,
        manifest_path=manifest,
        truth_path=truth_file,
        rows=rows,
        truth_rows=truth_table.num_rows,
        people=len(set(truth["person_id"])),
        errors_path=errors_file,
        error_rows=len(errors["record_id"]),
        mags_crown_path=links_file,
    )
