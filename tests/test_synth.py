import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from core.db import schema as s
from core.deps import Deps, build_deps
from core.domain import bucket_for_dpd
from core.settings import Settings
from core.synth import SynthError, synthesize
from core.synth import reference as ref
from core.synth.block import generate_block
from core.synth.history import BAND_HI, BAND_LO, RPC
from core.synth.identity import check_digit, is_valid_resident_id
from qingshou.cli import app

N = 1500
AS_OF = dt.date(2026, 11, 1)
CITY_CODES = {c.name: {code for _, code in c.districts} for c in ref.CITIES}
CITY_DISTRICTS = {c.name: {d for d, _ in c.districts} for c in ref.CITIES}
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def make_deps(tmp: Path) -> Deps:
    return build_deps(Settings(var_dir=tmp, data_key=None, database_url=""))


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("synth")
    deps = make_deps(tmp)
    report = synthesize(deps.engine, deps.cipher, N, 7, out=tmp / "cases.parquet", chunk_size=10_000)
    yield deps, report, tmp / "cases.parquet"
    deps.close()


def _table(deps, model, order):
    with deps.engine.connect() as conn:
        return conn.execute(select(model.__table__).order_by(*order)).all()


def test_check_digit_known_value():
    # The worked example of GB 11643-1999.
    assert check_digit("11010519491231002") == "X"
    assert is_valid_resident_id("11010519491231002X")
    assert not is_valid_resident_id("110105194912310021")


def test_row_counts_match_report(portfolio):
    deps, report, _ = portfolio
    with deps.engine.connect() as conn:
        for name, count in report.rows.items():
            assert conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() == count, name
        meta = dict(conn.execute(select(s.PortfolioMeta.key, s.PortfolioMeta.value)).all())
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    assert report.rows["cases"] == report.rows["debtors"] == report.rows["loans"] == report.rows["case_truth"] == N
    assert report.rows["collateral"] > 0 and report.rows["guarantors"] > 0
    assert 1.5 < report.rows["contact_attempts"] / N < 5 and 0.5 < report.rows["repayment_events"] / N < 3
    assert meta["seed"] == "7" and meta["cases"] == str(N) and meta["as_of"] == "2026-11-01"
    assert meta["generator_version"]


def test_resident_ids_valid_and_consistent(portfolio):
    deps, _, _ = portfolio
    dec = deps.cipher.decrypt
    for d in _table(deps, s.Debtor, [s.Debtor.id]):
        rid = dec(d.resident_id_enc, "debtors.resident_id_enc")
        birth = dt.date.fromisoformat(dec(d.birth_date_enc, "debtors.birth_date_enc"))
        assert is_valid_resident_id(rid), rid
        assert rid[:6] in CITY_CODES[d.city]
        assert rid[6:14] == birth.strftime("%Y%m%d") and birth.year == d.birth_year
        assert int(rid[16]) % 2 == (1 if d.gender == "M" else 0)
        assert 20 <= (AS_OF - birth).days // 365.25 <= 65
        assert deps.cipher.lookup_hash(rid) == d.resident_id_hash
        phones = json.loads(dec(d.phones_enc, "debtors.phones_enc"))
        assert 1 <= len(phones) <= 2 and all(MOBILE.match(p) and p[:3] in ref.MOBILE_PREFIXES for p in phones)
        assert deps.cipher.lookup_hash(phones[0]) == d.phone_hash
        address = dec(d.address_enc, "debtors.address_enc")
        assert d.city in address and "号" in address and any(x in address for x in CITY_DISTRICTS[d.city])
        contacts = json.loads(dec(d.contacts_enc, "debtors.contacts_enc"))
        assert 2 <= len(contacts) <= 3 and all(MOBILE.match(c["phone"]) for c in contacts)
        name = dec(d.name_enc, "debtors.name_enc")
        assert 2 <= len(name) <= 4
    for g in _table(deps, s.Guarantor, [s.Guarantor.id]):
        rid = dec(g.resident_id_enc, "guarantors.resident_id_enc")
        assert is_valid_resident_id(rid) and deps.cipher.lookup_hash(rid) == g.resident_id_hash


def test_dpd_bucket_and_loan_terms(portfolio):
    deps, _, _ = portfolio
    loans = _table(deps, s.Loan, [s.Loan.id])
    for loan in loans:
        assert loan.bucket == bucket_for_dpd(loan.days_past_due).value
        assert re.fullmatch(r"QS-HT-20\d\d-\d{6}", loan.contract_no)
        assert loan.disbursement_date < AS_OF
        assert loan.outstanding_principal_fen > 0 and loan.outstanding_interest_fen >= 0
    shares = {p: sum(loan.product == p for loan in loans) / len(loans) for p in ref.PRODUCTS}
    assert abs(shares["consumer_loan"] - 0.55) < 0.05 and abs(shares["credit_card"] - 0.30) < 0.05
    buckets = {loan.bucket for loan in loans}
    assert {"M0", "M1", "M2", "M3", "M4", "M5", "M6+"} <= buckets
    with deps.engine.connect() as conn:
        secured = conn.execute(
            select(func.count())
            .select_from(s.Collateral.__table__)
            .join(s.Loan, s.Loan.id == s.Collateral.loan_id)
            .where(s.Loan.product != "property_backed")
        ).scalar_one()
    assert secured == 0


def test_case_round_trip(portfolio):
    deps, _, _ = portfolio
    seen_flags = set()
    for n in (1, 2, 17, 500, N):
        case = deps.cases.get_case(f"C{n:06d}")
        assert case.id == f"C{n:06d}" and case.tenant == "default" and case.as_of == AS_OF
        assert case.loan.id == f"L{n:06d}" and case.debtor.id == f"D{n:06d}"
        assert case.opened_on <= AS_OF
        assert 2 <= len(case.debtor.contacts) <= 3
        assert case.contacts, "every case has at least one attempt"
        for attempt in case.contacts:
            assert attempt.at.tzinfo is not None
            local = attempt.at + dt.timedelta(hours=8)
            assert 8 <= local.hour < 22 and attempt.at.date() <= AS_OF
        for p in case.promises:
            assert p.due_on > p.made_on
            assert (p.status.value == "pending") == (p.due_on >= AS_OF)
        if case.loan.product.value == "property_backed":
            assert len(case.collateral) == 1 and case.collateral[0].appraisal > 0
        seen_flags.update(case.flags)
    with deps.engine.connect() as conn:
        flagged = conn.execute(text("SELECT count(*) FROM cases WHERE flags != '[]'")).scalar_one()
    assert 0 < flagged < N * 0.2


def test_truth_follows_observable_history(portfolio):
    _, _, path = portfolio
    df = pq.read_table(path).to_pandas()
    assert len(df) == N and df["latent_propensity"].between(0, 1).all()
    assert df["recovered_frac_12m"].between(0, 1).all()
    paid = df["n_payments_90d"] > 0
    assert df.loc[paid, "repaid_90d"].mean() > df.loc[~paid, "repaid_90d"].mean() + 0.1
    assert df.loc[df["n_kept"] > 0, "repaid_90d"].mean() > df.loc[df["n_broken"] > 0, "repaid_90d"].mean()
    early = df["bucket"].isin(["M1", "M2"])
    assert df.loc[early, "latent_propensity"].mean() > df.loc[df["bucket"] == "M6+", "latent_propensity"].mean()
    assert df.loc[df["n_rpc"] > 0, "repaid_90d"].mean() > df.loc[df["n_rpc"] == 0, "repaid_90d"].mean()
    assert 0.15 < df["repaid_90d"].mean() < 0.5
    assert (
        df.loc[df["repaid_90d"], "recovered_frac_12m"].mean() > df.loc[~df["repaid_90d"], "recovered_frac_12m"].mean()
    )


def test_feature_model_auc_in_band(portfolio):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    _, _, path = portfolio
    df = pq.read_table(path).to_pandas()
    x = np.column_stack(
        [
            df["days_past_due"].clip(upper=400) / 100,
            df["n_payments_90d"],
            np.log1p(df["paid_90d_fen"]) / 10,
            df["n_kept"],
            df["n_broken"],
            df["n_rpc"],
            df["rpc_rate"],
            df["n_attempts"],
            df["n_promises"],
            df["income_band"].map({b: i for i, b in enumerate(ref.INCOME_BANDS)}),
            df["employment"].map({e: i == 3 for i, e in enumerate(ref.EMPLOYMENT)}).astype(float),
            np.log(df["collateral_cover"].clip(lower=0.3)) * (df["collateral_cover"] > 0),
            df["flags"] != "",
            df["flags"].str.contains("deceased|bankruptcy"),
            df["days_since_last_payment"].clip(-1, 400) / 100,
        ]
    ).astype(float)
    y = df["repaid_90d"].to_numpy()
    pred = cross_val_predict(LogisticRegression(max_iter=2000), x, y, cv=5, method="predict_proba")[:, 1]
    auc = roc_auc_score(y, pred)
    oracle = roc_auc_score(y, df["latent_propensity"])
    assert 0.72 < auc < oracle < 0.97, (auc, oracle)


def test_parquet_has_no_pii_and_matches_db(portfolio):
    deps, _, path = portfolio
    table = pq.read_table(path)
    assert table.num_rows == N
    forbidden = {"name", "resident_id", "phone", "phones", "address", "birth_date", "contacts"}
    assert not forbidden & set(table.column_names)
    df = table.to_pandas().set_index("case_id")
    with deps.engine.connect() as conn:
        rows = conn.execute(
            select(s.Case.id, s.Loan.days_past_due, s.CaseTruth.repaid_90d, s.CaseTruth.latent_propensity)
            .join(s.Loan, s.Loan.id == s.Case.loan_id)
            .join(s.CaseTruth, s.CaseTruth.case_id == s.Case.id)
        ).all()
    for cid, dpd, repaid, prop in rows[:300]:
        assert df.loc[cid, "days_past_due"] == dpd and bool(df.loc[cid, "repaid_90d"]) == repaid
        assert df.loc[cid, "latent_propensity"] == pytest.approx(prop)


def _plain_snapshot(deps):
    dec = deps.cipher.decrypt
    with deps.engine.connect() as conn:
        loans = conn.execute(text("SELECT * FROM loans ORDER BY id")).all()
        attempts = conn.execute(
            text("SELECT case_id, channel, at, outcome, callee FROM contact_attempts ORDER BY case_id, at, channel")
        ).all()
        truth = conn.execute(text("SELECT * FROM case_truth ORDER BY case_id")).all()
        pays = conn.execute(text("SELECT loan_id, paid_on, amount_fen FROM repayment_events ORDER BY 1, 2, 3")).all()
        names = [dec(r[0], "debtors.name_enc") for r in conn.execute(text("SELECT name_enc FROM debtors ORDER BY id"))]
    return loans, attempts, truth, pays, names


def test_seed_determinism_independent_of_workers(tmp_path):
    a, b, c = make_deps(tmp_path / "a"), make_deps(tmp_path / "b"), make_deps(tmp_path / "c")
    try:
        synthesize(a.engine, a.cipher, 5200, 11, workers=0, chunk_size=5000)
        synthesize(b.engine, b.cipher, 5200, 11, workers=2, chunk_size=50_000)
        synthesize(c.engine, c.cipher, 5200, 12, workers=0)
        snap_a, snap_b, snap_c = _plain_snapshot(a), _plain_snapshot(b), _plain_snapshot(c)
        assert snap_a == snap_b
        assert snap_a[0] != snap_c[0] and snap_a[4] != snap_c[4]
    finally:
        for d in (a, b, c):
            d.close()


def test_best_hour_band_is_learnable():
    block = generate_block(3, 0, 5000, (AS_OF - dt.date(1970, 1, 1)).days)
    ev, band = block.events, block.debtors.best_band[block.events.att_case]
    hour = ((ev.att_utc_s + 8 * 3600) % 86400) // 3600
    assert hour.min() >= 8 and hour.max() <= 21
    debtor_calls = ev.att_callee == 0
    in_band = (hour >= BAND_LO[band]) & (hour < BAND_HI[band])
    rpc = (ev.att_outcome >= RPC) & (ev.att_outcome <= 4)
    assert rpc[debtor_calls & in_band].mean() > 1.5 * rpc[debtor_calls & ~in_band].mean()


def test_replace_and_errors(tmp_path):
    deps = make_deps(tmp_path)
    try:
        synthesize(deps.engine, deps.cipher, 300, 1)
        with pytest.raises(SynthError, match="--replace"):
            synthesize(deps.engine, deps.cipher, 300, 1)
        with pytest.raises(SynthError):
            synthesize(deps.engine, deps.cipher, 0, 1)
        deps.cases.append_audit("C000001", actor="t", action="note", detail={})
        report = synthesize(deps.engine, deps.cipher, 200, 2, replace=True)
        assert report.replaced_cases == 300 and deps.cases.count() == 200
    finally:
        deps.close()


def test_cli_exit_codes(tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHOU_VAR_DIR", str(tmp_path))
    runner = CliRunner()
    for bad in ("0", "-3"):
        result = runner.invoke(app, ["data", "synth", "--cases", bad])
        assert result.exit_code == 2 and "--cases" in result.output
    result = runner.invoke(
        app, ["data", "synth", "--cases", "300", "--seed", "5", "--out", str(tmp_path / "o.parquet")]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"]["cases"] == 300
    assert pq.read_table(tmp_path / "o.parquet").num_rows == 300
    result = runner.invoke(app, ["data", "synth", "--cases", "300"])
    assert result.exit_code == 2 and "--replace" in result.output
    result = runner.invoke(app, ["data", "synth", "--cases", "10", "--as-of", "2026-13-01", "--replace"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["data", "synth", "--cases", "120", "--replace", "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["data", "ensure-demo", "--cases", "50"])
    assert result.exit_code == 0 and "already present" in result.output


def test_ensure_demo_is_idempotent(tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHOU_VAR_DIR", str(tmp_path))
    runner = CliRunner()
    first = runner.invoke(app, ["data", "ensure-demo", "--cases", "250", "--seed", "3"])
    assert first.exit_code == 0 and "generated demo portfolio" in first.output
    second = runner.invoke(app, ["data", "ensure-demo", "--cases", "250"])
    assert second.exit_code == 0 and "nothing generated" in second.output
    deps = make_deps(tmp_path)
    try:
        assert deps.cases.count() == 250
    finally:
        deps.close()
