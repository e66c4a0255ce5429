"""Turning a contracts.validation report into a Dagster check result: counts only."""

import dagster as dg

from contracts.validation import ValidationReport


def check_result(report: ValidationReport, **extra_metadata) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=report.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=report.summary(),
        metadata={
            "rows": report.rows,
            "failing_checks": report.failing_checks,
            "failing_rows_by_check": dg.MetadataValue.json(report.failures),
            **extra_metadata,
        },
    )
