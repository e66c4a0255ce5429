"""xjs.messages.scrub on real DuckDB and Arrow errors: the value goes, the kind of error stays."""

from __future__ import annotations

import io

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from xjs.messages import ScrubbedError, scrub

VALUE = "JOHN SMITH"


def _duckdb_error(*statements: str) -> duckdb.Error:
    con = duckdb.connect()
    try:
        for statement in statements[:-1]:
            con.execute(statement)
        with pytest.raises(duckdb.Error) as caught:
            con.execute(statements[-1])
        return caught.value
    finally:
        con.close()


@pytest.mark.parametrize(
    ("statements", "value", "kind"),
    [
        (
            [f"select cast('{VALUE}' as int)"],
            VALUE,
            "ConversionException: Conversion Error: Could not convert string … to INT32",
        ),
        (["select cast('20/05/979' as date)"], "20/05/979", "invalid date field format"),
        (["select strptime('20/05/979', '%Y-%m-%d')"], "20/05/979", "Could not parse"),
        (["select 'O''BRIEN'::int"], "BRIEN", "Could not convert string"),
        (
            [
                "create table t (record_id varchar primary key)",
                "insert into t values ('MAG-SMITH-1')",
                "insert into t values ('MAG-SMITH-1')",
            ],
            "SMITH",
            "ConstraintException: Constraint Error",
        ),
        (
            [f"select json_extract('{{{VALUE}', '$.a')"],
            VALUE,
            "InvalidInputException: Invalid Input Error: Malformed JSON",
        ),
    ],
)
def test_duckdb_errors_lose_the_value_and_keep_the_kind(statements, value, kind):
    error = _duckdb_error(*statements)
    assert value in str(error)  # the raw message does quote it

    told = scrub(error)

    assert value not in told
    assert kind in told
    assert "LINE 1" not in told  # DuckDB's echo of the statement goes too


def test_contract_names_survive_quoting():
    error = _duckdb_error(
        "create table t (surname varchar not null)", "insert into t values (null)"
    )
    assert scrub(error).endswith("NOT NULL constraint failed: t.surname")
    text = 'Binder Error: column "date_of_birth" of "landing.magistrates_defendants": "MR X"'
    assert scrub(text) == (
        'Binder Error: column "date_of_birth" of "landing.magistrates_defendants": "…"'
    )


def test_arrow_csv_errors_lose_the_row():
    with pytest.raises(pa.ArrowInvalid) as caught:
        pacsv.read_csv(io.BytesIO(b"forename,surname\nJOHN,SMITH,1980-01-01\n"))
    assert "SMITH" in str(caught.value)
    told = scrub(caught.value)
    assert "SMITH" not in told and "1980" not in told
    assert told.startswith("ArrowInvalid: CSV parse error: Expected 2 columns, got 3")


def test_dbt_error_text_keeps_the_model_and_loses_the_value():
    text = (
        "The dbt CLI process with command\n\n"
        '`dbt build --vars \'{"release_id": "2024-12"}\' --select path:models/staging`\n\n'
        "failed with exit code `1`.\n\nErrors parsed from dbt logs:\n\n"
        "Runtime Error in model stg_libra__defendants (models/staging/libra/x.sql)\n"
        "  Conversion Error: Could not convert string 'SMITH' to INT32\n\n"
        "  LINE 3:   cast('SMITH' as int)\n"
        "            ^"
    )
    told = scrub(text, cls_name="DagsterDbtCliRuntimeError")
    assert "SMITH" not in told
    assert "`dbt build …`" in told
    assert "Runtime Error in model stg_libra__defendants" in told
    assert told.startswith("DagsterDbtCliRuntimeError: ")


def test_the_projects_own_errors_pass_as_they_are():
    message = "/data/landing/2024-12/magistrates_defendants.csv: sha256 does not match the manifest"
    assert scrub(message, cls_name="DropError") == message

    class DropError(Exception):
        pass

    assert scrub(DropError(message)) == message


def test_an_unmatched_quote_cuts_the_rest_of_the_line():
    told = scrub("Invalid Input Error: value O'BRIEN, JOHN in column surname")
    assert "BRIEN" not in told and "JOHN" not in told
    assert told.startswith("Invalid Input Error: value O")
    assert scrub("value can't be cast") == "value can't be cast"  # contractions are not quotes


def test_control_characters_do_not_pass():
    assert scrub("bad byte \x00 and \x1b[31m") == "bad byte ? and ?[31m"


def test_scrubbed_error_carries_no_chain():
    original = _duckdb_error(f"select cast('{VALUE}' as int)")
    try:
        raise ScrubbedError(original) from None
    except ScrubbedError as err:
        assert VALUE not in str(err)
        assert err.__cause__ is None and err.__suppress_context__
        assert err.original_class == "ConversionException"
