"""mags_crown_journey evaluation, with truth derived from a drop's shared ASNs."""

import pandas as pd
import pytest

from linkage.journey import evaluate_journey, truth_from_asn

CROWN = pd.DataFrame({"record_id": ["c1", "c2", "c3", "c4"], "asn": ["A1", "A2", None, "A9"]})
MAGS = pd.DataFrame({"record_id": ["m1", "m2", "m3"], "asn": ["A1", "A2", "A3"]})


def test_truth_from_shared_asn():
    truth = truth_from_asn(CROWN, MAGS)
    assert list(zip(truth.crown_record_id, truth.magistrates_record_id, strict=True)) == [
        ("c1", "m1"),
        ("c2", "m2"),
    ]


def test_precision_and_recall_overall_and_by_score():
    journey = pd.DataFrame(
        {
            "crown_record_id": ["c1", "c2", "c3", "c4"],
            "magistrates_record_id": ["m1", "m3", "m3", None],
            "score": [1.0, 0.3, 0.6, 0.0],
        }
    )
    out = evaluate_journey(journey, truth_from_asn(CROWN, MAGS))
    assert out["links"] == 3 and out["correct"] == 1
    assert out["precision"] == pytest.approx(1 / 3) and out["recall"] == pytest.approx(1 / 2)
    assert out["by_min_score"]["1.0"]["precision"] == 1.0
    assert out["by_min_score"]["1.0"]["recall"] == pytest.approx(1 / 2)
    assert out["crown_records"] == 4 and out["true_links"] == 2


def test_missing_columns_rejected():
    with pytest.raises(ValueError, match="lacks columns"):
        evaluate_journey(pd.DataFrame({"crown_record_id": []}), truth_from_asn(CROWN, MAGS))
