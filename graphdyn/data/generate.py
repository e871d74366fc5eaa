"""Realistic synthetic relationship data, with the ground truth planted in it.

:func:`generate` writes a data folder in the format of ``docs/data-contract.md`` (interactions,
customers, staff and products, as CSV or Parquet) plus ``truth.json``, the facts planted in the
data that later tests hold the model to: decaying customers, single-threaded customers, key
persons and departed staff.

How the data is made (every step is vectorised with numpy; loops run over channels, roles and
segments, never over customers or interactions):

- Customers have a lognormal activity weight (a few big accounts, a long tail), a segment
  correlated with it, a region and a relationship start (many predate the window).
- Each customer has *contact streams*: its account manager (the rich contact), a sales rep
  (intense in the first months, light afterwards), a solutions engineer and a customer-success
  manager for larger accounts, the support desk, and self-service (blank ``staff_id``). A stream's
  events follow a steady rhythm: gamma-distributed gaps (shape 4, so the spread is half the mean
  gap) laid over the stream's window.
- That rhythm runs on the customer's *business clock*, not the calendar: each customer has busy
  and quiet spells (projects, renewals, budget freezes, holidays), a monthly activity level that is
  lognormal and correlated from one month to the next, shared by all its streams. A steady rhythm
  on the business clock is a bursty one on the calendar, as measured human communication is
  (inter-event times spread more than a Poisson process's; Barabási 2005, Malmgren et al. 2008):
  a healthy account can be quiet for a few months.
- Decaying customers: from ``decay_start`` each stream's rate is multiplied by
  ``exp(-(t - decay_start) / tau)``, with ``tau`` halved for staff streams (staff-initiated contact
  drops first); sentiment falls; most go quiet entirely some time later.
- Staff who leave hand their customers to a colleague of the same role on ``left_at``.

Large data is drawn in blocks of consecutive customers, never whole in memory: the population
(staff, products, customers, streams, planted decay) is drawn once, then each block's
interactions are drawn, written and freed before the next (:data:`INTERACTIONS_PER_BLOCK`).
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np

from graphdyn.atomic import staged_folder
from graphdyn.data.synthetic.activity import (
    make_events,
    make_streams,
    plant_decay,
    split_into_blocks,
)
from graphdyn.data.synthetic.parameters import DAY, GENERATOR_VERSION
from graphdyn.data.synthetic.population import make_customers, make_products, make_staff
from graphdyn.data.synthetic.tables import (
    InteractionsWriter,
    customers_table,
    interactions_table,
    no_contacts,
    planted_truth,
    products_table,
    record_last_contacts,
    staff_table,
    write_table,
)
from graphdyn.errors import UsageError
from graphdyn.progress import Progress, progress_or_silence

__all__ = [
    "DEFAULT_END",
    "GENERATOR_VERSION",
    "INTERACTIONS_PER_BLOCK",
    "GeneratedData",
    "generate",
]

logger = logging.getLogger(__name__)

#: The default end of generated data: fixed, so a seed gives the same bytes on any day.
DEFAULT_END = datetime(2026, 6, 30, tzinfo=UTC)

#: Interactions drawn at a time, at most: more are drawn in blocks of consecutive customers.
#: Generating 10M interactions (one block) peaks at 1.5 GB; 20M (two) at 1.8 GB: the population
#: grows with the data, the events of one block do not (see ``benchmarks/README.md``).
INTERACTIONS_PER_BLOCK = 10_000_000


@dataclass(frozen=True)
class GeneratedData:
    """What :func:`generate` wrote.

    Attributes
    ----------
    path : Path
        The data folder.
    counts : mapping of str to int
        Rows per table: ``customers``, ``staff``, ``products``, ``interactions``.
    start, end : datetime
        The time window of the interactions (UTC; ``start <= t < end``).
    blocks : int
        How many blocks the interactions were drawn in (one part each when partitioned).
    truth : mapping
        The planted ground truth, as written to ``truth.json``.
    """

    path: Path
    counts: Mapping[str, int]
    start: datetime
    end: datetime
    blocks: int
    truth: Mapping[str, Any] = field(repr=False)


def generate(
    out: str | Path,
    *,
    customers: int = 500,
    staff: int = 40,
    products: int = 60,
    interactions: int = 50_000,
    seed: int = 0,
    end: datetime | date | str | None = None,
    years: float = 3.0,
    fmt: Literal["csv", "parquet"] = "csv",
    partitioned: bool = False,
    interactions_per_block: int = INTERACTIONS_PER_BLOCK,
    on_progress: Progress | None = None,
) -> GeneratedData:
    """Write a realistic synthetic data folder with planted ground truth.

    The folder holds ``interactions``, ``customers``, ``staff`` and ``products`` tables in the
    data contract's columns and order, and ``truth.json``::

        {"seed", "generator_version", "start", "end", "counts",
         "decaying_customers": [{"customer_id", "decay_start", "last_contact"}],
         "single_threaded_customers": [{"customer_id", "staff_id"}],
         "key_persons": [{"staff_id", "customers"}],
         "departed_staff": [{"staff_id", "left_at"}]}

    Every customer's contact runs on its own business clock (busy and quiet spells of a few
    months), so healthy accounts have quiet spells too. A decaying customer's contact rate is
    multiplied by ``exp(-(t - decay_start) / tau)`` (t on that clock; ``tau`` 60-100 days, half
    that for staff-initiated contact) and its sentiment falls; ``decay_start`` is a calendar
    date, and ``last_contact`` is the date of its last event if it went quiet before ``end``,
    else null.
    A single-threaded customer's staff interactions are all with its account manager, who
    also takes on the contact that sales, engineers, success managers and support would have
    had (the account needs it all the same). A key person is an account manager holding
    ``max(5%, 2 / account managers)`` of the customers (at most 60% for all key persons
    together); key persons never leave. Departed staff have no interaction on or after
    ``left_at``: their customers go to a colleague of the same role.

    Parameters
    ----------
    out : str or Path
        The folder to create. It may exist only if empty. The data is written to a sibling
        folder first and renamed, so a failed run leaves nothing half written.
    customers, staff, products : int
        Rows of the attribute tables; ``staff >= 3`` (at least one account manager, sales rep
        and support agent).
    interactions : int
        Rows of the interactions table; at least one per customer.
    seed : int
        Seed of the random generator: the same arguments give byte-identical files.
    end : datetime, date, str or None
        The end of the window (exclusive); naive values are UTC. Default :data:`DEFAULT_END`.
    years : float
        Length of the window: whole calendar years back from ``end``, then the fraction in
        days of 365.25 (at least one day, at most 50 years).
    fmt : {"csv", "parquet"}
        File format of the tables. In Parquet, ``timestamp`` is a UTC timestamp in
        milliseconds and dates are dates; in CSV they are ISO-8601 text (``...Z``).
    partitioned : bool
        Write the interactions as a folder ``interactions/`` of Parquet parts
        (``part-00000.parquet``, ...), one per block, even when they fit one block. Parquet
        only: more than one block of Parquet is always partitioned; CSV is always one file.
        The parts are plain files, not hive-style ``key=value/`` folders: a hive key helps a
        reader that filters on it (a date, a region), and no query filters on a block of
        customers; DuckDB, Spark and pyarrow read the folder whole all the same.
    interactions_per_block : int
        At most about this many interactions are drawn (and held in memory) at a time. Up to
        it, everything is drawn in one block with the generator seeded by ``seed``; beyond it,
        the customers are cut into ``ceil(interactions / interactions_per_block)`` blocks of
        consecutive customers with about equal expected interactions, each drawn by its own
        generator (spawned from ``seed``) and written before the next is drawn. Interaction
        ids run on over the blocks; within each block (each Parquet part) the interactions
        are in time order.
    on_progress : callable, optional
        Called as ``on_progress(stage, percent_done, 100)`` between steps
        (:mod:`graphdyn.progress`).

    Returns
    -------
    GeneratedData
        The folder, row counts, time window and truth.

    Raises
    ------
    UsageError
        For impossible arguments (fewer interactions than customers, fewer than 3 staff,
        partitioned CSV, ...) or if ``out`` exists and is not an empty folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "demo"
    >>> data = generate(folder, customers=50, staff=10, products=8, interactions=2_000)
    >>> data.counts["interactions"], sorted(p.name for p in folder.iterdir())[0]
    (2000, 'customers.csv')
    >>> data.truth["counts"] == dict(data.counts)
    True

    In blocks, as a folder of Parquet parts:

    >>> parts = Path(tempfile.mkdtemp()) / "parts"
    >>> data = generate(parts, customers=50, staff=10, products=8, interactions=2_000,
    ...                 fmt="parquet", interactions_per_block=800)
    >>> sorted(p.name for p in (parts / "interactions").iterdir())
    ['part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet']
    """
    began = time.perf_counter()
    report = progress_or_silence(on_progress)
    sizes = _check_arguments(customers, staff, products, interactions, seed, years, fmt)
    blocks = _count_blocks(sizes, interactions_per_block)
    partitioned = _check_partitioned(partitioned, fmt, blocks)
    end_at = _parse_end(end)
    target = _check_out(Path(out))
    end_sec = int(end_at.timestamp())
    start_sec = int(_years_before(end_at, years).timestamp())
    span_sec = end_sec - start_sec
    rng = np.random.default_rng(seed)

    report("staff and products", 0, 100)
    people = make_staff(rng, staff, span_sec / DAY, start_sec)
    goods = make_products(rng, products)
    report("customers", 5, 100)
    accounts = make_customers(rng, customers, people, goods, span_sec / DAY, start_sec)
    streams = make_streams(accounts, span_sec / DAY)
    plant_decay(rng, accounts, streams, interactions, span_sec / DAY)
    last = no_contacts(customers)

    # An existing target is an empty folder (_check_out): replacing it loses nothing.
    with (
        staged_folder(target, force=True) as staging,
        InteractionsWriter(staging, fmt, partitioned=partitioned) as writer,
    ):
        plan = split_into_blocks(streams, interactions, blocks)
        block_rngs = _block_generators(rng, seed, blocks)
        written = 0
        for number, (block, block_rng) in enumerate(zip(plan, block_rngs, strict=True)):
            stage = "interactions" if blocks == 1 else f"interactions {number + 1}/{blocks}"
            report(stage, 15 + 75 * number // blocks, 100)
            events = make_events(
                block_rng,
                accounts,
                people,
                goods,
                streams.of_customers(block.first, block.stop),
                block.interactions,
                start_sec,
                end_sec,
            )
            record_last_contacts(last, events)
            table = interactions_table(
                events, people, accounts, goods, fmt, first=written, total=interactions
            )
            del events
            writer.write(table)
            written += table.num_rows
            del table
        report("writing attribute tables", 90, 100)
        truth = planted_truth(seed, sizes, start_sec, end_sec, accounts, people, last)
        write_table(customers_table(accounts), staging, "customers", fmt)
        write_table(staff_table(people), staging, "staff", fmt)
        write_table(products_table(goods), staging, "products", fmt)
        (staging / "truth.json").write_text(
            json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    report("done", 100, 100)
    logger.info(
        "generated %d interactions for %d customers in %s (%.1f s)",
        interactions,
        customers,
        target,
        time.perf_counter() - began,
    )
    return GeneratedData(
        path=target,
        counts=dict(sizes),
        start=datetime.fromtimestamp(start_sec, tz=UTC),
        end=datetime.fromtimestamp(end_sec, tz=UTC),
        blocks=blocks,
        truth=truth,
    )


# --- arguments -----------------------------------------------------------------------------


def _check_arguments(
    customers: int, staff: int, products: int, interactions: int, seed: int, years: float, fmt: str
) -> dict[str, int]:
    """Validate the arguments but ``end`` and ``out``; return the row counts per table."""
    sizes = {
        "customers": customers,
        "staff": staff,
        "products": products,
        "interactions": interactions,
    }
    for name, value in [*sizes.items(), ("seed", seed)]:
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise UsageError(f"{name} must be an integer, not {value!r}")
    minimum = {"customers": 1, "staff": 3, "products": 1, "interactions": customers}
    for name, least in minimum.items():
        if sizes[name] < least:
            why = " (one per customer at least)" if name == "interactions" else ""
            raise UsageError(f"{name} must be at least {least}{why}, not {sizes[name]}")
    if interactions >= 2**31:
        raise UsageError(f"interactions must be below 2**31, not {interactions}")
    if seed < 0:
        raise UsageError(f"seed must be >= 0, not {seed}")
    numeric = isinstance(years, int | float) and not isinstance(years, bool)
    if not (numeric and math.isfinite(years) and 1 / 365.25 <= years <= 50):
        raise UsageError(f"years must be between one day (1/365.25) and 50, not {years!r}")
    if fmt not in ("csv", "parquet"):
        raise UsageError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    return {name: int(value) for name, value in sizes.items()}


def _block_generators(
    rng: np.random.Generator, seed: int, blocks: int
) -> list[np.random.Generator]:
    """Return the seed's own generator for one block; for several, one child of it per block.

    Children are spawned from ``SeedSequence(seed)`` (numpy's independent streams), so a
    block's draws depend on the seed and its number only.
    """
    if blocks == 1:
        return [rng]
    return [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(blocks)]


def _count_blocks(sizes: Mapping[str, int], interactions_per_block: int) -> int:
    """Count the blocks to draw: enough to stay under the size, with one customer each at least."""
    if isinstance(interactions_per_block, bool) or not isinstance(
        interactions_per_block, int | np.integer
    ):
        raise UsageError(
            f"interactions_per_block must be an integer, not {interactions_per_block!r}"
        )
    if interactions_per_block < 1:
        raise UsageError(f"interactions_per_block must be at least 1, not {interactions_per_block}")
    wanted = -(-sizes["interactions"] // int(interactions_per_block))
    return min(wanted, sizes["customers"])


def _check_partitioned(partitioned: bool, fmt: str, blocks: int) -> bool:
    """Decide whether the interactions are Parquet parts (always, for several blocks)."""
    if not isinstance(partitioned, bool):
        raise UsageError(f"partitioned must be True or False, not {partitioned!r}")
    if partitioned and fmt != "parquet":
        raise UsageError("partitioned interactions are Parquet parts: choose the parquet format")
    return partitioned or (blocks > 1 and fmt == "parquet")


def _parse_end(end: datetime | date | str | None) -> datetime:
    """Return ``end`` as an aware UTC datetime at whole seconds (naive = UTC)."""
    if end is None:
        moment = DEFAULT_END
    elif isinstance(end, datetime):
        moment = end
    elif isinstance(end, date):
        moment = datetime(end.year, end.month, end.day)
    elif isinstance(end, str):
        try:
            moment = datetime.fromisoformat(end)
        except ValueError:
            raise UsageError(f"end is not an ISO-8601 date or datetime ({end})") from None
    else:
        raise UsageError(f"end must be a datetime, date or ISO-8601 text, not {end!r}")
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if not datetime(1980, 1, 1, tzinfo=UTC) <= moment <= datetime(9000, 1, 1, tzinfo=UTC):
        raise UsageError(f"end must be between 1980 and 9000, not {moment.isoformat()}")
    return moment.replace(microsecond=0)


def _years_before(end: datetime, years: float) -> datetime:
    """``end`` moved back by whole calendar years, then the fraction in days of 365.25.

    Examples
    --------
    >>> _years_before(datetime(2026, 6, 30, tzinfo=UTC), 3).isoformat()
    '2023-06-30T00:00:00+00:00'
    """
    whole = math.floor(years)
    day = min(end.day, 28) if end.month == 2 else end.day
    moved = end.replace(year=end.year - whole, day=day)
    return moved - timedelta(days=round((years - whole) * 365.25))


def _check_out(out: Path) -> Path:
    """Refuse an ``out`` that exists and is not an empty folder."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} already exists and is not an empty folder")
    return out
