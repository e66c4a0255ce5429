"""The Splink settings and the match thresholds, defined once.

Split by concern like MoJ's Core Person Record model (hmpps-person-match):
comparisons in linkage/comparisons.py, blocking and training rules in
linkage/blocking.py, the relatives guard in linkage/relatives.py; this module assembles
them and holds the three thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

from splink import SettingsCreator

from linkage import blocking, comparisons

MODEL_VERSION = "xjs-person-v5"
# model.json is a plain Splink settings file; its linker_uid carries the model version
# and the training seed ("xjs-person-v4:seed42"), so a pinned model.json names the
# definition it was trained under without any key Splink would reject.
MODEL_UID_SEPARATOR = ":seed"


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities at which two records are the same person.

    high (cluster_high): a pair must be near-certain; used for cautious analyses.
    default (person_id): the published person.
    low (cluster_low): generous, for sensitivity analyses of missed links.
    Tuned on synthetic drops: below ~0.9 false links between namesakes sharing a
    date of birth start to chain into clusters; above ~0.99 recall drops for
    records carrying no identifier (family and civil parties). The relatives guard's
    caps (relatives.py) sit between them: household pairs without a DOB link at low only,
    namesakes without a DOB at default but not high (tests/linkage/test_linkage_guard.py).
    """

    high: float = 0.999
    default: float = 0.95
    low: float = 0.8

    def __post_init__(self) -> None:
        if not 0 < self.low <= self.default <= self.high < 1:
            raise ValueError("thresholds must satisfy 0 < low <= default <= high < 1")

    def as_dict(self) -> dict[str, float]:
        return {"high": self.high, "default": self.default, "low": self.low}


THRESHOLDS = Thresholds()


COMPARISONS = comparisons.COMPARISONS
BLOCKING_RULES = blocking.PREDICTION_RULES
DETERMINISTIC_RULES = blocking.DETERMINISTIC_RULES
EM_BLOCKING_RULES = blocking.EM_RULES


def model_uid(seed: int) -> str:
    """The linker_uid of a model trained with seed: fixed, so the saved model is reproducible."""
    return f"{MODEL_VERSION}{MODEL_UID_SEPARATOR}{seed}"


def version_of_uid(linker_uid: object) -> str | None:
    """The model version a saved model's linker_uid names, None if it names none."""
    if not isinstance(linker_uid, str) or MODEL_UID_SEPARATOR not in linker_uid:
        return None
    return linker_uid.rsplit(MODEL_UID_SEPARATOR, 1)[0]


def settings_creator(
    link_uid: str, probability_two_random_records_match: float | None = None
) -> SettingsCreator:
    """Untrained settings; probability_two_random_records_match: the prior, if estimated."""
    prior = {}
    if probability_two_random_records_match is not None:
        prior["probability_two_random_records_match"] = probability_two_random_records_match
    return SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        source_dataset_column_name="source_table",
        comparisons=COMPARISONS,
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        linker_uid=link_uid,
        **prior,
    )


def definition(sql_dialect: str, seed: int = 0) -> dict:
    """This model's settings as rendered for sql_dialect (untrained): what a pinned model
    must match level by level."""
    return settings_creator(model_uid(seed)).get_settings(sql_dialect).as_dict()
