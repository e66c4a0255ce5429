"""Running a Pandera schema so that its report carries counts and reason codes only.

Pandera's failure cases hold the offending values; those are personal data and
must never reach logs, metadata or error messages. `validate` reduces them to
counts per (column, check).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa
import pyarrow


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
    """Arrow-backed pandas: keeps exact types and nulls for the schemas' dtype checks."""
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def validate(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> ValidationReport:
    report = ValidationReport(rows=len(frame))
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        columns = cases["column"].fillna("<table>").astype(str)
        checks = cases["check"].fillna("<unknown>").astype(str)
        for (column, check), count in (
            pd.DataFrame({"column": columns, "check": checks}).value_counts().items()
        ):
            report.failures[f"{column}: {check}"] = int(count)
    return report
