"""The register's terms as the fund's staff read them: operations, fields, statuses.

The change log and the version tables keep English keys (``detach``, ``district``,
``active``); the card, its printout and the history show these words instead. A key
without a word is shown as it is, so a new operation is never hidden.
"""

from __future__ import annotations

OPERATIONS = {
    "create_person": "регистрация ЗЛ", "load": "начальная загрузка",
    "change_data": "изменение ФИО, пола, даты или места рождения",
    "issue_policy": "выдача полиса", "stop_policy": "прекращение полиса",
    "annul_policy": "аннулирование полиса", "attach": "прикрепление к МО",
    "detach": "открепление от МО", "register_death": "регистрация смерти",
    "correct_death": "исправление даты смерти (ЗАГС)",
    "zags_correction": "исправление записи акта (ЗАГС)",
    "set_person": "изменение персональных данных", "set_snils": "СНИЛС",
    "set_document": "документ, удостоверяющий личность", "set_address": "адрес",
    "set_contact": "контакт", "set_policy": "полис", "set_attachment": "прикрепление",
    "set_death": "смерть",
}
"""Operations of the change log (``op``)."""

FIELDS = {
    "surname": "фамилия", "name": "имя", "patronymic": "отчество", "sex": "пол",
    "birth_date": "дата рождения", "birth_place": "место рождения", "snils": "СНИЛС",
    "doc_type": "вид документа", "series": "серия", "number": "номер",
    "issue_date": "дата выдачи", "issuer": "кем выдан", "policy_type": "вид полиса",
    "smo": "СМО", "date_begin": "начало", "date_end": "окончание",
    "date_stop": "прекращение", "stop_reason": "причина прекращения", "status": "статус",
    "old_valid_to": "прежняя дата окончания", "mo": "МО", "department": "подразделение",
    "district": "участок", "doctor_snils": "СНИЛС врача", "date_attach": "дата прикрепления",
    "date_detach": "дата открепления", "detach_reason": "причина открепления",
    "method": "способ прикрепления", "kind": "вид", "text": "адрес", "value": "значение",
    "fias_guid": "код ФИАС", "kladr": "код КЛАДР", "okato": "ОКАТО", "postcode": "индекс",
    "death_date": "дата смерти", "act_number": "номер записи акта",
    "act_date": "дата записи акта", "changed": "изменено", "note": "примечание",
}
"""Fields of the register's values (the ``field`` of a difference)."""

POLICY_STATUS = {"active": "действует", "annulled": "аннулирован", "stopped": "прекращён"}
CONTACT_KINDS = {"phone": "телефон", "email": "эл. почта"}


def operation(op: str) -> str:
    """An operation of the change log in words (the key itself when it has none)."""
    return OPERATIONS.get(op, op)


def field(key: str) -> str:
    """A field of the register's values in words."""
    return FIELDS.get(key, key)


def contact(kind: str) -> str:
    """A kind of contact in words."""
    return CONTACT_KINDS.get(kind, kind)


def policy_status(status: str) -> str:
    """A policy's status in words."""
    return POLICY_STATUS.get(status, status)


TEMPLATE = {"operation": operation, "field": field, "contact": contact}
"""What the card's templates are given to say keys in words."""
