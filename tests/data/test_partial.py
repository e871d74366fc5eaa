"""Reading part of a data folder: the same values and the same problems as a full read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphdyn import DataError, read_data
from graphdyn.ingest.partial import DataFolder

HEADER = (
    "interaction_id,timestamp,customer_id,staff_id,channel,direction,"
    "duration_minutes,sentiment,value,product_id,note"
)
ROWS = [
    "i1,2024-01-02,c1,s1,phone,outbound,10,0.5,,,first",
    "i2,2024-01-03T10:00:00Z,c1,,order,inbound,,,120.5,p1,",
    "",
    'i3,2024-01-04T09:30:00+02:00,c2,s2,meeting,outbound,60,,,,"two\nlines"',
    "i4,2024-01-05,c2, s2 ,Email,inbound,,-0.25,,,",
]


def folder_with(tmp_path: Path, rows: list[str], **tables: str) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(parents=True)
    (folder / "interactions.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def test_columns_and_rows_are_those_of_a_full_read(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, ROWS, customers="customer_id,segment\nc1,smb\n")
    full = read_data(folder)
    data = DataFolder.open(folder)
    columns = data.interaction_columns(["customer_id", "timestamp", "value"])
    assert list(columns.columns) == ["timestamp", "customer_id", "value"]  # contract order
    pd.testing.assert_frame_equal(columns, full.interactions[list(columns.columns)])
    rows = data.interactions(np.array([1, 3]))
    assert rows.index.tolist() == [1, 3]  # positions in the file, blank line not counted
    pd.testing.assert_frame_equal(rows, full.interactions.iloc[[1, 3]])
    pd.testing.assert_frame_equal(data.customers, full.customers)
    assert data.source == full.source


def test_a_column_the_file_lacks_comes_out_blank(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "interactions.csv").write_text(
        "interaction_id,timestamp,customer_id,channel\ni1,2024-01-02,c1,phone\n"
    )
    columns = DataFolder.open(folder).interaction_columns(["customer_id", "value"])
    assert columns["value"].isna().all() and columns["value"].dtype == np.float64


def test_problems_name_the_file_line_and_column(tmp_path: Path) -> None:
    rows = [*ROWS, "i5,2024-02-30,c3,s1,fax,sideways,,,-5,,", "i1,2024-01-06,c3,s1,phone,,,,,,"]
    data = DataFolder.open(folder_with(tmp_path, rows))
    with pytest.raises(DataError) as info:
        data.interaction_columns(["interaction_id", "timestamp", "value"])
    assert [str(p) for p in info.value.problems] == [
        "interactions.csv:8: timestamp: not an ISO-8601 date or datetime (2024-02-30)",
        "interactions.csv:8: value: negative (-5)",
        "interactions.csv:9: interaction_id: duplicate interaction_id, first on line 2 (i1)",
    ]
    # A column not asked for is not looked at; a row asked for is checked whole.
    assert data.interaction_columns(["customer_id"])["customer_id"].tolist()[-2:] == ["c3", "c3"]
    with pytest.raises(DataError, match=r"^interactions.csv:8: timestamp: "):
        data.interactions(np.array([0, 4]))
    kept = data.interactions(np.array([1, 4, 5]), on_error="quarantine")
    assert kept.index.tolist() == [1, 5]
    # Rows are checked among themselves: row 5 repeats row 0's id.
    assert data.interactions(np.array([0, 5]), on_error="quarantine").index.tolist() == [0]
    quarantined = data.interaction_columns(["timestamp", "value"], on_error="quarantine")
    assert 4 not in quarantined.index and len(quarantined) == 5


def test_whole_file_and_attribute_problems_stop_at_once(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="staff.csv:3: staff_id: duplicate staff_id"):
        DataFolder.open(folder_with(tmp_path / "a", ROWS, staff="staff_id\ns1\ns1\n"))
    with pytest.raises(DataError, match="no interactions"):
        DataFolder.open(folder_with(tmp_path / "b", []))
    with pytest.raises(DataError, match="expected 11 fields, found 2"):
        DataFolder.open(folder_with(tmp_path / "c", [*ROWS, "i9,2024-01-01"]))
    with pytest.raises(DataError, match="channel: required column missing"):
        header = HEADER.replace("channel,", "")
        folder = tmp_path / "d"
        folder.mkdir()
        (folder / "interactions.csv").write_text(header + "\ni1,2024-01-02,c1,s1,,,,,,\n")
        DataFolder.open(folder)
    with pytest.raises(DataError, match="data folder not found"):
        DataFolder.open(tmp_path / "nowhere")
