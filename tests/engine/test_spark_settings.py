"""The Spark engine's settings: [engine] in graphdyn.toml, the flags, and what a session gets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphdyn import load_config
from graphdyn.cli import cli
from graphdyn.config import Config, EngineSettings
from graphdyn.data.generate import generate
from graphdyn.engine import spark
from graphdyn.errors import ConfigError
from graphdyn.java import find_java


def test_spark_settings_from_graphdyn_toml_with_dotted_names(tmp_path: Path) -> None:
    path = tmp_path / "graphdyn.toml"
    path.write_text(
        '[engine]\nengine = "spark"\nspark_master = "spark://head:7077"\n'
        '[engine.spark_conf]\nspark.executor.memory = "8g"\nspark.sql.shuffle.partitions = 64\n'
        '"spark.sql.adaptive.enabled" = true\n',
        encoding="utf-8",
    )
    engine = load_config(path).engine
    assert engine.engine == "spark" and engine.spark_master == "spark://head:7077"
    assert dict(engine.spark_conf) == {
        "spark.executor.memory": "8g",
        "spark.sql.shuffle.partitions": "64",
        "spark.sql.adaptive.enabled": "true",
    }
    config = Config(engine=engine)
    assert Config.from_dict(json.loads(json.dumps(config.to_dict()))) == config


@pytest.mark.parametrize(
    ("engine", "message"),
    [
        ({"engine": "polars"}, "engine.engine: must be one of duckdb, spark"),
        ({"spark_master": " "}, "engine.spark_master: must be a master URL"),
        ({"spark_conf": {"executor.memory": "8g"}}, "is not a Spark setting"),
        ({"spark_conf": {"spark.hadoop.fs.s3a.secret.key": "x"}}, "holds a credential"),
        ({"spark_conf": {"spark.hadoop.fs.s3a.access.key": "x"}}, "holds a credential"),
        ({"spark_conf": {"spark.ssl.keyPassword": "x"}}, "holds a credential"),
        ({"spark_conf": {"spark.executor.memory": ["8g"]}}, "must be text or a number"),
    ],
)
def test_a_bad_spark_setting_names_itself(engine: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        EngineSettings(**engine)  # type: ignore[arg-type]


def test_a_credentials_provider_is_no_credential() -> None:
    name = "spark.hadoop.fs.s3a.aws.credentials.provider"
    settings = EngineSettings(spark_conf={name: "EnvironmentVariableCredentialsProvider"})
    assert name in settings.spark_conf


def test_a_session_of_its_own_is_sized_for_local_mode() -> None:
    conf = spark.session_conf(
        EngineSettings(
            engine="spark",
            spark_master="local[3]",
            memory_limit="3GB",
            spark_conf={"spark.sql.shuffle.partitions": "16"},
        )
    )
    assert conf["spark.driver.memory"] == f"{3 * 10**9 // 2**20}m"
    assert conf["spark.sql.shuffle.partitions"] == "16"  # the configured one wins
    assert conf["spark.sql.session.timeZone"] == "UTC"
    log4j = conf["spark.driver.extraJavaOptions"].removeprefix("-Dlog4j2.configurationFile=")
    assert "rootLogger.level = error" in Path(log4j).read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="at least 512MiB"):
        spark.session_conf(EngineSettings(spark_master="local", memory_limit="100MB"))
    assert spark.local_threads("k8s://https://api:6443") is None


def test_no_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nothing"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="needs Java 17 or 21: java is not on PATH"):
        find_java("engine 'spark'")


def test_another_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text("#!/bin/sh\necho 'openjdk version \"1.8.0_402\"' >&2\n", encoding="utf-8")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(ConfigError, match=r"needs Java 17 or 21, and .* is Java 8"):
        find_java("engine 'spark'")


def test_no_pyspark_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with (
        pytest.raises(ConfigError, match=r"needs pyspark: pip install 'graphdyn\[spark\]'"),
        spark.session(EngineSettings(engine="spark")),
    ):
        pass


def test_the_engine_flags(tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "data"
    generate(data, customers=20, staff=4, products=5, interactions=400, seed=1)
    out = tmp_path / "audit"
    result = runner.invoke(
        cli, ["audit", str(data), "--out", str(out), "--engine", "duckdb", "--spark-master", "yarn"]
    )
    assert result.exit_code == 0, result.output
    engine = json.loads((out / "summary.json").read_text(encoding="utf-8"))["parameters"]["engine"]
    assert (engine["engine"], engine["spark_master"]) == ("duckdb", "yarn")
    result = runner.invoke(cli, ["validate", str(data), "--engine", "polars"])
    assert result.exit_code == 2 and "'polars' is not one of" in result.output


def test_under_spark_submit_its_master_and_memory_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = EngineSettings(
        engine="spark", spark_master="local[2]", spark_conf={"spark.sql.shuffle.partitions": "8"}
    )
    assert "spark.driver.memory" in spark.session_conf(settings)
    monkeypatch.setenv("PYSPARK_GATEWAY_PORT", "40000")
    assert spark.submitted()
    assert spark.session_conf(settings) == {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.shuffle.partitions": "8",
    }
