"""Model parameters with their documented defaults, read from ``graphdyn.toml`` and CLI flags.

Every number the model uses lives here, so an audit's ``summary.json`` can echo exactly the
parameters it ran with (see ``docs/model.md`` for where each default comes from).
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from graphdyn.components import DEFAULT_WEIGHTS, NAMES
from graphdyn.errors import ConfigError

__all__ = [
    "DEFAULT_CHANNEL_RICHNESS",
    "Config",
    "ENGINES",
    "EngineSettings",
    "load_config",
]

#: Media richness per channel (Daft & Lengel 1986): richer media carry more of a relationship.
DEFAULT_CHANNEL_RICHNESS: Mapping[str, float] = MappingProxyType(
    {
        "meeting": 1.0,
        "video": 0.8,
        "phone": 0.7,
        "feedback": 0.5,
        "chat": 0.4,
        "email": 0.3,
        "support_ticket": 0.3,
        "order": 0.2,
    }
)

#: Sections of graphdyn.toml that belong to other parts of graphdyn, not to the model.
_OTHER_SECTIONS = frozenset({"neo4j"})

#: An amount of memory as DuckDB reads it: a number and a unit, or a share of the RAM.
_MEMORY = re.compile(r"\d+(\.\d+)?\s*([KMGT]i?B|B|%)", re.IGNORECASE)


@dataclass(frozen=True)
class EngineSettings:
    """The query engine the event-level sums run in (:mod:`graphdyn.engine`), and its resources.

    They change how fast an audit runs, where, and how much memory it takes, never a number it
    gives.

    Parameters
    ----------
    memory_limit : str
        The most memory the engine holds, e.g. ``"4GB"``, ``"512MiB"`` or ``"80%"`` (of the
        machine's RAM); past it DuckDB spills to a temporary folder on disk. On Spark in local
        mode it is the driver's memory (the JVM's heap, where the local executors run).
    threads : int
        Threads DuckDB runs on; 0 means one per CPU (Spark's come from its master URL).
    engine : {"duckdb", "spark"}
        ``"duckdb"``: an embedded DuckDB; ``"spark"``: Apache Spark (pyspark, ``pip install
        graphdyn[spark]``, on Java 17 or 21).
    spark_master : str
        The Spark master URL of the session graphdyn starts: ``local[*]`` (every core of this
        machine), ``local[2]``, ``spark://host:7077``, ``yarn``, ``k8s://...``. A session that
        is already running (spark-submit, Databricks, a notebook) is used as it is.
    spark_conf : mapping of str to str
        ``spark.*`` settings of that session, e.g. ``{"spark.executor.memory": "8g"}``; nested
        tables are read as dotted names. Credentials never go here (they would be echoed in
        ``summary.json``): Spark and Hadoop read them from the environment or
        ``spark-defaults.conf``, and a name that holds one (a secret, password, token or key)
        is an error.

    Examples
    --------
    >>> EngineSettings(memory_limit="4GB")
    EngineSettings(memory_limit='4GB', threads=0, engine='duckdb', spark_master='local[*]', \
spark_conf={})
    >>> EngineSettings(engine="spark", spark_conf={"spark": {"sql": {"shuffle.partitions": 8}}})
    ... # doctest: +ELLIPSIS
    EngineSettings(..., engine='spark', ..., spark_conf={'spark.sql.shuffle.partitions': '8'})
    """

    memory_limit: str = "80%"
    threads: int = 0
    engine: str = "duckdb"
    spark_master: str = "local[*]"
    spark_conf: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (isinstance(self.memory_limit, str) and _MEMORY.fullmatch(self.memory_limit)):
            raise ConfigError(
                "engine.memory_limit: must be an amount such as 4GB, 512MiB or 80% "
                f"({self.memory_limit!r})"
            )
        if not (isinstance(self.threads, int) and self.threads >= 0):
            raise ConfigError(f"engine.threads: must be a whole number >= 0 ({self.threads!r})")
        if self.engine not in ENGINES:
            raise ConfigError(
                f"engine.engine: must be one of {', '.join(ENGINES)} ({self.engine!r})"
            )
        if not (isinstance(self.spark_master, str) and self.spark_master.strip()):
            raise ConfigError(f"engine.spark_master: must be a master URL ({self.spark_master!r})")
        if not isinstance(self.spark_conf, Mapping):
            raise ConfigError(f"engine.spark_conf: must be a table ({self.spark_conf!r})")
        object.__setattr__(self, "spark_conf", _spark_conf(self.spark_conf))

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready settings (what :meth:`Config.to_dict` writes under ``engine``)."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["spark_conf"] = dict(self.spark_conf)
        return out


#: The engines the queries run on.
ENGINES = ("duckdb", "spark")

#: A Spark setting that holds a credential (fs.s3a.secret.key, fs.azure.account.key.*, a
#: password, a token, a SAS): refused, so that none is written in graphdyn.toml or summary.json.
_CREDENTIAL = re.compile(r"secret|password|passwd|token|(^|\.)(access\.)?key(\.|$)|\.sas\.", re.I)


def _spark_conf(values: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Flatten nested tables into dotted names; values as Spark reads them (text)."""
    out: dict[str, str] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_spark_conf(value, f"{name}."))
            continue
        if not name.startswith("spark."):
            raise ConfigError(f"engine.spark_conf: {name!r} is not a Spark setting (spark.*)")
        if _CREDENTIAL.search(name):
            raise ConfigError(
                f"engine.spark_conf: {name!r} holds a credential; set it in the environment or "
                "spark-defaults.conf, not in graphdyn's configuration"
            )
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            out[name] = str(value)
        else:
            raise ConfigError(f"engine.spark_conf.{name}: must be text or a number ({value!r})")
    return out


@dataclass(frozen=True)
class Config:
    """Parameters of the tie-strength, decay and centrality model.

    Parameters
    ----------
    half_life_days : float
        H: an event's weight halves every H days, ``w = 2 ** (-(T - t) / H)``; so does the
        weight of an interval between contact days in the contact rhythm, toward the last one.
    channel_richness : mapping of str to float
        Richness r in [0, 1] per channel; the keys are also the allowed channels.
    weights : mapping of str to float
        Weight alpha_j >= 0 of each component (:mod:`graphdyn.components`).
    tenure_scale_days : float
        Tenure component ``1 - exp(-D / tenure_scale_days)``.
    reference_channel, reference_interval_days : str, float
        I_ref is the steady-state intensity of one ``reference_channel`` contact every
        ``reference_interval_days`` days.
    strong_threshold : float
        A tie with strength >= this is strong (``strong_ties``, ``sole_strong_tie_customers``).
    single_thread_share, single_thread_min_days : float, int
        A customer is single-threaded when one staff member carries at least this share of
        its staff ties' summed strength, on at least this many contact days.
    lapse_half_life_days : float
        Relationships end at the constant hazard ``ln 2 / this``: without any contact half of
        them would have ended after this many days (P(alive) and liveness).
    liveness_horizon_days : float
        Liveness is the probability that a relationship is still going and makes contact
        within this many days.
    liveness_at_risk : float
        A relationship overdue by more than ``overdue_at_risk`` gaps whose liveness is below
        this has gone cold: it is at risk if its rhythm is established.
    at_risk_min_contact_days : int
        A rhythm is established after this many contact days; a relationship with fewer is
        never called at risk by its silence alone (its rhythm is not known well enough).
    trend_window_days, trend_delta : float
        trend = strength(T) - strength(T - window); beyond +-delta it is strengthening/weakening.
    new_window_days : float
        A tie whose first contact is this recent (and within two typical gaps) is new.
    dormant_days, dormant_intensity : float
        No contact for ``dormant_days``, or intensity below ``dormant_intensity``: dormant.
    overdue_at_risk, overdue_cooling : float
        Thresholds on overdue = days_since_last / typical gap.
    gap_prior_weight : float
        Shrinkage of a tie's typical gap toward ``reference_interval_days``: the reference
        counts as this many pseudo-intervals.
    min_gap_days : float
        Floor on the typical gap: a rhythm faster than this (daily orders, a busy week of
        tickets) is treated as this, so a few quiet days do not make a relationship overdue.
    snapshots : int
        Monthly trajectory snapshots back from as-of.
    betweenness_budget : int
        Shortest-path work betweenness may do, in sources x edges (one Dijkstra run from a
        source relaxes every edge): exact when every node fits (nodes x edges <= budget),
        else from ``max(betweenness_k, budget // edges)`` pivots drawn with ``seed``.
    betweenness_k, seed : int
        The fewest pivots betweenness is estimated from, whatever the budget, and the seed of
        their sample (``docs/model.md``, "Betweenness within a budget").
    workers : int
        Processes for betweenness on large graphs; 0 means every CPU this process may use.
        The result does not depend on it.
    engine : EngineSettings
        The query engine and its resources (the ``[engine]`` table of ``graphdyn.toml``).
        The result does not depend on them.

    Examples
    --------
    >>> Config().half_life_days
    90.0
    >>> round(Config().intensity_reference, 3)
    3.393
    """

    half_life_days: float = 90.0
    channel_richness: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_CHANNEL_RICHNESS)
    )
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    tenure_scale_days: float = 365.0
    reference_channel: str = "phone"
    reference_interval_days: float = 30.0
    strong_threshold: float = 0.5
    single_thread_share: float = 0.95
    single_thread_min_days: int = 3
    lapse_half_life_days: float = 1460.0
    liveness_horizon_days: float = 90.0
    liveness_at_risk: float = 0.7
    at_risk_min_contact_days: int = 20
    trend_window_days: float = 90.0
    trend_delta: float = 0.05
    new_window_days: float = 90.0
    dormant_days: float = 365.0
    dormant_intensity: float = 0.05
    overdue_at_risk: float = 3.0
    overdue_cooling: float = 1.5
    gap_prior_weight: float = 1.0
    min_gap_days: float = 7.0
    snapshots: int = 12
    betweenness_budget: int = 100_000_000
    betweenness_k: int = 100
    seed: int = 0
    workers: int = 0
    engine: EngineSettings = field(default_factory=EngineSettings)

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel_richness", MappingProxyType(dict(self.channel_richness)))
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))
        self._check()

    def _check(self) -> None:
        positive = (
            "half_life_days",
            "tenure_scale_days",
            "reference_interval_days",
            "lapse_half_life_days",
            "liveness_horizon_days",
            "trend_window_days",
            "dormant_days",
        )
        for name in positive:
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ConfigError(f"{name}: must be a positive number ({value!r})")
        for name in ("gap_prior_weight", "min_gap_days"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ConfigError(f"{name}: must be a number >= 0 ({value!r})")
        for name in (
            "strong_threshold",
            "single_thread_share",
            "liveness_at_risk",
            "dormant_intensity",
        ):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and 0 <= value <= 1):
                raise ConfigError(f"{name}: must be in [0, 1] ({value!r})")
        for channel, richness in self.channel_richness.items():
            if not isinstance(channel, str) or not channel:
                raise ConfigError(f"channel_richness: channel names must be text ({channel!r})")
            if not (isinstance(richness, int | float) and 0 < richness <= 1):
                raise ConfigError(f"channel_richness.{channel}: must be in (0, 1] ({richness!r})")
        if self.reference_channel not in self.channel_richness:
            raise ConfigError(
                f"reference_channel: not a configured channel ({self.reference_channel!r})"
            )
        unknown = set(self.weights) - set(NAMES)
        if unknown:
            raise ConfigError(
                f"weights: unknown component {sorted(unknown)[0]!r}; "
                f"components are {', '.join(NAMES)}"
            )
        for name, weight in self.weights.items():
            if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
                raise ConfigError(f"weights.{name}: must be a number >= 0 ({weight!r})")
        if self.weights.get("intensity", 0) <= 0:
            raise ConfigError("weights.intensity: must be > 0 (every tie has an intensity)")
        for name in (
            "snapshots",
            "betweenness_budget",
            "betweenness_k",
            "single_thread_min_days",
            "at_risk_min_contact_days",
        ):
            value = getattr(self, name)
            if not (isinstance(value, int) and value >= 1):
                raise ConfigError(f"{name}: must be a whole number >= 1 ({value!r})")
        if not (isinstance(self.workers, int) and self.workers >= 0):
            raise ConfigError(f"workers: must be a whole number >= 0 ({self.workers!r})")
        if not isinstance(self.engine, EngineSettings):
            raise ConfigError(f"engine: must be EngineSettings ({self.engine!r})")

    @property
    def channels(self) -> tuple[str, ...]:
        """The allowed channels, sorted."""
        return tuple(sorted(self.channel_richness))

    @property
    def intensity_reference(self) -> float:
        """I_ref: the steady-state intensity of one reference contact every interval.

        Just after the n-th of a regular series of contacts ``interval`` days apart, the
        decayed sum is ``r * sum_k 2^(-k * interval / H)``, which tends to
        ``r / (1 - 2^(-interval / H))``.
        """
        richness = float(self.channel_richness[self.reference_channel])
        return richness / (1.0 - math.pow(2.0, -self.reference_interval_days / self.half_life_days))

    def replace(self, **changes: Any) -> Config:
        """Return a copy with some parameters changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready parameters, including the derived ``intensity_reference``."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, EngineSettings):
                out[f.name] = value.to_dict()
            else:
                out[f.name] = dict(value) if isinstance(value, Mapping) else value
        out["intensity_reference"] = self.intensity_reference
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], *, source: str = "parameters") -> Config:
        """Rebuild the config :meth:`to_dict` wrote (an audit's ``summary.json`` parameters).

        The inverse of :meth:`to_dict`: every setting is taken as written (the channel and
        weight tables whole, not merged over the defaults as :meth:`from_mapping` merges a
        ``graphdyn.toml``); the derived ``intensity_reference`` is left out. A setting
        missing from ``values`` takes its default.

        Raises
        ------
        ConfigError
            If a setting is unknown or its value invalid.

        Examples
        --------
        >>> config = Config(half_life_days=60.0, channel_richness={"phone": 0.7},
        ...                 engine=EngineSettings(memory_limit="4GB"))
        >>> Config.from_dict(config.to_dict()) == config
        True
        """
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known - {"intensity_reference", *_RETIRED})
        if unknown:
            raise ConfigError(f"{source}: unknown setting {unknown[0]!r}")
        kwargs = {key: value for key, value in values.items() if key in known}
        if isinstance(kwargs.get("engine"), Mapping):
            kwargs["engine"] = _engine_settings(kwargs["engine"], source)
        try:
            return cls(**kwargs)
        except (ConfigError, TypeError) as exc:
            raise ConfigError(f"{source}: {exc}") from None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, source: str = "config") -> Config:
        """Build a config from a mapping such as a parsed ``graphdyn.toml``.

        Tables ``channel_richness`` and ``weights`` are merged over the defaults, so a file
        may set one channel or one weight; so is ``engine``. Unknown keys are an error naming
        the key.
        """
        known = {f.name for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in values.items():
            if key in _OTHER_SECTIONS:
                continue
            if key in _RETIRED:
                raise ConfigError(f"{source}: {key!r} is no longer a setting: {_RETIRED[key]}")
            if key not in known:
                raise ConfigError(
                    f"{source}: unknown setting {key!r}; known settings: {', '.join(sorted(known))}"
                )
            if key in ("channel_richness", "weights", "engine") and not isinstance(value, Mapping):
                raise ConfigError(f"{source}: {key} must be a table")
            if key == "engine":
                kwargs[key] = _engine_settings(value, source)
            elif key in ("channel_richness", "weights"):
                base = DEFAULT_CHANNEL_RICHNESS if key == "channel_richness" else DEFAULT_WEIGHTS
                kwargs[key] = {**base, **value}
            else:
                kwargs[key] = (
                    float(value) if isinstance(value, int) and _is_float_field(key) else value
                )
        try:
            return cls(**kwargs)
        except ConfigError as exc:
            raise ConfigError(f"{source}: {exc}") from None


def _engine_settings(values: Mapping[str, Any], source: str) -> EngineSettings:
    known = {f.name for f in dataclasses.fields(EngineSettings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"{source}: unknown setting 'engine.{unknown[0]}'; "
            f"known engine settings: {', '.join(sorted(known))}"
        )
    try:
        return EngineSettings(**values)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


#: Settings of earlier versions: an old audit's summary.json may hold them (read, not used); a
#: graphdyn.toml that sets one is told what replaced it.
_RETIRED = {
    "betweenness_exact_limit": "betweenness is exact when nodes x edges fit betweenness_budget",
}


def _is_float_field(name: str) -> bool:
    return next(f for f in dataclasses.fields(Config) if f.name == name).type == "float"


def load_config(path: str | Path | None = None) -> Config:
    """Read a ``graphdyn.toml``; with no path, read ``./graphdyn.toml`` if it exists.

    Parameters
    ----------
    path : str or Path, optional
        The file to read. An explicit path that does not exist is an error.

    Returns
    -------
    Config
        Defaults overridden by the file's settings.

    Examples
    --------
    >>> load_config(None).half_life_days  # no graphdyn.toml here: the defaults
    90.0
    """
    if path is None:
        candidate = Path("graphdyn.toml")
        if not candidate.is_file():
            return Config()
        path = candidate
    path = Path(path)
    try:
        with path.open("rb") as handle:
            values = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return Config.from_mapping(values, source=str(path))
