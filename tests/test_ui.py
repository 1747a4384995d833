"""The staff page in a real headless Chromium against a live server (Playwright, Debian's chromium)."""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from core.deps import Deps
from server.app import create_app
from tests.conftest import API_KEYS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install chromium)")
expect = playwright.expect
expect.set_options(timeout=20_000)  # a loaded CI machine: server round trips may take seconds
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
TURN_MS = 60_000
RAW_CODES = ("credit_card", "consumer_loan", "property_backed", "senior_desk", "call_center", "auto_reminder",
             "equal_instalment", "no_answer", "bank_transfer", "alipay", "wechat_pay")  # fmt: skip
ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
CN_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


@pytest.fixture
def live_url(deps: Deps) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(deps=deps), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Staff:
    """One browser tab on the page, signed in with a role's key; JavaScript errors are collected."""

    def __init__(self, browser: Any, url: str, role: str, **page_args: Any) -> None:
        self.page = browser.new_page(**page_args)
        self.errors: list[str] = []
        self.chat_bodies: list[dict[str, Any]] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", self._record)
        self.page.goto(url + "/")
        self.role = role
        with self.page.expect_response(lambda r: "/v1/copilot/approvals" in r.url):
            self.page.fill("#key", API_KEYS[role])
            self.page.dispatch_event("#key", "change")

    def _record(self, request: Any) -> None:
        if request.method == "POST" and request.url.split("?")[0].endswith("/v1/chat"):
            self.chat_bodies.append(json.loads(request.post_data or "{}"))

    def ask(self, message: str) -> Any:
        """Send a message and wait for its turn to finish; the turn's element."""
        turns = self.page.locator("#log .turn")
        before = turns.count()
        self.page.fill("#q", message)
        self.page.click("#send")
        expect(turns).to_have_count(before + 1, timeout=TURN_MS)
        turn = turns.nth(before)
        expect(turn.locator(".msg.answer, .msg.err").first).to_be_visible(timeout=TURN_MS)
        expect(self.page.locator("#send")).to_be_enabled(timeout=TURN_MS)
        return turn

    def close(self) -> None:
        assert self.errors == [], f"JavaScript errors on the page: {self.errors}"
        self.page.close()


def test_one_thread_keeps_the_case_and_the_card_speaks_chinese(browser: Any, live_url: str) -> None:
    staff = Staff(browser, live_url, "collector")
    page = staff.page
    first = staff.ask("C000123 上次什么时候还款？")
    answer1 = first.locator(".msg.answer").inner_text()
    assert "C000123" in answer1 and "Case C000123" in answer1
    assert "未使用大模型（规则计算） · No model used (rules only)" in answer1
    steps = first.locator(".step").all_inner_texts()
    assert steps and all(s.startswith("✓") for s in steps), steps
    assert any("查看案件" in s and "read a case" in s for s in steps), steps
    expect(page.locator("#card")).to_contain_text("C000123")

    second = staff.ask("那他的担保人呢？")
    answer2 = second.locator(".msg.answer").inner_text()
    assert "C000123" in answer2 and "担保人" in answer2
    assert any("查看案件" in s for s in second.locator(".step").all_inner_texts())
    # One conversation: the follow-up went on the first turn's thread.
    assert staff.chat_bodies[0]["thread_id"] is None
    thread_id = staff.chat_bodies[1]["thread_id"]
    assert thread_id and thread_id.startswith("t-")
    assert thread_id in page.inner_text("#thread-bar")

    card = page.inner_text("#card")
    assert "C000123" in card and "信用卡" in card and "****" in card
    assert "担保人 Guarantors" in card and "最近还款 Last payments" in card
    for code in RAW_CODES:
        assert code not in card, f"raw code {code!r} in the card"
    assert not ISO_UTC.search(card), "a raw ISO timestamp in the card"
    assert CN_MINUTE.search(card), "contact times in Beijing time"

    # A reload keeps this tab's conversation (thread id in sessionStorage) and its case card.
    page.reload()
    expect(page.locator("#log .msg.me")).to_have_count(2)
    expect(page.locator("#log")).to_contain_text("那他的担保人呢？")
    expect(page.locator("#card")).to_contain_text("C000123")
    assert thread_id in page.inner_text("#thread-bar")

    # 新对话 starts a fresh thread: the next message carries no thread id and the log is cleared.
    page.click("#new-thread")
    expect(page.locator("#log .turn")).to_have_count(0)
    assert "No case yet" in page.inner_text("#card")
    staff.ask("C000010 上次什么时候还款？")
    assert staff.chat_bodies[2]["thread_id"] is None
    expect(page.locator("#card")).to_contain_text("C000010")
    staff.close()


def test_sources_are_numbered_and_failed_steps_marked(browser: Any, live_url: str) -> None:
    staff = Staff(browser, live_url, "collector")
    turn = staff.ask("晚上10点后可以打电话吗？")
    answer = turn.locator(".msg.answer")
    assert "[1]" in answer.locator(".answer-text").inner_text()
    items = answer.locator("ol.sources li").all_inner_texts()
    assert items, "no source list"
    for n, item in enumerate(items, 1):
        assert item.startswith(f"[{n}] 《"), item
    assert any("联系合规闸门" in s for s in turn.locator(".step").all_inner_texts())
    # A failed tool call is marked ✗ with its error.
    failed = staff.ask("C999999 上次什么时候还款？")
    step = failed.locator(".step.failed")
    expect(step).to_have_count(1)
    assert step.inner_text().startswith("✗") and "查看案件" in step.inner_text()
    assert "unknown case: C999999" in step.inner_text()
    staff.close()


def test_offer_waits_for_a_supervisor_who_approves_it(browser: Any, live_url: str) -> None:
    collector = Staff(browser, live_url, "collector")
    expect(collector.page.locator("#approvals-panel")).to_be_hidden()
    turn = collector.ask("按70%给C000003做结清方案")
    assert "⏸" in turn.inner_text()
    expect(turn.locator(".waiting")).to_contain_text("协商方案")
    expect(collector.page.locator("#waiting-banner")).to_be_visible()
    expect(collector.page.locator("#approvals-panel")).to_be_hidden()
    # The waiting thread refuses another message (409), and the page says so.
    blocked = collector.ask("再看看")
    expect(blocked.locator(".msg.err.wait")).to_contain_text("409")
    expect(blocked.locator(".msg.err.wait")).to_contain_text("⏸")

    supervisor = Staff(browser, live_url, "supervisor")
    page = supervisor.page
    expect(page.locator("#approvals-panel")).to_be_visible()
    item = page.locator(".approval", has_text="C000003")
    expect(item).to_have_count(1)
    shown = item.inner_text()
    assert "协商方案" in shown and "70.0%" in shown and "beyond the collector's authority" in shown
    time_shown = item.locator(".time").inner_text()
    assert CN_MINUTE.fullmatch(time_shown), time_shown
    # An edit beyond a supervisor's authority too is refused (422) and its detail shown.
    item.get_by_role("button", name="修改 Edit").click()
    item.locator("input[data-field=amount]").fill("1")
    item.get_by_role("button", name="提交修改 Submit edit").click()
    expect(item.locator(".item-error")).to_contain_text("422")
    # Approve: the decision's answer is shown and the list no longer holds it.
    item.locator(".note-input").fill("同意 ok")
    item.get_by_role("button", name="批准 Approve").click()
    expect(page.locator("#decision")).to_contain_text("主管已批准", timeout=TURN_MS)
    expect(page.locator("#decision")).to_contain_text("C000003")
    expect(page.locator(".approval", has_text="C000003")).to_have_count(0)
    page.click("#refresh-approvals")
    expect(page.locator("#approvals-status")).to_contain_text("暂无待审批")

    # Back in the collector's tab: the decision shows up on its conversation.
    collector.page.click("#check-thread")
    expect(collector.page.locator("#log .msg.answer").last).to_contain_text("主管已批准")
    expect(collector.page.locator("#waiting-banner")).to_be_hidden()
    card = collector.page.locator("#card")
    expect(card).to_contain_text("C000003")
    expect(card).to_contain_text("申请方案审批")
    assert "offer_approval_requested" not in card.inner_text() and "property_backed" not in card.inner_text()
    supervisor.close()
    collector.close()


def test_phone_width_single_column_without_overflow(browser: Any, live_url: str) -> None:
    staff = Staff(browser, live_url, "supervisor", viewport={"width": 390, "height": 844})
    page = staff.page
    for selector in ("#q", "#send"):
        expect(page.locator(selector)).to_be_visible()
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert box["y"] + box["height"] <= 844, f"{selector} is below the fold"
    turn = staff.ask("<b>C000123</b> 上次什么时候还款？")
    # Typed text is shown as text, never parsed as HTML.
    assert "<b>C000123</b>" in turn.locator(".msg.me").inner_text()
    assert page.locator("#log b").count() == 0
    expect(page.locator("#card")).to_contain_text("C000123")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    chat = page.locator("#chat").bounding_box()
    card = page.locator("#card-panel").bounding_box()
    approvals = page.locator("#approvals-panel").bounding_box()
    assert chat and card and approvals
    assert card["y"] >= chat["y"] + chat["height"] and approvals["y"] >= card["y"] + card["height"]
    assert card["width"] <= 390 and approvals["width"] <= 390
    staff.close()
