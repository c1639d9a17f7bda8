"""One language everywhere (issue 11, item 1): the console as ``omshub up`` first shows it
says nothing to its users in English.

The hub is assembled as ``omshub up`` assembles it (:func:`hub.cli.start_up`: the embedded
footprint, every installed component and simulator, the demo data), the СМЭВ 3 poll runs
once so that the register, СМЭВ and file traffic is in the journal, one dead letter, three
messages the router refuses (no envelope, unknown type, bad payload) and a few refusals of
the console are added, and an administrator with personal-data access logs in through the
form. The crawler then opens every page reachable from the menu and from links on the
pages — same origin, GET only, HTML only, at most :data:`PER_PATTERN` pages per route
pattern (ids in the path and query values ignored) — and fails listing page and text for
whatever it finds in English.

"Shown in English" (:func:`english_in`) is decided on the visible text nodes of a page,
leaving out what is technical by design: ``<code>``, ``<pre>``, ``<textarea>``, scripts
and styles, and any element marked technical by its class (``mono``, ``tech``, ``code``,
``xml``, ``raw``, ``schema``) — message types, queue names, file names, XML, hashes, URLs,
cron expressions are shown that way. In the rest, a word is technical when it carries a
digit, a dot, an underscore, a slash, a colon, ``=``, ``@`` or ``#`` (``erz.person.v1``,
``adapter.smev3``, ``/api/docs``, ``0 * * * *``), or is written in capitals (``XML``,
``SOAP``, ``ЕРЗ``'s Latin cousins). A text fails when another word is one of
:data:`ENGLISH_WORDS` — the states, actions and error words the hub and its plug-ins are
known to produce — or when it holds a run of :data:`SENTENCE_WORDS` Latin words in a row
(an English sentence, such as an exception's message).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
import sqlalchemy as sa
from lxml import html

from contracts.envelope import Envelope, utcnow
from hub.bus.base import Outgoing
from hub.outbox import ROUTER_QUEUE
from hub.runtime import HubProcess
from hub.testing import wait_for
from storage.models import journal_messages, schedules
from tests.admin.conftest import PASSWORD, Seed, seed_user
from tests.conftest import free_port
from tests.demo_kit import running_demo

PER_PATTERN = 2
"""Pages opened per route pattern."""
MAX_PAGES = 400
"""A bound on the whole crawl, in case a page links to endless variations."""
SENTENCE_WORDS = 3
"""Latin words in a row that make an English sentence."""

_WORDS = """
received routed published parked rejected handled failed retried dead replayed discarded
sent delivered pending answered accepted cancelled canceled open closed none null true false
unroutable error errors exception traceback taken unknown invalid missing required denied
forbidden allowed method wrong must cannot failure success succeeded ok timeout expired
locked login logout replay discard export download view search role viewer operator
administrator user password grant requested approved approve reject schedule enable
disable enabled disabled edit applied buffered degraded healthy unhealthy running stopped
idle yes no progress done queued processing completed skipped warning status state
not found already empty malformed unreadable refused nothing matched
"""
ENGLISH_WORDS = frozenset(_WORDS.split())
"""Words of statuses, actions and errors that the hub and its plug-ins are known to use."""

TECHNICAL_CLASSES = frozenset({"mono", "tech", "code", "xml", "raw", "schema"})
SKIPPED_TAGS = frozenset({"code", "pre", "textarea", "script", "style", "head"})
TECHNICAL_WORD = re.compile(r"[\d._/:=@#\\<>{}\[\]$%&*+|~^`]")
LATIN_WORD = re.compile(r"^[A-Za-z]+(?:-[A-Za-z]+)*$")
SKIPPED_PATHS = ("/logout", "/static/", "/metrics", "/healthz")
DOWNLOADS = re.compile(r"/blobs/|/export|download|\.(xlsx|pdf|json|xml|zip|csv|txt)$|/pdf$")


def _technical(element: html.HtmlElement) -> bool:
    if not isinstance(element.tag, str):
        return True  # comments, processing instructions
    if element.tag in SKIPPED_TAGS:
        return True
    return bool(TECHNICAL_CLASSES & set((element.get("class") or "").split()))


def visible_texts(page: html.HtmlElement) -> Iterator[str]:
    """The text nodes a user reads, outside the elements technical by design."""

    def walk(element: html.HtmlElement) -> Iterator[str]:
        if _technical(element):
            return
        if element.text:
            yield element.text
        for child in element:
            yield from walk(child)
            if child.tail:  # the tail belongs to the parent, technical child or not
                yield child.tail

    body = page.find("body")
    yield from walk(body if body is not None else page)


def _words(text: str) -> list[str]:
    return [w.strip("«»\"'()[],;:!?.…—–-") for w in text.split()]


def english_in(text: str) -> str:
    """What in ``text`` is English (a known word or a sentence), or ``""``."""
    words = [w for w in _words(text) if w]
    latin = [w if LATIN_WORD.match(w) and not TECHNICAL_WORD.search(w) else "" for w in words]
    for word in latin:
        parts = word.lower().split("-")
        if word and not word.isupper() and any(p in ENGLISH_WORDS for p in parts):
            return word
    run: list[str] = []
    for word in latin:
        run = [*run, word] if word and not word.isupper() and len(word) > 1 else []
        if len(run) >= SENTENCE_WORDS:
            return " ".join(run)
    return ""


def test_the_definition_of_english() -> None:
    """What the crawl reports, and what it leaves alone."""
    for shown in ("failed", "Статус: dead", "error: нет", "Method Not Allowed",
                  "person 123 not found", "None", "login-failed", "True"):
        assert english_in(shown), shown
    for fine in ("недоставлено", "erz.person.changed.v1", "adapter.smev3", "0 * * * *",
                 "OMS Hub", "XML, 120 байт", "Данные (payload)", "/api/docs",
                 "ДД.ММ.ГГГГ", "AsyncAPI 3.0", "Basic", "OpenAPI 3.1", "JSON-схема"):
        assert not english_in(fine), fine
    page = html.fromstring('<html><body><p>Готово <span class="mono">failed</span> '
                           "и <code>dead</code>, хвост</p><pre>error</pre></body></html>")
    assert [t.strip() for t in visible_texts(page)] == ["Готово", "и", ", хвост"]


# -- the demo ---------------------------------------------------------------------------------


@dataclass
class Demo:
    """The running hub and its console's address."""

    process: HubProcess
    url: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """``omshub up`` on a fresh directory, traffic in the journal, an administrator with
    personal-data access, a dead letter and some refusals in the audit log."""
    port = free_port()
    with running_demo(tmp_path_factory.mktemp("language") / "var", admin_port=port) as process:
        db = process.db
        seed_user(db, "lang", "administrator", personal_data=True)
        seed = Seed(db)
        seed.dead_letter(seed.message(), cause_type="LookupError",
                         cause_message="человек 123 не найден в регистре")
        _refused_by_the_router(process)
        _poll_once(process)
        wait_for(lambda: _journaled(process) >= 10, timeout=90,
                 message="the demo's traffic in the journal")
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: _up(url), timeout=30, message="the console answers")
        yield Demo(process, url)


def _refused_by_the_router(process: HubProcess) -> None:
    """What the router refuses, journaled with its cause: bytes that are no envelope, a type
    nobody knows, a payload its schema refuses."""
    good = Envelope(type="hub.probe", version=1, source="language-test",
                    payload={"seq": 1, "sent_at": utcnow().isoformat()})
    unknown = good.model_copy(update={"id": "unknown-type-1", "type": "hub.prob"})
    invalid = good.model_copy(update={"id": "bad-payload-1", "payload": {"seq": "many"}})
    process.bus.publish([Outgoing(ROUTER_QUEUE, b"{not json", "garbage-1"),
                         Outgoing(ROUTER_QUEUE, unknown.to_bytes(), unknown.id),
                         Outgoing(ROUTER_QUEUE, invalid.to_bytes(), invalid.id)])


def _poll_once(process: HubProcess) -> None:
    """«Опросить сейчас» for the СМЭВ 3 adapter, once its schedule exists."""

    def asked() -> bool:
        with process.db.transaction() as conn:
            return bool(conn.execute(schedules.update().where(
                schedules.c.name == "adapter.smev3:poll").values(
                run_requested_at=utcnow(), updated_by="language test")).rowcount)

    wait_for(asked, timeout=30, message="the СМЭВ 3 poll is scheduled")


def _journaled(process: HubProcess) -> int:
    with process.db.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(journal_messages))
                   .scalar() or 0)


def _up(url: str) -> bool:
    try:
        return httpx.get(url + "/login", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    form = html.fromstring(client.get("/login").text)
    token = form.xpath('//input[@name="csrf_token"]/@value')[0]
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": password, "next": "/"})


# -- the crawl ---------------------------------------------------------------------------------


ID_SEGMENT = re.compile(r"^\d+$|^[0-9a-f-]{16,}$|[.:%@]|^.{24,}$", re.IGNORECASE)


def pattern(url: str) -> str:
    """A URL's route pattern: ids in the path and the query's values left out."""
    parts = urlsplit(url)
    path = "/".join("{id}" if ID_SEGMENT.search(s) else s for s in parts.path.split("/"))
    keys = sorted({kv.split("=", 1)[0] for kv in parts.query.split("&") if kv})
    return path + ("?" + "&".join(keys) if keys else "")


def _links(base: str, origin: str, page: html.HtmlElement) -> Iterator[str]:
    for href in page.xpath("//a/@href"):
        url = urljoin(base, str(href)).split("#", 1)[0]
        parts = urlsplit(url)
        if not url.startswith(origin) or not parts.path:
            continue
        if parts.path.startswith(SKIPPED_PATHS) or DOWNLOADS.search(parts.path):
            continue
        yield url


@dataclass
class Finding:
    """English found on a page."""

    page: str
    what: str
    text: str

    def __str__(self) -> str:
        return f"{self.page}: «{self.what}» in «{self.text.strip()[:160]}»"


def crawl(client: httpx.Client, origin: str, start: str) -> tuple[list[str], list[Finding]]:
    """Every page reachable from ``start`` (bounded); the pages seen and what is English."""
    seen_patterns: dict[str, int] = defaultdict(int)
    queue, visited, pages, findings = [start], set[str](), list[str](), list[Finding]()
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in visited or seen_patterns[pattern(url)] >= PER_PATTERN:
            continue
        visited.add(url)
        seen_patterns[pattern(url)] += 1
        r = client.get(url)
        if "text/html" not in r.headers.get("content-type", ""):
            continue
        pages.append(f"{r.status_code} {url[len(origin):]}")
        page = html.fromstring(r.text)
        for text in visible_texts(page):
            found = english_in(text)
            if found:
                findings.append(Finding(url[len(origin):], found, text))
        queue.extend(u for u in _links(str(r.url), origin, page) if u not in visited)
    return pages, findings


def test_no_page_of_the_console_speaks_english(demo: Demo) -> None:
    with httpx.Client(base_url=demo.url, follow_redirects=True, timeout=30) as client:
        _login(client, "lang", "wrong password")  # a refusal, shown on /audit
        assert _login(client, "lang", PASSWORD).status_code == 200
        client.get("/no-such-page")  # a 404 and its page
        pages, findings = crawl(client, demo.url, demo.url + "/")
    menu = {"/dashboard", "/journal", "/dead-letters", "/components", "/catalogue",
            "/api/docs", "/audit", "/users"}
    opened = {p.split(" ", 1)[1].split("?", 1)[0] for p in pages}
    assert menu <= opened, f"the menu's pages not reached: {menu - opened}"
    assert len(pages) > 20, pages
    assert not findings, report(findings, len(pages))


def report(findings: list[Finding], pages: int) -> str:
    """Each English text once, with the route patterns showing it and one page."""
    by_text: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in findings:
        by_text[(f.what, f.text.strip()[:160])].append(f.page)
    lines = [f"«{what}» in «{text}» — {len(set(on))} page(s), e.g. {on[0]}; patterns: "
             f"{', '.join(sorted({pattern(p) for p in on}))}"
             for (what, text), on in sorted(by_text.items(), key=lambda kv: kv[1][0])]
    return (f"English on {len({f.page for f in findings})} of {pages} pages, "
            f"{len(lines)} texts:\n" + "\n".join(lines))


def test_error_pages_and_api_errors_are_russian(demo: Demo) -> None:
    cyrillic = re.compile("[А-Яа-яЁё]")
    with httpx.Client(base_url=demo.url, follow_redirects=True, timeout=30) as client:
        wrong = _login(client, "lang", "not the password")
        assert wrong.status_code == 401 and "Неверное имя пользователя" in wrong.text
        assert cyrillic.search(client.get("/api/messages").json()["error"])  # 401
        assert _login(client, "lang", PASSWORD).status_code == 200
        for url, status in (("/no-such-page", 404), ("/journal/no-such-message", 404)):
            r = client.get(url)
            texts = " ".join(visible_texts(html.fromstring(r.text)))
            assert r.status_code == status and not english_in(texts), texts
        r = client.put("/journal")
        assert r.status_code == 405 and "метод запроса не поддерживается" in r.text
        for url, status in (("/api/messages?status=lost", 400), ("/api/messages/x", 404),
                            ("/api/nothing", 404), ("/api/messages?limit=many", 400)):
            r = client.get(url)
            assert r.status_code == status and cyrillic.search(r.json()["error"]), r.text
        r = client.post("/api/dead-letters/1/replay", json={"reason": "x"})
        assert r.status_code == 403 and "X-CSRF-Token" in r.json()["error"]
        assert cyrillic.search(r.json()["error"])


def test_the_footer_names_the_funds_time_zone(demo: Demo) -> None:
    with httpx.Client(base_url=demo.url, follow_redirects=True, timeout=30) as client:
        _login(client, "lang", PASSWORD)
        for url in ("/journal", "/audit", "/users"):
            footer = html.fromstring(client.get(url).text).find(".//footer")
            assert footer is not None
            assert f"Время: {demo.process.settings.timezone}" in footer.text_content()


