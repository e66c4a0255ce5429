"""The one age-band rule (research.coarsen.age_band): published bands, completed years."""

import pandas as pd

from research.coarsen import AGE_BAND_LABELS, age_band


def test_age_band_counts_completed_years_at_each_date():
    dob = pd.Series(pd.to_datetime(["2010-01-01", "1990-06-01", "1990-06-01", None, "1950-01-01"]))
    on = pd.Series(pd.to_datetime(["2020-01-01", "2008-05-31", "2008-06-01", "2020-01-01", None]))
    # 10 exactly; 17 the day before the 18th birthday, 18 on it; missing dates -> null
    assert age_band(dob, on).tolist() == ["10-17", "10-17", "18-20", pd.NA, pd.NA]


def test_age_band_edges_and_the_top_band():
    on = pd.Timestamp("2024-12-31")
    ages = [0, 9, 10, 17, 18, 20, 21, 24, 25, 29, 30, 89, 90, 104]
    dob = pd.Series(pd.to_datetime([f"{2024 - a}-12-31" for a in ages]))
    assert age_band(dob, on).tolist() == [
        "0-9", "0-9", "10-17", "10-17", "18-20", "18-20", "21-24", "21-24",
        "25-29", "25-29", "30-39", "80-89", "90+", "90+",
    ]  # fmt: skip
    assert set(age_band(dob, on)) <= set(AGE_BAND_LABELS)


def test_a_birth_after_the_date_has_no_band():
    dob = pd.Series(pd.to_datetime(["2021-03-01"]))
    assert age_band(dob, pd.Timestamp("2020-01-01")).isna().all()
