"""The audit folder's CSV files: the text pandas' own formatting would write, byte for byte.

``graphdyn.folder`` formats float and time columns itself (pandas formats them one value
at a time, which was most of the writing time at 1M interactions); these tests hold it to the
text of ``to_csv(float_format="%.10g")`` and ``strftime``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphdyn.folder import _write_csv


def _pandas_text(frame: pd.DataFrame) -> str:
    """The CSV text of ``frame`` written the way the audit folder used to write it."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    text: str = out.to_csv(index=False, float_format="%.10g", lineterminator="\n")
    return text


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
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == _pandas_text(frame)


def test_years_outside_four_digits_fall_back_to_strftime(tmp_path: Path) -> None:
    times = pd.Series(pd.to_datetime(["0999-05-01T10:00:00Z"] * 10, utc=True, format="ISO8601"))
    frame = _frame(times)
    _write_csv(frame, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == _pandas_text(frame)


def test_an_empty_table_has_its_header(tmp_path: Path) -> None:
    times = pd.Series(pd.to_datetime(["2026-01-01T00:00:00Z"] * 10, utc=True, format="ISO8601"))
    frame = _frame(times).iloc[:0]
    _write_csv(frame, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == _pandas_text(frame)
