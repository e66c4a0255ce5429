"""The `xjs` command line: make a synthetic drop, run a release end to end."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from xjs import atomic, layout

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console()

DataDirOption = typer.Option(
    None, "--data-dir", help="Data directory (default $XJS_DATA_DIR or ./data)."
)
ReleaseOption = typer.Option(..., "--release", help="Release id, e.g. 2024-12.")
ErrorsOption = typer.Option(
    "default",
    "--errors",
    help="Error profile: default (realistic rates) or hard (several times the errors, and "
    "kinds no comparison level is built for; docs/synthetic-model.md).",
)


@app.command()
def synth(
    release: str = ReleaseOption,
    data_dir: Path | None = DataDirOption,
    people: int = typer.Option(20_000, help="Population size."),
    seed: int = typer.Option(42, help="Random seed: same seed and people, same data."),
    errors: str = ErrorsOption,
    show_profile: bool = typer.Option(False, "--profile", help="Print the drop's profile."),
) -> None:
    """Write a synthetic data drop and its ground truth, exactly per the data contract."""
    from synthetic import generate_drop

    root = layout.data_dir(data_dir)
    _check_release("--release", release)
    _check_errors(errors)
    started = time.perf_counter()
    summary = generate_drop(root, release, people=people, seed=seed, errors=errors)
    seconds = time.perf_counter() - started
    console.print(
        f"Synthetic drop {release}: {people:,} people, seed {seed}, errors {errors}, "
        f"{seconds:.1f} s"
    )
    table = Table("table", Column("rows", justify="right"), box=box.SIMPLE_HEAD, show_edge=False)
    for name, rows in summary.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    console.print(f"Drop: {layout.landing_dir(root, release)}")
    console.print(f"Truth: {layout.truth_path(root, release)}")
    if show_profile:
        profile(release=release, data_dir=root, errors=errors)


@app.command()
def run(
    release: str = ReleaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Materialise every asset for one release in-process and print a summary."""
    root = layout.data_dir(data_dir)
    _check_release("--release", release)
    os.environ["XJS_DATA_DIR"] = str(root)  # before the definitions load their resources
    from orchestration.runner import run_release

    out = _stdout_console()
    started = time.perf_counter()
    out.print(f"Release {release}: running every asset and check (data in {root})")
    with _Progress(out) as progress:
        outcome = run_release(release, on_stage=progress.stage, log_to_file=True)
    seconds = time.perf_counter() - started
    if not outcome.success:
        _print_failure(out, release, outcome)
        raise typer.Exit(1)
    _print_summary(out, root, release, outcome, seconds)


@app.command()
def backfill(
    data_dir: Path | None = DataDirOption,
    first: str | None = typer.Option(None, "--from", help="First release (default: oldest)."),
    last: str | None = typer.Option(None, "--to", help="Last release (default: newest)."),
) -> None:
    """Run every complete drop in landing/ (or a range) in release order, one at a time."""
    from xjs import drops

    root = layout.data_dir(data_dir)
    for option, value in (("--from", first), ("--to", last)):
        if value is not None:
            _check_release(option, value)
    os.environ["XJS_DATA_DIR"] = str(root)
    from orchestration.runner import backfill as run_backfill
    from orchestration.runner import releases_to_backfill

    out = _stdout_console()
    releases = releases_to_backfill(drops.releases_with_manifest(root), first, last)
    if not releases:
        out.print(f"No complete drops in {layout.landing_root(root)} for that range")
        raise typer.Exit(1)
    out.print(f"Backfilling {len(releases)} releases in order: {', '.join(releases)}")

    def report(release: str, outcome) -> None:
        if not outcome.success:
            return
        link = outcome.metadata.get("xjs_link", {})
        kept, new = int(link.get("persons_kept", 0)), int(link.get("persons_new", 0))
        out.print(
            f"{release}: {int(link.get('records', 0)):,} records -> "
            f"{int(link.get('persons', 0)):,} persons ({kept:,} ids kept, {new:,} new); "
            f"log {outcome.log_path}"
        )

    with _Progress(out, quiet=True) as progress:
        outcomes = run_backfill(
            releases, on_outcome=report, on_stage=progress.stage, log_to_file=True
        )
    release, outcome = outcomes[-1]
    if not outcome.success:
        _print_failure(out, release, outcome)
        later = releases[releases.index(release) + 1 :]
        if later:
            out.print(f"Not run: {', '.join(later)}")
        raise typer.Exit(1)


@app.command()
def profile(
    release: str = ReleaseOption,
    data_dir: Path | None = DataDirOption,
    errors: str = ErrorsOption,
) -> None:
    """Print a synthetic drop's realised rates per source beside the documented model."""
    from synthetic.profile import format_profile
    from synthetic.profile import profile as profile_drop

    root = layout.data_dir(data_dir)
    _check_release("--release", release)
    _check_errors(errors)
    print(format_profile(profile_drop(root, release, errors)))


def _check_errors(value: str) -> str:
    """An error profile the generator has (synthetic/rates.py), or one line and exit 2."""
    from synthetic.rates import ERROR_PROFILES

    if value not in ERROR_PROFILES:
        err_console = Console(stderr=True, highlight=False, soft_wrap=True)
        err_console.print(
            f"Error: --errors: one of {', '.join(ERROR_PROFILES)}, not {value!r}", markup=False
        )
        raise typer.Exit(2)
    return value


def _stdout_console() -> Console:
    """The real stdout, bound now: while a run goes, sys.stdout is its log file."""
    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


def _check_release(option: str, value: str) -> str:
    """A release id per the contract, or one line on stderr and exit code 2."""
    try:
        return layout.check_release_id(value)
    except ValueError as err:
        err_console = Console(stderr=True, highlight=False, soft_wrap=True)
        err_console.print(f"Error: {option}: {err}", markup=False)
        raise typer.Exit(2) from None


class _Progress:
    """One line per stage as it finishes; on a terminal, a spinner names the running one."""

    MARKS = {"done": "[green]✓[/green]", "failed": "[red]✗[/red]", "skipped": "-"}

    def __init__(self, out: Console, quiet: bool = False):
        self.out, self.quiet = out, quiet
        self.status = out.status("starting", spinner="dots") if out.is_terminal else None

    def __enter__(self) -> _Progress:
        if self.status is not None:
            self.status.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.status is not None:
            self.status.stop()

    def stage(self, stage: str, state: str, seconds: float) -> None:
        if state == "started":
            if self.status is not None:
                self.status.update(f"{stage} …")
            return
        if self.quiet and state == "done":
            return
        self.out.print(f"  {self.MARKS.get(state, state)} {stage:<30} {seconds:7.1f} s")


def _print_failure(out: Console, release: str, outcome) -> None:
    for line in outcome.failure_lines(release):
        out.print(f"[red]{escape(line)}[/red]")
    for name, meta in outcome.failed_checks.items():
        if outcome.check_descriptions.get(name):
            continue  # the description said it
        counts = meta.get("failing_rows_by_check")
        if isinstance(counts, dict) and counts:
            shown = ", ".join(f"{k}: {v:,}" for k, v in list(counts.items())[:5])
            out.print(f"  {escape(name)}: {escape(shown)}")
    if outcome.log_path is not None:
        out.print(f"Full log: {outcome.log_path}")
    out.print(f"Run {outcome.run_id} (in the Dagster UI: make ui)")


def _quarantined(outcome) -> int | None:
    """Values quarantined in the release: the quarantine gate's count, if it ran."""
    from contracts.defects import QUARANTINE_TABLE
    from orchestration.defs.quarantine import GATE_NAME

    key = f"{QUARANTINE_TABLE.replace('.', '/')}:{GATE_NAME}"
    meta = outcome.check_metadata.get(key)
    return int(meta["defects"]) if meta and "defects" in meta else None


def _print_summary(out: Console, root: Path, release: str, outcome, seconds: float) -> None:
    metadata = outcome.metadata
    link = metadata.get("xjs_link", {})
    out.print(
        f"Release {release}: {int(link.get('records', 0)):,} person records -> "
        f"{int(link.get('persons', 0)):,} persons"
        f" ({int(link.get('links', 0)):,} links above the default threshold)"
    )
    evaluation = metadata.get("linkage_evaluation", {})
    if evaluation.get("has_truth"):
        out.print(
            "Against truth: precision {:.4f}  recall {:.4f}  F1 {:.4f}".format(
                evaluation["precision"], evaluation["recall"], evaluation["f1"]
            )
        )
    quarantined = _quarantined(outcome)
    if quarantined is not None:
        out.print(f"Quarantined values: {quarantined:,} (nulled in staging, listed by reason)")
    for label, path in (
        ("xjs_link", layout.xjs_link_path(root, release)),
        ("Linkage report", layout.linkage_file(root, release, layout.REPORT_FILE)),
        ("Research release", layout.research_dir(root, release)),
        ("Full log", outcome.log_path),
    ):
        out.print(f"{label + ':':<18}{path}")
    out.print(f"Took {seconds:.0f} s. Browse the run: make ui")
    atomic.write_json(layout.linkage_file(root, release, layout.RUN_SUMMARY_FILE), metadata)


if __name__ == "__main__":
    app()


@app.command()
def reappearance(
    release: str = ReleaseOption,
    data_dir: Path | None = DataDirOption,
) -> None:
    """Print a synthetic drop's one-year reappearance by disposal (truth: a perfect linkage)."""
    from synthetic.reappearance import format_reappearance

    root = layout.data_dir(data_dir)
    _check_release("--release", release)
    print(format_reappearance(root, release))
