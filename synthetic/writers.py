"""Deterministic, atomic writers for a drop: CSV and Parquet per the contract, truth, manifest.

Bytes are built in memory, hashed, written to a temporary name and renamed, so a
reader never sees a half-written file, and the manifest (written last) only
appears once every file it lists is complete. Same input, same bytes: fixed
Parquet options, no timestamps in the files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from contracts.landing import LandingTable

PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
}


def csv_bytes(table: LandingTable, columns: dict[str, np.ndarray]) -> bytes:
    """UTF-8, comma, header, `"` quoting only where needed, empty string for missing."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=",", quotechar='"', lineterminator="\n")
    names = list(table.columns)
    writer.writerow(names)
    cols = [["" if v is None else str(v) for v in columns[c]] for c in names]
    writer.writerows(zip(*cols, strict=True))
    return buf.getvalue().encode("utf-8")


def arrow_table(schema: pa.Schema, columns: dict[str, np.ndarray]) -> pa.Table:
    arrays = [pa.array(columns[f.name], type=f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **PARQUET_OPTIONS)
    return sink.getvalue().to_pybytes()


def table_bytes(table: LandingTable, columns: dict[str, np.ndarray]) -> bytes:
    if table.format == "csv":
        return csv_bytes(table, columns)
    return parquet_bytes(arrow_table(table.arrow_schema, columns))


def write_atomic(path: Path, data: bytes) -> str:
    """Write via a temporary file and rename; returns the sha256 of the bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(release_id: str, created_at: str, files: list[dict]) -> bytes:
    doc = {"release_id": release_id, "created_at": created_at, "files": files}
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")
