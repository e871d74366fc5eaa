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
"""

from __future__ import annotations

import json
import logging
import math
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from graphdyn.data.contract import CUSTOMERS, INTERACTIONS, PRODUCTS, STAFF
from graphdyn.errors import UsageError

__all__ = ["DEFAULT_END", "GENERATOR_VERSION", "GeneratedData", "generate"]

logger = logging.getLogger(__name__)

#: The default end of generated data: fixed, so a seed gives the same bytes on any day.
DEFAULT_END = datetime(2026, 6, 30, tzinfo=UTC)

#: Written to ``truth.json``; raised whenever the same seed would give different data.
GENERATOR_VERSION = 3

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
Int8Array = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Progress = Callable[[str, float], None]

_DAY = 86_400
_WEEK = 7 * _DAY
_NEVER = 1.0e7  # a decay start (days) that never comes: exp(0) = 1 in the decay formulas
_RHYTHM_SHAPE = 4.0  # gamma shape of the gaps between a stream's events: CV = 1/sqrt(4)
# Business clock: a customer's activity level per month is exp(sigma * z), z an AR(1) series with
# this lag-one correlation (spells of a few months); at most this many cells over the window.
_ACTIVITY_SIGMA, _ACTIVITY_MEMORY, _ACTIVITY_CELL_DAYS, _ACTIVITY_CELLS_MAX = 0.7, 0.6, 30.4375, 120

_CHANNELS = ("meeting", "video", "phone", "chat", "email", "support_ticket", "feedback", "order")
_MEETING, _VIDEO, _PHONE, _CHAT, _EMAIL, _TICKET, _FEEDBACK, _ORDER = range(8)

_SEGMENTS = ("enterprise", "mid_market", "smb")
_SEGMENT_QUANTILES = (0.88, 0.58)  # activity rank above which a customer is enterprise / mid
_REGIONS = ("North America", "EMEA", "APAC", "LATAM")
_REGION_SHARE = (0.4, 0.3, 0.2, 0.1)
_REGION_UTC_OFFSET_HOURS = np.array([-5, 1, 8, -3], dtype=np.int64)

_ROLES = ("account_manager", "sales", "support", "solutions_engineer", "customer_success")
_AM_ROLE, _SALES_ROLE, _SUPPORT_ROLE, _SE_ROLE, _CS_ROLE = range(5)
_ROLE_SHARE = np.array([0.30, 0.20, 0.30, 0.12, 0.08])
_TEAMS: tuple[tuple[str, ...], ...] = (
    ("Commercial Accounts", "Growth Accounts"),
    ("New Business", "Expansion"),
    ("Support Tier 1", "Support Tier 2"),
    ("Solutions Engineering",),
    ("Customer Success",),
)
_TEAM_NAMES = (*(name for teams in _TEAMS for name in teams), "Strategic Accounts")  # key persons

# Contact streams of a customer, and the staff role behind each (-1: self-service).
_AM, _SALES_ONBOARDING, _SALES_ACCOUNT, _SE, _CS, _SUPPORT, _SELF = range(7)
_N_KINDS = 7
_KIND_ROLE = (_AM_ROLE, _SALES_ROLE, _SALES_ROLE, _SE_ROLE, _CS_ROLE, _SUPPORT_ROLE, -1)
_ONBOARDING_DAYS = 120.0
# Relative contact rate of each stream (columns) per segment (rows). Onboarding is intense but
# lasts only its first months.
_KIND_RATE = np.array(
    [
        [0.30, 0.60, 0.04, 0.08, 0.12, 0.18, 0.20],
        [0.28, 0.60, 0.04, 0.06, 0.10, 0.20, 0.28],
        [0.22, 0.45, 0.05, 0.00, 0.06, 0.22, 0.40],
    ]
)
_SE_SHARE = (0.70, 0.35, 0.0)  # share of customers per segment with a solutions engineer
_CS_SHARE = (0.90, 0.50, 0.10)  # ... with a customer-success manager
_KEY_ACCOUNT_SECONDARY = 0.3  # key persons' accounts have these odds of SE/CS cover
_KEY_PERSON_RATE = 1.3  # key persons hold their accounts with more contact than usual
# A single-threaded account's manager takes on the sustained contact of the other staff
# streams (sales account, the segment's expected SE and CS cover, support): rate factor by segment.
_SINGLE_THREADED_RATE = (
    _KIND_RATE[:, [_AM, _SALES_ACCOUNT, _SUPPORT]].sum(axis=1)
    + _KIND_RATE[:, _SE] * np.array(_SE_SHARE)
    + _KIND_RATE[:, _CS] * np.array(_CS_SHARE)
) / _KIND_RATE[:, _AM]
_DECAY_TAU_FACTOR = (0.5, 0.5, 0.5, 0.5, 0.5, 0.8, 1.0)  # staff-initiated contact fades first
_SUPPORT_PRIMARY = 0.55  # share of a customer's support contacts with its usual agent

# Channel mix per stream and segment, columns in _CHANNELS order.
_MIX: dict[int, tuple[tuple[float, ...], ...]] = {
    _AM: (
        (0.25, 0.25, 0.20, 0, 0.25, 0, 0, 0.05),
        (0.15, 0.25, 0.25, 0, 0.30, 0, 0, 0.05),
        (0.05, 0.20, 0.30, 0, 0.38, 0, 0, 0.07),
    ),
    _SALES_ONBOARDING: (
        (0.30, 0.30, 0.15, 0, 0.20, 0, 0, 0.05),
        (0.20, 0.30, 0.20, 0, 0.25, 0, 0, 0.05),
        (0.05, 0.25, 0.30, 0, 0.35, 0, 0, 0.05),
    ),
    _SALES_ACCOUNT: ((0.10, 0.15, 0.30, 0, 0.40, 0, 0, 0.05),) * 3,
    _SE: ((0.40, 0.45, 0, 0, 0.15, 0, 0, 0),) * 3,
    _CS: ((0.10, 0.45, 0.20, 0, 0.25, 0, 0, 0), *((0, 0.45, 0.25, 0, 0.30, 0, 0, 0),) * 2),
    _SUPPORT: ((0, 0, 0.15, 0.25, 0.10, 0.50, 0, 0),) * 3,
    _SELF: ((0, 0, 0, 0, 0, 0.25, 0.20, 0.55),) * 3,
}
# Probability that an event is outbound (vendor initiated), per stream and channel.
_OUTBOUND = np.array(
    [
        [0.80, 0.70, 0.60, 0, 0.55, 0, 0, 0.10],
        [0.85, 0.80, 0.75, 0, 0.75, 0, 0, 0.10],
        [0.85, 0.80, 0.75, 0, 0.75, 0, 0, 0.10],
        [0.70, 0.60, 0, 0, 0.50, 0, 0, 0],
        [0.80, 0.75, 0.60, 0, 0.60, 0, 0, 0],
        [0, 0, 0.30, 0.10, 0.35, 0.05, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
    ]
)
_SENTIMENT_SHARE = np.array([0, 0.10, 0.25, 0.30, 0, 0.70, 1.0, 0])  # events with a score
_SENTIMENT_OFFSET = np.array([0, 0.05, 0, -0.05, 0, -0.15, 0, 0])
_DECAY_SENTIMENT_DROP = 0.9
# (median minutes, lognormal sigma, rounding step, min, max) for timed channels.
_DURATION = {
    _MEETING: (45.0, 0.35, 5, 15, 240),
    _VIDEO: (30.0, 0.40, 5, 10, 150),
    _PHONE: (9.0, 0.70, 1, 1, 120),
}
_PRODUCT_ON_TICKET, _PRODUCT_ON_FEEDBACK, _MAIN_PRODUCT = 0.6, 0.5, 0.6
_ORDER_QUANTITY_MEAN = (15.0, 4.0, 1.0)  # extra units per order, by segment

# Planted truth: shares of customers and the shape of decay.
_DECAYING_SHARE, _SINGLE_THREADED_SHARE, _DEPARTED_SHARE = 0.10, 0.08, 0.10
_DECAY_WINDOW_DAYS = (45.0, 548.0)  # decay starts this many days before the end
_DECAY_TAU_DAYS = (60.0, 100.0)
_GO_QUIET_SHARE, _GO_QUIET_AFTER_TAUS = 0.9, (0.5, 1.5)
_DECAY_MIN_HISTORY_DAYS, _DECAY_MIN_EVENTS = 180.0, 15.0
_KEY_PERSON_SINGLE_THREADED = 0.75  # share of single-threaded customers on key persons

_COMPANY_WORDS = (
    "Acme", "Northwind", "Blue Harbor", "Redwood", "Silverline", "Granite", "Evergreen",
    "Summit", "Lakeside", "Ironbridge", "Brightwater", "Falcon", "Harbourview", "Kestrel",
    "Meridian", "Oakridge", "Pinecrest", "Quantum", "Riverbend", "Sterling", "Tidewater",
    "Westfield", "Yellowstone", "Zenith", "Atlas", "Beacon", "Cobalt", "Driftwood", "Ember",
    "Foxglove", "Glacier", "Horizon", "Juniper", "Keystone", "Lighthouse", "Magnolia",
    "Nimbus", "Orchard", "Polaris", "Sequoia", "Müller", "Ørsted", "Søndergaard",
    "Łukasiewicz", "São Bento", "Zürich", "Évora", "Nguyễn", "Kraków", "Málaga", "Göteborg",
    "Citroën", "Dvořák", "Ångström", "O'Brien", "D'Amico", "O'Neill", "L'Étoile",
    "Smith, Jones", "Baker, Lee", 'Café "Le Nord"', "Østergaard", "Ferreira", "Takahashi",
)  # fmt: skip
_COMPANY_TRADES = (
    "Logistics", "Foods", "Analytics", "Bau", "Textiles", "Pharma", "Robotics", "Energy",
    "Media", "Retail", "Partners", "Holdings", "Systems", "Consulting", "Manufacturing",
    "Health", "Capital", "Engineering", "Labs", "Studios", "Mining", "Marine", "Aerospace",
    "Hospitality", "Insurance", "Telecom", "Software", "Packaging", "Chemicals", "Farms",
    "Motors", "Biotech", "Freight", "Furniture", "Apparel", "Optics", "Metals", "Paper",
    "Water", "Brewing",
)  # fmt: skip
_LEGAL_FORMS = (
    "", " Ltd", " GmbH", ", Inc.", ", LLC", " AG", " S.A.", " AB", " Oy", " K.K.", " & Co.",
    " S.r.l.", " B.V.", " Pty Ltd",
)  # fmt: skip
_FIRST_NAMES = (
    "Anna", "Ben", "Chloé", "David", "Elif", "Farah", "Gustavo", "Hannah", "Ivan", "José",
    "Kateřina", "Liam", "Mei", "Nils", "Olivia", "Pedro", "Quinn", "Renée", "Sven", "Thảo",
    "Ulla", "Víctor", "Wen", "Xavier", "Yusuf", "Zoë", "Aisha", "Björn", "Carlos", "Dorota",
    "Emeka", "Fatima", "Grace", "Hiroshi", "Ingrid", "Jürgen", "Kwame", "Lucía", "Mateo",
    "Núria", "Oskar", "Priya", "Rafael", "Siobhán", "Tomás", "Uma", "Valentina", "Wojciech",
)  # fmt: skip
_LAST_NAMES = (
    "O'Connor", "Müller", "García", "Nakamura", "Okafor", "Dubois", "Kowalski", "Nguyễn",
    "Smith", "Johansson", "Rossi", "Ivanova", "Fernández", "Kim", "Patel", "Schmidt", "Silva",
    "Jensen", "Novák", "Haddad", "Yılmaz", "Andersson", "Brennan", "Costa", "D'Souza", "Eriksen",
    "Fischer", "Gonçalves", "Hughes", "Ishikawa", "Jovanović", "Khan", "Larsen", "Moreau",
    "Nieminen", "Ó Ceallaigh", "Petrov", "Quintero", "Ramírez", "Sato", "Tanaka", "Urban",
    "Varga", "Walsh", "Xu", "Young", "Zielińska", "Åberg",
)  # fmt: skip
_PRODUCT_WORDS = (
    "Nimbus", "Aurora", "Vertex", "Helix", "Orion", "Pulse", "Nova", "Apex", "Stratus",
    "Cirrus", "Lumen", "Vector", "Atlas", "Zephyr", "Quasar", "Sierra", "Delta", "Echo",
    "Titan", "Vela", "Lyra", "Cobalt", "Ember", "Onyx", "Jade", "Polar", "Solstice", "Equinox",
    "Borealis", "Kōdo",
)  # fmt: skip
_CATEGORIES = ("software", "hardware", "subscription", "services", "training", "accessories")
_CATEGORY_MEDIAN_PRICE = np.array([2400.0, 850.0, 320.0, 6500.0, 900.0, 45.0])
_PRODUCT_NOUNS = (
    ("Ledger", 0), ("Insight", 0), ("Planner", 0), ("Studio", 0), ("Gateway", 0), ("Vault", 0),
    ("Router", 1), ("Sensor", 1), ("Terminal", 1), ("Scanner", 1), ("Printer", 1),
    ("Cloud Plan", 2), ("Data Feed", 2), ("Care Plan", 2),
    ("Implementation", 3), ("Migration", 3), ("Audit", 3),
    ("Academy Course", 4), ("Workshop", 4), ("Certification", 4),
    ("Cable Kit", 5), ("Mount", 5), ("Battery Pack", 5), ("Adapter", 5),
)  # fmt: skip


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
    truth : mapping
        The planted ground truth, as written to ``truth.json``.
    """

    path: Path
    counts: Mapping[str, int]
    start: datetime
    end: datetime
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
    progress: Progress | None = None,
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
    progress : callable, optional
        Called as ``progress(stage, fraction_done)`` between steps.

    Returns
    -------
    GeneratedData
        The folder, row counts, time window and truth.

    Raises
    ------
    UsageError
        For impossible arguments (fewer interactions than customers, fewer than 3 staff, ...)
        or if ``out`` exists and is not an empty folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "demo"
    >>> data = generate(folder, customers=50, staff=10, products=8, interactions=2_000)
    >>> data.counts["interactions"], sorted(p.name for p in folder.iterdir())[0]
    (2000, 'customers.csv')
    >>> data.truth["counts"] == dict(data.counts)
    True
    """
    began = time.perf_counter()
    report: Progress = progress if progress is not None else _no_progress
    sizes = _check_arguments(customers, staff, products, interactions, seed, years, fmt)
    end_at = _parse_end(end)
    target = _check_out(Path(out))
    end_sec = int(end_at.timestamp())
    start_sec = int(_years_before(end_at, years).timestamp())
    span_sec = end_sec - start_sec
    rng = np.random.default_rng(seed)

    report("staff and products", 0.0)
    people = _make_staff(rng, staff, span_sec / _DAY, start_sec)
    goods = _make_products(rng, products)
    report("customers", 0.05)
    accounts = _make_customers(rng, customers, people, goods, span_sec / _DAY, start_sec)
    streams = _make_streams(accounts, span_sec / _DAY)
    _plant_decay(rng, accounts, streams, interactions, span_sec / _DAY)
    report("interaction times", 0.15)
    events = _make_events(rng, accounts, people, goods, streams, interactions, start_sec, end_sec)
    report("truth", 0.6)
    truth = _truth(seed, sizes, start_sec, end_sec, accounts, people, events)

    staging = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    try:
        staging.mkdir(parents=True)
    except OSError as exc:
        raise UsageError(f"cannot create {target}: {exc.strerror or exc}") from exc
    try:
        report("writing interactions", 0.65)
        table = _interactions_table(events, people, accounts, goods, fmt)
        _write(table, staging, "interactions", fmt, quote=False)
        del table
        report("writing attribute tables", 0.9)
        _write(_customers_table(accounts), staging, "customers", fmt)
        _write(_staff_table(people), staging, "staff", fmt)
        _write(_products_table(goods), staging, "products", fmt)
        (staging / "truth.json").write_text(
            json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        for child in staging.iterdir():
            child.unlink()
        staging.rmdir()
        raise
    report("done", 1.0)
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
        truth=truth,
    )


def _no_progress(stage: str, fraction: float) -> None:
    """Ignore progress reports."""


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


# --- staff and products --------------------------------------------------------------------


@dataclass
class _Staff:
    """Staff members by index (the id is index + 1)."""

    role: IntArray
    team: IntArray  # index into _TEAM_NAMES
    name: pa.Array
    key_persons: IntArray
    left_sec: IntArray  # midnight of left_at, or int64 max for staff who stay
    stayers: list[IntArray]  # per role, who may take over customers (no key persons)

    @property
    def departed(self) -> IntArray:
        """Indices of staff with a ``left_at`` date."""
        return np.flatnonzero(self.left_sec < np.iinfo(np.int64).max)


def _role_counts(n: int) -> IntArray:
    """Split ``n`` staff into roles: one of each core role, the rest by ``_ROLE_SHARE``."""
    counts = np.array([1, 1, 1, 0, 0], dtype=np.int64)
    wanted = _ROLE_SHARE * (n - 3)
    counts += np.floor(wanted).astype(np.int64)
    leftover = n - int(counts.sum())
    counts[np.argsort(-(wanted - np.floor(wanted)), kind="stable")[:leftover]] += 1
    return counts


def _make_staff(rng: np.random.Generator, n: int, span_days: float, start_sec: int) -> _Staff:
    """Draw the roles, teams, key persons and departures of ``n`` staff members."""
    role = rng.permutation(np.repeat(np.arange(5, dtype=np.int64), _role_counts(n)))
    managers = np.flatnonzero(role == _AM_ROLE)
    key_persons = np.sort(rng.permutation(managers)[: min(3, len(managers) // 3)])
    is_key = np.zeros(n, dtype=bool)
    is_key[key_persons] = True

    # Leavers: never a key person, and each role keeps at least one person who stays.
    candidates = []
    for r in range(5):
        members = rng.permutation(np.flatnonzero((role == r) & ~is_key))
        candidates.append(members[: max(len(members) - 1, 0)])
    pool = np.concatenate(candidates)
    lo_day, hi_day = math.ceil(0.2 * span_days), math.floor(span_days - 60)
    n_leave = min(round(_DEPARTED_SHARE * n), len(pool)) if hi_day > lo_day else 0
    leavers = np.sort(rng.choice(pool, size=n_leave, replace=False))
    left_sec = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    first_midnight = -(-start_sec // _DAY) * _DAY
    left_sec[leavers] = first_midnight + _DAY * rng.integers(lo_day, hi_day + 1, size=n_leave)
    stays = (left_sec == np.iinfo(np.int64).max) & ~is_key
    stayers = [np.flatnonzero(stays & (role == r)) for r in range(5)]

    teams_per_role = np.array([len(teams) for teams in _TEAMS])
    first_team = np.cumsum(teams_per_role) - teams_per_role
    team = first_team[role] + (rng.random(n) * teams_per_role[role]).astype(np.int64)
    team[is_key] = len(_TEAM_NAMES) - 1
    name = _person_names(rng, n)
    return _Staff(role, team, name, key_persons, left_sec, stayers)


def _combinations(rng: np.random.Generator, n: int, radices: Sequence[int]) -> list[IntArray]:
    """Draw ``n`` distinct mixed-radix digit tuples; a last digit counts repeats of the space."""
    space = math.prod(radices)
    rounds = -(-n // space)
    index = rng.permutation(space * rounds)[:n].astype(np.int64)
    digits = []
    for radix in radices:
        digits.append(index % radix)
        index //= radix
    digits.append(index)
    return digits


def _join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string arrays (and constant strings) element-wise."""
    return pc.binary_join_element_wise(*parts, "")


def _repeat_suffix(repeat: IntArray) -> pa.Array:
    """Return the suffix `` (2)``, `` (3)``, ... of names after the first pass, else ``""``."""
    numbered = _join(" (", pc.cast(pa.array(repeat + 1), pa.string()), ")")
    return pc.if_else(pa.array(repeat > 0), numbered, "")


def _person_names(rng: np.random.Generator, n: int) -> pa.Array:
    """Draw distinct person names, some with non-ASCII letters and apostrophes."""
    first, last, repeat = _combinations(rng, n, (len(_FIRST_NAMES), len(_LAST_NAMES)))
    return _join(
        pa.array(_FIRST_NAMES).take(first),
        " ",
        pa.array(_LAST_NAMES).take(last),
        _repeat_suffix(repeat),
    )


@dataclass
class _Products:
    """Products by index: name, category, price and how popular each is."""

    name: pa.Array
    category: IntArray
    price: FloatArray
    popularity: FloatArray


def _make_products(rng: np.random.Generator, n: int) -> _Products:
    """Draw products with category-dependent lognormal prices and Zipf-like popularity."""
    word, noun, series = _combinations(rng, n, (len(_PRODUCT_WORDS), len(_PRODUCT_NOUNS)))
    nouns, noun_category = zip(*_PRODUCT_NOUNS, strict=True)
    category = np.asarray(noun_category, dtype=np.int64)[noun]
    numbered = _join(" ", pc.cast(pa.array(series + 1), pa.string()))
    name = _join(
        pa.array(_PRODUCT_WORDS).take(word),
        " ",
        pa.array(nouns).take(noun),
        pc.if_else(pa.array(series > 0), numbered, ""),
    )
    price = np.round(_CATEGORY_MEDIAN_PRICE[category] * rng.lognormal(0.0, 0.5, n), 2)
    rank = rng.permutation(n)
    popularity = 1.0 / (rank + 1.0) ** 0.9
    return _Products(name, category, price, popularity / popularity.sum())


# --- customers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _BusinessClock:
    """Each customer's busy and quiet spells, as a clock that runs at its activity level.

    Streams, decay and quiet dates are laid out in business days; calendar day t reads
    ``A(t) = integral of a(s) ds`` on the clock, for an activity level a that is constant within
    each cell (about a month) and averages 1 over the window, so ``A(0) = 0`` and
    ``A(span) = span``. Outside the window the clock keeps calendar time.

    Parameters
    ----------
    cell_days : float
        Length of a cell (the last one may be cut short by the end of the window).
    span_days : float
        Length of the window.
    level : numpy.ndarray
        Activity level a per customer and cell, shape ``(n, cells)``.
    elapsed : numpy.ndarray
        Business days elapsed at each cell boundary, shape ``(n, cells + 1)``.
    """

    cell_days: float
    span_days: float
    level: FloatArray
    elapsed: FloatArray

    @classmethod
    def draw(cls, rng: np.random.Generator, n: int, span_days: float) -> _BusinessClock:
        """Draw monthly activity levels: lognormal, correlated from one month to the next."""
        cells = max(1, min(math.ceil(span_days / _ACTIVITY_CELL_DAYS), _ACTIVITY_CELLS_MAX))
        cell_days = span_days / cells if cells == _ACTIVITY_CELLS_MAX else _ACTIVITY_CELL_DAYS
        noise = rng.standard_normal((n, cells))
        fresh = math.sqrt(1.0 - _ACTIVITY_MEMORY**2)
        for cell in range(1, cells):  # a stationary AR(1) series per customer, one month a step
            noise[:, cell] = _ACTIVITY_MEMORY * noise[:, cell - 1] + fresh * noise[:, cell]
        level = np.exp(_ACTIVITY_SIGMA * noise)
        length = np.minimum(cell_days, span_days - cell_days * np.arange(cells))
        elapsed = np.zeros((n, cells + 1))
        np.cumsum(level * length, axis=1, out=elapsed[:, 1:])
        scale = span_days / elapsed[:, -1:]
        return cls(cell_days, span_days, level * scale, elapsed * scale)

    def business(self, customer: IntArray, calendar_days: FloatArray) -> FloatArray:
        """Return what each customer's clock reads on calendar day ``calendar_days``."""
        cells = self.level.shape[1]
        inside = (calendar_days > 0) & (calendar_days < self.span_days)
        who, when = customer[inside], calendar_days[inside]
        cell = np.clip((when // self.cell_days).astype(np.int64), 0, cells - 1)
        out = np.array(calendar_days, dtype=np.float64)
        out[inside] = self.elapsed[who, cell] + self.level[who, cell] * (
            when - cell * self.cell_days
        )
        return out

    def calendar(self, customer: IntArray | Int32Array, business_days: FloatArray) -> FloatArray:
        """Return the calendar days at which each customer's clock reads ``business_days``."""
        cells = self.level.shape[1]
        stride = self.span_days + 1.0
        inside = (business_days > 0) & (business_days < self.span_days)
        who, when = customer[inside].astype(np.int64), business_days[inside]
        flat = (self.elapsed + stride * np.arange(len(self.elapsed))[:, None]).ravel()
        cell = np.searchsorted(flat, when + stride * who, side="right") - 1 - who * (cells + 1)
        cell = np.clip(cell, 0, cells - 1)
        out = np.array(business_days, dtype=np.float64)
        out[inside] = (
            cell * self.cell_days + (when - self.elapsed[who, cell]) / self.level[who, cell]
        )
        return out


@dataclass
class _Customers:
    """Customers by index, with their contacts and planted truth."""

    name: pa.Array
    segment: IntArray
    region: IntArray
    created_day: IntArray  # account_created, days since 1970-01-01
    weight: FloatArray  # activity weight (lognormal)
    lower: FloatArray  # first day (since start) on which events may happen
    rel_start: FloatArray  # relationship start, business days since start (see _BusinessClock)
    clock: _BusinessClock
    mood: FloatArray
    main_product: IntArray
    contact: dict[int, IntArray]  # per stream kind: staff index or -1 (self-service: absent)
    successor: dict[int, IntArray]  # per stream kind: who takes over if the contact leaves
    single_threaded: BoolArray
    key_account: BoolArray
    decay_start: FloatArray = field(init=False)  # days since start; _NEVER if not decaying
    decay_tau: FloatArray = field(init=False)
    quiet_at: FloatArray = field(init=False)  # days since start; span if the customer goes on


def _make_customers(
    rng: np.random.Generator,
    n: int,
    people: _Staff,
    goods: _Products,
    span_days: float,
    start_sec: int,
) -> _Customers:
    """Draw customers, their segments, timelines, contact people and single-threading."""
    weight = rng.lognormal(0.0, 1.35, n)
    noisy_rank = np.argsort(np.argsort(np.log(weight) + rng.normal(0.0, 0.5, n))) / max(n - 1, 1)
    segment = np.where(
        noisy_rank >= _SEGMENT_QUANTILES[0], 0, np.where(noisy_rank >= _SEGMENT_QUANTILES[1], 1, 2)
    ).astype(np.int64)
    region = rng.choice(len(_REGIONS), size=n, p=_REGION_SHARE).astype(np.int64)

    predates = rng.random(n) < np.array([0.7, 0.5, 0.35])[segment]
    newest = span_days - 30 if span_days > 60 else span_days / 2
    rel_start = np.where(predates, -rng.uniform(30, 1500, n), rng.uniform(0, newest, n))
    lower = np.maximum(rel_start, 0.0)
    clock = _BusinessClock.draw(rng, n, span_days)
    began = clock.calendar(np.arange(n), rel_start)
    created_sec = start_sec + (began - 1 - rng.uniform(0, 90, n)) * _DAY
    created_day = np.floor(created_sec / _DAY).astype(np.int64)

    word, trade, form, repeat = _combinations(
        rng, n, (len(_COMPANY_WORDS), len(_COMPANY_TRADES), len(_LEGAL_FORMS))
    )
    name = _join(
        pa.array(_COMPANY_WORDS).take(word),
        " ",
        pa.array(_COMPANY_TRADES).take(trade),
        pa.array(_LEGAL_FORMS).take(form),
        _repeat_suffix(repeat),
    )

    # Account managers: each key person holds exactly its share; the others a lognormal share.
    managers = np.flatnonzero(people.role == _AM_ROLE)
    regular = managers[~np.isin(managers, people.key_persons)]
    n_key = len(people.key_persons)
    held = round(n * min(max(0.05, 2.0 / len(managers)), 0.6 / n_key)) if n_key else 0
    share = rng.lognormal(0.0, 0.35, len(regular))
    manager = regular[rng.choice(len(regular), size=n, p=share / share.sum())]
    manager[rng.permutation(n)[: held * n_key]] = np.repeat(people.key_persons, held)
    key_account = np.isin(manager, people.key_persons)
    manager_stays = people.left_sec[manager] == np.iinfo(np.int64).max
    single = _pick_single_threaded(rng, segment, key_account, manager_stays)

    def pick(role: int, has: BoolArray) -> IntArray:
        members = np.flatnonzero(people.role == role)
        if len(members) == 0:
            return np.full(n, -1, dtype=np.int64)
        return np.where(has & ~single, members[rng.integers(len(members), size=n)], -1)

    secondary = np.where(key_account, _KEY_ACCOUNT_SECONDARY, 1.0)
    everyone = np.ones(n, dtype=bool)
    sales = pick(_SALES_ROLE, everyone)
    contact = {
        _AM: manager,
        _SALES_ONBOARDING: sales,
        _SALES_ACCOUNT: sales,
        _SE: pick(_SE_ROLE, rng.random(n) < np.array(_SE_SHARE)[segment] * secondary),
        _CS: pick(_CS_ROLE, rng.random(n) < np.array(_CS_SHARE)[segment] * secondary),
        _SUPPORT: pick(_SUPPORT_ROLE, everyone),
    }
    successor = {}
    for kind in contact:
        stayers = people.stayers[_KIND_ROLE[kind]]
        successor[kind] = (
            stayers[rng.integers(len(stayers), size=n)]
            if len(stayers)
            else np.full(n, -1, dtype=np.int64)
        )
    successor[_SALES_ACCOUNT] = successor[_SALES_ONBOARDING]
    mood = np.clip(rng.normal(0.35, 0.25, n), -0.6, 0.9)
    main_product = rng.choice(len(goods.price), size=n, p=goods.popularity).astype(np.int64)
    return _Customers(
        name=name,
        segment=segment,
        region=region,
        created_day=created_day,
        weight=weight,
        lower=lower,
        rel_start=rel_start,
        clock=clock,
        mood=mood,
        main_product=main_product,
        contact=contact,
        successor=successor,
        single_threaded=single,
        key_account=key_account,
    )


def _pick_single_threaded(
    rng: np.random.Generator, segment: IntArray, key_account: BoolArray, manager_stays: BoolArray
) -> BoolArray:
    """Choose ~8% single-threaded customers, mostly key persons' accounts, mid-market first.

    Only customers whose account manager stays can be single-threaded: a handover would add a
    second staff member. Mid-market accounts are the classic case (too small for a team, too
    big to be served by support alone); enterprise and SMB accounts have lower odds.
    """
    n = len(segment)
    wanted = round(_SINGLE_THREADED_SHARE * n)
    odds = np.array([0.6, 1.0, 0.5])[segment]
    chosen = np.zeros(n, dtype=bool)
    key_pool = np.flatnonzero(key_account & manager_stays)
    from_key = min(round(_KEY_PERSON_SINGLE_THREADED * wanted), len(key_pool))
    other_pool = np.flatnonzero(~key_account & manager_stays)
    from_other = min(wanted - from_key, len(other_pool))
    for pool, size in ((key_pool, from_key), (other_pool, from_other)):
        if size:
            p = odds[pool] / odds[pool].sum()
            chosen[rng.choice(pool, size=size, replace=False, p=p)] = True
    return chosen


# --- contact streams -----------------------------------------------------------------------


@dataclass
class _Streams:
    """Contact streams, one per customer and kind of contact it has, grouped by kind.

    The account-manager streams come first: one per customer, in customer order.
    """

    customer: IntArray
    kind: IntArray
    segment: IntArray
    rate: FloatArray  # events per day before any decay, in arbitrary units
    begin: FloatArray  # days since start
    stop: FloatArray  # days since start, exclusive
    decay_start: FloatArray
    tau: FloatArray

    def mass(self) -> FloatArray:
        """Days of full-rate contact: the integral of the decay factor over [begin, stop).

        The factor is 1 before ``decay_start`` and ``exp(-(t - decay_start) / tau)`` after.
        """
        before = np.clip(np.minimum(self.stop, self.decay_start) - self.begin, 0.0, None)
        fade_from = np.maximum(self.begin, self.decay_start)
        fade_to = np.maximum(self.stop, fade_from)
        after = self.tau * (
            np.exp(-(fade_from - self.decay_start) / self.tau)
            - np.exp(-(fade_to - self.decay_start) / self.tau)
        )
        return np.asarray(before + after, dtype=np.float64)


def _make_streams(accounts: _Customers, span_days: float) -> _Streams:
    """Build one stream per customer and kind of contact it has."""
    everyone = np.arange(len(accounts.weight))
    parts: list[tuple[IntArray, int, FloatArray, FloatArray]] = []
    for code in range(_N_KINDS):
        cust = everyone if code == _SELF else everyone[accounts.contact[code] >= 0]
        begin = accounts.lower[cust]
        stop = np.full(len(cust), span_days)
        if code == _SALES_ONBOARDING:
            stop = np.minimum(stop, accounts.rel_start[cust] + _ONBOARDING_DAYS)
        keep = stop > begin  # always true for account managers: lower < span
        parts.append((cust[keep], code, begin[keep], stop[keep]))
    customer = np.concatenate([p[0] for p in parts])
    kind = np.concatenate([np.full(len(p[0]), p[1], dtype=np.int64) for p in parts])
    segment = accounts.segment[customer]
    rate = accounts.weight[customer] * _KIND_RATE[segment, kind]
    rate[(kind == _AM) & accounts.key_account[customer]] *= _KEY_PERSON_RATE
    # A single-threaded account still needs what the others get from sales, engineers, success
    # managers and support: its account manager does all of it.
    alone = np.flatnonzero((kind == _AM) & accounts.single_threaded[customer])
    rate[alone] *= _SINGLE_THREADED_RATE[segment[alone]]
    return _Streams(
        customer=customer,
        kind=kind,
        segment=segment,
        rate=rate,
        begin=np.concatenate([p[2] for p in parts]),
        stop=np.concatenate([p[3] for p in parts]),
        decay_start=np.full(len(customer), _NEVER),
        tau=np.ones(len(customer)),
    )


def _plant_decay(
    rng: np.random.Generator,
    accounts: _Customers,
    streams: _Streams,
    interactions: int,
    span_days: float,
) -> None:
    """Choose ~10% decaying customers with a meaningful history; fade their streams.

    Decay starts spread uniformly over the last ``_DECAY_WINDOW_DAYS`` of the calendar (at most
    half the window); a customer qualifies if it had a history before the earliest of them.
    The decay itself runs on the customer's business clock.
    """
    n = len(accounts.weight)
    everyone = np.arange(n)
    earliest, latest = min(_DECAY_WINDOW_DAYS[1], span_days / 2), _DECAY_WINDOW_DAYS[0]
    start_day = span_days - rng.uniform(latest, max(earliest, latest), n)
    tau = rng.uniform(*_DECAY_TAU_DAYS, n)
    quiet_day = start_day + tau * rng.uniform(*_GO_QUIET_AFTER_TAUS, n)
    goes_quiet = (rng.random(n) < _GO_QUIET_SHARE) & (quiet_day < span_days)
    start = accounts.clock.business(everyone, start_day)
    quiet_at = accounts.clock.business(everyone, quiet_day)

    # Expected events before the earliest decay start: enough to call it a history?
    history_end = accounts.clock.business(everyone, np.full(n, span_days - earliest))
    events_per_mass = (interactions - n) / float(np.sum(streams.rate * streams.mass()))
    before = np.clip(
        np.minimum(streams.stop, history_end[streams.customer]) - streams.begin, 0, None
    )
    expected = np.bincount(streams.customer, streams.rate * before, minlength=n) * events_per_mass
    eligible = np.flatnonzero(
        (history_end - accounts.lower >= _DECAY_MIN_HISTORY_DAYS)
        & (expected >= _DECAY_MIN_EVENTS)
        & (earliest > latest)
    )
    size = min(round(_DECAYING_SHARE * n), len(eligible))
    decaying = np.zeros(n, dtype=bool)
    decaying[rng.choice(eligible, size=size, replace=False)] = True

    accounts.decay_start = np.where(decaying, start, _NEVER)
    accounts.decay_tau = np.where(decaying, tau, 1.0)
    accounts.quiet_at = np.where(decaying & goes_quiet, quiet_at, span_days)
    fading = decaying[streams.customer]
    streams.decay_start = np.where(fading, start[streams.customer], _NEVER)
    streams.tau = np.where(
        fading, tau[streams.customer] * np.asarray(_DECAY_TAU_FACTOR)[streams.kind], 1.0
    )
    streams.stop = np.minimum(streams.stop, accounts.quiet_at[streams.customer])


# --- interactions --------------------------------------------------------------------------


@dataclass
class _Events:
    """Interactions sorted by time; -1 or NaN where a field is blank."""

    seconds: IntArray
    customer: Int32Array
    staff: Int32Array
    channel: Int8Array
    outbound: BoolArray
    duration: Int32Array
    sentiment: FloatArray
    value: FloatArray
    product: Int32Array


def _make_events(
    rng: np.random.Generator,
    accounts: _Customers,
    people: _Staff,
    goods: _Products,
    streams: _Streams,
    interactions: int,
    start_sec: int,
    end_sec: int,
) -> _Events:
    """Draw every interaction: when, with whom, over which channel, and what it carried.

    Times come first and are sorted once; every other field is drawn in time order, so no
    column needs reordering afterwards.
    """
    n_customers = len(accounts.weight)
    mass = streams.mass()
    expected = streams.rate * mass
    counts = rng.multinomial(interactions - n_customers, expected / expected.sum())
    counts[:n_customers] += 1  # one account-manager contact per customer at least
    stream = np.repeat(np.arange(len(counts), dtype=np.int32), counts)

    days = accounts.clock.calendar(
        streams.customer[stream], _rhythm(rng, streams, mass, counts, stream)
    )
    region = accounts.region[streams.customer][stream]
    seconds = _clock_times(rng, days, streams.kind[stream], region, start_sec)
    del days, region
    # Time zones and weekday shifts can cross the stream's window: move such events by whole
    # weeks (same weekday and hour) back inside; only windows under a week need the clip.
    begin = accounts.clock.calendar(streams.customer, streams.begin)
    low = (start_sec + np.ceil(begin * _DAY).astype(np.int64))[stream]
    late = np.flatnonzero(seconds >= end_sec)
    seconds[late] -= _WEEK * ((seconds[late] - end_sec) // _WEEK + 1)
    early = np.flatnonzero(seconds < low)
    seconds[early] += _WEEK * ((low[early] - seconds[early] - 1) // _WEEK + 1)
    np.clip(seconds, low, end_sec - 1, out=seconds)
    del low, late, early
    order = np.argsort(seconds, kind="stable")
    seconds, stream = seconds[order], stream[order]
    del order

    kind = streams.kind.astype(np.int8)[stream]
    customer = streams.customer.astype(np.int32)[stream]
    segment = streams.segment.astype(np.int8)[stream]
    channel = _channels(rng, kind, segment)
    del segment
    staff = _assign_staff(rng, accounts, people, streams, stream, kind, seconds)
    del stream
    # Decaying customers: days since their decay start (0 before it) and their tau.
    days = (seconds - start_sec) / _DAY
    decay_start = accounts.clock.calendar(np.arange(n_customers), accounts.decay_start)
    fading = np.flatnonzero(days > decay_start[customer])
    fade = days[fading] - decay_start[customer[fading]]
    tau = accounts.decay_tau[customer[fading]]
    del days

    outbound_odds = _OUTBOUND.ravel()[kind.astype(np.intp) * len(_CHANNELS) + channel]
    staff_led = kind[fading] != _SELF
    # Staff stop reaching out first: within weeks, what contact is left is the customer's doing.
    outbound_odds[fading] *= np.where(staff_led, np.exp(-fade / (0.25 * tau)), 1.0)
    outbound = rng.random(interactions) < outbound_odds
    del outbound_odds, kind
    duration = _durations(rng, channel)
    sentiment = _sentiments(rng, channel, accounts.mood[customer], fading, fade, tau)
    product, value = _products_and_values(rng, channel, customer, accounts, goods)
    return _Events(seconds, customer, staff, channel, outbound, duration, sentiment, value, product)


def _channels(rng: np.random.Generator, kind: Int8Array, segment: Int8Array) -> Int8Array:
    """Draw each event's channel from its stream kind's mix for its segment (inverse CDF)."""
    mixes = np.array([_MIX[code][seg] for code in range(_N_KINDS) for seg in range(3)])
    cdf = np.cumsum(mixes / mixes.sum(axis=1, keepdims=True), axis=1)
    combo = kind.astype(np.intp) * 3 + segment
    draw = rng.random(len(kind))
    channel = np.zeros(len(kind), dtype=np.int8)
    for column in range(len(_CHANNELS) - 1):
        channel += draw >= cdf[combo, column]
    return channel


def _rhythm(
    rng: np.random.Generator,
    streams: _Streams,
    mass: FloatArray,
    counts: IntArray,
    stream: Int32Array,
) -> FloatArray:
    """Event times (days since start): a steady gamma rhythm laid over each stream's window.

    Within a stream, the ``k``-th event sits at the ``k``-th cumulative gamma gap (plus a tail
    gap) rescaled to the stream's contact mass, then mapped back to time through the inverse of
    the cumulative rate, so decaying streams thin out as ``exp(-(t - start) / tau)``. The first
    and the tail gap are residual gaps: the window cuts a rhythm that runs on both sides of it.
    """
    first = np.cumsum(counts) - counts
    position = rng.gamma(_RHYTHM_SHAPE, size=len(stream))
    heads = first[counts > 0]
    position[heads] = _residual_gaps(rng, len(heads))
    np.cumsum(position, out=position)
    padded = np.concatenate(([0.0], position))
    before = padded[first]
    total = padded[first + counts] - before + _residual_gaps(rng, len(counts))
    del padded
    # days = begin + (cumulative gap - before) * mass / total, with one gather per factor.
    scale = mass / total
    position *= scale[stream]
    position += (streams.begin - before * scale)[stream]
    days = position
    # Decaying streams: invert the cumulative rate, logarithmic after the decay start.
    decaying = np.flatnonzero((streams.decay_start < _NEVER) & (counts > 0))
    if len(decaying):
        at = np.repeat(decaying, counts[decaying])
        starts = np.cumsum(counts[decaying]) - counts[decaying]
        events = np.arange(len(at)) - np.repeat(starts - first[decaying], counts[decaying])
        undecayed = np.clip(np.minimum(streams.stop, streams.decay_start) - streams.begin, 0, None)
        fading = (days[events] - streams.begin[at]) >= undecayed[at]
        events, at = events[fading], at[fading]
        start, tau = streams.decay_start[at], streams.tau[at]
        fade_from = np.maximum(streams.begin[at], start)
        used = days[events] - streams.begin[at] - undecayed[at]
        left = np.maximum(np.exp(-(fade_from - start) / tau) - used / tau, np.finfo(float).tiny)
        days[events] = np.minimum(start - tau * np.log(left), streams.stop[at])
    return days


def _residual_gaps(rng: np.random.Generator, size: int) -> FloatArray:
    """Draw the time from a random moment to the next event of a stationary gamma rhythm.

    The gap that holds a random moment is size-biased, ``Gamma(k + 1)``; the moment falls
    uniformly inside it (the renewal-theory equilibrium distribution, mean ``(k + 1) / 2``).
    """
    return rng.gamma(_RHYTHM_SHAPE + 1.0, size=size) * rng.random(size)


def _clock_times(
    rng: np.random.Generator, days: FloatArray, kind: IntArray, region: IntArray, start_sec: int
) -> IntArray:
    """Epoch seconds: staff contact on local weekdays in office hours, self-service any time."""
    n = len(days)
    local_day = np.floor(start_sec / _DAY + days).astype(np.int64)
    staff_led = kind != _SELF
    weekday = (local_day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    weekend = np.flatnonzero(staff_led & (weekday >= 5))
    local_day[weekend] += rng.integers(0, 5, len(weekend)) - weekday[weekend]  # that week
    hour = np.empty(n)
    office, anytime = np.flatnonzero(staff_led), np.flatnonzero(~staff_led)
    hour[office] = 8.0 + 10.5 * rng.beta(2.5, 2.5, len(office))  # 8:00 to 18:30, peak ~13:15
    hour[anytime] = np.mod(rng.normal(14.0, 5.0, len(anytime)), 24.0)
    local_day *= _DAY
    local_day += (hour * 3600).astype(np.int64)
    local_day -= _REGION_UTC_OFFSET_HOURS[region] * 3600
    return local_day


def _assign_staff(
    rng: np.random.Generator,
    accounts: _Customers,
    people: _Staff,
    streams: _Streams,
    stream: Int32Array,
    kind: Int8Array,
    seconds: IntArray,
) -> Int32Array:
    """Pick each event's staff member; a departed contact's events go to the successor."""
    customer = streams.customer[stream]
    staff = np.full(len(stream), -1, dtype=np.int32)
    for kind_code, contact in accounts.contact.items():
        at = np.flatnonzero(kind == kind_code)
        who = contact[customer[at]]
        if kind_code == _SUPPORT:
            agents = np.flatnonzero(people.role == _SUPPORT_ROLE)
            anyone = agents[rng.integers(len(agents), size=len(at))]
            who = np.where(rng.random(len(at)) < _SUPPORT_PRIMARY, who, anyone)
            stayers = people.stayers[_SUPPORT_ROLE]
            successor = stayers[rng.integers(len(stayers), size=len(at))]
        else:
            successor = accounts.successor[kind_code][customer[at]]
        staff[at] = np.where(seconds[at] >= people.left_sec[who], successor, who)
    return staff


def _durations(rng: np.random.Generator, channel: Int8Array) -> Int32Array:
    """Minutes for meetings, video and phone calls (-1 elsewhere)."""
    duration = np.full(len(channel), -1, dtype=np.int32)
    for code, (median, sigma, step, least, most) in _DURATION.items():
        at = np.flatnonzero(channel == code)
        minutes = np.round(rng.lognormal(math.log(median), sigma, len(at)) / step) * step
        duration[at] = np.clip(minutes, least, most)
    return duration


def _sentiments(
    rng: np.random.Generator,
    channel: Int8Array,
    mood: FloatArray,
    fading: IntArray,
    fade: FloatArray,
    tau: FloatArray,
) -> FloatArray:
    """Scores in [-1, 1] for feedback, most tickets and some calls (NaN elsewhere).

    The events at ``fading`` (``fade`` days past their customer's decay start) fall by up to
    ``_DECAY_SENTIMENT_DROP`` as fast as staff contact fades: ``drop * (1 - exp(-2 fade / tau))``.
    """
    n = len(channel)
    scored = rng.random(n) < _SENTIMENT_SHARE[channel]
    score = mood + _SENTIMENT_OFFSET[channel] + rng.normal(0.0, 0.3, n)
    score[fading] -= _DECAY_SENTIMENT_DROP * (1.0 - np.exp(-2.0 * fade / tau))
    return np.where(scored, np.round(np.clip(score, -1.0, 1.0), 2), np.nan)


def _products_and_values(
    rng: np.random.Generator,
    channel: Int8Array,
    customer: Int32Array,
    accounts: _Customers,
    goods: _Products,
) -> tuple[Int32Array, FloatArray]:
    """Products of orders, some tickets and feedback; order values ~ price * quantity."""
    n = len(channel)
    share = np.zeros(len(_CHANNELS))
    share[[_ORDER, _TICKET, _FEEDBACK]] = (1.0, _PRODUCT_ON_TICKET, _PRODUCT_ON_FEEDBACK)
    about = np.flatnonzero(rng.random(n) < share[channel])
    popular = rng.choice(len(goods.price), size=len(about), p=goods.popularity)
    usual = accounts.main_product[customer[about]]
    product = np.full(n, -1, dtype=np.int32)
    product[about] = np.where(rng.random(len(about)) < _MAIN_PRODUCT, usual, popular)

    value = np.full(n, np.nan)
    orders = np.flatnonzero(channel == _ORDER)
    extra = np.asarray(_ORDER_QUANTITY_MEAN)[accounts.segment[customer[orders]]]
    quantity = 1 + rng.poisson(extra)
    discount = rng.uniform(0.85, 1.0, len(orders))
    value[orders] = np.round(goods.price[product[orders]] * quantity * discount, 2)
    return product, value


# --- truth ---------------------------------------------------------------------------------


def _iso_day(epoch_day: int) -> str:
    """``YYYY-MM-DD`` of a day number since 1970-01-01."""
    return date.fromordinal(date(1970, 1, 1).toordinal() + epoch_day).isoformat()


def _iso_second(epoch_second: int) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` of an epoch second."""
    return datetime.fromtimestamp(epoch_second, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _truth(
    seed: int,
    sizes: Mapping[str, int],
    start_sec: int,
    end_sec: int,
    accounts: _Customers,
    people: _Staff,
    events: _Events,
) -> dict[str, Any]:
    """Describe the planted ground truth; last contacts are read from the drawn events."""
    c_width, s_width = _width(sizes["customers"], 6), _width(sizes["staff"], 4)
    decaying = np.flatnonzero(accounts.decay_start < _NEVER)
    last = np.full(len(accounts.weight), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, events.customer, events.seconds)
    start_day = (
        start_sec + accounts.clock.calendar(decaying, accounts.decay_start[decaying]) * _DAY
    ) // _DAY
    quiet = accounts.quiet_at[decaying] < (end_sec - start_sec) / _DAY
    decaying_rows = [
        {
            "customer_id": f"C{c + 1:0{c_width}d}",
            "decay_start": _iso_day(int(day)),
            "last_contact": _iso_day(int(last[c] // _DAY)) if went_quiet else None,
        }
        for c, day, went_quiet in zip(decaying.tolist(), start_day, quiet.tolist(), strict=True)
    ]
    single = np.flatnonzero(accounts.single_threaded)
    manager = accounts.contact[_AM]
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
                "left_at": _iso_day(int(people.left_sec[s]) // _DAY),
            }
            for s in people.departed.tolist()
        ],
    }


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


def _ids(prefix: str, count: int, least: int) -> pa.Array:
    """Make the ids ``prefix`` + zero-padded 1..count, e.g. ``C000001``."""
    width = _width(count, least)
    chars = np.empty((count, len(prefix) + width), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    rest = np.arange(1, count + 1, dtype=np.int64)
    for column in range(len(prefix) + width - 1, len(prefix) - 1, -1):
        chars[:, column] = 48 + rest % 10
        rest //= 10
    return _fixed_width_strings(chars)


def _iso_timestamps(seconds: IntArray) -> pa.Array:
    """``YYYY-MM-DDTHH:MM:SSZ`` text of epoch seconds, from per-day and per-second tables.

    Tens of times faster than ``strftime`` or Arrow's CSV timestamp formatting: each event
    copies an 11-byte date and a 9-byte clock time out of small lookup tables.
    """
    day = np.floor(seconds * (1 / _DAY)).astype(np.int64)  # exact: seconds < 2**53
    of_day = seconds - day * _DAY
    first = int(day.min())
    calendar = np.arange(first, int(day.max()) + 1).astype("datetime64[D]")
    dates = np.char.add(np.datetime_as_string(calendar).astype("S10"), b"T")
    clock = np.arange(_DAY)
    clock_chars = np.full((_DAY, 9), ord(":"), dtype=np.uint8)
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


def _interactions_table(
    events: _Events, people: _Staff, accounts: _Customers, goods: _Products, fmt: str
) -> pa.Table:
    """Build the interactions table: ``timestamp`` is ISO text in CSV, a timestamp in Parquet."""
    if fmt == "csv":
        timestamp = _iso_timestamps(events.seconds)
    else:
        timestamp = pa.array(events.seconds * 1000, type=pa.timestamp("ms", tz="UTC"))
    columns = {
        "interaction_id": _ids("I", len(events.seconds), 8),
        "timestamp": timestamp,
        "customer_id": _lookup(_ids("C", len(accounts.weight), 6), events.customer),
        "staff_id": _lookup(_ids("S", len(people.role), 4), events.staff),
        "channel": pa.array(_CHANNELS).take(events.channel),
        "direction": pa.array(["inbound", "outbound"]).take(events.outbound.astype(np.int8)),
        "duration_minutes": pa.array(events.duration, mask=events.duration < 0),
        "sentiment": pa.array(events.sentiment, from_pandas=True),
        "value": pa.array(events.value, from_pandas=True),
        "product_id": _lookup(_ids("P", len(goods.price), 4), events.product),
    }
    return _in_contract_order(columns, INTERACTIONS.column_names)


def _customers_table(accounts: _Customers) -> pa.Table:
    columns = {
        "customer_id": _ids("C", len(accounts.weight), 6),
        "name": accounts.name,
        "segment": pa.array(_SEGMENTS).take(accounts.segment),
        "region": pa.array(_REGIONS).take(accounts.region),
        "account_created": pa.array(accounts.created_day.astype(np.int32), type=pa.date32()),
    }
    return _in_contract_order(columns, CUSTOMERS.column_names)


def _staff_table(people: _Staff) -> pa.Table:
    stays = people.left_sec == np.iinfo(np.int64).max
    left_day = np.where(stays, 0, people.left_sec // _DAY).astype(np.int32)
    columns = {
        "staff_id": _ids("S", len(people.role), 4),
        "name": people.name,
        "role": pa.array(_ROLES).take(people.role),
        "team": pa.array(_TEAM_NAMES).take(people.team),
        "left_at": pa.array(left_day, type=pa.date32(), mask=stays),
    }
    return _in_contract_order(columns, STAFF.column_names)


def _products_table(goods: _Products) -> pa.Table:
    columns = {
        "product_id": _ids("P", len(goods.price), 4),
        "name": goods.name,
        "category": pa.array(_CATEGORIES).take(goods.category),
        "price": pa.array(goods.price),
    }
    return _in_contract_order(columns, PRODUCTS.column_names)


def _in_contract_order(columns: Mapping[str, pa.Array], names: Sequence[str]) -> pa.Table:
    """Build a table with exactly the contract's columns, in its order."""
    if set(columns) != set(names):
        raise RuntimeError(f"generator columns {sorted(columns)} differ from contract {names}")
    return pa.table({name: columns[name] for name in names})


def _write(table: pa.Table, folder: Path, stem: str, fmt: str, *, quote: bool = True) -> None:
    """Write ``table`` as ``stem.csv`` or ``stem.parquet``.

    CSV text is quoted where it may need it (names hold commas and quotes); ``quote=False`` is
    for tables whose text is ids and codes only, written faster without quotes. In Parquet,
    text columns but the key (the first, all distinct) are dictionary-encoded.
    """
    if fmt == "parquet":
        repeated = [f.name for f in list(table.schema)[1:] if pa.types.is_string(f.type)]
        path = folder / f"{stem}.parquet"
        pq.write_table(table, path, compression="zstd", use_dictionary=repeated)
        return
    options = pa_csv.WriteOptions(quoting_style="needed" if quote else "none")
    pa_csv.write_csv(table, folder / f"{stem}.csv", write_options=options)
