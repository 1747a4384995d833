"""Valuation tools: recovery model artifact, curve, Monte Carlo, collateral comparables, package pricing."""

import json
from decimal import Decimal

import numpy as np
import pytest
from sqlalchemy import select, text

from core.db.property import CollateralTruth, PropertyTransaction
from core.deps import Deps
from core.repository import CaseNotFoundError
from tools.valuation.collateral import CollateralModel, NoComparablesError
from tools.valuation.curve import expected_months, month_probabilities, repayment_curve
from tools.valuation.models import PackageLine
from tools.valuation.montecarlo import CaseInputs, Distribution, analytic, simulate
from tools.valuation.policy import load_policy
from tools.valuation.recovery_model import DEFAULT_ARTIFACT, RecoveryModelError, load_model
from tools.valuation.tool import PackageError, Valuator, value_case, value_package

DIST = Distribution(early_mean=0.8, early_concentration=6.0, late_concentration=3.0, commission_rate=0.12,
                    discount_rate=0.12)  # fmt: skip


def _inputs(n: int, seed: int = 0) -> CaseInputs:
    r = np.random.default_rng(seed)
    return CaseInputs(
        case_ids=[f"C{i:06d}" for i in range(n)], claim=r.lognormal(10, 1, n), p3=r.uniform(0.05, 0.8, n),
        p_late=r.uniform(0.1, 0.5, n), mu_late=r.uniform(0.1, 0.6, n), servicing=np.full(n, 35.0),
        legal=np.where(r.random(n) < 0.3, 3000.0, 0.0),
    )  # fmt: skip


def test_curve_is_monotone_and_hits_its_anchors():
    p3, p_late = np.array([0.3, 0.01, 0.9]), np.array([0.2, 0.5, 0.05])
    curve = repayment_curve(p3, p_late)
    assert curve.shape == (3, 12) and (np.diff(curve, axis=1) >= 0).all()
    np.testing.assert_allclose(curve[:, 2], p3, rtol=1e-9)
    np.testing.assert_allclose(curve[:, 11], p3 + (1 - p3) * p_late, rtol=1e-9)
    assert month_probabilities(p3, p_late).min() > 0
    months = expected_months(p3, p_late)
    assert (months >= 1).all() and (months <= 12).all() and months[2] < months[1]


def test_monte_carlo_mean_matches_analytic_expectation():
    inputs = _inputs(1, seed=3)
    sim = simulate(inputs, DIST, 200_000, seed=11)
    exact = analytic(inputs, DIST)
    assert abs(sim.case_recovered[0] / exact.recovered[0] - 1) < 0.01
    assert abs(sim.case_cost[0] / exact.cost[0] - 1) < 0.01
    assert abs(sim.case_npv[0] - exact.npv[0]) < 0.01 * abs(exact.recovered[0])


def test_monte_carlo_is_reproducible_and_per_case():
    inputs = _inputs(130)
    a = simulate(inputs, DIST, 2000, seed=5, quantiles=True)
    b = simulate(inputs, DIST, 2000, seed=5, quantiles=True)
    np.testing.assert_array_equal(a.recovered, b.recovered)
    np.testing.assert_array_equal(a.case_quantiles, b.case_quantiles)
    c = simulate(inputs, DIST, 2000, seed=6)
    assert not np.array_equal(a.recovered, c.recovered)
    # A case draws the same paths alone as inside the package.
    one = CaseInputs(inputs.case_ids[77:78], inputs.claim[77:78], inputs.p3[77:78], inputs.p_late[77:78],
                     inputs.mu_late[77:78], inputs.servicing[77:78], inputs.legal[77:78])  # fmt: skip
    assert simulate(one, DIST, 2000, seed=5).case_recovered[0] == a.case_recovered[77]
    q = a.case_quantiles
    assert (q[:, 0] <= q[:, 1]).all() and (q[:, 1] <= q[:, 2]).all() and (q[:, 2] <= inputs.claim + 1e-6).all()
    np.testing.assert_allclose(a.recovered.mean(), analytic(inputs, DIST).recovered.sum(), rtol=0.02)


def test_artifact_errors(tmp_path):
    model = load_model()
    assert model.version.startswith("v1-")
    with pytest.raises(RecoveryModelError, match="not found"):
        load_model(tmp_path / "missing.json")
    data = json.loads(DEFAULT_ARTIFACT.read_text())
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data | {"format_version": 0}))
    with pytest.raises(RecoveryModelError, match="format version 0"):
        load_model(old)
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data | {"features": data["features"][:-1]}))
    with pytest.raises(RecoveryModelError, match="other features"):
        load_model(other)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(RecoveryModelError, match="not JSON"):
        load_model(broken)


def test_value_case_secured(deps: Deps):
    with deps.engine.connect() as conn:
        case_id = conn.execute(
            text("SELECT c.id FROM cases c JOIN collateral k ON k.loan_id = c.loan_id ORDER BY c.id LIMIT 1")
        ).scalar_one()
    v = value_case(deps.cases, deps.engine, case_id, paths=4000)
    assert v.case_id == case_id and len(v.repayment_curve) == 12
    assert v.repayment_curve[2] == pytest.approx(v.p_repay_90d, abs=1e-4)
    assert v.recovery.p10 <= v.recovery.p50 <= v.recovery.p90 <= v.claim
    assert abs(v.expected_recovery - v.expected_recovery_analytic) < Decimal("0.05") * v.claim
    assert v.expected_recovery.as_tuple().exponent == -2 and v.expected_cost > 0
    assert len(v.collateral) == 1
    c = v.collateral[0]
    assert c.value_low < c.value < c.value_high and c.liquidation_value < c.value
    assert 0.15 <= c.liquidation_haircut <= 0.5 and c.time_to_sale_days > 240
    assert c.comparables and all(x.district == c.district for x in c.comparables)
    again = value_case(deps.cases, deps.engine, case_id, paths=4000)
    assert again == v
    with pytest.raises(CaseNotFoundError):
        value_case(deps.cases, deps.engine, "C999999")


def test_collateral_model_beats_appraisal_against_truth(deps: Deps):
    model = CollateralModel(deps.engine, load_policy().collateral)
    with deps.engine.connect() as conn:
        truth = dict(conn.execute(select(CollateralTruth.loan_id, CollateralTruth.market_value_fen)).all())
        assert conn.execute(select(PropertyTransaction.id).limit(1)).first() is not None
    errors, appraisal_errors = [], []
    for n in range(1, 301):
        case = deps.cases.get_case(f"C{n:06d}")
        for flat in case.collateral:
            value = model.value(flat, case.as_of)
            true = truth[case.loan.id] / 100
            errors.append(abs(float(value.value) / true - 1))
            appraisal_errors.append(abs(float(flat.appraisal) / true - 1))
    assert len(errors) > 20
    assert np.mean(errors) < 0.12 and np.mean(errors) < np.mean(appraisal_errors)
    with pytest.raises(NoComparablesError):
        model.fit_city("不存在市", case.as_of)


def test_value_package_and_bid_range(deps: Deps):
    ids = [f"C{n:06d}" for n in range(1, 121)]
    lines = [PackageLine(case_id=c) for c in ids]
    v = value_package(deps.engine, lines, paths=2000)
    assert v.cases == 120 and len(v.lines) == 120 and [x.case_id for x in v.lines] == ids
    assert v.recovery.p10 <= v.recovery.p50 <= v.recovery.p90
    assert Decimal(0) <= v.bid_low <= v.bid_high <= v.expected_recovery
    assert v.claim_total == sum((x.claim for x in v.lines), Decimal(0))
    # A higher discount rate lowers the NPV; halving every claim halves the recovery.
    dear = value_package(deps.engine, lines, paths=2000, discount_rate=0.3)
    assert dear.expected_npv < v.expected_npv
    half = [PackageLine(case_id=x.case_id, claim=(x.claim / 2).quantize(Decimal("0.01"))) for x in v.lines]
    assert abs(value_package(deps.engine, half, paths=2000).expected_recovery * 2 - v.expected_recovery) < 50
    with pytest.raises(PackageError):
        value_package(deps.engine, [])
    with pytest.raises(PackageError):
        value_package(deps.engine, lines[:2] + lines[:1])
    with pytest.raises(CaseNotFoundError, match="C777777"):
        value_package(deps.engine, [*lines[:3], PackageLine(case_id="C777777")])


def test_valuator_distribution_uses_policy():
    v = Valuator.default()
    assert v.distribution(None).discount_rate == load_policy().monte_carlo.discount_rate
    assert v.distribution(0.05).discount_rate == 0.05


def _market_rows(tmp, name):
    import os

    from core.crypto import FieldCipher
    from core.db.engine import make_engine
    from core.db.migrate import upgrade
    from core.synth import synthesize

    engine = make_engine(f"sqlite:///{tmp / name}")
    upgrade(engine)
    report = synthesize(engine, FieldCipher(os.urandom(32)), 400, 3, workers=0 if name == "a.db" else 2)
    with engine.connect() as conn:
        deals = conn.execute(text("SELECT city, district, deal_date, area_sqm, build_year, price_fen, days_on_market"
                                  " FROM property_transactions ORDER BY id")).all()  # fmt: skip
        truth = conn.execute(text("SELECT loan_id, market_value_fen FROM collateral_truth ORDER BY loan_id")).all()
        pledged = conn.execute(text("SELECT count(*) FROM collateral")).scalar_one()
    engine.dispose()
    return report, deals, truth, pledged


def test_property_market_is_deterministic_and_complete(tmp_path):
    from core.synth import reference as ref

    report, deals, truth, pledged = _market_rows(tmp_path, "a.db")
    _, deals_b, truth_b, _ = _market_rows(tmp_path, "b.db")
    assert deals == deals_b and truth == truth_b
    assert report.rows["property_transactions"] == len(deals) > 10_000
    assert report.rows["collateral_truth"] == len(truth) == pledged > 0
    districts = {(c.name, d) for c in ref.CITIES for d, _ in c.districts}
    assert {(r.city, r.district) for r in deals} == districts
    assert all(r.price_fen > 0 and r.days_on_market >= 7 for r in deals)


def test_training_round_trip(tmp_path):
    from sklearn.metrics import roc_auc_score

    from tools.valuation.train import fit_model, labelled_portfolio, synth_engine

    engine = synth_engine(tmp_path / "train.db", 1500, 404, workers=0)
    try:
        x, repaid, frac = labelled_portfolio(engine)
    finally:
        engine.dispose()
    model = fit_model(x, repaid, frac)
    model.training = {"seeds": [404]}
    from tools.valuation.recovery_model import save_model

    save_model(model, tmp_path / "m.json")
    loaded = load_model(tmp_path / "m.json")
    assert loaded == model and loaded.version == "v1-404"
    p3, p_late, mu_late = loaded.predict(x)
    assert roc_auc_score(repaid, p3) > 0.75
    assert abs(p3.mean() - repaid.mean()) < 0.02
    assert ((mu_late >= 0.02) & (mu_late <= 0.98)).all() and ((p_late > 0) & (p_late < 1)).all()
