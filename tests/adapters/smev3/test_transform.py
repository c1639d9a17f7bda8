"""The СМЭВ transform against the fixture vectors and vectors of our own.

Expected outputs of our own vectors are written by hand from the Java reference algorithm (see
:mod:`adapters.smev3.transform`): prefixes ns1, ns2… from one counter in document order, a
namespace declared where first used and forgotten with its element, attributes qualified
first (namespace URI, then local name, UTF-16 order: "Z" < "a"), then unqualified; Woodstox
escaping — text: & < always, > only first or after "]", CR as &#xd;, quotes as is;
attributes: & < " and CR LF TAB as entities, > as is.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from adapters.smev3.transform import (
    TransformError,
    digest_input,
    escape_attribute,
    escape_text,
    smev_transform,
)
from tests.conftest import SHARED, unavailable

VECTORS = SHARED / "fixtures" / "smev3" / "transform-vectors"


def _vector(name: str) -> Path:
    path = VECTORS / name
    if not path.is_file():
        unavailable(f"fixture {path} is absent")
    return path


@pytest.mark.parametrize("case", [1, 2, 3, 4])
def test_fixture_vectors(case: int) -> None:
    given = _vector(f"test_{case}.input.xml").read_bytes()
    expected = _vector(f"test_{case}.expected.xml").read_bytes().strip()
    assert smev_transform(given) == expected


TEXT = """<?xml version="1.0" encoding="UTF-8"?>
<root xmlns="urn:a">
  <t>a &amp; b &lt; c &gt; d "e" 'f'</t>
  <u>&gt; first, ]]&gt; after brackets, x&gt;y</u>
  <r>line1&#xD;
line2</r>
  <ru>Иванов Иван Иванович — «ФОМС»</ru>
</root>"""
# > stays > inside text but not as its first character nor after "]"; the escaped CR comes
# out as Woodstox's &#xd; (lower case) and the line feed after it as is; Cyrillic is UTF-8.
TEXT_EXPECTED = ('<ns1:root xmlns:ns1="urn:a"><ns1:t>a &amp; b &lt; c > d "e" \'f\'</ns1:t>'
                 "<ns1:u>&gt; first, ]]&gt; after brackets, x>y</ns1:u>"
                 "<ns1:r>line1&#xd;\nline2</ns1:r>"
                 "<ns1:ru>Иванов Иван Иванович — «ФОМС»</ns1:ru></ns1:root>")

ATTRIBUTES = """<d:doc xmlns:d="urn:d" xmlns:x="urn:x" x:z="a&quot;b"
  q="1 &lt; 2 &gt; 0 &amp; &apos;s'" n="Фамилия&#xD;&#xA;&#x9;Имя" Z="z" d:a=""/>"""
# Qualified first by namespace (urn:d < urn:x), then unqualified by UTF-16 code unit (Z < n < q);
# ns2 is declared for the attribute's namespace after the element's own ns1; > and ' stay,
# " becomes &quot;, the CR LF TAB character references come back as entities; never <a/>.
ATTRIBUTES_EXPECTED = ('<ns1:doc xmlns:ns1="urn:d" xmlns:ns2="urn:x" ns1:a="" ns2:z="a&quot;b"'
                       ' Z="z" n="Фамилия&#xd;&#xa;&#x9;Имя" q="1 &lt; 2 > 0 &amp; \'s\'">'
                       "</ns1:doc>")

SCOPES = """<root xmlns="urn:r" xmlns:unused="urn:unused">
  <a xmlns:p="urn:p" p:k="v"><p:b/></a>
  <c xmlns:p="urn:p" p:k2="w"/>
</root>"""
# urn:unused is never used: not carried over. urn:p is first needed by a's attribute (ns2),
# reused by b inside a, forgotten when a closes, so c declares it afresh as ns3.
SCOPES_EXPECTED = ('<ns1:root xmlns:ns1="urn:r"><ns1:a xmlns:ns2="urn:p" ns2:k="v">'
                   "<ns2:b></ns2:b></ns1:a>"
                   '<ns1:c xmlns:ns3="urn:p" ns3:k2="w"></ns1:c></ns1:root>')


@pytest.mark.parametrize(("given", "expected"), [
    (TEXT, TEXT_EXPECTED),
    (ATTRIBUTES, ATTRIBUTES_EXPECTED),
    (SCOPES, SCOPES_EXPECTED),
], ids=["text-escaping", "attributes", "namespace-scopes"])
def test_own_vectors(given: str, expected: str) -> None:
    assert smev_transform(given.encode("utf-8")) == expected.encode("utf-8")


def test_text_events_are_judged_one_by_one() -> None:
    # As StAX reports them: text, PI, whitespace, comment, text. The lone space is dropped.
    given = b'<a:r xmlns:a="urn:a"><a:p>  </a:p><a:m> x <?pi?> <!--c--> y </a:m></a:r>'
    assert smev_transform(given) == (b'<ns1:r xmlns:ns1="urn:a"><ns1:p></ns1:p>'
                                     b"<ns1:m> x  y </ns1:m></ns1:r>")


def test_digest_input_runs_after_exclusive_c14n() -> None:
    # exc-c14n drops the comment first, so the space and " y " reach the transform as one text.
    root = etree.fromstring(b'<w xmlns:a="urn:a"><a:m Id="x"> x <?pi?> <!--c--> y </a:m></w>')
    assert digest_input(root[0]) == b'<ns1:m xmlns:ns1="urn:a" Id="x"> x   y </ns1:m>'


def test_escaping_rules() -> None:
    assert escape_text(">a>]>") == "&gt;a>]&gt;"
    assert escape_text('\r"\x85') == '&#xd;"&#x85;'
    assert escape_attribute('<>&"\t\n\r') == "&lt;>&amp;&quot;&#x9;&#xa;&#xd;"


def test_unqualified_elements_are_refused_like_the_reference() -> None:
    with pytest.raises(TransformError, match="no namespace"):
        smev_transform(b"<plain/>")


def test_unsafe_input_is_refused() -> None:
    bomb = b'<!DOCTYPE a [<!ENTITY e "x">]><a xmlns="urn:a">&e;</a>'
    with pytest.raises(TransformError, match="DTD"):
        smev_transform(bomb)
