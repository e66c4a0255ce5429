"""A snapshot of the whole asset graph: a change to its shape shows in review.

Regenerate after an intended change with:
    XJS_UPDATE_SNAPSHOT=1 uv run pytest tests/test_asset_graph_snapshot.py
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"


def describe_graph() -> str:
    graph = defs().resolve_asset_graph()
    checks: dict[str, list[str]] = {}  # ours and dbt's tests, which dagster-dbt makes checks
    for check_key in graph.asset_check_keys:
        spec = graph.get_check_spec(check_key)
        blocking = " (blocking)" if spec.blocking else ""
        checks.setdefault(spec.asset_key.to_user_string(), []).append(spec.name + blocking)
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        if not node.is_materializable:
            continue
        name = key.to_user_string()
        parents = ", ".join(sorted(p.to_user_string() for p in node.parent_keys)) or "-"
        lines.append(f"{name} [{node.group_name}] <- {parents}")
        lines += [f"    check {c}" for c in sorted(checks.get(name, []))]
    return "\n".join(lines) + "\n"


def test_asset_graph_matches_snapshot():
    actual = describe_graph()
    if os.environ.get("XJS_UPDATE_SNAPSHOT"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(actual)
    assert actual == SNAPSHOT.read_text(), "asset graph changed; see the module docstring"
