"""Contact streams, planted decay, and the interactions drawn from them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from graphdyn.data.synthetic.parameters import (
    AM,
    CHANNELS,
    DAY,
    DECAY_MIN_EVENTS,
    DECAY_MIN_HISTORY_DAYS,
    DECAY_SENTIMENT_DROP,
    DECAY_TAU_DAYS,
    DECAY_TAU_FACTOR,
    DECAY_WINDOW_DAYS,
    DECAYING_SHARE,
    DURATION,
    FEEDBACK,
    GO_QUIET_AFTER_TAUS,
    GO_QUIET_SHARE,
    KEY_PERSON_RATE,
    KIND_RATE,
    MAIN_PRODUCT,
    MIX,
    N_KINDS,
    NEVER,
    ONBOARDING_DAYS,
    ORDER,
    ORDER_QUANTITY_MEAN,
    OUTBOUND,
    PRODUCT_ON_FEEDBACK,
    PRODUCT_ON_TICKET,
    REGION_UTC_OFFSET_HOURS,
    RHYTHM_SHAPE,
    SALES_ONBOARDING,
    SELF,
    SENTIMENT_OFFSET,
    SENTIMENT_SHARE,
    SINGLE_THREADED_RATE,
    SUPPORT,
    SUPPORT_PRIMARY,
    SUPPORT_ROLE,
    TICKET,
    WEEK,
    BoolArray,
    FloatArray,
    Int8Array,
    Int32Array,
    IntArray,
)
from graphdyn.data.synthetic.population import Customers, Products, Staff

# --- contact streams -----------------------------------------------------------------------


@dataclass
class Streams:
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

    def of_customers(self, first: int, stop: int) -> Streams:
        """Return the streams of customers ``first`` to ``stop - 1``, in the same order.

        Examples
        --------
        >>> ones = np.ones(4)
        >>> streams = Streams(np.array([0, 1, 0, 1]), np.array([0, 0, 6, 6]), np.zeros(4, int),
        ...                   ones, 0 * ones, ones, ones, ones)
        >>> streams.of_customers(1, 2).kind.tolist()
        [0, 6]
        """
        keep = (self.customer >= first) & (self.customer < stop)
        return Streams(**{name: getattr(self, name)[keep] for name in self.__dataclass_fields__})

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


def make_streams(accounts: Customers, span_days: float) -> Streams:
    """Build one stream per customer and kind of contact it has."""
    everyone = np.arange(len(accounts.weight))
    parts: list[tuple[IntArray, int, FloatArray, FloatArray]] = []
    for code in range(N_KINDS):
        cust = everyone if code == SELF else everyone[accounts.contact[code] >= 0]
        begin = accounts.lower[cust]
        stop = np.full(len(cust), span_days)
        if code == SALES_ONBOARDING:
            stop = np.minimum(stop, accounts.rel_start[cust] + ONBOARDING_DAYS)
        keep = stop > begin  # always true for account managers: lower < span
        parts.append((cust[keep], code, begin[keep], stop[keep]))
    customer = np.concatenate([p[0] for p in parts])
    kind = np.concatenate([np.full(len(p[0]), p[1], dtype=np.int64) for p in parts])
    segment = accounts.segment[customer]
    rate = accounts.weight[customer] * KIND_RATE[segment, kind]
    rate[(kind == AM) & accounts.key_account[customer]] *= KEY_PERSON_RATE
    # A single-threaded account still needs what the others get from sales, engineers, success
    # managers and support: its account manager does all of it.
    alone = np.flatnonzero((kind == AM) & accounts.single_threaded[customer])
    rate[alone] *= SINGLE_THREADED_RATE[segment[alone]]
    return Streams(
        customer=customer,
        kind=kind,
        segment=segment,
        rate=rate,
        begin=np.concatenate([p[2] for p in parts]),
        stop=np.concatenate([p[3] for p in parts]),
        decay_start=np.full(len(customer), NEVER),
        tau=np.ones(len(customer)),
    )


def plant_decay(
    rng: np.random.Generator,
    accounts: Customers,
    streams: Streams,
    interactions: int,
    span_days: float,
) -> None:
    """Choose ~10% decaying customers with a meaningful history; fade their streams.

    Decay starts spread uniformly over the last ``DECAY_WINDOW_DAYS`` of the calendar (at most
    half the window); a customer qualifies if it had a history before the earliest of them.
    The decay itself runs on the customer's business clock.
    """
    n = len(accounts.weight)
    everyone = np.arange(n)
    earliest, latest = min(DECAY_WINDOW_DAYS[1], span_days / 2), DECAY_WINDOW_DAYS[0]
    start_day = span_days - rng.uniform(latest, max(earliest, latest), n)
    tau = rng.uniform(*DECAY_TAU_DAYS, n)
    quiet_day = start_day + tau * rng.uniform(*GO_QUIET_AFTER_TAUS, n)
    goes_quiet = (rng.random(n) < GO_QUIET_SHARE) & (quiet_day < span_days)
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
        (history_end - accounts.lower >= DECAY_MIN_HISTORY_DAYS)
        & (expected >= DECAY_MIN_EVENTS)
        & (earliest > latest)
    )
    size = min(round(DECAYING_SHARE * n), len(eligible))
    decaying = np.zeros(n, dtype=bool)
    decaying[rng.choice(eligible, size=size, replace=False)] = True

    accounts.decay_start = np.where(decaying, start, NEVER)
    accounts.decay_tau = np.where(decaying, tau, 1.0)
    accounts.quiet_at = np.where(decaying & goes_quiet, quiet_at, span_days)
    fading = decaying[streams.customer]
    streams.decay_start = np.where(fading, start[streams.customer], NEVER)
    streams.tau = np.where(
        fading, tau[streams.customer] * np.asarray(DECAY_TAU_FACTOR)[streams.kind], 1.0
    )
    streams.stop = np.minimum(streams.stop, accounts.quiet_at[streams.customer])


# --- interactions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """Customers ``first`` to ``stop - 1`` and how many interactions are drawn for them."""

    first: int
    stop: int
    interactions: int


def split_into_blocks(streams: Streams, interactions: int, blocks: int) -> list[Block]:
    """Cut the customers into ``blocks`` runs of consecutive customers, and the interactions too.

    Each customer has one interaction with its account manager and a share of the others by
    its streams' expected contact (``rate * mass``), as :func:`make_events` shares them among
    streams. Added up from the first customer, those expected counts cut the runs: the ``k``-th
    run ends at the last customer before ``k/blocks`` of the total is passed (each run has one
    customer at least). Each run then gets its customers plus the rest of the total in
    proportion to its expected contact (largest remainders, so the runs add up exactly). One
    block is every customer with every interaction.

    Examples
    --------
    >>> ones = np.ones(4)
    >>> streams = Streams(np.array([0, 1, 2, 3]), np.zeros(4, int), np.zeros(4, int),
    ...                   np.array([1.0, 1.0, 1.0, 3.0]), 0 * ones, ones, ones, ones)
    >>> [(b.first, b.stop, b.interactions) for b in split_into_blocks(streams, 16, 2)]
    [(0, 2, 6), (2, 4, 10)]
    """
    n = int(np.count_nonzero(streams.kind == AM))
    expected = np.bincount(streams.customer, streams.rate * streams.mass(), minlength=n)
    rest = interactions - n
    cumulative = np.cumsum(1 + rest * expected / expected.sum())
    index = np.arange(1, blocks)
    cuts = np.searchsorted(cumulative, interactions * index / blocks, side="right")
    # Strictly increasing, and room for one customer in each run after a cut.
    cuts = np.maximum.accumulate(np.maximum(cuts, index) - index) + index
    bounds = np.concatenate(([0], np.minimum(cuts, n - blocks + index), [n]))
    mass = np.add.reduceat(expected, bounds[:-1])
    share = rest * mass / mass.sum()
    extra = np.floor(share).astype(np.int64)
    extra[np.argsort(extra - share, kind="stable")[: rest - int(extra.sum())]] += 1
    sizes = np.diff(bounds) + extra
    return [
        Block(int(first), int(stop), int(size))
        for first, stop, size in zip(bounds[:-1], bounds[1:], sizes, strict=True)
    ]


@dataclass
class Events:
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


def make_events(
    rng: np.random.Generator,
    accounts: Customers,
    people: Staff,
    goods: Products,
    streams: Streams,
    interactions: int,
    start_sec: int,
    end_sec: int,
) -> Events:
    """Draw the interactions of some streams: when, with whom, over which channel, what it carried.

    ``streams`` are every stream of some customers (all of them, or a block of them, see
    :func:`split_into_blocks`) and ``interactions`` their number of interactions: one with each
    customer's account manager, the rest shared among the streams by their expected contact
    (``rate * mass``). Times come first and are sorted once; every other field is drawn in time
    order, so no column needs reordering afterwards.
    """
    managed = streams.kind == AM
    mass = streams.mass()
    expected = streams.rate * mass
    counts = rng.multinomial(
        interactions - int(np.count_nonzero(managed)), expected / expected.sum()
    )
    counts[managed] += 1  # one account-manager contact per customer at least
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
    low = (start_sec + np.ceil(begin * DAY).astype(np.int64))[stream]
    late = np.flatnonzero(seconds >= end_sec)
    seconds[late] -= WEEK * ((seconds[late] - end_sec) // WEEK + 1)
    early = np.flatnonzero(seconds < low)
    seconds[early] += WEEK * ((low[early] - seconds[early] - 1) // WEEK + 1)
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
    # Decaying customers: days since their decay start (0 before it) and their tau.
    days = (seconds - start_sec) / DAY
    decay_start = accounts.clock.calendar(streams.customer, streams.decay_start)[stream]
    del stream
    fading = np.flatnonzero(days > decay_start)
    fade = days[fading] - decay_start[fading]
    tau = accounts.decay_tau[customer[fading]]
    del days, decay_start

    outbound_odds = OUTBOUND.ravel()[kind.astype(np.intp) * len(CHANNELS) + channel]
    staff_led = kind[fading] != SELF
    # Staff stop reaching out first: within weeks, what contact is left is the customer's doing.
    outbound_odds[fading] *= np.where(staff_led, np.exp(-fade / (0.25 * tau)), 1.0)
    outbound = rng.random(interactions) < outbound_odds
    del outbound_odds, kind
    duration = _durations(rng, channel)
    sentiment = _sentiments(rng, channel, accounts.mood[customer], fading, fade, tau)
    product, value = _products_and_values(rng, channel, customer, accounts, goods)
    return Events(seconds, customer, staff, channel, outbound, duration, sentiment, value, product)


def _channels(rng: np.random.Generator, kind: Int8Array, segment: Int8Array) -> Int8Array:
    """Draw each event's channel from its stream kind's mix for its segment (inverse CDF)."""
    mixes = np.array([MIX[code][seg] for code in range(N_KINDS) for seg in range(3)])
    cdf = np.cumsum(mixes / mixes.sum(axis=1, keepdims=True), axis=1)
    combo = kind.astype(np.intp) * 3 + segment
    draw = rng.random(len(kind))
    channel = np.zeros(len(kind), dtype=np.int8)
    for column in range(len(CHANNELS) - 1):
        channel += draw >= cdf[combo, column]
    return channel


def _rhythm(
    rng: np.random.Generator,
    streams: Streams,
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
    position = rng.gamma(RHYTHM_SHAPE, size=len(stream))
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
    decaying = np.flatnonzero((streams.decay_start < NEVER) & (counts > 0))
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
    return rng.gamma(RHYTHM_SHAPE + 1.0, size=size) * rng.random(size)


def _clock_times(
    rng: np.random.Generator, days: FloatArray, kind: IntArray, region: IntArray, start_sec: int
) -> IntArray:
    """Epoch seconds: staff contact on local weekdays in office hours, self-service any time."""
    n = len(days)
    local_day = np.floor(start_sec / DAY + days).astype(np.int64)
    staff_led = kind != SELF
    weekday = (local_day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    weekend = np.flatnonzero(staff_led & (weekday >= 5))
    local_day[weekend] += rng.integers(0, 5, len(weekend)) - weekday[weekend]  # that week
    hour = np.empty(n)
    office, anytime = np.flatnonzero(staff_led), np.flatnonzero(~staff_led)
    hour[office] = 8.0 + 10.5 * rng.beta(2.5, 2.5, len(office))  # 8:00 to 18:30, peak ~13:15
    hour[anytime] = np.mod(rng.normal(14.0, 5.0, len(anytime)), 24.0)
    local_day *= DAY
    local_day += (hour * 3600).astype(np.int64)
    local_day -= REGION_UTC_OFFSET_HOURS[region] * 3600
    return local_day


def _assign_staff(
    rng: np.random.Generator,
    accounts: Customers,
    people: Staff,
    streams: Streams,
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
        if kind_code == SUPPORT:
            agents = np.flatnonzero(people.role == SUPPORT_ROLE)
            anyone = agents[rng.integers(len(agents), size=len(at))]
            who = np.where(rng.random(len(at)) < SUPPORT_PRIMARY, who, anyone)
            stayers = people.stayers[SUPPORT_ROLE]
            successor = stayers[rng.integers(len(stayers), size=len(at))]
        else:
            successor = accounts.successor[kind_code][customer[at]]
        staff[at] = np.where(seconds[at] >= people.left_sec[who], successor, who)
    return staff


def _durations(rng: np.random.Generator, channel: Int8Array) -> Int32Array:
    """Minutes for meetings, video and phone calls (-1 elsewhere)."""
    duration = np.full(len(channel), -1, dtype=np.int32)
    for code, (median, sigma, step, least, most) in DURATION.items():
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
    ``DECAY_SENTIMENT_DROP`` as fast as staff contact fades: ``drop * (1 - exp(-2 fade / tau))``.
    """
    n = len(channel)
    scored = rng.random(n) < SENTIMENT_SHARE[channel]
    score = mood + SENTIMENT_OFFSET[channel] + rng.normal(0.0, 0.3, n)
    score[fading] -= DECAY_SENTIMENT_DROP * (1.0 - np.exp(-2.0 * fade / tau))
    return np.where(scored, np.round(np.clip(score, -1.0, 1.0), 2), np.nan)


def _products_and_values(
    rng: np.random.Generator,
    channel: Int8Array,
    customer: Int32Array,
    accounts: Customers,
    goods: Products,
) -> tuple[Int32Array, FloatArray]:
    """Products of orders, some tickets and feedback; order values ~ price * quantity."""
    n = len(channel)
    share = np.zeros(len(CHANNELS))
    share[[ORDER, TICKET, FEEDBACK]] = (1.0, PRODUCT_ON_TICKET, PRODUCT_ON_FEEDBACK)
    about = np.flatnonzero(rng.random(n) < share[channel])
    popular = rng.choice(len(goods.price), size=len(about), p=goods.popularity)
    usual = accounts.main_product[customer[about]]
    product = np.full(n, -1, dtype=np.int32)
    product[about] = np.where(rng.random(len(about)) < MAIN_PRODUCT, usual, popular)

    value = np.full(n, np.nan)
    orders = np.flatnonzero(channel == ORDER)
    extra = np.asarray(ORDER_QUANTITY_MEAN)[accounts.segment[customer[orders]]]
    quantity = 1 + rng.poisson(extra)
    discount = rng.uniform(0.85, 1.0, len(orders))
    value[orders] = np.round(goods.price[product[orders]] * quantity * discount, 2)
    return product, value
