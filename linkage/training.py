"""Training the model on a release, reproducibly, whatever the shape of the release.

Three estimates, as Splink recommends: u by random sampling with a fixed seed; m by
expectation maximisation on several blocking rules (blocking.EM_RULES); the prior
(lambda) from the release itself: the deterministic rules' pairs give a lower bound
that EM starts from, then the trained model's scores on a sample of records give the
estimate (prior_from_scores), with no recall assumed.
A release may instead reuse a pinned model.json from an earlier release
(load_pinned), as production services do between retrainings. The trained parameters are
rounded before use so tiny floating-point differences from parallel sums never
change the saved model or the predictions between runs.

Real releases are not always trainable: an identifier may be empty everywhere, a
release may hold two records, one name may dominate. Each step asks Splink first
(the largest block of a rule, the pairs the deterministic rules find) and skips
what it cannot estimate, recording the step, the rule or comparison and a reason
code (never a value). When too little was estimated (see TrainingReport.insufficient)
train returns no model and the caller falls back to a pinned model or stops with
TrainingError (docs/linkage.md, "When training cannot estimate").
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlglot
from splink import Linker
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.internals.exceptions import EMTrainingException
from splink.internals.splink_dataframe import SplinkDataFrame

from linkage import backend, blocking, settings
from xjs import layout

log = logging.getLogger(__name__)

# Random pairs for u. Splink's u sampling evaluates every comparison on every sampled pair
# (the name and date-of-birth comparisons cost ~5-10 us a pair here), so its cost is fixed
# whatever the release size: 1e7 took ~5 minutes on this 2-core machine, 2e6 about one.
# Levels too rare to be seen in this many pairs get the bound of one pair in all of them
# (_regularise), not a neutral weight.
U_MAX_PAIRS = 2e6
# Blocked pairs per EM session: above it Splink samples records (a deterministic hash of the
# unique id, the same on both sides) so that about this many pairs remain. A sample of
# records keeps the share of matches among the pairs, so m estimates stay unbiased while a
# session costs the same at 1M or 10M records (block_on(date_of_birth) admits ~21M pairs
# at 1M records and grows with the square of the release).
EM_MAX_PAIRS = 5e5
# Fewer random pairs than this estimate no u worth having (2 records give 1 pair);
# kept low so that the small drops tests and hostile-input runs use still train.
U_MIN_PAIRS = 30
# Training counts as enough when the prior and u were estimated and EM estimated m for
# at least this share of the comparisons whose columns hold values in the release.
M_MIN_SHARE = 0.5
# The prior is the mean match probability over all pairs of a uniform sample of records
# (matches and pairs both shrink with the square of the share, so lambda is kept), the
# pairs outside the prediction rules counted as non-matches: their recall is what
# blocking is built for (>= 98.6% reachable on the generator's truth at 1M). This many
# records cost about 5% of the full prediction at 1M, and a fixed amount beyond.
PRIOR_SAMPLE_RECORDS = 200_000
PRIOR_MAX_ITERATIONS = 100
PRIOR_TOLERANCE = 1e-6  # relative change of lambda between two iterations
_PRIOR_DRAWS = itertools.count()
PARAM_DIGITS = 10
M_FLOOR = 0.005  # weight of a disagreement >= log2(0.005) ~ -7.6
U_FLOOR = 1e-7

# training.status in the release metadata: where the release's model.json came from
TRAINED, FALLBACK, PINNED, NOT_NEEDED = "trained", "fallback", "pinned", "not_needed"
# statuses whose model.json holds estimated parameters (a later release may fall back to it)
STATUSES_WITH_MODEL = (TRAINED, FALLBACK, PINNED)


class TrainingError(RuntimeError):
    """Too little could be estimated and there is no model to fall back to."""


class PinnedModelError(ValueError):
    """A pinned (or fallback) model.json that is not this model: refused."""


@dataclass(frozen=True)
class Skip:
    """One thing training left out: step (prior, u, em, m), rule or comparison, reason code."""

    step: str
    name: str
    reason: str
    pairs: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class TrainingReport:
    """What was done to train, and what was skipped and why, for the release metadata."""

    seed: int
    u_max_pairs: float
    deterministic_rules: int  # rules the prior's lower bound was counted on
    prior_lower_bound: float | None  # the deterministic rules' pairs over all pairs
    em_rules: int  # EM sessions that ran to the end
    probability_two_random_records_match: float | None
    u_estimated: bool = False
    comparisons_with_values: int = 0
    comparisons_m_estimated: int = 0
    prior_sample_records: int = 0  # records the prior was estimated on (prior_from_scores)
    prior_iterations: int = 0
    skipped: list[Skip] = field(default_factory=list)
    status: str = TRAINED
    fallback_model: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def m_share(self) -> float:
        if not self.comparisons_with_values:
            return 0.0
        return self.comparisons_m_estimated / self.comparisons_with_values

    @property
    def insufficient(self) -> list[str]:
        """Reason codes for which this release's estimates are not enough (empty: enough)."""
        out = []
        if self.probability_two_random_records_match is None:
            out.append("prior_not_estimated")
        if not self.u_estimated:
            out.append("u_not_estimated")
        if self.m_share < M_MIN_SHARE:
            out.append("m_estimated_for_too_few_comparisons")
        return out

    def fell_back(self, path: Path) -> None:
        """Record that the model of path replaced this release's estimates."""
        self.status = FALLBACK
        self.fallback_model = str(path)
        self.warnings.append(
            f"too little estimated ({', '.join(self.insufficient)}): "
            f"fell back to the pinned model {Path(path).name}"
        )

    def failure_message(self) -> str:
        skipped = "; ".join(f"{s.step} {s.name}: {s.reason}" for s in self.skipped)
        return (
            f"training could not estimate enough ({', '.join(self.insufficient)}; "
            f"m for {self.comparisons_m_estimated} of {self.comparisons_with_values} "
            f"comparisons with values) and there is no earlier model to fall back to. "
            f"Skipped: {skipped or 'nothing'}. Pin a model (run config reuse_model_from "
            f"or XJS_PINNED_MODEL) to link this release."
        )

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["skipped"] = [s.as_dict() for s in self.skipped]
        d["m_share"] = round(self.m_share, 4)
        d["insufficient"] = self.insufficient
        d["m_min_share"] = M_MIN_SHARE
        return d


@dataclass(frozen=True)
class Trained:
    """The regularised model (None when too little was estimated) and its report."""

    model: dict[str, Any] | None
    report: TrainingReport


def em_options(n_records: int) -> dict[str, Any]:
    """Keyword arguments of each EM session: the pair budget (the same at any size)."""
    return {"max_pairs": EM_MAX_PAIRS}


def u_max_pairs(n_records: int) -> float:
    """U_MAX_PAIRS sampled pairs where the data allows, else about a third of all pairs."""
    all_pairs = n_records * (n_records - 1) / 2
    return float(max(1.0, min(U_MAX_PAIRS, math.floor(all_pairs / 3))))


def _usable_rules(
    sdfs: Sequence[SplinkDataFrame], rules: list, step: str, budget: int, dialect: str
) -> tuple[list, list[Skip]]:
    """The rules with pairs and no exploding block; a Skip for each of the others."""
    kept, skipped = [], []
    for rule in rules:
        pairs = blocking.largest_block_pairs(sdfs, rule)
        name = blocking.rule_sql(rule, dialect)
        if pairs == 0:
            skipped.append(Skip(step, name, "no_pairs"))
        elif pairs > budget:
            skipped.append(Skip(step, name, "oversized_block", pairs))
        else:
            kept.append(rule)
    return kept, skipped


def prior_lower_bound(
    sdfs: Sequence[SplinkDataFrame], rules: list
) -> tuple[float | None, str | None]:
    """The deterministic rules' pairs over all pairs, or None and why not: lambda if
    those rules found every match, so a lower bound (EM starts from it).

    Splink's estimate_probability_two_random_records_match with recall 1 computes the
    same, but yields 0 when there are no pairs; counting first lets training skip.
    """
    if not rules:
        return None, "no_pairs"
    counts = count_comparisons_from_blocking_rules(
        list(sdfs),
        blocking_rules=rules,
        link_type=blocking.LINK_TYPE,
        unique_id_column_name="unique_id",
        source_dataset_column_name="source_table",
        record_sample_proportion=1.0,
    )[-1]
    observed = counts["cumulative_comparison_count"]
    total = counts["total_possible_comparison_count"]
    if observed == 0:
        return None, "no_pairs"
    if observed >= total:  # every pair found: lambda 1 weighs no evidence
        return None, "every_pair_deterministic"
    return observed / total, None


def _one_value(sdf: SplinkDataFrame, select: str) -> Any:
    result = sdf.query_sql(f"SELECT {select} AS v FROM {{this}}")
    try:
        return result.as_record_list()[0]["v"]
    finally:
        result.drop_table_from_database_and_remove_from_cache()


def prior_from_scores(
    sdfs: Sequence[SplinkDataFrame], model: dict[str, Any], n_records: int
) -> tuple[float | None, int, int]:
    """Lambda estimated from the release: the EM update of the mixing weight with m and
    u held, on the prediction rules' pairs of a uniform sample of records (at most
    PRIOR_SAMPLE_RECORDS; a rule whose largest block in the sample would explode is left
    out, as in prediction). Starts from the model's prior; iterates
    lambda <- (sum of match probabilities) / (all pairs of the sample) to a fixed point.
    Returns (lambda or None when the sample has no pair, sample records, iterations)."""
    share = min(1.0, PRIOR_SAMPLE_RECORDS / max(n_records, 1))
    keep = int(share * 1_000_000)
    drawn = [
        sdf.query_sql(
            f"SELECT * FROM {{this}} WHERE abs(hash(unique_id)) % 1000000 < {keep}"
            " ORDER BY unique_id"
        )
        for sdf in sdfs
    ]
    # registered under names of their own: Splink keys its inputs by table name, and a
    # name stays registered for the database's life
    draw = next(_PRIOR_DRAWS)
    samples = [
        sdf.db_api.register(
            d.physical_name,
            dataset_display_name=sdf.dataset_display_name,
            table_name=f"__xjs_prior_sample_{draw}_{i}",
        )
        for i, (sdf, d) in enumerate(zip(sdfs, drawn, strict=True))
    ]
    predictions = None
    try:
        n = sum(int(_one_value(s, "count(*)")) for s in samples)
        all_pairs = n * (n - 1) / 2
        if all_pairs == 0:
            return None, n, 0
        scoring = for_scoring(model)
        scoring["blocking_rules_to_generate_predictions"], _ = blocking.rules_within_budget(
            samples, scoring["blocking_rules_to_generate_predictions"], n, model["sql_dialect"]
        )
        linker = Linker(samples, scoring, log_level=backend.SPLINK_LOG_LEVEL)
        predictions = linker.inference.predict(warning_mode="never")
        start = model["probability_two_random_records_match"]
        # match_weight is log2 of the prior odds plus the evidence: keep the evidence
        evidence = predictions.query_sql(
            f"SELECT match_weight - {math.log2(start / (1 - start))} AS w FROM {{this}}"
        )
        try:
            lam, iterations = start, 0
            while iterations < PRIOR_MAX_ITERATIONS:
                iterations += 1
                log_odds = math.log2(lam / (1 - lam))
                total = _one_value(
                    evidence, f"coalesce(sum(1 / (1 + pow(2, -(w + {log_odds})))), 0)"
                )
                new = float(total) / all_pairs
                if not 0 < new < 1:
                    return None, n, iterations
                converged = abs(new - lam) <= PRIOR_TOLERANCE * lam
                lam = new
                if converged:
                    break
        finally:
            evidence.drop_table_from_database_and_remove_from_cache()
        return lam, n, iterations
    finally:
        if predictions is not None:
            predictions.drop_table_from_database_and_remove_from_cache()
        for d in drawn:
            d.drop_table_from_database_and_remove_from_cache()


def is_underflow(err: ValueError) -> bool:
    """Splink's refusal of an m or u that EM drove below 1e-300 (no way to ask first)."""
    return "below the minimum allowed value" in str(err)


def _null_level_columns(comparison: dict[str, Any]) -> set[str]:
    """Input columns of a comparison's null level (its _l/_r columns, suffix removed)."""
    cols: set[str] = set()
    for level in comparison["comparison_levels"]:
        if level.get("is_null_level"):
            tree = sqlglot.parse_one(level["sql_condition"], dialect="duckdb")
            for col in tree.find_all(sqlglot.exp.Column):
                cols.add(col.name.removesuffix("_l").removesuffix("_r"))
    return cols


def _value_counts(sdfs: Sequence[SplinkDataFrame], columns: set[str]) -> dict[str, int]:
    """Non-null values per column over every input (one aggregate per input table)."""
    totals = dict.fromkeys(sorted(columns), 0)
    select = ", ".join(f'count("{c}") AS "{c}"' for c in totals)
    for sdf in sdfs:
        result = sdf.query_sql(f"SELECT {select} FROM {{this}}")
        try:
            row = result.as_record_list()[0]
        finally:
            result.drop_table_from_database_and_remove_from_cache()
        for c in totals:
            totals[c] += int(row[c] or 0)
    return totals


def _m_coverage(
    sdfs: Sequence[SplinkDataFrame], saved: dict[str, Any]
) -> tuple[int, int, list[Skip]]:
    """(comparisons whose columns hold >= 2 values, of them with an m estimated, skips)."""
    per = [(c, _null_level_columns(c)) for c in saved["comparisons"]]
    counts = _value_counts(sdfs, set().union(*(cols for _, cols in per)))
    with_values = estimated = 0
    skipped = []
    for comparison, cols in per:
        name = comparison["output_column_name"]
        if not cols or max(counts[c] for c in cols) < 2:
            skipped.append(Skip("m", name, "no_values"))
            continue
        with_values += 1
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        if any(isinstance(lv.get("m_probability"), float) for lv in levels):
            estimated += 1
        else:
            skipped.append(Skip("m", name, "not_estimated"))
    return with_values, estimated, skipped


@contextmanager
def _timed(step: str) -> Iterator[None]:
    """Log how long a training step took (seconds only)."""
    started = time.monotonic()
    try:
        yield
    finally:
        log.info("training: %s took %.1f s", step, time.monotonic() - started)


def train(sdfs: Sequence[SplinkDataFrame], n_records: int, seed: int, sql_dialect: str) -> Trained:
    """Estimate lambda, u and m on the inputs; skip what cannot be estimated.

    Returns the regularised model, or None for the model when the report is
    insufficient. Never raises for the shape of the data. (The pipeline records it
    as the stage "linkage:training", pinned models included.)
    """
    budget = blocking.block_budget(n_records)
    with _timed("prior lower bound"):
        deterministic, skipped = _usable_rules(
            sdfs, settings.DETERMINISTIC_RULES, "prior", budget, sql_dialect
        )
        prior, why = prior_lower_bound(sdfs, deterministic)
    lower_bound = prior
    if why:
        skipped.append(Skip("prior", "deterministic rules", why))
    linker = Linker(
        list(sdfs),
        settings.settings_creator(settings.model_uid(seed), prior),
        log_level=backend.SPLINK_LOG_LEVEL,
    )
    max_pairs = u_max_pairs(n_records)
    u_estimated = max_pairs >= U_MIN_PAIRS
    if u_estimated:
        with _timed("u"):
            linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    else:
        skipped.append(Skip("u", "random sampling", "too_few_pairs", int(max_pairs)))

    em_done = 0
    if prior is None or not u_estimated:
        skipped += [
            Skip("em", blocking.rule_sql(r, sql_dialect), "not_run_prior_or_u_missing")
            for r in settings.EM_BLOCKING_RULES
        ]
    else:
        with _timed("em rules probed"):
            em_rules, em_skipped = _usable_rules(
                sdfs, settings.EM_BLOCKING_RULES, "em", budget, sql_dialect
            )
        skipped += em_skipped
        for i, rule in enumerate(em_rules):
            name = blocking.rule_sql(rule, sql_dialect)
            # a failed EM session leaves the linker's settings without the comparisons it
            # blocked on: restart from the parameters saved before it
            before = linker.misc.save_model_to_json()
            try:
                with _timed(f"em session {i + 1} of {len(em_rules)}"):
                    linker.training.estimate_parameters_using_expectation_maximisation(
                        rule, **em_options(n_records)
                    )
                em_done += 1
                continue
            except EMTrainingException:
                skipped.append(Skip("em", name, "no_pairs"))
            except ValueError as err:
                if not is_underflow(err):
                    raise
                skipped.append(Skip("em", name, "did_not_converge"))
            linker = Linker(list(sdfs), before, log_level=backend.SPLINK_LOG_LEVEL)

    saved = linker.misc.save_model_to_json()
    with_values, estimated, m_skipped = _m_coverage(sdfs, saved)
    model = final_model(linker, u_pairs=max_pairs)
    sample_records = iterations = 0
    if prior is not None and u_estimated:
        with _timed("prior from scores"):
            prior, sample_records, iterations = prior_from_scores(sdfs, model, n_records)
        if prior is None:
            skipped.append(Skip("prior", "scored sample", "no_pairs"))
        else:
            model["probability_two_random_records_match"] = _round(prior)
    report = TrainingReport(
        seed=seed,
        u_max_pairs=max_pairs,
        deterministic_rules=len(deterministic),
        prior_lower_bound=lower_bound,
        em_rules=em_done,
        probability_two_random_records_match=prior,
        prior_sample_records=sample_records,
        prior_iterations=iterations,
        u_estimated=u_estimated,
        comparisons_with_values=with_values,
        comparisons_m_estimated=estimated,
        skipped=skipped + m_skipped,
    )
    if report.insufficient:
        return Trained(None, report)
    return Trained(model, report)


def _round(x: float) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.{PARAM_DIGITS}g}")


def _regularise(level: dict[str, Any], u_pairs: float | None = None) -> None:
    """Keep one disagreement from vetoing a match, and unseen levels neutral.

    EM gives m = 0 to a level it never sees among matches (e.g. a PNC
    mismatch in clean data), a weight of minus infinity; real data have keying
    errors, so m is floored at M_FLOOR. A level never observed gets m = u
    (weight 0) rather than Splink's placeholder. u_pairs: the random pairs u was
    estimated on; a level EM estimated but none of those pairs showed (too rare to be
    seen, e.g. swapped names) gets u = 1 / u_pairs, the rate of one pair in all of them
    (an upper bound, so its weight is underestimated, never overstated).
    """
    m, u = level.get("m_probability"), level.get("u_probability")
    if not isinstance(m, float) and not isinstance(u, float):
        m = u = M_FLOOR
    elif not isinstance(m, float):
        m = u
    elif not isinstance(u, float):
        u = 1.0 / u_pairs if u_pairs else m
    level["m_probability"] = _round(max(m, M_FLOOR))
    level["u_probability"] = _round(max(u, U_FLOOR))


def regularised(d: dict[str, Any], u_pairs: float | None = None) -> dict[str, Any]:
    """Settings with every level regularised and every parameter rounded (in place).
    u_pairs: the random pairs u was estimated on, if it was (_regularise)."""
    d["probability_two_random_records_match"] = _round(d["probability_two_random_records_match"])
    for comparison in d["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                _regularise(level, u_pairs)
    return d


def final_model(linker: Linker, u_pairs: float | None = None) -> dict[str, Any]:
    """The trained settings, regularised and rounded to PARAM_DIGITS significant digits."""
    return regularised(linker.misc.save_model_to_json(), u_pairs)


def untrained_model(sql_dialect: str, seed: int) -> dict[str, Any]:
    """This model with nothing estimated: every level weight 0 (m = u), Splink's default
    prior. Written for a release with nothing to link (fewer than 2 records); its
    status NOT_NEEDED keeps later releases from falling back to it."""
    return regularised(settings.definition(sql_dialect, seed))


def for_scoring(trained: dict[str, Any], retain_columns: bool = False) -> dict[str, Any]:
    """The trained model for prediction: ids and weights only. retain_columns: also the
    matching and intermediate columns the comparison viewer needs (for the small sample
    the dashboards are drawn from, never for a whole release's pairs)."""
    return {
        **trained,
        "retain_matching_columns": retain_columns,
        "retain_intermediate_calculation_columns": retain_columns,
    }


# What defines a comparison level (its trained m and u, label and description do not).
LEVEL_DEFINITION = (
    "sql_condition",
    "is_null_level",
    "tf_adjustment_column",
    "tf_adjustment_weight",
    "tf_minimum_u_value",
    "disable_tf_exact_match_detection",
    "fix_m_probability",
    "fix_u_probability",
)
SETTINGS_DEFINITION = {
    "link_type": "link type",
    "unique_id_column_name": "unique id column",
    "source_dataset_column_name": "source dataset column",
    "sql_dialect": "SQL dialect",
}


def definition_differences(saved: dict[str, Any], sql_dialect: str) -> list[str]:
    """What in a saved model differs from this model's full definition, as rendered for
    sql_dialect: model version, link type and id columns, each prediction blocking rule,
    each comparison and each of its levels. Names only this model's own comparisons,
    levels and rules (never anything read from the saved file)."""
    want = settings.definition(sql_dialect)
    out = []
    if settings.version_of_uid(saved.get("linker_uid")) != settings.MODEL_VERSION:
        out.append(f"model version (expected {settings.MODEL_VERSION})")
    out += [label for key, label in SETTINGS_DEFINITION.items() if saved.get(key) != want[key]]

    rules, got_rules = (
        want["blocking_rules_to_generate_predictions"],
        saved.get("blocking_rules_to_generate_predictions"),
    )
    if not isinstance(got_rules, list) or len(got_rules) != len(rules):
        out.append(f"number of prediction blocking rules (expected {len(rules)})")
    else:
        out += [
            f"prediction blocking rule {i} ({rule['blocking_rule']})"
            for i, (rule, got) in enumerate(zip(rules, got_rules, strict=True))
            if got != rule
        ]

    comparisons = want["comparisons"]
    names = [c["output_column_name"] for c in comparisons]
    got_comparisons = saved.get("comparisons")
    if not isinstance(got_comparisons, list):
        return [*out, f"comparisons (expected {', '.join(names)})"]
    got_names = [
        c.get("output_column_name") if isinstance(c, dict) else None for c in got_comparisons
    ]
    if got_names != names:
        out.append(f"comparisons (expected {', '.join(names)})")
        return out
    for comparison, got in zip(comparisons, got_comparisons, strict=True):
        name, levels = comparison["output_column_name"], comparison["comparison_levels"]
        got_levels = got.get("comparison_levels")
        if not isinstance(got_levels, list) or len(got_levels) != len(levels):
            out.append(f"comparison {name}: number of levels (expected {len(levels)})")
            continue
        for i, (level, got_level) in enumerate(zip(levels, got_levels, strict=True)):
            if not isinstance(got_level, dict) or any(
                got_level.get(k) != level.get(k) for k in LEVEL_DEFINITION
            ):
                out.append(f"comparison {name} level {i} ({level['label_for_charts']})")
    return out


def load_pinned(path: Path, sql_dialect: str = "duckdb") -> dict[str, Any]:
    """A model.json saved by an earlier release, checked against this model's full
    definition (definition_differences); a mismatch is refused by name."""
    path = Path(path)
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise PinnedModelError(f"pinned model {path.name} is not a readable JSON file") from None
    if not isinstance(d, dict):
        raise PinnedModelError(f"pinned model {path.name} is not a Splink settings object")
    differences = definition_differences(d, sql_dialect)
    if differences:
        raise PinnedModelError(
            f"pinned model {path.name} refused: it differs from the current model "
            f"{settings.MODEL_VERSION} in {len(differences)} place(s): {'; '.join(differences)}"
        )
    return d


def resolve_pinned(reuse_model_from: str | None, releases_root: Path) -> Path | None:
    """A release id (its linkage/model.json) or a path to a model.json; None to retrain."""
    if not reuse_model_from:
        return None
    candidate = releases_root / reuse_model_from / "linkage" / layout.MODEL_FILE
    path = candidate if candidate.exists() else Path(reuse_model_from)
    if not path.is_file():
        raise FileNotFoundError(f"no model to reuse at release or path {reuse_model_from!r}")
    return path
