"""The constants the synthetic world is made of: channels, segments, roles, rates, shares."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: Written to ``truth.json``; raised whenever the same seed would give different data.
GENERATOR_VERSION = 3

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
Int8Array = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


DAY = 86_400
WEEK = 7 * DAY
NEVER = 1.0e7  # a decay start (days) that never comes: exp(0) = 1 in the decay formulas
RHYTHM_SHAPE = 4.0  # gamma shape of the gaps between a stream's events: CV = 1/sqrt(4)
# Business clock: a customer's activity level per month is exp(sigma * z), z an AR(1) series with
# this lag-one correlation (spells of a few months); at most this many cells over the window.
ACTIVITY_SIGMA, ACTIVITY_MEMORY, ACTIVITY_CELL_DAYS, ACTIVITY_CELLS_MAX = 0.7, 0.6, 30.4375, 120

CHANNELS = ("meeting", "video", "phone", "chat", "email", "support_ticket", "feedback", "order")
MEETING, VIDEO, PHONE, CHAT, EMAIL, TICKET, FEEDBACK, ORDER = range(8)

SEGMENTS = ("enterprise", "mid_market", "smb")
SEGMENT_QUANTILES = (0.88, 0.58)  # activity rank above which a customer is enterprise / mid
REGIONS = ("North America", "EMEA", "APAC", "LATAM")
REGION_SHARE = (0.4, 0.3, 0.2, 0.1)
REGION_UTC_OFFSET_HOURS = np.array([-5, 1, 8, -3], dtype=np.int64)

ROLES = ("account_manager", "sales", "support", "solutions_engineer", "customer_success")
AM_ROLE, SALES_ROLE, SUPPORT_ROLE, SE_ROLE, CS_ROLE = range(5)
ROLE_SHARE = np.array([0.30, 0.20, 0.30, 0.12, 0.08])
TEAMS: tuple[tuple[str, ...], ...] = (
    ("Commercial Accounts", "Growth Accounts"),
    ("New Business", "Expansion"),
    ("Support Tier 1", "Support Tier 2"),
    ("Solutions Engineering",),
    ("Customer Success",),
)
TEAM_NAMES = (*(name for teams in TEAMS for name in teams), "Strategic Accounts")  # key persons

# Contact streams of a customer, and the staff role behind each (-1: self-service).
AM, SALES_ONBOARDING, SALES_ACCOUNT, SE, CS, SUPPORT, SELF = range(7)
N_KINDS = 7
KIND_ROLE = (AM_ROLE, SALES_ROLE, SALES_ROLE, SE_ROLE, CS_ROLE, SUPPORT_ROLE, -1)
ONBOARDING_DAYS = 120.0
# Relative contact rate of each stream (columns) per segment (rows). Onboarding is intense but
# lasts only its first months.
KIND_RATE = np.array(
    [
        [0.30, 0.60, 0.04, 0.08, 0.12, 0.18, 0.20],
        [0.28, 0.60, 0.04, 0.06, 0.10, 0.20, 0.28],
        [0.22, 0.45, 0.05, 0.00, 0.06, 0.22, 0.40],
    ]
)
SE_SHARE = (0.70, 0.35, 0.0)  # share of customers per segment with a solutions engineer
CS_SHARE = (0.90, 0.50, 0.10)  # ... with a customer-success manager
KEY_ACCOUNT_SECONDARY = 0.3  # key persons' accounts have these odds of SE/CS cover
KEY_PERSON_RATE = 1.3  # key persons hold their accounts with more contact than usual
# A single-threaded account's manager takes on the sustained contact of the other staff
# streams (sales account, the segment's expected SE and CS cover, support): rate factor by segment.
SINGLE_THREADED_RATE = (
    KIND_RATE[:, [AM, SALES_ACCOUNT, SUPPORT]].sum(axis=1)
    + KIND_RATE[:, SE] * np.array(SE_SHARE)
    + KIND_RATE[:, CS] * np.array(CS_SHARE)
) / KIND_RATE[:, AM]
DECAY_TAU_FACTOR = (0.5, 0.5, 0.5, 0.5, 0.5, 0.8, 1.0)  # staff-initiated contact fades first
SUPPORT_PRIMARY = 0.55  # share of a customer's support contacts with its usual agent

# Channel mix per stream and segment, columns in CHANNELS order.
MIX: dict[int, tuple[tuple[float, ...], ...]] = {
    AM: (
        (0.25, 0.25, 0.20, 0, 0.25, 0, 0, 0.05),
        (0.15, 0.25, 0.25, 0, 0.30, 0, 0, 0.05),
        (0.05, 0.20, 0.30, 0, 0.38, 0, 0, 0.07),
    ),
    SALES_ONBOARDING: (
        (0.30, 0.30, 0.15, 0, 0.20, 0, 0, 0.05),
        (0.20, 0.30, 0.20, 0, 0.25, 0, 0, 0.05),
        (0.05, 0.25, 0.30, 0, 0.35, 0, 0, 0.05),
    ),
    SALES_ACCOUNT: ((0.10, 0.15, 0.30, 0, 0.40, 0, 0, 0.05),) * 3,
    SE: ((0.40, 0.45, 0, 0, 0.15, 0, 0, 0),) * 3,
    CS: ((0.10, 0.45, 0.20, 0, 0.25, 0, 0, 0), *((0, 0.45, 0.25, 0, 0.30, 0, 0, 0),) * 2),
    SUPPORT: ((0, 0, 0.15, 0.25, 0.10, 0.50, 0, 0),) * 3,
    SELF: ((0, 0, 0, 0, 0, 0.25, 0.20, 0.55),) * 3,
}
# Probability that an event is outbound (vendor initiated), per stream and channel.
OUTBOUND = np.array(
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
SENTIMENT_SHARE = np.array([0, 0.10, 0.25, 0.30, 0, 0.70, 1.0, 0])  # events with a score
SENTIMENT_OFFSET = np.array([0, 0.05, 0, -0.05, 0, -0.15, 0, 0])
DECAY_SENTIMENT_DROP = 0.9
# (median minutes, lognormal sigma, rounding step, min, max) for timed channels.
DURATION = {
    MEETING: (45.0, 0.35, 5, 15, 240),
    VIDEO: (30.0, 0.40, 5, 10, 150),
    PHONE: (9.0, 0.70, 1, 1, 120),
}
PRODUCT_ON_TICKET, PRODUCT_ON_FEEDBACK, MAIN_PRODUCT = 0.6, 0.5, 0.6
ORDER_QUANTITY_MEAN = (15.0, 4.0, 1.0)  # extra units per order, by segment

# Planted truth: shares of customers and the shape of decay.
DECAYING_SHARE, SINGLE_THREADED_SHARE, DEPARTED_SHARE = 0.10, 0.08, 0.10
DECAY_WINDOW_DAYS = (45.0, 548.0)  # decay starts this many days before the end
DECAY_TAU_DAYS = (60.0, 100.0)
GO_QUIET_SHARE, GO_QUIET_AFTER_TAUS = 0.9, (0.5, 1.5)
DECAY_MIN_HISTORY_DAYS, DECAY_MIN_EVENTS = 180.0, 15.0
KEY_PERSON_SINGLE_THREADED = 0.75  # share of single-threaded customers on key persons
