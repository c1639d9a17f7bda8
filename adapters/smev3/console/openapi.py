"""JSON Schemas of the СМЭВ 3 API answers (:mod:`.api`), for the console's OpenAPI.

Written to the dicts :mod:`adapters.smev3.monitor` builds; they name what a client may rely
on and allow more.
"""

from __future__ import annotations

from admin.openapi import ANY_OBJECT, INTEGER, STRING, Param, array, nullable, obj, text

TAG = "СМЭВ 3"
NULLABLE = nullable(STRING)
PERIOD = (Param("from", "С момента: ДД.ММ.ГГГГ [ЧЧ:ММ] или ISO 8601."),
          Param("to", "До момента: ДД.ММ.ГГГГ [ЧЧ:ММ] или ISO 8601."))
LIMIT = Param("limit", "Размер страницы.", INTEGER)

TYPES = obj(["types"], "Установленные виды сведений, расписание опроса, ошибки загрузки.",
            types=array(obj(
                ["key", "title", "role"], "Вид сведений.", key=text("Ключ вида сведений."),
                title=STRING, role=text("consumer — запрашиваем мы, provider — у нас."),
                protocol=STRING, request_type=NULLABLE, response_type=NULLABLE,
                schemas=array(ANY_OBJECT), can_compose={"type": "boolean"})))

OUTGOING_PAGE = obj(["items", "next_before"], items=array(obj((), "Исходящее сообщение.")),
                    next_before=nullable(INTEGER))

RECEIVED_PAGE = obj(["items", "next_cursor"], items=array(obj((), "Принятое сообщение.")),
                    next_cursor=NULLABLE)

ITEM = obj((), "Сообщение с содержимым (XML и каноническими данными).",
           content=nullable(ANY_OBJECT))

SEND_BODY = obj(["payload", "reason"], payload=obj((), "Канонический запрос вида сведений."),
                reason=text("Причина: попадает в журнал аудита.", minLength=1))

SENT = obj(["message_id", "type"], message_id=STRING, type=text("Тип сообщения на шине."),
           information_type=STRING, journal=text("Ссылка на сообщение в журнале консоли."))

REFUSED = obj(["error", "status", "stage", "errors"], "Запрос не прошёл проверку модели "
              "или XSD: все найденные ошибки и XML, в который он переводится.",
              error=STRING, status=INTEGER, stage=STRING,
              errors=array(obj(["message"], stage=STRING, location=STRING, message=STRING)),
              xml=NULLABLE)

POLLED = obj(["name", "run_requested"], name=STRING, run_requested={"type": "boolean"})
