"""The L file's personal data is masked in text wherever it is quoted (logs, notes): the
names it shares with the register's files and those ``contracts.pump_personal`` adds."""

from __future__ import annotations

from hub.masking import mask_text


def test_an_l_record_quoted_in_text_is_masked() -> None:
    pers = ("<PERS><ID_PAC>P000000001</ID_PAC><FAM>Лебедева</FAM><IM>Ольга</IM>"
            "<DR>1961-04-02</DR><DOCNUM>123456</DOCNUM><DOCDATE>2006-05-17</DOCDATE>"
            "<DOCORG>ОУФМС по г. Уфе</DOCORG><TEL>9171234567</TEL>"
            "<STREET>Ленина</STREET><HOUSE>12</HOUSE><FLAT>7</FLAT></PERS>")
    masked = mask_text(pers)
    for value in ("Лебедева", "Ольга", "1961-04-02", "123456", "2006-05-17", "Уфе",
                  "9171234567", "Ленина", ">12<", ">7<"):
        assert value not in masked, value
    assert "P000000001" in masked  # the clinic's own record id is not personal
