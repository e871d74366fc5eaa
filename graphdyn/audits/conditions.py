"""``--fail-on`` conditions: a small, safe expression language over an audit's figures.

Grammar (no ``eval``; names come from a fixed list)::

    condition  := conjunction ("or" conjunction)*
    conjunction:= comparison ("and" comparison)*
    comparison := NAME OP NUMBER | "(" condition ")"
    OP         := ">" | ">=" | "<" | "<=" | "==" | "!="
    NUMBER     := decimal, optionally with a trailing "%" (15% = 0.15)

Names are the keys of :func:`audit_figures`, e.g. ``at_risk_share>0.15`` or
``single_threaded>20 or dormant>=5``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphdyn.errors import UsageError
from graphdyn.model.decay import STATUSES

__all__ = ["FIGURES", "Condition", "audit_figures", "parse_condition"]

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
_TOKEN = re.compile(
    r"\s*(?:(?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?%?)|(?P<op>>=|<=|==|!=|>|<)"
    r"|(?P<paren>[()])|(?P<word>[A-Za-z_][A-Za-z0-9_]*))"
)


#: Where each figure other than the status counts lives in an audit's summary.
_SUMMARY_PATHS: dict[str, tuple[str, ...]] = {
    "customers": ("counts", "customers"),
    "ties": ("counts", "ties"),
    "at_risk_share": ("at_risk_share",),
    "dormant_share": ("dormant_share",),
    "single_threaded": ("single_threaded",),
    "strong_ties": ("strong_ties",),
    "mean_strength": ("mean_customer_strength",),
    "mean_liveness": ("mean_customer_liveness",),
    "rejected_rows": ("data_quality", "rejected_rows"),
    "excluded_after_as_of": ("data_quality", "excluded_after_as_of"),
}

#: Every name a condition may use: the customer status counts and the summary figures.
FIGURES: frozenset[str] = frozenset(STATUSES) | frozenset(_SUMMARY_PATHS)


def audit_figures(summary: Mapping[str, Any]) -> dict[str, float]:
    """Return the figures a condition may name, from an audit's summary.

    Examples
    --------
    >>> figures = audit_figures({"customer_status": {"at_risk": 3, "active": 7},
    ...     "counts": {"customers": 10, "ties": 20}, "at_risk_share": 0.3,
    ...     "dormant_share": 0.0, "single_threaded": 2, "strong_ties": 5,
    ...     "mean_customer_strength": 0.5, "mean_customer_liveness": 0.7,
    ...     "data_quality": {"rejected_rows": 0,
    ...     "excluded_after_as_of": 1}})
    >>> figures["at_risk"], figures["at_risk_share"], figures["customers"]
    (3.0, 0.3, 10.0)
    """
    figures = {status: float(summary["customer_status"].get(status, 0)) for status in STATUSES}
    for name, path in _SUMMARY_PATHS.items():
        value: Any = summary
        for key in path:
            value = value[key]
        figures[name] = float(value)
    return figures


@dataclass(frozen=True)
class Condition:
    """A parsed condition; call :meth:`holds` with an audit's figures.

    Parameters
    ----------
    text : str
        The condition as written.
    node : tuple
        The parsed tree: ``("cmp", name, op, number)``, ``("and", a, b)`` or ``("or", a, b)``.
    """

    text: str
    node: tuple[Any, ...]

    def names(self) -> set[str]:
        """Return the figure names the condition uses."""
        found: set[str] = set()
        stack = [self.node]
        while stack:
            node = stack.pop()
            if node[0] == "cmp":
                found.add(node[1])
            else:
                stack.extend(node[1:])
        return found

    def holds(self, figures: Mapping[str, float]) -> bool:
        """Evaluate the condition.

        Examples
        --------
        >>> parse_condition("at_risk_share>15% and customers>=10").holds(
        ...     {"at_risk_share": 0.2, "customers": 10})
        True
        """

        def evaluate(node: tuple[Any, ...]) -> bool:
            if node[0] == "cmp":
                _, name, op, number = node
                return _OPERATORS[op](figures[name], number)
            left, right = evaluate(node[1]), evaluate(node[2])
            return (left and right) if node[0] == "and" else (left or right)

        return evaluate(self.node)

    def describe(self, figures: Mapping[str, float]) -> str:
        """Say why the condition holds, with the figures it names."""
        values = ", ".join(f"{name} = {figures[name]:g}" for name in sorted(self.names()))
        return f"{self.text} ({values})"


def parse_condition(text: str, known: frozenset[str] | None = None) -> Condition:
    """Parse a ``--fail-on`` condition.

    Parameters
    ----------
    text : str
        E.g. ``"at_risk_share>0.15"`` or ``"single_threaded>20 or dormant>=5"``.
    known : frozenset of str, optional
        The allowed names; default: :data:`FIGURES`.

    Raises
    ------
    UsageError
        With the position and what was expected.

    Examples
    --------
    >>> parse_condition("single_threaded > 20").node
    ('cmp', 'single_threaded', '>', 20.0)
    >>> parse_condition("at_risk_share >")
    Traceback (most recent call last):
    ...
    graphdyn.errors.UsageError: --fail-on 'at_risk_share >': expected a number at the end
    """
    allowed = known if known is not None else FIGURES
    tokens = _tokenize(text)
    position = 0

    def fail(expected: str) -> UsageError:
        where = (
            f"at character {tokens[position][2] + 1}" if position < len(tokens) else "at the end"
        )
        return UsageError(f"--fail-on {text!r}: expected {expected} {where}")

    def peek(kind: str, value: str | None = None) -> bool:
        if position >= len(tokens):
            return False
        token_kind, token_value, _ = tokens[position]
        return token_kind == kind and (value is None or token_value == value)

    def take(kind: str, expected: str) -> str:
        nonlocal position
        if not peek(kind):
            raise fail(expected)
        position += 1
        return tokens[position - 1][1]

    def condition() -> tuple[Any, ...]:
        node = conjunction()
        while peek("word", "or"):
            take("word", "'or'")
            node = ("or", node, conjunction())
        return node

    def conjunction() -> tuple[Any, ...]:
        node = comparison()
        while peek("word", "and"):
            take("word", "'and'")
            node = ("and", node, comparison())
        return node

    def comparison() -> tuple[Any, ...]:
        if peek("paren", "("):
            take("paren", "'('")
            node = condition()
            if not peek("paren", ")"):
                raise fail("')'")
            take("paren", "')'")
            return node
        if not peek("word"):
            raise fail("a figure name")
        name = tokens[position][1]
        if name not in allowed:
            raise UsageError(
                f"--fail-on {text!r}: unknown figure {name!r}; known: {', '.join(sorted(allowed))}"
            )
        take("word", "a figure name")
        op = take("op", "a comparison (>, >=, <, <=, ==, !=)")
        number = take("number", "a number")
        value = float(number[:-1]) / 100 if number.endswith("%") else float(number)
        return ("cmp", name, op, value)

    node = condition()
    if position != len(tokens):
        raise fail("'and', 'or' or the end")
    return Condition(text, node)


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            offset = len(text) - len(text[position:].lstrip())
            raise UsageError(
                f"--fail-on {text!r}: unexpected character {text[offset]!r} at character "
                f"{offset + 1}"
            )
        start = match.start(match.lastgroup)
        tokens.append((match.lastgroup, match.group(match.lastgroup), start))
        position = match.end()
    if not tokens:
        raise UsageError("--fail-on: empty condition")
    return tokens
