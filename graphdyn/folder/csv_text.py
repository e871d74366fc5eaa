r"""An audit table as CSV: the bytes pandas' ``to_csv`` writes, made column by column in NumPy.

:func:`write_csv` writes a frame as ``frame.to_csv(index=False, float_format="%.10g",
lineterminator="\n")`` would, with times as ISO 8601 UTC (``YYYY-MM-DDTHH:MM:SSZ``) and a
missing value as a blank cell, but without formatting one value at a time: each column of a
block of rows becomes a matrix of characters (one row per cell) with each cell's length, and
the block's text is those matrices side by side with the commas, its cells' characters read
row by row. At 10M interactions the ties table (1.17M rows, 25 columns, 20M numbers, 285 MB)
takes about 2 s this way on two cores (3.5 s on one), against about 16 s with pandas.

A float's text is Python's ``"%.10g" % x``: its ten significant digits, correctly rounded
(:func:`float_text`), found here with NumPy. ``x * 10 ** (9 - e)`` (e the decimal exponent,
the power of ten exact, so the product is correctly rounded) is within half a unit in its last
place of the exact value; rounding it to a whole number gives the digits unless it lies within
``1e-5`` of a half. Those values, and those too large or too small for one exact power of ten,
are formatted by Python.

Columns of other types than numbers, flags, times and text (categories, durations, objects
other than text) are written by pandas, as is a table of one column (whose empty cells the
``csv`` module quotes).
"""

from __future__ import annotations

import csv
import functools
import io
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphdyn.model.brandes import usable_cpus

__all__ = ["FLOAT_FORMAT", "float_text", "write_csv"]

#: How floats are written (the text of ``float_format`` in ``to_csv``).
FLOAT_FORMAT = "%.10g"

#: Rows turned into text at a time: small enough that the block's arrays stay in the cache.
_BLOCK_ROWS = 16_384

Chars = npt.NDArray[np.uint8]
Lengths = npt.NDArray[np.int64]

# -- numbers --------------------------------------------------------------------------------

_DIGITS = 10  # significant digits of %.10g
_LOWEST, _HIGHEST = -13, 31  # decimal exponents scaled by one exact power of ten (10 ** 22)
_POWERS = np.array([float(10**k) for k in range(23)])
_MARGIN = 1e-5  # distance from a half below which rounding is left to Python
_WIDTH = 24  # characters of the longest %.10g text ("-1.234567891e-308" is 17)
_PALETTE = b"-.e+0123456789inf"
_EXPONENTS = _HIGHEST - _LOWEST + 1


def _palette(char: str) -> int:
    return _DIGITS + _PALETTE.index(char.encode())


def _template(negative: bool, exponent: int, length: int) -> list[int]:
    """Where each character of a number's text comes from: its digit, or the palette.

    ``exponent`` is the decimal exponent, ``length`` the significant digits left once trailing
    zeros are dropped; the text is what ``%g`` makes of them (fixed notation for exponents from
    -4 to 9, else ``d.ddde+XX``).
    """
    chars = [_palette("-")] if negative else []
    digits = list(range(length))
    if -4 <= exponent < _DIGITS:
        if exponent >= 0:
            whole = list(range(exponent + 1))
            fraction = digits[exponent + 1 :]
            chars += whole + ([_palette("."), *fraction] if fraction else [])
        else:
            chars += [_palette("0"), _palette(".")] + [_palette("0")] * (-exponent - 1) + digits
    else:
        chars += [0] + ([_palette("."), *digits[1:]] if length > 1 else [])
        chars += [_palette("e"), _palette("-" if exponent < 0 else "+")]
        chars += [_palette(c) for c in f"{abs(exponent):02d}"]
    return chars


def _templates() -> tuple[npt.NDArray[np.intp], Lengths]:
    """Every template, by ``(negative * EXPONENTS + exponent - LOWEST) * DIGITS + length - 1``."""
    rows = [
        _template(negative, exponent, length)
        for negative in (False, True)
        for exponent in range(_LOWEST, _HIGHEST + 1)
        for length in range(1, _DIGITS + 1)
    ]
    table = np.zeros((len(rows), _WIDTH), dtype=np.intp)
    for i, row in enumerate(rows):
        table[i, : len(row)] = row
    return table, np.array([len(row) for row in rows], dtype=np.int64)


_TEMPLATES, _TEMPLATE_LENGTHS = _templates()
_PALETTE_CHARS = np.frombuffer(_PALETTE, dtype=np.uint8)
_SOURCE = _DIGITS + len(_PALETTE)  # a number's source characters: its digits, the palette


@functools.cache
def _templates_of_width(width: int) -> npt.NDArray[np.intp]:
    """Return the templates' first ``width`` characters, contiguous (for a fast np.take)."""
    return np.ascontiguousarray(_TEMPLATES[:, :width])


@functools.cache
def _five_digits() -> tuple[Chars, npt.NDArray[np.int64]]:
    """Every number below 100,000 as five digits (``00042``), and its trailing zeros."""
    text = "".join(f"{k:05d}" for k in range(100_000)).encode()
    five = np.frombuffer(text, dtype=np.uint8).reshape(-1, 5)
    zeros = five[:, ::-1] == ord("0")
    trailing = np.where(zeros.all(axis=1), 5, np.argmin(zeros, axis=1)).astype(np.int64)
    return five, trailing


def _scaled(magnitude: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    """``magnitude * 10 ** (9 - exponent)``: one correctly rounded product or quotient.

    The other operation of the two is by 1, exact.
    """
    power = 9 - exponent
    up = np.take(_POWERS, np.minimum(np.maximum(power, 0), 22))
    down = np.take(_POWERS, np.minimum(np.maximum(-power, 0), 22))
    scaled: np.ndarray = magnitude * up / down
    return scaled


#: The text of the numbers whose digits are not found here, when it is always the same.
_SPECIAL = ((0.0, b"0"), (-0.0, b"-0"), (math.inf, b"inf"), (-math.inf, b"-inf"))


def _float_cells(values: npt.NDArray[np.float64]) -> tuple[Chars, Lengths]:
    """Return ``"%.10g" % x`` of every value as characters (NaN: an empty cell)."""
    n = len(values)
    usable = np.isfinite(values) & (values != 0)
    magnitude = np.where(usable, np.abs(values), 1.0)
    exponent = np.floor(np.log10(magnitude)).astype(np.int64)
    usable &= (exponent >= _LOWEST) & (exponent <= _HIGHEST)
    scaled = _scaled(magnitude, exponent)
    # log10 may miss the exponent by one next to a power of ten: scale again from the value
    below, above = scaled < 1e9, scaled >= 1e10
    if below.any() or above.any():
        exponent = exponent - below + above
        scaled = np.where(below | above, _scaled(magnitude, exponent), scaled)
    fraction = scaled - np.floor(scaled)
    usable &= (np.abs(fraction - 0.5) > _MARGIN) & (scaled >= 1e9) & (scaled < 1e10)
    digits = np.where(usable, np.rint(scaled), 1e9).astype(np.int64)
    carried = digits == 10**_DIGITS
    digits[carried] = 10 ** (_DIGITS - 1)
    exponent = np.minimum(np.maximum(exponent + carried, _LOWEST), _HIGHEST + 1)
    usable &= exponent <= _HIGHEST
    high, low = np.divmod(digits, 100_000)
    five, trailing = _five_digits()
    source = np.empty((n, _SOURCE), dtype=np.uint8)
    source[:, :5] = np.take(five, high, axis=0)  # np.take: a quarter of the time of five[high]
    source[:, 5:_DIGITS] = np.take(five, low, axis=0)
    source[:, _DIGITS:] = _PALETTE_CHARS
    length = _DIGITS - np.where(low == 0, 5 + np.take(trailing, high), np.take(trailing, low))
    template = (
        np.signbit(values) * _EXPONENTS + np.minimum(exponent, _HIGHEST) - _LOWEST
    ) * _DIGITS + (length - 1)
    lengths: Lengths = np.where(usable, np.take(_TEMPLATE_LENGTHS, template), 0)
    width = max(int(lengths.max(initial=0)), 4)  # room for the special values' text
    where = np.take(_templates_of_width(width), template, axis=0)
    where += (np.arange(n) * _SOURCE)[:, None]
    chars: Chars = np.take(source.ravel(), where)
    for value, cell in _SPECIAL:
        rows = np.flatnonzero((values == value) & (np.signbit(values) == np.signbit(value)))
        chars[rows, : len(cell)] = np.frombuffer(cell, dtype=np.uint8)
        lengths[rows] = len(cell)
    rest = np.flatnonzero(~usable & np.isfinite(values) & (values != 0))
    if len(rest):  # rounded by Python: within 1e-5 of a half, or beyond one power of ten
        cells = [(FLOAT_FORMAT % value).encode() for value in values[rest].tolist()]
        longest = max(len(cell) for cell in cells)
        if longest > width:
            chars = np.pad(chars, ((0, 0), (0, longest - width)))
        for row, cell in zip(rest.tolist(), cells, strict=True):
            chars[row, : len(cell)] = np.frombuffer(cell, dtype=np.uint8)
            lengths[row] = len(cell)
    return chars, lengths


def float_text(values: npt.ArrayLike) -> list[str]:
    """Return ``"%.10g" % x`` of every value (NaN: ``""``), as this module writes them.

    Examples
    --------
    >>> float_text([0.1, 2 / 3, 123456789012.5, 1e-300, -0.0, float("nan"), float("inf")])
    ['0.1', '0.6666666667', '1.23456789e+11', '1e-300', '-0', '', 'inf']
    """
    chars, lengths = _float_cells(np.asarray(values, dtype=np.float64).ravel())
    return [
        bytes(row[:length]).decode() for row, length in zip(chars, lengths.tolist(), strict=True)
    ]


# -- text and the other columns -------------------------------------------------------------


def _quoted_characters() -> frozenset[str]:
    """Return the characters that make this Python's ``csv`` module quote a cell."""
    found = set()
    for char in ',"\n\r\t ;':
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([f"a{char}b", "c"])
        if buffer.getvalue().startswith('"'):
            found.add(char)
    return frozenset(found)


_QUOTED = _quoted_characters()
_QUOTED_PATTERN = (
    "[" + "".join(sorted("\\n" if c == "\n" else "\\r" if c == "\r" else c for c in _QUOTED)) + "]"
)


def _text_chars(text: pa.Array | pa.ChunkedArray) -> tuple[Chars, Lengths]:
    """Return strings (no nulls) as characters, quoted as the ``csv`` module quotes them."""
    if isinstance(text, pa.ChunkedArray):  # a column of several Arrow chunks
        text = text.combine_chunks()
    needs = pc.match_substring_regex(text, _QUOTED_PATTERN)
    if pc.any(needs).as_py():
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
        text = pc.if_else(needs, quoted, text)
    text = pc.cast(text, pa.large_string())
    _, offset_buffer, data = text.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[
        text.offset : text.offset + len(text) + 1
    ]
    lengths: Lengths = np.diff(offsets)
    width = int(lengths.max()) if len(lengths) else 0
    if width == 0:
        return np.zeros((len(lengths), 0), dtype=np.uint8), lengths
    body = np.frombuffer(data, dtype=np.uint8)
    index = np.minimum(offsets[:-1, None] + np.arange(width), len(body) - 1)
    chars: Chars = body[index]
    return chars, lengths


def _civil(days: npt.NDArray[np.int64]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the year, month and day of days since 1970-01-01 (proleptic Gregorian).

    H. Hinnant's ``civil_from_days`` (chrono-Compatible Low-Level Date Algorithms, 2013).
    """
    shifted = days + 719_468
    era = shifted // 146_097
    day_of_era = shifted - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_index = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_index + 2) // 5 + 1
    month = np.where(month_index < 10, month_index + 3, month_index - 9)
    year = year_of_era + era * 400 + (month <= 2)
    return year, month, day


@functools.cache
def _two_digits() -> Chars:
    """Every number below 100 as two digits (``07``)."""
    text = "".join(f"{k:02d}" for k in range(100)).encode()
    return np.frombuffer(text, dtype=np.uint8).reshape(-1, 2)


def _time_chars(values: pd.Series) -> tuple[Chars, Lengths] | None:
    """Return times as ``YYYY-MM-DDTHH:MM:SSZ`` (their zone's wall time, as ``strftime``)."""
    wall = values.dt.tz_localize(None).to_numpy("datetime64[s]")
    missing = np.isnat(wall)
    seconds = np.where(missing, 0, wall.astype(np.int64))
    days, second_of_day = np.divmod(seconds, 86_400)
    year, month, day = _civil(days)
    if not np.all(missing | ((year >= 1000) & (year <= 9999))):
        return None  # years strftime writes with other than four digits
    hour, rest = np.divmod(second_of_day, 3600)
    minute, second = np.divmod(rest, 60)
    two = _two_digits()
    chars: Chars = np.empty((len(values), 20), dtype=np.uint8)
    chars[:] = np.frombuffer(b"0000-00-00T00:00:00Z", dtype=np.uint8)
    for start, number in (
        (0, year // 100),
        (2, year % 100),
        (5, month),
        (8, day),
        (11, hour),
        (14, minute),
        (17, second),
    ):
        chars[:, start : start + 2] = np.take(two, number, axis=0)
    lengths: Lengths = np.where(missing, 0, 20)
    return chars, lengths


#: The pandas column types written here, besides NumPy's numbers and flags.
_EXTENSION_TYPES = (
    pd.Float32Dtype,
    pd.Float64Dtype,
    pd.Int8Dtype,
    pd.Int16Dtype,
    pd.Int32Dtype,
    pd.Int64Dtype,
    pd.UInt8Dtype,
    pd.UInt16Dtype,
    pd.UInt32Dtype,
    pd.UInt64Dtype,
    pd.BooleanDtype,
    pd.StringDtype,
    pd.DatetimeTZDtype,
)


def _writable(values: pd.Series) -> bool:
    """Whether :func:`_cells` writes this column (else pandas writes the table)."""
    dtype = values.dtype
    if not isinstance(dtype, np.dtype):
        return isinstance(dtype, _EXTENSION_TYPES)
    if dtype.kind in "fiub":
        return True
    return dtype.kind == "O" and pd.api.types.infer_dtype(values, skipna=True) in (
        "string",
        "empty",
    )


def _cells(values: pd.Series) -> tuple[Chars, Lengths]:
    """Return a column's cells as characters (the column is :func:`_writable`)."""
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        found = _time_chars(values)
        if found is not None:
            return found
        stamps = values.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        return _text_chars(pa.array(stamps, type=pa.string(), from_pandas=True).fill_null(""))
    if isinstance(dtype, pd.Float64Dtype | pd.Float32Dtype) or (
        isinstance(dtype, np.dtype) and dtype.kind == "f"
    ):
        return _float_cells(values.to_numpy(dtype=np.float64, na_value=np.nan))
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return _text_chars(pa.array(np.where(values.to_numpy(), "True", "False")))
    if isinstance(dtype, pd.BooleanDtype):
        flags = pa.array(values, type=pa.bool_(), from_pandas=True)
        return _text_chars(pc.if_else(flags, "True", "False").fill_null(""))
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return _text_chars(pc.cast(pa.array(values.to_numpy()), pa.string()))
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iu":
        numbers = pa.array(values, from_pandas=True)
        return _text_chars(pc.cast(numbers, pa.string()).fill_null(""))
    return _text_chars(pa.array(values, type=pa.string(), from_pandas=True).fill_null(""))


def _header(columns: list[Any]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(columns)
    return buffer.getvalue().encode("utf-8")


def _pandas_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy(deep=False)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    out.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def _block(frame: pd.DataFrame) -> bytes:
    """Return a block of rows as CSV lines."""
    parts = [_cells(frame.iloc[:, position]) for position in range(frame.shape[1])]
    n = len(frame)
    widths = [chars.shape[1] for chars, _ in parts]
    line = np.empty((n, sum(widths) + len(parts)), dtype=np.uint8)
    keep = np.ones(line.shape, dtype=bool)
    start = 0
    for index, ((chars, lengths), width) in enumerate(zip(parts, widths, strict=True)):
        line[:, start : start + width] = chars
        keep[:, start : start + width] = np.arange(width) < lengths[:, None]
        line[:, start + width] = ord("\n") if index == len(parts) - 1 else ord(",")
        start += width + 1
    return line[keep].tobytes()


def write_csv(frame: pd.DataFrame, path: str | Path, *, workers: int | None = None) -> None:
    r"""Write ``frame`` as CSV: floats as ``%.10g``, times as ISO 8601 UTC, missing as blank.

    The bytes of ``frame.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")``
    with each time column first turned into ``strftime("%Y-%m-%dT%H:%M:%SZ")`` text.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is not written.
    path : str or Path
        The file to write (replaced if it exists).
    workers : int, optional
        Threads making the text of blocks of rows (the bytes do not depend on it); default
        :func:`~graphdyn.model.brandes.usable_cpus`.

    Examples
    --------
    >>> import tempfile
    >>> frame = pd.DataFrame({"id": ["a", "b,c"], "x": [0.1, float("nan")], "n": [1, 2]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_csv(frame, f"{folder}/t.csv")
    ...     print(Path(f"{folder}/t.csv").read_text(), end="")
    id,x,n
    a,0.1,1
    "b,c",,2
    """
    target = Path(path)
    columns = [frame.iloc[:, position] for position in range(frame.shape[1])]
    if len(columns) < 2 or not all(_writable(column) for column in columns):
        _pandas_csv(frame, target)
        return
    starts = range(0, len(frame), _BLOCK_ROWS)
    threads = min(usable_cpus() if workers is None else workers, len(starts))
    with target.open("wb") as out:
        out.write(_header(list(frame.columns)))
        if threads <= 1:
            for start in starts:
                out.write(_block(frame.iloc[start : start + _BLOCK_ROWS]))
            return
        # NumPy lets go of the GIL in its loops: blocks are made on every core, written in order
        with ThreadPoolExecutor(threads) as pool:
            for window in range(0, len(starts), 4 * threads):
                blocks = [
                    pool.submit(_block, frame.iloc[start : start + _BLOCK_ROWS])
                    for start in starts[window : window + 4 * threads]
                ]
                for block in blocks:
                    out.write(block.result())
