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


def test_the_sql_rules_agree_with_the_pandas_rules_value_for_value():
    import random

    import duckdb

    from research import coarsen

    rng = random.Random(5)

    def day():
        if rng.random() < 0.1:
            return None
        return pd.Timestamp("1920-01-01") + pd.Timedelta(days=rng.randint(0, 38000))

    n = 2000
    frame = pd.DataFrame(
        {
            "dob": pd.Series([day() for _ in range(n)], dtype="datetime64[ns]"),
            "event": pd.Series([day() for _ in range(n)], dtype="datetime64[ns]"),
            "postcode": [
                rng.choice(["LS1 4AB", "E1 6AN", "W1A 1AA", "1AB", "", None]) for _ in range(n)
            ],
            "amount": [
                rng.choice([None, "", "x", f"{rng.uniform(0, 5000):.2f}", "150.00", "250"])
                for _ in range(n)
            ],
        }
    )
    frame.loc[0, ["dob", "event"]] = [pd.Timestamp("2000-02-29"), pd.Timestamp("2018-02-28")]
    release = coarsen.release_date("2024-12")
    with duckdb.connect() as con:
        con.register("f", frame)
        got = con.sql(
            f"""select {coarsen.month_sql("dob")} as month,
                {coarsen.age_band_sql("dob", "event")} as band,
                {coarsen.age_band_sql("dob", f"date '{release:%Y-%m-%d}'")} as band_release,
                {coarsen.year_of_birth_sql("dob", release)} as yob,
                {coarsen.postcode_area_sql("postcode")} as area,
                {coarsen.round_to_sql("amount", 100)} as rounded
            from f"""
        ).df()
    expected = {
        "month": coarsen.month(frame["dob"]),
        "band": coarsen.age_band(frame["dob"], frame["event"]),
        "band_release": coarsen.age_band(frame["dob"], release),
        "yob": coarsen.year_of_birth(frame["dob"], release),
        "area": coarsen.postcode_area(frame["postcode"]),
        "rounded": coarsen.round_to(frame["amount"], 100),
    }
    for name, values in expected.items():
        left = got[name].astype(values.dtype)
        assert left.isna().tolist() == values.isna().tolist(), name
        assert left.dropna().tolist() == values.dropna().tolist(), name
    assert expected["band"].notna().sum() > 500 and expected["rounded"].notna().sum() > 300
