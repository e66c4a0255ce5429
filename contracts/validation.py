"""Running a Pandera schema so that its report carries counts and reason codes only.

Pandera's failure cases hold the offending values; those are personal data and
must never reach logs, metadata or error messages. `validate` reduces them to
counts per (column, check).

The gates of the pipeline's own tables (landing, int_person_records, xjs_link,
scored pairs) are Pandera *polars* schemas, run on LazyFrames that DuckDB or
`pl.scan_parquet` feed (`rel.pl(lazy=True)`): no table goes through pandas.
On a LazyFrame Pandera checks only the schema unless data validation is on, so
`validate` runs every polars schema at depth SCHEMA_AND_DATA, on Polars'
streaming engine (element-wise checks stream; only boolean check outputs and,
on failure, the failure cases are held). Pandas schemas (the research release's)
go through the same function and report the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pandera.pandas as pa_pandas
import pandera.polars as pa_polars
import polars as pl
import pyarrow
from pandera.config import ValidationDepth, config_context
from pandera.errors import SchemaErrors
from polars.io.plugins import register_io_source

TABLE_LEVEL = "<table>"  # the "column" of a failure that is about the whole table
BATCH_ROWS = 1 << 17  # rows per Arrow batch from DuckDB to Polars


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def duckdb_frame(con: duckdb.DuckDBPyConnection, query: str) -> pl.LazyFrame:
    """A LazyFrame over a DuckDB query: each scan runs the query on its own cursor.

    DuckDB's own `rel.pl(lazy=True)` runs every scan on one connection, which
    DuckDB 2 refuses when Polars (or Pandera's failure-case joins) scans the same
    frame twice at once. Here each scan takes a fresh cursor of the same database,
    selects only the projected columns and streams Arrow batches; Polars applies
    any pushed-down predicate. Row order is DuckDB's: nothing here relies on it.
    """
    empty = con.sql(f"select * from ({query}) limit 0").to_arrow_table()
    schema = pl.from_arrow(empty).schema

    def scan(
        with_columns: list[str] | None, predicate, n_rows: int | None, batch_size: int | None
    ) -> Iterator[pl.DataFrame]:
        names = with_columns if with_columns is not None else list(schema)
        projection = ", ".join(_quoted(n) for n in names) if names else "1 as __row"
        sql = f"select {projection} from ({query})"
        if n_rows is not None:
            sql += f" limit {int(n_rows)}"
        cursor = con.cursor()
        try:
            reader = cursor.sql(sql).to_arrow_reader(batch_size or BATCH_ROWS)
            for batch in reader:
                frame = pl.from_arrow(batch)
                if not names:
                    frame = frame.select([])  # a height with no columns (a count)
                if predicate is not None:
                    frame = frame.filter(predicate)
                yield frame
        finally:
            cursor.close()

    return register_io_source(scan, schema=schema, explain_name="duckdb")


@dataclass
class ValidationReport:
    rows: int
    failures: dict[str, int] = field(default_factory=dict)  # "column: check" -> failing rows

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def failing_checks(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        if self.passed:
            return f"{self.rows} rows passed"
        parts = ", ".join(f"{k} ({n} rows)" for k, n in sorted(self.failures.items()))
        return f"{self.rows} rows; failed: {parts}"


def arrow_to_pandas(table: pyarrow.Table) -> pd.DataFrame:
    """Arrow-backed pandas: keeps exact types and nulls for pandas schemas' dtype checks."""
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _validate_polars(
    schema: pa_polars.DataFrameSchema, frame: pl.LazyFrame | pl.DataFrame, rows: int | None
) -> ValidationReport:
    lazy = frame.lazy()
    with pl.Config(engine_affinity="streaming"):
        if rows is None:
            rows = int(lazy.select(pl.len()).collect().item())
        report = ValidationReport(rows=rows)
        failure_cases = None
        with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
            try:
                schema.validate(lazy, lazy=True)
            except SchemaErrors as err:
                failure_cases = err.failure_cases.select("column", "check")
    if failure_cases is not None:  # outside the handler: the values stay with the exception
        counts = failure_cases.group_by("column", "check").len()
        for column, check, n in counts.iter_rows():
            key = f"{TABLE_LEVEL if column is None else column}: {check or '<unknown>'}"
            report.failures[key] = int(n)
    return report


def _validate_pandas(schema: pa_pandas.DataFrameSchema, frame: pd.DataFrame) -> ValidationReport:
    report = ValidationReport(rows=len(frame))
    try:
        schema.validate(frame, lazy=True)
    except pa_pandas.errors.SchemaErrors as err:
        cases = err.failure_cases
        columns = cases["column"].fillna(TABLE_LEVEL).astype(str)
        checks = cases["check"].fillna("<unknown>").astype(str)
        for (column, check), count in (
            pd.DataFrame({"column": columns, "check": checks}).value_counts().items()
        ):
            report.failures[f"{column}: {check}"] = int(count)
    return report


def validate(schema, frame, rows: int | None = None) -> ValidationReport:
    """Validate lazily; the report holds counts per (column, check), never a value.

    schema: a Pandera polars schema (frame a LazyFrame or DataFrame; `rows`, when the
    caller has it from the database, saves a count) or a pandas one (frame a DataFrame).
    """
    if isinstance(schema, pa_polars.DataFrameSchema):
        return _validate_polars(schema, frame, rows)
    return _validate_pandas(schema, frame)
