"""The synthetic data generator: contract format, determinism, realism and planted truth."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import graphdyn.data.generate as generate_module
from graphdyn.data.contract import TABLES
from graphdyn.data.generate import DEFAULT_END, GeneratedData, generate
from graphdyn.errors import UsageError
from graphdyn.ingest import read_data

SIZES = {"customers": 300, "staff": 20, "products": 20, "interactions": 20_000}
CHANNELS = {"meeting", "video", "phone", "chat", "email", "support_ticket", "feedback", "order"}
SELF_SERVICE_CHANNELS = {"order", "support_ticket", "feedback"}
TIMED_CHANNELS = {"meeting", "video", "phone"}
DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Folder:
    """A generated folder and its tables, read back as plain text-aware frames."""

    result: GeneratedData
    interactions: pd.DataFrame
    customers: pd.DataFrame
    staff: pd.DataFrame
    products: pd.DataFrame
    truth: dict[str, Any]


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")


def _load(result: GeneratedData) -> Folder:
    folder = result.path
    interactions = _read_csv(folder / "interactions.csv")
    interactions["t"] = pd.to_datetime(interactions["timestamp"], utc=True, format="ISO8601")
    for column in ("duration_minutes", "sentiment", "value"):
        interactions[column] = interactions[column].astype(float)
    staff = _read_csv(folder / "staff.csv")
    interactions["role"] = interactions["staff_id"].map(staff.set_index("staff_id")["role"])
    return Folder(
        result=result,
        interactions=interactions,
        customers=_read_csv(folder / "customers.csv"),
        staff=staff,
        products=_read_csv(folder / "products.csv"),
        truth=json.loads((folder / "truth.json").read_text(encoding="utf-8")),
    )


@pytest.fixture(scope="module")
def csv_folder(tmp_path_factory: pytest.TempPathFactory) -> Folder:
    return _load(generate(tmp_path_factory.mktemp("csv") / "data", **SIZES))


@pytest.fixture(scope="module")
def parquet_folder(tmp_path_factory: pytest.TempPathFactory) -> GeneratedData:
    return generate(tmp_path_factory.mktemp("parquet") / "data", fmt="parquet", **SIZES)


@pytest.fixture(scope="module", params=[None, 5_000], ids=["one block", "four blocks"])
def world(
    request: pytest.FixtureRequest, csv_folder: Folder, tmp_path_factory: pytest.TempPathFactory
) -> Folder:
    """The data the realism and truth tests look at: drawn in one block, and in four."""
    if request.param is None:
        return csv_folder
    folder = tmp_path_factory.mktemp("blocks") / "data"
    return _load(generate(folder, interactions_per_block=request.param, **SIZES))


# --- format ------------------------------------------------------------------------------------


def test_counts_and_files(csv_folder: Folder) -> None:
    folder = csv_folder.result.path
    assert sorted(p.name for p in folder.iterdir()) == [
        "customers.csv",
        "interactions.csv",
        "products.csv",
        "staff.csv",
        "truth.json",
    ]
    assert dict(csv_folder.result.counts) == SIZES
    assert csv_folder.result.blocks == 1
    assert csv_folder.truth["counts"] == SIZES
    assert len(csv_folder.interactions) == SIZES["interactions"]
    assert len(csv_folder.customers) == SIZES["customers"]
    assert len(csv_folder.staff) == SIZES["staff"]
    assert len(csv_folder.products) == SIZES["products"]


def test_columns_are_the_contract_in_order(csv_folder: Folder) -> None:
    assert list(csv_folder.interactions.columns[:10]) == [
        "interaction_id",
        "timestamp",
        "customer_id",
        "staff_id",
        "channel",
        "direction",
        "duration_minutes",
        "sentiment",
        "value",
        "product_id",
    ]
    for name in ("customers", "staff", "products"):
        text = (csv_folder.result.path / f"{name}.csv").read_text(encoding="utf-8")
        header = next(csv.reader(text.splitlines()))
        assert tuple(header) == TABLES[name].column_names
    assert list(csv_folder.customers.columns) == [
        "customer_id",
        "name",
        "segment",
        "region",
        "account_created",
    ]
    assert list(csv_folder.staff.columns) == ["staff_id", "name", "role", "team", "left_at"]
    assert list(csv_folder.products.columns) == ["product_id", "name", "category", "price"]


def test_ids_are_numbered_unique_and_time_sorted(csv_folder: Folder) -> None:
    events = csv_folder.interactions
    expected = [f"I{i:08d}" for i in range(1, SIZES["interactions"] + 1)]
    assert events["interaction_id"].tolist() == expected
    assert events["t"].is_monotonic_increasing
    assert csv_folder.customers["customer_id"].tolist() == [f"C{i:06d}" for i in range(1, 301)]
    assert csv_folder.staff["staff_id"].tolist() == [f"S{i:04d}" for i in range(1, 21)]
    assert csv_folder.products["product_id"].tolist() == [f"P{i:04d}" for i in range(1, 21)]


def test_timestamps_are_iso_utc_inside_the_window(csv_folder: Folder) -> None:
    events = csv_folder.interactions
    assert events["timestamp"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()
    assert csv_folder.truth["start"] == "2023-06-30T00:00:00Z"
    assert csv_folder.truth["end"] == "2026-06-30T00:00:00Z"
    assert csv_folder.result.start == datetime(2023, 6, 30, tzinfo=UTC)
    assert csv_folder.result.end == DEFAULT_END
    assert events["t"].min() >= pd.Timestamp("2023-06-30", tz="UTC")
    assert events["t"].max() < pd.Timestamp("2026-06-30", tz="UTC")
    # Spread over the whole window, not bunched at one end.
    per_year = events["t"].dt.year.value_counts()
    assert set(per_year.index) == {2023, 2024, 2025, 2026}


def test_every_id_in_interactions_exists_in_its_table(csv_folder: Folder) -> None:
    events = csv_folder.interactions
    assert set(events["customer_id"]) <= set(csv_folder.customers["customer_id"])
    assert set(events["staff_id"].dropna()) <= set(csv_folder.staff["staff_id"])
    assert set(events["product_id"].dropna()) <= set(csv_folder.products["product_id"])
    # Every customer has at least one interaction.
    assert events["customer_id"].nunique() == SIZES["customers"]


def test_channels_and_directions(csv_folder: Folder) -> None:
    events = csv_folder.interactions
    assert set(events["channel"]) == CHANNELS
    assert set(events["direction"]) == {"inbound", "outbound"}
    outbound = (events["direction"] == "outbound").groupby(events["channel"]).mean()
    assert outbound["support_ticket"] < 0.1
    assert outbound["chat"] < 0.2
    assert outbound["meeting"] > 0.7
    assert outbound["video"] > 0.6
    assert outbound["feedback"] == 0.0


def test_optional_fields_only_where_they_apply(csv_folder: Folder) -> None:
    events = csv_folder.interactions
    timed = events["channel"].isin(TIMED_CHANNELS)
    assert events.loc[timed, "duration_minutes"].notna().all()
    assert events.loc[~timed, "duration_minutes"].isna().all()
    assert (events["duration_minutes"].dropna() >= 1).all()
    median = events.groupby("channel")["duration_minutes"].median()
    assert median["phone"] < median["video"] < median["meeting"]

    sentiment = events["sentiment"]
    assert sentiment.dropna().between(-1, 1).all()
    scored = sentiment.notna().groupby(events["channel"]).mean()
    assert scored["feedback"] == 1.0
    assert 0.6 < scored["support_ticket"] < 0.8
    assert 0.1 < scored["phone"] < 0.4
    assert scored[["meeting", "email", "order"]].eq(0).all()

    orders = events["channel"] == "order"
    assert events.loc[orders, ["value", "product_id"]].notna().all().all()
    assert (events.loc[orders, "value"] >= 0).all()
    assert events.loc[~orders, "value"].isna().all()
    with_product = events["product_id"].notna().groupby(events["channel"]).mean()
    assert 0.5 < with_product["support_ticket"] < 0.7
    assert 0.4 < with_product["feedback"] < 0.6
    assert with_product[["meeting", "video", "phone", "chat", "email"]].eq(0).all()


def test_order_value_follows_price_times_quantity(csv_folder: Folder) -> None:
    events = csv_folder.interactions
    orders = events[events["channel"] == "order"]
    price = orders["product_id"].map(csv_folder.products.set_index("product_id")["price"])
    units = orders["value"] / price.astype(float)
    # Quantity >= 1 at a discount of at most 15%, rounded to cents.
    assert (orders["value"] >= 0.85 * price.astype(float) - 0.005).all()
    segment = orders["customer_id"].map(csv_folder.customers.set_index("customer_id")["segment"])
    mean_units = units.groupby(segment).mean()
    assert mean_units["enterprise"] > mean_units["mid_market"] > mean_units["smb"]


def test_self_service_events_have_no_staff(csv_folder: Folder) -> None:
    events = csv_folder.interactions
    self_service = events[events["staff_id"].isna()]
    assert 0.15 < len(self_service) / len(events) < 0.4
    assert set(self_service["channel"]) == SELF_SERVICE_CHANNELS
    assert (self_service["direction"] == "inbound").all()


def test_staff_roles_and_their_channels(csv_folder: Folder) -> None:
    roles = csv_folder.staff["role"].value_counts()
    assert roles.to_dict() == {
        "account_manager": 6,
        "support": 6,
        "sales": 5,
        "solutions_engineer": 2,
        "customer_success": 1,
    }
    events = csv_folder.interactions
    by_role = events.groupby("role")["channel"].agg(set)
    assert by_role["support"] == {"support_ticket", "chat", "phone", "email"}
    assert "meeting" in by_role["account_manager"]
    assert not by_role["account_manager"] & {"support_ticket", "chat", "feedback"}
    share = events["role"].value_counts(normalize=True)
    assert share.idxmax() == "account_manager"


def test_names_exercise_csv_quoting(csv_folder: Folder, parquet_folder: GeneratedData) -> None:
    names = csv_folder.customers["name"]
    assert names.is_unique
    assert names.str.contains(",").any()
    assert names.str.contains("'").any()
    assert names.map(lambda s: not s.isascii()).any()
    assert csv_folder.staff["name"].map(lambda s: not s.isascii()).any()
    # What the CSV quoting carried is exactly what Parquet stored.
    stored = pq.read_table(parquet_folder.path / "customers.parquet").column("name").to_pylist()
    assert names.tolist() == stored


def test_attribute_values(csv_folder: Folder) -> None:
    customers = csv_folder.customers
    assert set(customers["segment"]) == {"enterprise", "mid_market", "smb"}
    assert set(customers["region"]) == {"North America", "EMEA", "APAC", "LATAM"}
    products = csv_folder.products
    assert (products["price"].astype(float) > 0).all()
    assert products["name"].is_unique
    assert products["category"].nunique() >= 4
    price = products["price"].astype(float).groupby(products["category"]).median()
    assert price.max() > 3 * price.min()  # prices depend on the category


def test_account_created_before_first_interaction(csv_folder: Folder) -> None:
    first = csv_folder.interactions.groupby("customer_id")["t"].min()
    created = pd.to_datetime(csv_folder.customers.set_index("customer_id")["account_created"])
    created = created.dt.tz_localize("UTC")
    assert (created[first.index] < first).all()
    # Many relationships predate the window.
    assert (created < pd.Timestamp(csv_folder.truth["start"])).mean() > 0.3


# --- formats and determinism -------------------------------------------------------------------


def test_parquet_types(parquet_folder: GeneratedData) -> None:
    events = pq.read_schema(parquet_folder.path / "interactions.parquet")
    assert events.names == list(TABLES["interactions"].column_names)
    assert events.field("timestamp").type == pa.timestamp("ms", tz="UTC")
    assert events.field("duration_minutes").type == pa.int32()
    staff = pq.read_schema(parquet_folder.path / "staff.parquet")
    assert staff.field("left_at").type == pa.date32()


def test_csv_and_parquet_hold_the_same_data(
    csv_folder: Folder, parquet_folder: GeneratedData
) -> None:
    from_csv = read_data(csv_folder.result.path)
    from_parquet = read_data(parquet_folder.path)
    for name in ("interactions", "customers", "staff", "products"):
        pd.testing.assert_frame_equal(getattr(from_csv, name), getattr(from_parquet, name))
    assert json.loads((parquet_folder.path / "truth.json").read_text()) == csv_folder.truth


def test_the_reader_accepts_the_folder(csv_folder: Folder) -> None:
    data = read_data(csv_folder.result.path)
    assert len(data.interactions) == SIZES["interactions"]
    assert len(data.rejects) == 0


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_same_bytes(tmp_path: Path, fmt: str) -> None:
    small = {"customers": 60, "staff": 8, "products": 9, "interactions": 3_000}
    first = generate(tmp_path / "a", fmt=fmt, seed=7, **small).path
    second = generate(tmp_path / "b", fmt=fmt, seed=7, **small).path
    other = generate(tmp_path / "c", fmt=fmt, seed=8, **small).path
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in second.iterdir())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / f"interactions.{fmt}").read_bytes() != (
        other / f"interactions.{fmt}"
    ).read_bytes()


def test_end_accepts_dates_text_and_naive_datetimes(tmp_path: Path) -> None:
    small = {"customers": 5, "staff": 3, "products": 2, "interactions": 50}
    ends = [date(2025, 1, 1), "2025-01-01", "2025-01-01T00:00:00Z", datetime(2025, 1, 1)]
    truths = [generate(tmp_path / str(i), end=e, **small).truth for i, e in enumerate(ends)]
    assert {t["end"] for t in truths} == {"2025-01-01T00:00:00Z"}
    assert {t["start"] for t in truths} == {"2022-01-01T00:00:00Z"}
    assert truths[0] == truths[1] == truths[2] == truths[3]
    half = generate(tmp_path / "half", end="2025-01-01", years=0.5, **small)
    assert half.truth["start"] == "2024-07-02T00:00:00Z"  # 183 days before


def test_smallest_possible_world(tmp_path: Path) -> None:
    result = generate(
        tmp_path / "tiny", customers=1, staff=3, products=1, interactions=1, years=0.01
    )
    events = _read_csv(result.path / "interactions.csv")
    assert len(events) == 1
    assert result.truth["key_persons"] == []
    assert result.truth["departed_staff"] == []
    assert result.truth["decaying_customers"] == []


def test_progress_is_reported_in_order(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    generate(tmp_path / "p", customers=10, staff=3, products=2, interactions=200,
             on_progress=lambda stage, done, total: seen.append((stage, done, total)))  # fmt: skip
    done = [d for _, d, _ in seen]
    assert done == sorted(done)
    assert {total for _, _, total in seen} == {100}
    assert seen[0][1] == 0
    assert seen[-1] == ("done", 100, 100)


# --- one block, unchanged -----------------------------------------------------------------------

# What the generator wrote before it drew large data in blocks, for data that fits one block:
# it must not change (tests and the model's validation on generated data rest on it). CSV and
# truth.json by their bytes; Parquet by its schema and values (its bytes also carry the version
# of the pyarrow that wrote them).
PINNED = [
    (
        {"customers": 50, "staff": 10, "products": 8, "interactions": 2_000, "seed": 0},
        {
            "customers.csv": "3a489d6cdcb46033b5c6c0e35615bbdd0d13027b782d72027a09d881ae4867d5",
            "interactions.csv": "7dfe456797457dbcf41e0a632f642c7a4b3289be46fa6973eb322ae66faa86ea",
            "products.csv": "6f8d952c0cb8cec85b0a04ca788725f694e463cc66b10bc6d7de95f20492b47a",
            "staff.csv": "52fcd99c9c5a6078653ef5143ca3315a157f4715439c2d6dd370b485772c10c1",
            "truth.json": "0ec9f647f0ded06fe19625facceb5afaf4ac88676e90fb41d9b99101ed7f6aa7",
        },
    ),
    (
        {"customers": 300, "staff": 25, "products": 30, "interactions": 30_000, "seed": 3,
         "fmt": "parquet"},
        {
            "customers.parquet": "bd5dd13421896a9370d1eb693b0199cb57f5343afde0a9a955459409d58417ac",
            "interactions.parquet":
                "48e4c3e61bb77392675553a9ed6af673082bb91f565ebd9957e3187111790c5d",
            "products.parquet": "60b78a21a06fd71d231c42051223789cf7c3d5daef04dc4026dfa7f040783343",
            "staff.parquet": "abdc44108af184400c60f103f55bcde81934939ac1240a42916b6e0ca67cf12e",
            "truth.json": "1561ebe42c3fcb98a7fef68a00ba9b23e171438823ec3647e9190bd45face1b1",
        },
    ),
    (
        {"customers": 120, "staff": 12, "products": 10, "interactions": 8_000, "seed": 11,
         "years": 1.5, "end": "2025-03-01"},
        {
            "customers.csv": "3464277c407c8d65c7bae4abdb46e0a7a60c677673ac5153e40a1398dad02d30",
            "interactions.csv": "60be4c140fd8ad54e8b888a4e5320d4b3064ee9d076b47e5e511f82ea3e82289",
            "products.csv": "5c47678eb8f1b123e237d24acf9d45e04eaeb93fd5262c873b22d2f839891187",
            "staff.csv": "4e670a58d31b66c9071c1fdc1fa84bf4c0544a67e131bbac3d3fdb2e3c8387b4",
            "truth.json": "f56b2b6f3bd41229db98115d366a68e2f7cde53fb9718c7822b9e0e9c6bd715c",
        },
    ),
]  # fmt: skip


def _digest(path: Path) -> str:
    if path.suffix != ".parquet":
        return hashlib.sha256(path.read_bytes()).hexdigest()
    table = pq.read_table(path)
    values = [(f.name, str(f.type), table.column(f.name).to_pylist()) for f in table.schema]
    return hashlib.sha256(repr(values).encode()).hexdigest()


@pytest.mark.parametrize(("arguments", "digests"), PINNED, ids=["csv", "parquet", "window"])
def test_data_that_fits_one_block_is_unchanged(
    tmp_path: Path, arguments: dict[str, Any], digests: dict[str, str]
) -> None:
    folder = generate(tmp_path / "data", **arguments).path
    assert {p.name: _digest(p) for p in sorted(folder.iterdir())} == digests
    # Exactly one block's worth is still one block.
    exact = generate(
        tmp_path / "exact", interactions_per_block=arguments["interactions"], **arguments
    )
    assert {p.name: _digest(p) for p in sorted(exact.path.iterdir())} == digests


# --- blocks and parts ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parts_folder(tmp_path_factory: pytest.TempPathFactory) -> GeneratedData:
    folder = tmp_path_factory.mktemp("parts") / "data"
    return generate(folder, fmt="parquet", interactions_per_block=5_000, **SIZES)


def _parts(folder: Path) -> list[pa.Table]:
    return [pq.read_table(p) for p in sorted((folder / "interactions").iterdir())]


def test_blocks_are_parts_of_consecutive_customers(parts_folder: GeneratedData) -> None:
    folder = parts_folder.path
    assert sorted(p.name for p in folder.iterdir()) == [
        "customers.parquet",
        "interactions",
        "products.parquet",
        "staff.parquet",
        "truth.json",
    ]
    names = sorted(p.name for p in (folder / "interactions").iterdir())
    assert names == [f"part-0000{i}.parquet" for i in range(4)]
    assert parts_folder.blocks == 4
    parts = _parts(folder)
    assert all(part.schema == parts[0].schema for part in parts)
    assert pq.read_schema(folder / "interactions" / names[0]) == pq.read_schema(
        folder / "interactions" / names[-1]
    )
    sizes = [part.num_rows for part in parts]
    assert sum(sizes) == SIZES["interactions"] == parts_folder.counts["interactions"]
    assert all(3_500 <= size <= 6_500 for size in sizes)  # about a quarter each
    ids = [i for part in parts for i in part.column("interaction_id").to_pylist()]
    assert ids == [f"I{i:08d}" for i in range(1, SIZES["interactions"] + 1)]
    customers = []
    for part in parts:
        stamps = part.column("timestamp").to_numpy()
        assert (np.diff(stamps) >= np.timedelta64(0)).all()  # time order within a part
        customers.append(sorted(set(part.column("customer_id").to_pylist())))
    # Each block is a run of consecutive customers, and every customer is in one.
    assert all(a[-1] < b[0] for a, b in zip(customers, customers[1:], strict=False))
    assert [c for run in customers for c in run] == [f"C{i:06d}" for i in range(1, 301)]


def test_blocks_in_csv_are_one_file(parts_folder: GeneratedData, tmp_path: Path) -> None:
    result = generate(tmp_path / "csv", interactions_per_block=5_000, **SIZES)
    assert not (result.path / "interactions").exists()
    from_csv = _read_csv(result.path / "interactions.csv")
    assert from_csv["interaction_id"].tolist() == [f"I{i:08d}" for i in range(1, 20_001)]
    # The same data as the parts, read back by the reader (a folder of parts is a table).
    from_csv_folder, from_parts = read_data(result.path), read_data(parts_folder.path)
    for name in ("interactions", "customers", "staff", "products"):
        pd.testing.assert_frame_equal(getattr(from_csv_folder, name), getattr(from_parts, name))
    assert len(from_parts.rejects) == 0
    assert result.truth == parts_folder.truth


def test_blocks_same_seed_same_bytes(tmp_path: Path) -> None:
    small = {"customers": 60, "staff": 8, "products": 9, "interactions": 3_000}
    runs = [
        generate(tmp_path / name, fmt="parquet", seed=seed, interactions_per_block=1_000, **small)
        for name, seed in (("a", 7), ("b", 7), ("c", 8))
    ]
    first, second, other = (
        {p.relative_to(run.path): p.read_bytes() for p in sorted(run.path.rglob("*.*"))}
        for run in runs
    )
    assert sorted(map(str, first)) == [
        "customers.parquet",
        "interactions/part-00000.parquet",
        "interactions/part-00001.parquet",
        "interactions/part-00002.parquet",
        "products.parquet",
        "staff.parquet",
        "truth.json",
    ]
    assert first == second
    assert (
        first[Path("interactions/part-00000.parquet")]
        != other[Path("interactions/part-00000.parquet")]
    )


def test_blocks_draw_apart_from_the_one_block_draw(tmp_path: Path) -> None:
    small = {"customers": 60, "staff": 8, "products": 9, "interactions": 3_000, "fmt": "parquet"}
    whole = generate(tmp_path / "whole", **small)
    split = generate(tmp_path / "split", interactions_per_block=1_000, **small)
    # The population is the same (drawn once, before the blocks); the interactions are not.
    for name in ("customers.parquet", "staff.parquet", "products.parquet"):
        assert (whole.path / name).read_bytes() == (split.path / name).read_bytes()
    for key in ("single_threaded_customers", "key_persons", "departed_staff"):
        assert whole.truth[key] == split.truth[key]
    starts = [(r["customer_id"], r["decay_start"]) for r in whole.truth["decaying_customers"]]
    assert starts == [
        (r["customer_id"], r["decay_start"]) for r in split.truth["decaying_customers"]
    ]
    one = pq.read_table(whole.path / "interactions.parquet")
    assert one.column("timestamp") != pa.concat_tables(_parts(split.path)).column("timestamp")


def test_partitioned_one_block_is_the_same_data_as_one_file(tmp_path: Path) -> None:
    small = {"customers": 40, "staff": 6, "products": 5, "interactions": 1_500, "fmt": "parquet"}
    single = generate(tmp_path / "single", **small)
    parted = generate(tmp_path / "parted", partitioned=True, **small)
    assert [p.name for p in (parted.path / "interactions").iterdir()] == ["part-00000.parquet"]
    assert pq.read_table(parted.path / "interactions" / "part-00000.parquet").equals(
        pq.read_table(single.path / "interactions.parquet")
    )
    assert parted.truth == single.truth


def test_one_block_per_customer_at_most(tmp_path: Path) -> None:
    result = generate(
        tmp_path / "few", customers=5, staff=3, products=2, interactions=60, fmt="parquet",
        interactions_per_block=1,
    )  # fmt: skip
    parts = _parts(result.path)
    assert len(parts) == 5
    assert [set(p.column("customer_id").to_pylist()) for p in parts] == [
        {f"C00000{i}"} for i in range(1, 6)
    ]
    assert sum(p.num_rows for p in parts) == 60


def test_progress_counts_the_blocks(tmp_path: Path) -> None:
    seen: list[str] = []
    generate(tmp_path / "p", customers=10, staff=3, products=2, interactions=200,
             interactions_per_block=100, fmt="parquet",
             on_progress=lambda stage, done, total: seen.append(stage))  # fmt: skip
    assert [stage for stage in seen if stage.startswith("interactions")] == [
        "interactions 1/2",
        "interactions 2/2",
    ]


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"customers": 10, "interactions": 9}, "interactions must be at least 10"),
        ({"staff": 2}, "staff must be at least 3"),
        ({"customers": 0}, "customers must be at least 1"),
        ({"products": 0}, "products must be at least 1"),
        ({"seed": -1}, "seed must be >= 0"),
        ({"years": 0}, "years must be between"),
        ({"years": float("nan")}, "years must be between"),
        ({"fmt": "xlsx"}, "fmt must be 'csv' or 'parquet'"),
        ({"end": "last tuesday"}, "end is not an ISO-8601 date"),
        ({"customers": 2.5}, "customers must be an integer"),
        ({"staff": True}, "staff must be an integer"),
        ({"partitioned": True}, "partitioned interactions are Parquet parts"),
        ({"partitioned": "yes", "fmt": "parquet"}, "partitioned must be True or False"),
        ({"interactions_per_block": 0}, "interactions_per_block must be at least 1"),
        ({"interactions_per_block": 1e6}, "interactions_per_block must be an integer"),
    ],
)
def test_impossible_arguments(tmp_path: Path, arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        generate(tmp_path / "out", **arguments)
    assert list(tmp_path.iterdir()) == []


def test_out_must_not_hold_anything(tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="already exists and is not an empty folder"):
        generate(busy, customers=5, staff=3, interactions=50)
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(UsageError, match="already exists"):
        generate(a_file, customers=5, staff=3, interactions=50)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert generate(empty, customers=5, staff=3, interactions=50).path == empty
    assert (empty / "truth.json").is_file()


def test_a_failed_run_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = generate_module.write_table

    def write_then_fail(table: pa.Table, folder: Path, stem: str, fmt: str, **kw: Any) -> None:
        if stem == "staff":
            raise OSError("disk full")
        real_write(table, folder, stem, fmt, **kw)

    monkeypatch.setattr(generate_module, "write_table", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        generate(tmp_path / "out", customers=5, staff=3, interactions=50)
    assert list(tmp_path.iterdir()) == []


# --- realism -----------------------------------------------------------------------------------


def test_activity_is_heavy_tailed_and_follows_segment(world: Folder) -> None:
    per_customer = world.interactions["customer_id"].value_counts()
    top = per_customer.iloc[: len(per_customer) // 10].sum()
    assert top / per_customer.sum() > 0.4
    assert per_customer.max() > 10 * per_customer.median()
    segment = world.customers.set_index("customer_id")["segment"]
    median = per_customer.groupby(segment).median()
    assert median["enterprise"] > 2 * median["mid_market"] > 2 * median["smb"]


def test_ties_keep_a_rhythm(world: Folder) -> None:
    events = world.interactions
    staffed = events[events["role"].isin(["account_manager", "customer_success"])]
    days = staffed["t"].astype("int64") / 86_400e6
    gaps = days.groupby([staffed["customer_id"], staffed["staff_id"]]).diff().dropna()
    pair = [staffed.loc[gaps.index, "customer_id"], staffed.loc[gaps.index, "staff_id"]]
    stats = gaps.groupby(pair).agg(["mean", "std", "size"])
    regular = stats[stats["size"] >= 10]
    assert len(regular) > 50
    # Coefficient of variation of the gaps: 1 for Poisson (random) timing, 0.5 for the rhythm
    # alone; busy and quiet spells spread it, but a tie still keeps a rhythm.
    assert 0.6 < (regular["std"] / regular["mean"]).median() < 1.0


def test_healthy_customers_have_busy_and_quiet_spells(world: Folder) -> None:
    events = world.interactions
    decaying = {row["customer_id"] for row in world.truth["decaying_customers"]}
    steady = events[~events["customer_id"].isin(decaying)]
    start = pd.Timestamp(world.truth["start"])
    month = ((steady["t"] - start) / (30.4375 * DAY)).astype(int)
    counts = pd.crosstab(steady["customer_id"], month)
    first = steady.groupby("customer_id")["t"].min().reindex(counts.index)
    busy = counts[(first < start + 31 * DAY).to_numpy() & (counts.sum(axis=1) >= 72).to_numpy()]
    assert len(busy) > 20
    # Monthly counts spread more than Poisson counts would (variance / mean = 1; a steady
    # rhythm alone gives ~0.6), and a busy month tends to follow a busy month.
    assert (busy.var(axis=1) / busy.mean(axis=1)).median() > 1.5
    x = np.array(busy, dtype=float)
    x -= x.mean(axis=1, keepdims=True)
    lag_one = (x[:, 1:] * x[:, :-1]).sum(axis=1) / (x**2).sum(axis=1)
    assert np.median(lag_one) > 0.15


def test_staff_work_on_weekdays(world: Folder) -> None:
    staffed = world.interactions.dropna(subset=["staff_id"])
    weekend = staffed["t"].dt.day_of_week >= 5
    assert weekend.mean() < 0.01


def test_customers_who_do_not_decay_stay_active(world: Folder) -> None:
    events = world.interactions
    decaying = {row["customer_id"] for row in world.truth["decaying_customers"]}
    steady = events[~events["customer_id"].isin(decaying)]
    per_customer = steady.groupby("customer_id")["t"].agg(["min", "max", "size"])
    per_customer = per_customer[per_customer["size"] >= 5]
    mean_gap = (per_customer["max"] - per_customer["min"]) / (per_customer["size"] - 1)
    since_last = pd.Timestamp(world.truth["end"]) - per_customer["max"]
    # Still in contact at their own rhythm at the end of the window (a few in a quiet spell).
    assert (since_last < 3 * mean_gap).mean() > 0.8
    assert (since_last[per_customer["size"] >= 20] < 90 * DAY).mean() > 0.9


# --- planted truth -----------------------------------------------------------------------------


def test_truth_has_exactly_the_documented_keys(world: Folder) -> None:
    truth = world.truth
    assert list(truth) == [
        "seed",
        "generator_version",
        "start",
        "end",
        "counts",
        "decaying_customers",
        "single_threaded_customers",
        "key_persons",
        "departed_staff",
    ]
    assert truth["seed"] == 0
    assert truth["generator_version"] == 3
    assert truth == world.result.truth
    assert set(truth["decaying_customers"][0]) == {"customer_id", "decay_start", "last_contact"}
    assert set(truth["single_threaded_customers"][0]) == {"customer_id", "staff_id"}
    assert set(truth["key_persons"][0]) == {"staff_id", "customers"}
    assert set(truth["departed_staff"][0]) == {"staff_id", "left_at"}


def test_single_threaded_customers_see_one_staff_member(world: Folder) -> None:
    rows = world.truth["single_threaded_customers"]
    assert len(rows) == round(0.08 * SIZES["customers"])
    events = world.interactions.dropna(subset=["staff_id"])
    staff_of = events.groupby("customer_id")["staff_id"].agg(set)
    roles = world.staff.set_index("staff_id")["role"]
    for row in rows:
        assert staff_of[row["customer_id"]] == {row["staff_id"]}
        assert roles[row["staff_id"]] == "account_manager"
    # Most customers are not single-threaded: they meet several people.
    assert (staff_of.map(len) >= 2).mean() > 0.8


def _segment(
    events: pd.DataFrame, customer: str, start: pd.Timestamp
) -> tuple[pd.Series, pd.Series]:
    mine = events[events["customer_id"] == customer]
    return mine[mine["t"] < start], mine[mine["t"] >= start]


def test_decaying_customers_thin_out(world: Folder) -> None:
    rows = world.truth["decaying_customers"]
    assert len(rows) == round(0.10 * SIZES["customers"])
    events = world.interactions
    end = pd.Timestamp(world.truth["end"])
    starts = pd.to_datetime([row["decay_start"] for row in rows], utc=True)
    # Spread over the last ~18 months: an audit a year ago sees some begun, some not yet.
    assert starts.min() >= end - 550 * DAY
    assert starts.max() <= end - 40 * DAY
    assert (starts < end - 365 * DAY).any() and (starts > end - 180 * DAY).any()

    totals = {"before": 0.0, "after": 0.0}
    outbound: dict[str, list[bool]] = {"before": [], "after": []}
    mood = {"before": [], "after": []}
    ratios = []
    for row, start in zip(rows, starts, strict=True):
        before, after = _segment(events, row["customer_id"], start)
        assert len(before) >= 8  # a meaningful history
        days_before = (start - before["t"].min()) / DAY
        days_after = (end - start) / DAY
        if days_after >= 120:  # long enough for the decay (tau 60-100 days) to show
            ratios.append((len(after) / days_after) / (len(before) / days_before))
        totals["before"] += len(before) / days_before
        totals["after"] += len(after) / days_after
        outbound["before"].extend(before["direction"] == "outbound")
        outbound["after"].extend(after["direction"] == "outbound")
        mood["before"].extend(before["sentiment"].dropna())
        mood["after"].extend(after["sentiment"].dropna())
        if row["last_contact"] is not None:
            last = max(before["t"].max(), after["t"].max() if len(after) else before["t"].max())
            assert last.date().isoformat() == row["last_contact"]
    assert len(ratios) > len(rows) / 2
    assert np.median(ratios) < 0.25
    assert np.mean(np.array(ratios) < 0.5) > 0.85
    assert totals["after"] / totals["before"] < 0.4
    # Staff-initiated contact drops first: what is left is mostly the customer's doing.
    assert np.mean(outbound["after"]) < 0.6 * np.mean(outbound["before"])
    assert np.mean(mood["after"]) < np.mean(mood["before"]) - 0.2
    quiet = [row for row in rows if row["last_contact"] is not None]
    assert len(quiet) > 0.6 * len(rows)


def test_departed_staff_hand_over_and_stop(world: Folder) -> None:
    rows = world.truth["departed_staff"]
    assert len(rows) == 2
    events = world.interactions
    roles = world.staff.set_index("staff_id")["role"]
    left_at = world.staff.set_index("staff_id")["left_at"]
    assert set(left_at.dropna().index) == {row["staff_id"] for row in rows}
    key_persons = {row["staff_id"] for row in world.truth["key_persons"]}
    handed_over = 0
    for row in rows:
        assert left_at[row["staff_id"]] == row["left_at"]
        assert row["staff_id"] not in key_persons
        leaves = pd.Timestamp(row["left_at"], tz="UTC")
        theirs = events[events["staff_id"] == row["staff_id"]]
        assert len(theirs) > 0
        assert theirs["t"].max() < leaves
        # Their customers go on with a colleague of the same role.
        role = roles[row["staff_id"]]
        later = events[
            events["customer_id"].isin(theirs["customer_id"])
            & (events["t"] >= leaves)
            & (events["role"] == role)
        ]
        handed_over += later["customer_id"].nunique()
        assert row["staff_id"] not in set(later["staff_id"])
    assert handed_over > 0


def test_key_persons_hold_many_accounts(world: Folder) -> None:
    rows = world.truth["key_persons"]
    assert len(rows) == 2
    events = world.interactions
    managers = events[events["role"] == "account_manager"]
    portfolio = managers.groupby("staff_id")["customer_id"].nunique()
    single = {row["customer_id"] for row in world.truth["single_threaded_customers"]}
    on_key = 0
    for row in rows:
        held = row["customers"]
        assert len(held) >= 0.05 * SIZES["customers"]
        assert len(held) > 2 * portfolio.drop([r["staff_id"] for r in rows]).median()
        mine = events[events["customer_id"].isin(held) & events["staff_id"].notna()]
        contacts = mine.groupby("customer_id")["staff_id"].agg(set)
        assert len(contacts) == len(held)
        assert all(row["staff_id"] in people for people in contacts)
        top_contact = mine.groupby("customer_id")["staff_id"].agg(
            lambda s: s.value_counts().index[0]
        )
        assert (top_contact == row["staff_id"]).mean() > 0.75
        assert (mine["staff_id"] == row["staff_id"]).mean() > 0.5
        on_key += len(single & set(held))
    # Most single-threaded accounts hang on a key person.
    assert on_key >= 0.7 * len(single)


def test_planted_truth_covers_about_the_documented_shares(tmp_path: Path) -> None:
    result = generate(
        tmp_path / "mid", customers=2_000, staff=100, products=30, interactions=60_000
    )
    truth: dict[str, Any] = result.truth
    assert len(truth["decaying_customers"]) == 200
    assert len(truth["single_threaded_customers"]) == 160
    assert len(truth["departed_staff"]) == 10
    assert len(truth["key_persons"]) == 3
    for row in truth["key_persons"]:
        assert 0.05 * 2_000 <= len(row["customers"]) <= 0.10 * 2_000
