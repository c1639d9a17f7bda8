"""The person card in words: the lines the card page, its print version and its PDF share.

:func:`views.card` gives the card's values (masked for an account without the
personal-data permission); here they become the sentences an operator reads — a document,
a policy, an attachment, a life status — with dates ДД.ММ.ГГГГ, so that the screen, the
printout and the PDF say exactly the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from handlers.erz.console.views import ru_date
from handlers.erz.console.words import policy_status

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
"""Where Debian's fonts-dejavu-core puts the fonts (pulled in by chromium, too)."""


class CardSettings(BaseModel):
    """``[plugins.erz]`` keys of the printable card: the TrueType fonts of its PDF.

    The PDF needs fonts with Cyrillic; DejaVu is free (Bitstream Vera licence) and on
    every Debian with ``fonts-dejavu-core``. Other keys of the section are the handler's.
    """

    card_font: Path = Field(default=DEJAVU / "DejaVuSans.ttf",
                            description="TrueType font of the card's PDF (with Cyrillic).")
    card_font_bold: Path = Field(default=DEJAVU / "DejaVuSans-Bold.ttf",
                                 description="Its bold face (headings).")


def lines(p: dict[str, Any]) -> dict[str, str]:
    """The card's document, policy, attachment and life status as sentences."""
    doc, pol, att, death = p["document"], p["policy_detail"], p["attachment"], p["death"]
    document = "—"
    if doc:
        document = " ".join(x for x in (doc["type"], doc["series"], doc["number"]) if x)
        if doc["issued"]:
            document += f", выдан {ru_date(doc['issued'])}"
        if doc["issuer"]:
            document += f" {doc['issuer']}"
    policy = "нет действующего полиса"
    if pol:
        policy = f"{pol['type']} {pol['number']}, СМО {pol['smo']}, с {ru_date(pol['begin'])}"
        policy += f" по {ru_date(pol['end'])}" if pol["end"] else ""
        policy += f", прекращён {ru_date(pol['stop'])}" if pol["stop"] else ""
        policy += f" ({policy_status(pol['status'])})" if pol["status"] else ""
    attachment = "не прикреплён"
    if att:
        attachment = f"МО {att['mo']}"
        attachment += f", подразделение {att['department']}" if att["department"] else ""
        attachment += f", участок {att['district']}" if att["district"] else ""
        attachment += f", с {ru_date(att['since'])}"
    life = p["status"]
    if death and death["act"]:
        life += f", запись акта {death['act']}"
    return {"document": document, "policy": policy, "attachment": attachment, "life": life}
