"""The console in a real browser: headless Chromium (Debian's) driven by Playwright.

An operator logs in, finds the dead-lettered message among the failures grouped by cause,
replays it with a reason once the fault is fixed, and sees it handled in the journal, with
the replay in the audit log and the personal data masked along the way.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from omshub_sample.messages import GreetingV1
from omshub_sample.service import FAULT_FILE_ENV

from admin.users import add_user
from hub.testing import TestHub, reset_memory_broker, running_hub, wait_for
from tests.conftest import Footprint, free_port, unavailable

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestHub, str, Path]]:
    """An embedded hub with the console, the sample greeter out of order, one operator."""
    flag = tmp_path / "greeter-fault"
    flag.touch()
    monkeypatch.setenv(FAULT_FILE_ENV, str(flag))
    reset_memory_broker()
    port = free_port()
    settings = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}").settings(
        tmp_path, retry_delays=(1,), admin_port=port, secret_key="browser-test-key")
    with running_hub(settings, ["hub.router", "handler.greeter", "console"]) as h:
        add_user(h.db, "olga", "correct horse battery", "operator")
        add_user(h.db, "anna", "another horse battery", "administrator")
        yield h, f"http://127.0.0.1:{port}", flag
    reset_memory_broker()


def test_operator_replays_a_dead_letter_in_the_browser(hub: tuple[TestHub, str, Path]) -> None:
    if CHROMIUM is None:
        unavailable("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    h, base, flag = hub
    env = h.publish(GreetingV1(name="Иванова Мария", snils="112-233-445 95"))
    wait_for(lambda: h.status_of(env.id) == "dead", message="the greeting dead-lettered")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()
            page.goto(f"{base}/dead-letters")
            # Not logged in: the console sends us to the login form.
            expect(page.locator("#login")).to_be_visible()
            page.fill("#username", "olga")
            page.fill("#password", "wrong")
            page.click("#login")
            expect(page.locator("#login-error")).to_be_visible()
            page.fill("#username", "olga")
            page.fill("#password", "correct horse battery")
            page.click("#login")

            # Failures grouped by cause; the greeter's shows one message.
            page.goto(f"{base}/dead-letters")
            group = page.locator("tr.group-row", has_text="GreeterOutOfOrder")
            expect(group).to_have_count(1)
            expect(group.locator("td.num")).to_have_text("1")
            group.locator("a[id^=open-]").click()
            page.locator("tr.letter-row a").first.click()
            expect(page.locator("#cause")).to_contain_text("out of order")
            # Personal data is masked for an operator without the personal-data right.
            assert "112-233-445 95" not in page.content()
            assert "Иванова" not in page.content()

            # A replay needs a reason; then, with the fault fixed, it goes through.
            flag.unlink()
            page.fill("#replay-reason", "сервис приветствий восстановлен")
            page.click("#replay")
            wait_for(lambda: h.status_of(env.id) == "handled", message="handled after replay")

            page.goto(f"{base}/journal/{env.id}")
            expect(page.locator(".trail-row").last).to_contain_text("обработано")
            expect(page.locator(".trail-row", has_text="отправлено повторно")).to_contain_text(
                "сервис приветствий восстановлен")

            # The audit log, an administrator's page, shows who replayed it and why.
            page.goto(f"{base}/audit")
            expect(page.locator("h1")).to_contain_text("403")
            admin = browser.new_page()
            admin.goto(f"{base}/login")
            admin.fill("#username", "anna")
            admin.fill("#password", "another horse battery")
            admin.click("#login")
            admin.goto(f"{base}/audit")
            row = admin.locator("tr", has_text="сервис приветствий восстановлен")
            expect(row).to_contain_text("olga")
            expect(row).to_contain_text("replay")
        finally:
            browser.close()


def _reloaded(page: Any) -> bool:
    """Whether the document that got the mark is gone (a reload under way counts as not yet)."""
    try:
        return bool(page.evaluate("window.omshubMark === undefined"))
    except Exception:  # noqa: BLE001 - the old document is going away: ask again
        return False


def test_a_list_refreshes_itself_but_not_under_the_operators_hands(
        hub: tuple[TestHub, str, Path]) -> None:
    """The journal reloads itself (static/refresh.js, allowed by the CSP); once a filter is
    being typed it waits, and says so, instead of wiping what was typed."""
    if CHROMIUM is None:
        unavailable("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    _, base, _ = hub
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                    if r.status >= 400 else None)
            page.goto(f"{base}/login?next=/journal%3Frefresh%3D5")
            page.fill("#username", "olga")
            page.fill("#password", "correct horse battery")
            page.click("#login")
            expect(page.locator("#refresh-note")).to_contain_text("Обновляется каждые 5 с")

            # Left alone, the page reloads: a mark set on this document disappears.
            page.evaluate("window.omshubMark = 1")
            wait_for(lambda: _reloaded(page), timeout=20, message="the journal reloaded itself")

            # A filter half typed: the reload waits, and the note says why.
            page.evaluate("window.omshubMark = 1")
            page.fill("#f-type", "sample.gree")
            expect(page.locator("#refresh-held")).to_be_visible(timeout=20_000)
            assert page.evaluate("window.omshubMark") == 1, "the page was not reloaded"
            assert page.input_value("#f-type") == "sample.gree"
            assert errors == [], f"the browser refused something: {errors}"
        finally:
            browser.close()
