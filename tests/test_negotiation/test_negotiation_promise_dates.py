import datetime as dt
from pathlib import Path

import pytest

import agents.negotiation.templates as templates
from core.deps import Deps
from tests.test_negotiation.test_negotiation_approved import turn
from tools.negotiation.cn_dates import parse_cn_date
from tools.negotiation.promises import PromiseStore, parse_promise

TODAY = dt.date(2026, 11, 3)  # a Tuesday; the week's Monday is 2 November


@pytest.mark.parametrize(
    ("text", "expected"),
    [("下周还", None), ("下个月还", None), ("过几天还", None), ("发了工资就还", None),
     ("这周末", "2026-11-07"), ("周末", "2026-11-07"), ("下周末", "2026-11-14"), ("下下周二", "2026-11-17"),
     ("下周一之前", "2026-11-09"), ("礼拜天", "2026-11-08"), ("下星期三", "2026-11-11"),
     ("下个月15号", "2026-12-15"), ("下月10号", "2026-12-10"), ("这个月底", "2026-11-30"), ("月底前", "2026-11-30"),
     ("下个月底", "2026-12-31")],
)  # fmt: skip
def test_week_and_month_variants(text: str, expected: str | None) -> None:
    found = parse_cn_date(text, TODAY)
    assert (found.isoformat() if found else None) == expected


@pytest.mark.parametrize(
    ("text", "amount", "due"),
    [("我下周还三千", "3000.00", None), ("这周末还两千", "2000.00", "2026-11-07"),
     ("下周三先转1500", "1500.00", "2026-11-11"), ("下个月15号还五千", "5000.00", "2026-12-15"),
     ("月底前还一万", "10000.00", "2026-11-30")],
)  # fmt: skip
def test_promise_variants(text: str, amount: str, due: str | None) -> None:
    terms = parse_promise(text, TODAY)
    assert str(terms.amount) == amount
    assert (terms.due_on.isoformat() if terms.due_on else None) == due


@pytest.mark.parametrize(
    ("message", "problem"),
    [("我下周还三千", "no date"), ("下个月还三千", "no date"), ("我下周还", "no amount"),
     ("下个月20号还三千", "beyond 30 days")],
)  # fmt: skip
async def test_a_promise_without_a_day_asks_for_one_and_records_nothing(
    deps: Deps, tmp_path: Path, message: str, problem: str
) -> None:
    result = await turn(deps, tmp_path / "c.db", "C000006", message, "t")
    assert result.reading and result.reading.primary == "promise_to_pay"
    assert result.promise and not result.promise.recorded and any(problem in p for p in result.promise.problems)
    assert PromiseStore(deps.sessions).for_case("C000006") == []
    # The reply is the approved question asking for the day and the amount.
    draft = result.draft
    assert draft and draft.sendable and draft.template_id == "approved-scripts-zh/promise-clarify"
    assert draft.text and "具体哪一天" in draft.text and result.handoff is None


async def test_without_the_approved_question_nothing_unapproved_is_sent(
    deps: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = {k: v for k, v in templates.scripts().items() if k != "promise-clarify"}
    monkeypatch.setattr(templates, "scripts", lambda: shipped)
    result = await turn(deps, tmp_path / "c.db", "C000006", "我下周还三千", "t")
    draft = result.draft
    assert draft and not draft.sendable and draft.text is None and draft.withheld_reason
    assert "确认还款日期" in draft.withheld_reason and "promise-clarify" in draft.withheld_reason


async def test_with_the_approved_question_the_reply_asks_for_the_day(deps: Deps, tmp_path: Path) -> None:
    result = await turn(deps, tmp_path / "c.db", "C000006", "我下周还三千", "t")
    draft = result.draft
    assert draft and draft.sendable and draft.template_id == "approved-scripts-zh/promise-clarify"
    assert draft.text and "具体哪一天" in draft.text and draft.text.startswith("【清收示范银行】")
    # a day named in the next turn is recorded and confirmed
    second = await turn(deps, tmp_path / "c.db", "C000006", "那就下周三还三千", "t")
    assert second.promise and second.promise.recorded and second.promise.due_on == dt.date(2026, 11, 11)
    assert second.draft and second.draft.template_id == "approved-scripts-zh/promise-confirmation"
