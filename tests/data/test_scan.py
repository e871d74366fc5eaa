"""The interactions scanned and checked in the engine: globs, partitioned folders, empty parts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphdyn import Config, DataError, read_data
from graphdyn.engine.backend import connect
from graphdyn.engine.checks import check_interactions
from graphdyn.engine.scan import FILE, ROW, scan_parquet
from graphdyn.ingest import Dataset, to_timestamp

ROWS = pd.DataFrame(
    {
        "interaction_id": [f"i{n}" for n in range(6)],
        "timestamp": pd.to_datetime(
            ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06", "2024-01-07"],
            utc=True,
        ),
        "customer_id": ["c1", "c1", "c2", "c2", "c3", "c3"],
        "staff_id": ["s1", None, "s2", "s2", "s1", None],
        "channel": ["phone", "order", "meeting", "email", "chat", "order"],
        "sentiment": [0.5, None, None, -0.25, 0.0, None],
        "value": [None, 10.0, None, None, None, 5.0],
    }
)


def write_parts(folder: Path, parts: dict[str, pd.DataFrame]) -> Path:
    """Write the interactions of a data folder as the parts named, under ``interactions/``."""
    for name, rows in parts.items():
        path = folder / "interactions" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pandas(rows, preserve_index=False), path)
    return folder


def rejected(folder: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        read_data(folder)
    return [str(p) for p in info.value.problems]


def test_a_glob_of_parquet_files_is_one_scan(tmp_path: Path) -> None:
    second = ROWS.iloc[2:5].assign(sentiment=[None, 7.0, None])
    folder = write_parts(tmp_path, {"a.parquet": ROWS.iloc[:2], "b.parquet": second})
    (folder / "interactions" / "notes.txt").write_text("not a part")
    with connect() as backend:
        scan = scan_parquet(backend, [str(folder / "interactions" / "*.parquet")])
        rows = backend.to_pyarrow(scan.order_by(FILE, ROW)).to_pandas()
        checks = check_interactions(backend, scan, Config().channels, lambda f: Path(f).name)
    assert rows["interaction_id"].tolist() == ["i0", "i1", "i2", "i3", "i4"]
    assert [Path(f).name for f in rows[FILE]] == ["a.parquet"] * 2 + ["b.parquet"] * 3
    assert rows[ROW].tolist() == [0, 1, 0, 1, 2]
    assert (checks.rows, checks.total) == (5, 1)
    assert checks.problems.values.tolist() == [
        ["b.parquet", 3, "sentiment", "outside [-1, 1]", "7.0"]
    ]


def test_a_hive_partitioned_folder_ignores_the_partition_column(tmp_path: Path) -> None:
    parts = {
        "day=2024-01-02/part-0.parquet": ROWS.iloc[:3],
        "day=2024-01-05/part-0.parquet": ROWS.iloc[3:],
    }
    data = read_data(write_parts(tmp_path, parts))
    assert "day" not in data.interactions.columns  # folder names are not columns
    assert data.interactions["interaction_id"].tolist() == [f"i{n}" for n in range(6)]
    bad = dict(parts)
    bad["day=2024-01-05/part-0.parquet"] = ROWS.iloc[3:].assign(channel=["email", "fax", "x"])
    assert rejected(write_parts(tmp_path / "bad", bad))[0].startswith(
        "interactions/day=2024-01-05/part-0.parquet:3: channel: unknown channel; allowed: "
    )


def test_a_bad_row_in_the_third_part_names_the_part_and_its_row(tmp_path: Path) -> None:
    third = ROWS.iloc[4:].assign(value=[None, -2.0], customer_id=["c3", " "])
    folder = write_parts(
        tmp_path,
        {
            "part-00000.parquet": ROWS.iloc[:2],
            "part-00001.parquet": ROWS.iloc[2:4],
            "part-00002.parquet": third,
        },
    )
    assert rejected(folder) == [
        "interactions/part-00002.parquet:3: customer_id: required value missing",
        "interactions/part-00002.parquet:3: value: negative (-2.0)",
    ]
    data = read_data(folder, on_error="quarantine")
    assert data.summary()["interactions"] == 5
    assert data.rejects["file"].tolist() == ["interactions/part-00002.parquet"] * 2
    with connect() as backend:
        kept = backend.to_pyarrow(data.interactions_table(backend).interaction_id).to_pylist()
    assert sorted(kept) == ["i0", "i1", "i2", "i3", "i4"]


def test_an_empty_part_is_no_rows(tmp_path: Path) -> None:
    folder = write_parts(
        tmp_path,
        {
            "part-00000.parquet": ROWS.iloc[:3],
            "part-00001.parquet": ROWS.iloc[:0],
            "part-00002.parquet": ROWS.iloc[3:].assign(sentiment=[None, 2.0, None]),
        },
    )
    assert rejected(folder) == [
        "interactions/part-00002.parquet:3: sentiment: outside [-1, 1] (2.0)"
    ]
    good = write_parts(tmp_path / "good", {"a.parquet": ROWS.iloc[:0], "b.parquet": ROWS})
    assert read_data(good).summary()["interactions"] == 6


def test_until_is_a_filter_counted_in_the_engine(tmp_path: Path) -> None:
    data = read_data(write_parts(tmp_path, {"p.parquet": ROWS}))
    cut = data.until(to_timestamp("2024-01-04"))
    assert cut.excluded_after_as_of == 3
    assert cut.summary()["interactions"] == 3
    assert cut.interactions["interaction_id"].tolist() == ["i0", "i1", "i2"]
    assert cut.until(to_timestamp("2024-01-06")).summary()["interactions"] == 3
    assert data.latest() == pd.Timestamp("2024-01-07", tz="UTC")


def test_a_frame_reads_like_its_parquet_file(tmp_path: Path) -> None:
    write_parts(tmp_path, {"p.parquet": ROWS})
    from_frame = Dataset.from_frames(ROWS)
    from_files = read_data(tmp_path)
    pd.testing.assert_frame_equal(from_frame.interactions, from_files.interactions)
    assert from_frame.summary()["channels"] == from_files.summary()["channels"]
    assert np.isnan(from_frame.interactions["value"].iloc[0])
