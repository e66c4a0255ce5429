"""The Splink settings and the match thresholds, defined once.

Split by concern like MoJ's Core Person Record model (hmpps-person-match):
comparisons in linkage/comparisons.py, blocking and training rules in
linkage/blocking.py, the twin guard in linkage/twins.py; this module assembles
them and holds the three thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

from splink import SettingsCreator

from linkage import blocking, comparisons

MODEL_VERSION = "xjs-person-v3"


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities at which two records are the same person.

    high (cluster_high): a pair must be near-certain; used for cautious analyses.
    default (person_id): the published person.
    low (cluster_low): generous, for sensitivity analyses of missed links.
    Tuned on synthetic drops: below ~0.9 false links between namesakes sharing a
    date of birth start to chain into clusters; above ~0.99 recall drops for
    records carrying no identifier (family and civil parties). The relatives guard's
    caps (twins.py) sit between them: household pairs without a DOB link at low only,
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
DETERMINISTIC_RECALL = blocking.DETERMINISTIC_RECALL
EM_BLOCKING_RULES = blocking.EM_RULES


def settings_creator(link_uid: str) -> SettingsCreator:
    """Untrained settings; link_uid is fixed so the saved model is reproducible."""
    return SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        source_dataset_column_name="source_table",
        comparisons=COMPARISONS,
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        linker_uid=link_uid,
    )
