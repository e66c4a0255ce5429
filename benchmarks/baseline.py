"""A tutorial-style Splink 5 model: the baseline the project's model must beat (issue #12).

What a new user would write after Splink's tutorials, on any drop of the data
contract, with none of the project's machinery (no dbt, nicknames, relatives
guard or tuned thresholds):

- plain DuckDB SQL over the landing files themselves: names upper-cased and
  trimmed, dates of birth parsed in each table's format, postcodes to
  `OUTCODE INCODE`, PNCs to the short form `YY/NNNNNNNC`; the civil court's one
  name field split at its comma or its first and last words; non-person parties
  (companies, organisations) left out, as the contract's truth leaves them out;
- comparisons: forename and surname (NameComparison with term frequencies),
  DateOfBirthComparison, PostcodeComparison, PNC ExactMatch;
- five simple blocking rules (BLOCKING_RULES);
- training: the prior from a deterministic rule (DETERMINISTIC_RULE at
  DETERMINISTIC_RECALL, the tutorials' figure), u by random sampling, EM on
  DOB and on surname;
- predict, cluster at THRESHOLD (0.95), and score against truth with the
  pairwise metrics the project's evaluation uses (linkage.evaluation.evaluate).

Everything runs in DuckDB; only the clusters (one row per record) come back to
be scored. `python -m benchmarks.baseline --data-dir D --release R` prints the
pairwise precision, recall and F1.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from contracts.landing import LANDING_TABLES, PERSON_RECORD_TABLES
from linkage.backend import SPLINK_LOG_LEVEL, quiet_splink
from linkage.evaluation import evaluate
from xjs import drops
from xjs.layout import truth_path
from xjs.limits import duckdb_limits

THRESHOLD = 0.95
DETERMINISTIC_RULE = block_on("first_name", "surname", "dob")
DETERMINISTIC_RECALL = 0.7  # the figure Splink's tutorials use
U_MAX_PAIRS = 2_000_000
SEED = 42
BLOCKING_RULES = [
    block_on("first_name", "surname"),
    block_on("surname", "dob"),
    block_on("first_name", "dob"),
    block_on("postcode", "surname"),
    block_on("pnc"),
]
EM_RULES = [block_on("dob"), block_on("surname")]

# Per landing table: (forename, surname, date of birth, postcode, pnc, person filter),
# each a SQL expression over the raw landing columns. CSV columns are text.
_DMY, _YMD = "%d/%m/%Y", "%Y-%m-%d"
_DATE_SHAPES = {_DMY: r"\d{2}/\d{2}/\d{4}", _YMD: r"\d{4}-\d{2}-\d{2}"}


def _csv_date(column: str, fmt: str) -> str:
    """A text date in fmt, with a four-digit year (strptime alone takes `20/05/979`)."""
    shape = _DATE_SHAPES[fmt]
    return (
        f"case when regexp_full_match(trim({column}), '{shape}') "
        f"then try_strptime(trim({column}), '{fmt}')::date end"
    )


def _first_word(column: str) -> str:
    return f"split_part(trim({column}), ' ', 1)"


_TITLES = "('MR', 'MRS', 'MS', 'MISS', 'DR')"
_CIVIL_NAME = "upper(trim(regexp_replace(party_name, '\\s+', ' ', 'g')))"
_CIVIL_WORDS = (
    f"list_filter(string_split({_CIVIL_NAME}, ' '), lambda w: w <> '' and w not in {_TITLES})"
)
SOURCES: dict[str, dict[str, str]] = {
    "magistrates_defendants": {
        "first_name": "forename1",
        "surname": "surname",
        "dob": _csv_date("date_of_birth", _DMY),
        "postcode": "postcode",
        "pnc": "pnc_id",
        "person": "true",
    },
    "crown_defendants": {
        "first_name": "first_name",
        "surname": "surname",
        "dob": "date_of_birth",
        "postcode": "postcode",
        "pnc": "pnc_id",
        "person": "not coalesce(is_company, false)",
    },
    "family_parties": {
        "first_name": _first_word("forenames"),
        "surname": "surname",
        "dob": _csv_date("date_of_birth", _YMD),
        "postcode": "postcode",
        "pnc": "null",
        "person": "trim(party_type) = 'Person'",
    },
    "civil_parties": {
        "first_name": (
            f"case when {_CIVIL_NAME} like '%,%' "
            f"then split_part(trim(split_part({_CIVIL_NAME}, ',', 2)), ' ', 1) "
            f"else {_CIVIL_WORDS}[1] end"
        ),
        "surname": (
            f"case when {_CIVIL_NAME} like '%,%' then split_part({_CIVIL_NAME}, ',', 1) "
            f"when len({_CIVIL_WORDS}) > 1 then {_CIVIL_WORDS}[-1] end"
        ),
        "dob": _csv_date("date_of_birth", _YMD),
        "postcode": "postcode",
        "pnc": "null",
        "person": "trim(party_type) = 'Individual'",
    },
    "probation_events": {
        "first_name": "forename",
        "surname": "surname",
        "dob": "date_of_birth",
        "postcode": "postcode",
        "pnc": "pnc_number",
        "person": "true",
    },
    "prison_journeys": {
        "first_name": "first_name",
        "surname": "last_name",
        "dob": "birth_date",
        "postcode": "null",
        "pnc": "pnc_id",
        "person": "true",
    },
    "oasys_assessments": {
        "first_name": "forename_1",
        "surname": "family_name",
        "dob": "date_of_birth",
        "postcode": "null",
        "pnc": "pnc",
        "person": "true",
    },
}
assert tuple(SOURCES) == PERSON_RECORD_TABLES


def _name(expr: str) -> str:
    return f"nullif(upper(trim({expr}::varchar)), '')"


def _postcode(expr: str) -> str:
    compact = f"regexp_replace(upper({expr}::varchar), '[^A-Z0-9]', '', 'g')"
    return (
        f"case when length({compact}) between 5 and 7 "
        f"then left({compact}, length({compact}) - 3) || ' ' || right({compact}, 3) end"
    )


def _pnc(expr: str) -> str:
    compact = f"regexp_replace(upper({expr}::varchar), '\\s', '', 'g')"
    long_form = f"regexp_full_match({compact}, '\\d{{4}}/\\d+[A-Z]')"
    return f"nullif(case when {long_form} then substr({compact}, 3) else {compact} end, '')"


def _reader(path: Path, fmt: str) -> str:
    quoted = str(path).replace("'", "''")
    if fmt == "csv":
        return f"read_csv('{quoted}', header = true, all_varchar = true, quote = '\"')"
    return f"read_parquet('{quoted}')"


def standardised_sql(files: dict[str, Path]) -> str:
    """One SELECT over the drop's landing files (table -> path): every person record,
    standardised."""
    parts = []
    for table, path in files.items():
        spec, src = LANDING_TABLES[table], SOURCES[table]
        parts.append(
            f"select '{table}' as source_table, record_id::varchar as record_id, "
            f"{_name(src['first_name'])} as first_name, {_name(src['surname'])} as surname, "
            f"{src['dob']}::date as dob, {_postcode(src['postcode'])} as postcode, "
            f"{_pnc(src['pnc'])} as pnc "
            f"from {_reader(path, spec.format)} where {src['person']}"
        )
    body = "\nunion all\n".join(parts)
    return f"select source_table || '|' || record_id as unique_id, * from (\n{body}\n)"


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("pnc"),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


@dataclass(frozen=True)
class BaselineResult:
    records: int
    comparisons: int  # scored pairs above predict's floor
    persons: int
    precision: float
    recall: float
    f1: float
    seconds: float

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def drop_files(data_dir: Path, release_id: str) -> dict[str, Path]:
    """The person-record files the drop's manifest lists (the manifest read as ingest reads it)."""
    manifest = drops.read_manifest(data_dir, release_id)
    return {t: manifest.file_path(t) for t in PERSON_RECORD_TABLES if t in manifest.files}


def link(data_dir: Path, release_id: str) -> tuple[pd.DataFrame, int]:
    """Train, predict and cluster; returns (source_table, record_id, person_id) and the
    number of scored pairs."""
    data_dir = Path(data_dir)
    files = drop_files(data_dir, release_id)
    con = duckdb_limits(data_dir).connect()
    try:
        con.execute(f"create table records as {standardised_sql(files)}")
        db_api = DuckDBAPI(connection=con)
        linker = Linker(db_api.register("records"), settings(), log_level=SPLINK_LOG_LEVEL)
        linker.training.estimate_probability_two_random_records_match(
            [DETERMINISTIC_RULE], recall=DETERMINISTIC_RECALL
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
        for rule in EM_RULES:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        predictions = linker.inference.predict(threshold_match_probability=0.5)
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=THRESHOLD
        )
        n_pairs = con.execute(f"select count(*) from {predictions.physical_name}").fetchone()[0]
        persons = con.execute(
            "select r.source_table, r.record_id, c.cluster_id::varchar as person_id "
            f"from {clusters.physical_name} c join records r using (unique_id)"
        ).df()
    finally:
        con.close()
    return persons, int(n_pairs)


def run_baseline(data_dir: Path, release_id: str) -> BaselineResult:
    """The baseline on one drop, scored against its truth (truth/<R>/truth.parquet)."""
    started = time.perf_counter()
    persons, n_pairs = link(data_dir, release_id)
    truth = pd.read_parquet(truth_path(Path(data_dir), release_id))
    truth = truth[truth["source_table"].isin(persons["source_table"].unique())]
    m = evaluate(persons, truth).overall
    return BaselineResult(
        records=len(persons),
        comparisons=n_pairs,
        persons=int(persons["person_id"].nunique()),
        precision=m.precision,
        recall=m.recall,
        f1=m.f1,
        seconds=round(time.perf_counter() - started, 1),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The tutorial-style Splink baseline on a drop.")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--release", required=True)
    args = parser.parse_args(argv)
    quiet_splink()
    print(json.dumps(run_baseline(args.data_dir, args.release).as_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
