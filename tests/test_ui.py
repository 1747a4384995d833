"""The staff page in a real headless Chromium against a live server (Playwright, Debian's chromium)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from core.deps import Deps
from server.app import create_app
from tests.conftest import API_KEYS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install chromium)")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip


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


def test_chat_triages_a_case_and_shows_the_card(live_url: str) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(live_url + "/")
        page.fill("#key", API_KEYS["collector"])
        page.dispatch_event("#key", "change")
        page.fill("#q", "分析案件 C000123")
        page.click("#send")
        answer = page.wait_for_selector(".msg.bot >> nth=1", timeout=60_000)
        assert answer is not None
        text = answer.inner_text()
        assert "C000123" in text and "Case C000123" in text
        assert "No model used" in text
        steps = page.locator(".step").all_inner_texts()
        assert steps == [
            "载入案件 Load case",
            "智能分案 Triage",
            "下一步行动 Plan next action",
            "提醒草稿 Reminder draft",
            "合规审查 Compliance review",
            "行动简报 Brief",
        ]
        card = page.inner_text("#card")
        assert "C000123" in card and "****" in card
        # An M1 case on an automated reminder: the draft is shown with its compliance verdict.
        page.fill("#q", "分析案件 C000018")
        page.click("#send")
        draft = page.wait_for_selector(".msg.draft", timeout=60_000)
        assert draft is not None
        shown = draft.inner_text()
        assert "已逾期28天" in shown and "Passed compliance review" in shown
        # A wrong key is reported on the page, not swallowed.
        page.fill("#key", "wrong-key-xxxxxxxxxxxxxxx")
        page.dispatch_event("#key", "change")
        page.fill("#q", "分析案件 C000001")
        page.click("#send")
        error = page.wait_for_selector(".msg.err", timeout=30_000)
        assert error is not None and "401" in error.inner_text()
        browser.close()
