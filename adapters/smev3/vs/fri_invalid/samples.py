"""Realistic test data of the ФРИ extract (a fictitious person) for tests and the simulator."""

from __future__ import annotations

from datetime import date

from adapters.smev3.vs.fri_invalid.messages import (
    AttachmentDescription,
    AttachmentFormat,
    ExtractionPeriod,
    ExtractionRequestV1,
    ExtractionResponseV1,
)

SNILS = "11223344595"


def request(snils: str = SNILS) -> ExtractionRequestV1:
    """The extract of documents valid today, as fixed when it was made."""
    return ExtractionRequestV1(snils=snils, kind="Stable",
                               period=ExtractionPeriod(valid_on=date(2024, 3, 1)))


def answer(asked: ExtractionRequestV1) -> ExtractionResponseV1:
    """ФРИ's answer: the extract of the person asked about goes as an MTOM attachment."""
    return ExtractionResponseV1(attachments=AttachmentDescription(
        mtom=True, format=AttachmentFormat(
            unstructured=False, zipped=False, document_type="Выписка из ФГИС ФРИ",
            family_name="Пресняков", first_name="Роман", patronymic="Евгеньевич",
            snils=asked.snils)))
