"""The engine's resources: memory limit and threads, from graphdyn.toml, flags and Python."""

from __future__ import annotations

import json
from pathlib import Path

import ibis
import pyarrow as pa
import pytest
from click.testing import CliRunner

from graphdyn import load_config
from graphdyn.cli import cli
from graphdyn.config import EngineSettings
from graphdyn.data.generate import generate
from graphdyn.engine.backend import connect
from graphdyn.errors import ConfigError, EngineMemoryError, GraphdynError


def test_the_engine_takes_its_memory_limit_and_threads() -> None:
    with connect(EngineSettings(memory_limit="512MiB", threads=1)) as backend:
        limit, threads = backend.raw_sql(
            "SELECT current_setting('memory_limit'), current_setting('threads')"
        ).fetchone()
    assert limit == "512.0 MiB" and threads == 1


def test_the_engine_spills_to_a_folder_of_its_own_removed_after() -> None:
    with connect() as backend:
        (spill,) = backend.raw_sql("SELECT current_setting('temp_directory')").fetchone()
        assert Path(spill).is_dir() and Path(spill).name.startswith("graphdyn-engine-")
    assert not Path(spill).exists()


def test_engine_table_of_graphdyn_toml(tmp_path: Path) -> None:
    path = tmp_path / "graphdyn.toml"
    path.write_text('half_life_days = 60\n[engine]\nmemory_limit = "2GB"\n', encoding="utf-8")
    config = load_config(path)
    assert config.engine == EngineSettings(memory_limit="2GB", threads=0)
    assert config.to_dict()["engine"] == {
        "memory_limit": "2GB",
        "threads": 0,
        "engine": "duckdb",
        "spark_master": "local[*]",
        "spark_conf": {},
    }


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[engine]\nmemory_limit = "lots"\n', "engine.memory_limit: must be an amount"),
        ("[engine]\nmemory_limit = 4\n", "engine.memory_limit: must be an amount"),
        ("[engine]\nthreads = -1\n", "engine.threads: must be a whole number >= 0"),
        ("[engine]\ncores = 2\n", "unknown setting 'engine.cores'; known engine settings"),
        ('engine = "big"\n', "engine must be a table"),
    ],
)
def test_a_bad_engine_setting_names_itself(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "graphdyn.toml"
    path.write_text(table, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_the_memory_limit_flag(tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "data"
    generate(data, customers=20, staff=4, products=5, interactions=400, seed=1)
    out = tmp_path / "audit"
    result = runner.invoke(cli, ["audit", str(data), "--out", str(out), "--memory-limit", "1GB"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["parameters"]["engine"]["memory_limit"] == "1GB"
    result = runner.invoke(cli, ["validate", str(data), "--memory-limit", "lots"])
    assert result.exit_code == 2
    assert "engine.memory_limit: must be an amount" in result.output


def test_running_out_of_engine_memory_says_what_to_change(tmp_path: Path) -> None:
    """A limit too small for the audit's queries: a clear error and exit 2, no folder written."""
    data, out = tmp_path / "data", tmp_path / "audit"
    generate(data, customers=300, staff=20, products=10, interactions=50_000, seed=1)
    result = CliRunner().invoke(
        cli, ["audit", str(data), "--out", str(out), "--memory-limit", "2MB"]
    )
    assert result.exit_code == 2, result.output
    assert "ran out of memory under its limit of 2MB" in result.output
    assert "--memory-limit" in result.output and "engine.threads" in result.output
    assert not out.exists()


def test_engine_memory_error_is_a_graphdyn_error() -> None:
    with pytest.raises(EngineMemoryError, match=r"limit of 20MB \(threads: 1\)") as caught:
        with connect(EngineSettings(memory_limit="20MB", threads=1)) as backend:
            keys = ibis.memtable(pa.table({"k": pa.array([str(k) for k in range(2_000_000)])}))
            backend.to_pyarrow(keys.group_by("k").aggregate(n=keys.count()).order_by("k"))
    assert isinstance(caught.value, GraphdynError)
