"""The person card as a PDF (fpdf2, pure Python): the state on a date and the whole history.

The same values and sentences as the card page (:mod:`.card`), masked the same way; dates
ДД.ММ.ГГГГ, times in the console's time zone. The fonts are TrueType files named by the
settings (:class:`.card.CardSettings`, DejaVu by default): without one the card cannot be
drawn in Cyrillic, and :class:`FontMissing` says which file to install.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from handlers.erz.console.card import CardSettings, lines
from handlers.erz.console.views import ru_date
from handlers.erz.console.words import contact, field, operation

FAMILY = "card"
HISTORY = (("Записано", 27), ("Действует с", 19), ("Операция", 25), ("Что изменилось", 50),
           ("Кто", 30), ("Основание", 39))
"""The history table's columns and their widths in millimetres (190 on A4 portrait)."""


class FontMissing(Exception):
    """The card's font file is not there (the message, in Russian, says what to do)."""


def _font(path: Path) -> str:
    if not path.is_file():
        raise FontMissing(
            f"Нет шрифта для PDF-карточки: {path}. Установите пакет fonts-dejavu-core "
            "(apt-get install fonts-dejavu-core) или укажите card_font и card_font_bold "
            "в разделе [plugins.erz] файла omshub.toml.")
    return str(path)


def _diff(change: dict[str, Any]) -> str:
    return "\n".join(f"{field(d['field'])}: {ru_date(d['old']) or '—'} → "
                     f"{ru_date(d['new']) or '—'}" for d in change["changes"])


def _rows(p: dict[str, Any], said: dict[str, str]) -> list[tuple[str, str]]:
    rows = [("ФИО", f"{p['surname']} {p['name']} {p['patronymic']}".strip()),
            ("Дата рождения", ru_date(p["birth_date"])), ("Место рождения", p["birth_place"]),
            ("Пол", p["sex"]), ("СНИЛС", p["snils"]), ("Документ", said["document"]),
            ("Полис", said["policy"])]
    rows += [(f"Адрес ({a['kind']})", a["text"]) for a in p["addresses"]]
    rows += [(f"Контакт ({contact(c['kind'])})", c["value"]) for c in p["contacts"]]
    return rows + [("Прикрепление", said["attachment"]), ("Статус", said["life"])]


def render(p: dict[str, Any], changes: Sequence[dict[str, Any]], *, printed: str,
           when: Callable[[datetime | None], str], settings: CardSettings) -> bytes:
    """The card ``p`` as of ``p["on"]`` and its ``changes`` (newest first) as PDF bytes;
    ``printed`` is who printed it and when (the footer), ``when`` formats a change's time."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.add_font(FAMILY, "", _font(settings.card_font))
    pdf.add_font(FAMILY, "B", _font(settings.card_font_bold))
    pdf.set_title(f"Карточка ЗЛ {p['enp']}")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 14)
    pdf.cell(0, 8, f"Карточка застрахованного лица, ЕНП {p['enp']}",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10)
    pdf.cell(0, 6, f"Состояние на {ru_date(p['on'])}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    with pdf.table(col_widths=(45, 145), first_row_as_headings=False, text_align="LEFT",
                   line_height=5) as table:
        for title, value in _rows(p, lines(p)):
            row = table.row()
            row.cell(title, style=FontFace(emphasis="BOLD"))
            row.cell(value or "—")
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 7, "История изменений", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 8)
    with pdf.table(col_widths=[w for _, w in HISTORY], text_align="LEFT", line_height=4,
                   repeat_headings=1) as table:
        heading = table.row()
        for title, _ in HISTORY:
            heading.cell(title)
        for ch in changes:
            who = ch["component"] + (f" / {ch['user']}" if ch["user"] else "")
            source = "\n".join(x for x in (ch["reason"], ch["source_file"]) if x)
            row = table.row()
            for value in (when(ch["at"]), ru_date(ch["effective_date"]), operation(ch["op"]),
                          _diff(ch),
                          who, source):
                row.cell(value or "—")
        if not changes:
            table.row().cell("Изменений нет.", colspan=len(HISTORY))
    pdf.ln(3)
    pdf.set_font(FAMILY, "", 8)
    pdf.cell(0, 5, printed, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
