"""The journal pages: search filters, masking, message detail with trail and raw XML."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.testclient import TestClient

Login = Callable[[str], TestClient]
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def ids_on(page: str) -> list[str]:
    """Message ids of the journal table rows, in page order."""
    return re.findall(r'class="message-row" data-id="([^"]+)"', page)


def test_journal_lists_newest_first(login: Login, seed: Any) -> None:
    old = seed.message(at=T0)
    new = seed.message(at=T0 + timedelta(hours=1))
    assert ids_on(login("viewer").get("/journal").text) == [new, old]


def test_filters_return_the_right_rows(login: Login, seed: Any) -> None:
    probe = seed.message(at=T0, status="handled")
    dead = seed.message(at=T0 + timedelta(minutes=1), status="dead", source="adapter.smev3")
    person = seed.person_message(at=T0 + timedelta(days=1), status="routed")
    reply = seed.message(at=T0 + timedelta(days=1, minutes=5), correlation_id=person,
                         destination="adapter.smev3")
    client = login("viewer")

    def found(query: str) -> set[str]:
        r = client.get("/journal?" + query)
        assert r.status_code == 200, r.text
        return set(ids_on(r.text))

    assert found("type=hub.probe") == {probe, dead, reply}
    assert found("type=test.person.query.v1") == {person}
    assert found("type=test.*") == {person}
    assert found("status=dead") == {dead}
    assert found("system=adapter.smev3") == {dead, reply}
    assert found("from=2024-05-01T12:00&to=2024-05-01T12:01") == {probe}
    assert found("from=2024-05-02T00:00") == {person, reply}
    assert found(f"correlation_id={person}") == {person, reply}
    assert found(f"message_id={dead}") == {dead}
    assert found("status=handled&type=hub.probe&from=2024-05-02") == {reply}


def test_person_search_matches_exactly_or_by_prefix(login: Login, seed: Any) -> None:
    # Prefix search is for accounts that see personal data; a masked viewer's search takes
    # whole identifiers only (tests/security/test_person_search.py).
    person = seed.person_message()
    other = seed.message(person="111-222-333 44")
    client = login("pd")
    for query in (seed.snils, "12345678901", "123-456", seed.enp, seed.enp[:8]):
        assert ids_on(client.get("/journal", params={"person": query}).text) == [person], query
    assert ids_on(client.get("/journal", params={"person": "111"}).text) == [other]
    assert ids_on(client.get("/journal", params={"person": "456-789"}).text) == []
    assert ids_on(client.get("/journal", params={"person": "%"}).text) == []


def test_bad_filter_is_explained(login: Login) -> None:
    r = login("viewer").get("/journal?from=yesterday")
    assert r.status_code == 400
    assert "не удаётся прочитать «yesterday» как дату или время" in r.text


def test_pages_follow_with_a_cursor(login: Login, seed: Any) -> None:
    made = [seed.message(at=T0 + timedelta(minutes=i)) for i in range(5)]
    client = login("viewer")
    first = client.get("/journal?limit=2").text
    assert ids_on(first) == [made[4], made[3]]
    next_url = re.search(r'href="([^"]+)" id="next-page"', first)
    assert next_url is not None
    second = client.get(next_url.group(1).replace("&amp;", "&") + "&limit=2").text
    assert ids_on(second) == [made[2], made[1]]


def test_person_is_masked_for_a_normal_user(login: Login, seed: Any) -> None:
    message_id = seed.person_message()
    listing = login("oper").get("/journal").text
    assert seed.snils not in listing and seed.enp not in listing
    assert "***-***-*** 01" in listing and "************1111" in listing
    detail = login("oper").get(f"/journal/{message_id}").text
    for secret in (seed.snils, seed.enp, "Иванов", "Иван<"):
        assert secret not in detail, secret
    assert "&lt;FAM&gt;И*****&lt;/FAM&gt;" in detail


def test_person_is_shown_to_a_personal_data_user(login: Login, seed: Any) -> None:
    message_id = seed.person_message()
    assert seed.snils in login("pd").get("/journal").text
    detail = login("pd").get(f"/journal/{message_id}").text
    assert seed.snils in detail and "Иванов" in detail


def test_detail_shows_envelope_trail_conversation_and_pretty_xml(login: Login,
                                                                 seed: Any) -> None:
    first = seed.person_message(at=T0, events=[
        ("received", "adapter.soap", "", 0, "from МО 352530"),
        ("routed", "hub.router", "omshub.router", 0, ""),
        ("failed", "handler.erz", "handler.erz", 1, "TimeoutError: ФЕРЗЛ did not answer"),
        ("handled", "handler.erz", "handler.erz", 2, ""),
    ])
    answer = seed.message(at=T0 + timedelta(seconds=5), correlation_id=first,
                          causation_id=first)
    page = login("pd").get(f"/journal/{first}")
    assert page.status_code == 200
    text = page.text
    trail = re.findall(r'<tr class="trail-row">(.*?)</tr>', text, re.S)
    assert [re.search(r"status-(\w+)", row).group(1) for row in trail] == [  # type: ignore[union-attr]
        "received", "routed", "failed", "handled"]
    assert "TimeoutError: ФЕРЗЛ did not answer" in text and "handler.erz" in text
    conversation = text.split('id="conversation"')[1]
    assert first in conversation and answer in conversation
    assert "test.person.query.v1" in text and "adapter.soap" in text
    # The raw XML arrived on one line and is shown indented, element per line.
    assert "&lt;Request&gt;\n  &lt;Person&gt;\n    &lt;FAM&gt;Иванов&lt;/FAM&gt;" in text
    assert f'/journal/{first}/blobs/' in text


def test_raw_bytes_that_are_not_xml_show_as_text(login: Login, seed: Any) -> None:
    message_id = seed.message(raw="N_ZAP;FAM\n1;Петров\n".encode("cp1251"))
    text = login("pd").get(f"/journal/{message_id}").text
    assert "N_ZAP;FAM\n1;Петров" in text


def test_hostile_xml_is_not_expanded(login: Login, seed: Any) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "AAAAAAAAAA">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY x SYSTEM "file:///etc/passwd">]><r><v>&b;</v><w>&x;</w></r>')
    message_id = seed.message(raw=bomb)
    text = login("pd").get(f"/journal/{message_id}").text
    assert "AAAAAAAAAAAAAAAAAAAA" not in text
    assert "root:" not in text


def test_download_of_exact_bytes_needs_personal_data_permission(login: Login,
                                                               seed: Any) -> None:
    message_id = seed.person_message()
    page = login("pd").get(f"/journal/{message_id}").text
    url = re.search(r'href="(/journal/[^"]+/blobs/[^"]+)"', page)
    assert url is not None
    r = login("pd").get(url.group(1))
    assert r.status_code == 200 and r.content.startswith(b"<?xml") and b"<FAM>" in r.content
    assert login("oper").get(url.group(1)).status_code == 403
    assert seed.audit("blob-download")[0].username == "pd"


def test_unknown_message_is_404(login: Login) -> None:
    r = login("viewer").get("/journal/no-such-id")
    assert r.status_code == 404
    assert "не найдено" in r.text


def test_replay_of_a_journaled_message_requires_a_reason(login: Login, seed: Any,
                                                         token: Any) -> None:
    message_id = seed.message()
    client = login("oper")
    csrf = token(client, f"/journal/{message_id}")
    r = client.post(f"/journal/{message_id}/replay", data={"csrf_token": csrf, "reason": " "})
    assert r.status_code == 400
    assert 'id="replay-error"' in r.text and "Укажите причину" in r.text
    assert seed.audit("replay-message") == []


def test_replay_of_a_journaled_message_sends_a_copy(login: Login, seed: Any, token: Any,
                                                    bus: Any) -> None:
    message_id = seed.message()
    client = login("oper")
    r = client.post(f"/journal/{message_id}/replay", follow_redirects=False,
                    data={"csrf_token": token(client, f"/journal/{message_id}"),
                          "reason": "handler fixed"})
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "Копия отправлена" in page
    [row] = seed.audit("replay-message")
    assert (row.username, row.target, row.reason) == ("oper", message_id, "handler fixed")
    assert bus.queue_depth("omshub.router") == 1


def test_edit_and_replay_of_a_message_with_an_invalid_payload_shows_the_error(
    login: Login, seed: Any, token: Any
) -> None:
    message_id = seed.message()
    client = login("oper")
    r = client.post(f"/journal/{message_id}/replay", data={
        "csrf_token": token(client, f"/journal/{message_id}"), "reason": "fix seq",
        "edited": "1", "payload": '{"seq": -5, "sent_at": "2024-05-01T12:00:00Z"}'})
    assert r.status_code == 400
    assert 'id="edit-error"' in r.text and "seq" in r.text
    assert "-5" in r.text  # the operator's text is kept in the form
    assert seed.audit("replay-message") == []


def test_times_are_shown_and_entered_in_the_console_time_zone(
    db: Any, ops: Any, types: Any, accounts: None, seed: Any, token: Any
) -> None:
    from admin.app import create_app

    app = create_app(db, ops, types, secret_key="another-secret-key-0123456789",
                     timezone="Europe/Moscow")
    message_id = seed.message(at=T0)  # 12:00 UTC = 15:00 in Moscow
    with TestClient(app) as client:
        client.post("/login", data={"username": "viewer", "password": seed.password,
                                    "csrf_token": token(client, "/login")})
        page = client.get("/journal").text
        assert "01.05.2024 15:00:00" in page and "Europe/Moscow" in page
        assert ids_on(client.get("/journal?from=2024-05-01T15:00&to=2024-05-01T15:01").text) \
            == [message_id]
