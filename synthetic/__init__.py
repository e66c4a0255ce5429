"""Synthetic data drops for the linkage pipeline (plain Python, no Dagster).

`generate_drop(data_dir, release_id, people, seed)` writes one drop per the
landing contract plus its truth file; `main(argv)` is the command-line entry.
"""

from synthetic.generator import DropSummary, generate_drop, main, snapshot_date

__all__ = ["DropSummary", "generate_drop", "main", "snapshot_date"]
