"""Rules loader errors, hard overrides, channel limits, tiers and contact-window learning."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.repository import CaseNotFoundError
from tests.test_triage.conftest import CaseSpec, utc
from tools.triage.frames import iter_chunks
from tools.triage.models import Tier
from tools.triage.rules import DEFAULT_RULES, RulesError, load_rules
from tools.triage.tool import triage_case
from tools.triage.window import learn_windows


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _default() -> dict:
    return yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))


def test_packaged_rules_load():
    rules = load_rules()
    assert rules.version and len(rules.scorecard.features) >= 10


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("version"), "version"),
        (lambda d: d["treatments"].pop("legal"), "treatments missing for tiers: legal"),
        (lambda d: d["treatments"]["legal"].update(channels=["pigeon"]), "unknown channels: pigeon"),
        (lambda d: d["tiers"][0].update(tier="jail"), "tiers.0.tier"),
        (lambda d: d["tiers"][0]["when"].update(bucket=["M1"]), "tiers.0.when.bucket"),
        (lambda d: d["scorecard"]["features"][0]["bands"].reverse(), "upper: null"),
        (lambda d: d["tiers"][1].update(code=d["tiers"][0]["code"]), "duplicate rule codes"),
        (lambda d: d["contact_window"].update(default_start_hour=6), "default window"),
    ],
)
def test_loader_refuses_bad_rules(tmp_path, mutate, message):
    data = _default()
    mutate(data)
    with pytest.raises(RulesError) as err:
        load_rules(_write(tmp_path, data))
    assert message in str(err.value)
    assert str(tmp_path) in str(err.value)


def test_loader_refuses_missing_and_non_yaml(tmp_path):
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: [unclosed", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid YAML"):
        load_rules(bad)
    bad.write_text("- a list", encoding="utf-8")
    with pytest.raises(RulesError, match="mapping"):
        load_rules(bad)


@pytest.mark.parametrize(
    ("flags", "queue", "code"),
    [
        (["dispute"], "review_dispute", "override_dispute"),
        (["deceased"], "review_estate", "override_deceased"),
        (["legal_hold"], "review_legal", "override_legal_hold"),
        (["bankruptcy"], "review_legal", "override_bankruptcy"),
        (["vulnerable"], "review_vulnerable", "override_vulnerable"),
        (["complaint_open"], "review_complaint", "override_complaint_open"),
        (["vulnerable", "deceased"], "review_estate", "override_deceased"),
    ],
)
def test_hard_overrides_send_to_human_review(triage_db, flags, queue, code):
    triage_db.add(CaseSpec(case_id="C000010", flags=flags, dpd=5, bucket="M1"))
    result = triage_case(triage_db.repo, "C000010")
    assert result.tier is Tier.HUMAN_REVIEW
    assert result.queue == queue
    assert result.channel == "none" and result.contact_window is None
    assert result.reasons[0].code == code and result.reasons[0].zh and result.reasons[0].en
    assert {r.code for r in result.reasons} >= {f"override_{f}" for f in flags}
    case = triage_db.repo.get_case("C000010")
    assert (case.tier, case.queue) == ("human_review", queue)
    assert case.audit[-1].action == "triage" and case.audit[-1].detail["reasons"][0] == code


def test_opt_out_limits_channels(triage_db):
    triage_db.add(CaseSpec(case_id="C000011", flags=["opt_out"], dpd=75, bucket="M3"))
    result = triage_case(triage_db.repo, "C000011")
    assert result.tier is Tier.AGENT_CALL
    assert result.channel == "letter"
    assert "limit_opt_out" in [r.code for r in result.reasons]


@pytest.mark.parametrize(
    ("spec", "tier", "rule"),
    [
        (CaseSpec(case_id="C000020", legal_status="judgment", dpd=20, bucket="M1"), Tier.LEGAL, "tier_legal_status"),
        (
            CaseSpec(case_id="C000020", dpd=400, bucket="M6+", out_principal_fen=8_000_000),
            Tier.LEGAL,
            "tier_legal_late_high_balance",
        ),
        (CaseSpec(case_id="C000020", dpd=75, bucket="M3"), Tier.AGENT_CALL, "tier_mid_call"),
        (
            CaseSpec(
                case_id="C000020",
                dpd=0,
                bucket="M0",
                income_band=">30k",
                employment="civil_servant",
                guarantors=1,
                collateral_fen=[10_000_000],
                product="property_backed",
            ),
            Tier.REMINDER,
            "tier_self_cure",
        ),
    ],
)
def test_tiers_follow_rules(triage_db, spec, tier, rule):
    triage_db.add(spec)
    result = triage_case(triage_db.repo, "C000020")
    assert result.tier is tier
    assert result.reasons[0].code == rule
    assert any(r.code.startswith("feature_") for r in result.reasons)
    assert result.propensity_source.startswith("model:") and result.contributions


def test_unknown_case_raises(triage_db):
    with pytest.raises(CaseNotFoundError):
        triage_case(triage_db.repo, "C999999")


def test_contact_window_learned_from_log(triage_db):
    # Local time is UTC+8: 02:00 UTC is 10:00 local, 10:00 UTC is 18:00 local, 12:00 UTC is 20:00 local.
    contacts = [
        (utc(2025, 6, d, 2, 30), "call", "right_party_contact" if d < 4 else "no_answer", "debtor")
        for d in (1, 2, 3, 4)
    ]
    contacts += [
        (utc(2025, 6, d, 10), "call", "right_party_contact" if d == 5 else "no_answer", "debtor") for d in range(5, 10)
    ]
    contacts += [(utc(2025, 6, d, 12), "call", "right_party_contact", "debtor") for d in (10, 11)]  # too few
    contacts += [(utc(2025, 6, d, 22), "call", "right_party_contact", "debtor") for d in range(12, 20)]  # 06:00 local
    triage_db.add(CaseSpec(case_id="C000030", contacts=contacts))
    triage_db.add(CaseSpec(case_id="C000031", contacts=contacts[:3]))
    triage_db.add(CaseSpec(case_id="C000032", contacts=contacts[:4], utc_offset_min=0))
    rules = load_rules()
    (raw,) = list(iter_chunks(triage_db.engine, 10))
    windows = learn_windows(raw, rules.contact_window)
    best = windows.loc["C000030"]
    assert (best["window_start"], best["window_end"], best["window_learned"]) == (10, 12, True)
    assert best["window_rpc_rate"] == pytest.approx(0.75)
    default = windows.loc["C000031"]
    assert (default["window_start"], default["window_end"], default["window_learned"]) == (18, 20, False)
    assert windows.loc["C000032", "window_learned"] == False  # noqa: E712  02:30 local is outside 08-22
    result = triage_case(triage_db.repo, "C000030")
    assert result.contact_window is not None and result.contact_window.source == "learned"
    assert "window_learned" in [r.code for r in result.reasons]
