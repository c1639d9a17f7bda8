"""JSON Schemas of the register's API answers (:mod:`.api`), for the console's OpenAPI.

Written to the dicts :mod:`.views`, :mod:`.decisions` and :mod:`.protocols` build; they
name what a client may rely on and allow more. Personal fields are masked (``ref`` instead
of the ЕНП) for an account without the personal-data permission.
"""

from __future__ import annotations

from admin.openapi import (
    ANY_OBJECT,
    INTEGER,
    STRING,
    TIME,
    Param,
    array,
    nullable,
    obj,
    text,
)

TAG = "Регистр ЕРЗ"
ON = Param("on", "Дата, на которую показать состояние (ГГГГ-ММ-ДД), по умолчанию сегодня; "
                 "другая дата — только с допуском к персональным данным.")
PAGE = Param("page", "Номер страницы, с 1.", {"type": "integer", "minimum": 1})
PERSON_KEY = {"enp": "ЕНП или ref из маскированного ответа (id42)."}

NULLABLE = nullable(STRING)

PERSON_ROW = obj(
    ["ref", "enp"], "Застрахованное лицо (ЗЛ) в списке.",
    ref=text("Ключ карточки: ЕНП или, при маскировании, id42."), enp=NULLABLE,
    surname=NULLABLE, name=NULLABLE, patronymic=NULLABLE, birth_date=NULLABLE, sex=NULLABLE,
    snils=NULLABLE, policy=NULLABLE, smo=text("Код СМО.") | {"type": ["string", "null"]},
    mo=text("Код МО прикрепления.") | {"type": ["string", "null"]},
    status=text("Жив, умер…"))

PERSONS = obj(["items", "total"], items=array(PERSON_ROW), total=INTEGER, page=INTEGER,
              page_size=INTEGER)

PERSON = PERSON_ROW | {"properties": {
    **PERSON_ROW["properties"], "on": text("Дата состояния."), "birth_place": NULLABLE,
    "document": nullable(ANY_OBJECT), "policy_detail": nullable(ANY_OBJECT),
    "attachment": nullable(ANY_OBJECT), "addresses": array(ANY_OBJECT),
    "contacts": array(ANY_OBJECT), "death": nullable(ANY_OBJECT)}}

TIMELINE = obj(["enp", "ref", "changes"], enp=NULLABLE, ref=STRING, changes=array(obj(
    ["id", "at", "op"], "Изменение: когда, с какой даты действует, что, кто и почему.",
    id=INTEGER, at=TIME, effective_date=NULLABLE, op=text("Операция."), aspect=NULLABLE,
    changes=array(ANY_OBJECT), component=NULLABLE, user=NULLABLE, source_file=NULLABLE,
    source_message_id=NULLABLE, reason=NULLABLE, smo=NULLABLE, mo=NULLABLE)))

BUFFER = obj(["items"], items=array(obj(
    ["id"], "Отложенная запись: предложение организации, ждущее решения ТФОМС.",
    id=INTEGER, kind=text("Вид операции (ключ)."), kind_text=text("Вид операции словами."),
    sentence=text("Предложение словами, персональные данные маскированы по правам."),
    differences=array(obj(
        ["label", "current", "proposed", "differs"],
        "Сведение, которое меняет предложение: сейчас в регистре и предлагается.",
        key=STRING, label=STRING, current=STRING, proposed=STRING,
        differs={"type": "boolean", "description": "Значения различаются."})),
    status=text("Состояние записи."), status_text=text("Состояние словами."))),
    total=INTEGER, page=INTEGER, page_size=INTEGER)

DECISION = obj(
    (), "Решение по отложенной записи.",
    note=text("Заметка к решению (для отклонения обязательна)."),
    enp=nullable(text("ЕНП, к которому применить запись (если в ней не указан).")),
    confirm_mismatch={"type": "boolean", "description": "Подтвердить расхождение с человеком."},
    mismatch_reason=text("Почему расхождение допустимо."))

DECIDED = {"anyOf": [
    obj(["id", "status"], "Решение и его последствия или отказ регистра.",
        id=INTEGER, status=text("Состояние записи."), events=array(STRING),
        error=text("Текст отказа."), code=text("Код ошибки регистра или identity_mismatch."),
        status_code=INTEGER, mismatches=array(STRING)),
    {"$ref": "#/components/schemas/Error"},
]}

FILES = obj(["items", "total"], items=array(obj(
    (), "Принятый файл и отправленные протоколы.")), total=INTEGER, page=INTEGER,
    page_size=INTEGER)
