"""The planted truth and the Arrow tables the generator writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from graphdyn.data.contract import CUSTOMERS, INTERACTIONS, PRODUCTS, STAFF
from graphdyn.data.synthetic.activity import Events
from graphdyn.data.synthetic.parameters import (
    AM,
    CHANNELS,
    DAY,
    GENERATOR_VERSION,
    NEVER,
    REGIONS,
    ROLES,
    SEGMENTS,
    TEAM_NAMES,
    Int32Array,
    IntArray,
)
from graphdyn.data.synthetic.population import Customers, Products, Staff
from graphdyn.data.synthetic.vocabulary import CATEGORIES

# --- truth ---------------------------------------------------------------------------------


def _iso_day(epoch_day: int) -> str:
    """``YYYY-MM-DD`` of a day number since 1970-01-01."""
    return date.fromordinal(date(1970, 1, 1).toordinal() + epoch_day).isoformat()


def _iso_second(epoch_second: int) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` of an epoch second."""
    return datetime.fromtimestamp(epoch_second, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def planted_truth(
    seed: int,
    sizes: Mapping[str, int],
    start_sec: int,
    end_sec: int,
    accounts: Customers,
    people: Staff,
    last: IntArray,
) -> dict[str, Any]:
    """Describe the planted ground truth; ``last`` is each customer's last event (epoch second).

    ``last`` is what :func:`record_last_contacts` gathered from every drawn event.
    """
    c_width, s_width = _width(sizes["customers"], 6), _width(sizes["staff"], 4)
    decaying = np.flatnonzero(accounts.decay_start < NEVER)
    start_day = (
        start_sec + accounts.clock.calendar(decaying, accounts.decay_start[decaying]) * DAY
    ) // DAY
    quiet = accounts.quiet_at[decaying] < (end_sec - start_sec) / DAY
    decaying_rows = [
        {
            "customer_id": f"C{c + 1:0{c_width}d}",
            "decay_start": _iso_day(int(day)),
            "last_contact": _iso_day(int(last[c] // DAY)) if went_quiet else None,
        }
        for c, day, went_quiet in zip(decaying.tolist(), start_day, quiet.tolist(), strict=True)
    ]
    single = np.flatnonzero(accounts.single_threaded)
    manager = accounts.contact[AM]
    return {
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "start": _iso_second(start_sec),
        "end": _iso_second(end_sec),
        "counts": dict(sizes),
        "decaying_customers": decaying_rows,
        "single_threaded_customers": [
            {"customer_id": f"C{c + 1:0{c_width}d}", "staff_id": f"S{manager[c] + 1:0{s_width}d}"}
            for c in single.tolist()
        ],
        "key_persons": [
            {
                "staff_id": f"S{k + 1:0{s_width}d}",
                "customers": [
                    f"C{c + 1:0{c_width}d}" for c in np.flatnonzero(manager == k).tolist()
                ],
            }
            for k in people.key_persons.tolist()
        ],
        "departed_staff": [
            {
                "staff_id": f"S{s + 1:0{s_width}d}",
                "left_at": _iso_day(int(people.left_sec[s]) // DAY),
            }
            for s in people.departed.tolist()
        ],
    }


def no_contacts(customers: int) -> IntArray:
    """Return the last contact of each of ``customers`` before any event: the oldest second."""
    return np.full(customers, np.iinfo(np.int64).min, dtype=np.int64)


def record_last_contacts(last: IntArray, events: Events) -> None:
    """Move each customer's ``last`` contact (epoch second) to its latest event in ``events``.

    Taking the maximum is exact whatever the order and grouping of the events: a customer's
    last contact over several blocks is the latest of each block's.

    Examples
    --------
    >>> last = no_contacts(2)
    >>> events = Events(np.array([5, 9, 7]), np.array([1, 0, 1], dtype=np.int32),
    ...                 *(np.zeros(3),) * 7)
    >>> record_last_contacts(last, events)
    >>> last.tolist()
    [9, 7]
    """
    np.maximum.at(last, events.customer, events.seconds)


# --- tables and files ----------------------------------------------------------------------


def _width(count: int, least: int) -> int:
    """Digits of an id: at least ``least``, more when ``count`` needs them."""
    return max(least, len(str(count)))


def _fixed_width_strings(chars: npt.NDArray[np.uint8]) -> pa.Array:
    """Wrap the rows of an ASCII byte matrix as a string array, without copying."""
    rows, width = chars.shape
    large = (rows + 1) * width >= 2**31
    offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int64 if large else np.int32)
    data = pa.py_buffer(np.ascontiguousarray(chars))
    string_type = pa.large_string() if large else pa.string()
    return pa.Array.from_buffers(string_type, rows, [None, pa.py_buffer(offsets), data])


def _ids(prefix: str, count: int, least: int, *, first: int = 0, of: int | None = None) -> pa.Array:
    """Make the ids ``prefix`` + zero-padded ``first + 1 .. first + count``, e.g. ``C000001``.

    The width fits ``of`` ids (default ``count``): the ids of one block of a larger table.
    """
    width = _width(count if of is None else of, least)
    chars = np.empty((count, len(prefix) + width), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    rest = np.arange(first + 1, first + count + 1, dtype=np.int64)
    for column in range(len(prefix) + width - 1, len(prefix) - 1, -1):
        chars[:, column] = 48 + rest % 10
        rest //= 10
    return _fixed_width_strings(chars)


def _iso_timestamps(seconds: IntArray) -> pa.Array:
    """``YYYY-MM-DDTHH:MM:SSZ`` text of epoch seconds, from per-day and per-second tables.

    Tens of times faster than ``strftime`` or Arrow's CSV timestamp formatting: each event
    copies an 11-byte date and a 9-byte clock time out of small lookup tables.
    """
    day = np.floor(seconds * (1 / DAY)).astype(np.int64)  # exact: seconds < 2**53
    of_day = seconds - day * DAY
    first = int(day.min())
    calendar = np.arange(first, int(day.max()) + 1).astype("datetime64[D]")
    dates = np.char.add(np.datetime_as_string(calendar).astype("S10"), b"T")
    clock = np.arange(DAY)
    clock_chars = np.full((DAY, 9), ord(":"), dtype=np.uint8)
    for column, part in ((0, clock // 3600), (3, clock // 60 % 60), (6, clock % 60)):
        clock_chars[:, column] = 48 + part // 10
        clock_chars[:, column + 1] = 48 + part % 10
    clock_chars[:, 8] = ord("Z")
    text = np.empty(len(seconds), dtype=[("date", "S11"), ("time", "S9")])
    text["date"] = dates[day - first]
    text["time"] = clock_chars.view("S9").ravel()[of_day]
    return _fixed_width_strings(text.view(np.uint8).reshape(-1, 20))


def _lookup(ids: pa.Array, index: Int32Array) -> pa.Array:
    """``ids[index]``, null where ``index`` is -1."""
    return ids.take(pa.array(index, mask=index < 0))


def interactions_table(
    events: Events,
    people: Staff,
    accounts: Customers,
    goods: Products,
    fmt: str,
    *,
    first: int = 0,
    total: int | None = None,
) -> pa.Table:
    """Build the interactions table: ``timestamp`` is ISO text in CSV, a timestamp in Parquet.

    ``events`` may be one block of ``total`` interactions: their ids then run from
    ``first + 1``, as wide as ``total`` needs.
    """
    if fmt == "csv":
        timestamp = _iso_timestamps(events.seconds)
    else:
        timestamp = pa.array(events.seconds * 1000, type=pa.timestamp("ms", tz="UTC"))
    columns = {
        "interaction_id": _ids("I", len(events.seconds), 8, first=first, of=total),
        "timestamp": timestamp,
        "customer_id": _lookup(_ids("C", len(accounts.weight), 6), events.customer),
        "staff_id": _lookup(_ids("S", len(people.role), 4), events.staff),
        "channel": pa.array(CHANNELS).take(events.channel),
        "direction": pa.array(["inbound", "outbound"]).take(events.outbound.astype(np.int8)),
        "duration_minutes": pa.array(events.duration, mask=events.duration < 0),
        "sentiment": pa.array(events.sentiment, from_pandas=True),
        "value": pa.array(events.value, from_pandas=True),
        "product_id": _lookup(_ids("P", len(goods.price), 4), events.product),
    }
    return _in_contract_order(columns, INTERACTIONS.column_names)


def customers_table(accounts: Customers) -> pa.Table:
    """Build the customers table, in the data contract's columns."""
    columns = {
        "customer_id": _ids("C", len(accounts.weight), 6),
        "name": accounts.name,
        "segment": pa.array(SEGMENTS).take(accounts.segment),
        "region": pa.array(REGIONS).take(accounts.region),
        "account_created": pa.array(accounts.created_day.astype(np.int32), type=pa.date32()),
    }
    return _in_contract_order(columns, CUSTOMERS.column_names)


def staff_table(people: Staff) -> pa.Table:
    """Build the staff table, in the data contract's columns."""
    stays = people.left_sec == np.iinfo(np.int64).max
    left_day = np.where(stays, 0, people.left_sec // DAY).astype(np.int32)
    columns = {
        "staff_id": _ids("S", len(people.role), 4),
        "name": people.name,
        "role": pa.array(ROLES).take(people.role),
        "team": pa.array(TEAM_NAMES).take(people.team),
        "left_at": pa.array(left_day, type=pa.date32(), mask=stays),
    }
    return _in_contract_order(columns, STAFF.column_names)


def products_table(goods: Products) -> pa.Table:
    """Build the products table, in the data contract's columns."""
    columns = {
        "product_id": _ids("P", len(goods.price), 4),
        "name": goods.name,
        "category": pa.array(CATEGORIES).take(goods.category),
        "price": pa.array(goods.price),
    }
    return _in_contract_order(columns, PRODUCTS.column_names)


def _in_contract_order(columns: Mapping[str, pa.Array], names: Sequence[str]) -> pa.Table:
    """Build a table with exactly the contract's columns, in its order."""
    if set(columns) != set(names):
        raise RuntimeError(f"generator columns {sorted(columns)} differ from contract {names}")
    return pa.table({name: columns[name] for name in names})


def write_table(table: pa.Table, folder: Path, stem: str, fmt: str, *, quote: bool = True) -> None:
    """Write ``table`` as ``stem.csv`` or ``stem.parquet``.

    CSV text is quoted where it may need it (names hold commas and quotes); ``quote=False`` is
    for tables whose text is ids and codes only, written faster without quotes. In Parquet,
    text columns but the key (the first, all distinct) are dictionary-encoded.
    """
    if fmt == "parquet":
        _write_parquet(table, folder / f"{stem}.parquet")
        return
    options = pa_csv.WriteOptions(quoting_style="needed" if quote else "none")
    pa_csv.write_csv(table, folder / f"{stem}.csv", write_options=options)


def _write_parquet(table: pa.Table, path: Path) -> None:
    repeated = [f.name for f in list(table.schema)[1:] if pa.types.is_string(f.type)]
    pq.write_table(table, path, compression="zstd", use_dictionary=repeated)


#: The file name of the ``number``-th part of a partitioned table: ``PART_NAME.format(number)``.
PART_NAME = "part-{:05d}.parquet"


class InteractionsWriter:
    """Write the interactions table one block at a time, each block freed once written.

    CSV is one file (``interactions.csv``, its header written once, text unquoted as
    :func:`write_table` with ``quote=False``). Parquet is ``interactions.parquet`` for a single
    block, or with ``partitioned`` a folder ``interactions/`` of one part per block
    (:data:`PART_NAME`), all of the same schema.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with InteractionsWriter(folder, "parquet", partitioned=True) as writer:
    ...     writer.write(pa.table({"interaction_id": ["I1", "I2"]}))
    ...     writer.write(pa.table({"interaction_id": ["I3"]}))
    >>> sorted(p.name for p in (folder / "interactions").iterdir())
    ['part-00000.parquet', 'part-00001.parquet']
    """

    def __init__(self, folder: Path, fmt: str, *, partitioned: bool) -> None:
        if partitioned and fmt != "parquet":
            raise ValueError("only Parquet tables are partitioned")
        self._folder = folder
        self._fmt = fmt
        self._partitioned = partitioned
        self._csv: pa_csv.CSVWriter | None = None
        self.blocks = 0

    def __enter__(self) -> InteractionsWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def write(self, table: pa.Table) -> None:
        """Write one block of rows: appended to the CSV file, or as the next Parquet part."""
        if self._fmt == "csv":
            if self._csv is None:
                options = pa_csv.WriteOptions(quoting_style="none")
                path = self._folder / f"{INTERACTIONS.name}.csv"
                self._csv = pa_csv.CSVWriter(path, table.schema, write_options=options)
            self._csv.write_table(table)
        elif self._partitioned:
            parts = self._folder / INTERACTIONS.name
            parts.mkdir(exist_ok=True)
            _write_parquet(table, parts / PART_NAME.format(self.blocks))
        elif self.blocks:
            raise ValueError("one Parquet file holds one block; write more as parts")
        else:
            _write_parquet(table, self._folder / f"{INTERACTIONS.name}.parquet")
        self.blocks += 1

    def close(self) -> None:
        """Finish the CSV file (Parquet files are complete once written)."""
        if self._csv is not None:
            self._csv.close()
            self._csv = None
