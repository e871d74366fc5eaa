"""The audit folder's CSV files: the text pandas' own formatting would write, byte for byte.

``graphdyn.folder.csv_text`` makes the text of every column itself, in NumPy (pandas formats
one value at a time, most of the time of writing an audit folder); these tests hold it to the
text of ``to_csv(float_format="%.10g")`` with times as ``strftime`` text, and its numbers to
Python's ``"%.10g" % x``, on columns of every type, numbers of every magnitude and the values
next to every rounding boundary.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from graphdyn.folder import csv_text
from graphdyn.folder.csv_text import float_text
from graphdyn.folder.csv_text import write_csv as _write_csv


def _pandas_text(frame: pd.DataFrame) -> str:
    """The CSV text of ``frame`` written the way the audit folder used to write it."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    text: str = out.to_csv(index=False, float_format="%.10g", lineterminator="\n")
    return text


def _pandas_bytes(frame: pd.DataFrame) -> bytes:
    """The same text as bytes (read back as bytes: a text read would turn a CR into a LF)."""
    return _pandas_text(frame).encode("utf-8")


def _frame(times: pd.Series) -> pd.DataFrame:
    floats = [0.1, -0.0, np.nan, np.inf, -np.inf, 1e-300, 123456789012.5, 2 / 3, 1.0, 5e20]
    n = len(floats)
    return pd.DataFrame(
        {
            "customer_id": [f"c,{i}" if i % 3 == 0 else f'c"{i}' for i in range(n)],
            "strength": floats,
            "float32": np.array(floats, dtype=np.float32),
            "count": np.arange(n, dtype=np.int64),
            "flag": [i % 2 == 0 for i in range(n)],
            "maybe": pd.array([1.5 if i % 2 else None for i in range(n)], dtype="Float64"),
            "when": times.iloc[:n].reset_index(drop=True),
        }
    )


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris"])
def test_csv_text_is_pandas_text(tmp_path: Path, zone: str) -> None:
    times = pd.Series(
        pd.to_datetime(
            [
                "2026-03-31T23:59:59.999Z",
                None,
                "1969-12-31T23:59:59.5Z",
                "1900-03-01T00:00:00Z",
                "2024-02-29T12:00:00Z",
            ]
            * 2,
            utc=True,
            format="ISO8601",
        )
    ).dt.tz_convert(zone)
    frame = _frame(times)
    _write_csv(frame, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == _pandas_bytes(frame)


def test_years_outside_four_digits_fall_back_to_strftime(tmp_path: Path) -> None:
    times = pd.Series(pd.to_datetime(["0999-05-01T10:00:00Z"] * 10, utc=True, format="ISO8601"))
    frame = _frame(times)
    _write_csv(frame, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == _pandas_bytes(frame)


def test_an_empty_table_has_its_header(tmp_path: Path) -> None:
    times = pd.Series(pd.to_datetime(["2026-01-01T00:00:00Z"] * 10, utc=True, format="ISO8601"))
    frame = _frame(times).iloc[:0]
    _write_csv(frame, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == _pandas_bytes(frame)


def _every_type(rows: int, seed: int) -> pd.DataFrame:
    """Columns of every type an audit table (or a data set's attributes) may hold."""
    rng = np.random.default_rng(seed)
    gaps = rng.random(rows) < 0.2
    texts = np.array(["plain", "with,comma", 'with"quote', "line\nbreak", "cr\rhere", "", "é ünï"])
    stamps = pd.Series(
        pd.to_datetime(rng.integers(-2_000_000_000, 4_000_000_000, rows), unit="s", utc=True)
    )
    stamps[gaps] = pd.NaT
    floats = rng.random(rows) * 10.0 ** rng.integers(-8, 14, rows)
    floats[gaps] = np.nan
    floats[rng.random(rows) < 0.1] = 0.0
    return pd.DataFrame(
        {
            "id": pd.Series([f"c{i}" for i in range(rows)], dtype="str"),
            "text": pd.Series(rng.choice(texts, rows), dtype="str").mask(gaps),
            "objects": pd.Series(rng.choice(texts, rows), dtype=object).mask(gaps),
            "number": floats,
            "negative": -floats,
            "float32": floats.astype(np.float32),
            "count": rng.integers(-5, 10**12, rows),
            "unsigned": rng.integers(0, 255, rows).astype(np.uint8),
            "flag": rng.random(rows) < 0.5,
            "masked_float": pd.array(np.where(gaps, None, floats), dtype="Float64"),
            "masked_int": pd.array(np.where(gaps, None, rng.integers(0, 9, rows)), dtype="Int64"),
            "masked_flag": pd.array(np.where(gaps, None, rng.random(rows) < 0.5), dtype="boolean"),
            "when": stamps,
            "elsewhere": stamps.dt.tz_convert("America/New_York"),
        }
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_column_type_over_several_blocks(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_text, "_BLOCK_ROWS", 97)
    frame = _every_type(1000, seed)
    _write_csv(frame, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == _pandas_bytes(frame)


def test_columns_pandas_must_write_are_written_by_pandas(tmp_path: Path) -> None:
    frame = _every_type(50, 3).assign(
        category=pd.Categorical(["a", "b"] * 25),
        mixed=pd.Series([1, "a"] * 25, dtype=object),
        duration=pd.to_timedelta(np.arange(50), unit="h"),
    )
    for columns in (["id", "category"], ["id", "mixed"], ["id", "duration"], ["id"]):
        _write_csv(frame[columns], tmp_path / "out.csv")
        assert (tmp_path / "out.csv").read_bytes() == _pandas_bytes(frame[columns])


def _boundaries() -> np.ndarray:
    """Values next to every boundary %.10g rounds across, and numbers of every magnitude."""
    rng = np.random.default_rng(5)
    powers = 10.0 ** np.arange(-20, 40)
    halves = (rng.integers(10**9, 10**10, 20_000) * 10 + 5).astype(float)
    return np.concatenate(
        [
            powers,
            np.nextafter(powers, 0),
            np.nextafter(powers, np.inf),
            powers * (1 - 5e-11),
            powers * (1 + 5e-11),
            powers * 9.9999999995,
            powers * 9.99999999949,
            halves,  # exact ties at the tenth digit: rounded half to even
            halves / 2.0 ** rng.integers(1, 12, len(halves)),
            rng.random(50_000) * 10.0 ** rng.integers(-320, 300, 50_000),
            rng.integers(0, 2**63, 50_000, dtype=np.uint64).view(np.float64),
            [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, 2.5, 0.125, 1 / 3, 2 / 3],
        ]
    )


def test_numbers_are_pythons_percent_10g() -> None:
    values = _boundaries()
    for signed in (values, -values):
        expected = ["" if np.isnan(v) else csv_text.FLOAT_FORMAT % v for v in signed.tolist()]
        assert float_text(signed) == expected


def test_text_in_several_arrow_chunks(tmp_path: Path) -> None:
    chunked = pa.chunked_array([["a", "b,c"], [None, 'd"e'], ["f"]])
    frame = pd.DataFrame({"id": pd.Series(pd.arrays.ArrowStringArray(chunked)), "n": np.arange(5)})
    _write_csv(frame, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == _pandas_bytes(frame)
