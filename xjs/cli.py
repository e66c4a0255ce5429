"""The `xjs` command line: make a synthetic drop, run a release end to end."""

from __future__ import annotations

import os
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from xjs import atomic, layout

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console()

DataDirOption = typer.Option(
    None, "--data-dir", help="Data directory (default $XJS_DATA_DIR or ./data)."
)
ReleaseOption = typer.Option(..., "--release", help="Release id, e.g. 2024-12.")


@app.command()
def synth(
    release: str = ReleaseOption,
    data_dir: Path | None = DataDirOption,
    people: int = typer.Option(20_000, help="Population size."),
    seed: int = typer.Option(42, help="Random seed: same seed and people, same data."),
    show_profile: bool = typer.Option(False, "--profile", help="Print the drop's profile."),
) -> None:
    """Write a synthetic data drop and its ground truth, exactly per the data contract."""
    from synthetic import generate_drop

    root = layout.data_dir(data_dir)
    layout.check_release_id(release)
    started = time.perf_counter()
    summary = generate_drop(root, release, people=people, seed=seed)
    seconds = time.perf_counter() - started
    table = Table(
        "table", "rows", title=f"Synthetic drop {release} ({people:,} people, seed {seed})"
    )
    for name, rows in summary.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    console.print(f"Written to {layout.landing_dir(root, release)} in {seconds:.1f} s")
    console.print(f"Truth: {layout.truth_path(root, release)}")
    if show_profile:
        profile(release=release, data_dir=root)


@app.command()
def run(
    release: str = ReleaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Materialise every asset for one release in-process and print a summary."""
    root = layout.data_dir(data_dir)
    layout.check_release_id(release)
    os.environ["XJS_DATA_DIR"] = str(root)  # before the definitions load their resources
    from orchestration.runner import run_release

    started = time.perf_counter()
    outcome = run_release(release)
    seconds = time.perf_counter() - started
    if not outcome.success:
        console.print(f"[red]Run {outcome.run_id} for {release} failed[/red]: {outcome.failure}")
        raise typer.Exit(1)
    _print_summary(root, release, outcome.metadata, seconds)


@app.command()
def backfill(
    data_dir: Path | None = DataDirOption,
    first: str | None = typer.Option(None, "--from", help="First release (default: oldest)."),
    last: str | None = typer.Option(None, "--to", help="Last release (default: newest)."),
) -> None:
    """Run every complete drop in landing/ (or a range) in release order, one at a time."""
    from xjs import drops

    root = layout.data_dir(data_dir)
    os.environ["XJS_DATA_DIR"] = str(root)
    from orchestration.runner import backfill as run_backfill
    from orchestration.runner import releases_to_backfill

    releases = releases_to_backfill(drops.releases_with_manifest(root), first, last)
    if not releases:
        console.print(f"No complete drops in {layout.landing_root(root)} for that range")
        raise typer.Exit(1)
    console.print(f"Backfilling {len(releases)} releases in order: {', '.join(releases)}")
    for release, outcome in run_backfill(releases):
        if not outcome.success:
            console.print(f"[red]{release} failed[/red]: {outcome.failure}; later releases not run")
            raise typer.Exit(1)
        link = outcome.metadata.get("xjs_link", {})
        kept, new = int(link.get("persons_kept", 0)), int(link.get("persons_new", 0))
        console.print(
            f"{release}: {int(link.get('records', 0)):,} records -> "
            f"{int(link.get('persons', 0)):,} persons ({kept:,} ids kept, {new:,} new)"
        )


@app.command()
def profile(
    release: str = ReleaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Print a synthetic drop's realised rates per source beside the documented model."""
    from synthetic.profile import format_profile
    from synthetic.profile import profile as profile_drop

    root = layout.data_dir(data_dir)
    layout.check_release_id(release)
    print(format_profile(profile_drop(root, release)))


def _print_summary(root: Path, release: str, metadata: dict, seconds: float) -> None:
    rows = Table("landing table", "rows", title=f"Release {release}")
    for key, meta in sorted(metadata.items()):
        if key.startswith("landing/"):
            rows.add_row(key.removeprefix("landing/"), f"{int(meta.get('rows', 0)):,}")
    console.print(rows)
    link = metadata.get("xjs_link", {})
    console.print(
        f"Person records {int(link.get('records', 0)):,} -> persons {int(link.get('persons', 0)):,}"
        f" ({int(link.get('links', 0)):,} links above the default threshold)"
    )
    evaluation = metadata.get("linkage_evaluation", {})
    if evaluation.get("has_truth"):
        console.print(
            "Against truth: precision {:.4f}  recall {:.4f}  F1 {:.4f}".format(
                evaluation["precision"], evaluation["recall"], evaluation["f1"]
            )
        )
    console.print(f"xjs_link: {layout.xjs_link_path(root, release)}")
    console.print(f"Linkage-quality report: {layout.linkage_dir(root, release) / 'report.html'}")
    console.print(f"Research release: {layout.research_dir(root, release)}")
    console.print(f"Warehouse: {layout.warehouse_path(root, release)}")
    console.print(f"Took {seconds:.1f} s")
    atomic.write_json(layout.linkage_dir(root, release) / "run_summary.json", metadata)


if __name__ == "__main__":
    app()
