"""Synthetic data drops for the linkage pipeline (plain Python, no Dagster).

`generate_drop(data_dir, release_id, people, seed)` writes one drop per the
landing contract plus its truth file. The command line is `xjs synth`.
"""

from synthetic.generator import DropSummary, generate_drop, snapshot_date

__all__ = ["DropSummary", "generate_drop", "snapshot_date"]
