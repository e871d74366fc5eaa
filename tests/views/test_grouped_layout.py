"""grouped_layout: members in their group's disc, discs apart, radii worked out by hand."""

from __future__ import annotations

import itertools
import math

import pytest

from graphdyn.views.layout import grouped_layout


def test_radii_follow_the_rooms_by_hand() -> None:
    positions, (disc,) = grouped_layout(["a", "a", "a"], [30.0, 10.0, 20.0], spacing=8.0)
    # k-th member at sqrt((rooms before it + half its own room) / pi), squared rooms
    expected = [
        math.sqrt(450 / math.pi),
        math.sqrt((900 + 50) / math.pi),
        math.sqrt((1000 + 200) / math.pi),
    ]
    found = [math.hypot(x - disc.x, y - disc.y) for x, y in positions]
    assert found == pytest.approx(expected)
    # the disc holds every room, with half the spacing to spare
    assert disc.radius == pytest.approx(math.sqrt(1400 / math.pi) + 4.0)
    # the k-th member at k golden angles
    angles = [math.atan2(y - disc.y, x - disc.x) for x, y in positions]
    golden = math.pi * (3 - math.sqrt(5))
    assert angles[0] == pytest.approx(0.0)
    assert math.remainder(angles[1] - golden, 2 * math.pi) == pytest.approx(0.0, abs=1e-12)


def test_members_sit_in_their_disc_and_discs_keep_apart() -> None:
    groups = [team for team, size in zip("ABCDEFG", (40, 3, 17, 1, 60, 8, 25), strict=True)
              for _ in range(size)]  # fmt: skip
    rooms = [20.0 + (i % 7) * 9 for i in range(len(groups))]
    positions, discs = grouped_layout(groups, rooms, spacing=30.0)
    assert [d.group for d in discs] == list("ABCDEFG")
    by_group = {d.group: d for d in discs}
    for (x, y), group in zip(positions, groups, strict=True):
        disc = by_group[group]
        assert math.hypot(x - disc.x, y - disc.y) < disc.radius
    for one, other in itertools.combinations(discs, 2):
        apart = math.hypot(one.x - other.x, one.y - other.y)
        assert apart >= one.radius + other.radius + 30.0 - 1e-9
    assert grouped_layout(groups, rooms, spacing=30.0) == (positions, discs)


def test_nothing_to_place() -> None:
    assert grouped_layout([]) == ([], [])
