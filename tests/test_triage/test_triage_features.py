"""Features on hand-built rows with known answers, and the per-case path agreeing with the portfolio path."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from tests.test_triage.conftest import CaseSpec, utc
from tools.triage.features import NEVER_DAYS, compute_features, numeric_columns
from tools.triage.frames import frames_from_case, iter_chunks
from tools.triage.pipeline import iter_portfolio
from tools.triage.rules import load_rules
from tools.triage.tool import triage_casefile

D = dt.date


def rich_case(case_id: str = "C000001") -> CaseSpec:
    return CaseSpec(
        case_id=case_id,
        flags=["dispute", "opt_out"],
        guarantors=2,
        collateral_fen=[3_000_000],
        repayments=[
            (D(2025, 6, 20), 100_000),
            (D(2025, 3, 1), 200_000),
            (D(2024, 8, 1), 300_000),
            (D(2024, 1, 1), 400_000),
            (D(2025, 7, 5), 50_000),  # after the snapshot: ignored
        ],
        promises=[
            (D(2025, 5, 1), D(2025, 5, 10), 100_000, "kept"),
            (D(2025, 6, 1), D(2025, 6, 10), 100_000, "broken"),
            (D(2025, 6, 25), D(2025, 7, 5), 100_000, "pending"),
        ],
        contacts=[
            (utc(2025, 6, 29, 2), "call", "right_party_contact", "debtor"),
            (utc(2025, 6, 28, 2, 30), "call", "promise_to_pay", "debtor"),
            (utc(2025, 6, 10, 3), "call", "no_answer", "debtor"),
            (utc(2025, 5, 1, 12), "call", "wrong_number", "contact"),
            (utc(2025, 4, 1, 12), "call", "refused", "debtor"),
            (utc(2025, 6, 15, 1), "sms", "connected", "debtor"),
        ],
    )


def test_features_known_answers(triage_db):
    triage_db.add(rich_case())
    (raw,) = list(iter_chunks(triage_db.engine, 10))
    f = compute_features(raw).loc["C000001"]
    expected = {
        "dpd": 45,
        "bucket_index": 2,
        "outstanding_principal": 20_000.0,
        "outstanding_interest": 1_500.0,
        "outstanding_penalty": 500.0,
        "outstanding_total": 22_000.0,
        "principal": 50_000.0,
        "principal_outstanding_ratio": 0.4,
        "outstanding_ratio": 0.44,
        "payments_count_3m": 1,
        "payments_amount_3m": 1_000.0,
        "payments_count_6m": 2,
        "payments_amount_6m": 3_000.0,
        "payments_count_12m": 3,
        "payments_amount_12m": 6_000.0,
        "payments_count_total": 4,
        "days_since_last_payment": 10,
        "promises_made": 3,
        "promises_kept": 1,
        "promises_broken": 1,
        "promises_pending": 1,
        "promise_kept_rate": 0.5,
        "attempts_total": 6,
        "attempts_30d": 4,
        "rpc_total": 2,
        "rpc_30d": 2,
        "rpc_rate": 2 / 6,
        "rpc_rate_30d": 0.5,
        "calls_total": 5,
        "answer_rate": 0.8,
        "wrong_number_share": 1 / 6,
        "third_party_share": 1 / 6,
        "refusals": 1,
        "ptp_outcomes": 1,
        "days_since_last_contact": 1,
        "days_since_last_rpc": 1,
        "age": 40,
        "city_tier": 2,
        "is_consumer_loan": 1,
        "is_credit_card": 0,
        "n_guarantors": 2,
        "has_guarantor": 1,
        "collateral_value": 30_000.0,
        "collateral_cover": 30_000 / 22_000,
        "flag_dispute": 1,
        "flag_opt_out": 1,
        "flag_deceased": 0,
        "legal_status_index": 0,
        "case_age_days": 60,
    }
    for name, value in expected.items():
        assert f[name] == pytest.approx(value), name
    assert f["log_outstanding_total"] == pytest.approx(math.log1p(22_000.0))
    assert f["bucket"] == "M2" and f["income_band"] == "5k-8k"
    assert len(numeric_columns(compute_features(raw))) >= 30


def test_features_of_a_case_without_history(triage_db):
    triage_db.add(CaseSpec(case_id="C000002"))
    (raw,) = list(iter_chunks(triage_db.engine, 10))
    f = compute_features(raw).loc["C000002"]
    assert f["attempts_total"] == 0 and f["rpc_rate"] == 0 and f["answer_rate"] == 0
    assert f["days_since_last_payment"] == NEVER_DAYS
    assert f["days_since_last_contact"] == NEVER_DAYS
    assert f["collateral_cover"] == 0 and f["has_guarantor"] == 0


def test_per_case_path_equals_portfolio_path(triage_db):
    triage_db.add(rich_case("C000001"))
    triage_db.add(CaseSpec(case_id="C000002"))
    triage_db.add(CaseSpec(case_id="C000003", dpd=200, bucket="M6+", product="credit_card", legal_status="litigation"))
    triage_db.add(
        CaseSpec(
            case_id="C000004",
            dpd=10,
            bucket="M1",
            utc_offset_min=420,
            contacts=[(utc(2025, 6, d, 11, 59), "call", "right_party_contact", "debtor") for d in range(1, 9)],
        )
    )
    rules = load_rules()
    batches = [batch for _raw, batch in iter_portfolio(triage_db.engine, rules, chunk_size=3)]
    assert sum(len(b.features) for b in batches) == 4
    for batch in batches:
        for case_id in batch.features.index:
            case = triage_db.repo.get_case(case_id)
            single = compute_features(frames_from_case(case)).loc[case_id]
            cols = numeric_columns(batch.features)
            assert single[cols].astype(float).tolist() == pytest.approx(
                batch.features.loc[case_id, cols].astype(float).tolist(), abs=1e-9
            ), case_id
            result = triage_casefile(case, rules)
            assert result.tier.value == batch.decisions.loc[case_id, "tier"]
            assert result.queue == batch.decisions.loc[case_id, "queue"]
            assert result.channel == batch.decisions.loc[case_id, "channel"]
            assert result.propensity == pytest.approx(float(batch.propensity.loc[case_id]), abs=1e-12)
            if result.contact_window is not None:
                assert result.contact_window.start_hour == batch.windows.loc[case_id, "window_start"]
