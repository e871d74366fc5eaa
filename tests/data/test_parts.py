"""A table as a folder of Parquet parts: read as one table, each problem naming its part."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphdyn import DataError, read_data
from graphdyn.data.validate import ParsedTable
from graphdyn.ingest.partial import DataFolder

ROWS = pd.DataFrame(
    {
        "interaction_id": ["i1", "i2", "i3", "i4", "i5"],
        "timestamp": pd.to_datetime(
            ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06"], utc=True
        ),
        "customer_id": ["c1", "c1", "c2", "c2", "c3"],
        "staff_id": ["s1", None, "s2", "s2", "s1"],
        "channel": ["phone", "order", "meeting", "email", "chat"],
        "sentiment": [0.5, None, None, -0.25, 0.0],
    }
)


def write_parts(folder: Path, *parts: pd.DataFrame) -> Path:
    """Write a data folder whose interactions are the parts ``part-00000.parquet``, ..."""
    (folder / "interactions").mkdir(parents=True)
    for number, part in enumerate(parts):
        table = pa.Table.from_pandas(part, preserve_index=False)
        pq.write_table(table, folder / "interactions" / f"part-{number:05d}.parquet")
    return folder


def rejected(folder: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        read_data(folder)
    return [str(p) for p in info.value.problems]


def test_parts_read_as_one_file_of_their_rows(tmp_path: Path) -> None:
    folder = write_parts(tmp_path / "parts", ROWS.iloc[:2], ROWS.iloc[2:3], ROWS.iloc[3:])
    # Not parts: hidden files and those starting with "_" (Spark's _SUCCESS, ...).
    (folder / "interactions" / "_SUCCESS").write_bytes(b"")
    pq.write_table(pa.table({"other": [1]}), folder / "interactions" / ".hidden.parquet")
    (tmp_path / "one").mkdir()
    ROWS.to_parquet(tmp_path / "one" / "interactions.parquet", index=False)
    parts, one = read_data(folder), read_data(tmp_path / "one")
    pd.testing.assert_frame_equal(parts.interactions, one.interactions)
    assert parts.interactions["interaction_id"].tolist() == ["i1", "i2", "i3", "i4", "i5"]
    assert parts.summary()["interactions"] == 5


def test_parts_in_subfolders_are_read_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    for day, rows in (("day=2", ROWS.iloc[3:]), ("day=1", ROWS.iloc[:3])):
        (folder / "interactions" / day).mkdir(parents=True)
        rows.to_parquet(folder / "interactions" / day / "part-0.parquet", index=False)
    events = read_data(folder).interactions
    assert events["interaction_id"].tolist() == ["i1", "i2", "i3", "i4", "i5"]
    assert "day" not in events.columns  # folder names are not columns


def test_problems_name_the_part_and_its_row(tmp_path: Path) -> None:
    second = ROWS.iloc[2:].assign(interaction_id=["i3", "i1", "i3"], sentiment=[1.5, None, None])
    folder = write_parts(tmp_path, ROWS.iloc[:2].assign(channel=["phone", "fax"]), second)
    assert rejected(folder) == [
        "interactions/part-00000.parquet:3: channel: unknown channel; allowed: chat, email, "
        "feedback, meeting, order, phone, support_ticket, video (fax)",
        "interactions/part-00001.parquet:2: sentiment: outside [-1, 1] (1.5)",
        "interactions/part-00001.parquet:3: interaction_id: duplicate interaction_id, first on "
        "line 2 of interactions/part-00000.parquet (i1)",
        "interactions/part-00001.parquet:4: interaction_id: duplicate interaction_id, first on "
        "line 2 (i3)",
    ]


def test_quarantine_drops_the_bad_rows_of_each_part(tmp_path: Path) -> None:
    # Line 2 of both parts: only the second part's is bad.
    bad = ROWS.iloc[2:].assign(sentiment=[3.0, None, None])
    data = read_data(write_parts(tmp_path, ROWS.iloc[:2], bad), on_error="quarantine")
    assert data.interactions["interaction_id"].tolist() == ["i1", "i2", "i4", "i5"]
    assert data.rejects[["file", "line", "column"]].values.tolist() == [
        ["interactions/part-00001.parquet", 2, "sentiment"]
    ]
    assert data.summary()["rejected_rows"] == 1


def test_bad_rows_are_matched_by_part_and_line() -> None:
    from graphdyn.data.files import Parts

    parts = Parts(("t/a.parquet", "t/b.parquet"), np.array([0, 0, 1, 1]))
    problems = pd.DataFrame(
        {"file": ["t/b.parquet"], "line": [2], "column": ["x"], "problem": ["p"], "value": [None]}
    )
    parsed = ParsedTable(pd.DataFrame({"x": range(4)}), np.array([2, 3, 2, 3]), problems, parts)
    assert parsed.bad_rows.tolist() == [False, False, True, False]


def test_parts_must_have_one_schema(tmp_path: Path) -> None:
    folder = write_parts(
        tmp_path,
        ROWS.iloc[:2],
        ROWS.iloc[2:3].astype({"sentiment": str}),
        ROWS.iloc[3:].drop(columns="staff_id").assign(note="x"),
    )
    why = "every part must have the same columns and types"
    assert rejected(folder) == [
        "interactions/part-00001.parquet: sentiment: type large_string, double in "
        f"interactions/part-00000.parquet; {why}",
        "interactions/part-00002.parquet: staff_id: column missing, in "
        f"interactions/part-00000.parquet; {why}",
        "interactions/part-00002.parquet: note: column not in "
        f"interactions/part-00000.parquet; {why}",
    ]


def test_parts_in_another_column_order_are_one_schema(tmp_path: Path) -> None:
    folder = write_parts(tmp_path, ROWS.iloc[:2], ROWS.iloc[2:][ROWS.columns[::-1]])
    assert read_data(folder).interactions["customer_id"].tolist() == ["c1", "c1", "c2", "c2", "c3"]


def test_whole_folder_problems(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    (empty / "interactions").mkdir(parents=True)
    (empty / "interactions" / "notes.txt").write_text("not a part")
    assert rejected(empty) == ["interactions/: no Parquet parts (no .parquet file in the folder)"]

    broken = write_parts(tmp_path / "broken", ROWS)
    (broken / "interactions" / "part-00001.parquet").write_bytes(b"not parquet")
    [problem] = rejected(broken)
    assert problem.startswith("interactions/part-00001.parquet: not a readable Parquet file: ")

    both = write_parts(tmp_path / "both", ROWS)
    ROWS.to_parquet(both / "interactions.parquet", index=False)
    assert rejected(both) == [
        "interactions/: both interactions.parquet and interactions/ exist; keep one"
    ]

    no_channel = write_parts(tmp_path / "no_channel", ROWS.drop(columns="channel"))
    assert rejected(no_channel) == [
        "interactions/: channel: required column missing (found: interaction_id, timestamp, "
        "customer_id, staff_id, sentiment)"
    ]

    header_only = write_parts(tmp_path / "header_only", ROWS.iloc[:0], ROWS.iloc[:0])
    assert rejected(header_only) == ["interactions/: no interactions (header only)"]


def test_an_attribute_table_may_be_parts_too(tmp_path: Path) -> None:
    folder = write_parts(tmp_path, ROWS)
    (folder / "staff").mkdir()
    staff = pd.DataFrame({"staff_id": ["s1", "s2"], "role": ["sales", "support"]})
    staff.iloc[:1].to_parquet(folder / "staff" / "a.parquet", index=False)
    staff.iloc[1:].to_parquet(folder / "staff" / "b.parquet", index=False)
    assert read_data(folder).staff["role"].tolist() == ["sales", "support"]


def test_reading_part_of_a_folder_of_parts(tmp_path: Path) -> None:
    bad = ROWS.iloc[2:].assign(sentiment=[None, 7.0, None])
    data = DataFolder.open(write_parts(tmp_path, ROWS.iloc[:2], bad))
    assert data.interaction_columns(["customer_id"])["customer_id"].tolist()[-1] == "c3"
    rows = data.interactions(np.array([1, 4]))
    assert rows.index.tolist() == [1, 4]
    assert rows["interaction_id"].tolist() == ["i2", "i5"]
    with pytest.raises(DataError, match=r"^interactions/part-00001.parquet:3: sentiment: "):
        data.interactions(np.array([0, 3]))
    kept = data.interactions(np.array([1, 3, 4]), on_error="quarantine")
    assert kept.index.tolist() == [1, 4]
