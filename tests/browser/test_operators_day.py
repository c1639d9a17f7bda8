"""An operator's day on the demo, in a real browser (issue 11's "done when").

The hub is assembled as ``omshub up`` assembles it (:func:`hub.cli.start_up`: the embedded
footprint, every installed component, the demo region of the first start), with the sample
greeter out of order so that a few messages fail. An operator with personal-data access,
in headless Chromium (Debian's, driven by Playwright):

- logs in and lands on the overview, whose menu counts the failed messages;
- replays the failed group at a set rate and batch size once the fault is fixed, and follows
  the replay's progress until it is done; the messages are then handled;
- finds a person of the demo region by the beginning of the surname, narrowed by the year of
  birth, opens the card and downloads it as PDF;
- uploads an insurer's OPLIST through the browser on its behalf and downloads the register's
  answer from the exchange protocols;
- exports the journal to Excel and reads it with openpyxl: times are dates, not text.
"""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from omshub_sample.messages import GreetingV1
from omshub_sample.service import FAULT_FILE_ENV

from admin.users import add_user
from handlers.erz.demo import DEMO_SEED
from handlers.erz.synth.population import person
from hub.runtime import HubProcess
from hub.testing import wait_for
from storage.models import journal_messages
from tests.conftest import free_port, unavailable
from tests.demo_kit import newcomers_oplist, running_demo

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "correct horse battery"
FAILED = 3
INSURER = "76002"
STEM = f"OPS{INSURER}T76_2612071"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[HubProcess, str, Path]]:
    """``omshub up`` on a fresh directory, the greeter out of order, an operator with
    personal-data access."""
    if CHROMIUM is None:
        unavailable("Debian's chromium is not installed (apt-get install chromium)")
    flag = tmp_path / "greeter-fault"
    flag.touch()
    monkeypatch.setenv(FAULT_FILE_ENV, str(flag))
    port = free_port()
    with running_demo(tmp_path / "var", admin_port=port, retry_delays=(1,)) as process:
        add_user(process.db, "olga", PASSWORD, "operator", personal_data=True)
        yield process, f"http://127.0.0.1:{port}", flag


def _statuses(process: HubProcess, kind: str) -> list[str]:
    with process.db.read() as conn:
        return list(conn.execute(sa.select(journal_messages.c.status)
                                 .where(journal_messages.c.type == kind)).scalars())


def _reload_until(page: Any, url: str, holds: Any, message: str, timeout: float = 60) -> None:
    """Reload ``url`` until ``holds(page)``: what an operator does with F5."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        if holds(page):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (waited {timeout:.0f} s on {url})")
        page.wait_for_timeout(300)


def test_an_operators_day(demo: tuple[HubProcess, str, Path]) -> None:
    from playwright.sync_api import FilePayload, expect, sync_playwright

    process, base, flag = demo
    ctx = process.components_context("test")
    for n in range(FAILED):
        ctx.publish(GreetingV1(name=f"Посетитель {n}", snils="112-233-445 95"))
    wait_for(lambda: _statuses(process, "sample.greeting").count("dead") == FAILED,
             timeout=60, message="the greetings dead-lettered")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_context(accept_downloads=True).new_page()

            # Morning: log in, the overview first, the failures counted in the menu.
            page.goto(base)
            page.fill("#username", "olga")
            page.fill("#password", PASSWORD)
            page.click("#login")
            expect(page).to_have_url(f"{base}/dashboard")
            expect(page.locator("h1")).to_contain_text("Обзор")
            expect(page.locator("#flow svg").first).to_be_visible()
            expect(page.locator("#flow")).to_contain_text("sample.greeting")
            expect(page.locator("#failed-count")).to_have_text(str(FAILED))

            # The greeter is fixed; its failures are replayed at 2 a second, one at a time.
            flag.unlink()
            page.click("text=Ошибки доставки")
            group = page.locator("tr.group-row", has_text="GreeterOutOfOrder")
            group.locator("a[id^=open-]").click()
            page.fill("#group-rate", "2")
            page.fill("#group-batch", "1")
            page.fill("#group-reason", "приветствия снова работают")
            page.click("#replay-group")
            assert "/progress#task-" in page.url, "the replay runs as a task with its progress"
            task = f"#task-{page.url.split('#task-')[1]}"
            expect(page.locator(task)).to_contain_text("Повтор")
            _reload_until(page, f"{base}/progress",
                          lambda p: p.locator(task).get_attribute("data-state") == "finished",
                          "the bulk replay finishes")
            expect(page.locator(f"{task} .done")).to_have_text(f"{FAILED} из {FAILED}")
            wait_for(lambda: _statuses(process, "sample.greeting").count("handled") == FAILED,
                     timeout=30, message="the replayed greetings handled")
            _reload_until(page, f"{base}/dashboard",
                          lambda p: p.locator("#failed-count").count() == 0,
                          "no failure left in the menu", timeout=20)

            # A caller names a surname's beginning and a year of birth.
            someone = person(5, seed=DEMO_SEED)
            page.click("text=Регистр ЗЛ")
            page.fill("input[name=surname]", someone.data.surname[:4].lower())
            page.fill("input[name=birth_year]", str(someone.data.birth_date.year))
            page.click("#erz-search button[type=submit]")
            row = page.locator("tr.person-row", has_text=someone.enp)
            expect(row).to_have_count(1)
            row.locator("td.person a").click()
            expect(page.locator("#enp")).to_contain_text(someone.enp)
            # The PDF opens in the browser's viewer to be printed: fetched as the link asks.
            pdf = page.request.get(base + str(page.get_attribute("#pdf", "href")))
            assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
            assert pdf.body().startswith(b"%PDF"), "the card is a PDF"
            page.click("#print")
            expect(page.locator("body")).to_contain_text(someone.enp)

            # An insurer's OPLIST came by e-mail: uploaded on its behalf, answered.
            page.goto(f"{base}/erz/files")
            page.click("#upload-link")
            page.fill("#organisation", INSURER)
            upload = newcomers_oplist(STEM, INSURER, newcomer=17)
            page.set_input_files("#file", files=FilePayload(name=f"{STEM}.xml",
                                                            mimeType="text/xml", buffer=upload))
            page.fill("#note", "письмо СМО № 15")
            page.click("#upload")
            expect(page.locator("#upload-taken")).to_be_visible()
            expect(page.locator("main")).to_contain_text(f"Файл {STEM}.xml")
            answers = f'tr.file-row[data-file="{STEM}"] .answer a.download'
            _reload_until(page, f"{base}/erz/files",
                          lambda p: p.locator(answers).count() >= 1,
                          "the register answers the OPLIST")
            with page.expect_download() as answer:
                page.locator(answers).first.click()
            assert answer.value.suggested_filename.endswith(".xml")
            assert Path(answer.value.path()).read_bytes().lstrip().startswith(b"<?xml")

            # Evening: the day's journal to Excel.
            page.goto(f"{base}/journal")
            with page.expect_download() as export:
                page.click("#journal-export")
            book = openpyxl.load_workbook(io.BytesIO(Path(export.value.path()).read_bytes()))
            sheet = book.active
            assert sheet is not None
            header = [cell.value for cell in sheet[1]]
            rows = list(sheet.iter_rows(min_row=2, values_only=True))
            assert rows, "the export holds the journal"
            times = [i for i, name in enumerate(header) if isinstance(name, str)
                     and ("Время" in name or "Получено" in name or "Дата" in name)]
            assert times, f"the export has a time column: {header}"
            assert all(isinstance(r[times[0]], datetime) for r in rows), \
                "times are dates in Excel, not text"
        finally:
            browser.close()
