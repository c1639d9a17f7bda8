"""The printable person card: a print page with its own stylesheet and the history, and a
PDF of it; masked for a masked account, audited like a card seen unmasked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from admin.viewaudit import PERSON_VIEW
from handlers.erz.console import card_pdf
from handlers.erz.console.card import CardSettings
from hub.masking import mask_name
from tests.handlers.erz.console.conftest import BORN_NAME, Login, Region


def _title(pdf: bytes) -> str:
    """The PDF's title (fpdf2 writes it as UTF-16 hex)."""
    found = re.search(rb"/Title <feff([0-9a-f]+)>", pdf)
    assert found is not None
    return bytes.fromhex(found.group(1).decode()).decode("utf-16-be")


def test_the_print_page_holds_the_card_and_its_history(login: Login, region: Region) -> None:
    p = region.insured()
    pd = login("pd")
    card = pd.get(f"/erz/person/{p.enp}", params={"on": "31.05.2024"}).text
    link = re.search(r'href="([^"]+/print\?on=[^"]+)" id="print"', card)
    assert link is not None
    page = pd.get(link.group(1).replace("&amp;", "&"))
    assert page.status_code == 200
    assert '<link rel="stylesheet" href="/erz/print.css">' in page.text
    assert 'class="top"' not in page.text  # no menu on paper
    assert "Состояние на 31.05.2024" in page.text and BORN_NAME in page.text
    assert p.data.birth_date.strftime("%d.%m.%Y") in page.text
    assert f"{BORN_NAME} → {p.data.surname}" in page.text and "01.06.2024" in page.text
    assert "фамилия</span>:" in page.text and "(действует)" in page.text
    assert re.search(r'id="printed">Напечатал pd \d\d\.\d\d\.\d{4} ', page.text)
    css = pd.get("/erz/print.css")
    assert css.headers["content-type"].startswith("text/css") and "@media print" in css.text
    masked = login("viewer").get(f"/erz/person/{p.enp}/print").text
    for secret in (p.data.surname, p.enp, p.snils, p.data.birth_date.strftime("%d.%m.%Y")):
        assert secret not in masked
    assert mask_name(p.data.surname) in masked


def test_the_pdf_is_masked_and_audited_like_the_card(login: Login, region: Region) -> None:
    p = region.insured()
    plain = login("pd").get(f"/erz/person/{p.enp}/card.pdf", params={"on": "2024-06-01"})
    assert plain.status_code == 200 and plain.headers["content-type"] == "application/pdf"
    assert plain.content.startswith(b"%PDF-") and plain.content.rstrip().endswith(b"%%EOF")
    assert _title(plain.content) == f"Карточка ЗЛ {p.enp}"
    masked = login("viewer").get(f"/erz/person/{p.enp}/card.pdf")
    assert masked.status_code == 200 and p.enp not in _title(masked.content)
    assert _title(masked.content).endswith(p.enp[-4:])
    login("pd").get(f"/erz/person/{p.enp}/print")
    seen = [(r.username, r.target, json.loads(r.details or "null"))
            for r in region.audit(PERSON_VIEW)]
    assert seen == [("pd", f"erz.person/{p.enp}", {"printed": "pdf", "on": "2024-06-01"}),
                    ("pd", f"erz.person/{p.enp}", {"printed": "print",
                                                   "on": seen[1][2]["on"]})]


def test_a_missing_font_is_said_in_russian(tmp_path: Path) -> None:
    with pytest.raises(card_pdf.FontMissing, match="Нет шрифта для PDF-карточки.*"
                                                   "fonts-dejavu-core"):
        card_pdf.render({"enp": "1", "on": "2024-01-01"}, [], printed="", when=str,
                        settings=CardSettings(card_font=tmp_path / "нет.ttf"))
