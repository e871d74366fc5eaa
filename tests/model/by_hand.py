"""The rhythm, P(alive) and liveness of docs/model.md, written out independently of graphdyn.

Sums over contact days in plain Python and the integrals by scipy's adaptive quadrature, with
the default parameters: the known answers the model's tests compare graphdyn with.
"""

from __future__ import annotations

import math

from scipy.integrate import quad

H, LAPSE, HORIZON, G0, K, G_MIN = 90.0, 1460.0, 90.0, 30.0, 1.0, 7.0


def rhythm_by_hand(days: list[float], k: float = K, g0: float = G0) -> tuple[float, float]:
    """The rate posterior Gamma(a, b): intervals between contact days and their days, decayed
    toward the last contact day with the half-life H, by the trapezoid rule."""
    last, first = max(days), min(days)
    recent = sum(2 ** (-(last - d) / H) for d in set(days))
    span = last - first
    intervals = max(recent - (1 + 2 ** (-span / H)) / 2, 0.0)
    exposure = H / math.log(2) * (1 - 2 ** (-span / H))
    a, b = k + intervals, k * g0 + exposure
    return a, max(b, a * G_MIN)


def p_alive(silence: float, a: float, b: float) -> float:
    """P(alive): the silence if still going, against an end during it."""
    mu = math.log(2) / LAPSE
    alive = math.exp(-mu * silence) * (b / (b + silence)) ** a
    ended = quad(lambda u: mu * math.exp(-mu * u) * (b / (b + u)) ** a, 0, silence)[0]
    return alive / (alive + ended)


def liveness(silence: float, a: float, b: float) -> float:
    """P(alive) times the chance of a contact within the horizon, still going now."""
    mu, beta = math.log(2) / LAPSE, b + silence
    within = quad(
        lambda u: a / beta * (beta / (beta + u)) ** (a + 1) * math.exp(-mu * u), 0, HORIZON
    )[0]
    return p_alive(silence, a, b) * within
