"""JSON Schemas of what the console's own API answers (:mod:`admin.api`), for its OpenAPI.

The endpoints answer plain dicts built by the journal, dead-letter, audit and schedule
modules; these schemas are written to those dicts. They name the fields a client may rely
on and allow more (an answer may grow without breaking a client); a test runs the API
against them (schemathesis), so a field that changes its type breaks it.
"""

from __future__ import annotations

from admin.openapi import ANY_OBJECT, BOOLEAN, INTEGER, STRING, TIME, array, nullable, obj, text

NULLABLE_STRING = nullable(STRING)

JOURNAL_ROW = obj(
    ["message_id", "type", "version", "source", "status", "created_at"],
    "Сообщение в журнале.",
    message_id=text("Идентификатор сообщения (UUID)."), type=text("Тип сообщения."),
    version=INTEGER, source=text("Компонент-отправитель."), destination=NULLABLE_STRING,
    correlation_id=STRING, causation_id=NULLABLE_STRING,
    status=text("Последнее состояние сообщения."),
    person=text("Идентификаторы человека (маскируются без права на ПДн)."),
    created_at=TIME, first_seen_at=nullable(TIME), last_at=nullable(TIME),
    last_error=NULLABLE_STRING)

JOURNAL_PAGE = obj(["items", "next_cursor"], items=array(JOURNAL_ROW),
                   next_cursor=nullable(text("Курсор следующей страницы; null — это последняя.")))

MESSAGE = obj(
    ["message", "envelope", "payload", "trail", "conversation", "raw", "dead_letters"],
    message=JOURNAL_ROW, envelope=obj((), "Конверт сообщения."),
    payload=nullable(obj((), "Данные сообщения (ПДн маскируются).")),
    trail=array(obj((), "Событие пути сообщения: кто, когда, с каким итогом.")),
    conversation=array(obj((), "Сообщения той же переписки (correlation_id).")),
    raw=array(obj((), "Принятые или отправленные байты: вложение журнала.")),
    dead_letters=array(obj((), "Ошибки доставки этого сообщения.")))

DEAD_LETTER = obj(
    ["id", "message_id", "queue", "cause_type", "cause_message", "attempts", "at", "state"],
    "Ошибка доставки: сообщение, которое обработчик не смог обработать.",
    id=INTEGER, message_id=STRING, queue=text("Очередь, из которой ушло сообщение."),
    component=NULLABLE_STRING, type=NULLABLE_STRING, cause_type=text("Класс причины."),
    cause_message=text("Текст причины."), attempts=INTEGER, at=TIME,
    state=text("open — открыта, replayed — повторена, discarded — закрыта."),
    resolved_at=nullable(TIME), resolved_by=NULLABLE_STRING, resolution=NULLABLE_STRING,
    group=text("Ключ группы по причине."))

DEAD_LETTER_DETAIL = {**DEAD_LETTER, "properties": {
    **DEAD_LETTER["properties"], "envelope": nullable(ANY_OBJECT), "payload": {}}}

DEAD_LETTER_GROUP = obj(
    ["key", "cause_type", "cause", "count"], "Группа открытых ошибок с одной причиной.",
    key=text("Ключ группы (для group=…)."), cause_type=STRING,
    cause=text("Причина с заменёнными числами и идентификаторами."), count=INTEGER,
    first_at=nullable(TIME), last_at=nullable(TIME), queues=array(STRING), types=array(STRING))

DEAD_LETTER_LIST = {"oneOf": [
    obj(["groups", "cut"], "view=grouped", groups=array(DEAD_LETTER_GROUP),
        cut={**BOOLEAN, "description": "true — групп больше, показаны не все."}),
    obj(["items"], "view=flat", items=array(DEAD_LETTER),
        total={**INTEGER, "description": "Сколько ошибок под фильтром (и группой)."},
        total_cut={**BOOLEAN, "description": "true — подсчёт остановлен на total."}),
]}

RESOLVED = obj(["id", "message_id", "state"], id=INTEGER, message_id=STRING,
               state=text("Новое состояние.", enum=["replayed", "discarded"]))

BULK_REPLAYED = obj(["replayed"], replayed={**INTEGER, "description": "Сколько повторено."},
                    failed=array(obj(["id", "error"], id=INTEGER, error=STRING)))

AUDIT_ROW = obj(
    ["id", "at", "username", "action"], "Запись журнала аудита.",
    id=INTEGER, at=TIME, username=STRING, action=text("Действие."), target=NULLABLE_STRING,
    reason=NULLABLE_STRING, details=nullable({"type": ["string", "object"]}),
    remote_addr=NULLABLE_STRING)

AUDIT_PAGE = obj(["items", "next_before"], items=array(AUDIT_ROW),
                 next_before=nullable({**INTEGER,
                                       "description": "id для следующей страницы (before=…)."}))

SCHEDULE = obj(
    ["name", "cron", "enabled"], "Расписание задания.",
    name=text("Имя: компонент:задание."), component=STRING, job=STRING,
    cron=text("Выражение cron (минута час день месяц день_недели)."), enabled=BOOLEAN,
    description=NULLABLE_STRING, next_run_at=nullable(TIME), last_run_at=nullable(TIME),
    last_status=NULLABLE_STRING, last_error=NULLABLE_STRING, run_requested_at=nullable(TIME),
    updated_by=NULLABLE_STRING)

ME = obj(["username", "role", "personal_data", "csrf_token"], username=STRING,
         role=text("Роль.", enum=["viewer", "operator", "administrator"]),
         personal_data={**BOOLEAN, "description": "Право видеть персональные данные."},
         csrf_token=text("CSRF-токен сеанса для заголовка X-CSRF-Token."))

REASON = text("Причина: попадает в журнал аудита вместе с именем пользователя.",
              minLength=1)

REPLAY_BODY = obj(["reason"], reason=REASON, payload=nullable(obj((), (
    "Исправленные данные сообщения (по умолчанию — как было); правка данных с "
    "персональными полями требует права на ПДн."))))

DISCARD_BODY = obj(["reason"], reason=REASON)

BULK_REPLAY_BODY = obj(
    ["reason"], "Нужен хотя бы один фильтр, или group, или \"all\": true.", reason=REASON,
    cause_type=STRING, queue=STRING, type=STRING,
    since=text("С момента (ISO 8601)."), until=text("До момента (ISO 8601)."),
    group=text("Ключ группы по причине."), all={**BOOLEAN, "description": "Все открытые."},
    rate={"type": "number", "exclusiveMinimum": 0, "maximum": 10000,
          "description": "Сообщений в секунду (задача в фоне)."},
    batch={**INTEGER, "minimum": 1, "maximum": 5000,
           "description": "Сообщений в пачке (задача в фоне)."})

BULK_REPLAY_STARTED = obj(
    (), "Запущенная повторная отправка.", task=text("Идентификатор задачи."),
    progress=text("Где следить за ходом."),
    replayed={**INTEGER, "description": "0 — под фильтр ничего не попало, задачи нет."})

SCHEDULE_EDIT_BODY = obj((), "Нужно хотя бы одно из полей.",
                         cron=text("Новое выражение cron."),
                         enabled={**BOOLEAN, "description": "Включено ли расписание."})
