"""Is the decay score predictive? Generated data with planted decay, audited before its end.

``python -m benchmarks.validate_decay`` (see ``docs/validation.md``) generates data folders with
:func:`graphdyn.data.generate` (planted decaying customers in ``truth.json``), audits each as of
several dates before the end of its data, and measures against what happened afterwards:

- ROC AUC of customer ``strength`` for "has any interaction in the W days after the as-of
  date", against recency alone (``-days_since_last``), and for reference the intensity
  component and P(alive) alone;
- precision and recall of ``status == "at_risk"`` against the planted decaying customers whose
  decay had begun by the as-of date (and the recall among those begun at least 90 days before,
  the decays there is anything to see of yet);
- precision and recall of at_risk or dormant against the customers that went quiet (no
  interaction in the first window).

The customers table is the one an audit writes to ``customers.csv``
(:func:`graphdyn.model.relationships.relationships`, which :func:`graphdyn.audit.audit` calls),
computed from the interactions up to the as-of date. It prints Markdown tables; ``--check``
exits 1 unless strength beats recency in every case.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from graphdyn.config import Config
from graphdyn.data import read_data
from graphdyn.data.generate import generate
from graphdyn.model.relationships import relationships

__all__ = ["roc_auc", "score_folder", "summarise", "main"]

DAY = pd.Timedelta(days=1)
#: A planted decay this old at the as-of date has had time to show (tau is 60-100 days).
VISIBLE_DECAY_DAYS = 90.0


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


def _share(hits: int, total: int) -> float:
    return hits / total if total else float("nan")


def score_folder(
    folder: str | Path,
    as_of_days: Sequence[float],
    windows: Sequence[float],
    config: Config | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Audit a generated folder as of several dates and score strength and status.

    Parameters
    ----------
    folder : str or Path
        A folder written by :func:`graphdyn.data.generate` (with ``truth.json``).
    as_of_days : sequence of float
        Audit dates, in days before the end of the data (``truth.json``'s ``end``).
    windows : sequence of float
        Label windows W in days: a customer "comes back" if it has an interaction in
        ``(T, T + W]``. Windows that run past the end of the data are skipped.
    config : Config, optional
        Model parameters (defaults otherwise).

    Returns
    -------
    auc : pandas.DataFrame
        One row per as-of date and window: customers, how many came back, and the AUC of
        strength, recency, intensity and P(alive) (NaN for a model without it).
    status : pandas.DataFrame
        One row per as-of date: at_risk counts, precision and recall against the planted decay,
        and at_risk-or-dormant against the customers that went quiet in the first window.
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
    auc_rows, status_rows = [], []
    for days in as_of_days:
        as_of = end - days * DAY
        known = interactions[interactions["timestamp"] <= as_of].reset_index(drop=True)
        customers = relationships(known, as_of, config).customers.set_index("customer_id")
        ids = customers.index
        fits = [w for w in windows if w <= days]
        for window in fits:
            later = interactions["timestamp"].between(as_of, as_of + window * DAY, "right")
            back = ids.isin(interactions.loc[later, "customer_id"].unique())
            auc_rows.append(
                {
                    "as_of_days": days,
                    "window": window,
                    "customers": len(ids),
                    "came_back": int(back.sum()),
                    "strength": roc_auc(customers["strength"].to_numpy(), back),
                    "recency": roc_auc(-customers["days_since_last"].to_numpy(), back),
                    "intensity": roc_auc(customers["intensity"].to_numpy(), back),
                    "p_alive": roc_auc(customers["p_alive"].to_numpy(), back)
                    if "p_alive" in customers
                    else float("nan"),
                }
            )
        started = decay_start.reindex(ids) <= as_of
        visible = decay_start.reindex(ids) <= as_of - VISIBLE_DECAY_DAYS * DAY
        at_risk = (customers["status"] == "at_risk").to_numpy()
        flagged = customers["status"].isin(["at_risk", "dormant"]).to_numpy()
        later = interactions["timestamp"].between(as_of, as_of + min(fits) * DAY, "right")
        quiet = ~ids.isin(interactions.loc[later, "customer_id"].unique())
        status_rows.append(
            {
                "as_of_days": days,
                "at_risk": int(at_risk.sum()),
                "decaying": int(started.sum()),
                "precision": _share(int((at_risk & started).sum()), int(at_risk.sum())),
                "recall": _share(int((at_risk & started).sum()), int(started.sum())),
                "recall_visible": _share(int((at_risk & visible).sum()), int(visible.sum())),
                "flagged": int(flagged.sum()),
                "quiet": int(quiet.sum()),
                "flagged_precision": _share(int((flagged & quiet).sum()), int(flagged.sum())),
                "flagged_recall": _share(int((flagged & quiet).sum()), int(quiet.sum())),
            }
        )
    return pd.DataFrame(auc_rows), pd.DataFrame(status_rows)


def summarise(auc: pd.DataFrame) -> pd.DataFrame:
    """Mean and worst case per window of each AUC, and strength's margin over recency."""
    margin = auc.assign(margin=auc["strength"] - auc["recency"])
    table = margin.groupby("window")[["strength", "recency", "margin", "intensity", "p_alive"]]
    return pd.concat({"mean": table.mean(), "min": table.min()}, axis=1)


def _markdown(frame: pd.DataFrame) -> str:
    """Render a frame (its index as leading columns) as a Markdown table, floats to 3 places."""
    flat = frame.copy()
    if isinstance(flat.columns, pd.MultiIndex):
        flat.columns = [" ".join(str(part) for part in column) for column in flat.columns]
    flat = flat.reset_index() if any(name is not None for name in flat.index.names) else flat

    def cell(value: object) -> str:
        if isinstance(value, float | np.floating):
            return f"{value:.3f}"
        return str(value)

    header = [str(column) for column in flat.columns]
    rows = [[cell(value) for value in row] for row in flat.itertuples(index=False)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _numbers(text: str) -> list[float]:
    """Parse ``"90,182"``; whole numbers stay ints so that tables show them as such."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    return [int(part) if part.isdigit() else float(part) for part in parts]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the validation from the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.validate_decay", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--seeds", default="11,1,2,3,4", help="generator seeds (default 11,1,2,3,4)"
    )
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--staff", type=int, default=100)
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--interactions", type=int, default=300_000)
    parser.add_argument(
        "--as-of", default="182,274,365", help="as-of dates in days before the end of the data"
    )
    parser.add_argument("--windows", default="90,182", help="label windows in days")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a model setting other than its default, e.g. --set lapse_half_life_days=365",
    )
    parser.add_argument("--data", type=Path, help="keep the generated folders here (default: temp)")
    parser.add_argument("--check", action="store_true", help="exit 1 unless strength > recency")
    args = parser.parse_args(argv)

    settings = dict(item.split("=", 1) for item in args.set)
    config = Config.from_mapping(
        {name: _numbers(value)[0] for name, value in settings.items()}, source="--set"
    )
    seeds = [int(seed) for seed in _numbers(args.seeds)]
    with tempfile.TemporaryDirectory() as scratch:
        base = args.data or Path(scratch)
        aucs, statuses = [], []
        for seed in seeds:
            folder = (
                base / f"seed{seed}-c{args.customers}-s{args.staff}-p{args.products}"
                f"-i{args.interactions}"
            )
            if not (folder / "truth.json").exists():
                generate(
                    folder,
                    customers=args.customers,
                    staff=args.staff,
                    products=args.products,
                    interactions=args.interactions,
                    seed=seed,
                    fmt="parquet",
                )
            started = time.perf_counter()
            auc, status = score_folder(folder, _numbers(args.as_of), _numbers(args.windows), config)
            aucs.append(auc.assign(seed=seed))
            statuses.append(status.assign(seed=seed))
            print(f"seed {seed}: scored in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    auc = pd.concat(aucs, ignore_index=True)
    status = pd.concat(statuses, ignore_index=True)
    keys = ["seed", "as_of_days", "window"]
    print(f"## ROC AUC: comes back within W days ({len(seeds)} seeds)\n")
    columns = ["customers", "came_back", "strength", "recency", "intensity", "p_alive"]
    print(_markdown(auc.set_index(keys)[columns]))
    print("\n## Summary per window\n")
    print(_markdown(summarise(auc)))
    print("\n## Status against the planted decay and the customers that went quiet\n")
    print(_markdown(status.set_index(["seed", "as_of_days"])))
    print("\n## Status, mean over seeds and dates\n")
    print(_markdown(status.drop(columns=["seed", "as_of_days"]).mean().to_frame("mean").T))
    wins = int((auc["strength"] > auc["recency"]).sum())
    print(f"\nstrength beats recency in {wins} of {len(auc)} cases")
    return 0 if (wins == len(auc) or not args.check) else 1


if __name__ == "__main__":
    raise SystemExit(main())
