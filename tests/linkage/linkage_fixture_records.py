"""A small, self-contained generator of int_person_records-shaped tables.

Tests need linkage input without the real synthetic generator or dbt: this makes
people with a few noisy records each across the seven source tables (typos,
swapped names, transposed or missing dates of birth, moved postcodes, reissued
prison numbers, prison aliases) and the truth (source_table, record_id, person_id).
It is deliberately crude; it only has to exercise every comparison and rule.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pandas as pd

from contracts.landing import CRIMINAL_TABLES
from contracts.person_records import PERSON_RECORD_COLUMNS


def _words(text: str) -> list[str]:
    return text.split()


MALE = _words(
    "JAMES JOHN DAVID MICHAEL PAUL MARK ANDREW PETER RICHARD STEVEN CHRISTOPHER DANIEL "
    "THOMAS MATTHEW JAMIE LEE CRAIG DARREN WAYNE GARY KEVIN JASON ROBERT WILLIAM SCOTT "
    "ANTHONY STEPHEN IAN CARL DEAN SEAN RYAN LIAM CONNOR KYLE JORDAN ADAM BEN SAMUEL "
    "JOSEPH MOHAMMED ALI OMAR HASSAN KWAME TYRONE DELROY PIOTR TOMASZ AMIT RAJ"
)
FEMALE = _words(
    "SARAH EMMA LAURA GEMMA REBECCA NICOLA RACHEL AMY CLAIRE KELLY LISA MICHELLE JOANNE "
    "DONNA HAYLEY CHARLOTTE SOPHIE JESSICA HANNAH CHLOE LEANNE STACEY KAYLEIGH DANIELLE "
    "VICTORIA ELIZABETH MARY SUSAN KAREN HELEN AISHA FATIMA AMINA PRIYA ANNA AGNIESZKA "
    "SHANICE CHANTELLE TANYA ZOE"
)
SURNAMES = _words(
    "SMITH JONES WILLIAMS TAYLOR BROWN DAVIES EVANS WILSON THOMAS JOHNSON ROBERTS "
    "ROBINSON THOMPSON WRIGHT WALKER WHITE EDWARDS HUGHES GREEN HALL LEWIS HARRIS CLARKE "
    "PATEL JACKSON WOOD TURNER MARTIN COOPER HILL WARD MORRIS MOORE CLARK LEE KING BAKER "
    "HARRISON MORGAN ALLEN JAMES SCOTT PHILLIPS WATSON DAVIS PARKER PRICE BENNETT YOUNG "
    "GRIFFITHS MITCHELL KELLY COOK CARTER RICHARDSON BAILEY COLLINS BELL SHAW MURPHY MILLER "
    "COX RICHARDS KHAN MARSHALL ANDERSON SIMPSON ELLIS ADAMS SINGH BEGUM WILKINSON FOSTER "
    "CHAPMAN POWELL WEBB ROGERS GRAY MASON ALI HUNT HUSSAIN CAMPBELL MATTHEWS OWEN PALMER "
    "HOLMES MILLS BARNES KNIGHT LLOYD BUTLER RUSSELL BARKER FISHER STEVENS JENKINS MURRAY "
    "DIXON HARVEY NOWAK KOWALSKI OKAFOR MENSAH ABDI OCONNOR MCDONALD SMITH-JONES"
)
OUTCODES = [
    f"{a}{n}" for a in ("M", "LS", "B", "L", "S", "NE", "CF", "BS", "E", "SE") for n in range(1, 16)
]
ETHNIC = ["White", "White", "White", "Black", "Asian", "Mixed", "Other"]
LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 3:
        return s
    i = rng.randrange(1, len(s) - 1)
    kind = rng.random()
    if kind < 0.4:
        return s[:i] + rng.choice("ABCDEFGHIJKLMNOPRSTUWY") + s[i + 1 :]
    if kind < 0.7:
        return s[:i] + s[i + 1 :]
    return s[: i - 1] + s[i] + s[i - 1] + s[i + 1 :]


def _dob_noise(rng: random.Random, d: dt.date) -> dt.date:
    r = rng.random()
    try:
        if r < 0.35 and d.day <= 12 and d.day != d.month:
            return d.replace(day=d.month, month=d.day)
        if r < 0.7:
            return d.replace(day=min(28, max(1, d.day + rng.choice((-1, 1)))))
        return d.replace(year=d.year + rng.choice((-1, 1)))
    except ValueError:
        return d


def _postcode(rng: random.Random) -> str:
    out = rng.choice(OUTCODES)
    return f"{out} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"


def _person(rng: random.Random, pid: int) -> dict:
    sex = rng.choice("MF")
    first = rng.choice(MALE if sex == "M" else FEMALE)
    year = rng.randint(1950, 2004)
    return {
        "person_id": f"T{pid:06d}",
        "sex": sex,
        "first": first,
        "middle": rng.choice(MALE if sex == "M" else FEMALE) if rng.random() < 0.6 else None,
        "last": rng.choice(SURNAMES),
        "dob": dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
        "postcodes": [_postcode(rng) for _ in range(rng.randint(1, 3))],
        "pnc": f"{year + 16}/{rng.randint(0, 9999999):07d}{rng.choice(LETTERS)}"
        if rng.random() < 0.8
        else None,
        "cro": f"{rng.randint(1, 999999):06d}/{rng.randint(80, 99)}{rng.choice(LETTERS)}"
        if rng.random() < 0.4
        else None,
        "noms": [
            f"{rng.choice('AG')}{rng.randint(1000, 9999)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
            for _ in range(2)
        ],
        "crn": f"{rng.choice('ABCDEX')}{rng.randint(100000, 999999)}",
        "ethnic": rng.choice(ETHNIC),
    }


def _sources(rng: random.Random) -> list[str]:
    """Which tables hold a person's records: mostly criminal, some family/civil only."""
    kind = rng.random()
    if kind < 0.22:
        return [rng.choice(("family_parties", "civil_parties")) for _ in range(rng.randint(1, 2))]
    n = rng.choices((1, 2, 3, 4, 5, 6), weights=(30, 25, 18, 12, 8, 7))[0]
    tables = ["magistrates_defendants"] + [rng.choice(CRIMINAL_TABLES) for _ in range(n - 1)]
    if rng.random() < 0.08:
        tables.append(rng.choice(("family_parties", "civil_parties")))
    return tables


def _record(rng: random.Random, p: dict, table: str, n: int, asn: str | None) -> dict:
    criminal = table in CRIMINAL_TABLES
    first, last, middle, dob = p["first"], p["last"], p["middle"], p["dob"]
    if rng.random() < 0.08:
        first = _typo(rng, first)
    if rng.random() < 0.08:
        last = _typo(rng, last)
    if rng.random() < 0.04 and p["sex"] == "F":
        last = rng.choice(SURNAMES)  # married name
    if rng.random() < 0.02:
        first, last = last, first
    if rng.random() < 0.06:
        dob = _dob_noise(rng, dob)
    dob_null = {"family_parties": 0.5, "civil_parties": 0.8}.get(table, 0.04)
    if rng.random() < dob_null:
        dob = None
    if table == "civil_parties" or rng.random() < 0.3:
        middle = None
    if table == "prison_journeys":
        noms = p["noms"][1] if rng.random() < 0.1 else p["noms"][0]
    else:
        noms = (
            p["noms"][0]
            if table in ("probation_events", "oasys_assessments") and (rng.random() < 0.5)
            else None
        )
    id_rate = {"magistrates_defendants": 0.5, "crown_defendants": 0.8}.get(table, 0.9)
    aliases = table == "prison_journeys" and rng.random() < 0.25
    postcode = (
        rng.choice(p["postcodes"])
        if rng.random() < (0.5 if table != "civil_parties" else 0.95)
        else None
    )
    return {
        "unique_id": f"{table}:{p['person_id']}-{n}",
        "source_table": table,
        "record_id": f"{p['person_id']}-{n}",
        "first_name": first,
        "middle_names": middle,
        "last_name": last,
        "first_name_aliases": [p["first"], _typo(rng, p["first"])] if aliases else None,
        "last_name_aliases": [rng.choice(SURNAMES), p["last"]] if aliases else None,
        "date_of_birth": dob,
        "date_of_birth_aliases": [p["dob"], _dob_noise(rng, p["dob"])] if aliases else None,
        "sex": None if table == "civil_parties" or rng.random() < 0.02 else p["sex"],
        "postcode": postcode,
        "postcode_outcode": postcode.split(" ")[0] if postcode else None,
        "pnc": p["pnc"] if criminal and rng.random() < id_rate else None,
        "cro": p["cro"] if criminal and rng.random() < 0.5 else None,
        "noms_number": noms,
        "crn": p["crn"]
        if table in ("probation_events", "oasys_assessments") and rng.random() < 0.9
        else None,
        "asn": asn,
        "event_date": dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000)),
        "ethnic_group": p["ethnic"] if rng.random() < 0.8 else None,
        "party_role": rng.choice(("Applicant", "Respondent")) if not criminal else None,
    }


def make_person_records(n_people: int = 1500, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records shaped like int_person_records, truth) for n_people people."""
    rng = random.Random(seed)
    rows = []
    for i in range(n_people):
        p = _person(rng, i)
        tables = _sources(rng)
        asn = f"{rng.randint(10, 99)}01{rng.randint(0, 99999999):08d}X"
        for n, table in enumerate(tables):
            shared = asn if table in ("magistrates_defendants", "crown_defendants") else None
            rows.append(_record(rng, p, table, n, shared if rng.random() < 0.7 else None))
    records = pd.DataFrame(rows, columns=list(PERSON_RECORD_COLUMNS))
    truth = pd.DataFrame(
        {
            "source_table": records["source_table"],
            "record_id": records["record_id"],
            "person_id": records["record_id"].str.split("-").str[0],
        }
    )
    return records, truth


def load_records(con: duckdb.DuckDBPyConnection, table: str, records: pd.DataFrame) -> None:
    """Create `table` on con with the exact column types of int_person_records."""
    casts = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in PERSON_RECORD_COLUMNS.items())
    con.register("_fixture_records", records)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {casts} FROM _fixture_records")
    con.unregister("_fixture_records")
