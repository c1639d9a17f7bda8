"""ФЕРЗЛ's own names of personal data mask the raw SOAP the journal keeps: a viewer without
the permission sees no document, name, date or identifier of a person in an answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lxml import etree

from adapters.ferzl import personal
from hub import vocabulary
from hub.masking import mask_text
from tests.adapters.ferzl.canned import example_envelopes


@pytest.fixture(autouse=True)
def with_ferzl_names(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The installed vocabulary with ФЕРЗЛ's (whether its entry point is installed or not)."""
    from importlib.metadata import entry_points

    declared = [ep.load() for ep in entry_points(group="omshub.personal")]
    monkeypatch.setattr(vocabulary, "_compiled",
                        vocabulary.Vocabulary.of([*declared, personal.PERSONAL]))
    yield


@pytest.mark.parametrize(("example", "secrets"), [
    ("запрос-ответ getPersonData ЕНП.txt",
     ["ИВАНОВ", "МАКСИМ", "ЭДУАРДОВИЧ", "2009-06-23", "II-АН", "793389", "2009-07-07",
      "6193099726000157", "03205573312"]),
    ("запрос-ответ getPersonDataHistory ДУДЛ.txt", []),
    ("запрос-ответ findNils.txt", []),
])
def test_an_answer_shows_no_personal_value_masked(example: str, secrets: list[str]) -> None:
    _, answer = example_envelopes(example)[:2]
    masked = mask_text(answer.decode())
    found = secrets or _leaves(answer)
    assert found
    shown = [s for s in found if s in masked]
    assert not shown, f"shown in clear: {shown}"


PERSONAL_LEAVES = {"surname", "firstName", "patronymic", "birthDay", "dudlSer", "dudlNum",
                   "dudlDateB", "snils", "enp", "fioEstim", "surnameEstim", "pcyNum"}


def _leaves(envelope: bytes) -> list[str]:
    root = etree.fromstring(envelope)
    return sorted({(el.text or "").strip() for el in root.iter(tag=etree.Element)
                   if etree.QName(el).localname in PERSONAL_LEAVES
                   and len((el.text or "").strip()) > 3})
