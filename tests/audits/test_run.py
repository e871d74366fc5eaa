"""audit(): what it reads, and what it does with bad rows."""

from __future__ import annotations

import pandas as pd
import pytest

from graphdyn import DataError, audit

EVENTS = pd.DataFrame(
    {
        "interaction_id": ["i1", "i2", "i3"],
        "timestamp": ["2024-01-01", "2024-02-01", "2024-02-30"],
        "customer_id": ["c1", "c1", "c2"],
        "staff_id": ["s1", "s1", "s1"],
        "channel": ["meeting", "phone", "phone"],
    }
)


def test_a_bad_row_stops_the_audit_by_default() -> None:
    with pytest.raises(DataError, match="timestamp"):
        audit(EVENTS, as_of="2024-03-31")


def test_on_error_quarantine_sets_the_bad_row_aside_and_audits_the_rest() -> None:
    result = audit(EVENTS, as_of="2024-03-31", on_error="quarantine")
    rejects = result.data.rejects
    assert rejects[["line", "column", "value"]].values.tolist() == [[4, "timestamp", "2024-02-30"]]
    assert result.ties[["customer_id", "staff_id", "n_interactions"]].values.tolist() == [
        ["c1", "s1", 2]
    ]
