"""Reading a data folder: parsed types, and every bad-input case of the data contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphdyn import Config, DataError, read_data
from graphdyn.errors import UsageError
from graphdyn.ingest import Dataset, to_timestamp

HEADER = (
    "interaction_id,timestamp,customer_id,staff_id,channel,direction,"
    "duration_minutes,sentiment,value,product_id"
)
GOOD_ROWS = [
    "i1,2024-01-02,c1,s1,phone,outbound,10,0.5,,",
    "i2,2024-01-03T10:00:00Z,c1,,order,inbound,,,120.5,p1",
    "i3,2024-01-04T09:30:00+02:00,c2,s2,meeting,outbound,60,,,",
]


def write_folder(folder: Path, rows: list[str], header: str = HEADER, **tables: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "interactions.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def rejected(folder: Path, **kwargs: object) -> list[str]:
    with pytest.raises(DataError) as info:
        read_data(folder, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_good_folder_parses_to_contract_types(tmp_path: Path) -> None:
    data = read_data(write_folder(tmp_path, GOOD_ROWS))
    events = data.interactions
    assert list(events.columns) == HEADER.split(",")
    assert str(events["timestamp"].dtype) == "datetime64[us, UTC]"
    assert events["timestamp"].tolist() == [
        pd.Timestamp("2024-01-02T00:00Z"),
        pd.Timestamp("2024-01-03T10:00Z"),
        pd.Timestamp("2024-01-04T07:30Z"),  # +02:00 converted to UTC
    ]
    assert isinstance(events["channel"].dtype, pd.CategoricalDtype)
    assert events["channel"].tolist() == ["phone", "order", "meeting"]
    assert events["direction"].tolist() == ["outbound", "inbound", "outbound"]
    assert events["staff_id"].isna().tolist() == [False, True, False]
    assert events["value"].dtype == np.float64
    assert events["value"].isna().tolist() == [True, False, True]
    assert events["value"].iloc[1] == 120.5
    assert events["duration_minutes"].tolist()[0] == 10.0
    assert data.summary() == {
        "source": str(tmp_path),
        "interactions": 3,
        "customers": 2,
        "staff": 2,
        "products": 1,
        "self_service_interactions": 1,
        "channels": {"meeting": 1, "order": 1, "phone": 1},
        "first_timestamp": "2024-01-02T00:00:00Z",
        "last_timestamp": "2024-01-04T07:30:00Z",
        "rejected_rows": 0,
        "excluded_after_as_of": 0,
    }


def test_attribute_tables_are_typed_and_ids_union(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path,
        GOOD_ROWS,
        customers="customer_id,name,segment,region,account_created,tier\n"
        'c1,"Acme, Inc.",enterprise,EU,2023-05-01,gold\nc9,Never Seen,smb,US,,\n',
        staff="staff_id,name,role,team,left_at\ns1,Ann,account_manager,north,\n",
    )
    data = read_data(folder)
    assert data.customers["name"].tolist() == ["Acme, Inc.", "Never Seen"]
    assert data.customers["tier"].tolist()[0] == "gold"  # extra columns are kept
    assert data.customers["account_created"].iloc[0] == pd.Timestamp("2023-05-01T00:00Z")
    assert pd.isna(data.customers["account_created"].iloc[1])
    assert list(data.customer_ids()) == ["c1", "c2", "c9"]
    assert list(data.staff_ids()) == ["s1", "s2"]
    assert list(data.products.columns) == ["product_id", "name", "category", "price"]
    assert len(data.products) == 0


def test_missing_folder(tmp_path: Path) -> None:
    assert rejected(tmp_path / "nope") == [f"{tmp_path / 'nope'}: data folder not found"]


def test_missing_interactions_file(tmp_path: Path) -> None:
    assert rejected(tmp_path) == [
        "interactions.csv: file not found (looked for interactions.csv, "
        f"interactions.parquet or a folder interactions/ in {tmp_path})"
    ]


def test_missing_required_column(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path, ["i1,2024-01-02,c1"], header="interaction_id,timestamp,customer_id"
    )
    assert rejected(folder) == [
        "interactions.csv:1: channel: required column missing "
        "(found: interaction_id, timestamp, customer_id)"
    ]


def test_unparsable_timestamp(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "i4,2024-13-45,c1,s1,phone,,,,,", "i5,last tuesday,c1,s1,phone,,,,,"]
    assert rejected(write_folder(tmp_path, rows)) == [
        "interactions.csv:5: timestamp: not an ISO-8601 date or datetime (2024-13-45)",
        "interactions.csv:6: timestamp: not an ISO-8601 date or datetime (last tuesday)",
    ]


def test_unknown_channel_lists_the_allowed_ones(tmp_path: Path) -> None:
    assert rejected(write_folder(tmp_path, [*GOOD_ROWS, "i4,2024-01-05,c1,s1,fax,,,,,"])) == [
        "interactions.csv:5: channel: unknown channel; allowed: chat, email, feedback, meeting, "
        "order, phone, support_ticket, video (fax)"
    ]


def test_configured_channel_is_accepted(tmp_path: Path) -> None:
    config = Config(channel_richness={"phone": 0.7, "fax": 0.1})
    data = read_data(write_folder(tmp_path, ["i1,2024-01-05,c1,s1,fax,,,,,"]), config=config)
    assert data.interactions["channel"].tolist() == ["fax"]


def test_sentiment_outside_range(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "i4,2024-01-05,c1,s1,phone,,,1.5,,", "i5,2024-01-05,c1,s1,phone,,,-1.01,,"]
    assert rejected(write_folder(tmp_path, rows)) == [
        "interactions.csv:5: sentiment: outside [-1, 1] (1.5)",
        "interactions.csv:6: sentiment: outside [-1, 1] (-1.01)",
    ]


def test_negative_value_and_duration(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "i4,2024-01-05,c1,s1,order,,-5,,-12.5,"]
    assert rejected(write_folder(tmp_path, rows)) == [
        "interactions.csv:5: duration_minutes: negative (-5)",
        "interactions.csv:5: value: negative (-12.5)",
    ]


def test_not_a_number(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "i4,2024-01-05,c1,s1,order,,,,12 EUR,", "i5,2024-01-05,c1,s1,order,,,,inf,"]
    assert rejected(write_folder(tmp_path, rows)) == [
        "interactions.csv:5: value: not a number (12 EUR)",
        "interactions.csv:6: value: not a finite number (inf)",
    ]


def test_bad_direction_and_missing_required_value(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "i4,2024-01-05,,s1,phone,sideways,,,,"]
    assert rejected(write_folder(tmp_path, rows)) == [
        "interactions.csv:5: customer_id: required value missing",
        "interactions.csv:5: direction: must be inbound or outbound (sideways)",
    ]


def test_duplicate_interaction_id_names_the_first_line(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "i2,2024-01-05,c1,s1,phone,,,,,"]
    assert rejected(write_folder(tmp_path, rows)) == [
        "interactions.csv:5: interaction_id: duplicate interaction_id, first on line 3 (i2)"
    ]


def test_duplicate_key_in_attribute_table(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path, GOOD_ROWS, staff="staff_id,name\ns1,Ann\ns2,Bob\ns1,Ann again\n"
    )
    assert rejected(folder) == ["staff.csv:4: staff_id: duplicate staff_id, first on line 2 (s1)"]


def test_bad_date_in_attribute_table(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, GOOD_ROWS, staff="staff_id,left_at\ns1,someday\n")
    assert rejected(folder) == ["staff.csv:2: left_at: not an ISO-8601 date (someday)"]


def test_empty_file(tmp_path: Path) -> None:
    tmp_path.joinpath("interactions.csv").write_bytes(b"")
    assert rejected(tmp_path) == ["interactions.csv: empty file (no header, no rows)"]


def test_header_only(tmp_path: Path) -> None:
    assert rejected(write_folder(tmp_path, [])) == [
        "interactions.csv: no interactions (header only)"
    ]


def test_wrong_delimiter(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path, ["i1;2024-01-02;c1;phone"], header="interaction_id;timestamp;customer_id;channel"
    )
    assert rejected(folder) == [
        "interactions.csv:1: wrong delimiter: the header is semicolon-separated; graphdyn reads "
        "comma-separated files (interaction_id;timestamp;customer_id;channel)"
    ]


def test_wrong_encoding_latin1(tmp_path: Path) -> None:
    text = "\n".join([HEADER, GOOD_ROWS[0], "i9,2024-01-02,Café,s1,phone,,,,,"]) + "\n"
    tmp_path.joinpath("interactions.csv").write_bytes(text.encode("latin-1"))
    assert rejected(tmp_path) == [
        "interactions.csv:3: not UTF-8 text: byte 0xe9 at position 18; save the file as UTF-8"
    ]


def test_wrong_encoding_utf16(tmp_path: Path) -> None:
    text = "\n".join([HEADER, GOOD_ROWS[0]]) + "\n"
    tmp_path.joinpath("interactions.csv").write_bytes(text.encode("utf-16"))
    assert rejected(tmp_path) == [
        "interactions.csv:1: not UTF-8: the file is UTF-16 encoded; save it as UTF-8"
    ]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    text = "\n".join([HEADER, *GOOD_ROWS]) + "\n"
    tmp_path.joinpath("interactions.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert list(read_data(tmp_path).interactions.columns)[0] == "interaction_id"


def test_ragged_row(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "i4,2024-01-05,c1"]
    assert rejected(write_folder(tmp_path, rows)) == [
        "interactions.csv:5: expected 10 fields, found 3 (i4,2024-01-05,c1)"
    ]


def test_line_numbers_survive_blank_lines_and_multiline_values(tmp_path: Path) -> None:
    header = "interaction_id,timestamp,customer_id,channel,notes"
    rows = [
        'i1,2024-01-02,c1,phone,"first line',
        'second line"',
        "",
        "i2,2024-01-02,c1,fax,plain",
    ]
    assert rejected(write_folder(tmp_path, rows, header=header)) == [
        "interactions.csv:5: channel: unknown channel; allowed: chat, email, feedback, meeting, "
        "order, phone, support_ticket, video (fax)"
    ]


def test_every_problem_is_listed_in_line_order(tmp_path: Path) -> None:
    rows = [
        "i1,2024-13-01,c1,s1,phone,,,,,",
        "i2,2024-01-01,c1,s1,fax,,,2,,",
        "i1,2024-01-01,c1,s1,phone,,,,,",
    ]
    with pytest.raises(DataError) as info:
        read_data(write_folder(tmp_path, rows))
    assert info.value.total == 4
    assert [(p.line, p.column) for p in info.value.problems] == [
        (2, "timestamp"),
        (3, "channel"),
        (3, "sentiment"),
        (4, "interaction_id"),
    ]


def test_message_lists_twenty_then_counts_the_rest(tmp_path: Path) -> None:
    rows = [f"i{n},2024-01-01,c1,s1,fax,,,,," for n in range(25)]
    with pytest.raises(DataError) as info:
        read_data(write_folder(tmp_path, rows))
    lines = str(info.value).splitlines()
    assert len(lines) == 21
    assert lines[-1] == "... and 5 more problems"


def test_quarantine_keeps_good_rows_and_records_rejects(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "i4,2024-01-05,c1,s1,fax,,,,,", "i1,2024-01-05,c3,s1,phone,,,,,"]
    data = read_data(write_folder(tmp_path, rows), on_error="quarantine")
    assert data.interactions["interaction_id"].tolist() == ["i1", "i2", "i3"]
    assert data.rejects[["line", "column"]].values.tolist() == [
        [5, "channel"],
        [6, "interaction_id"],
    ]
    assert data.summary()["rejected_rows"] == 2


def test_quarantine_still_rejects_whole_file_problems(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, ["i1,2024-01-02"], header="interaction_id,timestamp")
    with pytest.raises(DataError):
        read_data(folder, on_error="quarantine")


def test_bad_on_error_value(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="on_error must be"):
        read_data(tmp_path, on_error="ignore")  # type: ignore[arg-type]


def test_both_csv_and_parquet_present(tmp_path: Path) -> None:
    write_folder(tmp_path, GOOD_ROWS)
    read_data(tmp_path)
    pq.write_table(pa.table({"interaction_id": ["x"]}), tmp_path / "interactions.parquet")
    assert rejected(tmp_path) == [
        "interactions.parquet: both interactions.csv and interactions.parquet exist; keep one"
    ]


def csv_to_parquet(csv_folder: Path, parquet_folder: Path) -> None:
    parquet_folder.mkdir()
    for path in csv_folder.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.to_parquet(parquet_folder / f"{path.stem}.parquet", index=False)


def test_parquet_with_text_columns_reads_like_csv(tmp_path: Path) -> None:
    csv_folder = write_folder(tmp_path / "csv", GOOD_ROWS)
    csv_to_parquet(csv_folder, tmp_path / "pq")
    from_csv, from_parquet = read_data(csv_folder), read_data(tmp_path / "pq")
    pd.testing.assert_frame_equal(from_csv.interactions, from_parquet.interactions)


def test_parquet_with_typed_columns(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "interaction_id": ["a", "b"],
            "timestamp": pd.to_datetime(["2024-01-02 10:00", "2024-01-03 00:00"]),  # naive = UTC
            "customer_id": ["c1", "c2"],
            "channel": ["email", "chat"],
            "sentiment": [0.25, np.nan],
            "value": [1, 2],
        }
    )
    frame.to_parquet(tmp_path / "interactions.parquet", index=False)
    events = read_data(tmp_path).interactions
    assert events["timestamp"].tolist() == [
        pd.Timestamp("2024-01-02T10:00Z"),
        pd.Timestamp("2024-01-03T00:00Z"),
    ]
    assert events["value"].tolist() == [1.0, 2.0]
    assert events["sentiment"].iloc[0] == 0.25


def test_parquet_errors_carry_csv_equivalent_lines(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "interaction_id": ["a", "b", "a"],
            "timestamp": ["2024-01-02", "2024-01-02", "2024-01-02"],
            "customer_id": ["c1", "c2", "c3"],
            "channel": ["email", "chat", "chat"],
            "sentiment": [0.25, 3.0, None],
        }
    )
    frame.to_parquet(tmp_path / "interactions.parquet", index=False)
    assert rejected(tmp_path) == [
        "interactions.parquet:3: sentiment: outside [-1, 1] (3.0)",
        "interactions.parquet:4: interaction_id: duplicate interaction_id, first on line 2 (a)",
    ]


def test_until_excludes_and_counts_later_events(tmp_path: Path) -> None:
    data = read_data(write_folder(tmp_path, GOOD_ROWS))
    cut = data.until(to_timestamp("2024-01-03T10:00:00Z"))
    assert cut.interactions["interaction_id"].tolist() == ["i1", "i2"]
    assert cut.excluded_after_as_of == 1
    assert cut.summary()["excluded_after_as_of"] == 1
    assert data.until(to_timestamp("2030-01-01")) is data


def test_from_frames_validates_like_files() -> None:
    frame = pd.DataFrame(
        {
            "interaction_id": ["a", "b"],
            "timestamp": ["2024-01-02", "nope"],
            "customer_id": ["c1", "c2"],
            "channel": ["email", "chat"],
        }
    )
    with pytest.raises(DataError, match=r"^interactions:3: timestamp: not an ISO-8601"):
        Dataset.from_frames(frame)


def test_to_timestamp() -> None:
    assert to_timestamp("2024-03-01T12:00+01:00") == pd.Timestamp("2024-03-01T11:00Z")
    with pytest.raises(UsageError, match=r"not an ISO-8601 date or datetime \(soon\)"):
        to_timestamp("soon")
