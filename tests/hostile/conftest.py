"""The base drop of the hostile suite: small, valid, generated once per session.

Rows 0..MARKED_ROWS-1 of every table carry MARKER in their names, so any case
that corrupts one of them can assert the marker reaches no message or log.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from hostile_cases import (
    MARKED_COLUMNS,
    MARKED_ROWS,
    MARKER,
    PEOPLE,
    RELEASE,
    SEED,
    csv_rows,
    csv_text,
    parquet,
    write_bytes,
    write_parquet,
)

from contracts.landing import LANDING_TABLES
from synthetic import generate_drop
from xjs import drops


def _plant_marker(root: Path) -> None:
    manifest = drops.read_manifest(root, RELEASE)
    for table in manifest.files:
        columns = MARKED_COLUMNS[table]
        if LANDING_TABLES[table].format == "csv":
            rows = csv_rows(root, table)
            for row in rows[1 : MARKED_ROWS + 1]:
                for column in columns:
                    row[rows[0].index(column)] = MARKER
            write_bytes(root, table, csv_text(rows).encode("utf-8"))
        else:
            data = parquet(root, table)
            marked = min(MARKED_ROWS, data.num_rows)
            for column in columns:
                index = data.schema.get_field_index(column)
                values = data.column(index).to_pylist()
                values[:marked] = [MARKER] * marked
                data = data.set_column(index, column, pa.array(values, pa.string()))
            write_parquet(root, table, data)


@pytest.fixture(scope="session")
def hostile_base(tmp_path_factory) -> Path:
    """A valid drop with MARKER planted. Treat as read-only."""
    root = tmp_path_factory.mktemp("hostile_base")
    generate_drop(root, RELEASE, people=PEOPLE, seed=SEED)
    _plant_marker(root)
    drops.verify_drop(root, RELEASE)  # still valid
    return root


@pytest.fixture
def hostile_copy(hostile_base, tmp_path) -> Path:
    """A private copy of the base drop that a case may corrupt."""
    root = tmp_path / "data"
    shutil.copytree(hostile_base, root, symlinks=True)
    return root
