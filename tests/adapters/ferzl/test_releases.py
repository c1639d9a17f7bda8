"""ФЕРЗЛ's releases are found by what their files declare, not by folder names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from adapters.ferzl.cli import example_envelopes
from adapters.ferzl.releases import SERVICES, Releases
from contracts.xmlsafe import parse
from tests.adapters.ferzl.conftest import EXAMPLES, ferzl_fixtures


def _envelopes(text: str) -> list[etree._Element]:
    """The SOAP bodies' payloads of an example file (a request, then its answer)."""
    return [parse(data)[-1][0] for _, data in example_envelopes(text.encode("utf-8"))]


def test_the_four_published_releases_are_found_with_every_service(releases: Releases) -> None:
    assert releases.versions == ["23.4.7", "24.1.2", "24.1.4", "24.2.6"]
    for release in releases:
        assert set(release.wsdl) == set(SERVICES), release.version
        assert set(release.xsd) == {*SERVICES.values(), "commonTypes"}
    # The signed document's schemas share 24.1.4's namespaces but are no release.
    assert "doc_service" not in str(releases.get("24.1.4").folder)


def test_a_release_under_another_folder_name_is_the_same_release(tmp_path: Path) -> None:
    source = ferzl_fixtures() / "ferzl-ws" / "release-24.1.4"
    shutil.copytree(source, tmp_path / "ФЕРЗЛ" / "текущий")
    found = Releases.discover(tmp_path)
    assert found.versions == ["24.1.4"]
    assert found.get("24.1.4").folder == tmp_path / "ФЕРЗЛ" / "текущий"
    with pytest.raises(LookupError, match="24.2.6 не установлен.*установлены: 24.1.4"):
        found.get("24.2.6")


def test_messages_validate_against_their_namespaces_release(releases: Releases) -> None:
    request, answer = _envelopes(
        (EXAMPLES / "запрос-ответ getPersonData ЕНП.txt").read_text("utf-8"))
    assert releases.validate(request) == []
    # The answer as ФЕРЗЛ really sends it: an attachment without depId (README: 15 of the
    # 73 published payloads deviate from the schema).
    [deviation] = releases.validate(answer)
    assert "mCapitation" in deviation and "depId" in deviation
    payloads = [p for f in sorted(EXAMPLES.glob("*.txt")) for p in _envelopes(
        f.read_text("utf-8"))]
    assert (len(payloads), sum(1 for p in payloads if releases.validate(p))) == (73, 15)
    foreign = etree.fromstring(b"<x xmlns='urn:other'/>")
    assert releases.validate(foreign) == ["элемент {urn:other}x не из пространства имён ФЕРЗЛ"]
