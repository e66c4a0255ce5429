"""The data dictionary, generated from the Pandera schemas (research/schemas.py)."""

from __future__ import annotations

from research import schemas


def _rules(col: schemas.Col) -> str:
    parts = []
    for check in col.checks:
        stats = check.statistics or {}
        if "allowed_values" in stats:
            parts.append("one of " + ", ".join(map(str, stats["allowed_values"])))
        elif "pattern" in stats:
            parts.append(f"matches {stats['pattern']}")
        elif stats:
            parts.append(f"{check.name} " + ", ".join(f"{v}" for v in stats.values()))
        else:
            parts.append(check.name)
    return "; ".join(parts)


def dictionary(paths: dict[str, str], rows: dict[str, int]) -> dict:
    """{table: {path, rows, description, columns: [...]}} for the record and aggregate tables."""
    out = {}
    for table, (description, cols) in schemas.TABLES.items():
        out[table] = {
            "path": paths[table],
            "rows": rows[table],
            "description": description,
            "columns": [
                {
                    "name": c.name,
                    "type": c.dtype,
                    "nullable": c.nullable,
                    "description": c.description,
                    "rules": _rules(c),
                }
                for c in cols
            ],
        }
    for name in schemas.AGGREGATES:
        schema = schemas.aggregate_schema(name)
        out[name] = {
            "path": paths[name],
            "rows": rows[name],
            "description": schema.description,
            "columns": [
                {
                    "name": col_name,
                    "type": str(col.dtype),
                    "nullable": col.nullable,
                    "description": col.description,
                    "rules": "",
                }
                for col_name, col in schema.columns.items()
            ],
        }
    return out


def markdown(entries: dict) -> str:
    lines = ["# Data dictionary", "", "Generated from the release's schemas.", ""]
    for table, entry in entries.items():
        lines += [
            f"## {table}",
            "",
            f"`{entry['path']}`: {entry['rows']} rows. {entry['description']}",
            "",
            "| column | type | nullable | description | rules |",
            "|---|---|---|---|---|",
        ]
        for c in entry["columns"]:
            rules = c["rules"].replace("|", "\\|")
            lines.append(
                f"| {c['name']} | {c['type']} | {'yes' if c['nullable'] else 'no'} "
                f"| {c['description']} | {rules} |"
            )
        lines.append("")
    return "\n".join(lines)
