"""The parity tier: an audit on Spark (``local[2]``, Java 17) gives DuckDB's numbers, every table.

Generated data with every column kind (directions, durations, sentiment, values, products),
rows that are quarantined, an as-of date that cuts ties in two (their later events excluded),
and a DataFrame with an empty staff column; every audit table must agree to 1e-9 relative.

One Spark session serves the module (``spark``): :func:`graphdyn.engine.spark.session` uses the
session already running, so each audit here runs in it instead of starting its own.

Without pyspark or Java 17/21 these tests fail; ``GRAPHDYN_SKIP_SPARK=1`` skips them on a
developer's machine, with the reason shown, and is ignored when ``CI`` is set.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis.expr.datatypes as dt
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import graphdyn
from graphdyn import Audit, Config
from graphdyn.config import EngineSettings
from graphdyn.data.generate import generate
from graphdyn.engine.backend import connect
from graphdyn.engine.spark import read_files
from graphdyn.errors import DataError, GraphdynError
from graphdyn.java import find_java

#: Every table of an audit.
TABLES = (
    "ties",
    "customers",
    "channels",
    "staff",
    "tie_trajectories",
    "customer_trajectories",
    "products",
    "product_links",
)
RTOL = 1e-9

#: py4j, Spark's bridge to the JVM, drops sockets of its pool to the garbage collector.
pytestmark = pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
AS_OF = "2024-09-15"
SPARK = Config(
    engine=EngineSettings(
        engine="spark", spark_master="local[2]", spark_conf={"spark.ui.enabled": "false"}
    )
)
DUCKDB = Config()


def _skip_requested() -> bool:
    return os.environ.get("GRAPHDYN_SKIP_SPARK") == "1" and not os.environ.get("CI")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local[2] Spark session for the module, which every Spark audit here runs in."""
    if _skip_requested():
        pytest.skip("GRAPHDYN_SKIP_SPARK=1: tests needing Spark are skipped")
    from graphdyn.engine.spark import session

    hint = "" if os.environ.get("CI") else " (or set GRAPHDYN_SKIP_SPARK=1 to skip them locally)"
    try:
        with session(SPARK.engine) as running:
            yield running
    except GraphdynError as error:
        pytest.fail(f"the Spark tests need Spark: {error}{hint}", pytrace=False)
    finally:
        with warnings.catch_warnings():  # py4j's sockets, collected here, not in a later test
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated CSV folder, two bad interaction rows added (an unknown channel, a bad date)."""
    folder = tmp_path_factory.mktemp("parity") / "data"
    generate(
        folder, customers=60, staff=8, products=8, interactions=3000, seed=11,
        end="2024-12-31", years=2.0,
    )  # fmt: skip
    interactions = folder / "interactions.csv"
    with interactions.open("a", encoding="utf-8") as handle:
        handle.write("BAD1,2024-05-01T10:00:00Z,C000001,,carrier_pigeon,inbound,,,,\n")
        handle.write("BAD2,not a date,C000002,,email,outbound,,,,\n")
    return folder


def _assert_same(duckdb: Audit, spark: Audit) -> None:
    for name in TABLES:
        expected, got = getattr(duckdb, name), getattr(spark, name)
        assert len(expected) > 0 or name == "products", f"{name}: empty, nothing compared"
        try:
            pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=RTOL, atol=0)
        except AssertionError as error:
            raise AssertionError(f"{name}: Spark differs from DuckDB\n{error}") from None
    for key in ("data_quality", "strong_ties", "priority"):
        assert spark.summary[key] == duckdb.summary[key], key
    assert spark.summary["value_reference"] == pytest.approx(duckdb.summary["value_reference"])


def test_read_files_gives_each_row_its_file_and_place(spark: Any, tmp_path: Path) -> None:
    parts = tmp_path / "interactions"
    parts.mkdir()
    pq.write_table(pa.table({"customer_id": ["a", "b", "c"]}), parts / "part-0.parquet",
                   row_group_size=2)  # fmt: skip
    pq.write_table(pa.table({"customer_id": ["d", "e"]}), parts / "part-1.parquet")
    with connect(SPARK.engine) as backend:
        for location in (parts, f"{parts}/part-*.parquet"):
            table = read_files(backend, location)
            assert table.schema()["source_row"] == dt.int64
            rows = backend.to_pyarrow(table.order_by("customer_id")).to_pylist()
            assert rows == [
                {"customer_id": name, "source_file": str(parts / f"part-{part}.parquet"),
                 "source_row": row}
                for name, part, row in
                [("a", 0, 0), ("b", 0, 1), ("c", 0, 2), ("d", 1, 0), ("e", 1, 1)]
            ]  # fmt: skip
        with pytest.raises(DataError, match="missing"):
            read_files(backend, tmp_path / "missing")


def test_the_session_is_local_with_two_threads_in_utc(spark: Any) -> None:
    assert spark.sparkContext.master == "local[2]"
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "4"


def test_a_folder_audit_on_spark_equals_duckdb(spark: Any, data: Path) -> None:
    expected = graphdyn.audit(data, AS_OF, DUCKDB, on_error="quarantine")
    got = graphdyn.audit(data, AS_OF, SPARK, on_error="quarantine")
    assert len(expected.data.rejects) >= 2  # the bad rows were set aside, the same for both
    assert expected.summary["data_quality"]["excluded_after_as_of"] > 0  # ties cut by the as-of
    _assert_same(expected, got)
    assert got.data.rejects.equals(expected.data.rejects)
    staff_id = expected.staff.sort_values("staff_id")["staff_id"].iloc[0]
    pd.testing.assert_frame_equal(
        got.what_if(staff_id).customers,
        expected.what_if(staff_id).customers,
        check_exact=False,
        rtol=RTOL,
        atol=0,
    )


def test_a_dataframe_audit_on_spark_equals_duckdb(spark: Any, data: Path) -> None:
    frame = pd.read_csv(data / "interactions.csv", dtype=str, keep_default_na=False)
    frame = frame[~frame["interaction_id"].str.startswith("BAD")].replace("", None)
    expected = graphdyn.audit(frame, AS_OF, DUCKDB)
    _assert_same(expected, graphdyn.audit(frame, AS_OF, SPARK))


def test_an_empty_staff_column_on_spark_equals_duckdb(spark: Any, data: Path) -> None:
    frame = pd.read_csv(data / "interactions.csv", dtype=str, keep_default_na=False)
    frame = frame[~frame["interaction_id"].str.startswith("BAD")].replace("", None)
    frame["staff_id"] = None
    expected = graphdyn.audit(frame, AS_OF, DUCKDB)
    got = graphdyn.audit(frame, AS_OF, SPARK)
    assert expected.ties["staff_id"].isna().all()
    for name in ("ties", "customers", "channels", "customer_trajectories"):
        pd.testing.assert_frame_equal(
            getattr(got, name), getattr(expected, name), check_exact=False, rtol=RTOL, atol=0
        )
    assert np.isfinite(got.customers["strength"]).all()


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same kind of data as Parquet parts, and a bad row in the last part."""
    folder = tmp_path_factory.mktemp("parity-parts") / "data"
    generate(
        folder, customers=60, staff=8, products=8, interactions=3000, seed=12,
        end="2024-12-31", years=2.0, fmt="parquet", partitioned=True,
    )  # fmt: skip
    last = sorted((folder / "interactions").glob("*.parquet"))[-1]
    table = pq.read_table(last)
    bad = table.slice(0, 1).to_pylist()[0] | {"interaction_id": "BAD1", "channel": "fax"}
    pq.write_table(pa.concat_tables([table, pa.Table.from_pylist([bad], table.schema)]), last)
    return folder


def test_a_parquet_parts_audit_on_spark_equals_duckdb(spark: Any, parts: Path) -> None:
    expected = graphdyn.audit(parts, AS_OF, DUCKDB, on_error="quarantine")
    got = graphdyn.audit(parts, AS_OF, SPARK, on_error="quarantine")
    rejected = expected.data.rejects
    assert rejected[["column", "value"]].values.tolist() == [["channel", "fax"]]
    assert rejected["file"].iloc[0].startswith("interactions/")
    _assert_same(expected, got)
    assert got.data.rejects.equals(expected.data.rejects)


def test_a_bad_parquet_row_is_the_same_error_on_spark(spark: Any, parts: Path) -> None:
    messages = []
    for config in (DUCKDB, SPARK):
        with pytest.raises(DataError) as caught:
            graphdyn.audit(parts, AS_OF, config)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    last = sorted((parts / "interactions").glob("*.parquet"))[-1]
    rows = pq.read_metadata(last).num_rows  # the bad row is the last; the first is numbered 2
    assert messages[0].startswith(
        f"interactions/{last.name}:{rows + 1}: channel: unknown channel; allowed: "
    )
    assert messages[0].endswith("(fax)")


def test_spark_submit_runs_the_command_line_on_its_own_master(
    spark: Any, parts: Path, tmp_path: Path
) -> None:
    """docs/scale.md's job file, run by spark-submit: its master, graphdyn's commands."""
    job = tmp_path / "graphdyn_job.py"
    job.write_text("from graphdyn.cli import main\n\nmain()\n", encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYSPARK_PYTHON": sys.executable,
        "JAVA_HOME": str(find_java("Spark").resolve().parents[1]),
    }
    done = subprocess.run(  # noqa: S603 - the venv's spark-submit, no shell
        [str(bin_dir / "spark-submit"), "--master", "local[1]", str(job),
         "validate", str(parts), "--engine", "spark"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 2, output[-2000:]
    last = sorted((parts / "interactions").glob("*.parquet"))[-1]
    assert f"interactions/{last.name}:" in output, output[-2000:]
    assert "channel: unknown channel" in output
