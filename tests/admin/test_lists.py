"""Lists that scale and export (issue 11, item 4): the journal, the audit log and users count
what the filter finds, page in the size asked for with the filter kept, and the journal and
audit log export to Excel with real times, numbers as numbers, text as text and personal
data masked for a masked account; every file a message carried downloads under its name."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from starlette.testclient import TestClient

from admin import exports
from admin.app import create_app
from contracts.envelope import AttachmentRef, Envelope
from hub.operations import Operations
from storage.db import Database
from storage.journal import store_blob
from storage.models import journal_events, journal_messages
from tests.admin.conftest import SECRET, form_logins

Login = Callable[[str], TestClient]
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
ZONE = "Asia/Yekaterinburg"  # UTC+5: a fund's zone is not the server's
INJECTION = '=HYPERLINK("http://x.io/","Открыть")'


@pytest.fixture
def zoned(db: Database, ops: Operations, types: Any, accounts: None) -> Iterator[Login]:
    """Logins to a console whose fund lives in UTC+5."""
    app = create_app(db, ops, types, secret_key=SECRET, timezone=ZONE)
    with form_logins(app) as login:
        yield login


def ids_on(page: str) -> list[str]:
    return re.findall(r'class="message-row" data-id="([^"]+)"', page)


def total_on(page: str, list_id: str) -> str:
    found = re.search(rf'id="{list_id}-total">Найдено: ([^<]+)<', page)
    assert found is not None, f"no «Найдено» on the page of {list_id}"
    return found.group(1).replace("\u00a0", " ")


def link(page: str, element_id: str) -> str:
    found = re.search(rf'href="([^"]+)" id="{element_id}"', page)
    assert found is not None, f"no link #{element_id}"
    return found.group(1).replace("&amp;", "&")


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# -- the journal --------------------------------------------------------------------------------


def test_the_journal_counts_and_pages_in_the_chosen_size_keeping_the_filter(
        login: Login, seed: Any) -> None:
    handled = [seed.message(at=T0 + timedelta(minutes=i)) for i in range(30)]
    for i in range(4):
        seed.message(at=T0 + timedelta(minutes=i, seconds=30), status="dead")
    client = login("viewer")
    first = client.get("/journal", params={"status": "handled", "limit": "25"}).text
    assert total_on(first, "journal") == "30"
    assert ids_on(first) == handled[::-1][:25]
    sizes = re.findall(r'id="journal-sizes">(.*?)</span>', first, re.S)[0]
    assert "<b>25</b>" in sizes  # the size in force is marked, the others are links
    for n in ("50", "100", "200"):
        url = re.search(rf'href="([^"]+)">{n}</a>', sizes)
        assert url is not None and query(url.group(1).replace("&amp;", "&"))["status"] == [
            "handled"]
    following = link(first, "next-page")
    assert query(following)["status"] == ["handled"] and query(following)["limit"] == ["25"]
    second = client.get(following).text
    assert ids_on(second) == handled[::-1][25:]
    assert total_on(second, "journal") == "30"
    back = link(second, "first-page")
    assert query(back) == {"status": ["handled"], "limit": ["25"]}
    # the search form keeps the size too
    assert 'name="limit" value="25"' in second
    assert total_on(client.get("/journal?status=dead").text, "journal") == "4"


def test_a_count_beyond_the_bound_says_more_than(login: Login, seed: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from admin import listing
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    for i in range(5):
        seed.message(at=T0 + timedelta(minutes=i))
    page = login("viewer").get("/journal").text
    assert total_on(page, "journal") == "более 3"


def test_a_page_size_that_is_not_a_number_is_explained(login: Login) -> None:
    r = login("viewer").get("/journal?limit=many")
    assert r.status_code == 400 and "размер страницы «many» — не число" in r.text


def _journal_book(client: TestClient, params: dict[str, str]) -> Any:
    page = client.get("/journal", params=params).text
    r = client.get(link(page, "journal-export"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''journal-" in r.headers["content-disposition"]
    return load_workbook(io.BytesIO(r.content))


def test_the_journal_exports_its_filter_with_real_times_numbers_and_text(
        zoned: Login, seed: Any) -> None:
    hit = seed.message(at=T0, status="dead", last_error=INJECTION, type="hub.probe", version=3)
    seed.message(at=T0 + timedelta(minutes=1), status="handled")
    book = _journal_book(zoned("viewer"), {"status": "dead"})
    sheet = book["Журнал"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Получено хабом", "Тип", "Версия")
    assert len(rows) == 2 and rows[1][8] == hit
    received = sheet.cell(row=2, column=1)
    assert isinstance(received.value, datetime)
    assert received.value == datetime(2024, 5, 1, 14, 0)  # 09:00 UTC in UTC+5
    assert received.number_format == "DD.MM.YYYY HH:MM:SS"
    version = sheet.cell(row=2, column=3)
    assert version.value == 3 and version.data_type == "n"
    assert rows[1][5] == "недоставлено" and rows[1][6] == "dead"
    error = sheet.cell(row=2, column=12)
    assert error.value == INJECTION and error.data_type == "s"  # text, not a formula
    about = dict(book["Запрос"].iter_rows(min_row=2, values_only=True))
    assert about["Статус"] == "dead" and about["Выгрузил"] == "viewer"
    assert about["Строк в выгрузке"] == 1 and "Внимание" not in about


def test_the_journal_export_is_audited(zoned: Login, seed: Any) -> None:
    seed.message(at=T0)
    _journal_book(zoned("viewer"), {"type": "hub.probe"})
    (row,) = seed.audit("journal-export")
    assert row.username == "viewer" and '"rows": 1' in row.details


def test_a_cut_export_says_so(zoned: Login, seed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 3)
    for i in range(5):
        seed.message(at=T0 + timedelta(minutes=i))
    book = _journal_book(zoned("viewer"), {})
    rows = list(book["Журнал"].iter_rows(values_only=True))
    assert len(rows) == 1 + 3 + 1 and "только первые 3" in str(rows[-1][0])
    about = dict(book["Запрос"].iter_rows(min_row=2, values_only=True))
    assert "Сузьте фильтр" in str(about["Внимание"])


def test_a_masked_account_exports_masked_personal_data(zoned: Login, seed: Any) -> None:
    seed.person_message(at=T0)
    masked = list(_journal_book(zoned("oper"), {})["Журнал"].iter_rows(values_only=True))
    person = str(masked[1][7])
    assert person and seed.snils not in person and seed.enp not in person
    unmasked = list(_journal_book(zoned("pd"), {})["Журнал"].iter_rows(values_only=True))
    assert seed.snils in str(unmasked[1][7])


# -- the audit log ------------------------------------------------------------------------------


def test_the_audit_log_counts_pages_and_exports_in_words(zoned: Login, seed: Any,
                                                         ops: Operations) -> None:
    for i in range(30):
        ops.audit("oper", "replay-message", target=f"m-{i}", reason=INJECTION)
    ops.audit("oper", "user-add-failed", target="x")
    client = zoned("admin")
    page = client.get("/audit", params={"action": "replay-message", "limit": "25"}).text
    assert total_on(page, "audit") == "30"
    assert page.count('class="audit-row"') == 25
    assert "Повторная отправка сообщения" in page  # the action in words, its code beside
    following = link(page, "next-page")
    assert query(following)["action"] == ["replay-message"]
    assert client.get(following).text.count('class="audit-row"') == 5
    failed = client.get("/audit", params={"action": "user-add-failed"}).text
    assert "Создание пользователя: не удалось" in failed
    r = client.get(link(page, "audit-export"))
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    rows = list(book["Аудит"].iter_rows(values_only=True))
    assert len(rows) == 31
    first = book["Аудит"]
    assert isinstance(first.cell(row=2, column=1).value, datetime)
    assert rows[1][2] == "Повторная отправка сообщения" and rows[1][3] == "replay-message"
    assert rows[1][5] == INJECTION and first.cell(row=2, column=6).data_type == "s"
    assert len(seed.audit("audit-export")) == 1


def test_the_audit_export_masks_reasons_for_a_masked_administrator(
        db: Database, ops: Operations, types: Any, seed: Any) -> None:
    from tests.admin.conftest import seed_user
    seed_user(db, "boss", "administrator")  # no personal-data permission
    ops.audit("oper", "replay-message", target="m", reason=f"СНИЛС {seed.snils}")
    app = create_app(db, ops, types, secret_key=SECRET)
    with form_logins(app) as login:
        r = login("boss").get("/audit/export")
    rows = list(load_workbook(io.BytesIO(r.content))["Аудит"].iter_rows(values_only=True))
    reasons = [row[5] for row in rows[1:] if row[3] == "replay-message"]
    assert reasons and seed.snils not in str(reasons[0])


# -- users --------------------------------------------------------------------------------------


def test_users_are_counted_and_paged(login: Login, db: Database) -> None:
    from tests.admin.conftest import seed_user
    for i in range(30):
        seed_user(db, f"user{i:02}", "viewer")
    client = login("admin")
    page = client.get("/users?limit=25").text
    assert total_on(page, "users") == "34"  # and the four accounts of the fixture
    assert page.count("<tr data-user=") == 25
    assert client.get(link(page, "next-page")).text.count("<tr data-user=") == 9
    assert ">Администратор</option>" in page and ">administrator</option>" not in page


# -- downloads ----------------------------------------------------------------------------------


def _message_with_file(db: Database, name: str, data: bytes) -> str:
    """A journaled files.received-like message carrying one attachment, and its own XML."""
    with db.transaction() as conn:
        blob = store_blob(conn, data, "application/xml")
        own = store_blob(conn, b"<Envelope/>", "application/xml")
        env = Envelope(type="hub.probe", version=1, source="adapter.files", created_at=T0,
                       payload={"seq": 1, "sent_at": T0.isoformat(), "note": ""},
                       attachments=[AttachmentRef(blob_id=blob, name=name,
                                                  media_type="application/xml",
                                                  size=len(data))])
        conn.execute(journal_messages.insert().values(
            message_id=env.id, type="hub.probe", version=1, source="adapter.files",
            correlation_id=env.correlation_id, created_at=T0, first_seen_at=T0, last_at=T0,
            status="handled", person="", envelope=env.model_dump_json(), raw_blob_id=own))
        conn.execute(journal_events.insert().values(
            at=T0, message_id=env.id, status="received", component="adapter.files", queue="",
            attempt=0, detail=""))
    return env.id


def test_every_file_a_message_carried_downloads_under_its_name(
        login: Login, db: Database, seed: Any) -> None:
    name = "ОПЛИСТ_Иванов_2024.xml"
    message_id = _message_with_file(db, name, "<Список/>".encode())
    client = login("pd")
    page = client.get(f"/journal/{message_id}").text
    links = re.findall(r'href="(/journal/[^"]+/blobs/[^"]+)"[^>]*>Скачать', page)
    assert len(links) == 2  # the file, and the message's own bytes
    names = []
    for url in links:
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
        disposition = r.headers["content-disposition"]
        names.append(unquote(disposition.split("filename*=UTF-8''")[1]))
    assert sorted(names) == sorted([name, f"message-{message_id}.xml"])
    assert [row.target for row in seed.audit("blob-download")] == [
        f"{message_id}/{u.rsplit('/', 1)[1]}" for u in links]
    # without the permission: no link, the name masked, and the bytes refused
    masked = login("oper").get(f"/journal/{message_id}").text
    assert "Иванов" not in masked and "/blobs/" not in masked
    assert all(login("oper").get(url).status_code == 403 for url in links)


def test_a_refused_file_downloads_under_its_own_name(login: Login, seed: Any,
                                                     db: Database) -> None:
    message_id = seed.message(raw=b"<bad", payload={"file_name": "att_35.xml", "seq": 1,
                                                   "sent_at": T0.isoformat(), "note": ""})
    with db.read() as conn:
        blob = conn.execute(sa.select(journal_messages.c.raw_blob_id).where(
            journal_messages.c.message_id == message_id)).scalar_one()
    r = login("pd").get(f"/journal/{message_id}/blobs/{blob}")
    assert r.status_code == 200 and "filename*=UTF-8''att_35.xml" in r.headers[
        "content-disposition"]


def test_an_extension_names_its_audit_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    from admin import auditlog
    monkeypatch.setattr(auditlog, "ACTION_LABELS", dict(auditlog.ACTION_LABELS))
    assert auditlog.action_label("erz-export") == "erz-export"  # unknown: its name
    auditlog.register_labels({"erz-export": "Выгрузка поиска ЗЛ в Excel"})
    assert auditlog.action_label("erz-export") == "Выгрузка поиска ЗЛ в Excel"
    assert auditlog.action_label("erz-export-failed") == "Выгрузка поиска ЗЛ в Excel: не удалось"
