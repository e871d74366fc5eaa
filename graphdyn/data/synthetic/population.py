"""Staff, products and customers of the synthetic world, with planted single-threading."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphdyn.data.synthetic.parameters import (
    ACTIVITY_CELL_DAYS,
    ACTIVITY_CELLS_MAX,
    ACTIVITY_MEMORY,
    ACTIVITY_SIGMA,
    AM,
    AM_ROLE,
    CS,
    CS_ROLE,
    CS_SHARE,
    DAY,
    DEPARTED_SHARE,
    KEY_ACCOUNT_SECONDARY,
    KEY_PERSON_SINGLE_THREADED,
    KIND_ROLE,
    REGION_SHARE,
    REGIONS,
    ROLE_SHARE,
    SALES_ACCOUNT,
    SALES_ONBOARDING,
    SALES_ROLE,
    SE,
    SE_ROLE,
    SE_SHARE,
    SEGMENT_QUANTILES,
    SINGLE_THREADED_SHARE,
    SUPPORT,
    SUPPORT_ROLE,
    TEAM_NAMES,
    TEAMS,
    BoolArray,
    FloatArray,
    Int32Array,
    IntArray,
)
from graphdyn.data.synthetic.vocabulary import (
    CATEGORY_MEDIAN_PRICE,
    COMPANY_TRADES,
    COMPANY_WORDS,
    FIRST_NAMES,
    LAST_NAMES,
    LEGAL_FORMS,
    PRODUCT_NOUNS,
    PRODUCT_WORDS,
)

# --- staff and products --------------------------------------------------------------------


@dataclass
class Staff:
    """Staff members by index (the id is index + 1)."""

    role: IntArray
    team: IntArray  # index into TEAM_NAMES
    name: pa.Array
    key_persons: IntArray
    left_sec: IntArray  # midnight of left_at, or int64 max for staff who stay
    stayers: list[IntArray]  # per role, who may take over customers (no key persons)

    @property
    def departed(self) -> IntArray:
        """Indices of staff with a ``left_at`` date."""
        return np.flatnonzero(self.left_sec < np.iinfo(np.int64).max)


def _role_counts(n: int) -> IntArray:
    """Split ``n`` staff into roles: one of each core role, the rest by ``ROLE_SHARE``."""
    counts = np.array([1, 1, 1, 0, 0], dtype=np.int64)
    wanted = ROLE_SHARE * (n - 3)
    counts += np.floor(wanted).astype(np.int64)
    leftover = n - int(counts.sum())
    counts[np.argsort(-(wanted - np.floor(wanted)), kind="stable")[:leftover]] += 1
    return counts


def make_staff(rng: np.random.Generator, n: int, span_days: float, start_sec: int) -> Staff:
    """Draw the roles, teams, key persons and departures of ``n`` staff members."""
    role = rng.permutation(np.repeat(np.arange(5, dtype=np.int64), _role_counts(n)))
    managers = np.flatnonzero(role == AM_ROLE)
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
    n_leave = min(round(DEPARTED_SHARE * n), len(pool)) if hi_day > lo_day else 0
    leavers = np.sort(rng.choice(pool, size=n_leave, replace=False))
    left_sec = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    first_midnight = -(-start_sec // DAY) * DAY
    left_sec[leavers] = first_midnight + DAY * rng.integers(lo_day, hi_day + 1, size=n_leave)
    stays = (left_sec == np.iinfo(np.int64).max) & ~is_key
    stayers = [np.flatnonzero(stays & (role == r)) for r in range(5)]

    teams_per_role = np.array([len(teams) for teams in TEAMS])
    first_team = np.cumsum(teams_per_role) - teams_per_role
    team = first_team[role] + (rng.random(n) * teams_per_role[role]).astype(np.int64)
    team[is_key] = len(TEAM_NAMES) - 1
    name = _person_names(rng, n)
    return Staff(role, team, name, key_persons, left_sec, stayers)


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
    first, last, repeat = _combinations(rng, n, (len(FIRST_NAMES), len(LAST_NAMES)))
    return _join(
        pa.array(FIRST_NAMES).take(first),
        " ",
        pa.array(LAST_NAMES).take(last),
        _repeat_suffix(repeat),
    )


@dataclass
class Products:
    """Products by index: name, category, price and how popular each is."""

    name: pa.Array
    category: IntArray
    price: FloatArray
    popularity: FloatArray


def make_products(rng: np.random.Generator, n: int) -> Products:
    """Draw products with category-dependent lognormal prices and Zipf-like popularity."""
    word, noun, series = _combinations(rng, n, (len(PRODUCT_WORDS), len(PRODUCT_NOUNS)))
    nouns, noun_category = zip(*PRODUCT_NOUNS, strict=True)
    category = np.asarray(noun_category, dtype=np.int64)[noun]
    numbered = _join(" ", pc.cast(pa.array(series + 1), pa.string()))
    name = _join(
        pa.array(PRODUCT_WORDS).take(word),
        " ",
        pa.array(nouns).take(noun),
        pc.if_else(pa.array(series > 0), numbered, ""),
    )
    price = np.round(CATEGORY_MEDIAN_PRICE[category] * rng.lognormal(0.0, 0.5, n), 2)
    rank = rng.permutation(n)
    popularity = 1.0 / (rank + 1.0) ** 0.9
    return Products(name, category, price, popularity / popularity.sum())


# --- customers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessClock:
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
    def draw(cls, rng: np.random.Generator, n: int, span_days: float) -> BusinessClock:
        """Draw monthly activity levels: lognormal, correlated from one month to the next."""
        cells = max(1, min(math.ceil(span_days / ACTIVITY_CELL_DAYS), ACTIVITY_CELLS_MAX))
        cell_days = span_days / cells if cells == ACTIVITY_CELLS_MAX else ACTIVITY_CELL_DAYS
        noise = rng.standard_normal((n, cells))
        fresh = math.sqrt(1.0 - ACTIVITY_MEMORY**2)
        for cell in range(1, cells):  # a stationary AR(1) series per customer, one month a step
            noise[:, cell] = ACTIVITY_MEMORY * noise[:, cell - 1] + fresh * noise[:, cell]
        level = np.exp(ACTIVITY_SIGMA * noise)
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
class Customers:
    """Customers by index, with their contacts and planted truth."""

    name: pa.Array
    segment: IntArray
    region: IntArray
    created_day: IntArray  # account_created, days since 1970-01-01
    weight: FloatArray  # activity weight (lognormal)
    lower: FloatArray  # first day (since start) on which events may happen
    rel_start: FloatArray  # relationship start, business days since start (see BusinessClock)
    clock: BusinessClock
    mood: FloatArray
    main_product: IntArray
    contact: dict[int, IntArray]  # per stream kind: staff index or -1 (self-service: absent)
    successor: dict[int, IntArray]  # per stream kind: who takes over if the contact leaves
    single_threaded: BoolArray
    key_account: BoolArray
    decay_start: FloatArray = field(init=False)  # days since start; NEVER if not decaying
    decay_tau: FloatArray = field(init=False)
    quiet_at: FloatArray = field(init=False)  # days since start; span if the customer goes on


def make_customers(
    rng: np.random.Generator,
    n: int,
    people: Staff,
    goods: Products,
    span_days: float,
    start_sec: int,
) -> Customers:
    """Draw customers, their segments, timelines, contact people and single-threading."""
    weight = rng.lognormal(0.0, 1.35, n)
    noisy_rank = np.argsort(np.argsort(np.log(weight) + rng.normal(0.0, 0.5, n))) / max(n - 1, 1)
    segment = np.where(
        noisy_rank >= SEGMENT_QUANTILES[0], 0, np.where(noisy_rank >= SEGMENT_QUANTILES[1], 1, 2)
    ).astype(np.int64)
    region = rng.choice(len(REGIONS), size=n, p=REGION_SHARE).astype(np.int64)

    predates = rng.random(n) < np.array([0.7, 0.5, 0.35])[segment]
    newest = span_days - 30 if span_days > 60 else span_days / 2
    rel_start = np.where(predates, -rng.uniform(30, 1500, n), rng.uniform(0, newest, n))
    lower = np.maximum(rel_start, 0.0)
    clock = BusinessClock.draw(rng, n, span_days)
    began = clock.calendar(np.arange(n), rel_start)
    created_sec = start_sec + (began - 1 - rng.uniform(0, 90, n)) * DAY
    created_day = np.floor(created_sec / DAY).astype(np.int64)

    word, trade, form, repeat = _combinations(
        rng, n, (len(COMPANY_WORDS), len(COMPANY_TRADES), len(LEGAL_FORMS))
    )
    name = _join(
        pa.array(COMPANY_WORDS).take(word),
        " ",
        pa.array(COMPANY_TRADES).take(trade),
        pa.array(LEGAL_FORMS).take(form),
        _repeat_suffix(repeat),
    )

    # Account managers: each key person holds exactly its share; the others a lognormal share.
    managers = np.flatnonzero(people.role == AM_ROLE)
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

    secondary = np.where(key_account, KEY_ACCOUNT_SECONDARY, 1.0)
    everyone = np.ones(n, dtype=bool)
    sales = pick(SALES_ROLE, everyone)
    contact = {
        AM: manager,
        SALES_ONBOARDING: sales,
        SALES_ACCOUNT: sales,
        SE: pick(SE_ROLE, rng.random(n) < np.array(SE_SHARE)[segment] * secondary),
        CS: pick(CS_ROLE, rng.random(n) < np.array(CS_SHARE)[segment] * secondary),
        SUPPORT: pick(SUPPORT_ROLE, everyone),
    }
    successor = {}
    for kind in contact:
        stayers = people.stayers[KIND_ROLE[kind]]
        successor[kind] = (
            stayers[rng.integers(len(stayers), size=n)]
            if len(stayers)
            else np.full(n, -1, dtype=np.int64)
        )
    successor[SALES_ACCOUNT] = successor[SALES_ONBOARDING]
    mood = np.clip(rng.normal(0.35, 0.25, n), -0.6, 0.9)
    main_product = rng.choice(len(goods.price), size=n, p=goods.popularity).astype(np.int64)
    return Customers(
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
    wanted = round(SINGLE_THREADED_SHARE * n)
    odds = np.array([0.6, 1.0, 0.5])[segment]
    chosen = np.zeros(n, dtype=bool)
    key_pool = np.flatnonzero(key_account & manager_stays)
    from_key = min(round(KEY_PERSON_SINGLE_THREADED * wanted), len(key_pool))
    other_pool = np.flatnonzero(~key_account & manager_stays)
    from_other = min(wanted - from_key, len(other_pool))
    for pool, size in ((key_pool, from_key), (other_pool, from_other)):
        if size:
            p = odds[pool] / odds[pool].sum()
            chosen[rng.choice(pool, size=size, replace=False, p=p)] = True
    return chosen
