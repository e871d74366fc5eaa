"""Audit folders on disk and the comparison of two of them, through the library."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import graphdyn
from graphdyn import UsageError, audit, compare_audits, read_audit_folder, write_audit_folder
from graphdyn.folder import AuditFolder
from graphdyn.ingest.dataset import Dataset

EVENTS = pd.DataFrame(
    {
        "interaction_id": ["i1", "i2", "i3", "i4"],
        "timestamp": ["2024-01-02", "2024-02-03", "2024-03-10", "2024-04-01"],
        "customer_id": ["c1", "c1", "c2", "c2"],
        "staff_id": ["s1", "s1", "s2", "s1"],
        "channel": ["meeting", "phone", "email", "support_ticket"],
    }
)
CUSTOMERS = pd.DataFrame({"customer_id": ["c1", "c2"], "name": ["Acme <Ltd>", None]})


@pytest.fixture
def two_audits(tmp_path: Path) -> tuple[AuditFolder, AuditFolder]:
    data = Dataset.from_frames(EVENTS, customers=CUSTOMERS)
    for name, as_of in (("march", "2024-03-05"), ("april", "2024-04-15")):
        write_audit_folder(audit(data, as_of=as_of), tmp_path / name)
    return read_audit_folder(tmp_path / "march"), read_audit_folder(tmp_path / "april")


def test_write_comparison_writes_both_files_whole(
    two_audits: tuple[AuditFolder, AuditFolder], tmp_path: Path
) -> None:
    old, new = two_audits
    comparison = compare_audits(old, new)
    folder = graphdyn.write_comparison(comparison, tmp_path / "out" / "cmp", names_from=new)
    assert folder == (tmp_path / "out" / "cmp").resolve()
    assert sorted(p.name for p in folder.iterdir()) == ["compare.csv", "compare.html"]
    changes = pd.read_csv(folder / "compare.csv", dtype=str)
    new_ties = changes.loc[(changes["level"] == "tie") & (changes["change"] == "new")]
    assert new_ties[["customer_id", "staff_id"]].values.tolist() == [["c2", "s1"], ["c2", "s2"]]
    page = (folder / "compare.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Acme &lt;Ltd&gt;" in page  # the newer audit's name, escaped
    assert {oct(p.stat().st_mode & 0o777) for p in folder.iterdir()} == {"0o644"}


def test_write_comparison_without_names_and_where_it_cannot_write(
    two_audits: tuple[AuditFolder, AuditFolder], tmp_path: Path
) -> None:
    comparison = compare_audits(*two_audits)
    page = graphdyn.write_comparison(comparison, tmp_path / "plain") / "compare.html"
    assert "Acme" not in page.read_text(encoding="utf-8")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(UsageError, match="^cannot write .*a-file/cmp: Not a directory$"):
        graphdyn.write_comparison(comparison, tmp_path / "a-file" / "cmp")
