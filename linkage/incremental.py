"""Incremental prediction: a release whose records mostly carry over scores only what changed.

A pair's score is not a property of the pair alone: term-frequency adjustments
(full name, surname, middle names, date of birth, postcode, outcode) depend on how
often a value occurs among ALL records of the release, so the previous release's
match weights cannot be reused as they are. What a pair keeps from one release to
the next, when both records' model features are unchanged, is its blocking result
(match_key) and its comparison vector (one gamma level per comparison): those depend
only on the two records, the comparison levels and the prediction rules. So each
release stores the comparison vectors of all its candidate pairs, and the next one

1. hashes every record's model feature row (the Splink input, features_sql) and
   compares the hashes with the previous release's, keyed by unique_id:
   unchanged (U), changed or new (D), removed;
2. reuses the stored comparison vectors of the pairs between two unchanged records;
3. finds the new candidate pairs with Splink 5's role-split primitives:
   predict_between(D, U) (D against every unchanged record; its link_type condition
   is the trained link_and_dedupe one) and predict_within(D) (D among themselves,
   unique_id_l < unique_id_r as in a full predict), puts each pair in Splink's own
   orientation (composite id of l < composite id of r) and computes its comparison
   vector with Splink's comparison-vector SQL;
4. scores every pair, reused and new, with Splink's own prediction SQL
   (predict_from_comparison_vectors_sqls_using_settings) against this release's
   term frequencies (computed over all current records, as predict() does).

The result has exactly the rows and columns of linker.inference.predict() on the
same release (tests/test_incremental.py proves it on a three-release sequence), so
the relatives guard and clustering run on it unchanged. linkage/pipeline.py scores
every release through predict_pairs, the previous verified release's linkage folder
as previous_dir, unless ENABLED_ENV turns it off (then Splink's own predict, no state).

The comparison vectors are reusable whatever the trained m and u (a retrained model
still reuses them); they are not when what produces them differs: the comparison
levels, the prediction rules the release kept, the input columns, the engine
versions. Then the release predicts in full and says why (a REASON_* code). Every
step is SQL on Splink's database; the previous release's files are read by DuckDB
from Parquet; Python only sees counts. No row values are logged.

Files a release writes (the next release reads them; STATE_FILES):
  incremental_pairs.parquet    source_table_l, unique_id_l, source_table_r, unique_id_r,
                               match_key, gamma_<comparison>... (every candidate pair)
  incremental_records.parquet  source_table, unique_id, feature_hash (every record)
  incremental_state.json       the fingerprint of what produced the vectors, and counts
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, fields
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import splink
from splink import Linker
from splink.internals.comparison_vector_values import (
    compute_comparison_vector_values_from_id_pairs_sqls,
)
from splink.internals.pipeline import CTEPipeline
from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings
from splink.internals.splink_dataframe import SplinkDataFrame
from splink.internals.term_frequencies import ensure_term_frequencies_for_linker
from splink.internals.vertically_concatenate import enqueue_df_concat, enqueue_df_concat_with_tf

from linkage.blocking import CAPPED_BLOCKS
from xjs import atomic
from xjs.stages import stage

log = logging.getLogger(__name__)

STATE_PAIRS_FILE = "incremental_pairs.parquet"
STATE_RECORDS_FILE = "incremental_records.parquet"
STATE_FILE = "incremental_state.json"
STATE_FILES = (STATE_PAIRS_FILE, STATE_RECORDS_FILE, STATE_FILE)
# Bump when what this module stores, or how it hashes a record, changes.
STATE_VERSION = 2

FULL = "full"
INCREMENTAL = "incremental"
# XJS_INCREMENTAL=0 (or false/no/off): every release predicts in full with Splink's own
# predict and writes no state (the escape hatch, and the reference the tests compare with).
ENABLED_ENV = "XJS_INCREMENTAL"

# Why a release predicted in full (or REASON_REUSED when it did not).
REASON_REUSED = "reused"
REASON_NO_PREVIOUS = "no_previous_release"
REASON_STATE_MISSING = "previous_state_missing"
REASON_STATE_UNREADABLE = "previous_state_unreadable"
REASON_STATE_INCONSISTENT = "previous_state_inconsistent"
REASON_STATE_VERSION = "state_version_changed"
REASON_ENGINE = "engine_changed"
REASON_COLUMNS = "input_columns_changed"
REASON_COMPARISONS = "comparisons_changed"
REASON_RULES = "prediction_rules_changed"
REASON_LINK_TYPE = "link_type_changed"
REASON_DISABLED = "incremental_disabled"  # ENABLED_ENV turned it off
# The order in which a fingerprint difference is named (the first that differs).
_FINGERPRINT_REASONS = (
    ("state_version", REASON_STATE_VERSION),
    ("engine", REASON_ENGINE),
    ("input_columns", REASON_COLUMNS),
    ("link_type", REASON_LINK_TYPE),
    ("comparisons", REASON_COMPARISONS),
    ("prediction_rules", REASON_RULES),
)

_SEP = "-__-"  # Splink's composite-id separator (splink.internals.unique_id_concat)
_HASH = "feature_hash"


@dataclass(frozen=True)
class Scored:
    """Raw (pre-guard) predictions of a release and how they were obtained (counts only)."""

    predictions: SplinkDataFrame
    mode: str  # FULL or INCREMENTAL
    reason: str  # REASON_*
    records: int
    unchanged: int = 0  # records whose feature row is as in the previous release
    changed: int = 0  # records in both releases with a different feature row
    new: int = 0  # records not in the previous release
    removed: int = 0  # records of the previous release not in this one
    pairs: int = 0  # candidate pairs of the release
    reused_pairs: int = 0  # comparison vectors taken from the previous release
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """JSON-ready counts (no predictions table)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "predictions"}

    def metadata(self) -> dict:
        """What the release's linkage metadata records of its prediction: the mode, why it
        was full (None when incremental) and counts; no seconds, so a re-run's are equal."""
        return {
            "mode": self.mode,
            "fallback_reason": None if self.mode == INCREMENTAL else self.reason,
            "reused_pairs": self.reused_pairs,
            "new_pairs": self.pairs - self.reused_pairs,
            "records_unchanged": self.unchanged,
            "records_changed": self.changed,
            "records_new": self.new,
            "records_removed": self.removed,
        }


def enabled() -> bool:
    """False when ENABLED_ENV says 0, false, no or off (default: on)."""
    return os.environ.get(ENABLED_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def clear_state(out_dir: Path) -> None:
    """Remove a folder's STATE_FILES (a run that writes none must not leave an older
    run's for the next release; the JSON first, as it is what vouches for the others)."""
    for name in reversed(STATE_FILES):
        (Path(out_dir) / name).unlink(missing_ok=True)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _run(linker: Linker, inputs: list[SplinkDataFrame], steps: list[tuple[str, str]]):
    """A pipeline of (sql, output name) steps over inputs, materialised on Splink's db."""
    pipeline = CTEPipeline(list(inputs))
    for sql, name in steps:
        pipeline.enqueue_sql(sql, name)
    return linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)


def _count(sdf: SplinkDataFrame) -> int:
    return int(sdf.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0])


def _drop(*sdfs: SplinkDataFrame | None) -> None:
    for sdf in sdfs:
        if sdf is not None:
            sdf.drop_table_from_database_and_remove_from_cache()


class _Names:
    """The id columns and comparisons of the linker's settings."""

    def __init__(self, linker: Linker):
        s = linker._settings_obj
        info = s.column_info_settings
        self.uid = info.unique_id_input_column.unquote().name
        sds = info.source_dataset_input_column
        if sds is None:
            raise ValueError("incremental prediction needs a source dataset column")
        self.sds = sds.unquote().name
        self.comparisons = list(s.core_model_settings.comparisons)
        self.gammas = [c._gamma_column_name for c in self.comparisons]
        self.id_cols = [f"{self.sds}_l", f"{self.uid}_l", f"{self.sds}_r", f"{self.uid}_r"]

    def key(self, side: str, alias: str = "") -> str:
        """Splink's composite id of one side of a pair table: source || sep || uid."""
        a = f"{alias}." if alias else ""
        return f"{a}{_q(f'{self.sds}_{side}')} || '{_SEP}' || {a}{_q(f'{self.uid}_{side}')}"

    def pair_cols(self) -> str:
        return ", ".join(_q(c) for c in [*self.id_cols, "match_key", *self.gammas])


def fingerprint(linker: Linker) -> dict:
    """What the stored comparison vectors depend on besides the two records' features.

    Not the trained m, u or prior (scores are recomputed from the vectors every release),
    but the comparison levels (their conditions, in order), the prediction rules the
    release scores with (after the pipeline dropped oversized ones), the link type, the
    input columns and the engine versions.
    """
    s = linker._settings_obj.as_dict()
    comparisons = [
        {
            "output_column_name": c.get("output_column_name"),
            "levels": [
                [lv.get("sql_condition"), bool(lv.get("is_null_level", False))]
                for lv in c["comparison_levels"]
            ],
        }
        for c in s["comparisons"]
    ]
    first = next(iter(linker._input_tables_dict.values()))
    rel = first.as_duckdbpyrelation()
    columns = [[n, str(t)] for n, t in zip(rel.columns, rel.types, strict=True)]
    return {
        "state_version": STATE_VERSION,
        "engine": {"splink": splink.__version__, "duckdb": duckdb.__version__},
        "input_columns": columns,
        "link_type": s["link_type"],
        "comparisons": comparisons,
        "prediction_rules": s["blocking_rules_to_generate_predictions"],
    }


def fingerprint_digest(fp: dict) -> str:
    return hashlib.sha256(json.dumps(fp, sort_keys=True, default=str).encode()).hexdigest()


def _records(linker: Linker, names: _Names) -> SplinkDataFrame:
    """Every input record with the hash of its feature row (all model input columns).

    A block size (blocking.CAPPED_BLOCKS) enters only as which side of its cap it is on:
    that is all blocking reads of it, and one record more in a large block then changes
    no other record of that block."""
    first = next(iter(linker._input_tables_dict.values()))
    cols = first.as_duckdbpyrelation().columns

    def value(c: str) -> str:
        return f"{_q(c)} <= {CAPPED_BLOCKS[c].cap}" if c in CAPPED_BLOCKS else _q(c)

    row = ", ".join(f"{_q(c)} := {value(c)}" for c in cols)
    pipeline = CTEPipeline()
    enqueue_df_concat(linker, pipeline)
    pipeline.enqueue_sql(
        f"SELECT *, md5_number(CAST(to_json(struct_pack({row})) AS VARCHAR)) AS {_HASH}"
        " FROM __splink__df_concat",
        "__xjs_inc_records",
    )
    return linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)


def _previous_state(previous_dir: Path | None, fp: dict) -> tuple[str, dict | None]:
    """(reason, state): REASON_REUSED and the state when the previous files can be reused."""
    if previous_dir is None:
        return REASON_NO_PREVIOUS, None
    previous_dir = Path(previous_dir)
    if not all((previous_dir / f).is_file() for f in STATE_FILES):
        return REASON_STATE_MISSING, None
    try:
        state = json.loads((previous_dir / STATE_FILE).read_text(encoding="utf-8"))
        old = state["fingerprint"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        return REASON_STATE_UNREADABLE, None
    if not isinstance(old, dict):
        return REASON_STATE_UNREADABLE, None
    current = json.loads(json.dumps(fp, default=str))
    for key, reason in _FINGERPRINT_REASONS:
        if old.get(key) != current.get(key):
            return reason, None
    # the three files are of one run: the JSON (written last) counts the Parquet rows
    try:
        counts = state["counts"]
        rows = {
            f: pq.read_metadata(previous_dir / f).num_rows
            for f in (STATE_PAIRS_FILE, STATE_RECORDS_FILE)
        }
    except (OSError, KeyError, TypeError, pa.ArrowException):
        return REASON_STATE_UNREADABLE, None
    if rows != {STATE_PAIRS_FILE: counts.get("pairs"), STATE_RECORDS_FILE: counts.get("records")}:
        return REASON_STATE_INCONSISTENT, None
    return REASON_REUSED, state


def _gammas_sql(linker: Linker, names: _Names) -> list[tuple[str, str]]:
    """Steps from __splink__blocked_id_pairs (match_key, join_key_l, join_key_r) to the
    pairs' ids, match_key and comparison vectors, with Splink's comparison-vector SQL."""
    s = linker._settings_obj
    sqls = compute_comparison_vector_values_from_id_pairs_sqls(
        s._columns_to_select_for_blocking,
        s._columns_to_select_for_comparison_vector_values,
        input_tablename_l="__splink__df_concat_with_tf",
        input_tablename_r="__splink__df_concat_with_tf",
        source_dataset_input_column=s.column_info_settings.source_dataset_input_column,
        unique_id_input_column=s.column_info_settings.unique_id_input_column,
        link_type=s._link_type,
        sql_dialect_str=linker._sql_dialect_str,
    )
    steps = [(d["sql"], d["output_table_name"]) for d in sqls]
    steps.append(
        (f"SELECT {names.pair_cols()} FROM __splink__df_comparison_vectors", "__xjs_inc_gammas")
    )
    return steps


def _gammas_of(linker: Linker, names: _Names, blocked: SplinkDataFrame) -> SplinkDataFrame:
    """Comparison vectors of the blocked pairs (a table named __splink__blocked_id_pairs)."""
    pipeline = CTEPipeline([blocked])
    enqueue_df_concat_with_tf(linker, pipeline)
    for sql, name in _gammas_sql(linker, names):
        pipeline.enqueue_sql(sql, name)
    return linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)


def _full_gammas(linker: Linker, names: _Names, chunks: tuple[int, int]) -> list[SplinkDataFrame]:
    """Comparison vectors of every candidate pair: Splink's blocking for predict, in
    chunks of (left, right) records when asked (Splink 5's chunked blocking)."""
    n_left, n_right = chunks
    parts = []
    try:
        for i in range(1, n_left + 1):
            for j in range(1, n_right + 1):
                if n_left == n_right == 1:
                    blocked = linker.inference.compute_blocked_pairs_for_predict()
                else:
                    blocked = linker.inference.compute_blocked_pairs_for_predict_chunk(
                        left_chunk=(i, n_left), right_chunk=(j, n_right)
                    )
                try:
                    parts.append(_gammas_of(linker, names, blocked))
                finally:
                    _drop(blocked)
    except BaseException:
        _drop(*parts)
        raise
    return parts


def _blocking_linker(linker: Linker) -> Linker:
    """The release's model with no matching or intermediate columns retained, sharing the
    linker's inputs and term-frequency tables: predict_between / predict_within only
    have to find the pairs (and their match_key) here, their scores are not kept."""
    settings = {
        **linker._settings_obj.as_dict(),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }
    light = Linker(list(linker._input_tables_dict.values()), settings, log_level=None)
    for tf in ensure_term_frequencies_for_linker(linker):
        light._intermediate_table_cache[tf.templated_name] = tf
    return light


def _blocked_from_predictions(names: _Names, preds: list[SplinkDataFrame]) -> str:
    """Splink's blocked-id-pairs shape from predict_between / predict_within output, each
    pair in Splink's orientation (composite id of l below that of r)."""
    parts = []
    for p in preds:
        kl, kr = names.key("l"), names.key("r")
        parts.append(
            f"SELECT match_key, least({kl}, {kr}) AS join_key_l,"
            f" greatest({kl}, {kr}) AS join_key_r FROM {p.physical_name}"
        )
    return " UNION ALL ".join(parts)


def _delta_gammas(
    linker: Linker, names: _Names, records: SplinkDataFrame
) -> SplinkDataFrame | None:
    """Comparison vectors of the pairs with a changed or new record: predict_between
    (changed + new, unchanged) and predict_within(changed + new); None when none."""
    first = next(iter(linker._input_tables_dict.values()))
    cols = ", ".join(_q(c) for c in first.as_duckdbpyrelation().columns)
    delta = _run(
        linker,
        [records],
        [(f"SELECT {cols} FROM {records.physical_name} WHERE NOT __unchanged", "__xjs_inc_delta")],
    )
    kept = _run(
        linker,
        [records],
        [(f"SELECT {cols} FROM {records.physical_name} WHERE __unchanged", "__xjs_inc_unchanged")],
    )
    n_delta, n_kept = _count(delta), _count(kept)
    preds: list[SplinkDataFrame] = []
    blocked = None
    light = _blocking_linker(linker)
    try:
        if n_delta and n_kept:
            preds.append(light.inference.predict_between(delta, kept, warning_mode="never"))
        if n_delta > 1:
            preds.append(light.inference.predict_within([delta], warning_mode="never"))
        if not preds:
            return None
        blocked = _run(
            linker, preds, [(_blocked_from_predictions(names, preds), "__splink__blocked_id_pairs")]
        )
        return _gammas_of(linker, names, blocked)
    finally:
        _drop(blocked, *preds, delta, kept)


def _union(parts: list[SplinkDataFrame]) -> str:
    return " UNION ALL ".join(f"SELECT * FROM {p.physical_name}" for p in parts)


def _score(linker: Linker, names: _Names, parts: list[SplinkDataFrame]) -> SplinkDataFrame:
    """Splink's predictions from stored comparison vectors and this release's term
    frequencies: the comparison-vector table Splink's predict builds, with each
    comparison's CASE replaced by the stored gamma, then Splink's prediction SQL."""
    s = linker._settings_obj
    pipeline = CTEPipeline()
    enqueue_df_concat_with_tf(linker, pipeline)
    sds, uid = _q(names.sds), _q(names.uid)
    blocking_cols = ", ".join(
        [*s._columns_to_select_for_blocking, "g.match_key", *(f"g.{_q(g)}" for g in names.gammas)]
    )
    pipeline.enqueue_sql(
        f"""SELECT {blocking_cols}
        FROM ({_union(parts)}) AS g
        JOIN __splink__df_concat_with_tf AS l
          ON l.{sds} = g.{_q(names.sds + "_l")} AND l.{uid} = g.{_q(names.uid + "_l")}
        JOIN __splink__df_concat_with_tf AS r
          ON r.{sds} = g.{_q(names.sds + "_r")} AND r.{uid} = g.{_q(names.uid + "_r")}""",
        "__xjs_inc_with_cols",
    )
    case_to_gamma = {c._case_statement: _q(c._gamma_column_name) for c in names.comparisons}
    cv_cols = [case_to_gamma.get(c, c) for c in s._columns_to_select_for_comparison_vector_values]
    missing = [g for g in names.gammas if _q(g) not in cv_cols]
    if missing:
        raise RuntimeError(f"comparison vector columns not found for {missing}")
    pipeline.enqueue_sql(
        f"SELECT {', '.join(cv_cols)} FROM __xjs_inc_with_cols", "__splink__df_comparison_vectors"
    )
    for d in predict_from_comparison_vectors_sqls_using_settings(s):
        pipeline.enqueue_sql(d["sql"], d["output_table_name"])
    return linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)


def _write_parquet(linker: Linker, sql: str, path: Path) -> None:
    """COPY a query's rows to path, atomically."""
    with atomic.atomic_path(path) as tmp:
        linker._db_api._execute_sql_against_backend(f"COPY ({sql}) TO {_lit(tmp)} (FORMAT parquet)")


def _classify(linker: Linker, names: _Names, records: SplinkDataFrame, previous: Path):
    """records with __unchanged, and the counts (unchanged, changed, new, removed)."""
    sds, uid = _q(names.sds), _q(names.uid)
    prev = f"read_parquet({_lit(previous / STATE_RECORDS_FILE)})"
    classified = _run(
        linker,
        [records],
        [
            (
                f"""SELECT c.*, coalesce(c.{_HASH} = p.{_HASH}, FALSE) AS __unchanged,
                    p.{_HASH} IS NOT NULL AS __known
                FROM {records.physical_name} AS c LEFT JOIN {prev} AS p
                  ON p.{sds} = c.{sds} AND p.{uid} = c.{uid}""",
                "__xjs_inc_classified",
            )
        ],
    )
    rel = classified.as_duckdbpyrelation()
    unchanged, known = rel.aggregate(
        "count(*) FILTER (WHERE __unchanged), count(*) FILTER (WHERE __known)"
    ).fetchall()[0]
    before = int(
        linker._db_api._execute_sql_against_backend(f"SELECT count(*) FROM {prev}").fetchall()[0][0]
    )
    total = _count(classified)
    counts = {
        "unchanged": int(unchanged),
        "changed": int(known) - int(unchanged),
        "new": total - int(known),
        "removed": before - int(known),
    }
    return classified, counts


def _reused(
    linker: Linker, names: _Names, classified: SplinkDataFrame, previous: Path
) -> SplinkDataFrame:
    """The previous release's comparison vectors of pairs between two unchanged records."""
    sds, uid = _q(names.sds), _q(names.uid)
    pairs = f"read_parquet({_lit(previous / STATE_PAIRS_FILE)})"
    keep = f"(SELECT {sds}, {uid} FROM {classified.physical_name} WHERE __unchanged)"
    sql = f"""SELECT {names.pair_cols()} FROM {pairs} AS p
    WHERE ({_q(names.sds + "_l")}, {_q(names.uid + "_l")}) IN {keep}
      AND ({_q(names.sds + "_r")}, {_q(names.uid + "_r")}) IN {keep}"""
    return _run(linker, [classified], [(sql, "__xjs_inc_reused")])


def predict_pairs(
    linker: Linker,
    out_dir: Path,
    previous_dir: Path | None = None,
    chunks: tuple[int, int] = (1, 1),
) -> Scored:
    """The release's raw (pre-guard) Splink predictions, reusing the previous release's
    comparison vectors where valid; writes this release's STATE_FILES into out_dir.

    linker: the release's Linker over every current record (one input per source table),
    with the scoring settings (prediction rules as kept for this release).
    previous_dir: the previous release's linkage folder (its STATE_FILES), or None.
    chunks: (left, right) chunks for a full prediction (Splink's chunked blocking).
    The predictions have the rows and columns of linker.inference.predict().
    """
    started = time.monotonic()
    out_dir = Path(out_dir)
    names = _Names(linker)
    fp = fingerprint(linker)
    reason, state = _previous_state(previous_dir, fp)
    counts = {"unchanged": 0, "changed": 0, "new": 0, "removed": 0}
    records = classified = None
    parts: list[SplinkDataFrame] = []  # comparison vectors: reused, and predicted afresh
    try:
        with stage("incremental:records"):
            ensure_term_frequencies_for_linker(linker)  # over all current records
            records = _records(linker, names)
        if state is None:
            with stage("incremental:full_vectors"):
                parts.extend(_full_gammas(linker, names, chunks))
            reused_pairs = 0
            counts["new"] = _count(records)
        else:
            previous = Path(previous_dir)
            with stage("incremental:reuse"):
                classified, counts = _classify(linker, names, records, previous)
                parts.append(_reused(linker, names, classified, previous))
                reused_pairs = _count(parts[0])
            with stage("incremental:predict_between"):
                delta = _delta_gammas(linker, names, classified)
            if delta is not None:
                parts.append(delta)
        with stage("incremental:score"):
            predictions = _score(linker, names, parts)
        n_pairs = sum(_count(p) for p in parts)
        n_records = _count(records)
        with stage("incremental:write_state"):
            # unordered: the next release joins these pairs, never reads them in order, and
            # a sort of every pair's ids and vector ran out of memory at 4M records (4 GB)
            _write_parquet(
                linker,
                f"SELECT {names.pair_cols()} FROM ({_union(parts)})",
                out_dir / STATE_PAIRS_FILE,
            )
            _write_parquet(
                linker,
                f"SELECT {_q(names.sds)}, {_q(names.uid)}, {_HASH} FROM {records.physical_name}"
                f" ORDER BY {_q(names.sds)}, {_q(names.uid)}",
                out_dir / STATE_RECORDS_FILE,
            )
    finally:
        _drop(classified, *parts, records)
    mode = FULL if state is None else INCREMENTAL
    scored = Scored(
        predictions=predictions,
        mode=mode,
        reason=reason,
        records=n_records,
        pairs=n_pairs,
        reused_pairs=reused_pairs,
        seconds=round(time.monotonic() - started, 2),
        **counts,
    )
    atomic.write_json(
        out_dir / STATE_FILE,
        {
            "fingerprint": json.loads(json.dumps(fp, default=str)),
            "counts": {k: v for k, v in scored.as_dict().items() if k != "seconds"},
        },
    )
    if mode == FULL:
        log.info("prediction: full (%s), %d pairs", reason, n_pairs)
    else:
        log.info(
            "prediction: incremental, %d of %d records changed or new, %d of %d pairs reused",
            counts["changed"] + counts["new"],
            n_records,
            reused_pairs,
            n_pairs,
        )
    return scored
