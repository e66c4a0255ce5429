"""The README.md inside each published research folder: what is in it, how it was protected."""

from __future__ import annotations

from research import disclosure, pseudonyms
from research.coarsen import TOP_AGE


def render(
    release_id: str,
    key_id: str,
    rows: dict[str, int],
    paths: dict[str, str],
    cells: int,
    suppressed: int,
) -> str:
    table_lines = "\n".join(f"| `{paths[t]}` | {rows[t]} |" for t in paths)
    return f"""# Research release {release_id}

De-identified, linked records of the people who appear in seven justice
datasets (magistrates' courts, the Crown Court, family courts, county court
civil claims, probation, prison, OASys), for accredited researchers. See
docs/research-release.md in the project for the full guide.

## What is in it

| file | rows |
|---|---|
{table_lines}

- `records/`: one table per source, one row per person record, with the
  content researchers need (offences, outcomes, disposals, sentences, custody
  spells, needs scores) and none of the identifiers.
- `xjs_link.parquet`: which records belong to the same person (the linkage),
  at the default threshold and at a stricter and a looser one.
- `journeys/`: each person's timeline across jurisdictions; repeat users;
  overlaps between family or civil and criminal involvement; for each
  sentence, a new criminal case within one and two years of the sentence, or
  of release for custody (the proven reoffending measure).
- `aggregates/`: summary tables, disclosure-controlled, safe to quote.
- `data_dictionary.md` / `.json`: every table and column, generated from the
  schemas the release was validated against.
- `linkage_quality.json`: counts and rates from the linkage (and its
  evaluation against ground truth when the data had one).
- `manifest.json`: the sha256 of every file; check it before use.

Join tables on `record_pseudonym` and `person_pseudonym`.

## How it was protected

- **Pseudonyms.** Every id is replaced by a keyed hash (HMAC-SHA256 of the
  internal id under a secret key held by the data owner; {pseudonyms.HEX_CHARS * 4}
  bits kept). Names, dates of birth and source identifiers are never hashed,
  so they cannot be recovered by trying candidates. Pseudonyms are the same
  in every release made under the same key: key id `{key_id}` (a fingerprint,
  not the key). A different key id means pseudonyms do not match across releases.
- **Removed.** Names, addresses, postcodes, PNC and CRO numbers, prison (NOMS)
  numbers, probation CRNs, arrest summons numbers, case and claim numbers and
  every source system id.
- **Coarsened.** Date of birth to year of birth (withheld at {TOP_AGE} and over)
  and an age band ({TOP_AGE}+ is one band); every event date to its month;
  postcode to postcode area; amounts claimed to the nearest 100 pounds.
- **Disclosure control on the aggregates.** Counts under
  {disclosure.THRESHOLD} (zeros too) are suppressed; further cells are
  suppressed so that no suppressed cell can be worked out from the totals; the
  rest are rounded to the nearest {disclosure.ROUNDING_BASE}, so totals need not
  equal the sum of their rounded cells. {suppressed} of {cells} cells are
  suppressed in this release. The record-level tables are not aggregates: any
  table you make from them must go through output checking before it leaves
  the secure environment.
- **Checked.** Every table passed its schema; no value of any identifier
  column of the source data appears anywhere in this folder.
"""
