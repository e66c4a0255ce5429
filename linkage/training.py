"""Training the model on a release, reproducibly.

Three estimates, as Splink recommends: the prior (lambda) from deterministic
rules and an assumed recall; u by random sampling with a fixed seed; m by
expectation maximisation on several blocking rules (blocking.EM_RULES).
A release may instead reuse a pinned model.json from an earlier release
(load_pinned), as production services do between retrainings. The trained parameters are
rounded before use so tiny floating-point differences from parallel sums never
change the saved model or the predictions between runs.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from splink import Linker

from linkage import settings as model

U_MAX_PAIRS = 1e7
PARAM_DIGITS = 10
M_FLOOR = 0.005  # weight of a disagreement >= log2(0.005) ~ -7.6
U_FLOOR = 1e-7


@dataclass(frozen=True)
class TrainingParams:
    """What was done to train, for the release metadata."""

    seed: int
    u_max_pairs: float
    deterministic_recall: float
    deterministic_rules: int
    em_rules: int
    probability_two_random_records_match: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def u_max_pairs(n_records: int) -> float:
    """1e7 sampled pairs where the data allows, else about a third of all pairs."""
    all_pairs = n_records * (n_records - 1) / 2
    return float(max(1.0, min(U_MAX_PAIRS, math.floor(all_pairs / 3))))


def train(linker: Linker, n_records: int, seed: int) -> TrainingParams:
    """Estimate lambda, u and m on the linker's inputs in place."""
    linker.training.estimate_probability_two_random_records_match(
        model.DETERMINISTIC_RULES, recall=model.DETERMINISTIC_RECALL
    )
    max_pairs = u_max_pairs(n_records)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in model.EM_BLOCKING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    prior = linker._settings_obj._probability_two_random_records_match  # no public getter
    return TrainingParams(
        seed=seed,
        u_max_pairs=max_pairs,
        deterministic_recall=model.DETERMINISTIC_RECALL,
        deterministic_rules=len(model.DETERMINISTIC_RULES),
        em_rules=len(model.EM_BLOCKING_RULES),
        probability_two_random_records_match=float(prior),
    )


def _round(x: float) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.{PARAM_DIGITS}g}")


def _regularise(level: dict[str, Any]) -> None:
    """Keep one disagreement from vetoing a match, and unseen levels neutral.

    EM gives m = 0 to a level it never sees among matches (e.g. a PNC
    mismatch in clean data), a weight of minus infinity; real data have keying
    errors, so m is floored at M_FLOOR. A level never observed gets m = u
    (weight 0) rather than Splink's placeholder.
    """
    m, u = level.get("m_probability"), level.get("u_probability")
    if not isinstance(m, float) and not isinstance(u, float):
        m = u = M_FLOOR
    elif not isinstance(m, float):
        m = u
    elif not isinstance(u, float):
        u = m
    level["m_probability"] = _round(max(m, M_FLOOR))
    level["u_probability"] = _round(max(u, U_FLOOR))


def final_model(linker: Linker) -> dict[str, Any]:
    """The trained settings, regularised and rounded to PARAM_DIGITS significant digits."""
    d = linker.misc.save_model_to_json()
    d["probability_two_random_records_match"] = _round(d["probability_two_random_records_match"])
    for comparison in d["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                _regularise(level)
    return d


def for_scoring(trained: dict[str, Any]) -> dict[str, Any]:
    """The trained model, keeping the columns the comparison viewer needs."""
    return {
        **trained,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
    }


def load_pinned(path: Path) -> dict[str, Any]:
    """A model.json saved by an earlier release, checked to be this model's shape."""
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    want = [c.get_comparison("duckdb").output_column_name for c in model.COMPARISONS]
    got = [c.get("output_column_name") for c in d.get("comparisons", [])]
    if got != want:
        raise ValueError(f"pinned model {Path(path).name} has comparisons {got}, expected {want}")
    return d


def resolve_pinned(reuse_model_from: str | None, releases_root: Path) -> Path | None:
    """A release id (its linkage/model.json) or a path to a model.json; None to retrain."""
    if not reuse_model_from:
        return None
    candidate = releases_root / reuse_model_from / "linkage" / "model.json"
    path = candidate if candidate.exists() else Path(reuse_model_from)
    if not path.is_file():
        raise FileNotFoundError(f"no model to reuse at release or path {reuse_model_from!r}")
    return path
