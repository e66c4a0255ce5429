"""Family and civil court cases, built on the households of the population.

Family cases involve real relatives (parents, their children, partners); civil
claims involve debtors, landlords and companies. Non-person parties (local
authorities, organisations, companies) get person -1. Loops are per case, which
is cheap at these volumes (a few per hundred people).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic import names
from synthetic.population import COUPLE, FEMALE, MALE, Population
from synthetic.streams import WINDOW_END, WINDOW_START, days, stream, uniform_dates

YEAR = 365.25
FINAL_ORDERS = {
    "Public law": ["Care order", "Supervision order", "Special guardianship order", "No order"],
    "Private law": ["Child arrangements order", "Prohibited steps order", "No order"],
    "Adoption": ["Adoption order"],
    "Divorce": ["Final order", "Decree absolute"],
    "Family Law Act": ["Non-molestation order", "Occupation order", "No order"],
}


def _children(pop: Population) -> dict[int, np.ndarray]:
    kids = np.flatnonzero(pop.mother >= 0)  # children are contiguous within a household
    if len(kids) == 0:
        return {}
    units, first = np.unique(pop.unit[kids], return_index=True)
    return dict(zip(units.tolist(), np.split(kids, first[1:]), strict=True))


# Overlap with criminal courts: children's services are far more often involved where a
# parent offends repeatedly, and debt and rent arrears are commoner among offenders.
PUBLIC_LAW_P = (
    0.3,
    0.6,
)  # share of a family's cases that are public law: (else, repeat offender parent)
DEBTOR_P = (0.2, 0.4)  # adults with civil claims against them: (non-offender, offender)


FAMILY_COLUMNS = [
    "case",
    "case_type",
    "date",
    "role",
    "party_type",
    "person",
    "org",
    "final",
    "final_date",
]


class _CaseBook:
    """Family case rows as they are drawn, cases numbered in drawing order."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.cases = 0

    def new_case(self) -> int:
        self.cases += 1
        return self.cases - 1

    def add(self, case, ctype, issue, role, ptype, person, org="", final="", final_date=None):
        self.rows.append((case, ctype, issue, role, ptype, person, org, final, final_date))


def _children_cases(book: _CaseBook, rng, pop: Population, kids, repeat, adult_men, childless):
    """Public and private law cases about one household's children, and the adoptions
    that follow some public law cases."""
    mother = int(pop.mother[kids[0]])
    father = int(pop.father[kids[0]])
    lo = max(WINDOW_START, pop.dob[kids].min() + days(30))
    hi = min(WINDOW_END, pop.dob[kids].max() + days(17 * YEAR))
    if lo >= hi:
        return
    for _ in range(rng.poisson(0.75)):
        issue = uniform_dates(rng, lo, hi)[()]
        in_case = kids[(pop.dob[kids] < issue) & (pop.dob[kids] + days(18 * YEAR) > issue)]
        if len(in_case) == 0:
            continue
        other = father if father >= 0 or not len(adult_men) else int(rng.choice(adult_men))
        p_public = PUBLIC_LAW_P[int(repeat[mother] or (father >= 0 and repeat[father]))]
        public = rng.random() < p_public or other < 0
        ctype = "Public law" if public else "Private law"
        final = str(rng.choice(FINAL_ORDERS[ctype])) if rng.random() < 0.85 else ""
        final_date = issue + days(rng.integers(60, 500))
        c = book.new_case()
        if public:
            la = str(rng.choice(names.LOCAL_AUTHORITIES))
            book.add(c, ctype, issue, "Applicant", "Local authority", -1, la, final, final_date)
            book.add(c, ctype, issue, "Respondent", "Person", mother, "", final, final_date)
            if other >= 0 and rng.random() < 0.7:
                book.add(c, ctype, issue, "Respondent", "Person", other, "", final, final_date)
            if rng.random() < 0.3:
                org = str(rng.choice(names.ORGANISATIONS))
                book.add(c, ctype, issue, "Other party", "Organisation", -1, org, final, final_date)
        else:
            applicant, respondent = (mother, other) if rng.random() < 0.6 else (other, mother)
            book.add(c, ctype, issue, "Applicant", "Person", applicant, "", final, final_date)
            book.add(c, ctype, issue, "Respondent", "Person", respondent, "", final, final_date)
        for k in in_case:
            book.add(c, ctype, issue, "Child", "Person", int(k), "", final, final_date)
        if public and len(childless) and rng.random() < 0.25:
            _adoption(book, rng, pop, issue, int(in_case[-1]), childless, la)


def _adoption(book: _CaseBook, rng, pop: Population, issue, child: int, childless, la: str):
    """The child's adoption by a childless couple, some months after a public law case."""
    adopt = issue + days(rng.integers(200, 700))
    if adopt > WINDOW_END:
        return
    wife = int(rng.choice(childless))
    c = book.new_case()
    fd = adopt + days(rng.integers(90, 300))
    fo = "Adoption order" if rng.random() < 0.8 else ""
    book.add(c, "Adoption", adopt, "Applicant", "Person", wife, "", fo, fd)
    book.add(c, "Adoption", adopt, "Applicant", "Person", int(pop.partner[wife]), "", fo, fd)
    book.add(c, "Adoption", adopt, "Child", "Person", child, "", fo, fd)
    book.add(c, "Adoption", adopt, "Other party", "Local authority", -1, la, fo, fd)


def _couple_cases(book: _CaseBook, rng, pop: Population, wife: int):
    """Divorce and Family Law Act cases between a woman and her partner."""
    husband = int(pop.partner[wife])
    lo = max(WINDOW_START, max(pop.dob[wife], pop.dob[husband]) + days(18 * YEAR))
    if lo >= WINDOW_END:
        return
    for ctype, p in (("Divorce", 0.15), ("Family Law Act", 0.08)):
        if rng.random() >= p:
            continue
        issue = uniform_dates(rng, lo, WINDOW_END)[()]
        c = book.new_case()
        final = str(rng.choice(FINAL_ORDERS[ctype])) if rng.random() < 0.8 else ""
        fd = issue + days(rng.integers(60, 400))
        first, second = (int(wife), husband) if rng.random() < 0.7 else (husband, int(wife))
        book.add(c, ctype, issue, "Applicant", "Person", first, "", final, fd)
        book.add(c, ctype, issue, "Respondent", "Person", second, "", final, fd)


def _in_issue_order(rows: list[tuple]) -> pd.DataFrame:
    """The rows as a frame, cases renumbered by their issue date."""
    f = pd.DataFrame(rows, columns=FAMILY_COLUMNS)
    f["person"] = f.person.astype(np.int64)
    f["date"] = f.date.values.astype("datetime64[D]")
    f["final_date"] = f.final_date.values.astype("datetime64[D]")
    first_row = f.groupby("case").date.transform("min")
    f = f.assign(_d=first_row).sort_values(["_d", "case"], kind="stable").drop(columns="_d")
    f["case"] = pd.factorize(f.case)[0]
    return f.reset_index(drop=True)


def generate_family(pop: Population, seed: int, cases: np.ndarray | None = None) -> pd.DataFrame:
    """One row per party per case; `person` is -1 for non-person parties.

    `cases` (magistrates' cases per person) makes public law likelier for repeat offenders.
    Cases about each household's children first, then those between partners.
    """
    rng = stream(seed, "family")
    repeat = np.zeros(pop.n, dtype=bool) if cases is None else cases >= 3
    adult_men = np.flatnonzero(pop.is_adult & (pop.sex == MALE))
    couples = np.flatnonzero((pop.partner >= 0) & (pop.sex == FEMALE))
    childless = couples[pop.unit_type[couples] == COUPLE]
    book = _CaseBook()
    for kids in _children(pop).values():
        _children_cases(book, rng, pop, kids, repeat, adult_men, childless)
    for wife in couples:
        _couple_cases(book, rng, pop, wife)
    return _in_issue_order(book.rows)


def _company_names(rng, size: int) -> np.ndarray:
    w = rng.choice(names.COMPANY_WORDS, size)
    k = rng.choice(names.COMPANY_KINDS, size)
    s = rng.choice(names.COMPANY_SUFFIXES, size)
    return np.array([f"{a} {b} {c}" for a, b, c in zip(w, k, s, strict=True)], dtype=object)


def generate_civil(pop: Population, seed: int, cases: np.ndarray | None = None) -> pd.DataFrame:
    """One row per party per claim; companies have person -1 and a name."""
    rng = stream(seed, "civil")
    offends = np.zeros(pop.n, dtype=bool) if cases is None else cases > 0
    start = pop.dob + days(np.full(pop.n, 18 * YEAR))
    start = np.maximum(start, WINDOW_START)
    adult = start < WINDOW_END - days(30)
    debtor = adult & (rng.random(pop.n) < np.where(offends, DEBTOR_P[1], DEBTOR_P[0]))
    n_claims = np.where(debtor, 1 + rng.geometric(0.45, pop.n) - 1, 0)
    person = np.repeat(np.arange(pop.n), n_claims)
    date = uniform_dates(rng, start[person], WINDOW_END)
    n = len(person)
    claim_type = rng.choice(["Money claim", "Possession claim", "Other"], n, p=[0.65, 0.25, 0.1])
    pool = np.flatnonzero(adult)
    companies = _company_names(rng, 400)
    rows = []
    for i in range(n):
        p, d, ct = int(person[i]), date[i], claim_type[i]
        if ct == "Money claim":
            event = str(rng.choice(["Claim issued", "Judgment", "Warrant issued", "Settled"]))
            amount = f"{np.exp(rng.normal(7, 1.1)):.2f}"
        elif ct == "Possession claim":
            event = str(rng.choice(["Claim issued", "Possession order", "Warrant issued"]))
            amount = f"{rng.integers(4, 120) * 50:.2f}" if rng.random() < 0.6 else ""
        else:
            event = str(rng.choice(["Claim issued", "Judgment", "Struck out"]))
            amount = ""
        company = str(companies[rng.integers(0, len(companies))])
        roll = rng.random()
        if roll < 0.85:  # a company sues the person
            rows.append((i, ct, d, "Claimant", "Company", -1, company, event, amount))
            rows.append((i, ct, d, "Defendant", "Individual", p, "", event, amount))
            partner = int(pop.partner[p])
            if ct == "Possession claim" and partner >= 0 and rng.random() < 0.5:
                rows.append((i, ct, d, "Defendant", "Individual", partner, "", event, amount))
        elif roll < 0.95:  # a private landlord or lender sues the person
            other = int(rng.choice(pool))
            rows.append((i, ct, d, "Claimant", "Individual", other, "", event, amount))
            rows.append((i, ct, d, "Defendant", "Individual", p, "", event, amount))
        else:  # the person sues a company
            rows.append((i, ct, d, "Claimant", "Individual", p, "", event, amount))
            rows.append((i, ct, d, "Defendant", "Company", -1, company, event, amount))
    c = pd.DataFrame(
        rows,
        columns=[
            "case",
            "claim_type",
            "date",
            "role",
            "party_type",
            "person",
            "org",
            "latest_event",
            "amount",
        ],
    )
    c["person"] = c.person.astype(np.int64)
    c["date"] = c.date.values.astype("datetime64[D]")
    c = c.sort_values(["date", "case"], kind="stable")
    c["case"] = pd.factorize(c.case)[0]
    return c.reset_index(drop=True)
