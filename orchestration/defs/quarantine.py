"""The quarantine gate: value-level defects within their tolerances.

quarantine.value_defects (dbt, built with staging) holds one row per nulled
landing value, as codes. This blocking check reads only aggregates from the
warehouse: the count per (table, column, reason) and each landing table's
rows. It fails when a rate passes contracts.defects.tolerance(), naming table,
column, reason, count and rate, never a value. The counts are numeric metadata
(keys `<table>.<column>.<reason>`, `defects <table>`, `rows <table>`), so the
UI shows them per release.
"""

import dagster as dg

from contracts.defects import QUARANTINE_TABLE, defect_counts, over_tolerance
from contracts.landing import LANDING_SCHEMA, LANDING_TABLES
from orchestration.defs.partitions import release_partitions
from orchestration.defs.resources import XjsStorage

QUARANTINE = dg.AssetKey(QUARANTINE_TABLE.split("."))  # as dagster-dbt keys the model
GATE_NAME = "value_defects_within_tolerance"


def read_aggregates(con) -> tuple[list[tuple[str, str, str, int]], dict[str, int]]:
    """Counts per (table, column, reason) of the quarantine, and each landing table's rows."""
    counts = con.execute(
        f"select source_table, column_name, reason, count(*) from {QUARANTINE_TABLE}"
        " group by all order by all"
    ).fetchall()
    rows = {
        table: con.execute(f"select count(*) from {LANDING_SCHEMA}.{table}").fetchall()[0][0]
        for table in LANDING_TABLES
    }
    return counts, rows


def gate_result(counts, rows) -> dg.AssetCheckResult:
    """The check's result from the aggregates: passed unless a rate passes its tolerance."""
    defects = defect_counts(counts, rows)
    failing = over_tolerance(defects)
    total = sum(d.count for d in defects)
    if failing:
        description = "value defects over tolerance: " + "; ".join(d.describe() for d in failing)
    else:
        description = f"{total} value defects quarantined, all within tolerance"
    metadata: dict[str, int | float] = {
        "defects": total,
        "over_tolerance": len(failing),
        **{f"rows {t}": n for t, n in sorted(rows.items())},
        **{
            f"defects {t}": sum(d.count for d in defects if d.table == t)
            for t in sorted(LANDING_TABLES)
        },
        **{d.metadata_key: d.count for d in defects},
    }
    return dg.AssetCheckResult(
        passed=not failing,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata=metadata,
    )


@dg.asset_check(
    asset=QUARANTINE,
    name=GATE_NAME,
    blocking=True,
    partitions_def=release_partitions,
    description="Each (table, column, reason) of the quarantine within its tolerance "
    "(contracts.defects); counts per table, column and reason as metadata.",
)
def value_defects_within_tolerance(context: dg.AssetCheckExecutionContext, storage: XjsStorage):
    with storage.warehouse(context.partition_key, read_only=True) as con:
        counts, rows = read_aggregates(con)
    return gate_result(counts, rows)
