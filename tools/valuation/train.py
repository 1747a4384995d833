"""Fit the recovery model on synthetic training portfolios: ``python -m tools.valuation.train``.

Each seed's portfolio is generated into a temporary SQLite database; the model sees the same features as at
prediction time, and the outcomes (``case_truth``) only here, as training labels.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression, Ridge
from sqlalchemy import Engine, text

from core.crypto import FieldCipher
from core.db.engine import make_engine
from core.db.migrate import upgrade
from tools.valuation.data import iter_portfolio_features
from tools.valuation.features import FEATURES, design_matrix
from tools.valuation.recovery_model import DEFAULT_ARTIFACT, FORMAT_VERSION, LinearPart, RecoveryModel, save_model

DEFAULT_SEEDS = (101, 202, 303)


def labelled_portfolio(engine: Engine) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64]]:
    """Design matrix, ``repaid_90d`` and ``recovered_frac_12m`` of every case in a synthetic database."""
    with engine.connect() as conn:
        truth = pd.DataFrame(
            conn.execute(text("SELECT case_id, repaid_90d, recovered_frac_12m FROM case_truth")).fetchall(),
            columns=["case_id", "repaid", "frac"],
        ).set_index("case_id")
    xs, ys, fs = [], [], []
    for feats in iter_portfolio_features(engine):
        t = truth.reindex(feats.index)
        xs.append(design_matrix(feats))
        ys.append(t["repaid"].astype(bool).to_numpy())
        fs.append(t["frac"].to_numpy(dtype="float64"))
    return np.vstack(xs), np.concatenate(ys), np.concatenate(fs)


def _beta_concentration(mean: float, var: float) -> float:
    return max(mean * (1.0 - mean) / max(var, 1e-6) - 1.0, 0.5)


def fit_model(x: NDArray[np.float64], repaid: NDArray[np.bool_], frac: NDArray[np.float64]) -> RecoveryModel:
    """Fit the three equations and the dispersions.

    Args:
        x: Design matrix.
        repaid: Repaid within 90 days.
        frac: Fraction of the balance recovered within 12 months.

    Returns:
        The model (without training metadata).
    """
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    early = LogisticRegression(C=1.0, max_iter=2000).fit(z, repaid)
    rest = ~repaid
    late_y = frac[rest] > 0
    late = LogisticRegression(C=1.0, max_iter=2000).fit(z[rest], late_y)
    pos = rest.copy()
    pos[rest] = late_y
    reg = Ridge(alpha=1.0).fit(z[pos], frac[pos])
    resid_var = float(np.var(frac[pos] - reg.predict(z[pos])))
    mu_pos = float(frac[pos].mean())
    mu_early, var_early = float(frac[repaid].mean()), float(frac[repaid].var())
    return RecoveryModel(
        format_version=FORMAT_VERSION,
        features=list(FEATURES),
        mean=mean.tolist(),
        scale=scale.tolist(),
        repay_3m=LinearPart(intercept=float(early.intercept_[0]), coef=early.coef_[0].tolist()),
        late_any=LinearPart(intercept=float(late.intercept_[0]), coef=late.coef_[0].tolist()),
        late_mean=LinearPart(intercept=float(reg.intercept_), coef=np.asarray(reg.coef_).tolist()),
        early_mean=mu_early,
        early_concentration=_beta_concentration(mu_early, var_early),
        late_concentration=_beta_concentration(mu_pos, resid_var),
    )


def synth_engine(path: Path, n_cases: int, seed: int, workers: int = 2) -> Engine:
    """A fresh SQLite database at ``path`` holding the synthetic portfolio of ``seed``."""
    from core.synth import synthesize  # the generator is only needed to train and evaluate

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    synthesize(engine, FieldCipher(os.urandom(32)), n_cases, seed, workers=workers)
    return engine


def train(seeds: tuple[int, ...], n_cases: int, out: Path, workers: int = 2) -> RecoveryModel:
    """Generate the training portfolios, fit, and write the artifact to ``out``."""
    xs, ys, fs = [], [], []
    with tempfile.TemporaryDirectory(prefix="qingshou-train-") as tmp:
        for seed in seeds:
            engine = synth_engine(Path(tmp) / f"train-{seed}.db", n_cases, seed, workers)
            try:
                x, y, f = labelled_portfolio(engine)
            finally:
                engine.dispose()
            xs.append(x)
            ys.append(y)
            fs.append(f)
    model = fit_model(np.vstack(xs), np.concatenate(ys), np.concatenate(fs))
    model.training = {"seeds": list(seeds), "cases_per_seed": n_cases, "cases": int(sum(len(y) for y in ys))}
    save_model(model, out)
    return model


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Fit the valuation's recovery model on synthetic portfolios.")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument("--cases", type=int, default=20_000, help="cases per training portfolio")
    parser.add_argument("--out", type=Path, default=DEFAULT_ARTIFACT)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    model = train(tuple(args.seeds), args.cases, args.out, args.workers)
    print(f"wrote {args.out} ({model.version}, {model.training['cases']} cases)")  # noqa: T201


if __name__ == "__main__":
    main()
