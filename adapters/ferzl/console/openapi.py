"""JSON Schemas of the ФЕРЗЛ API answers (:mod:`.api`), for the console's OpenAPI.

Written to the dicts :mod:`.journal`, :mod:`.calls` and :mod:`.operations` build; they name
what a client may rely on and allow more. Personal data are masked for an account without
the personal-data permission.
"""

from __future__ import annotations

from admin.openapi import ANY_OBJECT, INTEGER, STRING, TIME, Param, array, nullable, obj, text

TAG = "ФЕРЗЛ"
NULLABLE = nullable(STRING)
FILTER = (Param("operation", "Операция ФЕРЗЛ (getPersonData…)."),
          Param("state", "Состояние журнала (ferzl.answered, ferzl.flk_rejected…)."),
          Param("from", "С момента: ДД.ММ.ГГГГ [ЧЧ:ММ] или ISO 8601."),
          Param("to", "До момента: ДД.ММ.ГГГГ [ЧЧ:ММ] или ISO 8601."),
          Param("page", "Номер страницы, с 1.", {"type": "integer", "minimum": 1}),
          Param("size", "Строк на странице: 20, 50, 100 или 200.", INTEGER))

EXCHANGE = obj(
    ["id", "at", "operation", "release", "state"], "Обращение к ФЕРЗЛ.",
    id=INTEGER, at=TIME, operation=STRING, release=text("Выпуск API."),
    purpose=text("Зачем фонд спрашивал (из ferzl.call)."), http_status=nullable(INTEGER),
    state=text("Код состояния журнала."), state_words=text("Состояние словами."),
    duration_ms=INTEGER, deviations=text("Отклонений ответа от схемы.") | {"type": "integer"},
    external_request_id=STRING, call_id=text("Сообщение ferzl.call на шине."),
    error=NULLABLE)

XML = nullable(obj(["text"], "Сохранённое сообщение: XML с отступами, маскированный по "
                   "правам.", blob_id=STRING, size=INTEGER, text=STRING,
                   is_xml={"type": "boolean"}, truncated={"type": "boolean"}))

EXCHANGES = obj(["items", "total"], items=array(EXCHANGE), total=INTEGER, page=INTEGER,
                size=INTEGER)

EXCHANGE_DETAIL = EXCHANGE | {"properties": {
    **EXCHANGE["properties"], "request": XML, "answer": XML,
    "deviation_list": array(STRING), "siblings": array(ANY_OBJECT)}}

SEARCH_BODY = obj(
    ["kind", "purpose"], "Поиск: вид и поля (только нужные виду).",
    kind=text("enp, policy, snils, document или names (names — только с допуском к "
              "персональным данным)."),
    purpose=text("Зачем фонд спрашивает: в журнал запросов и аудит.", minLength=1),
    enp=STRING, policy_type=text("С — полис старого образца, В — временное свидетельство."),
    policy_series=STRING, policy_number=STRING, snils=STRING,
    birth_date=text("ДД.ММ.ГГГГ или ГГГГ-ММ-ДД."), document_type=text("Код F011."),
    document_series=STRING, document_number=STRING, surname=STRING, name=STRING,
    patronymic=STRING)

SENT = obj(["call_id", "operation"], call_id=text("Сообщение ferzl.call на шине."),
           operation=STRING, page=text("Страница запроса в консоли."),
           api=text("Адрес ответа в API."))

PERSON = obj((), "Лицо из ответа, маскированное по правам.", enp=STRING, oip=STRING,
             names=STRING, birth_date=text("ДД.ММ.ГГГГ."), sex=STRING, status=STRING,
             insurer=STRING, policy=STRING, policy_status=STRING, attachment=STRING,
             death_date=STRING, role=STRING)

SEARCH = obj(
    ["call_id", "kind", "operation", "answer"], "Поиск из консоли и ответ ФЕРЗЛ (null, пока "
    "его нет).", call_id=STRING, kind=STRING, operation=STRING, asked_by=STRING,
    asked_at=TIME, purpose=STRING, params=ANY_OBJECT, call_status=STRING,
    answer_id=NULLABLE, answered_at=nullable(TIME), state=text("ok или состояние журнала."),
    answer=nullable(obj((), "Ответ.", release=STRING, error=STRING,
                        deviations=array(STRING), errors=array(ANY_OBJECT),
                        total=nullable(INTEGER), persons=array(PERSON), xml=XML)))

OPERATIONS = obj(["items"], items=array(obj(
    ["id", "operation", "status"], "Асинхронная операция.", id=INTEGER, call_id=STRING,
    operation=STRING, release=STRING, status=text("waiting, polling, done или failed."),
    status_words=STRING, active={"type": "boolean"}, created_at=TIME, updated_at=TIME,
    starts=INTEGER, polls=INTEGER, attempts=INTEGER, last_status=STRING, error=STRING,
    task=nullable(ANY_OBJECT))))
