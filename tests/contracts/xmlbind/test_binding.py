"""The binding's idioms for element-heavy files with no namespace or a default namespace."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

import pytest
from lxml import etree

from contracts.xmlbind.binding import Elem, MappingError, XmlModel, from_xml, to_xml
from contracts.xmlbind.fields import DateTimeDate, digits, text

NS = "http://tempuri.org/XMLSchema.xsd"


class Row(XmlModel):
    """A record of a plain file: element text values, no namespace, fixed order."""

    xml_ordered: ClassVar[bool] = True

    number: Annotated[int, Elem("N_ZAP")]
    code: Annotated[str, digits(3), Elem("CODE")]
    end: Annotated[date | None, Elem("DEND", blank=True)] = None


class Plain(XmlModel):
    """A root with no namespace."""

    xml_root: ClassVar[str] = "LIST"
    xml_ordered: ClassVar[bool] = True

    name: Annotated[str, text(10), Elem("NAME")]
    rows: Annotated[list[Row], Elem("ROW")]


class Qualified(XmlModel):
    """A root in a default (unprefixed) namespace with a date carried as xs:dateTime."""

    xml_root: ClassVar[str] = "DOC"
    xml_namespace: ClassVar[str] = NS
    xml_unprefixed: ClassVar[bool] = True

    born: Annotated[DateTimeDate, Elem("DR")]
    died: Annotated[DateTimeDate | None, Elem("DDEATH")] = None


def test_plain_elements_round_trip_and_blank_elements_stay_present() -> None:
    model = Plain(name="x", rows=[Row(number=1, code="001"),
                                  Row(number=2, code="002", end=date(2024, 1, 31))])
    xml = etree.tostring(to_xml(model)).decode()
    assert xml.startswith("<LIST><NAME>x</NAME><ROW><N_ZAP>1</N_ZAP><CODE>001</CODE><DEND/>")
    assert "<DEND>2024-01-31</DEND>" in xml
    assert from_xml(Plain, etree.fromstring(xml)) == model


def test_dates_typed_as_datetime_are_written_and_read_as_dates() -> None:
    model = Qualified(born=date(1990, 1, 1))
    root = to_xml(model)
    assert etree.tostring(root) == (b'<DOC xmlns="http://tempuri.org/XMLSchema.xsd">'
                                    b"<DR>1990-01-01T00:00:00</DR></DOC>")
    assert from_xml(Qualified, root) == model
    with pytest.raises(MappingError, match="zero time"):
        from_xml(Qualified, etree.fromstring(
            f'<DOC xmlns="{NS}"><DR>1990-01-01T10:00:00</DR></DOC>'.encode()))


def test_every_structural_problem_is_listed_with_its_record_position() -> None:
    xml = (b"<LIST><NAME>x</NAME><ROW><CODE>001</CODE><N_ZAP>1</N_ZAP></ROW>"
           b"<ROW><N_ZAP>2</N_ZAP><DEND/></ROW><EXTRA/></LIST>")
    with pytest.raises(MappingError) as caught:
        from_xml(Plain, etree.fromstring(xml))
    found = {(i.path, i.name, i.message) for i in caught.value.issues}
    assert found == {
        (("LIST", "ROW", 0), "N_ZAP", "element N_ZAP is out of order: it comes before CODE"),
        (("LIST", "ROW", 1), "CODE", "required element CODE is missing"),
        (("LIST",), "EXTRA", "unexpected element EXTRA"),
    }


def test_value_problems_point_at_the_element_of_the_record() -> None:
    xml = (b"<LIST><NAME>x</NAME><ROW><N_ZAP>1</N_ZAP><CODE>001</CODE><DEND/></ROW>"
           b"<ROW><N_ZAP>2</N_ZAP><CODE>12</CODE><DEND>2024-02-30</DEND></ROW></LIST>")
    with pytest.raises(MappingError) as caught:
        from_xml(Plain, etree.fromstring(xml))
    where = sorted((i.path, i.names) for i in caught.value.issues)
    assert where == [(("LIST", "ROW", 1), ("LIST", "ROW", "CODE")),
                     (("LIST", "ROW", 1), ("LIST", "ROW", "DEND"))]
    assert "2024-02-30" not in str(caught.value)  # values may be personal: never echoed
