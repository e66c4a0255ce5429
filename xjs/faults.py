"""Fault injection for the crash-safety test: SIGKILL this process at a named point.

`kill_point(name)` kills its own process with SIGKILL (no cleanup, no finally
blocks, no atexit: what the OOM killer or a power cut does) when the
environment variable XJS_KILL_AT equals name. Otherwise it costs one
comparison: the variable is read once, at import.

KILL_POINTS lists every point the pipeline passes on a normal release run, in
the order it passes them; tests/crash iterates it. A point is called where the
work happens:

- `ingest:<table>`: after the table's load into the warehouse committed
  (orchestration/defs/ingest.py);
- `dbt:<schema>__<model>`: after dbt reported a model built, while dbt's other
  nodes are still running (orchestration/defs/dbt.py);
- `linkage:*`: before and after Splink training, after prediction, after
  clustering (linkage/pipeline.py);
- `mid-write:<file>`: inside xjs.atomic, after a file's temporary copy is
  complete and fsync'ed but before the rename;
- `marker:*`: around the verification marker of the lookup (xjs.verified);
- `research:*`: before and after each research table write, before and after
  the swap (research/).

Ground floor: imports nothing from the project.
"""

from __future__ import annotations

import os
import signal

KILL_ENV = "XJS_KILL_AT"
_TARGET = os.environ.get(KILL_ENV) or None

KILL_POINTS: tuple[str, ...] = (
    # ingest: after a table's load committed
    "ingest:magistrates_defendants",
    "ingest:oasys_assessments",
    # dbt staging + intermediate, then marts (one point per model event)
    "dbt:staging__stg_libra__defendants",
    "dbt:intermediate__int_person_records",
    # linkage
    "linkage:before_training",
    "linkage:after_training",
    "linkage:after_prediction",
    "linkage:after_clustering",
    "mid-write:pairs.parquet",
    "mid-write:xjs_link.parquet",
    "mid-write:model.json",
    "marker:before_write",
    "marker:after_write",
    "dbt:marts__persons",
    "mid-write:evaluation.json",
    # research release
    "research:before_table:xjs_link",
    "research:after_table:sentence_reappearance",
    "mid-write:linkage_quality.json",
    "research:before_manifest",
    "research:before_swap",
    "research:after_swap",
)


def kill_point(name: str) -> None:
    """SIGKILL this process if XJS_KILL_AT names this point; otherwise nothing."""
    if _TARGET is not None and name == _TARGET:
        os.kill(os.getpid(), signal.SIGKILL)
