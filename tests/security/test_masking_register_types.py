"""A masked viewer sees no personal value of any registered message type, on both footprints.

``test_masking_everywhere`` takes the СМЭВ information types' samples through the hub; this
test covers every other registered type, each as the real flows produce it
(``tests/security/register_world.py``): the insurers' lists (OPLIST dropped in a folder;
FLK_P, REPLIST, CONFLICTLIST, RECLIST, STOPLIST answered and sent by the handler), the
clinics' attachment files (the public Vologda ATT, FATM and PRK samples; FATM and PRK
written by the handler), the SOAP ``submitOperation`` and its result, the register's
events, the files' own messages, the probe and the sample plug-in's greeting.

The personal values are read off the unmasked journal — payloads by their types'
declarations, raw XML by the well-known ФОМС and SOAP element names — and a viewer without
the personal-data permission then reads the journal (list and detail, page and API, every
raw XML), the buffer, the exchange protocols, the person cards, the search and the Excel
export: no value may appear, and every personal element of every raw XML must be masked
(short values such as a flat "7" included). An account with the permission sees them.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from lxml import etree
from openpyxl import load_workbook
from starlette.testclient import TestClient

from admin.app import create_app
from contracts.erz.names import BadFileName, parse_name
from contracts.registry import type_of
from contracts.xmlbind.binding import XmlModel, qname
from hub.operations import Operations
from hub.plugins import discover
from hub.settings import Settings
from tests.admin.conftest import SECRET, console_logins
from tests.conftest import Footprint
from tests.security.register_world import RegisterWorld, register_world
from tests.security.test_masking_everywhere import declared_values, samples, shown_in

COVERED: dict[str, str] = {
    "erz.oplist.v1": "an insurer's OPLIST dropped in its folder (files.received)",
    "erz.flk.v1": "FLK_P of the OPLIST, sent by the handler (files.send)",
    "erz.replist.v1": "REPLIST of the OPLIST, sent by the handler",
    "erz.conflictlist.v1": "CONFLICTLIST to both insurers of a person claimed twice",
    "erz.reclist.v1": "RECLIST of the daily delta and the monthly slice",
    "erz.stoplist.v1": "STOPLIST of the daily delta after a SOAP stop_policy",
    "erz.att.v1": "the public ATT sample with the register's persons, dropped by a clinic",
    "erz.att.flk.v1": "FATM: the handler's answer, and the public FATM sample",
    "erz.prk.v1": "PRK of the monthly slice, and the public PRK sample",
    "erz.person.changed.v1": "every change the flows made",
    "erz.buffer.decided.v1": "a decision with a confirmed identity mismatch and its reason",
    "erz.operation.submitted.v1": "SOAP submitOperation (contacts, attach, stop), raw SOAP",
    "erz.operation.result.v1": "the results of those operations",
    "files.received.v1": "every file dropped, a file named after a person among them",
    "files.send.v1": "every file the handler sent",
    "files.delivered.v1": "every file the files adapter delivered",
    "hub.probe.v1": "a probe (no personal data)",
    "ferzl.call.v1": "a question to ФЕРЗЛ about a person of its register (the simulator)",
    "ferzl.answer.v1": "ФЕРЗЛ's answer with the person, the SOAP answer as raw bytes",
    "person.identify.v1": "a person of ФЕРЗЛ identified by names and birth date",
    "person.identified.v1": "the answer: the person as ФЕРЗЛ knows them",
    "nsi.version.published.v1": "a version of a ФФОМС dictionary from the portal (no "
                                "personal data)",
    "request.refused.v1": "ПФР found nobody for a lookup (no personal data)",
    "hub.job.run.v1": "the handler's daily and monthly jobs run now (no personal data)",
    "sample.greeting.v1": "the sample plug-in's greeting (name, СНИЛС)",
}
"""Every registered type not an СМЭВ information type, and how this test produces it."""

PERSONAL_ELEMENTS = frozenset(n.lower() for n in (
    "FAM", "IM", "OT", "DR", "SS", "SNILS", "ENP", "OLD_ENP", "NPOLIS", "SPOLIS", "DOCSER",
    "DOCSER_R", "DOCNUM", "DOCDATE", "MR", "FIOPR", "CONTACT", "PHONE", "PHONE_WORK", "EMAIL",
    "INDX", "RNNAME", "NPNAME", "UL", "DOM", "KORP", "KOR", "KV", "UNSTRUCT_ADDRESS",
    "FIAS_AOID", "FIAS_HOUSEID", "DDEATH", "PHOTO", "DOC_CODE",
    "doctorSnils", "policyNumber"))
"""Element names (ФОМС formats, the SOAP service) whose text is a person's data."""


def test_every_registered_type_is_covered() -> None:
    registered = {mt.key for mt in discover().types}
    smev = {type_of(type(model)).key for model, _ in samples()}
    missing = registered - smev - set(COVERED)
    assert not missing, (f"message types {sorted(missing)} are covered by no masking test: "
                         "add a realistic instance to tests/security/register_world.py and "
                         "a line to COVERED in tests/security/test_masking_register_types.py")
    assert not set(COVERED) - registered, "COVERED names a type no longer registered"


@pytest.fixture
def world(footprint: Footprint, tmp_path: Path) -> Iterator[RegisterWorld]:
    """The hub after the register's flows."""
    with register_world(footprint, tmp_path) as w:
        yield w


@pytest.fixture
def logins(world: RegisterWorld) -> Iterator[Any]:
    """The console over the hub's database: viewer (masked) and pd (personal data)."""
    types = world.types
    app = create_app(world.hub.db, Operations(world.hub.db, world.hub.process.bus, types),
                     types, secret_key=SECRET, settings=Settings())
    assert app.state.extension_errors == {}
    with console_logins(app, world.hub.db) as login:
        yield login


def _get(client: TestClient, shown: dict[str, str], url: str, **params: str) -> Any:
    r = client.get(url, params=params)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    shown[url + (f"?{urlencode(params)}" if params else "")] = r.text
    return r


def pages(client: TestClient, world: RegisterWorld) -> dict[str, str]:
    """Every place a person's data is shown, as ``client`` gets it."""
    shown: dict[str, str] = {}
    _get(client, shown, "/journal", limit="500")
    _get(client, shown, "/api/messages", limit="500")
    for message_id in world.message_ids():
        _get(client, shown, f"/journal/{message_id}")
        _get(client, shown, f"/api/messages/{message_id}")
    for url in ("/erz/buffer", "/api/erz/buffer", "/erz/files", "/api/erz/files"):
        _get(client, shown, url)
    for enp in world.enps:
        found = _get(client, {}, "/api/erz/persons", enp=enp).json()["items"]
        assert found, enp
        ref = found[0]["ref"]
        for url in (f"/erz/person/{ref}", f"/api/erz/persons/{ref}",
                    f"/api/erz/persons/{ref}/timeline"):
            _get(client, shown, url)
        _get(client, shown, "/erz", enp=enp)
        book = load_workbook(io.BytesIO(_get(client, {}, "/erz/export.xlsx", enp=enp).content))
        shown[f"export.xlsx?enp={enp}"] = json.dumps(
            [list(row) for sheet in book for row in sheet.iter_rows(values_only=True)],
            ensure_ascii=False, default=str)
    return shown


def _raws(client: TestClient, world: RegisterWorld) -> dict[str, tuple[str, str]]:
    """Every raw view of every message: blob id → (message id, text) as ``client`` sees it."""
    out: dict[str, tuple[str, str]] = {}
    for message_id in world.message_ids():
        for raw in client.get(f"/api/messages/{message_id}").json()["raw"]:
            out[raw["blob_id"]] = (message_id, raw["text"])
    return out


def _tree(text: str) -> etree._Element | None:
    try:
        return etree.fromstring(text.encode())
    except etree.XMLSyntaxError:
        return None


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _values(text: str) -> tuple[set[str], set[str]]:
    """The personal and the other leaf values of an XML text."""
    personal: set[str] = set()
    other: set[str] = set()
    root = _tree(text)
    for node in [] if root is None else root.iter():
        value = (node.text or "").strip()
        if _local(node) and len(node) == 0 and value:
            (personal if _local(node).lower() in PERSONAL_ELEMENTS else other).add(value)
    return personal, other


class Secrets:
    """The personal values the unmasked journal holds, read by declarations and names."""

    def __init__(self, pd: TestClient, world: RegisterWorld) -> None:
        types = world.types
        personal: set[str] = set()
        other: set[str] = set()
        self.kinds: set[str] = set()
        for message_id in world.message_ids():
            found = pd.get(f"/api/messages/{message_id}").json()
            key = f"{found['message']['type']}.v{found['message']['version']}"
            self.kinds.add(key)
            if key in types:
                personal |= declared_values(types.get(key).model.model_validate(
                    found["payload"]))
            for raw in found["raw"]:
                mine, rest = _values(raw["text"])
                personal |= mine
                other |= rest
                root = _tree(raw["text"])
                if root is not None:
                    self.kinds |= {mt.key for mt in types if _is_root(mt.model, root)}
        # A value that is also part of a value not personal ("Энск" in "УВД г. Энск") cannot
        # be looked for as text: the element check of the raw XML covers it.
        self.values = {v for v in personal - other
                       if (len(v) >= 5 or len(v) >= 4 and not v.isdigit())
                       and not any(v in o for o in other) and not _exchange_name(v)}


def _exchange_name(value: str) -> bool:
    """A file name of the formats' convention (kind, sender, receiver, stamp): no person in
    it, so the register's pages show it (any other file name is masked whole)."""
    try:
        parse_name(value)
    except BadFileName:
        return False
    return True


def _is_root(model: Any, root: etree._Element) -> bool:
    return (isinstance(model, type) and issubclass(model, XmlModel) and bool(model.xml_root)
            and qname(model.xml_namespace, model.xml_root) == root.tag)


def _searched(where: str) -> str:
    """The ЕНП a page was asked for (the viewer typed it: echoing it is no leak)."""
    return where.split("enp=", 1)[1] if "enp=" in where else ""


def test_a_masked_viewer_sees_no_personal_value_and_a_permitted_one_sees_them(
        world: RegisterWorld, logins: Any) -> None:
    # One world for both sides (building it takes most of this test's time).
    pd, viewer = logins("pd"), logins("viewer")
    secrets = Secrets(pd, world)
    assert set(COVERED) <= secrets.kinds, sorted(set(COVERED) - secrets.kinds)
    shown = pages(viewer, world)
    leaks = sorted({(secret, where) for where, text in shown.items()
                    for secret in secrets.values - {_searched(where)}
                    if shown_in(secret, text)})
    unmasked = _raws(pd, world)
    masked = _raws(viewer, world)
    clear = []
    for blob_id, (message_id, text) in unmasked.items():
        mine, theirs = _tree(text), _tree(masked[blob_id][1])
        if mine is None or theirs is None:
            continue
        for a, b in zip(mine.iter(), theirs.iter(), strict=True):
            value = (a.text or "").strip()
            if (_local(a).lower() in PERSONAL_ELEMENTS and len(a) == 0 and value
                    and (b.text or "").strip() == value):
                clear.append((message_id, _local(a), value))
    assert not leaks, leaks[:30]
    assert not clear, clear[:30]

    # The check above is no vacuous one: the same places show the values when permitted.
    every = "\n".join(pages(pd, world).values())
    for value in ("Первомайская-1", "Громова", "+7 (4852) 77-31-90", "112-233-445 95",
                  "semyon.sidorov@example.org", "Левая ул.", "фамилия по браку"):
        assert any(value in s for s in secrets.values), value
    missing = sorted(s for s in secrets.values if s not in every and html.escape(s) not in every)
    assert not missing, missing[:30]
