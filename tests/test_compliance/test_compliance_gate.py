"""The pre-contact gate: flags, quiet hours in local time, contacts, CN daily limits and the US 7-in-7."""

from __future__ import annotations

import datetime as dt

import pytest

from core.domain import CaseFile, CaseFlag, Channel, ContactAttempt, ContactOutcome
from tests.test_compliance.conftest import make_case
from tools.compliance.gate import PlannedContact, check_contact
from tools.compliance.review import UnknownJurisdictionError

CN = dt.timezone(dt.timedelta(hours=8))
UTC = dt.UTC


def plan(hour: int, minute: int = 0, *, channel: Channel = Channel.CALL, callee: str = "debtor", tz=CN, day: int = 2):
    return PlannedContact.model_validate(
        {"channel": channel, "at": dt.datetime(2026, 3, day, hour, minute, tzinfo=tz), "callee": callee}
    )


def attempts(n: int, outcome: ContactOutcome, *, start: dt.datetime, callee: str = "debtor") -> list[ContactAttempt]:
    return [
        ContactAttempt(channel=Channel.CALL, at=start + dt.timedelta(minutes=10 * i), outcome=outcome, callee=callee)
        for i in range(n)
    ]


def test_daytime_call_is_allowed(case: CaseFile) -> None:
    decision = check_contact(plan(10), [], case=case)
    assert decision.allowed and decision.rule_id is None
    assert decision.checked[:2] == ["policy.flags", "cn.quiet_hours"]


@pytest.mark.parametrize(("hour", "minute", "allowed"), [(21, 59, True), (22, 0, False), (7, 59, False), (8, 0, True)])
def test_quiet_hours_edges(case: CaseFile, hour: int, minute: int, allowed: bool) -> None:
    decision = check_contact(plan(hour, minute), [], case=case)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.rule_id == "cn.quiet_hours"
        assert decision.citation is not None and decision.citation.rule == "cn-nifa-standard-2025/quiet-hours"
        assert "22:00-08:00" in decision.reason_en


def test_quiet_hours_use_the_debtors_offset_not_the_planners() -> None:
    urumqi = make_case(debtor=make_case().debtor.model_copy(update={"utc_offset_min": 360}))
    # 23:30 in Beijing is 21:30 in a +06:00 zone: allowed there, refused for a +08:00 debtor.
    assert check_contact(plan(23, 30), [], case=urumqi).allowed
    assert not check_contact(plan(23, 30), [], case=make_case()).allowed
    # The same instant written in UTC gives the same answer.
    assert not check_contact(plan(15, 30, tz=UTC), [], case=make_case()).allowed


def test_letters_ignore_quiet_hours(case: CaseFile) -> None:
    assert check_contact(plan(23, channel=Channel.LETTER), [], case=case).allowed


def test_debtor_agreed_time_lifts_quiet_hours(case: CaseFile) -> None:
    agreed = plan(22, 30).model_copy(update={"debtor_agreed_time": True})
    assert check_contact(agreed, [], case=case).allowed


@pytest.mark.parametrize("flag", [CaseFlag.LEGAL_HOLD, CaseFlag.DISPUTE, CaseFlag.OPT_OUT, CaseFlag.BANKRUPTCY])
def test_stopping_flags_refuse_every_contact(flag: CaseFlag) -> None:
    decision = check_contact(plan(10, channel=Channel.SMS), [], case=make_case(flags=[flag]))
    assert not decision.allowed and decision.rule_id == f"policy.{flag.value}"


def test_us_opt_out_cites_reg_f_for_electronic_messages() -> None:
    decision = check_contact(
        plan(10, channel=Channel.SMS), [], case=make_case(flags=[CaseFlag.OPT_OUT]), jurisdiction="US"
    )
    assert decision.citation is not None and decision.citation.rule == "us-reg-f/1006.6e"


def test_deceased_debtor_cannot_be_called_but_contacts_can() -> None:
    case = make_case(flags=[CaseFlag.DECEASED])
    assert check_contact(plan(10), [], case=case).rule_id == "policy.deceased"
    assert check_contact(plan(10, callee="contact"), [], case=case).allowed


def test_fourth_connected_call_of_the_day_is_refused(case: CaseFile) -> None:
    morning = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    history = attempts(3, ContactOutcome.RIGHT_PARTY_CONTACT, start=morning)
    decision = check_contact(plan(15), history, case=case)
    assert not decision.allowed and decision.rule_id == "cn.max_connected_calls_per_day"
    assert decision.citation is not None and decision.citation.rule == "cn-nifa-standard-2025/call-frequency"
    assert check_contact(plan(15), history[:2], case=case).allowed
    # Yesterday's calls do not count; SMS is not limited by the call rule.
    assert check_contact(plan(15, day=3), history, case=case).allowed
    assert check_contact(plan(15, channel=Channel.SMS), history, case=case).allowed


def test_local_day_boundary_counts_in_the_debtors_time(case: CaseFile) -> None:
    # 16:30 UTC on 1 March is 00:30 on 2 March in Beijing: those calls count for 2 March.
    late = dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    history = attempts(3, ContactOutcome.CONNECTED, start=late)
    assert check_contact(plan(10), history, case=case).rule_id == "cn.max_connected_calls_per_day"


def test_seventh_unanswered_dial_is_refused(case: CaseFile) -> None:
    start = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert check_contact(plan(15), attempts(5, ContactOutcome.NO_ANSWER, start=start), case=case).allowed
    decision = check_contact(plan(15), attempts(6, ContactOutcome.NO_ANSWER, start=start), case=case)
    assert decision.rule_id == "cn.max_unanswered_dials_per_number_per_day"
    assert decision.citation is not None and decision.citation.rule == "cn-cba-2026/dial-attempts"


def test_contacts_only_when_the_debtor_is_unreachable(case: CaseFile) -> None:
    start = dt.datetime(2026, 2, 25, 2, 0, tzinfo=UTC)
    refused = check_contact(plan(10, callee="contact"), [], case=case)
    assert not refused.allowed and refused.citation is not None
    assert refused.citation.rule == "cn-nifa-standard-2025/contacts-when"
    reached = attempts(1, ContactOutcome.CONNECTED, start=start)
    assert not check_contact(plan(10, callee="contact"), reached, case=case).allowed
    unreachable = attempts(4, ContactOutcome.NO_ANSWER, start=start)
    assert check_contact(plan(10, callee="contact"), unreachable, case=case).allowed
    said_no = [*unreachable, *attempts(1, ContactOutcome.REFUSED, start=start, callee="contact")]
    decision = check_contact(plan(10, callee="contact"), said_no, case=case)
    assert decision.citation is not None and decision.citation.rule == "cn-nifa-standard-2025/contacts-refuse"


def test_unrelated_third_parties_are_never_allowed(case: CaseFile) -> None:
    decision = check_contact(plan(10, callee="third_party"), [], case=case)
    assert not decision.allowed and decision.rule_id == "cn.no_unrelated_third_parties"


def test_guarantors_may_be_called(case: CaseFile) -> None:
    assert check_contact(plan(10, callee="guarantor"), [], case=case).allowed


def test_us_quiet_hours_start_at_nine_pm(case: CaseFile) -> None:
    assert check_contact(plan(20, 59), [], case=case, jurisdiction="US").allowed
    decision = check_contact(plan(21, 0), [], case=case, jurisdiction="US")
    assert decision.rule_id == "us.inconvenient_hours"
    assert decision.citation is not None and decision.citation.rule == "us-reg-f/1006.6b1i"


def test_us_seven_calls_in_seven_days(case: CaseFile) -> None:
    days = [
        ContactAttempt(
            channel=Channel.CALL,
            at=dt.datetime(2026, 2, 24, 2, tzinfo=UTC) + dt.timedelta(days=i),
            outcome=ContactOutcome.NO_ANSWER,
        )
        for i in range(7)
    ]
    decision = check_contact(plan(12), days, case=case, jurisdiction="US")
    assert decision.rule_id == "us.call_frequency" and "7" in decision.reason_en
    assert check_contact(plan(12), days[1:], case=case, jurisdiction="US").allowed


def test_us_wait_seven_days_after_a_conversation(case: CaseFile) -> None:
    talk = [
        ContactAttempt(
            channel=Channel.CALL, at=dt.datetime(2026, 2, 26, 2, tzinfo=UTC), outcome=ContactOutcome.CONNECTED
        )
    ]
    decision = check_contact(plan(12), talk, case=case, jurisdiction="US")
    assert not decision.allowed and "wait 7 days" in decision.reason_en
    assert check_contact(plan(12, day=6), talk, case=case, jurisdiction="US").allowed
    # CN has no such wait.
    assert check_contact(plan(12), talk, case=case).allowed


def test_unknown_jurisdiction_and_naive_time_are_refused(case: CaseFile) -> None:
    with pytest.raises(UnknownJurisdictionError):
        check_contact(plan(10), [], case=case, jurisdiction="XX")
    with pytest.raises(ValueError, match="UTC offset"):
        PlannedContact.model_validate({"channel": "call", "at": "2026-03-02T10:00:00"})
